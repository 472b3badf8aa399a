//! The destructive-change lint: makemigrations and `migrate --plan` mark
//! operations that destroy data or depend on it, and `migrate` checks the
//! data-dependent ones against the live rows before running, refusing
//! with what it found instead of failing half-way.

use crate::support::{each_db, scalar_i64, strings, Ctx};
use std::path::Path;
use strata::ColumnType;
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::operations::{AddField, AlterField, RemoveField};
use strata_migrate::{
    writer, Error, FieldState, Migrator, ModelState, Operation, ProjectState, ScriptedQuestioner,
    Target,
};

fn post() -> ModelState {
    ModelState::new("LintPost")
        .table("lint_post")
        .pk("id")
        .field("slug", ColumnType::Varchar(100))
        .column(FieldState::new("title", ColumnType::Varchar(200)).null())
        .field("body", ColumnType::Text)
}

fn alter(field: FieldState) -> Operation {
    Operation::AlterField(AlterField {
        model: "LintPost".into(),
        field,
        one_off_default: None,
    })
}

/// 0001 creates `lint_post`; 0002 adds a column (a statement that MySQL
/// would have committed before failing), then makes `slug` unique,
/// `title` NOT NULL with nothing to fill NULLs, and narrows `body` to
/// varchar(10); 0003 drops `note`.
fn write_history(dir: &Path) -> Vec<String> {
    let s1 = ProjectState::new().with(post());
    makemigrations(&MakeOptions::new(dir), &s1, &mut ScriptedQuestioner::new()).unwrap();
    let ops = vec![
        Operation::AddField(AddField {
            model: "LintPost".into(),
            field: FieldState::new("note", ColumnType::Varchar(20)).null(),
            one_off_default: None,
        }),
        alter(FieldState::new("slug", ColumnType::Varchar(100)).unique()),
        alter(FieldState::new("title", ColumnType::Varchar(200))),
        alter(FieldState::new("body", ColumnType::Varchar(10))),
    ];
    let rendered = writer::render("0002_tighten", vec!["0001_initial".into()], ops, &s1).unwrap();
    assert_eq!(
        rendered.data_checks,
        vec![
            vec![],
            vec!["no duplicates in lint_post.slug".to_string()],
            vec!["no NULLs in lint_post.title".to_string()],
            vec!["no value of lint_post.body longer than 10 characters".to_string()],
        ]
    );
    writer::write(dir, &rendered).unwrap();
    let s2 = MigrationSet::load(dir).unwrap().replay().unwrap();
    let drop = Operation::RemoveField(RemoveField {
        model: "LintPost".into(),
        column: "note".into(),
    });
    let rendered = writer::render(
        "0003_drop_note",
        vec!["0002_tighten".into()],
        vec![drop],
        &s2,
    )
    .unwrap();
    assert!(rendered.summary[0].1, "dropping a column destroys data");
    writer::write(dir, &rendered).unwrap();
    vec![
        "0001_initial".into(),
        "0002_tighten".into(),
        "0003_drop_note".into(),
    ]
}

async fn columns(ctx: &Ctx) -> Vec<String> {
    let db = &ctx.db;
    let sql = match ctx.dialect() {
        strata::Dialect::Sqlite => "SELECT name FROM pragma_table_info('lint_post') ORDER BY name",
        strata::Dialect::Postgres => {
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = \
             'lint_post' AND table_schema = current_schema() ORDER BY column_name"
        }
        strata::Dialect::MySql => {
            "SELECT CAST(column_name AS CHAR) FROM information_schema.columns WHERE table_name = \
             'lint_post' AND table_schema = DATABASE() ORDER BY column_name"
        }
    };
    strings(db, sql).await
}

