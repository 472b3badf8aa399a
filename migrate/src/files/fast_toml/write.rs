//! Serializing to the text `toml::to_string_pretty` (0.8) writes.
//!
//! `toml` first turns the value into one `toml_edit` value (structs and
//! maps become inline tables, sequences arrays, `None` fields vanish), then
//! makes every inline table outside an array a `[table]` and every
//! non-empty array of inline tables an `[[array of tables]]`, and prints
//! the document: each table's plain values first (`key = value`, in field
//! order), then its sub-tables depth first; arrays of two or more values
//! one value a line; a header for every table of an array, and for other
//! tables unless they hold only tables.
//!
//! This writer prints the same text as serde walks the value, straight
//! into the output: a sub-table is printed where it comes, and a value that
//! comes after a sub-table of its table is moved up to the table's values
//! (serde gives each field in turn, so only the open tables' positions
//! matter). Shapes it does not reproduce (inline tables inside arrays,
//! arrays mixing tables and values, repeated map keys, ...) make it give
//! up, and the caller asks `toml`.

use serde::ser::{self, Serialize};
use std::borrow::Cow;
use std::fmt;
use toml_write::{WriteTomlKey, WriteTomlValue};

/// The TOML text `toml::to_string_pretty(value)` gives, or `None` when the
/// value holds something this writer does not reproduce (the caller then
/// uses `toml`).
pub(crate) fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let mut doc = Doc {
        out: String::new(),
        path: Vec::new(),
    };
    let root_values = value.serialize(RootSerializer { doc: &mut doc }).ok()?;
    if root_values == 0 && doc.out.starts_with('\n') {
        // The first header of a document without top-level values has no
        // blank line before it.
        doc.out.remove(0);
    }
    Some(doc.out)
}

/// Why serializing gave up.
#[derive(Debug)]
pub(crate) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not supported by the fast TOML writer")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_msg: T) -> Unsupported {
        Unsupported
    }
}

type Result<T> = std::result::Result<T, Unsupported>;

/// The text so far and the keys of the open tables.
struct Doc {
    out: String,
    path: Vec<Cow<'static, str>>,
}

impl Doc {
    fn key(&mut self, key: &str) {
        write_key(&mut self.out, key);
    }

    /// Appends `\n[a.b]\n` or `\n[[a.b]]\n` for the open tables' path to
    /// `out`.
    fn write_header(&self, out: &mut String, in_array: bool) {
        out.push_str(if in_array { "\n[[" } else { "\n[" });
        for (i, key) in self.path.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            write_key(out, key);
        }
        out.push_str(if in_array { "]]\n" } else { "]\n" });
    }

    /// Prints the pending header of `table`, before its sub-tables.
    fn show_header(&mut self, table: &mut Table) {
        let Some(at) = table.header_at.take() else {
            return;
        };
        let header_len = if at == self.out.len() {
            let mut out = std::mem::take(&mut self.out);
            self.write_header(&mut out, false);
            self.out = out;
            self.out.len() - at
        } else {
            let mut header = String::new();
            self.write_header(&mut header, false);
            self.out.insert_str(at, &header);
            header.len()
        };
        table.values_end = at + header_len;
    }

    /// Starts a `key = value` line of `table` at the end of the text.
    fn start_line(&mut self, table: &mut Table, key: &str) -> usize {
        self.show_header(table);
        let start = self.out.len();
        self.key(key);
        self.out.push_str(" = ");
        start
    }

    /// Ends the line started at `start` and moves it to the end of
    /// `table`'s values, above its sub-tables.
    fn end_line(&mut self, table: &mut Table, start: usize) {
        self.out.push('\n');
        if table.values_end != start {
            let line = self.out.split_off(start);
            self.out.insert_str(table.values_end, &line);
        }
        table.values_end += self.out.len() - start;
        table.values += 1;
        table.entries += 1;
    }

    /// Opens the table `key` of `parent` (an element of an array of tables
    /// when `in_array`), printing its header at the end of the text.
    fn open_table(&mut self, parent: &mut Table, key: Cow<'static, str>, in_array: bool) -> Table {
        parent.entries += 1;
        self.path.push(key);
        if in_array {
            let mut out = std::mem::take(&mut self.out);
            self.write_header(&mut out, true);
            self.out = out;
        }
        Table {
            header_at: (!in_array).then_some(self.out.len()),
            values_end: self.out.len(),
            values: 0,
            entries: 0,
            keys: None,
        }
    }
}

