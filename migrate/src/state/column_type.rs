//! How column types and `on_delete` actions are spelled in migration
//! files, both ways.

use strata::ColumnType;

/// The canonical spelling of a column type in migration files:
/// `bigint`, `varchar(100)`, `decimal(15, 4)`, ...
pub fn column_type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::UnsignedTinyInt => "u8".into(),
        ColumnType::UnsignedSmallInt => "u16".into(),
        ColumnType::UnsignedInt => "u32".into(),
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varchar(n) => format!("varchar({n})"),
        ColumnType::Bytes => "bytes".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::DateTime => "datetime".into(),
        ColumnType::DateTimeUtc => "datetime_utc".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Decimal(p, s) => format!("decimal({p}, {s})"),
        ColumnType::Json => "json".into(),
        ColumnType::Custom(c) => format!("custom({})", c.name),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

/// Parses [`column_type_name`]'s spelling (custom types excepted).
pub fn parse_column_type(text: &str) -> std::result::Result<ColumnType, String> {
    let t = text.trim().to_ascii_lowercase();
    let args = |prefix: &str| -> Option<Vec<String>> {
        let inner = t
            .strip_prefix(prefix)?
            .trim()
            .strip_prefix('(')?
            .strip_suffix(')')?;
        Some(inner.split(',').map(|s| s.trim().to_string()).collect())
    };
    let simple = match t.as_str() {
        "smallint" => Some(ColumnType::SmallInt),
        "integer" => Some(ColumnType::Integer),
        "bigint" => Some(ColumnType::BigInt),
        "u8" => Some(ColumnType::UnsignedTinyInt),
        "u16" => Some(ColumnType::UnsignedSmallInt),
        "u32" => Some(ColumnType::UnsignedInt),
        "float" => Some(ColumnType::Float),
        "double" => Some(ColumnType::Double),
        "boolean" => Some(ColumnType::Boolean),
        "text" => Some(ColumnType::Text),
        "bytes" => Some(ColumnType::Bytes),
        "date" => Some(ColumnType::Date),
        "time" => Some(ColumnType::Time),
        "datetime" => Some(ColumnType::DateTime),
        "datetime_utc" => Some(ColumnType::DateTimeUtc),
        "uuid" => Some(ColumnType::Uuid),
        "json" => Some(ColumnType::Json),
        _ => None,
    };
    if let Some(ty) = simple {
        return Ok(ty);
    }
    if let Some(a) = args("varchar") {
        if let [n] = a.as_slice() {
            if let Ok(n) = n.parse::<u32>() {
                return Ok(ColumnType::Varchar(n));
            }
        }
        return Err(format!("`{text}`: expected varchar(<length>)"));
    }
    if let Some(a) = args("decimal") {
        if let [p, s] = a.as_slice() {
            if let (Ok(p), Ok(s)) = (p.parse::<u8>(), s.parse::<u8>()) {
                return Ok(ColumnType::Decimal(p, s));
            }
        }
        return Err(format!("`{text}`: expected decimal(<digits>, <places>)"));
    }
    Err(format!(
        "unknown column type `{text}`; expected one of smallint, integer, bigint, u8, u16, u32, float, double, \
         boolean, text, varchar(n), bytes, date, time, datetime, datetime_utc, uuid, \
         decimal(p, s), json, or a table {{ custom = ..., postgres = ..., mysql = ..., sqlite = ... }}"
    ))
}

/// Interns a custom type read from a file, so that it has the `'static`
/// lifetime `ColumnType::Custom` needs. Each distinct type is leaked once.
fn intern_custom(
    name: String,
    postgres: String,
    mysql: String,
    sqlite: String,
) -> &'static strata::CustomColumnType {
    use std::sync::{Mutex, OnceLock};
    static TYPES: OnceLock<Mutex<Vec<&'static strata::CustomColumnType>>> = OnceLock::new();
    let mut types = TYPES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = types.iter().find(|c| {
        c.name == name && c.postgres == postgres && c.mysql == mysql && c.sqlite == sqlite
    }) {
        return found;
    }
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let ty: &'static strata::CustomColumnType = Box::leak(Box::new(strata::CustomColumnType {
        name: leak(name),
        postgres: leak(postgres),
        mysql: leak(mysql),
        sqlite: leak(sqlite),
    }));
    types.push(ty);
    ty
}

pub(super) mod column_type_serde {
    use super::{column_type_name, intern_custom, parse_column_type};
    use serde::de::{self, MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use strata::ColumnType;

    pub fn serialize<S: Serializer>(ty: &ColumnType, s: S) -> Result<S::Ok, S::Error> {
        match ty {
            ColumnType::Custom(c) => {
                let mut map = s.serialize_map(Some(4))?;
                map.serialize_entry("custom", c.name)?;
                map.serialize_entry("postgres", c.postgres)?;
                map.serialize_entry("mysql", c.mysql)?;
                map.serialize_entry("sqlite", c.sqlite)?;
                map.end()
            }
            other => s.serialize_str(&column_type_name(other)),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ColumnType, D::Error> {
        d.deserialize_any(TypeVisitor)
    }

    struct TypeVisitor;

    impl<'de> Visitor<'de> for TypeVisitor {
        type Value = ColumnType;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(
                "a column type such as \"bigint\" or \"varchar(100)\", or a custom type table",
            )
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnType, E> {
            parse_column_type(v).map_err(E::custom)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnType, A::Error> {
            let (mut name, mut pg, mut my, mut lite) = (None, None, None, None);
            while let Some(key) = map.next_key::<String>()? {
                let slot = match key.as_str() {
                    "custom" => &mut name,
                    "postgres" => &mut pg,
                    "mysql" => &mut my,
                    "sqlite" => &mut lite,
                    other => {
                        return Err(de::Error::unknown_field(
                            other,
                            &["custom", "postgres", "mysql", "sqlite"],
                        ))
                    }
                };
                *slot = Some(map.next_value::<String>()?);
            }
            match (name, pg, my, lite) {
                (Some(n), Some(p), Some(m), Some(s)) => {
                    Ok(ColumnType::Custom(intern_custom(n, p, m, s)))
                }
                _ => Err(de::Error::custom(
                    "a custom type needs `custom`, `postgres`, `mysql` and `sqlite`",
                )),
            }
        }
    }
}

pub(super) mod on_delete_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use strata::meta::OnDelete;

    pub fn serialize<S: Serializer>(v: &OnDelete, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OnDelete, D::Error> {
        let name = String::deserialize(d)?;
        OnDelete::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown on_delete `{name}`; expected cascade, set_null, set_default, restrict, \
                 protect or do_nothing"
            ))
        })
    }
}