#[tokio::test]
async fn migrate_refuses_data_the_migration_would_fail_on_before_running_any_of_it() {
    each_db("lint_refuses", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let names = write_history(dir.path());
        let migrator = Migrator::new(MigrationSet::load(dir.path()).unwrap());
        let db = &ctx.db;
        migrator
            .migrate(db, &Target::Migration(names[0].clone()), &mut Vec::new())
            .await
            .unwrap();
        let rows = [
            (1, "a", Some("t"), "short"),
            (2, "a", None, "short"),
            (3, "b", None, "a body longer than ten"),
            (4, "b", Some("t"), "short"),
            (5, "a", Some("t"), "short"),
            (6, "c", Some("t"), "short"),
        ];
        for (id, slug, title, body) in rows {
            let title = title.map_or("NULL".to_string(), |t| format!("'{t}'"));
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO lint_post (id, slug, title, body) VALUES ({id}, '{slug}', {title}, \
                 '{body}')"
            )))
            .await
            .unwrap();
        }
        // The same counts in plain Rust.
        let mut per_slug = std::collections::BTreeMap::new();
        for (_, slug, _, _) in rows {
            *per_slug.entry(slug).or_insert(0) += 1;
        }
        let duplicated = per_slug.values().filter(|&&n| n > 1).count();
        let nulls = rows.iter().filter(|r| r.2.is_none()).count();
        let long = rows.iter().filter(|r| r.3.chars().count() > 10).count();
        assert_eq!((duplicated, nulls, long), (2, 2, 1));

        let mut out = Vec::new();
        let err = migrator
            .migrate(db, &Target::Latest, &mut out)
            .await
            .unwrap_err();
        let Error::DataCheckFailed {
            migration,
            problems,
            ..
        } = &err
        else {
            panic!("unexpected error on {}: {err}", ctx.dialect());
        };
        assert_eq!(migration, "0002_tighten");
        assert_eq!(
            problems,
            &vec![
                format!(
                    "column `lint_post.slug` has {duplicated} duplicate values; the unique \
                     index would fail"
                ),
                format!(
                    "column `lint_post.title` has {nulls} NULL values; making it NOT NULL would \
                     fail (fill them first, or give the AlterField a `one_off_default`)"
                ),
                format!(
                    "column `lint_post.body` has {long} value longer than 10 characters; \
                     narrowing it to varchar(10) would fail or cut them"
                ),
            ]
        );
        assert!(err.to_string().contains("Nothing of it was run"), "{err}");
        // Nothing of 0002 ran, MySQL included: no `note` column, no record.
        assert_eq!(columns(&ctx).await, ["body", "id", "slug", "title"]);
        assert_eq!(
            strings(db, "SELECT name FROM strata_migrations ORDER BY name").await,
            vec![names[0].clone()]
        );

        // Fixed rows pass, and the unique index is there afterwards.
        for sql in [
            "UPDATE lint_post SET slug = 'x2' WHERE id = 2",
            "UPDATE lint_post SET slug = 'x4' WHERE id = 4",
            "UPDATE lint_post SET slug = 'x5' WHERE id = 5",
            "UPDATE lint_post SET title = 'filled' WHERE title IS NULL",
            "UPDATE lint_post SET body = 'cut' WHERE id = 3",
        ] {
            db.execute_raw_sql(strata::AssertSqlSafe(sql))
                .await
                .unwrap();
        }
        migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap_or_else(|e| panic!("after fixing the rows on {}: {e}", ctx.dialect()));
        let dup = db
            .execute_raw_sql(
                "INSERT INTO lint_post (id, slug, title, body) VALUES (7, 'a', 't', 'b')",
            )
            .await;
        assert!(dup.is_err(), "slug is unique now");
        assert_eq!(scalar_i64(db, "SELECT COUNT(*) FROM lint_post").await, 6);
    })
    .await;
}

#[tokio::test]
async fn migrate_plan_marks_destructive_operations_and_the_checks_it_will_run() {
    each_db("lint_plan", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let names = write_history(dir.path());
        let migrator = Migrator::new(MigrationSet::load(dir.path()).unwrap());
        let plan = migrator.plan(&ctx.db, &Target::Latest).await.unwrap();
        let text = plan.render(migrator.set());
        assert!(
            text.contains(
                "Apply 0002_tighten\n    Add field note to LintPost\n    Alter field slug on \
                 LintPost\n      (checked first: no duplicates in lint_post.slug)\n    Alter \
                 field title on LintPost\n      (checked first: no NULLs in lint_post.title)\n    \
                 Alter field body on LintPost   [destroys data]\n      (checked first: no value \
                 of lint_post.body longer than 10 characters)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "Apply 0003_drop_note\n    Remove field note from LintPost   [destroys data]\n"
            ),
            "{text}"
        );
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        // Backwards: undoing the table's creation drops it.
        let plan = migrator.plan(&ctx.db, &Target::Zero).await.unwrap();
        let text = plan.render(migrator.set());
        assert!(
            text.contains(&format!(
                "Unapply {}\n    Undo: Create model LintPost   [destroys data]\n",
                names[0]
            )),
            "{text}"
        );
        assert!(
            text.contains("Unapply 0003_drop_note\n    Undo: Remove field note from LintPost\n"),
            "{text}"
        );
    })
    .await;
}

