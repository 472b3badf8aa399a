//! SeaORM's side, on an sqlx pool built like strata's. Where SeaORM has
//! no call for a shape (the correlated count of `annotate/N`) the
//! expression is built with sea-query and run through SeaORM's `Select`.

use crate::e2e::views::seaorm_entity as so_views;
use crate::models::User;
use crate::seaorm::{post as so_post, user as so_user};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

type Db = sea_orm::DatabaseConnection;

pub async fn trivial(db: &Db, n: u64) -> Vec<so_user::Model> {
    so_user::Entity::find().limit(n).all(db).await.unwrap()
}

pub async fn join(db: &Db, n: u64) -> Vec<(so_post::Model, Option<so_user::Model>)> {
    so_post::Entity::find()
        .find_also_related(so_user::Entity)
        .filter(so_user::Column::HairColor.eq("black"))
        .limit(n)
        .all(db)
        .await
        .unwrap()
}

/// `n` users with their posts: SeaORM's loader runs the second query.
pub async fn prefetch(db: &Db, n: u64) -> Vec<(so_user::Model, Vec<so_post::Model>)> {
    use sea_orm::LoaderTrait;
    let users = so_user::Entity::find().limit(n).all(db).await.unwrap();
    let posts = users.load_many(so_post::Entity, db).await.unwrap();
    users.into_iter().zip(posts).collect()
}

/// A user with its post count, as SeaORM decodes a custom select.
#[derive(Debug, FromQueryResult)]
pub struct UserWithCount {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
    pub post_count: i64,
}

impl crate::e2e::Digest for UserWithCount {
    fn digest(&self) -> i64 {
        (
            crate::e2e::summary::user(self.id, &self.name, self.hair_color.as_deref()),
            self.post_count,
        )
            .digest()
    }
}

pub async fn annotate(db: &Db, n: u64) -> Vec<UserWithCount> {
    let s1 = Alias::new("s1");
    let count = Query::select()
        .expr(Expr::col(Asterisk).count())
        .from_as(so_post::Entity, s1.clone())
        .and_where(
            Expr::col((s1, so_post::Column::UserId)).equals((so_user::Entity, so_user::Column::Id)),
        )
        .to_owned();
    so_user::Entity::find()
        .expr_as(Expr::SubQuery(None, Box::new(count.into())), "post_count")
        .limit(n)
        .into_model::<UserWithCount>()
        .all(db)
        .await
        .unwrap()
}

pub async fn group_by(db: &Db, n: u64) -> Vec<(i32, i64)> {
    so_post::Entity::find()
        .select_only()
        .column(so_post::Column::UserId)
        .column_as(Expr::col(Asterisk).count(), "n")
        .filter(so_post::Column::UserId.lte(n as i32))
        .group_by(so_post::Column::UserId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await
        .unwrap()
}

pub async fn update(db: &Db, n: u64) -> u64 {
    so_views::Entity::update_many()
        .col_expr(
            so_views::Column::Views,
            Expr::col(so_views::Column::Views).add(1),
        )
        .filter(so_views::Column::Id.lte(n as i32))
        .exec(db)
        .await
        .unwrap()
        .rows_affected
}

pub async fn subquery(db: &Db, n: u64) -> Vec<so_post::Model> {
    let black = Query::select()
        .column(so_user::Column::Id)
        .from(so_user::Entity)
        .and_where(Expr::col(so_user::Column::HairColor).eq("black"))
        .to_owned();
    so_post::Entity::find()
        .filter(so_post::Column::UserId.in_subquery(black))
        .limit(n)
        .all(db)
        .await
        .unwrap()
}

pub async fn insert(db: &Db, rows: Vec<User>) -> u64 {
    use sea_orm::ActiveValue::{NotSet, Set};
    let n = rows.len() as u64;
    let models = rows.into_iter().map(|u| so_user::ActiveModel {
        id: NotSet,
        name: Set(u.name),
        hair_color: Set(u.hair_color),
    });
    so_user::Entity::insert_many(models).exec(db).await.unwrap();
    n
}

pub async fn cleanup(db: &Db) {
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(crate::e2e::schema::CLEANUP)
        .await
        .unwrap();
}
