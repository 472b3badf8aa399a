//! [`Field`]: a typed handle on a model's column, and its lookups.

use super::assign::Assignment;
use super::expr::{ColRef, CompareOp, Expr, InList, Q};
use super::order::OrderBy;
use super::scalar::{compare, Comparand, Node, Rhs, Settable};
use super::subquery::{InArg, InValues};
use crate::dialect::TextLookup;
use crate::meta::ColumnMeta;
use crate::relation::{JoinPath, One, OwnField, SingleValuedField};
use crate::types::FieldType;
use crate::value::Value;
use std::marker::PhantomData;

/// A column of model `M` holding values of type `T`.
///
/// `#[derive(Model)]` writes one accessor per field (`Post::title()`), so
/// queries name fields through the type system: a typo, a value of the
/// wrong type or a field of another model does not compile.
///
/// `C` is [`One`] for the model's own fields and fields reached through
/// `ForeignKey` / `OneToOne` hops, and [`Many`](crate::relation::Many)
/// for fields reached through a reverse or many-to-many relation: those
/// can be filtered on (each condition becomes an `EXISTS` subquery, so
/// parent rows are never duplicated) but not ordered by or set.
pub struct Field<M, T, C = One> {
    column: &'static ColumnMeta,
    path: JoinPath,
    _marker: Marker<M, T, C>,
}

/// Ties a field to its model, value type and cardinality.
type Marker<M, T, C> = PhantomData<fn() -> (M, T, C)>;

impl<M, T, C> Clone for Field<M, T, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T, C> Copy for Field<M, T, C> {}

impl<M, T, C> std::fmt::Debug for Field<M, T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({})", self.column.field)
    }
}

/// A value that may be compared with, or stored in, a field of type `T`:
/// `T` itself, `&T`, `&str` for text, and `T` or `&T` for `Option<T>`.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be compared with or stored in a field of type `{T}`",
    label = "expected a value of the field's type `{T}`",
    note = "lookups (`eq`, `gt`, `is_in`, ...) and `set` take a value of the field's own type `{T}`, or a reference to one; text fields also take a `&str`, and `Option<T>` fields a plain `T`"
)]
pub trait IntoBind<T> {
    /// The bound value.
    fn into_bind(self) -> Value;
}

impl<T: FieldType> IntoBind<T> for T {
    fn into_bind(self) -> Value {
        self.to_value()
    }
}

impl<T: FieldType> IntoBind<T> for &T {
    fn into_bind(self) -> Value {
        self.to_value()
    }
}

impl<T: FieldType> IntoBind<Option<T>> for T {
    fn into_bind(self) -> Value {
        self.to_value()
    }
}

impl<T: FieldType> IntoBind<Option<T>> for &T {
    fn into_bind(self) -> Value {
        self.to_value()
    }
}

impl IntoBind<String> for &str {
    fn into_bind(self) -> Value {
        Value::String(Some(self.to_owned()))
    }
}

impl IntoBind<Option<String>> for &str {
    fn into_bind(self) -> Value {
        Value::String(Some(self.to_owned()))
    }
}

/// Field types the string lookups (`contains`, `startswith`, ...) apply to.
#[diagnostic::on_unimplemented(
    message = "string lookups need a text field, not a field of type `{Self}`",
    label = "this lookup needs a `String` or `Option<String>` field",
    note = "`contains`, `startswith`, `endswith`, `iexact` and their `i`-variants apply to `String` and `Option<String>` fields only",
    note = "compare other fields with `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `between` or `is_in`"
)]
pub trait TextField: FieldType {}

impl TextField for String {}
impl TextField for Option<String> {}

impl<M, T, C> Field<M, T, C> {
    /// Used by `#[derive(Model)]`.
    #[doc(hidden)]
    pub const fn new(column: &'static ColumnMeta) -> Self {
        Field {
            column,
            path: JoinPath::EMPTY,
            _marker: PhantomData,
        }
    }

