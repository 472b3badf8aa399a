//! Models and a fixture for streams and pagination: shelves holding
//! volumes, with ranks that tie, a nullable note, and keys that do not
//! follow the ranks.

use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "stream_shelf")]
pub struct Shelf {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
    pub volumes: Reverse<Volume>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "stream_volume")]
pub struct Volume {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "volumes")]
    pub shelf: ForeignKey<Shelf>,
    #[strata(max_length = 40)]
    pub title: String,
    /// Five values among the volumes: many ties.
    pub rank: i32,
    pub note: Option<String>,
}

/// The fixture's shelves and volumes, as inserted (keys filled).
pub struct Library {
    pub shelves: Vec<Shelf>,
    pub volumes: Vec<Volume>,
}

/// How many shelves and volumes [`library`] makes.
pub const SHELVES: usize = 7;
pub const VOLUMES: usize = 40;

/// Creates the tables and fills them: shelf `s` holds the volumes `i`
/// with `i % 7 == s` except shelf 6, which holds none; ranks are
/// `(i * 3) % 5`, titles are unique and not in key order.
pub async fn library(db: &Db) -> Library {
    db.create_tables(&[Shelf::META, Volume::META])
        .await
        .expect("create tables");
    let mut shelves: Vec<Shelf> = (0..SHELVES)
        .map(|s| Shelf {
            id: 0,
            name: format!("shelf {s}"),
            volumes: Default::default(),
        })
        .collect();
    Shelf::bulk_create(db, &mut shelves)
        .await
        .expect("insert shelves");
    let mut volumes: Vec<Volume> = (0..VOLUMES)
        .map(|i| {
            let s = if i % 7 == 6 { i % 6 } else { i % 7 };
            Volume {
                id: 0,
                shelf: ForeignKey::from(&shelves[s]),
                title: format!("t{:02}", (i * 17) % VOLUMES),
                rank: ((i * 3) % 5) as i32,
                note: (i % 3 != 0).then(|| format!("note {i}")),
            }
        })
        .collect();
    Volume::bulk_create(db, &mut volumes)
        .await
        .expect("insert volumes");
    Library { shelves, volumes }
}

/// The volumes of `shelf` in `volumes`, by key.
pub fn volumes_of(volumes: &[Volume], shelf: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = volumes
        .iter()
        .filter(|v| *v.shelf.key() == shelf)
        .map(|v| v.id)
        .collect();
    ids.sort();
    ids
}
