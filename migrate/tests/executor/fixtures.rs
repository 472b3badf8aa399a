//! Migration histories for the tests, written into temporary directories
//! with the `makemigrations` library API (so they are exactly what users
//! get), plus hand-edited variants.

use std::path::{Path, PathBuf};
use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::writer;
use strata_migrate::{
    DefaultValue, FieldState, ModelState, NonInteractiveQuestioner, ProjectState,
};

/// A directory of migrations and the state after each of them.
pub struct History {
    pub dir: tempfile::TempDir,
    /// `(migration name, state after it)`, in order.
    pub steps: Vec<(String, ProjectState)>,
}

impl History {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn set(&self) -> MigrationSet {
        MigrationSet::load(self.path()).expect("the history loads")
    }

    pub fn names(&self) -> Vec<String> {
        self.steps.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The file of migration `name`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path().join(format!("{name}.toml"))
    }
}

fn author() -> ModelState {
    ModelState::new("Author")
        .pk("id")
        .field("name", ColumnType::Varchar(100))
}

fn post_v1() -> ModelState {
    ModelState::new("Post")
        .table("blog_post")
        .pk("id")
        .field("title", ColumnType::Varchar(200))
        .field("body", ColumnType::Text)
        .fk("author_id", "Author", OnDelete::Cascade)
}

/// The states of the full history, each with the name of the migration
/// that reaches it: create models, add a field, alter a field (a rebuild
/// on SQLite), rename a field, add an index, add a foreign key, add a
/// many-to-many relation, change a foreign key's `on_delete` (a rebuild of
/// a table other tables refer to, on SQLite).
pub fn history_states() -> Vec<(Option<&'static str>, ProjectState)> {
    let s1 = ProjectState::new().with(author()).with(post_v1());
    let mut post = post_v1()
        .column(FieldState::new("rating", ColumnType::Integer).default(DefaultValue::Int(0)));
    let s2 = s1.clone().with(post.clone());
    post.fields[1] = FieldState::new("title", ColumnType::Varchar(300));
    let s3 = s2.clone().with(post.clone());
    post.fields[2] = FieldState::new("content", ColumnType::Text).renamed_from("body");
    let s4 = s3.clone().with(post.clone());
    post.fields[2].renamed_from = None;
    post = post.index("blog_post_title_idx", &["title"]);
    let s5 = s4.clone().with(post.clone());
    post = post.column(
        FieldState::new("editor_id", ColumnType::BigInt)
            .null()
            .references("Author", OnDelete::SetNull),
    );
    let s6 = s5.clone().with(post.clone());
    let tag = ModelState::new("Tag")
        .pk("id")
        .column(FieldState::new("name", ColumnType::Varchar(50)).unique());
    post = post.m2m("tags", "Tag");
    let s7 = s6.clone().with(tag).with(post.clone());
    post.fields[3] =
        FieldState::new("author_id", ColumnType::BigInt).references("Author", OnDelete::Restrict);
    let s8 = s7.clone().with(post);
    vec![
        (None, s1),
        (Some("add_post_rating"), s2),
        (Some("alter_post_title"), s3),
        (Some("rename_post_body"), s4),
        (Some("add_post_title_index"), s5),
        (Some("add_post_editor"), s6),
        (Some("add_tags"), s7),
        (Some("alter_post_author_on_delete"), s8),
    ]
}