#[test]
fn makemigrations_marks_destructive_and_data_checked_operations() {
    let dir = tempfile::tempdir().unwrap();
    let s1 = ProjectState::new().with(post());
    makemigrations(
        &MakeOptions::new(dir.path()),
        &s1,
        &mut ScriptedQuestioner::new(),
    )
    .unwrap();
    let mut changed = post();
    changed.fields.retain(|f| f.column != "body");
    let slug = changed
        .fields
        .iter_mut()
        .find(|f| f.column == "slug")
        .unwrap();
    slug.unique = true;
    let s2 = ProjectState::new().with(changed);
    let report = makemigrations(
        &MakeOptions::new(dir.path()),
        &s2,
        &mut ScriptedQuestioner::new(),
    )
    .unwrap();
    let message = report.message;
    assert!(
        message.contains("Remove field body from LintPost (destroys data)"),
        "{message}"
    );
    assert!(
        message.contains(
            "Alter field slug on LintPost\n      needs no duplicates in lint_post.slug (migrate \
             checks the rows first)"
        ),
        "{message}"
    );
    let text = std::fs::read_to_string(report.path.unwrap()).unwrap();
    assert!(
        text.contains(
            "#       needs no duplicates in lint_post.slug (migrate checks the rows first)"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn adding_a_not_null_column_without_default_is_refused_on_a_table_with_rows() {
    each_db("lint_add_field", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let s1 = ProjectState::new().with(post());
        makemigrations(
            &MakeOptions::new(dir.path()),
            &s1,
            &mut ScriptedQuestioner::new(),
        )
        .unwrap();
        let add = Operation::AddField(AddField {
            model: "LintPost".into(),
            field: FieldState::new("rank", ColumnType::Integer),
            one_off_default: None,
        });
        let rendered =
            writer::render("0002_rank", vec!["0001_initial".into()], vec![add], &s1).unwrap();
        assert_eq!(
            rendered.data_checks,
            vec![vec!["no rows in lint_post (for lint_post.rank)".to_string()]]
        );
        writer::write(dir.path(), &rendered).unwrap();
        let migrator = Migrator::new(MigrationSet::load(dir.path()).unwrap());
        let db = &ctx.db;
        migrator
            .migrate(
                db,
                &Target::Migration("0001_initial".into()),
                &mut Vec::new(),
            )
            .await
            .unwrap();
        for id in 1..=2 {
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO lint_post (id, slug, body) VALUES ({id}, 's{id}', 'b')"
            )))
            .await
            .unwrap();
        }
        let err = migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap_err();
        let Error::DataCheckFailed { problems, .. } = &err else {
            panic!("unexpected error on {}: {err}", ctx.dialect());
        };
        assert_eq!(
            problems,
            &vec![
                "table `lint_post` has 2 rows; adding the NOT NULL column `lint_post.rank` \
                 without a default would fail (or, on MySQL/MariaDB, fill it with 0 or '') \
                 (give the field a default, or the AddField a `one_off_default`)"
                    .to_string()
            ]
        );
        // MySQL did not fill the column with zeros behind the user's back.
        assert_eq!(columns(&ctx).await, ["body", "id", "slug", "title"]);
        db.execute_raw_sql("DELETE FROM lint_post").await.unwrap();
        migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap_or_else(|e| panic!("on an empty table, {}: {e}", ctx.dialect()));
        assert_eq!(columns(&ctx).await, ["body", "id", "rank", "slug", "title"]);
    })
    .await;
}
