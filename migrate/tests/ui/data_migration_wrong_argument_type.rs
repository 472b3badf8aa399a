#[strata_migrate::data_migration]
async fn backfill(_db: &strata::Db) -> strata::Result<()> {
    Ok(())
}

fn main() {}
