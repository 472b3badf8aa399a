//! Models with relations: a small library (publisher <- writer <- book <-
//! review, writer <- bio one-to-one), and one referencing model per
//! `on_delete` behaviour.

use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Publisher {
    pub id: i64,
    #[strata(max_length = 60)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Writer {
    pub id: i64,
    #[strata(max_length = 60)]
    pub name: String,
    #[strata(on_delete = set_null, related_name = "writers")]
    pub publisher: Option<ForeignKey<Publisher>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    pub id: i64,
    #[strata(max_length = 100)]
    pub title: String,
    #[strata(on_delete = cascade, related_name = "books")]
    pub writer: ForeignKey<Writer>,
    pub pages: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Review {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "reviews")]
    pub book: ForeignKey<Book>,
    pub stars: i16,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Bio {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "bio")]
    pub writer: OneToOne<Writer>,
    pub text: String,
}

/// Every library model, targets before the models that refer to them.
pub fn library() -> [&'static strata::ModelMeta; 5] {
    [
        Publisher::META,
        Writer::META,
        Book::META,
        Review::META,
        Bio::META,
    ]
}

/// The row every `on_delete` model refers to.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Owner {
    pub id: i64,
    #[strata(max_length = 20)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct CascadeRef {
    pub id: i64,
    #[strata(on_delete = cascade)]
    pub owner: ForeignKey<Owner>,
}

/// Protects the `CascadeRef` rows a cascade would delete.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct CascadeGuard {
    pub id: i64,
    #[strata(on_delete = protect)]
    pub cascade_ref: ForeignKey<CascadeRef>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct SetNullRef {
    pub id: i64,
    #[strata(on_delete = set_null)]
    pub owner: Option<ForeignKey<Owner>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct SetDefaultRef {
    pub id: i64,
    #[strata(on_delete = set_default, default = 1)]
    pub owner: ForeignKey<Owner>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct RestrictRef {
    pub id: i64,
    #[strata(on_delete = restrict)]
    pub owner: ForeignKey<Owner>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct ProtectRef {
    pub id: i64,
    #[strata(on_delete = protect)]
    pub owner: ForeignKey<Owner>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct DoNothingRef {
    pub id: i64,
    #[strata(on_delete = do_nothing)]
    pub owner: ForeignKey<Owner>,
}

/// Every `on_delete` model, `Owner` first.
pub fn on_delete_models() -> [&'static strata::ModelMeta; 8] {
    [
        Owner::META,
        CascadeRef::META,
        CascadeGuard::META,
        SetNullRef::META,
        SetDefaultRef::META,
        RestrictRef::META,
        ProtectRef::META,
        DoNothingRef::META,
    ]
}
