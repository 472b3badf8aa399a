// `strata::sea_query::statement` takes a sea-query statement, not SQL text.

fn main() {
    let _ = strata::sea_query::statement(&"SELECT 1", strata::Dialect::Sqlite);
}