/// Writes the migrations of `states` into `dir`.
pub fn write_history(
    dir: &Path,
    states: Vec<(Option<&'static str>, ProjectState)>,
) -> Vec<(String, ProjectState)> {
    let mut out = Vec::new();
    for (name, state) in states {
        let mut options = MakeOptions::new(dir);
        options.name = name.map(str::to_string);
        let report = makemigrations(&options, &state, &mut NonInteractiveQuestioner)
            .unwrap_or_else(|e| panic!("makemigrations {name:?}: {e}"));
        let migration = report
            .migration
            .unwrap_or_else(|| panic!("{name:?} detected no change"));
        out.push((migration.migration.name, state.normalized()));
    }
    out
}

/// The eight-step history.
pub fn history() -> History {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let steps = write_history(dir.path(), history_states());
    History { dir, steps }
}

/// A history whose steps, forwards and backwards, drop an index that
/// InnoDB uses for a foreign key, each the only index that starts with
/// the foreign-key column when it is dropped: a composite index, a
/// composite unique constraint and a one-to-one's unique constraint, each
/// added then removed.
pub fn foreign_key_index_history() -> History {
    let plain = post_v1();
    let with_index = plain
        .clone()
        .index("blog_post_author_title_idx", &["author_id", "title"]);
    let with_unique = plain
        .clone()
        .unique_together("blog_post_author_title_uniq", &["author_id", "title"]);
    let mut one_to_one = plain.clone();
    one_to_one.fields[3] = one_to_one.fields[3].clone().unique();
    let state = |post: &ModelState| ProjectState::new().with(author()).with(post.clone());
    let states = vec![
        (None, state(&plain)),
        (Some("add_post_author_title_index"), state(&with_index)),
        (Some("remove_post_author_title_index"), state(&plain)),
        (Some("add_post_author_title_unique"), state(&with_unique)),
        (Some("remove_post_author_title_unique"), state(&plain)),
        (Some("post_author_one_to_one"), state(&one_to_one)),
        (Some("post_author_foreign_key"), state(&plain)),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    let steps = write_history(dir.path(), states);
    History { dir, steps }
}

/// `Author.bio`, NOT NULL without a default, then made nullable: undoing
/// the second migration must give NULLs a value.
pub fn nullable_bio_history() -> History {
    let bio = FieldState::new("bio", ColumnType::Text);
    let states = vec![
        (None, ProjectState::new().with(author().column(bio.clone()))),
        (
            Some("author_bio_nullable"),
            ProjectState::new().with(author().column(bio.null())),
        ),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    let steps = write_history(dir.path(), states);
    History { dir, steps }
}

/// `Author.bio` nullable, then NOT NULL with a default: the migration
/// fills the NULLs with the default (no question is asked).
pub fn bio_not_null_with_default_history() -> History {
    let bio = FieldState::new("bio", ColumnType::Text);
    let states = vec![
        (
            None,
            ProjectState::new().with(author().column(bio.clone().null())),
        ),
        (
            Some("author_bio_not_null"),
            ProjectState::new()
                .with(author().column(bio.default(DefaultValue::Str("none".into())))),
        ),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    let steps = write_history(dir.path(), states);
    History { dir, steps }
}

/// The first two steps only.
pub fn short_history() -> History {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let steps = write_history(dir.path(), history_states().into_iter().take(2).collect());
    History { dir, steps }
}

/// `0001_initial` and a `0002_broken` whose forward SQL creates two tables
/// and then fails on every dialect.
pub fn broken_history() -> History {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut steps = write_history(dir.path(), history_states().into_iter().take(1).collect());
    let state = steps[0].1.clone();
    let new = state.clone().with(
        ModelState::new("Draft")
            .pk("id")
            .field("text", ColumnType::Varchar(10)),
    );
    let ops = strata_migrate::autodetect(&state, &new, &mut NonInteractiveQuestioner)
        .expect("operations");
    let mut rendered = writer::render("0002_broken", vec![steps[0].0.clone()], ops, &state)
        .expect("a rendered migration");
    for dialect in strata::Dialect::ALL {
        let script = match dialect {
            strata::Dialect::Postgres => &mut rendered.migration.sql.postgres,
            strata::Dialect::MySql => &mut rendered.migration.sql.mysql,
            strata::Dialect::Sqlite => &mut rendered.migration.sql.sqlite,
        };
        script.forward.push(format!(
            "CREATE TABLE {} (x INTEGER)",
            dialect.quote_identifier("extra")
        ));
        script
            .forward
            .push("INSERT INTO no_such_table VALUES (1)".into());
        script.backward.insert(
            0,
            format!("DROP TABLE {}", dialect.quote_identifier("extra")),
        );
    }
    writer::write(dir.path(), &rendered).expect("write 0002_broken");
    steps.push(("0002_broken".into(), new.normalized()));
    History { dir, steps }
}