    /// A column of a related model, reached through `path`. Used by
    /// `#[derive(Model)]`.
    #[doc(hidden)]
    pub const fn joined(column: &'static ColumnMeta, path: JoinPath) -> Self {
        Field {
            column,
            path,
            _marker: PhantomData,
        }
    }

    pub(crate) fn col_ref(&self) -> ColRef {
        ColRef {
            column: self.column,
            path: self.path,
        }
    }

    /// The column, and whether it is reached through a relation.
    pub(crate) fn column_of(&self) -> (&'static ColumnMeta, bool) {
        (self.column, !self.path.is_empty())
    }

    /// The relations this field is reached through.
    pub fn path(&self) -> JoinPath {
        self.path
    }

    /// The column's metadata.
    pub fn meta(&self) -> &'static ColumnMeta {
        self.column
    }

    fn compare(self, op: CompareOp, rhs: Rhs) -> Q<M> {
        match rhs {
            Rhs::Value(value) => Q::new(Expr::Compare {
                column: self.col_ref(),
                op,
                value,
            }),
            Rhs::Expr(right) => compare(Node::Column(self.col_ref()), op, Rhs::Expr(right)),
        }
    }

    fn text(self, lookup: TextLookup, case_insensitive: bool, text: &str) -> Q<M> {
        Q::new(Expr::Text {
            column: self.col_ref(),
            lookup,
            case_insensitive,
            text: super::lookups::LikeText::new(lookup, text),
        })
    }
}

// As for `TextField` below, the bounds sit on the methods, so that a
// failing one is reported with its trait's own message.
impl<M, T, C> Field<M, T, C> {
    /// Ascending order on this field (`NULL`s first, on every database).
    pub fn asc(self) -> OrderBy<M>
    where
        C: SingleValuedField,
    {
        OrderBy::joined(self.column, self.path, false)
    }

    /// Descending order on this field (`NULL`s last, on every database).
    pub fn desc(self) -> OrderBy<M>
    where
        C: SingleValuedField,
    {
        OrderBy::joined(self.column, self.path, true)
    }
}

impl<M, T: FieldType, C> Field<M, T, C> {
    /// `field = value`; with a `None` value, `field IS NULL`. `value` may
    /// also be a field or expression of the same type
    /// (`Post::likes().eq(Post::dislikes())`).
    pub fn eq<K>(self, value: impl Comparand<M, T, C, K>) -> Q<M> {
        match value.into_operand() {
            Rhs::Value(value) if value.is_null() => Q::new(Expr::IsNull {
                column: self.col_ref(),
                negated: false,
            }),
            rhs => self.compare(CompareOp::Eq, rhs),
        }
    }

    /// The negation of [`eq`](Field::eq): rows where the field differs,
    /// including rows where it is `NULL` (as Django's `exclude`).
    pub fn ne<K>(self, value: impl Comparand<M, T, C, K>) -> Q<M> {
        !self.eq(value)
    }

    /// `field > value` (a value, or a field or expression of the same type).
    pub fn gt<K>(self, value: impl Comparand<M, T, C, K>) -> Q<M> {
        self.compare(CompareOp::Gt, value.into_operand())
    }

    /// `field >= value`.
    pub fn gte<K>(self, value: impl Comparand<M, T, C, K>) -> Q<M> {
        self.compare(CompareOp::Gte, value.into_operand())
    }

    /// `field < value`.
    pub fn lt<K>(self, value: impl Comparand<M, T, C, K>) -> Q<M> {
        self.compare(CompareOp::Lt, value.into_operand())
    }

    /// `field <= value`.
    pub fn lte<K>(self, value: impl Comparand<M, T, C, K>) -> Q<M> {
        self.compare(CompareOp::Lte, value.into_operand())
    }

