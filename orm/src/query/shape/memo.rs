//! [`Memo`]: the statement a queryset value rendered, kept by the value.

use super::{checked_hit, checked_statement, Checks, ShapeKey, StatementKind};
use crate::dialect::Dialect;
use crate::value::Value;
use crate::writer::{SqlText, Statement};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;

/// A statement's text kept by the value that renders it (a queryset, an
/// annotated queryset or a values-queryset), so that rendering the same
/// value again skips its shape key, the cache lookup and the checks: only
/// the values are collected (and the values a call passes checked, see
/// [`memoized_with_args`]). A clone keeps it (the same shape); every
/// change of the value forgets it. Debug builds render every remembered
/// statement afresh and check that it is identical.
///
/// A value rendered once, as most are (built, run, dropped), only notes
/// that it was: the statement is kept from its second render on. The
/// memo is one word (querysets are moved by value through every builder
/// call, so its size is paid on each): null, [`RENDERED`], or a pointer
/// from [`Arc::into_raw`] that the memo owns one count of.
pub(crate) struct Memo(AtomicPtr<Remembered>);

/// What a [`Memo`] keeps: the text of one shape.
struct Remembered {
    dialect: Dialect,
    kind: StatementKind,
    /// The key words of the call's arguments (an `update()`'s
    /// assignments), for a statement whose shape is the value's and its
    /// arguments' (see [`memoized_with_args`]); empty otherwise.
    args: Box<[usize]>,
    sql: Arc<String>,
    binds: usize,
}

/// The memo of a value that rendered once and keeps nothing yet: an
/// address no allocation has (aligned, never dereferenced).
const RENDERED: *mut Remembered = std::ptr::dangling_mut();

/// Whether `p` is a kept statement (neither null nor [`RENDERED`]).
#[inline]
fn is_kept(p: *mut Remembered) -> bool {
    !p.is_null() && p != RENDERED
}

impl Default for Memo {
    fn default() -> Self {
        Memo(AtomicPtr::new(ptr::null_mut()))
    }
}

impl Clone for Memo {
    fn clone(&self) -> Self {
        let p = self.0.load(Ordering::Acquire);
        if is_kept(p) {
            // SAFETY: a kept pointer came from `Arc::into_raw` and this
            // memo owns a count of it until `forget` or drop, which take
            // `&mut self`; the clone owns the count added here.
            unsafe { Arc::increment_strong_count(p) };
        }
        Memo(AtomicPtr::new(p))
    }
}

impl Drop for Memo {
    fn drop(&mut self) {
        self.forget();
    }
}

impl Memo {
    /// Forgets the statement, for a value whose shape may change.
    #[inline]
    pub(crate) fn forget(&mut self) {
        let p = std::mem::replace(self.0.get_mut(), ptr::null_mut());
        if is_kept(p) {
            // SAFETY: the memo owned this count (see `Clone`), and no
            // reference to it outlives the `&self` it was lent through.
            drop(unsafe { Arc::from_raw(p) });
        }
    }

    /// The statement remembered for `kind` on `dialect`, if it is that one.
    #[inline]
    fn recalled(&self, dialect: Dialect, kind: StatementKind) -> Option<&Remembered> {
        let p = self.0.load(Ordering::Acquire);
        if !is_kept(p) {
            return None;
        }
        // SAFETY: kept pointers stay valid until `forget` or drop, which
        // need `&mut self`, so for as long as this borrow of `self`.
        let r = unsafe { &*p };
        (r.dialect == dialect && r.kind == kind).then_some(r)
    }

    /// Remembers `stmt` when the value rendered before (and when its text
    /// is the cache's: one the cache did not keep is not remembered
    /// either), unless another statement is already.
    fn keep(&self, dialect: Dialect, kind: StatementKind, stmt: &Statement) {
        self.keep_with(dialect, kind, &[], stmt);
    }

