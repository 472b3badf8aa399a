//! [`LikeText`]: the operand of a string lookup (`contains`,
//! `startswith`, `endswith`, `iexact` and their `i`-variants), which
//! PostgreSQL and MySQL bind as its `LIKE` pattern and SQLite as the text
//! itself (compared byte for byte).
//!
//! The pattern is escaped once, when the condition is built, not each
//! time a statement binds it: a queryset rendered again through the
//! statement cache only clones it. Only the pattern is stored (the
//! condition stays as small as with a plain copy of the text): the text
//! is the pattern without the lookup's wildcards, unescaped. Every
//! [`LIKE_ESCAPE`] inside the pattern was put there by escaping, so that
//! is exact, and free of work when the text had nothing to escape.

use crate::dialect::{TextLookup, LIKE_ESCAPE};
use std::borrow::Cow;

/// The `LIKE` pattern of a string lookup: `%` where the lookup allows
/// anything, around the text with `%`, `_` and [`LIKE_ESCAPE`] escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LikeText(String);

/// Whether `lookup`'s pattern starts and ends with a `%`.
fn wildcards(lookup: TextLookup) -> (bool, bool) {
    (
        matches!(lookup, TextLookup::Contains | TextLookup::EndsWith),
        matches!(lookup, TextLookup::Contains | TextLookup::StartsWith),
    )
}

impl LikeText {
    /// The pattern of `lookup` on `text`.
    pub(crate) fn new(lookup: TextLookup, text: &str) -> LikeText {
        let (lead, trail) = wildcards(lookup);
        let mut pattern = String::with_capacity(text.len() + 2);
        if lead {
            pattern.push('%');
        }
        if text.contains(['%', '_', LIKE_ESCAPE]) {
            for ch in text.chars() {
                if ch == '%' || ch == '_' || ch == LIKE_ESCAPE {
                    pattern.push(LIKE_ESCAPE);
                }
                pattern.push(ch);
            }
        } else {
            pattern.push_str(text);
        }
        if trail {
            pattern.push('%');
        }
        LikeText(pattern)
    }

    /// The `LIKE` pattern, escaped with [`LIKE_ESCAPE`].
    #[inline]
    pub(crate) fn pattern(&self) -> &str {
        &self.0
    }

    /// The text as the caller gave it to `lookup` (the lookup this
    /// pattern was made for).
    pub(crate) fn text(&self, lookup: TextLookup) -> Cow<'_, str> {
        let (lead, trail) = wildcards(lookup);
        let core = &self.0[usize::from(lead)..self.0.len() - usize::from(trail)];
        if !core.contains(LIKE_ESCAPE) {
            return Cow::Borrowed(core);
        }
        let mut text = String::with_capacity(core.len());
        let mut escaped = false;
        for ch in core.chars() {
            if ch == LIKE_ESCAPE && !escaped {
                escaped = true;
                continue;
            }
            escaped = false;
            text.push(ch);
        }
        Cow::Owned(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_with_wildcards_and_the_escape_is_escaped_exactly_once() {
        let like = LikeText::new(TextLookup::Contains, "50%_a!b\\!!");
        assert_eq!(like.pattern(), "%50!%!_a!!b\\!!!!%");
        assert_eq!(like.text(TextLookup::Contains), "50%_a!b\\!!");
        // Cloning (as a cached statement binding it does) escapes nothing again.
        assert_eq!(like.clone().pattern(), like.pattern());
    }

    #[test]
    fn each_lookup_puts_its_wildcards_around_the_plain_text() {
        for (lookup, pattern) in [
            (TextLookup::Contains, "%ea%"),
            (TextLookup::StartsWith, "ea%"),
            (TextLookup::EndsWith, "%ea"),
            (TextLookup::Exact, "ea"),
        ] {
            let like = LikeText::new(lookup, "ea");
            assert_eq!(like.pattern(), pattern);
            assert!(matches!(like.text(lookup), Cow::Borrowed("ea")));
        }
        let like = LikeText::new(TextLookup::StartsWith, "%");
        assert_eq!(
            (like.pattern(), &*like.text(TextLookup::StartsWith)),
            ("!%%", "%")
        );
    }

    #[test]
    fn multibyte_and_empty_texts_round_trip() {
        let like = LikeText::new(TextLookup::EndsWith, "😀é_");
        assert_eq!(like.pattern(), "%😀é!_");
        assert_eq!(like.text(TextLookup::EndsWith), "😀é_");
        let empty = LikeText::new(TextLookup::Contains, "");
        assert_eq!(
            (empty.pattern(), &*empty.text(TextLookup::Contains)),
            ("%%", "")
        );
    }
}
