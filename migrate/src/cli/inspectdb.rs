//! `manage inspectdb`: `#[derive(Model)]` source for the tables of an
//! existing database, as a library function.

use crate::error::{Error, Result};
use crate::inspect::introspect::Schema;
use crate::inspect::model_source;
use crate::inspect::reverse::{self, Inspected};
use strata::Db;

/// The models of the database `db` is connected to: every table, or only
/// `tables` (an unknown name is an error listing the tables there are).
/// Join tables of many-to-many relations are folded into their models.
pub async fn inspect_db(db: &Db, tables: &[String]) -> Result<Inspected> {
    let (schema, details) = Schema::introspect_with_details(db).await?;
    for table in tables {
        if !schema.tables.contains_key(table) {
            return Err(Error::UnknownTable {
                table: table.clone(),
                available: schema.tables.keys().cloned().collect(),
            });
        }
    }
    Ok(reverse::inspect(&schema, &details, db.dialect(), tables))
}

/// [`inspect_db`] on the database at `url`, rendered as Rust source.
pub async fn inspectdb(url: &str, tables: &[String]) -> Result<String> {
    let db = Db::connect(url).await.map_err(|source| Error::Database {
        action: "connecting to the database".into(),
        source: Box::new(source),
    })?;
    let result = inspect_db(&db, tables).await;
    db.close().await;
    Ok(model_source::render(&result?))
}
