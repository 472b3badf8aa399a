//! The models whose tables `inspectdb` reads back: every mappable type,
//! nullability, `max_length`, decimals, defaults, unique fields, a
//! single and a composite index, a composite unique constraint, foreign
//! keys with two `on_delete` actions and a many-to-many relation. The
//! names are the ones `inspectdb` infers (the CamelCase table, or the
//! model a join table's column names: `product_id`), so that the states
//! compare equal. Naive date-times are left out: SQLite and MySQL store
//! them like UTC ones, which `inspectdb` assumes (and says so).

use rust_decimal::Decimal;
use strata::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct ShopCustomer {
    pub id: i64,
    #[strata(max_length = 100, unique)]
    pub email: String,
    #[strata(max_length = 50)]
    pub name: Option<String>,
    #[strata(default = true)]
    pub active: bool,
    pub born: Option<chrono::NaiveDate>,
    pub wake_up: chrono::NaiveTime,
    pub joined: chrono::DateTime<chrono::Utc>,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "shop_product", index(fields(name, price)))]
pub struct Product {
    pub id: i64,
    #[strata(max_length = 200, index)]
    pub name: String,
    #[strata(max_digits = 10, decimal_places = 2)]
    pub price: Decimal,
    #[strata(default = 0)]
    pub stock: i32,
    pub rank: i16,
    pub weight: f64,
    pub ratio: Option<f32>,
    pub picture: Option<Vec<u8>>,
    pub code: uuid::Uuid,
    #[strata(default = "none")]
    pub description: String,
    pub tags: ManyToMany<Tag>,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
    #[strata(max_length = 50, unique)]
    pub label: String,
}

#[derive(Model, Debug, Clone)]
#[strata(unique(fields(customer, number)))]
pub struct ShopOrder {
    pub id: i64,
    #[strata(on_delete = cascade)]
    pub customer: ForeignKey<ShopCustomer>,
    pub number: i32,
    #[strata(on_delete = set_null)]
    pub product: Option<ForeignKey<Product>>,
    pub note: String,
}

pub fn models() -> [&'static strata::ModelMeta; 4] {
    [
        ShopCustomer::META,
        Product::META,
        Tag::META,
        ShopOrder::META,
    ]
}
