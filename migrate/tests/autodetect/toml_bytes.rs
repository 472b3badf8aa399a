//! Migration files are the same bytes whichever `toml` writes them: the
//! fixtures in `fixtures/toml_bytes/` were written by strata's own TOML
//! writer of old (the files users have committed), and today's writer
//! (`toml` 1.x) must give those bytes again, and read them unchanged.
//! Set `STRATA_WRITE_TOML_FIXTURES=1` to rewrite the fixtures (only ever
//! with the writer whose bytes they pin).

use strata::meta::OnDelete;
use strata::{ColumnType, CustomColumnType};
use strata_migrate::operations::{AddField, DialectSql, RunSql};
use strata_migrate::{
    autodetect, loader, writer, DefaultValue, FieldState, ModelState, NonInteractiveQuestioner,
    Operation, ProjectState,
};

static POINT: CustomColumnType = CustomColumnType {
    name: "point",
    postgres: "POINT",
    mysql: "POINT",
    sqlite: "TEXT",
};

/// A history whose files hold every kind of value a migration file has:
/// quotes, backslashes, tabs and newlines in strings, `-0.0`, large and
/// small floats, a custom column type, checks, composite uniques, foreign
/// keys and many-to-many fields.
fn rich_states() -> (ProjectState, ProjectState) {
    let tag = ModelState::new("Tag")
        .pk("id")
        .field("name", ColumnType::Text);
    let author = ModelState::new("Author")
        .pk("id")
        .column(
            FieldState::new("name", ColumnType::Varchar(100)).default(DefaultValue::Str(
                "it's \"quoted\"\n\tand\\more '''\"\"\"".into(),
            )),
        )
        .column(FieldState::new("score", ColumnType::Double).default(DefaultValue::Float(1.5)))
        .column(FieldState::new("zero", ColumnType::Double).default(DefaultValue::Float(-0.0)))
        .column(FieldState::new("huge", ColumnType::Double).default(DefaultValue::Float(1e300)))
        .column(FieldState::new("tiny", ColumnType::Double).default(DefaultValue::Float(5e-324)))
        .column(FieldState::new("count", ColumnType::BigInt).default(DefaultValue::Int(i64::MIN)))
        .column(FieldState::new("spot", ColumnType::Custom(&POINT)).null())
        .check("author_score_check", "score >= 0 AND name <> 'x'")
        .unique_together("author_name_score_uniq", &["name", "score"]);
    let post = ModelState::new("Post")
        .table("blog_post")
        .pk("id")
        .column(FieldState::new("title", ColumnType::Varchar(200)).unique())
        .column(
            FieldState::new("body", ColumnType::Text)
                .default(DefaultValue::Str("é ✓ 𐐀 \u{7f}".into())),
        )
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

/// The files of the rich history, by name.
fn rendered_files() -> Vec<(String, String)> {
    let (old, new) = rich_states();
    let empty = ProjectState::new();
    let mut files = Vec::new();
    for (name, from, to) in [
        ("0001_initial", &empty, &old),
        ("0002_forward", &old, &new),
        ("0003_back", &new, &old),
    ] {
        let ops = autodetect(from, to, &mut NonInteractiveQuestioner).unwrap();
        let rendered = writer::render(name, vec![], ops, from).unwrap();
        files.push((name.to_string(), writer::to_toml(&rendered).unwrap()));
    }
    let tricky = vec![
        "SELECT 'a''b', \"q\", '\\' -- tab\there".to_string(),
        "multi\nline\r\nwith ''' and \"\"\" inside".to_string(),
        String::new(),
    ];
    let ops = vec![
        Operation::RunSql(RunSql {
            description: Some("Backfill \"names\"\tand 'titles'".into()),
            forward: DialectSql {
                postgres: tricky.clone(),
                mysql: tricky[..1].to_vec(),
                sqlite: Vec::new(),
            },
            backward: Some(DialectSql::all(&["SELECT 1"])),
        }),
        Operation::AddField(AddField {
            model: "Author".into(),
            field: FieldState::new("motto", ColumnType::Text)
                .default(DefaultValue::Str("\u{1}\u{1f}\\n".into())),
            one_off_default: Some(DefaultValue::Str("\u{1}\u{1f}\\n".into())),
        }),
    ];
    let rendered = writer::render("0004_tricky", vec!["0003_back".into()], ops, &old).unwrap();
    files.push(("0004_tricky".into(), writer::to_toml(&rendered).unwrap()));
    files
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/autodetect/fixtures/toml_bytes")
}

#[test]
fn migration_files_keep_the_bytes_of_the_files_already_written() {
    let dir = fixture_dir();
    let files = rendered_files();
    if std::env::var_os("STRATA_WRITE_TOML_FIXTURES").is_some() {
        for (name, text) in &files {
            std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
        }
    }
    for (name, text) in &files {
        let committed = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
        assert_eq!(text, &committed, "{name}.toml is written with other bytes");
    }
}

#[test]
fn files_already_written_load_unchanged() {
    let dir = fixture_dir();
    for (name, text) in rendered_files() {
        let path = dir.join(format!("{name}.toml"));
        let committed = std::fs::read_to_string(&path).unwrap();
        let loaded = loader::parse(&path, &name, &committed).unwrap();
        let again = loader::parse(&path, &name, &text).unwrap();
        assert_eq!(loaded, again, "{name}");
    }
}

#[test]
fn reading_for_the_schema_alone_gives_the_same_operations() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut dirs = vec![fixture_dir()];
    for example in ["blog", "quickstart"] {
        dirs.push(examples.join(example).join("migrations"));
    }
    let mut compared = 0;
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_str().unwrap().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let (whole, whole_options) = loader::parse_with_options(&path, &name, &text).unwrap();
            let (schema, schema_options) = loader::parse_schema_only(&path, &name, &text).unwrap();
            assert_eq!(schema.operations, whole.operations, "{name}");
            assert_eq!(schema.dependencies, whole.dependencies, "{name}");
            assert_eq!(schema.replaces, whole.replaces, "{name}");
            assert_eq!(schema_options, whole_options, "{name}");
            assert!(schema.sql.postgres.forward.is_empty(), "{name}");
            compared += 1;
        }
    }
    assert!(compared >= 7, "{compared} files");
}

#[test]
fn an_error_in_a_later_operation_keeps_its_line_when_read_for_the_schema() {
    let text = "dependencies = []\n\n[[operations]]\nop = \"remove_field\"\nmodel = \"A\"\n\
                column = \"x\"\n\n[[operations]]\nop = \"remove_field\"\nmodel = \"Post\"\n\
                colour = \"red\"\ncolumn = \"x\"\n\n[sql.postgres]\nforward = []\n";
    let path = std::path::Path::new("0002_x.toml");
    let expected = text.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
    match loader::parse_schema_only(path, "0002_x", text) {
        Err(strata_migrate::Error::Parse { line, message, .. }) => {
            assert_eq!(line, expected, "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}