/// An open table.
struct Table {
    /// Where the header of a `[table]` goes, until it is printed: when the
    /// table gets a value, or at its end if it is empty (a table holding
    /// only tables has none).
    header_at: Option<usize>,
    /// Where the next `key = value` line goes.
    values_end: usize,
    values: usize,
    /// Values and sub-tables.
    entries: usize,
    /// The keys so far of a map (whose keys may repeat).
    keys: Option<Vec<String>>,
}

/// The top-level value: a struct or map, printed without a header.
/// Gives the number of top-level values.
struct RootSerializer<'d> {
    doc: &'d mut Doc,
}

/// A struct's or map's entries.
struct TableSerializer<'d> {
    doc: &'d mut Doc,
    table: Table,
    /// The key given by `serialize_key`.
    key: Option<String>,
    /// The table is the document.
    root: bool,
}

impl TableSerializer<'_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, value: &T) -> Result<()> {
        value.serialize(EntrySerializer {
            doc: self.doc,
            table: &mut self.table,
            key,
        })
    }

    fn finish(mut self) -> Result<usize> {
        if !self.root {
            if self.table.entries == 0 {
                self.doc.show_header(&mut self.table);
            }
            self.doc.path.pop();
        }
        Ok(self.table.values)
    }
}

/// The value of `key` in `table`.
struct EntrySerializer<'a> {
    doc: &'a mut Doc,
    table: &'a mut Table,
    key: Cow<'static, str>,
}

impl EntrySerializer<'_> {
    fn scalar(self, value: impl FnOnce(&mut String) -> Result<()>) -> Result<()> {
        let start = self.doc.start_line(self.table, &self.key);
        value(&mut self.doc.out)?;
        self.doc.end_line(self.table, start);
        Ok(())
    }
}

/// The elements of a sequence that is the value of `key` in `table`:
/// an array of tables or a `key = [...]` line, as its first element says.
struct EntrySeqSerializer<'a> {
    doc: &'a mut Doc,
    table: &'a mut Table,
    key: Cow<'static, str>,
    kind: SeqKind,
}

enum SeqKind {
    /// No element yet.
    Empty,
    /// Tables printed as `[[key]]`.
    Tables,
    /// A `key = [...]` line begun at `line`, its array at `array`.
    Values { line: usize, array: ArrayText },
}

/// An array being printed: `[` at `open`, `count` elements so far.
struct ArrayText {
    open: usize,
    count: usize,
}

impl ArrayText {
    fn open(out: &mut String) -> ArrayText {
        out.push('[');
        ArrayText {
            open: out.len() - 1,
            count: 0,
        }
    }

    /// Before an element: with two or more, one a line.
    fn before_element(&mut self, out: &mut String) {
        match self.count {
            0 => {}
            1 => {
                out.insert_str(self.open + 1, "\n    ");
                out.push_str(",\n    ");
            }
            _ => out.push_str(",\n    "),
        }
        self.count += 1;
    }

    fn close(self, out: &mut String) {
        out.push_str(if self.count >= 2 { ",\n]" } else { "]" });
    }
}

/// Writes one element of an array of values at the end of the text.
struct ElementSerializer<'a> {
    out: &'a mut String,
}

/// A nested array of values.
struct ArraySerializer<'a> {
    out: &'a mut String,
    array: ArrayText,
}

/// Spells a scalar at the end of `out`.
fn write_scalar(out: &mut String, value: &(impl WriteTomlValue + ?Sized)) -> Result<()> {
    value.write_toml_value(out).map_err(|_| Unsupported)
}

