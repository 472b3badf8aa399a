//! strata's migrations -> database -> `inspectdb` -> models -> the same
//! schema.

use crate::support::{each_db, Ctx};
use clap::Parser;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::{Migrator, NonInteractiveQuestioner, ProjectState, Target};

/// The source `inspectdb` prints for the originals' tables, on every
/// backend; `generated.rs` holds it (and is compiled into this test).
const GENERATED: &str = include_str!("generated.rs");

fn generated_models() -> [&'static strata::ModelMeta; 4] {
    use crate::generated::*;
    use strata::Model as _;
    [
        ShopCustomer::META,
        Product::META,
        Tag::META,
        ShopOrder::META,
    ]
}

async fn inspectdb(url: &str, tables: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["manage", "inspectdb", "--database", url];
    argv.extend_from_slice(tables);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (status, text(out), text(err))
}

async fn migrate_originals(ctx: &Ctx) -> ProjectState {
    let original = ProjectState::from_models(&crate::originals::models()).expect("a valid state");
    let dir = tempfile::tempdir().expect("a temporary directory");
    makemigrations(
        &MakeOptions::new(dir.path()),
        &original,
        &mut NonInteractiveQuestioner,
    )
    .expect("makemigrations");
    let mut out = Vec::new();
    Migrator::new(MigrationSet::load(dir.path()).unwrap())
        .migrate(&ctx.db, &Target::Latest, &mut out)
        .await
        .expect("the migrations apply");
    original
}

#[tokio::test]
async fn inspectdb_reads_strata_tables_back_as_the_same_models() {
    each_db("inspectdb_roundtrip", |ctx: Ctx| async move {
        let original = migrate_originals(&ctx).await;
        let (status, source, err) = inspectdb(&ctx.url, &[]).await;
        assert_eq!((status, err.as_str()), (0, ""));
        // `STRATA_WRITE_GENERATED=1` rewrites `generated.rs` (review the
        // diff), as `INSTA_UPDATE` does for snapshots.
        if std::env::var_os("STRATA_WRITE_GENERATED").is_some()
            && ctx.dialect() == strata::Dialect::Sqlite
        {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/inspectdb/generated.rs");
            std::fs::write(path, &source).expect("write generated.rs");
        }
        // One source for every backend, but for the comment SQLite and
        // MySQL get on a type they spell like another.
        let code = |text: &str| {
            text.lines()
                .filter(|l| !l.starts_with("// "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            code(&source),
            code(GENERATED),
            "inspectdb output on {}",
            ctx.dialect()
        );
        let guess = "// column `joined` is `datetime";
        assert_eq!(
            source.contains(guess),
            ctx.dialect() != strata::Dialect::Postgres,
            "{source}"
        );
        let generated = ProjectState::from_models(&generated_models()).expect("a valid state");
        assert_eq!(generated.normalized(), original.normalized());
        assert!(generated.same_schema(&original));
    })
    .await;
}

#[tokio::test]
async fn inspectdb_prints_only_the_tables_named_and_refuses_unknown_ones() {
    each_db("inspectdb_tables", |ctx: Ctx| async move {
        migrate_originals(&ctx).await;
        let (status, source, _) = inspectdb(&ctx.url, &["tag"]).await;
        assert_eq!(status, 0);
        assert!(source.contains("pub struct Tag {"), "{source}");
        assert_eq!(source.matches("#[derive(Model").count(), 1, "{source}");
        let (status, out, err) = inspectdb(&ctx.url, &["no_such"]).await;
        assert_eq!((status, out.as_str()), (2, ""));
        assert!(
            err.starts_with("error: the database has no table `no_such`; its tables are: shop_customer, shop_order, shop_product, shop_product_tags, tag"),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_column_inspectdb_cannot_map_is_left_out_with_a_comment() {
    each_db("inspectdb_unmapped", |ctx: Ctx| async move {
        let (sql, ty) = match ctx.dialect() {
            strata::Dialect::Postgres => ("inet", "inet"),
            strata::Dialect::MySql => ("SET('a', 'b')", "set('a','b')"),
            strata::Dialect::Sqlite => ("GEOMETRY", "geometry"),
        };
        ctx.db
            .execute_raw_sql(strata::AssertSqlSafe(format!(
                "CREATE TABLE host (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, addr {sql})"
            )))
            .await
            .expect("a table with an unmappable column");
        let (status, source, err) = inspectdb(&ctx.url, &[]).await;
        assert_eq!((status, err.as_str()), (0, ""));
        let note =
            format!("// column `addr` has type `{ty}`, which strata cannot map; it is left out\n");
        assert!(source.contains(&note), "{source}");
        assert!(source.contains("    pub name: String,\n}"), "{source}");
        assert!(!source.contains("pub addr"), "{source}");
    })
    .await;
}
