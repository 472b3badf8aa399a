//! Reading the plain subset of TOML that migration files are written in.
//!
//! Supported: comments, `[table]` and `[[array of tables]]` headers and
//! `key = value` lines with bare keys (no dotted or quoted keys), strings
//! of the four kinds, decimal integers, finite decimal floats, booleans and
//! arrays of those (over several lines, with comments). Anything else
//! (inline tables, dates, `inf`, a byte order mark, ...), and anything the
//! TOML 1.0 rules forbid (a key defined twice, a table defined twice,
//! control characters, ...) makes [`from_str`] give up, so that the caller
//! hands the text to `toml`, which then reads it or reports the error.
//!
//! The parsed [`Value`] feeds serde the same data model `toml` does:
//! integers as `i64`, floats as `f64`, tables as maps in file order, and a
//! present value as `Some`.

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// `T` read from `text`, or `None` when `text` is outside the supported
/// subset or does not deserialize (the caller then uses `toml`). Keys and
/// strings without escapes are handed to serde borrowed from `text`.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let root = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    }
    .document()?;
    T::deserialize(Value::Table(root)).ok()
}

/// A parsed value.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An array written as a value (`key = [...]`).
    Array(Vec<Value<'a>>),
    Table(Table<'a>),
    /// The tables of `[[key]]` headers.
    ArrayOfTables(Vec<Table<'a>>),
}

/// A table's entries, in the order they first appear.
#[derive(Debug, PartialEq)]
struct Table<'a> {
    entries: Vec<(&'a str, Value<'a>)>,
    /// Defined by a header of its own, rather than only created as the
    /// parent of one (`[a.b]` creates `a`, which `[a]` may still define).
    defined: bool,
}

impl<'a> Table<'a> {
    fn new(defined: bool) -> Table<'a> {
        Table {
            entries: Vec::new(),
            defined,
        }
    }

    /// Adds `key = value`; `None` if `key` is already there.
    fn insert(&mut self, key: &'a str, value: Value<'a>) -> Option<()> {
        if self.entries.iter().any(|(k, _)| *k == key) {
            return None;
        }
        self.entries.push((key, value));
        Some(())
    }

    /// The value of `key`, added by `missing` first if there is none.
    fn entry(&mut self, key: &'a str, missing: impl FnOnce() -> Value<'a>) -> &mut Value<'a> {
        let index = match self.entries.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                self.entries.push((key, missing()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[index].1
    }

    /// The table a header's leading keys lead to: `[a.b.c]` goes through
    /// `a` and `b` (created if missing, the last element of an array of
    /// tables).
    fn descend(&mut self, keys: &[&'a str]) -> Option<&mut Table<'a>> {
        let Some((first, rest)) = keys.split_first() else {
            return Some(self);
        };
        let table = match self.entry(first, || Value::Table(Table::new(false))) {
            Value::Table(t) => t,
            Value::ArrayOfTables(tables) => tables.last_mut()?,
            _ => return None,
        };
        table.descend(rest)
    }

    /// The table of the header `[keys]`.
    fn define_table(&mut self, keys: &[&'a str]) -> Option<&mut Table<'a>> {
        let (last, parents) = keys.split_last()?;
        let parent = self.descend(parents)?;
        match parent.entry(last, || Value::Table(Table::new(false))) {
            Value::Table(t) if !t.defined => {
                t.defined = true;
                Some(t)
            }
            _ => None,
        }
    }

    /// A new table appended to the array of the header `[[keys]]`.
    fn push_table(&mut self, keys: &[&'a str]) -> Option<&mut Table<'a>> {
        let (last, parents) = keys.split_last()?;
        let parent = self.descend(parents)?;
        match parent.entry(last, || Value::ArrayOfTables(Vec::new())) {
            Value::ArrayOfTables(tables) => {
                tables.push(Table::new(true));
                tables.last_mut()
            }
            _ => None,
        }
    }
}

/// A cursor over the text. Every method returns `None` when the text
/// leaves the supported subset.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// Whether `b` may appear in a comment or a single-line string (TOML
/// forbids control characters other than tab).
fn is_text_byte(b: u8) -> bool {
    (b >= 0x20 && b != 0x7f) || b == b'\t'
}

fn is_bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn starts_with(&self, prefix: &str) -> bool {
        self.bytes[self.pos..].starts_with(prefix.as_bytes())
    }

    fn expect(&mut self, prefix: &str) -> Option<()> {
        self.starts_with(prefix).then(|| self.pos += prefix.len())
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// A comment from its `#` to the end of the line (not included).
    fn comment(&mut self) -> Option<()> {
        self.pos += 1;
        while let Some(b) = self.peek() {
            if b == b'\n' || (b == b'\r' && self.bytes.get(self.pos + 1) == Some(&b'\n')) {
                break;
            }
            if !is_text_byte(b) {
                return None;
            }
            self.pos += 1;
        }
        Some(())
    }

    /// A line break, or the end of the text.
    fn newline(&mut self) -> Option<()> {
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(b'\r') => self.expect("\r\n"),
            _ => None,
        }
    }

    /// Spaces and an optional comment, then the end of the line.
    fn line_end(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        self.newline()
    }

    /// Spaces, line breaks and comments (inside an array).
    fn skip_blank(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'\r') => self.expect("\r\n")?,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    fn document(mut self) -> Option<Table<'a>> {
        if self.text.starts_with('\u{feff}') {
            return None;
        }
        let mut root = Table::new(true);
        let mut current: &mut Table<'a> = &mut root;
        loop {
            self.skip_spaces();
            match self.peek() {
                None => break,
                Some(b'\n' | b'\r') => self.newline()?,
                Some(b'#') => self.line_end()?,
                Some(b'[') => {
                    let in_array = self.starts_with("[[");
                    self.pos += if in_array { 2 } else { 1 };
                    let keys = self.key_path()?;
                    self.expect(if in_array { "]]" } else { "]" })?;
                    self.line_end()?;
                    current = if in_array {
                        root.push_table(&keys)?
                    } else {
                        root.define_table(&keys)?
                    };
                }
                Some(_) => {
                    let key = self.bare_key()?;
                    self.skip_spaces();
                    self.expect("=")?;
                    self.skip_spaces();
                    let value = self.value()?;
                    current.insert(key, value)?;
                    self.line_end()?;
                }
            }
        }
        Some(root)
    }

    fn bare_key(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(is_bare_key_byte) {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.text[start..self.pos])
    }

    /// `a.b.c` in a header.
    fn key_path(&mut self) -> Option<Vec<&'a str>> {
        let mut keys = vec![self.bare_key()?];
        while self.peek() == Some(b'.') {
            self.pos += 1;
            keys.push(self.bare_key()?);
        }
        Some(keys)
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' if self.starts_with("\"\"\"") => self.multiline_basic().map(Value::Str),
            b'"' => self.basic().map(Value::Str),
            b'\'' if self.starts_with("'''") => self.multiline_literal().map(Value::Str),
            b'\'' => self.literal().map(Value::Str),
            b'[' => self.array(),
            _ => self.scalar_token(),
        }
    }

    fn array(&mut self) -> Option<Value<'a>> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.peek() == Some(b']') {
                self.pos += 1;
                break;
            }
            items.push(self.value()?);
            self.skip_blank()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    break;
                }
                _ => return None,
            }
        }
        Some(Value::Array(items))
    }

    /// A boolean or a number, up to the next separator.
    fn scalar_token(&mut self) -> Option<Value<'a>> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'#'))
        {
            self.pos += 1;
        }
        let token = &self.text[start..self.pos];
        match token {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => parse_number(token),
        }
    }

    /// `"..."`.
    fn basic(&mut self) -> Option<Cow<'a, str>> {
        self.pos += 1;
        let start = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.pos += 1;
                    return Some(Cow::Borrowed(&self.text[start..self.pos - 1]));
                }
                b'\\' => break,
                b if is_text_byte(b) => self.pos += 1,
                _ => return None,
            }
        }
        let mut out = self.text[start..self.pos].to_string();
        loop {
            let run = self.pos;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && is_text_byte(b))
            {
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => out.push(self.escape()?),
                _ => return None,
            }
        }
    }

    /// The character of the escape at `\`.
    fn escape(&mut self) -> Option<char> {
        self.pos += 1;
        let c = match self.peek()? {
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'"' => '"',
            b'\\' => '\\',
            b'u' => return self.unicode_escape(4),
            b'U' => return self.unicode_escape(8),
            _ => return None,
        };
        self.pos += 1;
        Some(c)
    }

    /// `\uXXXX` or `\UXXXXXXXX`, at the `u`.
    fn unicode_escape(&mut self, digits: usize) -> Option<char> {
        let hex = self.text.get(self.pos + 1..self.pos + 1 + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 1 + digits;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// `'...'`.
    fn literal(&mut self) -> Option<Cow<'a, str>> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\'' => {
                    self.pos += 1;
                    return Some(Cow::Borrowed(&self.text[start..self.pos - 1]));
                }
                b if is_text_byte(b) => self.pos += 1,
                _ => return None,
            }
        }
    }

    /// After the opening delimiter of a multi-line string: a line break
    /// right after it is not part of the string. (Carriage returns are
    /// left to `toml`.)
    fn skip_first_newline(&mut self) {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
    }

    /// The number of `quote`s from the cursor on.
    fn quote_run(&self, quote: u8) -> usize {
        self.bytes[self.pos..]
            .iter()
            .take_while(|b| **b == quote)
            .count()
    }

    /// `"""..."""`.
    fn multiline_basic(&mut self) -> Option<Cow<'a, str>> {
        self.pos += 3;
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            let run = self.pos;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && (is_text_byte(b) || b == b'\n'))
            {
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.peek()? {
                b'"' => {
                    let quotes = self.quote_run(b'"');
                    self.pos += quotes;
                    if quotes >= 3 {
                        // Up to two quotes may end the content.
                        if quotes > 5 {
                            return None;
                        }
                        out.extend(std::iter::repeat('"').take(quotes - 3));
                        return Some(Cow::Owned(out));
                    }
                    out.extend(std::iter::repeat('"').take(quotes));
                }
                b'\\' if self.line_ending_backslash() => {}
                b'\\' => out.push(self.escape()?),
                _ => return None,
            }
        }
    }

    /// At a `\` in a multi-line basic string: when only spaces follow it on
    /// its line, skips it and all whitespace up to the next other
    /// character.
    fn line_ending_backslash(&mut self) -> bool {
        let mut end = self.pos + 1;
        while matches!(self.bytes.get(end), Some(b' ' | b'\t')) {
            end += 1;
        }
        if self.bytes.get(end) != Some(&b'\n') {
            return false;
        }
        while matches!(self.bytes.get(end), Some(b' ' | b'\t' | b'\n')) {
            end += 1;
        }
        self.pos = end;
        true
    }

    /// `'''...'''`.
    fn multiline_literal(&mut self) -> Option<Cow<'a, str>> {
        self.pos += 3;
        self.skip_first_newline();
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\'' => {
                    let quotes = self.quote_run(b'\'');
                    if quotes >= 3 {
                        if quotes > 5 {
                            return None;
                        }
                        let end = self.pos + quotes - 3;
                        self.pos += quotes;
                        return Some(Cow::Borrowed(&self.text[start..end]));
                    }
                    self.pos += quotes;
                }
                b if is_text_byte(b) || b == b'\n' => self.pos += 1,
                _ => return None,
            }
        }
    }
}