fn write_str(out: &mut String, v: &str) -> Result<()> {
    if write_plain_string(out, v) {
        Ok(())
    } else {
        write_scalar(out, v)
    }
}

fn write_f64(out: &mut String, v: f64) -> Result<()> {
    // As `toml_edit`: the sign of NaN is dropped.
    let v = if v.is_nan() { v.copysign(1.0) } else { v };
    write_scalar(out, &v)
}

fn write_u64(out: &mut String, v: u64) -> Result<()> {
    write_scalar(out, &i64::try_from(v).map_err(|_| Unsupported)?)
}

/// The `serde::Serializer` methods every writer here treats alike: scalars
/// go through `$scalar` (a function of the serializer and a closure
/// appending the spelling), and what TOML cannot hold is unsupported.
macro_rules! scalar_methods {
    ($scalar:ident) => {
        fn serialize_bool(self, v: bool) -> Result<Self::Ok> {
            $scalar(self, |out| write_scalar(out, &v))
        }

        fn serialize_i8(self, v: i8) -> Result<Self::Ok> {
            self.serialize_i64(v.into())
        }

        fn serialize_i16(self, v: i16) -> Result<Self::Ok> {
            self.serialize_i64(v.into())
        }

        fn serialize_i32(self, v: i32) -> Result<Self::Ok> {
            self.serialize_i64(v.into())
        }

        fn serialize_i64(self, v: i64) -> Result<Self::Ok> {
            $scalar(self, |out| write_scalar(out, &v))
        }

        fn serialize_u8(self, v: u8) -> Result<Self::Ok> {
            self.serialize_i64(v.into())
        }

        fn serialize_u16(self, v: u16) -> Result<Self::Ok> {
            self.serialize_i64(v.into())
        }

        fn serialize_u32(self, v: u32) -> Result<Self::Ok> {
            self.serialize_i64(v.into())
        }

        fn serialize_u64(self, v: u64) -> Result<Self::Ok> {
            $scalar(self, |out| write_u64(out, v))
        }

        fn serialize_f32(self, v: f32) -> Result<Self::Ok> {
            self.serialize_f64(v.into())
        }

        fn serialize_f64(self, v: f64) -> Result<Self::Ok> {
            $scalar(self, |out| write_f64(out, v))
        }

        fn serialize_char(self, v: char) -> Result<Self::Ok> {
            self.serialize_str(v.encode_utf8(&mut [0; 4]))
        }

        fn serialize_str(self, v: &str) -> Result<Self::Ok> {
            $scalar(self, |out| write_str(out, v))
        }

        fn serialize_bytes(self, _v: &[u8]) -> Result<Self::Ok> {
            Err(Unsupported)
        }

        fn serialize_unit(self) -> Result<Self::Ok> {
            Err(Unsupported)
        }

        fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
            Err(Unsupported)
        }

        fn serialize_unit_variant(
            self,
            _name: &'static str,
            _index: u32,
            variant: &'static str,
        ) -> Result<Self::Ok> {
            self.serialize_str(variant)
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _name: &'static str,
            value: &T,
        ) -> Result<Self::Ok> {
            value.serialize(self)
        }

        fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
            self.serialize_seq(Some(len))
        }

        fn serialize_tuple_struct(
            self,
            _name: &'static str,
            len: usize,
        ) -> Result<Self::SerializeTupleStruct> {
            self.serialize_seq(Some(len))
        }

        fn serialize_tuple_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleVariant> {
            Err(Unsupported)
        }

        fn serialize_struct_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStructVariant> {
            Err(Unsupported)
        }
    };
}

/// `toml` gives structs with private names (its datetime) a meaning.
fn check_struct_name(name: &str) -> Result<()> {
    if name.starts_with("$__") {
        Err(Unsupported)
    } else {
        Ok(())
    }
}

fn no_scalar<S>(_serializer: S, _value: impl FnOnce(&mut String) -> Result<()>) -> Result<usize> {
    Err(Unsupported)
}

