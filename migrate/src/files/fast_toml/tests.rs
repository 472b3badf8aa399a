//! The fast paths against `toml` itself: whenever they give an answer, it
//! is `toml`'s answer.

use super::{from_str, to_string_pretty};
use crate::files::migration::{MigrationFile, MigrationFileIn, MigrationSql};
use crate::make::autodetect::autodetect;
use crate::make::questioner::NonInteractiveQuestioner;
use crate::make::writer;
use crate::operations::*;
use crate::state::{DefaultValue, FieldState, ModelState, ProjectState};
use proptest::prelude::*;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use strata::meta::OnDelete;
use strata::ColumnType;

/// The file body of `operations` with some SQL, both ways.
fn body(operations: &[Operation], sql: &MigrationSql) -> (Option<String>, String) {
    let dependencies = vec!["0001_initial".to_string()];
    let file = MigrationFile {
        dependencies: &dependencies,
        replaces: &[],
        operations,
        sql,
    };
    (
        to_string_pretty(&file),
        toml::to_string_pretty(&file).expect("toml serializes"),
    )
}

/// `text` read both ways, as comparable text.
fn read_both(text: &str) -> (Option<String>, Option<String>) {
    let show = |f: MigrationFileIn| {
        format!(
            "{} {:?} {:?} {:?}",
            f.atomic, f.dependencies, f.operations, f.sql
        )
    };
    (
        from_str::<MigrationFileIn>(text).map(show),
        toml::from_str::<MigrationFileIn>(text).ok().map(show),
    )
}

/// Checks both fast paths on `operations`: the writer gives `toml`'s text
/// and the reader reads it as `toml` does.
fn check_round_trip(operations: &[Operation], sql: &MigrationSql) {
    let (fast, slow) = body(operations, sql);
    let fast = fast.expect("the fast writer covers migrations");
    assert_eq!(fast, slow);
    let (fast_read, slow_read) = read_both(&fast);
    assert_eq!(fast_read.as_deref(), Some(slow_read.unwrap().as_str()));
}

fn rich_states() -> (ProjectState, ProjectState) {
    let custom: &'static strata::CustomColumnType = Box::leak(Box::new(strata::CustomColumnType {
        name: "point",
        postgres: "POINT",
        mysql: "POINT",
        sqlite: "TEXT",
    }));
    let tag = ModelState::new("Tag")
        .pk("id")
        .field("name", ColumnType::Text);
    let author = ModelState::new("Author")
        .pk("id")
        .column(
            FieldState::new("name", ColumnType::Varchar(100))
                .default(DefaultValue::Str("it's \"quoted\"\n\tand\\more".into())),
        )
        .column(FieldState::new("score", ColumnType::Double).default(DefaultValue::Float(1.5)))
        .column(FieldState::new("zero", ColumnType::Double).default(DefaultValue::Float(-0.0)))
        .column(FieldState::new("spot", ColumnType::Custom(custom)).null())
        .check("author_score_check", "score >= 0")
        .unique_together("author_name_score_uniq", &["name", "score"]);
    let post = ModelState::new("Post")
        .table("blog_post")
        .pk("id")
        .column(FieldState::new("title", ColumnType::Varchar(200)).unique())
        .fk("author_id", "Author", OnDelete::Cascade)
        .index("blog_post_title_idx", &["title"])
        .m2m("tags", "Tag");
    let old = ProjectState::new().with(tag.clone()).with(author.clone());
    let new = ProjectState::new()
        .with(tag)
        .with(author.column(FieldState::new("bio", ColumnType::Text).null()))
        .with(post);
    (old, new)
}

#[test]
fn migrations_match_toml() {
    let (old, new) = rich_states();
    let empty = ProjectState::new();
    for (from, to) in [(&empty, &old), (&empty, &new), (&old, &new), (&new, &old)] {
        let ops = autodetect(from, to, &mut NonInteractiveQuestioner).unwrap();
        let rendered = writer::render("0002_x", vec![], ops, from).unwrap();
        check_round_trip(&rendered.migration.operations, &rendered.migration.sql);
    }
    check_round_trip(&[], &MigrationSql::default());
}

