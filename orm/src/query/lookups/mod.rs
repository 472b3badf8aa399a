//! Lookups that each database spells its own way: regular expressions
//! ([`regex`]) and JSON paths ([`json`]). Each is one [`Lookup`] on a
//! column; it writes its SQL and lists its binds from the same data, so
//! that a cached statement binds exactly what a fresh render would.
//!
//! The README's "Day-one calls" example, run on SQLite:
//!
//! ```
//! # use strata::prelude::*;
//! #[derive(Model, Debug, Clone)]
//! pub struct Author {
//!     pub id: i64,
//!     pub name: String,
//!     pub posts: Reverse<Post>,
//! }
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Post {
//!     pub id: i64,
//!     #[strata(on_delete = cascade, related_name = "posts")]
//!     pub author: ForeignKey<Author>,
//!     #[strata(on_delete = set_null, related_name = "edited")]
//!     pub editor: Option<ForeignKey<Author>>,
//!     pub title: String,
//!     pub meta: serde_json::Value,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! # let db = Db::connect("sqlite::memory:").await?;
//! # db.create_tables(&[Author::META, Post::META]).await?;
//! # let mut ann = Author { id: 0, name: "Ann".into(), posts: Default::default() };
//! # ann.insert(&db).await?;
//! # let mut bob = Author { id: 0, name: "Bob".into(), posts: Default::default() };
//! # bob.insert(&db).await?;
//! # for (title, lang) in [("Rust tips", "rust"), ("Draft", "go"), ("Go notes", "go")] {
//! #     let meta = serde_json::json!({"lang": lang, "tag": "db"});
//! #     let mut p = Post { id: 0, author: ForeignKey::to(&ann), editor: None, title: title.into(), meta };
//! #     p.insert(&db).await?;
//! # }
//! // A relation compared with a row or a key: the foreign key column, no join.
//! let by_ann = Post::objects().filter(Post::author().eq(&ann)).all(&db).await?;
//! let by_either = Post::objects().filter(Post::author().is_in([&ann, &bob])).count(&db).await?;
//! let unedited = Post::objects().filter(Post::editor().is_null(true)).count(&db).await?;
//! // A reverse hop right after a forward one: posts by authors who wrote a draft.
//! let drafty = Post::objects().filter(Post::author().posts().title().startswith("Draft"));
//! // Set a foreign key in one UPDATE (a field *through* a relation does not compile).
//! Post::objects().filter(Post::author().eq(ann.id)).update(&db, [Post::author().set(&bob)]).await?;
//!
//! let post = Post::objects().get_by_pk(&db, 1).await?;          // DoesNotExist if absent
//! let newest = Post::objects().last(&db).await?;                 // by pk unless ordered
//! let longest = Post::objects().latest(&db, Post::id()).await?;  // earliest(..) too
//! let backwards = Post::objects().order_by(Post::title()).reverse();
//! let nothing = Post::objects().none();                          // WHERE 1 = 0
//! let either = Post::objects()
//!     .filter(Post::title().regex("^(Rust|Go) "))                // iregex: any case
//!     .union(Post::objects().filter(Post::meta().key("lang").eq("rust")))
//!     .order_by(Post::title())
//!     .limit(10)
//!     .all(&db)
//!     .await?;
//! let tagged = Post::objects().filter(Post::meta().json_contains(serde_json::json!({"tag": "db"})));
//! let with_lang = Post::objects().filter(Post::meta().has_key("lang"));
//! println!("{}", Post::objects().filter(Post::title().eq("x")).explain(&db).await?);
//! # assert_eq!((by_ann.len(), by_either, unedited), (3, 3, 3));
//! # assert_eq!(drafty.count(&db).await?, 3);
//! # assert_eq!(post.title, "Rust tips");
//! # assert_eq!(newest.map(|p| p.id), Some(3));
//! # assert_eq!(longest.id, 3);
//! # assert_eq!(backwards.first(&db).await?.map(|p| p.title), Some("Rust tips".into()));
//! # assert_eq!(nothing.count(&db).await?, 0);
//! # assert_eq!(either.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["Go notes", "Rust tips"]);
//! # assert_eq!((tagged.count(&db).await?, with_lang.count(&db).await?), (3, 3));
//! # assert_eq!(Post::objects().filter(Post::author().eq(&bob)).count(&db).await?, 3);
//! # Ok(()) }
//! ```
//!

pub(crate) mod json;
mod like;
pub(crate) mod regex;

pub use json::{JsonField, JsonPath};
pub(crate) use like::LikeText;

use crate::dialect::Dialect;
use crate::value::Value;
use crate::writer::SqlWriter;

/// One dialect-specific lookup on a column.
#[derive(Debug, Clone)]
pub(crate) enum Lookup {
    /// The column matches a regular expression.
    Regex {
        pattern: String,
        case_insensitive: bool,
    },
    /// A JSON lookup at a key path (possibly empty) inside the column.
    Json { keys: Vec<String>, op: json::JsonOp },
}

impl Lookup {
    /// The words of the statement-cache key: what changes the SQL text.
    pub(crate) fn shape_words(&self) -> [usize; 3] {
        match self {
            Lookup::Regex {
                case_insensitive, ..
            } => [1, *case_insensitive as usize, 0],
            Lookup::Json { keys, op } => [2 + op.tag(), keys.len(), 0],
        }
    }

    /// Writes the lookup on the column `column` writes, binding what
    /// [`binds`](Lookup::binds) lists, in that order.
    pub(crate) fn write(&self, w: &mut SqlWriter, column: &dyn Fn(&mut SqlWriter)) {
        let dialect = w.dialect();
        let mut binds = self.binds(dialect).into_iter();
        let mut bind = |w: &mut SqlWriter| {
            if let Some(v) = binds.next() {
                w.push_bind(v);
            }
        };
        match self {
            Lookup::Regex {
                case_insensitive, ..
            } => regex::write(w, column, *case_insensitive, &mut bind),
            Lookup::Json { keys, op } => json::write(w, column, keys.len(), op, &mut bind),
        }
    }

    /// The values [`write`](Lookup::write) binds on `dialect`, in order.
    pub(crate) fn binds(&self, dialect: Dialect) -> Vec<Value> {
        match self {
            Lookup::Regex {
                pattern,
                case_insensitive,
            } => regex::binds(dialect, pattern, *case_insensitive),
            Lookup::Json { keys, op } => json::binds(dialect, keys, op),
        }
    }

    /// Why the lookup cannot run on `dialect`, if it cannot.
    pub(crate) fn refusal(&self, dialect: Dialect) -> Option<String> {
        match self {
            Lookup::Regex { .. } => None,
            Lookup::Json { keys, op } => json::refusal(dialect, keys, op),
        }
    }
}
