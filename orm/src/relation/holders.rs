//! Fields that hold many related rows once they are loaded:
//! [`ManyToMany<T>`] and [`Reverse<T>`]. Neither is a column.

use crate::error::{Error, Result};
use crate::model::Model;

/// The related rows of one relation: not loaded until a queryset's
/// `prefetch_related` (or [`set_loaded`](Related::set_loaded)) fills them.
/// Reading them never runs a query; an unloaded holder says so.
///
/// With the cargo feature `serde`, loaded rows serialize as an array and
/// an unloaded holder as `null` (or not at all, with
/// `#[serde(skip_serializing_if = "Reverse::is_not_loaded")]`); an array
/// deserializes as loaded rows, `null` or a missing member as not loaded.
/// The rows are never written by `insert` or `save`.
pub struct Related<T> {
    rows: Option<Vec<T>>,
}

/// A many-to-many relation to `T`, declared as a field of the model:
/// `tags: ManyToMany<Tag>`. strata keeps an automatic join table
/// `<table>_<field>` (two foreign keys with `ON DELETE CASCADE` and a
/// unique pair), or uses an explicit model with
/// `#[strata(through = PostTag)]`. The field holds the related rows once
/// `prefetch_related(Post::tags())` has loaded them; change the pairs with
/// [`Model::related`](crate::Model::related)`(Post::tags())`.
pub type ManyToMany<T> = Related<T>;

/// Where a model keeps the rows of a reverse relation that
/// `prefetch_related` loads: `posts: Reverse<Post>` on `Author`, named
/// after the `related_name` of `Post`'s foreign key (or many-to-many
/// field). Not a column; optional: filtering across `Author::posts()`
/// works without it.
pub type Reverse<T> = Related<T>;

impl<T> Related<T> {
    /// A holder with nothing loaded.
    pub const fn new() -> Self {
        Related { rows: None }
    }

    /// The loaded rows, or `None` if they were not loaded.
    pub fn get(&self) -> Option<&[T]> {
        self.rows.as_deref()
    }

    /// Whether the rows were loaded.
    pub fn is_loaded(&self) -> bool {
        self.rows.is_some()
    }

    /// Whether the rows were not loaded: for
    /// `#[serde(skip_serializing_if = "Related::is_not_loaded")]`, which
    /// leaves an unloaded holder out of the output instead of `null`.
    pub fn is_not_loaded(&self) -> bool {
        self.rows.is_none()
    }

    /// Replaces the loaded rows.
    pub fn set_loaded(&mut self, rows: Vec<T>) {
        self.rows = Some(rows);
    }

    /// Takes the loaded rows out, leaving the holder unloaded.
    pub fn take(&mut self) -> Option<Vec<T>> {
        self.rows.take()
    }

    /// The loaded rows, mutably.
    pub(crate) fn rows_mut(&mut self) -> &mut [T] {
        self.rows.as_deref_mut().unwrap_or_default()
    }
}

impl<T: Model> Related<T> {
    /// The loaded rows, or [`Error::NotLoaded`].
    pub fn loaded(&self) -> Result<&[T]> {
        self.get().ok_or(Error::NotLoaded {
            model: T::META.name,
            hint: "load the relation with prefetch_related(...), or query it with related(...)",
        })
    }
}

/// Nothing loaded, like [`Related::new`]: a new row can be written
/// `Author { name: "Ann".into(), ..Default::default() }` (with
/// `#[derive(Default)]` on the model) or with `posts: Default::default()`.
impl<T> Default for Related<T> {
    fn default() -> Self {
        Related::new()
    }
}

impl<T: Clone> Clone for Related<T> {
    fn clone(&self) -> Self {
        Related {
            rows: self.rows.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Related<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.rows {
            Some(rows) => f.debug_list().entries(rows).finish(),
            None => f.write_str("<not loaded>"),
        }
    }
}

/// Holders carry no column, so they never make two rows differ.
impl<T> PartialEq for Related<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Related<T> {}
