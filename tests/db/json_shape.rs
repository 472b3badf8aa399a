//! `Serialize` / `Deserialize` of models with relation fields (strata's
//! `serde` feature): the JSON shape of each field loaded and not loaded,
//! on rows read back from every database, and what deserializing accepts.

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use strata::prelude::*;
use strata_tests::each_db;

#[derive(Model, Debug, Clone, Serialize, Deserialize)]
pub struct JsonWriter {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Reverse::is_not_loaded")]
    pub books: Reverse<JsonBook>,
}

#[derive(Model, Debug, Clone, Serialize, Deserialize)]
pub struct JsonCountry {
    #[strata(primary_key, max_length = 2)]
    pub code: String,
    #[strata(max_length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, Serialize, Deserialize)]
pub struct JsonTag {
    pub id: i64,
    #[strata(max_length = 20)]
    pub label: String,
}

#[derive(Model, Debug, Clone, Serialize, Deserialize)]
pub struct JsonBook {
    pub id: i64,
    #[strata(max_length = 80)]
    pub title: String,
    #[strata(on_delete = cascade, related_name = "books")]
    pub writer: ForeignKey<JsonWriter>,
    #[strata(on_delete = set_null, related_name = "edited_books")]
    pub editor: Option<ForeignKey<JsonWriter>>,
    #[strata(on_delete = protect, related_name = "books")]
    pub country: ForeignKey<JsonCountry>,
    #[strata(max_digits = 6, decimal_places = 2)]
    pub price: Decimal,
    pub published_at: DateTime<Utc>,
    #[strata(related_name = "books")]
    pub tags: ManyToMany<JsonTag>,
}

#[derive(Model, Debug, Clone, Serialize, Deserialize)]
pub struct JsonPassport {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "passport")]
    pub owner: OneToOne<JsonWriter>,
    #[strata(max_length = 20)]
    pub number: String,
}

const MODELS: [&strata::ModelMeta; 5] = [
    JsonWriter::META,
    JsonCountry::META,
    JsonTag::META,
    JsonBook::META,
    JsonPassport::META,
];

struct Rows {
    ann: JsonWriter,
    bob: JsonWriter,
    book: JsonBook,
    passport: JsonPassport,
}

async fn rows(db: &Db) -> Rows {
    db.create_tables(&MODELS).await.unwrap();
    let mut ann = JsonWriter {
        id: 0,
        name: "Ann".into(),
        books: Reverse::new(),
    };
    ann.insert(db).await.unwrap();
    let mut bob = JsonWriter {
        id: 0,
        name: "Bob".into(),
        books: Reverse::new(),
    };
    bob.insert(db).await.unwrap();
    let mut fr = JsonCountry {
        code: "FR".into(),
        name: "France".into(),
    };
    fr.insert(db).await.unwrap();
    let mut tags = vec![
        JsonTag {
            id: 0,
            label: "sf".into(),
        },
        JsonTag {
            id: 0,
            label: "classic".into(),
        },
    ];
    JsonTag::bulk_create(db, &mut tags).await.unwrap();
    let mut book = JsonBook {
        id: 0,
        title: "Dune".into(),
        writer: ForeignKey::to(&ann),
        editor: None,
        country: ForeignKey::to(&fr),
        price: Decimal::new(1250, 2),
        published_at: Utc.with_ymd_and_hms(1965, 8, 1, 12, 0, 0).unwrap(),
        tags: ManyToMany::new(),
    };
    book.insert(db).await.unwrap();
    book.related(JsonBook::tags())
        .add(db, &[&tags[0], &tags[1]])
        .await
        .unwrap();
    let mut passport = JsonPassport {
        id: 0,
        owner: OneToOne::to(&bob),
        number: "X123".into(),
    };
    passport.insert(db).await.unwrap();
    Rows {
        ann,
        bob,
        book,
        passport,
    }
}

