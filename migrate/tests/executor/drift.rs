//! `manage check`: a database changed by hand, in each way drift can take,
//! on every backend, is reported in plain words with status 1; a database
//! its migrations made reports nothing.

use crate::fixtures::write_history;
use crate::support::{each_db, Ctx};
use clap::Parser;
use strata::meta::OnDelete;
use strata::{ColumnType, Db, Dialect, FieldType, Statement};
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::{DefaultValue, FieldState, Migrator, ModelState, ProjectState, Target};

/// Authors, posts (with a default, an index, a cascading and a nullable
/// foreign key), tags with a unique name, and posts' tags.
fn blog() -> ProjectState {
    ProjectState::new()
        .with(
            ModelState::new("Author")
                .pk("id")
                .field("name", ColumnType::Varchar(100)),
        )
        .with(
            ModelState::new("Post")
                .table("blog_post")
                .pk("id")
                .field("title", ColumnType::Varchar(200))
                .field("body", ColumnType::Text)
                .column(
                    FieldState::new("rating", ColumnType::Integer).default(DefaultValue::Int(0)),
                )
                .fk("author_id", "Author", OnDelete::Cascade)
                .column(
                    FieldState::new("editor_id", ColumnType::BigInt)
                        .null()
                        .references("Author", OnDelete::SetNull),
                )
                .index("blog_post_title_idx", &["title"])
                .m2m("tags", "Tag"),
        )
        .with(
            ModelState::new("Tag")
                .pk("id")
                .column(FieldState::new("name", ColumnType::Varchar(50)).unique()),
        )
}

/// The status and output of `manage <args>`.
async fn manage(args: &[&str]) -> (i32, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let err = String::from_utf8_lossy(&err).into_owned();
    assert_eq!(err, "", "no error expected");
    (status, String::from_utf8_lossy(&out).into_owned())
}

