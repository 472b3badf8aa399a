//! Diesel's side: its query DSL on its own synchronous connection.

use crate::diesel_schema::{posts, users, DieselPost, DieselUser};
use crate::e2e::schema::{self, CLEANUP};
use crate::e2e::views::diesel_table::posts as post_views;
use crate::e2e::Backend;
use crate::models::User;
use diesel::prelude::*;

pub enum DieselConn {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

/// Runs `$body` with `$c` either connection.
#[macro_export]
#[doc(hidden)]
macro_rules! with_diesel {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::e2e::sides::diesel::DieselConn::Sqlite($c) => $body,
            $crate::e2e::sides::diesel::DieselConn::Postgres($c) => $body,
        }
    };
}

impl DieselConn {
    /// Connects (SQLite: a database of its own in memory); with `seed`,
    /// creates and fills the tables.
    pub fn connect(backend: Backend, url: &str, seed: bool) -> DieselConn {
        fn seed_with<C: Connection>(c: &mut C, backend: Backend)
        where
            diesel::query_builder::SqlQuery: diesel::query_dsl::methods::ExecuteDsl<C>,
        {
            for statement in schema::statements(backend) {
                diesel::sql_query(statement).execute(c).expect("seed");
            }
        }
        match backend {
            Backend::Sqlite => {
                let mut c = diesel::SqliteConnection::establish(":memory:").expect("diesel sqlite");
                diesel::sql_query("PRAGMA foreign_keys = ON")
                    .execute(&mut c)
                    .expect("pragma");
                if seed {
                    seed_with(&mut c, backend);
                }
                DieselConn::Sqlite(c)
            }
            Backend::Postgres => {
                let mut c = diesel::PgConnection::establish(url).expect("diesel postgres");
                if seed {
                    seed_with(&mut c, backend);
                }
                DieselConn::Postgres(c)
            }
        }
    }
}

/// What the Diesel side runs, for each connection type.
pub trait DieselOps {
    fn trivial(&mut self, n: u64) -> Vec<DieselUser>;
    fn join(&mut self, n: u64) -> Vec<(DieselPost, Option<DieselUser>)>;
    fn prefetch(&mut self, n: u64) -> Vec<(DieselUser, Vec<DieselPost>)>;
    fn annotate(&mut self, n: u64) -> Vec<(DieselUser, Option<i64>)>;
    fn group_by(&mut self, n: u64) -> Vec<(i32, i64)>;
    fn update(&mut self, n: u64) -> u64;
    fn subquery(&mut self, n: u64) -> Vec<DieselPost>;
    fn insert_users(&mut self, rows: Vec<User>) -> u64;
    fn cleanup(&mut self);
}

macro_rules! diesel_ops {
    ($conn:ty, |$self_:ident, $values:ident| $insert:expr) => {
        impl DieselOps for $conn {
            fn trivial(&mut self, n: u64) -> Vec<DieselUser> {
                users::table
                    .select(DieselUser::as_select())
                    .limit(n as i64)
                    .load::<DieselUser>(self)
                    .unwrap()
            }

            fn join(&mut self, n: u64) -> Vec<(DieselPost, Option<DieselUser>)> {
                posts::table
                    .left_join(users::table)
                    .filter(users::hair_color.eq("black"))
                    .select((DieselPost::as_select(), Option::<DieselUser>::as_select()))
                    .limit(n as i64)
                    .load::<(DieselPost, Option<DieselUser>)>(self)
                    .unwrap()
            }

            fn prefetch(&mut self, n: u64) -> Vec<(DieselUser, Vec<DieselPost>)> {
                let users = users::table
                    .select(DieselUser::as_select())
                    .limit(n as i64)
                    .load::<DieselUser>(self)
                    .unwrap();
                let posts = DieselPost::belonging_to(&users)
                    .select(DieselPost::as_select())
                    .load::<DieselPost>(self)
                    .unwrap();
                posts
                    .grouped_by(&users)
                    .into_iter()
                    .zip(users)
                    .map(|(posts, user)| (user, posts))
                    .collect()
            }

            /// The correlated count as Diesel writes a scalar subquery:
            /// `single_value()` (which adds `LIMIT 1` and makes it nullable).
            fn annotate(&mut self, n: u64) -> Vec<(DieselUser, Option<i64>)> {
                let count = posts::table
                    .filter(posts::user_id.eq(users::id))
                    .count()
                    .single_value();
                users::table
                    .select((DieselUser::as_select(), count))
                    .limit(n as i64)
                    .load::<(DieselUser, Option<i64>)>(self)
                    .unwrap()
            }

            fn group_by(&mut self, n: u64) -> Vec<(i32, i64)> {
                posts::table
                    .filter(posts::user_id.le(n as i32))
                    .group_by(posts::user_id)
                    .select((posts::user_id, diesel::dsl::count_star()))
                    .load::<(i32, i64)>(self)
                    .unwrap()
            }

            fn update(&mut self, n: u64) -> u64 {
                diesel::update(post_views::table.filter(post_views::id.le(n as i32)))
                    .set(post_views::views.eq(post_views::views + 1))
                    .execute(self)
                    .unwrap() as u64
            }

            fn subquery(&mut self, n: u64) -> Vec<DieselPost> {
                let black = users::table
                    .filter(users::hair_color.eq("black"))
                    .select(users::id);
                posts::table
                    .filter(posts::user_id.eq_any(black))
                    .select(DieselPost::as_select())
                    .limit(n as i64)
                    .load::<DieselPost>(self)
                    .unwrap()
            }

            fn insert_users(&mut $self_, rows: Vec<User>) -> u64 {
                let $values: Vec<_> = rows
                    .iter()
                    .map(|u| (users::name.eq(&u.name), users::hair_color.eq(&u.hair_color)))
                    .collect();
                ($insert) as u64
            }

            fn cleanup(&mut self) {
                diesel::sql_query(CLEANUP).execute(self).unwrap();
            }
        }
    };
}

diesel_ops!(diesel::SqliteConnection, |self, values| {
    diesel::insert_into(users::table)
        .values(&values)
        .execute(self)
        .unwrap()
});

diesel_ops!(diesel::PgConnection, |self, values| {
    diesel::insert_into(users::table)
        .values(&values)
        .returning(users::id)
        .get_results::<i32>(self)
        .unwrap()
        .len()
});