impl<'d> ser::Serializer for RootSerializer<'d> {
    type Ok = usize;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<usize, Unsupported>;
    type SerializeTuple = ser::Impossible<usize, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<usize, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<usize, Unsupported>;
    type SerializeMap = RootTable<'d>;
    type SerializeStruct = RootTable<'d>;
    type SerializeStructVariant = ser::Impossible<usize, Unsupported>;

    scalar_methods!(no_scalar);

    fn serialize_none(self) -> Result<usize> {
        Err(Unsupported)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<usize> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<usize> {
        Err(Unsupported)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Unsupported)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<RootTable<'d>> {
        Ok(RootTable(TableSerializer {
            doc: self.doc,
            table: Table {
                header_at: None,
                values_end: 0,
                values: 0,
                entries: 0,
                keys: Some(Vec::new()),
            },
            key: None,
            root: true,
        }))
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<RootTable<'d>> {
        check_struct_name(name)?;
        let mut table = self.serialize_map(None)?;
        table.0.table.keys = None;
        Ok(table)
    }
}

fn entry_scalar(
    entry: EntrySerializer<'_>,
    value: impl FnOnce(&mut String) -> Result<()>,
) -> Result<()> {
    entry.scalar(value)
}

impl<'a> ser::Serializer for EntrySerializer<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = EntrySeqSerializer<'a>;
    type SerializeTuple = EntrySeqSerializer<'a>;
    type SerializeTupleStruct = EntrySeqSerializer<'a>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = TableSerializer<'a>;
    type SerializeStruct = TableSerializer<'a>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    scalar_methods!(entry_scalar);

    fn serialize_none(self) -> Result<()> {
        // A `None` field is left out.
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        // `{ variant = value }`, here a table of its own.
        let mut table = self.serialize_struct("", 1)?;
        ser::SerializeStruct::serialize_field(&mut table, variant, value)?;
        ser::SerializeStruct::end(table)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<EntrySeqSerializer<'a>> {
        Ok(EntrySeqSerializer {
            doc: self.doc,
            table: self.table,
            key: self.key,
            kind: SeqKind::Empty,
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<TableSerializer<'a>> {
        let mut table = self.doc.open_table(self.table, self.key, false);
        table.keys = Some(Vec::new());
        Ok(TableSerializer {
            doc: self.doc,
            table,
            key: None,
            root: false,
        })
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<TableSerializer<'a>> {
        check_struct_name(name)?;
        let table = self.doc.open_table(self.table, self.key, false);
        Ok(TableSerializer {
            doc: self.doc,
            table,
            key: None,
            root: false,
        })
    }
}

impl EntrySeqSerializer<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(SeqElementSerializer { seq: self })
    }

    /// Before a value element: the sequence is an array of values (begun
    /// at its first element); unsupported after tables.
    fn next_value(&mut self) -> Result<()> {
        if let SeqKind::Empty = self.kind {
            let line = self.doc.start_line(self.table, &self.key);
            let array = ArrayText::open(&mut self.doc.out);
            self.kind = SeqKind::Values { line, array };
        }
        match &mut self.kind {
            SeqKind::Values { array, .. } => {
                array.before_element(&mut self.doc.out);
                Ok(())
            }
            _ => Err(Unsupported),
        }
    }

    fn finish(self) -> Result<()> {
        match self.kind {
            SeqKind::Empty => {
                let line = self.doc.start_line(self.table, &self.key);
                self.doc.out.push_str("[]");
                self.doc.end_line(self.table, line);
            }
            SeqKind::Tables => {}
            SeqKind::Values { line, array } => {
                array.close(&mut self.doc.out);
                self.doc.end_line(self.table, line);
            }
        }
        Ok(())
    }
}

/// One element of a sequence in a table: a table of an array of tables,
/// or a value.
struct SeqElementSerializer<'s, 'a> {
    seq: &'s mut EntrySeqSerializer<'a>,
}