    /// `field IN (...)`. An empty list matches no row; `None`s in the list
    /// are dropped, since `NULL` equals nothing (as in Django). On
    /// PostgreSQL a list of one kind of value is sent as one array
    /// parameter, `field = ANY($1)`, so its length is unlimited and its
    /// SQL the same for every length. Elsewhere each value is a parameter
    /// of its own up to [`MAX_PLACEHOLDER_LIST`](crate::query::MAX_PLACEHOLDER_LIST)
    /// values; a longer list of integers, strings or UUIDs is one JSON
    /// array parameter (unlimited too), and a longer list of another kind
    /// past the bind limit is an [`Error::InvalidQuery`](crate::Error::InvalidQuery).
    ///
    /// `values` may also be a one-column values-queryset whose column has
    /// type `T`: `field IN (SELECT ...)`, its `NULL`s dropped likewise
    /// (see [`subquery`](crate::query::subquery)).
    pub fn is_in<K>(self, values: impl InValues<T, K>) -> Q<M> {
        Q::new(match values.into_in() {
            InArg::List(values) => Expr::In {
                column: self.col_ref(),
                values: InList::new(values),
            },
            InArg::Query(query) => Expr::InSubquery {
                column: self.col_ref(),
                query: query.0,
            },
        })
    }

    /// `field BETWEEN low AND high`, both ends included.
    pub fn between(self, low: impl IntoBind<T>, high: impl IntoBind<T>) -> Q<M> {
        Q::new(Expr::Between {
            column: self.col_ref(),
            low: low.into_bind(),
            high: high.into_bind(),
        })
    }
}

impl<M, T: FieldType, C> Field<M, T, C> {
    /// Sets the field to `value` in [`QuerySet::update`](super::QuerySet::update):
    /// a value, or an expression on the model's own fields computed by
    /// the database in the same statement (`Post::views().set(Post::views() + 1)`).
    /// Only the model's own fields can be set: through a relation, `set`
    /// does not compile.
    pub fn set<K>(self, value: impl Settable<M, T, K>) -> Assignment<M>
    where
        C: OwnField,
    {
        let joined = !self.path.is_empty();
        match value.into_operand() {
            Rhs::Value(value) => Assignment::new(self.column, value, joined),
            Rhs::Expr(node) => Assignment::expr(self.column, node.0, joined),
        }
    }
}

impl<M, T: FieldType, C> Field<M, Option<T>, C> {
    /// `field IS NULL` (`true`) or `field IS NOT NULL` (`false`).
    pub fn is_null(self, is_null: bool) -> Q<M> {
        Q::new(Expr::IsNull {
            column: self.col_ref(),
            negated: !is_null,
        })
    }
}

// The `TextField` bound sits on each method rather than on the impl: a
// method-level bound that fails is reported with `TextField`'s own message
// ("string lookups need a text field"), while an impl-level one only says
// that the method's trait bounds were not satisfied.
impl<M, T, C> Field<M, T, C> {
    /// Contains `text`, case-sensitively, on every database. `%` and `_`
    /// in `text` match themselves.
    pub fn contains(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::Contains, false, text)
    }

    /// Contains `text`, ignoring case. Case folding beyond ASCII follows
    /// the database (SQLite folds ASCII only).
    pub fn icontains(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::Contains, true, text)
    }

    /// Starts with `text`, case-sensitively.
    pub fn startswith(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::StartsWith, false, text)
    }

    /// Starts with `text`, ignoring case.
    pub fn istartswith(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::StartsWith, true, text)
    }

    /// Ends with `text`, case-sensitively.
    pub fn endswith(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::EndsWith, false, text)
    }

    /// Ends with `text`, ignoring case.
    pub fn iendswith(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::EndsWith, true, text)
    }

    /// Equals `text`, ignoring case.
    pub fn iexact(self, text: &str) -> Q<M>
    where
        T: TextField,
    {
        self.text(TextLookup::Exact, true, text)
    }
}