    /// [`keep`](Self::keep), for the call with the arguments `args` writes
    /// as its key words.
    fn keep_with(&self, dialect: Dialect, kind: StatementKind, args: &[usize], stmt: &Statement) {
        let p = self.0.load(Ordering::Relaxed);
        if p.is_null() {
            let _ = self.0.compare_exchange(
                ptr::null_mut(),
                RENDERED,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            return;
        }
        let SqlText::Shared(sql) = &stmt.sql else {
            return;
        };
        if p != RENDERED {
            return;
        }
        let kept = Arc::into_raw(Arc::new(Remembered {
            dialect,
            kind,
            args: args.into(),
            sql: Arc::clone(sql),
            binds: stmt.binds.len(),
        }))
        .cast_mut();
        if self
            .0
            .compare_exchange(RENDERED, kept, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            // Another thread kept one first.
            // SAFETY: `kept` came from `Arc::into_raw` just above and was
            // never shared.
            drop(unsafe { Arc::from_raw(kept) });
        }
    }
}

/// [`checked_statement`], remembered in `memo`: a value rendered again for
/// the same dialect takes its text from `memo` and collects its values
/// afresh. Its checks do not run again: they passed for these same values
/// when the memo kept the statement, and every change of the value
/// forgets it (debug builds run them all and assert that they pass).
pub(crate) fn memoized_statement<E>(
    memo: &Memo,
    dialect: Dialect,
    kind: StatementKind,
    encode: impl FnOnce(&mut ShapeKey<'_>),
    check: impl Fn(Checks) -> Result<(), E>,
    render: impl FnOnce() -> Statement,
    binds: impl FnOnce(&mut Vec<Value>),
) -> Result<Statement, E>
where
    E: std::fmt::Debug,
{
    if let Some(r) = memo.recalled(dialect, kind) {
        let sql = Arc::clone(&r.sql);
        return checked_hit(dialect, sql, r.binds, &check, None, render, binds);
    }
    let stmt = checked_statement(dialect, kind, encode, check, render, binds)?;
    memo.keep(dialect, kind, &stmt);
    Ok(stmt)
}

/// [`memoized_statement`], for a statement whose shape is the value's and
/// the call's arguments' (an `update()` of a queryset and its
/// assignments): `args` writes the arguments' part of the key, which the
/// memo keeps beside the text and compares on recall, and `encode` the
/// whole key, arguments included (for the cache, on a miss). As the
/// arguments are built per call, this is what makes running one queryset
/// value's update again cheap: its own part of the key is never written.
#[allow(clippy::too_many_arguments)]
pub(crate) fn memoized_with_args<E>(
    memo: &Memo,
    dialect: Dialect,
    kind: StatementKind,
    args: impl Fn(&mut ShapeKey<'_>),
    encode: impl FnOnce(&mut ShapeKey<'_>),
    check: impl Fn(Checks) -> Result<(), E>,
    render: impl FnOnce() -> Statement,
    binds: impl FnOnce(&mut Vec<Value>),
) -> Result<Statement, E>
where
    E: std::fmt::Debug,
{
    /// What the memo does for this call.
    enum Recall {
        /// It keeps this statement: its text and how many values it binds.
        Hit(Arc<String>, usize),
        /// It may keep this one, with these words (none for a value that
        /// has not rendered yet: it only notes that it did).
        Keep(Vec<usize>),
        /// It keeps another statement (or the words could not be written).
        Skip,
    }
    let recall = ARGS.with(|scratch| {
        let p = memo.0.load(Ordering::Acquire);
        if p.is_null() {
            return Recall::Keep(Vec::new());
        }
        let Ok(mut scratch) = scratch.try_borrow_mut() else {
            return Recall::Skip;
        };
        scratch.clear();
        // The first word, which `ShapeKey::header` may write to.
        scratch.push(kind as usize | (dialect as usize) << 4);
        args(&mut ShapeKey {
            words: &mut scratch,
            dialect,
        });
        if p == RENDERED {
            return Recall::Keep(scratch[1..].to_vec());
        }
        match memo.recalled(dialect, kind) {
            Some(r) if *r.args == scratch[1..] => Recall::Hit(Arc::clone(&r.sql), r.binds),
            _ => Recall::Skip,
        }
    });
    match recall {
        Recall::Hit(sql, count) => checked_hit(
            dialect,
            sql,
            count,
            &check,
            Some(Checks::Args),
            render,
            binds,
        ),
        Recall::Keep(words) => {
            let stmt = checked_statement(dialect, kind, encode, check, render, binds)?;
            memo.keep_with(dialect, kind, &words, &stmt);
            Ok(stmt)
        }
        Recall::Skip => checked_statement(dialect, kind, encode, check, render, binds),
    }
}

thread_local! {
    /// The key words of a call's arguments being compared with a memo.
    static ARGS: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}
