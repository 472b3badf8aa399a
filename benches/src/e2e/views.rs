//! `posts.views`, the numeric column of the `update/N` shape, seen by each
//! library through a model of `posts(id, views)` of its own.
//!
//! diesel_bench's schema has no numeric column besides keys, and the
//! shared models (`crate::models`, `crate::diesel_schema`,
//! `crate::seaorm`) stay exactly diesel_bench's, so that query generation
//! and the other end-to-end shapes select the same columns as before. A
//! model mapping some of a table's columns is ordinary in each library.

use strata::prelude::*;

/// strata's view: `posts(id, views)`.
#[derive(Model, Debug, Clone)]
#[strata(table = "posts")]
pub struct ViewedPost {
    pub id: i32,
    pub views: i32,
}

/// Diesel's view: `posts(id, views)`.
pub mod diesel_table {
    diesel::table! {
        posts (id) {
            id -> Integer,
            views -> Integer,
        }
    }
}

/// SeaORM's view: `posts(id, views)`.
pub mod seaorm_entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub views: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
