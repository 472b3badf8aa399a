//! [`FieldList`]: one field or a tuple of fields of a model, typed, for
//! the writes that name columns (`bulk_update`, upserts).

use super::field::Field;
use crate::error::{Error, Result};
use crate::meta::ColumnMeta;
use crate::model::Model;
use crate::relation::One;

/// Fields of `M`: one (`Article::rating()`) or a tuple of up to eight
/// (`(Article::rating(), Article::score())`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of fields of `{M}`",
    label = "expected a field of `{M}` or a tuple of them",
    note = "write `{M}::<field>()` or `({M}::<a>(), {M}::<b>())`"
)]
pub trait FieldList<M> {
    /// The fields' columns, in order.
    #[doc(hidden)]
    fn columns(self) -> Vec<(&'static ColumnMeta, bool)>;
}

impl<M, T> FieldList<M> for Field<M, T, One> {
    fn columns(self) -> Vec<(&'static ColumnMeta, bool)> {
        vec![self.column_of()]
    }
}

macro_rules! tuple_field_list {
    ($($name:ident: $ty:ident),+) => {
        impl<M, $($ty),+> FieldList<M> for ($(Field<M, $ty, One>,)+) {
            fn columns(self) -> Vec<(&'static ColumnMeta, bool)> {
                let ($($name,)+) = self;
                vec![$($name.column_of()),+]
            }
        }
    };
}

tuple_field_list!(a: A);
tuple_field_list!(a: A, b: B);
tuple_field_list!(a: A, b: B, c: C);
tuple_field_list!(a: A, b: B, c: C, d: D);
tuple_field_list!(a: A, b: B, c: C, d: D, e: E);
tuple_field_list!(a: A, b: B, c: C, d: D, e: E, f: F);
tuple_field_list!(a: A, b: B, c: C, d: D, e: E, f: F, g: G);
tuple_field_list!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H);

/// The columns of `fields`, checked: fields of `M` itself, not its primary
/// key, each once, at least one.
pub(crate) fn own_columns<M: Model>(
    fields: impl FieldList<M>,
    what: &str,
    allow_pk: bool,
) -> Result<Vec<&'static ColumnMeta>> {
    let refuse = |reason: String| Error::InvalidQuery {
        model: M::META.name,
        reason,
    };
    let mut out: Vec<&'static ColumnMeta> = Vec::new();
    for (column, joined) in fields.columns() {
        if joined {
            return Err(refuse(format!(
                "{what} names `{}` of a related model; name fields of {} itself",
                column.field,
                M::META.name
            )));
        }
        if column.primary_key && !allow_pk {
            return Err(refuse(format!(
                "{what} cannot change the primary key `{}`",
                column.field
            )));
        }
        if !out.iter().any(|c| std::ptr::eq(*c, column)) {
            out.push(column);
        }
    }
    if out.is_empty() {
        return Err(refuse(format!("{what} needs at least one field")));
    }
    Ok(out)
}