/// A decimal integer (`-12`) or a finite float (`1.5`, `-2e10`), as TOML
/// spells them without underscores.
fn parse_number(token: &str) -> Option<Value<'static>> {
    let unsigned = token.strip_prefix(['+', '-']).unwrap_or(token);
    let bytes = unsigned.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_len = digits(0);
    if int_len == 0 || (int_len > 1 && bytes[0] == b'0') {
        return None;
    }
    let mut end = int_len;
    let mut is_float = false;
    if bytes.get(end) == Some(&b'.') {
        let frac = digits(end + 1);
        if frac == 0 {
            return None;
        }
        end += 1 + frac;
        is_float = true;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        end += 1;
        if matches!(bytes.get(end), Some(b'+' | b'-')) {
            end += 1;
        }
        let exp = digits(end);
        if exp == 0 {
            return None;
        }
        end += exp;
        is_float = true;
    }
    if end != bytes.len() {
        return None;
    }
    if is_float {
        token
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::Float)
    } else {
        token.parse::<i64>().ok().map(Value::Int)
    }
}

/// Why deserializing gave up (the caller then asks `toml`, which says why).
#[derive(Debug)]
struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid migration file")
    }
}

impl std::error::Error for Invalid {}

impl de::Error for Invalid {
    fn custom<T: fmt::Display>(_msg: T) -> Invalid {
        Invalid
    }
}

