//! The blog's models. They live in a library so that two binaries link
//! them: the program (`src/main.rs`), which migrates its database at
//! start-up, and the `manage` binary (`src/bin/manage.rs`), which makes and
//! applies migrations.
//!
//! The models derive `Serialize` (strata's `serde` feature), for the JSON
//! API in `examples/api`. `Reverse` fields are not columns: they hold the
//! rows `prefetch_related` loads, and serialize as `null` until then.

use serde::Serialize;
use strata::prelude::*;

/// Someone who writes posts.
#[derive(Model, Debug, Clone, Default, Serialize)]
pub struct Author {
    pub id: i64,
    #[strata(max_length = 100, unique)]
    pub name: String,
    /// Loaded by `prefetch_related(Author::posts())`.
    pub posts: Reverse<Post>,
}

/// A blog post.
#[derive(Model, Debug, Clone, Default, Serialize)]
#[strata(table = "blog_post")]
pub struct Post {
    pub id: i64,
    #[strata(max_length = 200)]
    pub title: String,
    pub body: String,
    #[strata(on_delete = cascade, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[strata(default = false)]
    pub published: bool,
    /// Loaded by `prefetch_related(Post::comments())`.
    pub comments: Reverse<Comment>,
}

/// A reader's comment on a post.
#[derive(Model, Debug, Clone, Default, Serialize)]
pub struct Comment {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "comments")]
    pub post: ForeignKey<Post>,
    pub text: String,
}

/// Every model of the blog, targets first, and the admin's user table
/// (served by `cargo run -p blog --bin admin`).
pub fn models() -> [&'static strata::ModelMeta; 4] {
    [
        Author::META,
        Post::META,
        Comment::META,
        strata_admin::AdminUser::META,
    ]
}
