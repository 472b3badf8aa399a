use strata::prelude::*;

/// A type of the user's own: the derive cannot tell it is not a time.
#[derive(Debug, Clone)]
struct Stamp(String);

impl strata::FieldType for Stamp {
    const COLUMN: strata::ColumnType = strata::ColumnType::Text;
    fn to_value(&self) -> strata::Value {
        strata::Value::String(Some(self.0.clone()))
    }
    fn from_value(value: strata::Value) -> Result<Self, strata::DecodeError> {
        Ok(Stamp(value.to_string()))
    }
}

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(auto_now_add)]
    created: Stamp,
}

fn main() {}
