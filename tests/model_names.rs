//! Models may be named like anything the derive's expansion uses: its
//! generic parameters (`R`, `C`, `P`, ...), the types of `strata`'s API
//! (`Model`, `Value`, `Row`, `Field`, ...) and the standard prelude
//! (`Option`, `Result`, `Vec`, `String`, ...). Every one of them is a model
//! in the module below, so each derive expands next to all of them; the
//! test then runs queries through relations between them.

#![allow(non_camel_case_types, dead_code)]

use strata_tests::each_db;

mod shadowing {
    use strata::prelude::*;

    /// A model named like the derive's queryset-root parameter, with a
    /// foreign key to one named like its cardinality parameter.
    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct R {
        pub id: ::core::primitive::i64,
        #[strata(max_length = 20)]
        pub name: ::std::string::String,
        #[strata(on_delete = cascade, related_name = "rs")]
        pub c: ForeignKey<C>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct C {
        pub id: ::core::primitive::i64,
        #[strata(max_length = 20)]
        pub name: ::std::string::String,
        pub rs: Reverse<R>,
    }

    /// Declares one model per name, each with a foreign key to `C`.
    macro_rules! models {
        ($($name:ident => $related:tt),* $(,)?) => {$(
            #[derive(Model, Debug, Clone, PartialEq)]
            pub struct $name {
                pub id: ::core::primitive::i64,
                #[strata(on_delete = cascade, related_name = $related)]
                pub c: ::core::option::Option<ForeignKey<C>>,
            }
        )*};
    }

    models! {
        P => "p_set", T => "t_set", M => "m_set", E => "e_set", V => "v_set", F => "f_set",
        K => "k_set", Row => "row_set", Model => "model_set", Value => "value_set",
        Error => "error_set", Field => "field_set", Q => "q_set", Path => "path_set",
        One => "one_set", Many => "many_set", JoinPath => "join_path_set",
        Cardinality => "cardinality_set", ColumnType => "column_type_set",
        ModelMeta => "model_meta_set", ColumnMeta => "column_meta_set",
        RelationMeta => "relation_meta_set", FieldType => "field_type_set",
        Prefetch => "prefetch_set", Related => "related_set", Registration => "registration_set",
        Option => "option_set", Result => "result_set", Some => "some_set", None => "none_set",
        Ok => "ok_set", Err => "err_set", Vec => "vec_set", Box => "box_set",
        String => "string_set", Any => "any_set", Send => "send_set", Sync => "sync_set",
        Clone => "clone_set", Default => "default_set", PhantomData => "phantom_data_set",
        str => "str_set", usize => "usize_set", i64 => "i64_set", bool => "bool_set",
    }

    /// Every model of this module, `C` first.
    pub fn all() -> ::std::vec::Vec<&'static strata::ModelMeta> {
        ::std::vec![
            <C as strata::Model>::META,
            <R as strata::Model>::META,
            <P as strata::Model>::META,
            <T as strata::Model>::META,
            <Row as strata::Model>::META,
            <Value as strata::Model>::META,
            <Option as strata::Model>::META,
        ]
    }
}

use shadowing::{C, R};
use strata::prelude::*;

#[tokio::test]
async fn models_named_like_generated_generics_query_through_relations() {
    each_db("models_named_like_generated_generics", |db| async move {
        db.create_tables(&shadowing::all()).await.unwrap();
        let mut cs = vec![
            C {
                id: 0,
                name: "left".into(),
                rs: Reverse::new(),
            },
            C {
                id: 0,
                name: "right".into(),
                rs: Reverse::new(),
            },
        ];
        for c in &mut cs {
            c.insert(&db).await.unwrap();
        }
        let mut rs = Vec::new();
        for (name, c) in [("a", 0), ("b", 1), ("c", 1)] {
            let mut r = R {
                id: 0,
                name: name.into(),
                c: ForeignKey::to(&cs[c]),
            };
            r.insert(&db).await.unwrap();
            rs.push(r);
        }
        let found = R::objects()
            .filter(R::c().name().eq("right"))
            .select_related(R::c())
            .order_by(R::name().asc())
            .all(&db)
            .await
            .unwrap();
        let expected: Vec<&str> = rs
            .iter()
            .filter(|r| cs.iter().any(|c| c.id == *r.c.key() && c.name == "right"))
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            found.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            expected
        );
        assert!(found
            .iter()
            .all(|r| r.c.get().is_some_and(|c| c.name == "right")));
        let with_rs = C::objects()
            .prefetch_related(C::rs())
            .order_by(C::name().asc())
            .all(&db)
            .await
            .unwrap();
        let counts: Vec<usize> = with_rs
            .iter()
            .map(|c| c.rs.get().map_or(0, |rs| rs.len()))
            .collect();
        assert_eq!(counts, [1, 2]);
    })
    .await;
}

/// A model whose fields are named like the parameters and locals of the
/// code the derive writes (`row`, `offset`, `out`, `value`, `error`,
/// `self_`), so every field decodes and writes under its own name.
#[derive(strata::Model, Debug, Clone, PartialEq)]
#[strata(table = "named_like_locals")]
pub struct NamedLikeLocals {
    pub id: i64,
    pub row: i64,
    pub offset: i32,
    #[strata(max_length = 20)]
    pub out: String,
    pub value: Option<i64>,
    pub error: bool,
    pub self_: i16,
}

#[tokio::test]
async fn fields_named_like_the_derives_locals_round_trip() {
    each_db("fields_named_like_locals", |db| async move {
        db.create_tables(&[<NamedLikeLocals as strata::Model>::META])
            .await
            .unwrap();
        let mut written = NamedLikeLocals {
            id: 0,
            row: 7,
            offset: -3,
            out: "out".into(),
            value: Some(11),
            error: true,
            self_: 5,
        };
        written.insert(&db).await.unwrap();
        let read = NamedLikeLocals::objects().all(&db).await.unwrap();
        assert_eq!(read, vec![written]);
    })
    .await;
}
