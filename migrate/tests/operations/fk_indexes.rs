//! MySQL/MariaDB: InnoDB needs an index that starts with a foreign-key
//! column. Dropping the last such index drops and re-adds the foreign key
//! around it; dropping one while another still serves the key does not.

use crate::run::{create_base, run};
use strata::Db;
use strata::Dialect;
use strata_migrate::operations::{AddIndex, Operation, RemoveIndex};
use strata_migrate::{IndexState, ProjectState};

fn add_index(name: &str, columns: &[&str]) -> Operation {
    Operation::AddIndex(AddIndex {
        model: "Post".into(),
        index: IndexState {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: false,
        },
    })
}

fn remove_index(name: &str) -> Operation {
    Operation::RemoveIndex(RemoveIndex {
        model: "Post".into(),
        name: name.into(),
    })
}

/// Runs `op` forward and applies it to `state`; returns its statements.
async fn apply(db: &Db, state: &mut ProjectState, op: &Operation) -> Vec<String> {
    let sql = op.forward_sql(db.dialect(), state).unwrap();
    run(db, &sql, &op.describe()).await;
    op.apply(state).unwrap();
    sql
}

#[tokio::test]
async fn only_the_last_index_serving_a_foreign_key_drops_it_around_the_drop() {
    strata_tests::each_db("fk_index_last", |db| async move {
        let mut state = create_base(&db).await;
        apply(
            &db,
            &mut state,
            &add_index("post_author_title_idx", &["author_id", "title"]),
        )
        .await;
        apply(
            &db,
            &mut state,
            &add_index("post_author_score_idx", &["author_id", "score"]),
        )
        .await;
        let mysql = db.dialect() == Dialect::MySql;

        // Another index still starts with author_id.
        let first = apply(&db, &mut state, &remove_index("post_author_title_idx")).await;
        assert_eq!(first.len(), 1, "{first:?}");

        // The last one: the foreign key goes and comes back on MySQL.
        let last = apply(&db, &mut state, &remove_index("post_author_score_idx")).await;
        assert_eq!(last.len(), if mysql { 3 } else { 1 }, "{last:?}");
        if mysql {
            assert!(
                last[0].contains("DROP FOREIGN KEY `post_author_id_fk`"),
                "{last:?}"
            );
            assert!(
                last[2].contains("ADD CONSTRAINT `post_author_id_fk`"),
                "{last:?}"
            );
        }
    })
    .await;
}
