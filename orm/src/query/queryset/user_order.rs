//! Ordering from names given at run time (a query string's `?sort=-created_at`),
//! checked against the model's fields.

use super::QuerySet;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::order::OrderBy;

impl<M: Model> QuerySet<M> {
    /// Orders by field names known only at run time, most significant
    /// first, each ascending or, with a leading `-`, descending (a leading
    /// `+` is allowed too): `order_by_names(["-created_at", "title"])`.
    /// Replaces any earlier ordering, as [`order_by`](QuerySet::order_by).
    ///
    /// Names are the model's Rust field names (a foreign key by its field,
    /// `author`, ordering by the key). A name the model does not have is
    /// [`Error::UnknownField`], which names it and lists the valid ones;
    /// nothing reaches SQL but the model's own quoted column names.
    /// Relation paths (`author__name`) are not accepted: order across a
    /// relation with the typed [`order_by`](QuerySet::order_by).
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Book {
    ///     id: i64,
    ///     #[strata(max_length = 200)]
    ///     title: String,
    ///     pages: i32,
    /// }
    ///
    /// let qs = Book::objects().order_by_names(["-pages", "title"])?;
    /// assert_eq!(
    ///     qs.sql(Dialect::Postgres).sql(),
    ///     r#"SELECT "id", "title", "pages" FROM "book" ORDER BY "pages" DESC, "title" ASC"#
    /// );
    ///
    /// let err = Book::objects().order_by_names(["-author"]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Book has no field `author` to order by; valid fields: id, title, pages"
    /// );
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn order_by_names<S: AsRef<str>>(self, names: impl IntoIterator<Item = S>) -> Result<Self> {
        let mut order: Vec<OrderBy<M>> = Vec::new();
        for name in names {
            let name = name.as_ref();
            let (descending, field) = match name.strip_prefix('-') {
                Some(field) => (true, field),
                None => (false, name.strip_prefix('+').unwrap_or(name)),
            };
            let column = M::META
                .columns
                .iter()
                .find(|c| c.field == field)
                .ok_or_else(|| Error::UnknownField {
                    model: M::META.name,
                    name: field.to_owned(),
                    valid: M::META.columns.iter().map(|c| c.field).collect(),
                })?;
            order.push(OrderBy::new(column, descending));
        }
        Ok(self.order_by(order))
    }
}
