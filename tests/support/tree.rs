//! Models that refer to themselves or to each other: a category tree
//! (a foreign key to its own model, with the reverse holder of its
//! children), a row protecting a category, and two pairs of models whose
//! foreign keys form a cycle (one cascading one way, one both ways).

use strata::prelude::*;

/// A node of a tree: `parent` is `None` at a root.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "tree_category")]
pub struct Category {
    pub id: i64,
    #[strata(max_length = 60)]
    pub name: String,
    #[strata(on_delete = cascade, related_name = "children")]
    pub parent: Option<ForeignKey<Category>>,
    pub children: Reverse<Category>,
}

/// Protects the category it is pinned to from deletion (and so the
/// category's ancestors from a cascading delete).
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "tree_pin")]
pub struct Pin {
    pub id: i64,
    #[strata(on_delete = protect, related_name = "pins")]
    pub category: ForeignKey<Category>,
}

/// One side of a cycle: a team's captain is one of its players.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "tree_team")]
pub struct Team {
    pub id: i64,
    #[strata(max_length = 60)]
    pub name: String,
    #[strata(on_delete = set_null, related_name = "captain_of")]
    pub captain: Option<ForeignKey<Player>>,
}

/// The other side: every player belongs to a team.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "tree_player")]
pub struct Player {
    pub id: i64,
    #[strata(max_length = 60)]
    pub name: String,
    #[strata(on_delete = cascade, related_name = "players")]
    pub team: ForeignKey<Team>,
}

/// Two models whose foreign keys both cascade: deleting a row of either
/// follows the chain of rows around the cycle.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "tree_ring_a")]
pub struct RingA {
    pub id: i64,
    #[strata(max_length = 20)]
    pub name: String,
    #[strata(on_delete = cascade, related_name = "as_")]
    pub b: Option<ForeignKey<RingB>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "tree_ring_b")]
pub struct RingB {
    pub id: i64,
    #[strata(max_length = 20)]
    pub name: String,
    #[strata(on_delete = cascade, related_name = "bs")]
    pub a: Option<ForeignKey<RingA>>,
}

/// Every model of this module.
pub fn tree() -> [&'static strata::ModelMeta; 6] {
    [
        Category::META,
        Pin::META,
        Team::META,
        Player::META,
        RingA::META,
        RingB::META,
    ]
}
