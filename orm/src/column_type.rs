//! [`ColumnType`]: the dialect-neutral type of a column.
//!
//! Each dialect renders a `ColumnType` to its own DDL (see
//! [`crate::dialect`]); the migration engine compares `ColumnType`s, so a
//! model's schema is described once for all three databases.

/// The dialect-neutral type of a column, decided by the field's Rust type
/// through [`FieldType::COLUMN`](crate::FieldType::COLUMN) and refined by
/// field attributes (`max_length`, `max_digits`, `decimal_places`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    SmallInt,
    Integer,
    BigInt,
    /// A `u8`: `TINYINT UNSIGNED` on MySQL; elsewhere `SMALLINT` with a
    /// `CHECK` keeping it to 0..=255.
    UnsignedTinyInt,
    /// A `u16`: `SMALLINT UNSIGNED` on MySQL; elsewhere `INTEGER` with a
    /// `CHECK` keeping it to 0..=65535.
    UnsignedSmallInt,
    /// A `u32`: `INT UNSIGNED` on MySQL; elsewhere `BIGINT` with a
    /// `CHECK` keeping it to 0..=4294967295.
    UnsignedInt,
    Float,
    Double,
    Boolean,
    /// Unbounded text.
    Text,
    /// Text of at most this many characters.
    Varchar(u32),
    Bytes,
    Date,
    Time,
    DateTime,
    /// A point in time; stored as UTC.
    DateTimeUtc,
    Uuid,
    /// `max_digits`, `decimal_places`. `(0, 0)` until the field sets them.
    Decimal(u8, u8),
    Json,
    /// A type spelled by the user per dialect, stored like `storage`.
    Custom(&'static CustomColumnType),
}

/// The DDL of a user-defined column type, per dialect.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CustomColumnType {
    /// A stable name, used by migrations to tell types apart.
    pub name: &'static str,
    pub postgres: &'static str,
    pub mysql: &'static str,
    pub sqlite: &'static str,
}

impl ColumnType {
    /// `max_length` turns unbounded text into `VARCHAR(n)`.
    pub const fn with_max_length(self, max_length: u32) -> ColumnType {
        match self {
            ColumnType::Text | ColumnType::Varchar(_) => ColumnType::Varchar(max_length),
            other => other,
        }
    }

    /// `max_digits` and `decimal_places` give a decimal its precision.
    pub const fn with_precision(self, max_digits: u8, decimal_places: u8) -> ColumnType {
        match self {
            ColumnType::Decimal(..) => ColumnType::Decimal(max_digits, decimal_places),
            other => other,
        }
    }

    /// Whether a string lookup (`contains`, ...) applies.
    pub const fn is_text(&self) -> bool {
        matches!(self, ColumnType::Text | ColumnType::Varchar(_))
    }

    /// The largest value of an unsigned integer type (the smallest is 0);
    /// `None` for other types.
    ///
    /// ```
    /// assert_eq!(strata::ColumnType::UnsignedTinyInt.unsigned_max(), Some(255));
    /// assert_eq!(strata::ColumnType::SmallInt.unsigned_max(), None);
    /// ```
    pub const fn unsigned_max(&self) -> Option<i64> {
        match self {
            ColumnType::UnsignedTinyInt => Some(u8::MAX as i64),
            ColumnType::UnsignedSmallInt => Some(u16::MAX as i64),
            ColumnType::UnsignedInt => Some(u32::MAX as i64),
            _ => None,
        }
    }

    /// Whether this is an integer type, which may be an auto-increment key.
    pub const fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        )
    }
}
