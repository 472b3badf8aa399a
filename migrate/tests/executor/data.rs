//! Rows survive the migrations that rewrite tables: AlterField,
//! RenameField and SQLite's table rebuild, with foreign keys intact.

use crate::fixtures::{bio_not_null_with_default_history, history, nullable_bio_history};
use crate::support::{count, each_db, scalar_i64, strings, Ctx};
use strata_migrate::{Migrator, Target};

#[tokio::test]
async fn rows_survive_alter_rename_and_rebuild_with_foreign_keys_intact() {
    each_db("data_survives", |ctx: Ctx| async move {
        let history = history();
        let names = history.names();
        let migrator = Migrator::new(history.set());
        let db = &ctx.db;
        let mut out = Vec::new();
        migrator
            .migrate(db, &Target::Migration(names[1].clone()), &mut out)
            .await
            .unwrap();
        for (id, name) in [(1, "Ann"), (2, "Bob")] {
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO author (id, name) VALUES ({id}, '{name}')"
            )))
            .await
            .unwrap();
        }
        for id in 1..=5 {
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO blog_post (id, title, body, author_id, rating) \
                 VALUES ({id}, 'post {id}', 'text {id}', {}, {id})",
                1 + id % 2
            )))
            .await
            .unwrap();
        }
        let joined = "SELECT COUNT(*) FROM blog_post p JOIN author a ON a.id = p.author_id";
        // Every later migration, one at a time: alter, rename, index, new
        // FK, M2M, and the rebuild of a table others refer to.
        for name in &names[2..] {
            migrator
                .migrate(db, &Target::Migration(name.clone()), &mut out)
                .await
                .unwrap_or_else(|e| panic!("{name} on {}: {e}", ctx.dialect()));
            assert_eq!(count(db, "author").await, 2, "authors after {name}");
            assert_eq!(count(db, "blog_post").await, 5, "posts after {name}");
            assert_eq!(scalar_i64(db, joined).await, 5, "posts joined after {name}");
            if name.ends_with("add_tags") {
                db.execute_raw_sql("INSERT INTO tag (id, name) VALUES (1, 'rust')")
                    .await
                    .unwrap();
                db.execute_raw_sql(
                    "INSERT INTO blog_post_tags (post_id, tag_id) VALUES (1, 1), (2, 1)",
                )
                .await
                .unwrap_or_else(|e| panic!("tagging on {}: {e}", ctx.dialect()));
            }
        }
        // The renamed column kept its values.
        let content =
            crate::support::strings(db, "SELECT content FROM blog_post ORDER BY id").await;
        assert_eq!(content[0], "text 1");
        // The join table still refers to the rebuilt post table.
        assert_eq!(
            scalar_i64(
                db,
                "SELECT COUNT(*) FROM blog_post_tags t JOIN blog_post p ON p.id = t.post_id"
            )
            .await,
            2
        );
        // And its foreign key is enforced after the rebuild.
        let orphan = db
            .execute_raw_sql("INSERT INTO blog_post_tags (post_id, tag_id) VALUES (99, 1)")
            .await;
        assert!(
            orphan.is_err(),
            "a tag of a missing post was accepted on {}",
            ctx.dialect()
        );
        // on_delete = restrict after the last migration: deleting an author
        // with posts is refused.
        let delete = db.execute_raw_sql("DELETE FROM author WHERE id = 1").await;
        assert!(
            delete.is_err(),
            "restrict not enforced on {}",
            ctx.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn undoing_make_nullable_says_in_the_file_and_the_plan_what_nulls_become() {
    each_db("undo_nullable_note", |ctx: Ctx| async move {
        let history = nullable_bio_history();
        let names = history.names();
        let note = "undoing it writes \"\" into Author.bio where it is NULL";
        let file = std::fs::read_to_string(history.file(&names[1])).unwrap();
        assert!(file.contains(&format!("#       {note}")), "{file}");
        let migrator = Migrator::new(history.set());
        let db = &ctx.db;
        migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        db.execute_raw_sql(
            "INSERT INTO author (id, name, bio) VALUES (1, 'Ann', NULL), (2, 'Bob', 'hi')",
        )
        .await
        .unwrap();
        let back = Target::Migration(names[0].clone());
        let plan = migrator.plan(db, &back).await.unwrap();
        let text = plan.render(migrator.set());
        assert!(
            text.contains(&format!(
                "Undo: Alter field bio on Author\n      ({note})\n"
            )),
            "{text}"
        );
        migrator.migrate(db, &back, &mut Vec::new()).await.unwrap();
        // What the note said happened, and nothing else.
        assert_eq!(
            strings(db, "SELECT bio FROM author ORDER BY id").await,
            vec!["".to_string(), "hi".to_string()]
        );
    })
    .await;
}

#[tokio::test]
async fn a_column_made_not_null_with_a_default_fills_its_nulls_with_it() {
    each_db("not_null_default_fill", |ctx: Ctx| async move {
        let history = bio_not_null_with_default_history();
        let names = history.names();
        let migrator = Migrator::new(history.set());
        let db = &ctx.db;
        let first = Target::Migration(names[0].clone());
        migrator.migrate(db, &first, &mut Vec::new()).await.unwrap();
        let rows = [(1, None), (2, Some("hi"))];
        for (id, bio) in rows {
            let bio = bio.map_or("NULL".to_string(), |b| format!("'{b}'"));
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO author (id, name, bio) VALUES ({id}, 'a{id}', {bio})"
            )))
            .await
            .unwrap();
        }
        migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap_or_else(|e| panic!("making bio NOT NULL on {}: {e}", ctx.dialect()));
        let expected: Vec<String> = rows
            .iter()
            .map(|(_, bio)| bio.unwrap_or("none").to_string())
            .collect();
        assert_eq!(
            strings(db, "SELECT bio FROM author ORDER BY id").await,
            expected
        );
        // Back: nullable again, the values kept.
        migrator.migrate(db, &first, &mut Vec::new()).await.unwrap();
        assert_eq!(
            strings(db, "SELECT bio FROM author ORDER BY id").await,
            expected
        );
    })
    .await;
}