impl<'s> SeqElementSerializer<'s, '_> {
    /// A table of the array of tables.
    fn table(self) -> Result<TableSerializer<'s>> {
        let seq = self.seq;
        match seq.kind {
            SeqKind::Empty | SeqKind::Tables => seq.kind = SeqKind::Tables,
            SeqKind::Values { .. } => return Err(Unsupported),
        }
        let table = seq.doc.open_table(seq.table, seq.key.clone(), true);
        Ok(TableSerializer {
            doc: seq.doc,
            table,
            key: None,
            root: false,
        })
    }
}

fn element_scalar(
    element: SeqElementSerializer<'_, '_>,
    value: impl FnOnce(&mut String) -> Result<()>,
) -> Result<()> {
    element.seq.next_value()?;
    value(&mut element.seq.doc.out)
}

impl<'s> ser::Serializer for SeqElementSerializer<'s, '_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = ArraySerializer<'s>;
    type SerializeTuple = ArraySerializer<'s>;
    type SerializeTupleStruct = ArraySerializer<'s>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = TableSerializer<'s>;
    type SerializeStruct = TableSerializer<'s>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    scalar_methods!(element_scalar);

    fn serialize_none(self) -> Result<()> {
        Err(Unsupported)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        let mut table = self.table()?;
        ser::SerializeStruct::serialize_field(&mut table, variant, value)?;
        ser::SerializeStruct::end(table)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<ArraySerializer<'s>> {
        let seq = self.seq;
        seq.next_value()?;
        let out = &mut seq.doc.out;
        let array = ArrayText::open(out);
        Ok(ArraySerializer { out, array })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<TableSerializer<'s>> {
        let mut table = self.table()?;
        table.table.keys = Some(Vec::new());
        Ok(table)
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<TableSerializer<'s>> {
        check_struct_name(name)?;
        self.table()
    }
}

fn array_scalar(
    element: ElementSerializer<'_>,
    value: impl FnOnce(&mut String) -> Result<()>,
) -> Result<()> {
    value(element.out)
}

/// An element of a nested array: values only (an inline table is left to
/// `toml`).
impl<'a> ser::Serializer for ElementSerializer<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = ArraySerializer<'a>;
    type SerializeTuple = ArraySerializer<'a>;
    type SerializeTupleStruct = ArraySerializer<'a>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = ser::Impossible<(), Unsupported>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    scalar_methods!(array_scalar);

    fn serialize_none(self) -> Result<()> {
        Err(Unsupported)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(Unsupported)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<ArraySerializer<'a>> {
        let array = ArrayText::open(self.out);
        Ok(ArraySerializer {
            out: self.out,
            array,
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Unsupported)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(Unsupported)
    }
}

impl ser::SerializeStruct for TableSerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.entry(Cow::Borrowed(key), value)
    }

    fn end(self) -> Result<()> {
        self.finish().map(drop)
    }
}

impl ser::SerializeMap for TableSerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        let key = key.serialize(KeySerializer)?;
        // `toml_edit` replaces the value of a repeated key in place.
        let keys = self.table.keys.get_or_insert_with(Vec::new);
        if keys.contains(&key) {
            return Err(Unsupported);
        }
        keys.push(key.clone());
        self.key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or(Unsupported)?;
        self.entry(Cow::Owned(key), value)
    }

    fn end(self) -> Result<()> {
        self.finish().map(drop)
    }
}

/// The document's own table: `end` gives the number of its values.
struct RootTable<'d>(TableSerializer<'d>);

impl ser::SerializeStruct for RootTable<'_> {
    type Ok = usize;
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.0, key, value)
    }

    fn end(self) -> Result<usize> {
        self.0.finish()
    }
}

impl ser::SerializeMap for RootTable<'_> {
    type Ok = usize;
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        ser::SerializeMap::serialize_key(&mut self.0, key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeMap::serialize_value(&mut self.0, value)
    }

    fn end(self) -> Result<usize> {
        self.0.finish()
    }
}

