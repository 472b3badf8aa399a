//! Writing rows without ceremony: holders and (derived) models default,
//! and a foreign key is made from a row or a key.

use strata::prelude::*;
use strata_tests::each_db;

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[strata(table = "ceremony_author")]
pub struct Author {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
    pub books: Reverse<Book>,
    pub prizes: ManyToMany<Prize>,
}

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[strata(table = "ceremony_prize")]
pub struct Prize {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[strata(table = "ceremony_book")]
pub struct Book {
    pub id: i64,
    #[strata(max_length = 40)]
    pub title: String,
    #[strata(on_delete = cascade, related_name = "books")]
    pub author: ForeignKey<Author>,
    #[strata(on_delete = set_null, related_name = "+")]
    pub editor: Option<ForeignKey<Author>>,
    #[strata(on_delete = cascade, related_name = "+")]
    pub cover_prize: Option<OneToOne<Prize>>,
}

#[tokio::test]
async fn rows_are_written_with_defaults_and_foreign_keys_from_rows_or_keys() {
    each_db("less_ceremony", |db| async move {
        let metas = [Author::META, Prize::META, Book::META];
        db.create_tables(&metas).await.unwrap();
        let mut ann = Author {
            name: "Ann".into(),
            ..Default::default()
        };
        ann.insert(&db).await.unwrap();
        let mut bob = Author {
            name: "Bob".into(),
            ..Default::default()
        };
        bob.insert(&db).await.unwrap();
        let mut prize = Prize {
            name: "Hugo".into(),
            ..Default::default()
        };
        prize.insert(&db).await.unwrap();
        assert!(ann.id > 0 && bob.id > ann.id && prize.id > 0);

        let mut book = Book {
            title: "Dune".into(),
            author: ForeignKey::from(&ann),
            editor: Some(ForeignKey::from_key(bob.id)),
            cover_prize: Some((&prize).into()),
            ..Default::default()
        };
        book.insert(&db).await.unwrap();
        let loaded = Book::objects()
            .select_related(Book::author())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(loaded, book);
        assert_eq!(loaded.author.loaded().unwrap().name, "Ann");
        assert_eq!(loaded.editor.as_ref().map(|e| *e.key()), Some(bob.id));
        assert_eq!(
            loaded.cover_prize.as_ref().map(|p| *p.key()),
            Some(prize.id)
        );
        assert_eq!(
            ForeignKey::<Author>::from_key(ann.id),
            ForeignKey::from(&ann)
        );

        let authors = Author::objects()
            .order_by(Author::id())
            .prefetch_related(Author::books())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            authors[0].books.loaded().unwrap(),
            std::slice::from_ref(&book)
        );
        assert!(authors[1].books.loaded().unwrap().is_empty());
        // A default holder is simply not loaded.
        assert!(Author::default().books.get().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_foreign_key_left_unset_by_default_is_refused_before_writing() {
    each_db("less_ceremony_unset", |db| async move {
        db.create_tables(&[Author::META, Prize::META, Book::META])
            .await
            .unwrap();
        let mut ann = Author {
            name: "Ann".into(),
            ..Default::default()
        };
        ann.insert(&db).await.unwrap();
        let before = db.query_count();

        let mut forgot_author = Book {
            title: "x".into(),
            ..Default::default()
        };
        assert!(forgot_author.author.is_unset());
        let err = forgot_author.insert(&db).await.unwrap_err();
        assert!(
            err.to_string().contains("`Book.author` is not set"),
            "{err}"
        );

        let mut forgot_editor = Book {
            title: "y".into(),
            author: ForeignKey::from(&ann),
            editor: Some(ForeignKey::default()),
            ..Default::default()
        };
        let err = forgot_editor.insert(&db).await.unwrap_err();
        assert!(
            err.to_string().contains("`Book.editor` is not set"),
            "{err}"
        );

        let good = Book {
            title: "z".into(),
            author: ForeignKey::from(&ann),
            ..Default::default()
        };
        let mut batch = vec![
            good.clone(),
            Book {
                title: "w".into(),
                ..Default::default()
            },
        ];
        let err = Book::bulk_create(&db, &mut batch).await.unwrap_err();
        assert!(
            err.to_string().contains("`Book.author` is not set"),
            "{err}"
        );
        let err = Book {
            id: 1,
            ..Default::default()
        }
        .save(&db)
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("`Book.author` is not set"),
            "{err}"
        );

        // Nothing was sent, and nothing was written.
        assert_eq!(db.query_count(), before);
        assert_eq!(Book::objects().count(&db).await.unwrap(), 0);
    })
    .await;
}
