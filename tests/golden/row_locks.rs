//! `select_for_update`: `FOR UPDATE` with `NOWAIT`, `SKIP LOCKED` and
//! `OF`, on PostgreSQL and MySQL; nothing on SQLite, whose transactions
//! hold the database's write lock instead.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::ForUpdate;
use strata_tests::blog::Post;
use strata_tests::models::Article;

fn filtered() -> QuerySet<Article> {
    Article::objects().filter(Article::author().eq("ann"))
}

#[test]
fn select_for_update_appends_its_clause_after_the_limit() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "for_update",
            per_dialect(|d| filtered().select_for_update().sql(d))
        );
        insta::assert_snapshot!(
            "for_update_nowait_first",
            per_dialect(|d| filtered()
                .select_for_update_with(ForUpdate::new().nowait())
                .first_sql(d))
        );
        insta::assert_snapshot!(
            "for_update_skip_locked_limit",
            per_dialect(|d| filtered()
                .select_for_update_with(ForUpdate::new().skip_locked())
                .limit(3)
                .sql(d))
        );
        insta::assert_snapshot!(
            "for_update_of_self_and_relation",
            per_dialect(|d| Post::objects()
                .select_related(Post::author())
                .select_for_update_with(ForUpdate::new().of_self().of(Post::author()).nowait())
                .get_sql(d))
        );
    });
}

#[test]
fn the_statement_cache_tells_locked_queries_from_plain_ones() {
    for d in Dialect::ALL {
        let plain = filtered().statement(d);
        let locked = filtered().select_for_update().statement(d);
        let nowait = filtered()
            .select_for_update_with(ForUpdate::new().nowait())
            .statement(d);
        assert_eq!(plain.sql(), filtered().sql(d).sql());
        assert_eq!(locked.sql(), filtered().select_for_update().sql(d).sql());
        assert_eq!(
            nowait.sql(),
            filtered()
                .select_for_update_with(ForUpdate::new().nowait())
                .sql(d)
                .sql()
        );
        if d != Dialect::Sqlite {
            assert_ne!(plain.sql(), locked.sql());
            assert_ne!(locked.sql(), nowait.sql());
        }
    }
}
