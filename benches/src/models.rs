//! The strata models of the diesel_bench schema.

use strata::prelude::*;

/// `users(id, name, hair_color)`.
#[derive(Model, Debug, Clone)]
#[strata(table = "users")]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
    /// Not a column: the user's posts once
    /// `prefetch_related(User::posts())` has loaded them.
    pub posts: Reverse<Post>,
}

/// `posts(id, user_id, title, body)`.
#[derive(Model, Debug, Clone)]
#[strata(table = "posts")]
pub struct Post {
    pub id: i32,
    #[strata(on_delete = cascade, related_name = "posts")]
    pub user: ForeignKey<User>,
    pub title: String,
    pub body: Option<String>,
}

/// `comments(id, post_id, text)`.
#[derive(Model, Debug, Clone)]
#[strata(table = "comments")]
pub struct Comment {
    pub id: i32,
    #[strata(on_delete = cascade, related_name = "comments")]
    pub post: ForeignKey<Post>,
    pub text: String,
}

/// The `n` users an insert benchmark writes: names `User 0`, ..., every
/// other one with a hair color.
pub fn new_users(n: usize) -> Vec<User> {
    (0..n)
        .map(|i| User {
            id: 0,
            name: format!("User {i}"),
            hair_color: (i % 2 == 0).then(|| "black".to_string()),
            posts: Reverse::new(),
        })
        .collect()
}