impl ser::SerializeSeq for EntrySeqSerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTuple for EntrySeqSerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for EntrySeqSerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ArraySerializer<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.array.before_element(self.out);
        value.serialize(ElementSerializer { out: self.out })
    }

    fn finish(self) -> Result<()> {
        self.array.close(self.out);
        Ok(())
    }
}

impl ser::SerializeSeq for ArraySerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTuple for ArraySerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for ArraySerializer<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// Map keys: strings only (anything else makes `toml` fail or convert).
struct KeySerializer;

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<String, Unsupported>;
    type SerializeTuple = ser::Impossible<String, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<String, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<String, Unsupported>;
    type SerializeMap = ser::Impossible<String, Unsupported>;
    type SerializeStruct = ser::Impossible<String, Unsupported>;
    type SerializeStructVariant = ser::Impossible<String, Unsupported>;

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_string())
    }

    fn serialize_bool(self, _v: bool) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_i8(self, _v: i8) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_i16(self, _v: i16) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_i32(self, _v: i32) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_i64(self, _v: i64) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_u8(self, _v: u8) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_u16(self, _v: u16) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_u32(self, _v: u32) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_u64(self, _v: u64) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_f32(self, _v: f32) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_f64(self, _v: f64) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_char(self, _v: char) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_none(self) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_unit(self) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
    ) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String> {
        Err(Unsupported)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Unsupported)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(Unsupported)
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(Unsupported)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Unsupported)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Unsupported)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(Unsupported)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Unsupported)
    }
}

/// Appends `key` as `toml_write` spells it.
fn write_key(out: &mut String, key: &str) {
    if !key.is_empty() && key.bytes().all(is_bare_key_byte) {
        // What `toml_write` writes for a bare key.
        out.push_str(key);
    } else {
        // Writing to a `String` cannot fail.
        let _ = key.write_toml_key(out);
    }
}

fn is_bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Appends `s` spelled as `toml_write` spells it by default, in the common
/// cases where that spelling is `s` itself between delimiters; `false`
/// (and nothing appended) otherwise.
///
/// `toml_write` takes the first of: a basic string `"s"` (no control
/// character, `\`, `"` or line break), a literal string `'s'` (no control
/// character, `'` or line break), a multi-line basic string (no control
/// character, `\` or run of three `"`). Tabs are escaped in basic strings,
/// so strings with a tab are left to it, as are those needing escapes.
fn write_plain_string(out: &mut String, s: &str) -> bool {
    let class = s
        .bytes()
        .fold(0u8, |class, b| class | BYTE_CLASS[usize::from(b)]);
    if class & (CONTROL | TAB) != 0 {
        return false;
    }
    let (open, close) = if class & (BACKSLASH | DOUBLE_QUOTE | NEWLINE) == 0 {
        ("\"", "\"")
    } else if class & (SINGLE_QUOTE | NEWLINE) == 0 {
        ("'", "'")
    } else if class & BACKSLASH == 0 && !s.contains("\"\"\"") {
        if class & NEWLINE != 0 {
            ("\"\"\"\n", "\"\"\"")
        } else {
            ("\"\"\"", "\"\"\"")
        }
    } else {
        return false;
    };
    out.reserve(s.len() + open.len() + close.len());
    out.push_str(open);
    out.push_str(s);
    out.push_str(close);
    true
}

/// Bits of [`BYTE_CLASS`]: the bytes that decide how a string is spelled.
const CONTROL: u8 = 1;
const TAB: u8 = 2;
const NEWLINE: u8 = 4;
const BACKSLASH: u8 = 8;
const DOUBLE_QUOTE: u8 = 16;
const SINGLE_QUOTE: u8 = 32;

/// The class bit of every byte (0 for the plain ones).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = CONTROL;
        b += 1;
    }
    table[0x7f] = CONTROL;
    table[b'\t' as usize] = TAB;
    table[b'\n' as usize] = NEWLINE;
    table[b'\\' as usize] = BACKSLASH;
    table[b'"' as usize] = DOUBLE_QUOTE;
    table[b'\'' as usize] = SINGLE_QUOTE;
    table
};
