//! The quickstart's models. They live in a library so that two binaries
//! link them: the demo (`src/main.rs`) and the project's `manage` binary
//! (`src/bin/quickstart-manage.rs`), which makes migrations from them.

use strata::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
    #[strata(max_length = 100, unique)]
    pub name: String,
    pub email: Option<String>,
    pub joined: chrono::DateTime<chrono::Utc>,
    /// Not a column: holds the posts `prefetch_related(Author::posts())`
    /// loads (`posts` is the related_name of `Post::author`).
    pub posts: Reverse<Post>,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "blog_post", index(fields(author, created_at)))]
pub struct Post {
    pub id: i64,
    #[strata(max_length = 200, index)]
    pub title: String,
    pub body: String,
    #[strata(default = false)]
    pub published: bool,
    #[strata(on_delete = cascade, related_name = "posts")]
    pub author: ForeignKey<Author>, // column author_id, a real foreign key
    pub rating: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Every model of the quickstart, targets first.
pub fn models() -> [&'static strata::ModelMeta; 2] {
    [Author::META, Post::META]
}