fn run_sql(description: Option<String>, statements: Vec<String>) -> Operation {
    Operation::RunSql(RunSql {
        description,
        forward: DialectSql {
            postgres: statements.clone(),
            mysql: statements.iter().take(1).cloned().collect(),
            sqlite: Vec::new(),
        },
        backward: Some(DialectSql::all(&["SELECT 1"])),
    })
}

fn add_field(default: DefaultValue) -> Operation {
    Operation::AddField(AddField {
        model: "Post".into(),
        field: FieldState::new("x", ColumnType::Text).default(default.clone()),
        one_off_default: Some(default),
    })
}

fn default_value() -> impl Strategy<Value = DefaultValue> {
    prop_oneof![
        any::<bool>().prop_map(DefaultValue::Bool),
        any::<i64>().prop_map(DefaultValue::Int),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |f| !f.is_nan())
            .prop_map(DefaultValue::Float),
        any::<String>().prop_map(DefaultValue::Str),
        "[a-z\"'\\\\\n\t ]{0,12}".prop_map(DefaultValue::Str),
    ]
}

/// Strings with the characters that choose how TOML spells a string.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z\"'\\\\\n\r\t\u{7f}\u{1}\u{e9} ]{0,16}",
        "(\"|'|a|\n){0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn strings_and_defaults_match_toml(
        description in proptest::option::of(tricky_string()),
        statements in proptest::collection::vec(tricky_string(), 0..4),
        default in default_value(),
    ) {
        let ops = vec![run_sql(description, statements.clone()), add_field(default)];
        let sql = MigrationSql {
            sqlite: crate::files::migration::DialectScript {
                forward: statements,
                forward_error: Some("no".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        check_round_trip(&ops, &sql);
    }
}

/// Any value `toml` may be asked to write: maps become tables.
#[derive(Debug, Clone)]
enum Tree {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

impl Serialize for Tree {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Tree::Str(v) => s.serialize_str(v),
            Tree::Int(v) => s.serialize_i64(*v),
            Tree::Float(v) => s.serialize_f64(*v),
            Tree::Bool(v) => s.serialize_bool(*v),
            Tree::None => s.serialize_none(),
            Tree::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Tree::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        "[a-c\"' \n]{0,4}".prop_map(Tree::Str),
        any::<i64>().prop_map(Tree::Int),
        any::<f64>().prop_map(Tree::Float),
        any::<bool>().prop_map(Tree::Bool),
        Just(Tree::None),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Tree::Seq),
            proptest::collection::vec(("[a-c]{1,2}|[ .\"]{0,2}", inner), 0..5).prop_map(Tree::Map),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Whatever the fast writer writes, `toml` writes too (and when `toml`
    /// fails, the fast writer gives up).
    #[test]
    fn any_tree_matches_toml(
        entries in proptest::collection::vec(("[a-c]{1,2}|[ .\"]{0,2}", tree()), 0..6),
    ) {
        let root = Tree::Map(entries);
        let slow = toml::to_string_pretty(&root).ok();
        if let Some(fast) = to_string_pretty(&root) {
            prop_assert_eq!(Some(&fast), slow.as_ref());
            // And the reader reads it as `toml` does.
            if let Some(read) = from_str::<toml::Table>(&fast) {
                prop_assert_eq!(Some(read), toml::from_str::<toml::Table>(&fast).ok());
            }
        }
    }
}

/// A text made of TOML's building blocks, valid or not.
fn toml_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("# c\n".to_string()),
        Just("[a]\n".to_string()),
        Just("[a.b]\n".to_string()),
        Just("[[a]]\n".to_string()),
        Just("[[a.b]]\n".to_string()),
        Just("[[b]]\n".to_string()),
        Just("[b.c]\n".to_string()),
        Just("b = 1\n".to_string()),
        Just("c = [\n    1,\n    \"x\", # c\n]\n".to_string()),
        Just("a = \"\"\"\nx\\\n  y\"\"\"\"\n".to_string()),
        Just("d = '''\n'x''''\n".to_string()),
        Just("e = -0.5e3\n".to_string()),
        Just("f = true\n".to_string()),
        "[a-f] ?= ?(-?[0-9]{1,3}(\\.[0-9])?|\"[a-z\\\\ntu0-9\"]{0,6}\"|'[a-z\"]{0,3}'|\\[[0-9, \n]{0,6}\\]|[a-z]{1,5})\n",
        "[\\[\\]=\"'#., \n\\\\0a-z_]{1,4}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Whatever the fast reader reads, `toml` reads the same way.
    #[test]
    fn any_text_reads_as_toml(text in toml_text()) {
        if let Some(fast) = from_str::<toml::Table>(&text) {
            prop_assert_eq!(Some(fast), toml::from_str::<toml::Table>(&text).ok(), "{:?}", text);
        }
    }

    /// A migration file with a few characters changed reads the same
    /// both ways, or the fast reader gives up.
    #[test]
    fn edited_files_read_as_toml(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), "[\\[\\]=\"'#., \n\\\\0a-z_]{0,2}", 0usize..3), 1..4),
    ) {
        let (old, new) = rich_states();
        let ops = autodetect(&old, &new, &mut NonInteractiveQuestioner).unwrap();
        let rendered = writer::render("0002_x", vec![], ops, &old).unwrap();
        let mut text = writer::to_toml(&rendered).unwrap();
        for (at, insert, remove) in edits {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + remove).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, &insert);
        }
        let (fast, slow) = read_both(&text);
        if let Some(fast) = fast {
            prop_assert_eq!(Some(fast), slow, "{:?}", text);
        }
    }
}

