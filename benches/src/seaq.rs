//! sea-query identifiers of the diesel_bench schema.

use sea_query::Iden;

/// `users`.
#[derive(Iden, Clone, Copy)]
pub enum Users {
    Table,
    Id,
    Name,
    HairColor,
}

/// `posts`.
#[derive(Iden, Clone, Copy)]
pub enum Posts {
    Table,
    Id,
    UserId,
    Title,
    Body,
}

/// `comments`.
#[derive(Iden, Clone, Copy)]
pub enum Comments {
    Table,
    Id,
    PostId,
    Text,
}

/// The alias strata gives the first joined table.
#[derive(Iden, Clone, Copy)]
pub struct T1;