/// Rebuilds SQLite table `table` from its own `CREATE TABLE` text as
/// `edit` changes it (SQLite cannot alter a column in place), keeping its
/// indexes: what someone changing an SQLite database by hand does.
async fn sqlite_rebuild(db: &Db, table: &str, edit: impl Fn(&str) -> String) {
    let mut conn = db.acquire().await.expect("a connection");
    let select = |kind: &str| {
        format!(
            "SELECT sql FROM sqlite_master WHERE type = '{kind}' AND tbl_name = '{table}' \
             AND sql IS NOT NULL"
        )
    };
    let decode = |row: &strata::Row| Ok(String::decode(row, 0).expect("text"));
    let ddl = conn
        .fetch(
            Statement::raw(Dialect::Sqlite, strata::AssertSqlSafe(select("table"))),
            decode,
        )
        .await
        .expect("the table's DDL")
        .remove(0);
    let indexes = conn
        .fetch(
            Statement::raw(Dialect::Sqlite, strata::AssertSqlSafe(select("index"))),
            decode,
        )
        .await
        .expect("the indexes' DDL");
    let edited = edit(&ddl);
    assert_ne!(edited, ddl, "the edit changes the table");
    let renamed = edited.replacen(
        &format!("CREATE TABLE \"{table}\""),
        "CREATE TABLE \"rebuilt\"",
        1,
    );
    let mut statements = vec!["PRAGMA foreign_keys = OFF".to_string(), renamed];
    statements.push(format!("DROP TABLE \"{table}\""));
    statements.push(format!("ALTER TABLE \"rebuilt\" RENAME TO \"{table}\""));
    statements.extend(indexes);
    statements.push("PRAGMA foreign_keys = ON".into());
    for sql in statements {
        conn.execute_raw_sql(strata::AssertSqlSafe(sql.as_str()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// A change made by hand: SQL per backend (or an SQLite rebuild), and the
/// lines `manage check` must print for it.
struct Change {
    name: &'static str,
    postgres: &'static [&'static str],
    mysql: &'static [&'static str],
    sqlite: Sqlite,
    expected: fn(Dialect) -> Vec<String>,
}

enum Sqlite {
    Sql(&'static [&'static str]),
    /// Rebuild `blog_post` with `from` replaced by `to` in its DDL.
    RebuildPost {
        from: &'static str,
        to: &'static str,
    },
}

fn lines(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

fn changes() -> Vec<Change> {
    vec![
        Change {
            name: "extra_table",
            postgres: &["CREATE TABLE legacy (id INTEGER PRIMARY KEY)"],
            mysql: &["CREATE TABLE legacy (id INTEGER PRIMARY KEY)"],
            sqlite: Sqlite::Sql(&["CREATE TABLE legacy (id INTEGER PRIMARY KEY)"]),
            expected: |_| {
                lines(&["table `legacy` is in the database but no applied migration creates it"])
            },
        },
        Change {
            name: "missing_table",
            postgres: &["DROP TABLE blog_post_tags"],
            mysql: &["DROP TABLE blog_post_tags"],
            sqlite: Sqlite::Sql(&["DROP TABLE blog_post_tags"]),
            expected: |_| lines(&["table `blog_post_tags` is missing from the database"]),
        },
        Change {
            name: "extra_column",
            postgres: &["ALTER TABLE author ADD COLUMN nickname VARCHAR(20)"],
            mysql: &["ALTER TABLE author ADD COLUMN nickname VARCHAR(20)"],
            sqlite: Sqlite::Sql(&["ALTER TABLE author ADD COLUMN nickname VARCHAR(20)"]),
            expected: |_| {
                lines(&["column `author.nickname` is in the database but no applied migration adds it"])
            },
        },
        Change {
            name: "missing_column",
            postgres: &["ALTER TABLE blog_post DROP COLUMN body"],
            mysql: &["ALTER TABLE blog_post DROP COLUMN body"],
            sqlite: Sqlite::Sql(&["ALTER TABLE blog_post DROP COLUMN body"]),
            expected: |_| lines(&["column `blog_post.body` is missing from the database"]),
        },
        Change {
            name: "column_type",
            postgres: &["ALTER TABLE blog_post ALTER COLUMN title TYPE VARCHAR(50)"],
            mysql: &["ALTER TABLE blog_post MODIFY title VARCHAR(50) NOT NULL"],
            sqlite: Sqlite::RebuildPost {
                from: "\"title\" VARCHAR(200)",
                to: "\"title\" VARCHAR(50)",
            },
            expected: |dialect| {
                let (found, expected) = match dialect {
                    Dialect::Postgres => ("character varying(50)", "character varying(200)"),
                    _ => ("varchar(50)", "varchar(200)"),
                };
                vec![format!(
                    "column `blog_post.title` has type `{found}` in the database; \
                     the migrations say `{expected}`"
                )]
            },
        },
        Change {
            name: "nullability",
            postgres: &["ALTER TABLE blog_post ALTER COLUMN body DROP NOT NULL"],
            mysql: &["ALTER TABLE blog_post MODIFY body LONGTEXT NULL"],
            sqlite: Sqlite::RebuildPost {
                from: "\"body\" TEXT NOT NULL",
                to: "\"body\" TEXT",
            },
            expected: |_| {
                lines(&["column `blog_post.body` allows NULL in the database; the migrations say NOT NULL"])
            },
        },
        Change {
            name: "default",
            postgres: &["ALTER TABLE blog_post ALTER COLUMN rating SET DEFAULT 5"],
            mysql: &["ALTER TABLE blog_post ALTER COLUMN rating SET DEFAULT 5"],
            sqlite: Sqlite::RebuildPost {
                from: "DEFAULT 0",
                to: "DEFAULT 5",
            },
            expected: |_| {
                lines(&["column `blog_post.rating` has default `5` in the database; the migrations say default `0`"])
            },
        },
        Change {
            name: "dropped_default",
            postgres: &["ALTER TABLE blog_post ALTER COLUMN rating DROP DEFAULT"],
            mysql: &["ALTER TABLE blog_post ALTER COLUMN rating DROP DEFAULT"],
            sqlite: Sqlite::RebuildPost {
                from: " DEFAULT 0",
                to: "",
            },
            expected: |_| {
                lines(&["column `blog_post.rating` has no default in the database; the migrations say default `0`"])
            },
        },
        Change {
            name: "missing_index",
            postgres: &["DROP INDEX blog_post_title_idx"],
            mysql: &["DROP INDEX blog_post_title_idx ON blog_post"],
            sqlite: Sqlite::Sql(&["DROP INDEX blog_post_title_idx"]),
            expected: |_| {
                lines(&["index `blog_post_title_idx` on `blog_post` (title) is missing from the database"])
            },
        },
        Change {
            name: "extra_index",
            postgres: &["CREATE INDEX author_name_idx ON author (name)"],
            mysql: &["CREATE INDEX author_name_idx ON author (name)"],
            sqlite: Sqlite::Sql(&["CREATE INDEX author_name_idx ON author (name)"]),
            expected: |_| {
                lines(&["index `author_name_idx` on `author` (name) is in the database but no applied migration makes it"])
            },
        },
        Change {
            name: "changed_index",
            postgres: &[
                "DROP INDEX blog_post_title_idx",
                "CREATE INDEX blog_post_title_idx ON blog_post (title, rating)",
            ],
            mysql: &[
                "DROP INDEX blog_post_title_idx ON blog_post",
                "CREATE INDEX blog_post_title_idx ON blog_post (title, rating)",
            ],
            sqlite: Sqlite::Sql(&[
                "DROP INDEX blog_post_title_idx",
                "CREATE INDEX blog_post_title_idx ON blog_post (title, rating)",
            ]),
            expected: |_| {
                lines(&["index `blog_post_title_idx` on `blog_post` is an index on (title, rating) in the database; the migrations say an index on (title)"])
            },
        },
        Change {
            name: "missing_unique",
            postgres: &["ALTER TABLE tag DROP CONSTRAINT tag_name_uniq"],
            mysql: &["DROP INDEX tag_name_uniq ON tag"],
            sqlite: Sqlite::Sql(&["DROP INDEX tag_name_uniq"]),
            expected: |_| {
                lines(&["unique index `tag_name_uniq` on `tag` (name) is missing from the database"])
            },
        },
        Change {
            name: "extra_unique",
            postgres: &["CREATE UNIQUE INDEX author_name_uniq ON author (name)"],
            mysql: &["CREATE UNIQUE INDEX author_name_uniq ON author (name)"],
            sqlite: Sqlite::Sql(&["CREATE UNIQUE INDEX author_name_uniq ON author (name)"]),
            expected: |_| {
                lines(&["unique index `author_name_uniq` on `author` (name) is in the database but no applied migration makes it"])
            },
        },
        Change {
            name: "missing_foreign_key",
            postgres: &["ALTER TABLE blog_post DROP CONSTRAINT blog_post_editor_id_fk"],
            // InnoDB keeps the index it made for the key; a hand change
            // that drops the key drops it too, or it shows up as drift.
            mysql: &["ALTER TABLE blog_post DROP FOREIGN KEY blog_post_editor_id_fk, \
                      DROP INDEX blog_post_editor_id_fk"],
            sqlite: Sqlite::RebuildPost {
                from: ",\n    CONSTRAINT \"blog_post_editor_id_fk\" FOREIGN KEY (\"editor_id\") \
                       REFERENCES \"author\" (\"id\") ON DELETE SET NULL",
                to: "",
            },
            expected: |_| {
                lines(&["foreign key `blog_post.editor_id` -> `author.id` ON DELETE SET NULL is missing from the database"])
            },
        },
        Change {
            name: "extra_foreign_key",
            postgres: &["ALTER TABLE author ADD COLUMN mentor_id BIGINT REFERENCES author (id)"],
            mysql: &["ALTER TABLE author ADD COLUMN mentor_id BIGINT NULL, \
                      ADD CONSTRAINT author_mentor_fk FOREIGN KEY (mentor_id) REFERENCES author (id)"],
            sqlite: Sqlite::Sql(&["ALTER TABLE author ADD COLUMN mentor_id BIGINT REFERENCES author (id)"]),
            expected: |_| {
                lines(&[
                    "column `author.mentor_id` is in the database but no applied migration adds it",
                    "foreign key `author.mentor_id` -> `author.id` ON DELETE NO ACTION is in the database but no applied migration makes it",
                ])
            },
        },
        Change {
            name: "foreign_key_on_delete",
            postgres: &[
                "ALTER TABLE blog_post DROP CONSTRAINT blog_post_author_id_fk",
                "ALTER TABLE blog_post ADD CONSTRAINT blog_post_author_id_fk \
                 FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE NO ACTION",
            ],
            mysql: &[
                "ALTER TABLE blog_post DROP FOREIGN KEY blog_post_author_id_fk",
                "ALTER TABLE blog_post ADD CONSTRAINT blog_post_author_id_fk \
                 FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE NO ACTION",
            ],
            sqlite: Sqlite::RebuildPost {
                from: "(\"id\") ON DELETE CASCADE",
                to: "(\"id\") ON DELETE NO ACTION",
            },
            expected: |_| {
                lines(&["foreign key `blog_post.author_id` references `author.id` ON DELETE NO ACTION in the database; the migrations say `author.id` ON DELETE CASCADE"])
            },
        },
    ]
}

#[tokio::test]
async fn a_database_its_migrations_made_has_no_drift() {
    each_db("drift_clean", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().expect("a temporary directory");
        write_history(dir.path(), vec![(None, blog())]);
        let dir = dir.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        let (status, out) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        let (status, out) = manage(&["check", "--database", url, "--dir", &dir]).await;
        assert_eq!(
            (status, out.as_str()),
            (
                0,
                "No drift: the database matches its 1 applied migration.\n"
            )
        );
        let (status, again) =
            manage(&["migrate", "--check", "--database", url, "--dir", &dir]).await;
        assert_eq!((status, again), (0, out));
    })
    .await;
}

#[tokio::test]
async fn each_hand_change_is_reported_in_words_with_status_1() {
    for change in changes() {
        each_db(&format!("drift_{}", change.name), |ctx: Ctx| {
            let change = &change;
            async move {
                let dialect = ctx.dialect();
                let dir = tempfile::tempdir().expect("a temporary directory");
                write_history(dir.path(), vec![(None, blog())]);
                let dir = dir.path().to_string_lossy().into_owned();
                let url = ctx.url.as_str();
                let (status, out) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
                assert_eq!(status, 0, "{out}");
                let statements = match (dialect, &change.sqlite) {
                    (Dialect::Postgres, _) => change.postgres,
                    (Dialect::MySql, _) => change.mysql,
                    (Dialect::Sqlite, Sqlite::Sql(sql)) => sql,
                    (Dialect::Sqlite, Sqlite::RebuildPost { from, to }) => {
                        sqlite_rebuild(&ctx.db, "blog_post", |ddl| ddl.replacen(from, to, 1)).await;
                        &[]
                    }
                };
                for sql in statements {
                    ctx.db
                        .execute_raw_sql(strata::AssertSqlSafe(*sql))
                        .await
                        .unwrap_or_else(|e| panic!("{sql}: {e}"));
                }
                let expected = (change.expected)(dialect);
                let mut text = format!(
                    "The database differs from its 1 applied migration in {} way{}:\n",
                    expected.len(),
                    if expected.len() == 1 { "" } else { "s" }
                );
                for line in &expected {
                    text.push_str(&format!("  - {line}\n"));
                }
                let (status, out) = manage(&["check", "--database", url, "--dir", &dir]).await;
                assert_eq!(
                    (status, out.as_str()),
                    (1, text.as_str()),
                    "{}",
                    change.name
                );
                let (status, again) =
                    manage(&["migrate", "--check", "--database", url, "--dir", &dir]).await;
                assert_eq!(
                    (status, again),
                    (1, out),
                    "migrate --check, {}",
                    change.name
                );
            }
        })
        .await;
    }
}

#[tokio::test]
async fn only_applied_migrations_are_expected() {
    each_db("drift_applied_only", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let with_note = blog().with(
            ModelState::new("Note")
                .pk("id")
                .field("text", ColumnType::Text),
        );
        let steps = write_history(
            dir.path(),
            vec![(None, blog()), (Some("add_note"), with_note)],
        );
        let migrator =
            Migrator::new(strata_migrate::loader::MigrationSet::load(dir.path()).unwrap());
        let mut out = Vec::new();
        migrator
            .migrate(&ctx.db, &Target::Migration(steps[0].0.clone()), &mut out)
            .await
            .expect("the first migration applies");
        let set = strata_migrate::loader::MigrationSet::load(dir.path()).unwrap();
        let report = strata_migrate::check::check_db(set.clone(), &ctx.db)
            .await
            .expect("the check runs");
        assert_eq!(report.applied, vec![steps[0].0.clone()]);
        assert_eq!(report.differences, vec![]);
        // Made by hand, the pending migration's table is drift until the
        // migration is applied (or faked).
        ctx.db
            .execute_raw_sql("CREATE TABLE note (id INTEGER PRIMARY KEY)")
            .await
            .expect("a hand-made table");
        let report = strata_migrate::check::check_db(set, &ctx.db).await.unwrap();
        let found: Vec<String> = report.differences.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            ["table `note` is in the database but no applied migration creates it"]
        );
    })
    .await;
}
