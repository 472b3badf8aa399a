//! [`Paginator`]: a queryset cut into numbered pages of a fixed size, as
//! a web page lists results, with the total count and page count a page
//! navigation needs.
//!
//! Pages are `LIMIT` / `OFFSET` slices of the queryset in its ordering,
//! made total by appending the primary key (ascending) unless a term
//! already orders by it; an unordered queryset (and a model without a
//! default ordering) is paginated in primary key order. Unlike Django,
//! which warns about an unordered paginated queryset, strata always
//! orders: without a total order a database may return a row on two
//! pages and another on none.
//!
//! A deep page costs as much as skipping all the rows before it; to walk a
//! large table, use keyset pagination ([`QuerySet::after`]) instead.

use crate::db::Executor;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::QuerySet;

/// Cuts a queryset into pages of `per_page` rows.
///
/// ```
/// # use strata::prelude::*;
/// use strata::Paginator;
///
/// #[derive(Model, Debug)]
/// struct Item {
///     id: i64,
///     #[strata(max_length = 20)]
///     name: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> strata::Result<()> {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_tables(&[Item::META]).await?;
/// for name in ["a", "b", "c", "d", "e"] {
///     Item { id: 0, name: name.into() }.insert(&db).await?;
/// }
/// let pages = Paginator::new(Item::objects().order_by(Item::name().desc()), 2)?;
/// let page = pages.page(&db, 3).await?;
/// assert_eq!(page.num_pages(), 3);
/// assert_eq!(page.total(), 5);
/// assert_eq!(page.items()[0].name, "a");   // the last page is partial
/// assert!(page.has_previous() && !page.has_next());
/// assert!(matches!(pages.page(&db, 4).await, Err(strata::Error::PageOutOfRange { .. })));
/// # Ok(()) }
/// ```
pub struct Paginator<M: Model> {
    queryset: QuerySet<M>,
    per_page: u64,
}

impl<M: Model> Clone for Paginator<M> {
    fn clone(&self) -> Self {
        Paginator {
            queryset: self.queryset.clone(),
            per_page: self.per_page,
        }
    }
}

impl<M: Model> std::fmt::Debug for Paginator<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("queryset", &self.queryset)
            .field("per_page", &self.per_page)
            .finish()
    }
}

impl<M: Model> Paginator<M> {
    /// Pages of `per_page` rows of `queryset`. [`Error::InvalidQuery`] if
    /// `per_page` is 0 or the queryset is already sliced (`limit` /
    /// `offset`: the paginator does the slicing).
    pub fn new(queryset: QuerySet<M>, per_page: u64) -> Result<Self> {
        let refuse = |reason: &str| Error::InvalidQuery {
            model: M::META.name,
            reason: reason.into(),
        };
        if per_page == 0 {
            return Err(refuse("a Paginator needs at least one row per page"));
        }
        if queryset.has_slice() {
            return Err(refuse(
                "a Paginator slices the queryset itself; remove its limit() / offset()",
            ));
        }
        Ok(Paginator {
            queryset: queryset.totally_ordered(),
            per_page,
        })
    }

    /// Rows per page.
    pub fn per_page(&self) -> u64 {
        self.per_page
    }

    /// The number of rows of the queryset (one `COUNT` query).
    pub async fn count(&self, ex: impl Executor) -> Result<u64> {
        self.queryset.count(ex).await
    }

    /// The number of pages (one `COUNT` query): at least 1, an empty
    /// result having one empty page.
    pub async fn num_pages(&self, ex: impl Executor) -> Result<u64> {
        Ok(page_count(self.count(ex).await?, self.per_page))
    }

    /// The `COUNT` query [`count`](Paginator::count) and
    /// [`page`](Paginator::page) run.
    pub fn count_sql(&self, dialect: crate::Dialect) -> crate::Statement {
        self.queryset.count_sql(dialect)
    }

    /// Page `number`, counted from 1: a `COUNT` query, then the page's
    /// rows. [`Error::PageOutOfRange`] for page 0 or a page past the last;
    /// page 1 always exists. Both queries run on `ex`: in a transaction
    /// they see the same rows (at PostgreSQL's default isolation, only
    /// if nothing commits in between).
    pub async fn page(&self, mut ex: impl Executor, number: u64) -> Result<Page<M>> {
        let total = self.queryset.count(&mut ex).await?;
        let num_pages = page_count(total, self.per_page);
        if number == 0 || number > num_pages {
            return Err(Error::PageOutOfRange {
                model: M::META.name,
                page: number,
                num_pages,
            });
        }
        let items = self.page_queryset(number).all(&mut ex).await?;
        Ok(Page {
            items,
            number,
            per_page: self.per_page,
            total,
        })
    }

    /// The queryset of page `number` (from 1), without checking that the
    /// page exists: what [`page`](Paginator::page) runs, for its SQL.
    pub fn page_queryset(&self, number: u64) -> QuerySet<M> {
        let skip = number.saturating_sub(1).saturating_mul(self.per_page);
        let qs = self.queryset.clone().limit(self.per_page);
        if skip == 0 {
            qs
        } else {
            qs.offset(skip)
        }
    }
}

/// How many pages `total` rows make: at least one.
fn page_count(total: u64, per_page: u64) -> u64 {
    total.div_ceil(per_page).max(1)
}

/// One page of a [`Paginator`].
#[derive(Debug, Clone)]
pub struct Page<M> {
    items: Vec<M>,
    number: u64,
    per_page: u64,
    total: u64,
}

impl<M> Page<M> {
    /// The page's rows.
    pub fn items(&self) -> &[M] {
        &self.items
    }

    /// The page's rows, owned.
    pub fn into_items(self) -> Vec<M> {
        self.items
    }

    /// The page's number, from 1.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// How many rows the queryset had when the page was read.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many pages there were (at least 1).
    pub fn num_pages(&self) -> u64 {
        page_count(self.total, self.per_page)
    }

    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.number < self.num_pages()
    }

    /// Whether a page precedes this one.
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    /// The next page's number, if there is one.
    pub fn next_page_number(&self) -> Option<u64> {
        self.has_next().then(|| self.number + 1)
    }

    /// The previous page's number, if there is one.
    pub fn previous_page_number(&self) -> Option<u64> {
        self.has_previous().then(|| self.number - 1)
    }

    /// The 1-based position of the page's first row in the whole result
    /// (0 for the empty page of an empty result), as in "showing 21–30
    /// of 95".
    pub fn start_index(&self) -> u64 {
        if self.items.is_empty() {
            0
        } else {
            (self.number - 1) * self.per_page + 1
        }
    }

    /// The 1-based position of the page's last row (0 when empty).
    pub fn end_index(&self) -> u64 {
        if self.items.is_empty() {
            0
        } else {
            self.start_index() + self.items.len() as u64 - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::page_count;

    #[test]
    fn an_empty_result_has_one_page_and_a_partial_page_counts() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_count(u64::MAX, 1), u64::MAX);
    }
}
