#[strata_migrate::data_migration]
fn backfill(_tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
    Ok(())
}

fn main() {}
