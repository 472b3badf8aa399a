#[strata_migrate::data_migration(reverse = "undo")]
async fn backfill(_tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
    Ok(())
}

fn main() {}
