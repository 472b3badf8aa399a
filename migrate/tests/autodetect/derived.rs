//! The migration engine and the ORM agree: migrations made from derived
//! models with relations create a schema the ORM then works on, on every
//! database, and replaying them gives back the models' state.

use std::path::Path;
use strata::prelude::*;
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::*;
use strata_tests::each_db;
use strata_tests::relations::*;

/// Makes the initial migration of `models` in `dir`.
fn make_initial(dir: &Path, models: &[&'static strata::ModelMeta]) -> ProjectState {
    let state = ProjectState::from_models(models).unwrap();
    let mut questioner = ScriptedQuestioner::new();
    makemigrations(&MakeOptions::new(dir), &state, &mut questioner).unwrap();
    let set = MigrationSet::load(dir).unwrap();
    assert!(
        set.replay().unwrap().same_schema(&state),
        "replay gives the models' state"
    );
    // A second run finds nothing to do.
    let again = makemigrations(&MakeOptions::new(dir), &state, &mut questioner).unwrap();
    assert!(!again.has_changes());
    state
}

/// Runs every migration's forward SQL for the database's dialect.
async fn apply(db: &Db, dir: &Path) {
    let set = MigrationSet::load(dir).unwrap();
    for migration in set.ordered().unwrap() {
        let script = migration.sql.get(db.dialect());
        assert!(script.forward_error.is_none(), "{:?}", script.forward_error);
        for sql in &script.forward {
            db.execute_raw_sql(strata::AssertSqlSafe(sql.as_str()))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
}

#[test]
fn relation_models_become_tables_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let state = make_initial(dir.path(), &library());
    let book = state.model("Book").unwrap();
    let writer_id = book.get_field("writer_id").unwrap();
    let fk = writer_id
        .foreign_key
        .as_ref()
        .expect("writer_id is a foreign key");
    assert_eq!(fk.to, "Writer");
    assert_eq!(fk.on_delete, strata::meta::OnDelete::Cascade);
    assert!(
        state
            .model("Bio")
            .unwrap()
            .get_field("writer_id")
            .unwrap()
            .unique
    );
}

#[tokio::test]
async fn the_orm_works_on_a_schema_made_by_migrations() {
    let dir = tempfile::tempdir().unwrap();
    make_initial(dir.path(), &library());
    let path = dir.path().to_path_buf();
    each_db("orm_on_migrated_schema", |db| {
        let path = path.clone();
        async move {
            apply(&db, &path).await;
            let mut writer = Writer {
                id: 0,
                name: "Ann".into(),
                publisher: None,
            };
            writer.insert(&db).await.unwrap();
            let mut book = Book {
                id: 0,
                title: "T".into(),
                writer: ForeignKey::to(&writer),
                pages: 1,
            };
            book.insert(&db).await.unwrap();
            let loaded = Book::objects()
                .select_related(Book::writer())
                .get(&db)
                .await
                .unwrap();
            assert_eq!(loaded.writer.get(), Some(&writer));
            // The foreign key's cascade is real.
            writer.delete(&db).await.unwrap();
            assert_eq!(Book::objects().count(&db).await.unwrap(), 0);
        }
    })
    .await;
}

#[tokio::test]
async fn on_delete_behaviours_hold_on_a_migrated_schema() {
    let dir = tempfile::tempdir().unwrap();
    make_initial(dir.path(), &on_delete_models());
    let path = dir.path().to_path_buf();
    each_db("on_delete_migrated", |db| {
        let path = path.clone();
        async move {
            apply(&db, &path).await;
            let mut fallback = Owner {
                id: 0,
                name: "fallback".into(),
            };
            fallback.insert(&db).await.unwrap();
            let mut owner = Owner {
                id: 0,
                name: "owner".into(),
            };
            owner.insert(&db).await.unwrap();
            let mut r = SetDefaultRef {
                id: 0,
                owner: ForeignKey::to(&owner),
            };
            r.insert(&db).await.unwrap();
            let mut p = ProtectRef {
                id: 0,
                owner: ForeignKey::to(&owner),
            };
            p.insert(&db).await.unwrap();
            let err = owner.delete(&db).await.unwrap_err();
            assert!(matches!(err, strata::Error::Protected { .. }), "{err}");
            p.delete(&db).await.unwrap();
            owner.delete(&db).await.unwrap();
            r.refresh(&db).await.unwrap();
            assert_eq!(*r.owner.key(), fallback.id);
        }
    })
    .await;
}

mod before {
    use strata::prelude::*;

    #[derive(Model, Debug)]
    #[strata(table = "essay")]
    pub struct Essay {
        pub id: i64,
        #[strata(max_length = 100)]
        pub title: String,
    }
}

mod after {
    use strata::prelude::*;

    /// The same table, renamed model and column, told by attributes.
    #[derive(Model, Debug)]
    #[strata(table = "essay", renamed_from = "Essay")]
    pub struct Article {
        pub id: i64,
        #[strata(max_length = 100, renamed_from = "title")]
        pub headline: String,
    }
}

#[test]
fn renamed_from_attributes_make_renames_without_asking() {
    let old = ProjectState::from_models(&[before::Essay::META]).unwrap();
    let new = ProjectState::from_models(&[after::Article::META]).unwrap();
    // The scripted questioner declines every rename it is asked about, so
    // only the attributes can produce these renames.
    let ops = crate::support::detect(&old, &new);
    let described = crate::support::described(&ops);
    assert_eq!(described.len(), 2, "{described:?}");
    assert!(
        described[0].contains("Rename model Essay to Article"),
        "{described:?}"
    );
    assert!(
        described[1].contains("title") && described[1].contains("headline"),
        "{described:?}"
    );
}

#[tokio::test]
async fn many_to_many_relations_migrate_to_the_join_tables_the_orm_uses() {
    use strata::relation::Related;
    use strata_tests::blog::*;
    let dir = tempfile::tempdir().unwrap();
    let state = make_initial(dir.path(), &blog());
    let post = state.model("Post").unwrap();
    assert_eq!(post.many_to_many[0].join_table, "blog_post_tags");
    let student = state.model("Student").unwrap();
    assert_eq!(
        student.many_to_many[0].join_table, "school_enrollment",
        "a through relation's join table is the through model's"
    );
    // The migrated schema is the one create_tables makes.
    for dialect in strata::Dialect::ALL {
        let (create, _) = strata::schema::join_tables_sql(Post::META, dialect).unwrap();
        let set = MigrationSet::load(dir.path()).unwrap();
        let forward = &set.ordered().unwrap()[0].sql.get(dialect).forward;
        let table = create[0].split(" (").next().unwrap();
        assert!(
            forward.iter().any(|s| s.starts_with(table)),
            "{dialect}: {table} in {forward:?}"
        );
    }
    each_db("migrated_m2m", |db| {
        let dir = dir.path().to_path_buf();
        async move {
            apply(&db, &dir).await;
            let mut ann = Author {
                id: 0,
                name: "Ann".into(),
                posts: Related::new(),
            };
            ann.insert(&db).await.unwrap();
            let mut post = Post {
                id: 0,
                author: ForeignKey::to(&ann),
                title: "t".into(),
                published: true,
                tags: Related::new(),
                comments: Related::new(),
            };
            post.insert(&db).await.unwrap();
            let mut tag = Tag {
                id: 0,
                name: "rust".into(),
                posts: Related::new(),
            };
            tag.insert(&db).await.unwrap();
            post.related(Post::tags()).add(&db, &[&tag]).await.unwrap();
            // The unique pair holds: adding again changes nothing.
            post.related(Post::tags()).add(&db, &[&tag]).await.unwrap();
            let posts = Post::objects()
                .filter(Post::tags().name().eq("rust"))
                .prefetch_related(Post::tags())
                .all(&db)
                .await
                .unwrap();
            assert_eq!(posts.len(), 1);
            assert_eq!(posts[0].tags.loaded().unwrap().len(), 1);
            // Deleting the post cascades to its pairs.
            post.delete(&db).await.unwrap();
            let tags = Tag::objects()
                .prefetch_related(Tag::posts())
                .all(&db)
                .await
                .unwrap();
            assert!(tags[0].posts.loaded().unwrap().is_empty());
        }
    })
    .await;
}