fn book_json(r: &Rows, writer: Value, country: Value, tags: Value) -> Value {
    json!({
        "id": r.book.id,
        "title": "Dune",
        "writer": writer,
        "editor": null,
        "country": country,
        "price": "12.50",
        "published_at": "1965-08-01T12:00:00Z",
        "tags": tags,
    })
}

/// `value` as JSON, with every `"price"` (a decimal, sent as a string)
/// written at two places: SQLite gives back `12.5` for `12.50`, the
/// others the column's scale.
fn to_json<T: Serialize>(value: &T) -> Value {
    let mut json = serde_json::to_value(value).unwrap();
    normalize_prices(&mut json);
    json
}

fn normalize_prices(json: &mut Value) {
    match json {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "price" {
                    let text = value.as_str().expect("a decimal is a string");
                    let mut price: Decimal = text.parse().expect("a decimal");
                    price.rescale(2);
                    *value = Value::String(price.to_string());
                } else {
                    normalize_prices(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_prices),
        _ => {}
    }
}

#[tokio::test]
async fn relations_not_loaded_serialize_as_their_key_or_null() {
    each_db("json_not_loaded", |db| async move {
        let r = rows(&db).await;
        let book = JsonBook::objects().get(&db).await.unwrap();
        assert_eq!(
            to_json(&book),
            book_json(
                &r,
                json!({"id": r.ann.id}),
                json!({"code": "FR"}),
                Value::Null
            )
        );
        let passport = JsonPassport::objects().get(&db).await.unwrap();
        assert_eq!(
            to_json(&passport),
            json!({"id": r.passport.id, "owner": {"id": r.bob.id}, "number": "X123"})
        );
        // skip_serializing_if leaves an unloaded holder out.
        let ann = JsonWriter::objects()
            .filter(JsonWriter::id().eq(r.ann.id))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(to_json(&ann), json!({"id": r.ann.id, "name": "Ann"}));
    })
    .await;
}

#[tokio::test]
async fn loaded_relations_serialize_as_their_rows() {
    each_db("json_loaded", |db| async move {
        let r = rows(&db).await;
        let book = JsonBook::objects()
            .select_related(JsonBook::writer())
            .select_related(JsonBook::editor())
            .select_related(JsonBook::country())
            .prefetch_related(Prefetch::with_queryset(
                JsonBook::tags(),
                JsonTag::objects().order_by(JsonTag::label().asc()),
            ))
            .get(&db)
            .await
            .unwrap();
        let tags = JsonTag::objects()
            .order_by(JsonTag::label().asc())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(tags.len(), 2);
        let expected_tags: Vec<Value> = tags
            .iter()
            .map(|t| json!({"id": t.id, "label": t.label}))
            .collect();
        assert_eq!(
            to_json(&book),
            book_json(
                &r,
                json!({"id": r.ann.id, "name": "Ann"}),
                json!({"code": "FR", "name": "France"}),
                Value::Array(expected_tags)
            )
        );

        // A reverse relation, its rows' own relations not loaded.
        let ann = JsonWriter::objects()
            .filter(JsonWriter::id().eq(r.ann.id))
            .prefetch_related(JsonWriter::books())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(
            to_json(&ann),
            json!({"id": r.ann.id, "name": "Ann", "books": [book_json(
                &r,
                json!({"id": r.ann.id}),
                json!({"code": "FR"}),
                Value::Null
            )]})
        );
        // Loaded and empty is an empty array, not absent.
        let bob = JsonWriter::objects()
            .filter(JsonWriter::id().eq(r.bob.id))
            .prefetch_related(JsonWriter::books())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(
            to_json(&bob),
            json!({"id": r.bob.id, "name": "Bob", "books": []})
        );

        let passport = JsonPassport::objects()
            .select_related(JsonPassport::owner())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(
            to_json(&passport)["owner"],
            json!({"id": r.bob.id, "name": "Bob"})
        );
    })
    .await;
}

#[tokio::test]
async fn serialized_rows_deserialize_to_the_same_keys_and_write_again() {
    each_db("json_roundtrip", |db| async move {
        let r = rows(&db).await;
        let loaded = JsonBook::objects()
            .select_related(JsonBook::writer())
            .prefetch_related(JsonBook::tags())
            .get(&db)
            .await
            .unwrap();
        let text = serde_json::to_string(&loaded).unwrap();
        let mut back: JsonBook = serde_json::from_str(&text).unwrap();
        assert_eq!(*back.writer.key(), r.ann.id);
        // A row sent by a client is never taken as loaded from the database.
        assert!(back.writer.get().is_none());
        assert_eq!(back.price, r.book.price);
        assert_eq!(back.published_at, r.book.published_at);
        assert_eq!(back.tags.get().map(<[JsonTag]>::len), Some(2));
        // It writes like any row: a copy with a new key.
        back.title = "Dune, again".into();
        back.insert(&db).await.unwrap();
        let copy = JsonBook::objects()
            .filter(JsonBook::title().eq("Dune, again"))
            .get(&db)
            .await
            .unwrap();
        assert_ne!(copy.id, r.book.id);
        assert_eq!(
            (*copy.writer.key(), copy.country.key().as_str()),
            (r.ann.id, "FR")
        );
    })
    .await;
}

#[test]
fn foreign_keys_deserialize_from_a_key_or_an_object_holding_it() {
    let from_key: JsonPassport =
        serde_json::from_value(json!({"id": 0, "owner": 7, "number": "A"})).unwrap();
    assert_eq!(*from_key.owner.key(), 7);
    let from_object: JsonPassport = serde_json::from_value(
        json!({"id": 0, "owner": {"name": "Ann", "id": 8, "books": []}, "number": "A"}),
    )
    .unwrap();
    assert_eq!(*from_object.owner.key(), 8);
    assert!(from_object.owner.get().is_none());

    let book = json!({"id": 0, "title": "t", "writer": 1, "editor": null,
        "country": "FR", "price": "1.00", "published_at": "2020-01-01T00:00:00Z"});
    let parsed: JsonBook = serde_json::from_value(book.clone()).unwrap();
    assert_eq!(parsed.country.key(), "FR");
    assert!(parsed.editor.is_none());
    // A missing holder is not loaded; null too.
    assert!(!parsed.tags.is_loaded());
    let mut with_null = book.clone();
    with_null["tags"] = Value::Null;
    let parsed: JsonBook = serde_json::from_value(with_null).unwrap();
    assert!(!parsed.tags.is_loaded());
    let mut with_editor = book.clone();
    with_editor["editor"] = json!({"id": 4});
    let parsed: JsonBook = serde_json::from_value(with_editor).unwrap();
    assert_eq!(parsed.editor.as_ref().map(|e| *e.key()), Some(4));

    // Refusals name what was expected.
    let mut wrong = book.clone();
    wrong["writer"] = json!("seven");
    let err = serde_json::from_value::<JsonBook>(wrong).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
    let mut keyless = book.clone();
    keyless["writer"] = json!({"name": "Ann"});
    let err = serde_json::from_value::<JsonBook>(keyless).unwrap_err();
    assert_eq!(err.to_string(), "missing field `id`");
    let mut twice = book.clone();
    twice["country"] = json!(["FR"]);
    let err = serde_json::from_value::<JsonBook>(twice).unwrap_err();
    assert!(
        err.to_string()
            .contains("the primary key of a JsonCountry (or an object with its `code`)"),
        "{err}"
    );
    let mut null_writer = book;
    null_writer["writer"] = Value::Null;
    assert!(serde_json::from_value::<JsonBook>(null_writer).is_err());
}

#[test]
fn a_foreign_key_never_set_serializes_as_null() {
    let unset = ForeignKey::<JsonWriter>::default();
    assert_eq!(serde_json::to_string(&unset).unwrap(), "null");
    let set = ForeignKey::<JsonWriter>::from_key(3);
    assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"id":3}"#);
    let unloaded = ManyToMany::<JsonTag>::new();
    assert_eq!(serde_json::to_string(&unloaded).unwrap(), "null");
}
