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
            b'"' | b'\'' => string_length(rest.as_bytes()),
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
/// multi-line), or of the rest of `text` if it does not end. Scans for
/// the bytes that can end the string (its quote, a newline, a backslash
/// in a basic string), which are ASCII, so the length always ends on a
/// character boundary.
fn string_length(text: &[u8]) -> usize {
    let quote = text[0];
    let multi = text.len() >= 3 && text[1] == quote && text[2] == quote;
    let mut i = if multi { 3 } else { 1 };
    loop {
        let rest = &text[i..];
        let found = if quote == b'"' {
            memchr::memchr3(quote, b'\\', b'\n', rest)
        } else {
            memchr::memchr2(quote, b'\n', rest)
        };
        let Some(at) = found else {
            return text.len();
        };
        let at = i + at;
        match text[at] {
            b'\\' => i = at + 2,
            b'\n' if !multi => return at,
            b'\n' => i = at + 1,
            _ if !multi => return at + 1,
            _ if text[at..].starts_with(&[quote; 3]) => return at + 3,
            _ => i = at + 1,
        }
        if i >= text.len() {
            return text.len();
        }
    }
}

/// The offsets of the table headers (`[...]` and `[[...]]` opening a
/// line) of a TOML text, outside strings and comments.
fn table_headers(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut headers = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if line_start && bytes[i] == b'[' {
            headers.push(i);
        }
        // Every byte that matters here is ASCII, so a non-ASCII character
        // is stepped over a byte at a time.
        let skip = match bytes[i] {
            b'#' => memchr::memchr(b'\n', rest).unwrap_or(rest.len()),
            b'"' | b'\'' => string_length(rest),
            _ => 1,
        };
        line_start = match bytes[i] {
            b'\n' => true,
            b' ' | b'\t' | b'\r' => line_start,
            _ => false,
        };
        i += skip.max(1);
    }
    headers
}

/// The name of the table a header at the start of `header` opens, and
/// whether it is an array-of-tables header (`[[...]]`).
fn header_name(header: &str) -> (&str, bool) {
    let array = header.starts_with("[[");
    let inner = header.trim_start_matches('[');
    let name = inner.split(']').next().unwrap_or("");
    (name.trim(), array)
}

/// A migration file cut where its parts begin: the offset of each
/// `[[operations]]` element, and where the `[sql.*]` tables begin when
/// they are the file's last tables (as the writer puts them). `None` when
/// the file is laid out otherwise (then it is read whole).
pub(crate) struct FileParts {
    pub operations: Vec<usize>,
    pub sql: Option<usize>,
}

/// The [`FileParts`] of `text`.
pub(crate) fn file_parts(text: &str) -> Option<FileParts> {
    let mut operations = Vec::new();
    let mut sql = None;
    for at in table_headers(text) {
        let (name, array) = header_name(&text[at..]);
        let is_sql =
            !array && (name == "sql" || name.starts_with("sql.") || name.starts_with("sql "));
        if is_sql {
            sql.get_or_insert(at);
        } else if sql.is_some() {
            return None;
        } else if array && name == "operations" {
            operations.push(at);
        } else if !(name.starts_with("operations.") || name.starts_with("operations ")) {
            return None;
        }
    }
    Some(FileParts { operations, sql })
}

/// Where the `[sql.<dialect>]` tables of a migration file begin, when
/// they are the file's last tables.
#[cfg(test)]
fn sql_sections_start(text: &str) -> Option<usize> {
    file_parts(text).and_then(|parts| parts.sql)
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
    use super::sql_sections_start;

    #[test]
    fn the_sql_sections_are_found_only_outside_strings_and_at_the_end() {
        let text = "dependencies = []\n\n[[operations]]\nop = \"run_sql\"\nforward = \"\"\"\n[sql.postgres]\n\"\"\"\n\n[sql.postgres]\nforward = []\n\n[sql.mysql]\nforward = []\n";
        let at = sql_sections_start(text).unwrap();
        assert!(text[at..].starts_with("[sql.postgres]\nforward = []"));
        assert!(!text[..at].contains("forward = []"));
        // Another table after them: the whole file must be read.
        let later = format!("{text}\n[[operations]]\nop = \"x\"\n");
        assert_eq!(sql_sections_start(&later), None);
        assert_eq!(sql_sections_start("dependencies = []\n"), None);
        assert_eq!(sql_sections_start("[sqlx]\n"), None);
        assert_eq!(sql_sections_start("# [sql.postgres]\n"), None);
    }

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

    #[test]
    fn a_string_ends_at_its_closing_quote_whatever_it_holds() {
        let len = |text: &str| string_length(text.as_bytes());
        assert_eq!(len(r#""" = 1"#), 2);
        assert_eq!(len(r#""a \" b" x"#), 8);
        assert_eq!(len(r#""a \\" x"#), 6);
        assert_eq!(len(r"'a \' x"), 5);
        assert_eq!(len("\"é ü\" x"), "\"é ü\"".len());
        assert_eq!(len("\"\"\"a \"\" \n ' b\"\"\" x"), 16);
        assert_eq!(len("'''a '' \n b''' x"), 14);
        // Unterminated: to the end of the line, or of a multi-line text.
        assert_eq!(len("\"abc\nd = 1"), 4);
        assert_eq!(len("\"\"\"abc\nd = 1"), 12);
        assert_eq!(len("\"abc\\"), 5);
        assert_eq!(len("\""), 1);
    }

    #[test]
    fn table_headers_are_found_past_non_ascii_text() {
        let text = "# ünïcode [x]\na = \"ß [y]\"\n[[operations]]\nb = 'ø'\n[sql.sqlite]\n";
        let found: Vec<&str> = table_headers(text)
            .into_iter()
            .map(|at| text[at..].lines().next().unwrap())
            .collect();
        assert_eq!(found, ["[[operations]]", "[sql.sqlite]"]);
    }
}