#[test]
fn the_reader_gives_up_on_what_toml_rejects() {
    for text in [
        "a = 1\na = 2\n",
        "[a]\n[a]\n",
        "[a]\nb = 1\n[a.b]\n",
        "a = [1]\n[[a]]\n",
        "a = \"\\e\"\n",
        "a = 01\n",
        "a = 1.\n",
        "a = \"x\ny\"\n",
        "a = 1 b = 2\n",
        "a = 'x\u{1}'\n",
        "a = 1 # \u{7f}\n",
        "a = [1,,2]\n",
    ] {
        assert!(from_str::<toml::Table>(text).is_none(), "{text:?}");
        assert!(toml::from_str::<toml::Table>(text).is_err(), "{text:?}");
    }
}

#[test]
fn the_reader_reads_what_the_writer_writes() {
    let text = "dependencies = [\"0001_initial\"]\n\n[[operations]]\nop = \"run_sql\"\n\n\
                [operations.forward]\npostgres = [\n    'SELECT \"a\"',\n    \"\"\"\nSELECT\n1\"\"\",\n]\n";
    let (fast, slow) = read_both(text);
    assert!(fast.is_some());
    assert_eq!(fast, slow);
}

#[test]
fn the_writer_moves_values_above_tables() {
    let map = |entries: Vec<(&str, Tree)>| {
        Tree::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    };
    let table = map(vec![("x", Tree::Int(1))]);
    let cases = [
        // A value after a table, at the top and in a table.
        map(vec![("t", table.clone()), ("a", Tree::Int(2))]),
        map(vec![(
            "outer",
            map(vec![("t", table.clone()), ("a", Tree::Bool(true))]),
        )]),
        // Tables holding only tables, empty tables, arrays of tables.
        map(vec![
            ("only", map(vec![("t", table.clone())])),
            ("e", map(vec![])),
        ]),
        map(vec![
            (
                "list",
                Tree::Seq(vec![table.clone(), map(vec![("t", table.clone())])]),
            ),
            (
                "b",
                Tree::Seq(vec![
                    Tree::Seq(vec![Tree::Int(1), Tree::Int(2)]),
                    Tree::Seq(vec![]),
                ]),
            ),
        ]),
    ];
    for case in cases {
        let fast = to_string_pretty(&case).expect("supported");
        assert_eq!(fast, toml::to_string_pretty(&case).unwrap());
    }
}

#[test]
fn a_squash_writes_and_reads_its_replaces_like_toml() {
    let dependencies = vec!["0001_initial".to_string()];
    let replaces = vec!["0002_a".to_string(), "0003_b".to_string()];
    let file = MigrationFile {
        dependencies: &dependencies,
        replaces: &replaces,
        operations: &[],
        sql: &MigrationSql::default(),
    };
    let fast = to_string_pretty(&file).expect("the fast writer covers replaces");
    assert_eq!(fast, toml::to_string_pretty(&file).unwrap());
    let read: MigrationFileIn = from_str(&fast).expect("the fast reader covers replaces");
    assert_eq!(read.replaces, replaces);
}
