//! strata's side: the queryset a user writes for each shape.

use crate::e2e::views::ViewedPost;
use crate::models::{Post, User};
use strata::prelude::*;
use strata::query::aggregate::Count;
use strata::query::QuerySet;

pub fn trivial(n: u64) -> QuerySet<User> {
    User::objects().limit(n)
}

pub fn join(n: u64) -> QuerySet<Post> {
    Post::objects()
        .filter(Post::user().hair_color().eq("black"))
        .select_related(Post::user())
        .limit(n)
}

pub fn prefetch(n: u64) -> QuerySet<User> {
    User::objects().prefetch_related(User::posts()).limit(n)
}

pub fn subquery(n: u64) -> QuerySet<Post> {
    Post::objects()
        .filter(
            Post::user().is_in(
                User::objects()
                    .filter(User::hair_color().eq("black"))
                    .values(User::id()),
            ),
        )
        .limit(n)
}

pub async fn annotate(db: &Db, n: u64) -> Vec<(User, i64)> {
    User::objects()
        .annotate(User::posts().count())
        .limit(n)
        .all(db)
        .await
        .unwrap()
}

/// The statement of [`annotate`], for the check against the hand SQL.
pub fn annotate_sql(dialect: Dialect, n: u64) -> String {
    User::objects()
        .annotate(User::posts().count())
        .limit(n)
        .sql(dialect)
        .unwrap()
        .into_sql()
}

pub async fn group_by(db: &Db, n: u64) -> Vec<(i32, i64)> {
    group_by_qs(n).all(db).await.unwrap()
}

fn group_by_qs(n: u64) -> strata::query::values::ValuesQuerySet<Post, (i32, i64), (i64,)> {
    Post::objects()
        .filter(Post::user().id().lte(n as i32))
        .values(Post::user().id())
        .annotate(Count::all())
}

pub fn group_by_sql(dialect: Dialect, n: u64) -> String {
    group_by_qs(n).sql(dialect).into_sql()
}

fn update_qs(n: u64) -> QuerySet<ViewedPost> {
    ViewedPost::objects().filter(ViewedPost::id().lte(n as i32))
}

pub async fn update(db: &Db, n: u64) -> u64 {
    update_qs(n)
        .update(db, [ViewedPost::views().set(ViewedPost::views() + 1)])
        .await
        .unwrap()
}

pub fn update_sql(dialect: Dialect, n: u64) -> String {
    update_qs(n)
        .update_sql(dialect, [ViewedPost::views().set(ViewedPost::views() + 1)])
        .unwrap()
        .into_sql()
}

pub async fn insert(db: &Db, mut rows: Vec<User>) -> u64 {
    User::bulk_create(db, &mut rows).await.unwrap();
    debug_assert!(rows.iter().all(|u| u.id > 0));
    rows.len() as u64
}

/// The sum of `views` over all posts (to check that an update ran).
pub async fn total_views(db: &Db) -> i64 {
    use strata::query::aggregate::Sum;
    let (sum,) = ViewedPost::objects()
        .aggregate(db, (Sum(ViewedPost::views()),))
        .await
        .unwrap();
    sum.unwrap_or(0)
}

/// The statement [`insert`] runs for `n` new users.
pub fn insert_sql(dialect: Dialect, n: u64) -> String {
    let mut statements = User::bulk_create_sql(&crate::models::new_users(n as usize), dialect);
    assert_eq!(statements.len(), 1, "insert/{n}: one statement");
    statements.pop().expect("one statement").into_sql()
}