impl<'de> de::Deserializer<'de> for Value<'de> {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match self {
            Value::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Value::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Value::Int(i) => visitor.visit_i64(i),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Array(items) => visitor.visit_seq(SeqAccess(items.into_iter())),
            Value::ArrayOfTables(tables) => visitor.visit_seq(SeqAccess(
                tables
                    .into_iter()
                    .map(Value::Table)
                    .collect::<Vec<_>>()
                    .into_iter(),
            )),
            Value::Table(table) => visitor.visit_map(MapAccess {
                entries: table.entries.into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        match self {
            Value::Str(s) => visitor.visit_enum(s.into_owned().into_deserializer()),
            _ => Err(Invalid),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Invalid> {
        Err(Invalid)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, Invalid> {
        Err(Invalid)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf seq tuple tuple_struct map struct identifier
    }
}

/// The elements of an array.
struct SeqAccess<'a>(std::vec::IntoIter<Value<'a>>);

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = Invalid;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Invalid> {
        self.0.next().map(|v| seed.deserialize(v)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a table.
struct MapAccess<'a> {
    entries: std::vec::IntoIter<(&'a str, Value<'a>)>,
    value: Option<Value<'a>>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = Invalid;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Invalid> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Invalid> {
        seed.deserialize(self.value.take().ok_or(Invalid)?)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
