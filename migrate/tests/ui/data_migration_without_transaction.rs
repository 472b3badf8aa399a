#[strata_migrate::data_migration]
async fn backfill() -> strata::Result<()> {
    Ok(())
}

fn main() {}
