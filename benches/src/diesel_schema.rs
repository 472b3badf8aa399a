//! Diesel's `table!` declarations of the diesel_bench schema.

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        user_id -> Integer,
        title -> Text,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        text -> Text,
    }
}

diesel::joinable!(posts -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

/// A row of `users`.
#[derive(diesel::Queryable, diesel::Selectable, diesel::Identifiable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct DieselUser {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A row of `posts`; `belonging_to` / `grouped_by` load a user's posts.
#[derive(
    diesel::Queryable, diesel::Selectable, diesel::Identifiable, diesel::Associations, Debug, Clone,
)]
#[diesel(table_name = posts)]
#[diesel(belongs_to(DieselUser, foreign_key = user_id))]
pub struct DieselPost {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}
