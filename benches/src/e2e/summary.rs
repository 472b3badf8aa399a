//! What a side's answer is reduced to for the check before timing: the
//! number of rows and a digest of every value read, so that two sides
//! agree only if they read the same rows and the same values.

use crate::diesel_schema::{DieselPost, DieselUser};
use crate::models::{Post, User};
use crate::seaorm::{post as so_post, user as so_user};

/// A value folded into one number (order-independent when summed).
pub trait Digest {
    fn digest(&self) -> i64;
}

/// A side's answer to one shape: rows and the sum of their digests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub rows: usize,
    pub digest: i64,
}

/// Anything a measured routine returns.
pub trait Summarize {
    fn summary(&self) -> Summary;
}

impl<T: Digest> Summarize for Vec<T> {
    fn summary(&self) -> Summary {
        Summary {
            rows: self.len(),
            digest: self.digest(),
        }
    }
}

/// Rows written (`update`, `insert`).
impl Summarize for u64 {
    fn summary(&self) -> Summary {
        Summary {
            rows: *self as usize,
            digest: 0,
        }
    }
}

fn text(s: &str) -> i64 {
    s.bytes()
        .fold(0i64, |h, b| h.wrapping_mul(31).wrapping_add(b as i64))
}

/// The digest of a user row.
pub fn user(id: i32, name: &str, hair_color: Option<&str>) -> i64 {
    (id as i64)
        .wrapping_mul(1_000_003)
        .wrapping_add(text(name))
        .wrapping_add(hair_color.map_or(7, text).wrapping_mul(3))
}

/// The digest of a post row.
pub fn post(id: i32, user_id: i32, title: &str, body: Option<&str>) -> i64 {
    (id as i64)
        .wrapping_mul(1_000_033)
        .wrapping_add((user_id as i64).wrapping_mul(17))
        .wrapping_add(text(title))
        .wrapping_add(body.map_or(11, text).wrapping_mul(5))
}

impl Digest for i64 {
    fn digest(&self) -> i64 {
        *self
    }
}

impl Digest for i32 {
    fn digest(&self) -> i64 {
        *self as i64
    }
}

impl<T: Digest> Digest for Option<T> {
    fn digest(&self) -> i64 {
        self.as_ref().map_or(-1, Digest::digest)
    }
}

impl<T: Digest> Digest for Vec<T> {
    fn digest(&self) -> i64 {
        self.iter()
            .fold(0i64, |acc, x| acc.wrapping_add(x.digest()))
    }
}

impl<A: Digest, B: Digest> Digest for (A, B) {
    fn digest(&self) -> i64 {
        self.0
            .digest()
            .wrapping_mul(7)
            .wrapping_add(self.1.digest().wrapping_mul(13))
    }
}

impl Digest for User {
    /// The user's columns, and its posts where they were prefetched.
    fn digest(&self) -> i64 {
        let own = user(self.id, &self.name, self.hair_color.as_deref());
        match self.posts.loaded() {
            Ok(posts) => (own, posts.iter().map(Post::digest).collect::<Vec<_>>()).digest(),
            Err(_) => own,
        }
    }
}

impl Digest for Post {
    /// The post's columns, and its user where it was loaded.
    fn digest(&self) -> i64 {
        let own = post(self.id, *self.user.key(), &self.title, self.body.as_deref());
        match self.user.get() {
            Some(u) => (own, Some(u.digest())).digest(),
            None => own,
        }
    }
}

impl Digest for DieselUser {
    fn digest(&self) -> i64 {
        user(self.id, &self.name, self.hair_color.as_deref())
    }
}

impl Digest for DieselPost {
    fn digest(&self) -> i64 {
        post(self.id, self.user_id, &self.title, self.body.as_deref())
    }
}

impl Digest for so_user::Model {
    fn digest(&self) -> i64 {
        user(self.id, &self.name, self.hair_color.as_deref())
    }
}

impl Digest for so_post::Model {
    fn digest(&self) -> i64 {
        post(self.id, self.user_id, &self.title, self.body.as_deref())
    }
}
