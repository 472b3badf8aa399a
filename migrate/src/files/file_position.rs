//! Where in a migration file a problem is, for [`Error::Parse`]: the line
//! of an unknown key, and the line and byte of invalid UTF-8.
//!
//! `toml` reports an unknown key of an operation at the start of the
//! `operations` array: an operation is an internally tagged enum (`op =
//! "add_field"`), which serde reads into a buffer that keeps no positions.
//! So the loader asks again: which operation fails on its own (its span),
//! and where in it the key is written.
//!
//! [`Error::Parse`]: crate::Error::Parse

use crate::operations::Operation;
use serde::Deserialize;
use std::ops::Range;

/// The byte offset of the unknown key that `message` (`unknown field
/// `colour`, expected ...`) names, or `None` when `message` is about
/// something else or the key cannot be found; `reported` is where `toml`
/// put the error.
pub(crate) fn unknown_key_offset(
    text: &str,
    message: &str,
    reported: Option<usize>,
) -> Option<usize> {
    let key = message.strip_prefix("unknown field `")?.split('`').next()?;
    // Where `toml` kept the position (outside the operations), it points
    // at the key itself.
    let at_key = |at: &usize| text.get(*at..).and_then(|rest| find_key(rest, key)) == Some(0);
    if let Some(at) = reported.filter(at_key) {
        return Some(at);
    }
    let region = failing_operation(text).unwrap_or(0..text.len());
    find_key(&text[region.clone()], key).map(|offset| region.start + offset)
}

/// The text of the first operation that does not read on its own: from
/// where it starts to where the next one starts (`toml` spans an
/// `[[operations]]` table by its header alone).
fn failing_operation(text: &str) -> Option<Range<usize>> {
    #[derive(Deserialize)]
    struct Operations {
        #[serde(default)]
        operations: Vec<toml::Spanned<toml::Value>>,
    }
    let file: Operations = toml::from_str(text).ok()?;
    let starts: Vec<usize> = file.operations.iter().map(|op| op.span().start).collect();
    let failing = file
        .operations
        .into_iter()
        .position(|op| op.into_inner().try_into::<Operation>().is_err())?;
    let end = starts
        .iter()
        .copied()
        .find(|start| *start > starts[failing])
        .unwrap_or(text.len());
    Some(starts[failing]..end)
}

/// The offset in `text` of the first place `key` is written as a key
/// (bare or quoted, at the start of a line or after `{` or `,`, followed
/// by `=`), outside strings and comments.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether a key may start here: only blanks since the line start,
    // `{` or `,`.
    let mut key_position = true;
    while i < bytes.len() {
        let rest = &text[i..];
        if key_position {
            let written = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
            for form in &written {
                if let Some(after) = rest.strip_prefix(form.as_str()) {
                    if after.trim_start_matches([' ', '\t']).starts_with('=') {
                        return Some(i);
                    }
                }
            }
        }
        let skip = match bytes[i] {
            b'#' => rest.find('\n').unwrap_or(rest.len()),
            b'"' | b'\'' => string_length(rest),
            _ => rest.chars().next().map_or(1, char::len_utf8),
        };
        key_position = match bytes[i] {
            b'\n' | b'{' | b',' => true,
            b' ' | b'\t' | b'\r' => key_position,
            _ => false,
        };
        i += skip.max(1);
    }
    None
}

/// The length of the TOML string `text` starts with (basic, literal or
/// multi-line), or of the rest of `text` if it does not end.
fn string_length(text: &str) -> usize {
    let quote = &text[..1];
    let multi = text.starts_with(&quote.repeat(3));
    let delimiter = if multi {
        quote.repeat(3)
    } else {
        quote.to_string()
    };
    let body = &text[delimiter.len()..];
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        if c == '\\' && quote == "\"" {
            chars.next();
        } else if body[at..].starts_with(&delimiter) {
            return delimiter.len() + at + delimiter.len();
        } else if c == '\n' && !multi {
            return delimiter.len() + at;
        }
    }
    text.len()
}

/// The 1-based line of byte `offset` of `bytes`.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_outside_strings_and_comments() {
        let text = "a = \"colour = 1\" # colour = 2\n  b = { x = 'colour', colour = 3 }\n";
        let at = find_key(text, "colour").unwrap();
        assert_eq!(&text[at..at + 10], "colour = 3");
        assert_eq!(find_key("x = \"\"\"\ncolour = 1\n\"\"\"\n", "colour"), None);
        assert_eq!(find_key("\"colour\" = 1", "colour"), Some(0));
        assert_eq!(find_key("colours = 1", "colour"), None);
    }
}
