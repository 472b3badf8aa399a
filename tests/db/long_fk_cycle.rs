//! A cycle of 130 models, each with a foreign key to the next (the last
//! to the first), longer than the compiler's recursion limit (128): the
//! crate compiles (a `ForeignKey<T>` that held its loaded row as a
//! `Box<T>` overflowed the drop checker's walk through every model of the
//! cycle, E0320, as the trait solver's proof of `Sync` did before), and a
//! path through the cycle writes its joins on every dialect.

use strata::prelude::*;
use strata::Dialect;

/// One model per pair, with a foreign key `next` to the second.
macro_rules! ring {
    ($($name:ident => $next:ident),* $(,)?) => {$(
        #[derive(Model, Debug, Clone, PartialEq)]
        pub struct $name {
            pub id: i64,
            #[strata(max_length = 20)]
            pub name: String,
            #[strata(on_delete = cascade, related_name = "+")]
            pub next: ForeignKey<$next>,
        }
    )*};
}

ring!(
    Ring0 => Ring1, Ring1 => Ring2, Ring2 => Ring3, Ring3 => Ring4, Ring4 => Ring5, Ring5 => Ring6,
    Ring6 => Ring7, Ring7 => Ring8, Ring8 => Ring9, Ring9 => Ring10, Ring10 => Ring11, Ring11 => Ring12,
    Ring12 => Ring13, Ring13 => Ring14, Ring14 => Ring15, Ring15 => Ring16, Ring16 => Ring17, Ring17 => Ring18,
    Ring18 => Ring19, Ring19 => Ring20, Ring20 => Ring21, Ring21 => Ring22, Ring22 => Ring23, Ring23 => Ring24,
    Ring24 => Ring25, Ring25 => Ring26, Ring26 => Ring27, Ring27 => Ring28, Ring28 => Ring29, Ring29 => Ring30,
    Ring30 => Ring31, Ring31 => Ring32, Ring32 => Ring33, Ring33 => Ring34, Ring34 => Ring35, Ring35 => Ring36,
    Ring36 => Ring37, Ring37 => Ring38, Ring38 => Ring39, Ring39 => Ring40, Ring40 => Ring41, Ring41 => Ring42,
    Ring42 => Ring43, Ring43 => Ring44, Ring44 => Ring45, Ring45 => Ring46, Ring46 => Ring47, Ring47 => Ring48,
    Ring48 => Ring49, Ring49 => Ring50, Ring50 => Ring51, Ring51 => Ring52, Ring52 => Ring53, Ring53 => Ring54,
    Ring54 => Ring55, Ring55 => Ring56, Ring56 => Ring57, Ring57 => Ring58, Ring58 => Ring59, Ring59 => Ring60,
    Ring60 => Ring61, Ring61 => Ring62, Ring62 => Ring63, Ring63 => Ring64, Ring64 => Ring65, Ring65 => Ring66,
    Ring66 => Ring67, Ring67 => Ring68, Ring68 => Ring69, Ring69 => Ring70, Ring70 => Ring71, Ring71 => Ring72,
    Ring72 => Ring73, Ring73 => Ring74, Ring74 => Ring75, Ring75 => Ring76, Ring76 => Ring77, Ring77 => Ring78,
    Ring78 => Ring79, Ring79 => Ring80, Ring80 => Ring81, Ring81 => Ring82, Ring82 => Ring83, Ring83 => Ring84,
    Ring84 => Ring85, Ring85 => Ring86, Ring86 => Ring87, Ring87 => Ring88, Ring88 => Ring89, Ring89 => Ring90,
    Ring90 => Ring91, Ring91 => Ring92, Ring92 => Ring93, Ring93 => Ring94, Ring94 => Ring95, Ring95 => Ring96,
    Ring96 => Ring97, Ring97 => Ring98, Ring98 => Ring99, Ring99 => Ring100, Ring100 => Ring101, Ring101 => Ring102,
    Ring102 => Ring103, Ring103 => Ring104, Ring104 => Ring105, Ring105 => Ring106, Ring106 => Ring107, Ring107 => Ring108,
    Ring108 => Ring109, Ring109 => Ring110, Ring110 => Ring111, Ring111 => Ring112, Ring112 => Ring113, Ring113 => Ring114,
    Ring114 => Ring115, Ring115 => Ring116, Ring116 => Ring117, Ring117 => Ring118, Ring118 => Ring119, Ring119 => Ring120,
    Ring120 => Ring121, Ring121 => Ring122, Ring122 => Ring123, Ring123 => Ring124, Ring124 => Ring125, Ring125 => Ring126,
    Ring126 => Ring127, Ring127 => Ring128, Ring128 => Ring129, Ring129 => Ring0,
);

#[test]
fn a_cycle_of_foreign_keys_longer_than_the_recursion_limit_compiles_and_joins() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let stmt = Ring0::objects()
            .filter(Ring0::next().next().name().eq("x"))
            .select_related(Ring0::next())
            .sql(dialect);
        let sql = stmt.sql();
        let q = |table: &str| match dialect {
            Dialect::MySql => format!("`{table}`"),
            _ => format!("\"{table}\""),
        };
        assert!(sql.contains(&q("ring1")), "{dialect:?}: {sql}");
        assert!(sql.contains(&q("ring2")), "{dialect:?}: {sql}");
        assert_eq!(stmt.binds().len(), 1, "{dialect:?}: {sql}");
    }
    assert_eq!(Ring129::META.columns.len(), 3);
}
