//! Hostile strings through every text lookup on every database, each
//! answer compared with the same predicate computed in Rust: injection
//! payloads, `LIKE` and `GLOB` metacharacters, the `LIKE` escape
//! character, trailing spaces, combining characters, 4-byte UTF-8,
//! noncharacters and long strings. NUL is refused everywhere (pinned
//! below). Case-insensitive lookups fold case as each database does; the
//! exceptions are listed in [`Folding`] and in the README.

use strata::prelude::*;
use strata::{Error, FieldType, Statement};
use strata_tests::each_db;
use strata_tests::models::HostileText;

/// Every stored string, also used as every needle.
fn corpus() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "  ",
        "\t",
        "\n",
        "a",
        "a ",
        "a  ",
        " a",
        "a\t",
        "A",
        "ab",
        "aB",
        "Ab",
        "abc",
        "b",
        "'",
        "''",
        "'; DROP TABLE hostile_text; --",
        "\" OR 1=1 --",
        "` OR 1=1 --",
        "\\",
        "\\%",
        "a\\b",
        "%",
        "_",
        "!",
        "!!",
        "a%b",
        "a_b",
        "axb",
        "100%",
        "!%",
        "!_",
        "*",
        "?",
        "[",
        "]",
        "[a]",
        "a*b",
        "a?c",
        "[!a]",
        "[^a]",
        "é",
        "e\u{301}",
        "É",
        "E\u{301}",
        "ñ",
        "😀",
        "a😀b",
        "𐐀",
        "𐐨",
        "ß",
        "ẞ",
        "ΣΑΣ",
        "σας",
        "İ",
        "i",
        "ǅ",
        "Ж",
        "ж",
        "\u{FFFF}",
        "\u{FFFD}",
        "\u{FFFE}",
        "a\u{FFFF}b",
        "a\u{FFFD}b",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    out.push("x".repeat(5_000));
    out.push(format!("{}y", "x".repeat(4_999)));
    out.push("É".repeat(3_000));
    out
}

/// How a database folds case in `LOWER()`, which the `i...` lookups use.
#[derive(Debug, Clone, Copy)]
enum Folding {
    /// SQLite without ICU: ASCII letters only.
    Ascii,
    /// PostgreSQL under `C.UTF-8`: Unicode's simple lowercase mapping.
    /// Also expected of MySQL 8's `utf8mb4_0900_bin`, which is not
    /// available here (an assumption, not a tested fact).
    Unicode,
    /// MariaDB's `utf8mb4_nopad_bin`: the simple mapping, except that
    /// characters beyond the Basic Multilingual Plane (`𐐀`) and `ẞ`
    /// (U+1E9E, newer than MariaDB's case tables) keep their case.
    MariaDb,
}

impl Folding {
    async fn of(db: &Db) -> Folding {
        match db.dialect() {
            Dialect::Sqlite => Folding::Ascii,
            Dialect::Postgres => Folding::Unicode,
            Dialect::MySql => {
                let version = db
                    .fetch(Statement::raw(db.dialect(), "SELECT VERSION()"), |row| {
                        String::decode(row, 0).map_err(|e| Error::InvalidQuery {
                            model: "version",
                            reason: e.to_string(),
                        })
                    })
                    .await
                    .unwrap();
                if version[0].contains("MariaDB") {
                    Folding::MariaDb
                } else {
                    Folding::Unicode
                }
            }
        }
    }

    fn fold(self, text: &str) -> String {
        text.chars().map(|c| self.fold_char(c)).collect()
    }

    fn fold_char(self, c: char) -> char {
        match self {
            Folding::Ascii => c.to_ascii_lowercase(),
            Folding::Unicode => simple_lowercase(c),
            Folding::MariaDb if u32::from(c) > 0xFFFF || c == 'ẞ' => c,
            Folding::MariaDb => simple_lowercase(c),
        }
    }
}

/// Unicode's simple lowercase mapping. Rust's `char::to_lowercase` is the
/// full mapping, which differs only for `İ` (U+0130, full: `i̇`).
fn simple_lowercase(c: char) -> char {
    if c == 'İ' {
        return 'i';
    }
    c.to_lowercase().next().unwrap_or(c)
}

#[derive(Debug, Clone, Copy)]
enum Lookup {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    IsIn,
    Contains,
    IContains,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    IExact,
    ExcludeEq,
    ExcludeContains,
    ExcludeIStartsWith,
    ExcludeEndsWith,
}

const LOOKUPS: [Lookup; 18] = [
    Lookup::Eq,
    Lookup::Ne,
    Lookup::Gt,
    Lookup::Gte,
    Lookup::Lt,
    Lookup::Lte,
    Lookup::IsIn,
    Lookup::Contains,
    Lookup::IContains,
    Lookup::StartsWith,
    Lookup::IStartsWith,
    Lookup::EndsWith,
    Lookup::IEndsWith,
    Lookup::IExact,
    Lookup::ExcludeEq,
    Lookup::ExcludeContains,
    Lookup::ExcludeIStartsWith,
    Lookup::ExcludeEndsWith,
];

impl Lookup {
    fn query(self, needle: &str, list: &[String]) -> QuerySet<HostileText> {
        let text = HostileText::text;
        let all = HostileText::objects();
        match self {
            Lookup::Eq => all.filter(text().eq(needle)),
            Lookup::Ne => all.filter(text().ne(needle)),
            Lookup::Gt => all.filter(text().gt(needle)),
            Lookup::Gte => all.filter(text().gte(needle)),
            Lookup::Lt => all.filter(text().lt(needle)),
            Lookup::Lte => all.filter(text().lte(needle)),
            Lookup::IsIn => all.filter(text().is_in(list.iter().map(String::as_str))),
            Lookup::Contains => all.filter(text().contains(needle)),
            Lookup::IContains => all.filter(text().icontains(needle)),
            Lookup::StartsWith => all.filter(text().startswith(needle)),
            Lookup::IStartsWith => all.filter(text().istartswith(needle)),
            Lookup::EndsWith => all.filter(text().endswith(needle)),
            Lookup::IEndsWith => all.filter(text().iendswith(needle)),
            Lookup::IExact => all.filter(text().iexact(needle)),
            Lookup::ExcludeEq => all.exclude(text().eq(needle)),
            Lookup::ExcludeContains => all.exclude(text().contains(needle)),
            Lookup::ExcludeIStartsWith => all.exclude(text().istartswith(needle)),
            Lookup::ExcludeEndsWith => all.exclude(text().endswith(needle)),
        }
    }

    /// The same question in Rust. Strings compare by code point, which is
    /// `str`'s byte order.
    fn holds(self, folding: Folding, value: &str, needle: &str, list: &[String]) -> bool {
        let (fv, fn_) = (folding.fold(value), folding.fold(needle));
        match self {
            Lookup::Eq => value == needle,
            Lookup::Ne => value != needle,
            Lookup::Gt => value > needle,
            Lookup::Gte => value >= needle,
            Lookup::Lt => value < needle,
            Lookup::Lte => value <= needle,
            Lookup::IsIn => list.iter().any(|item| item == value),
            Lookup::Contains => value.contains(needle),
            Lookup::IContains => fv.contains(&fn_),
            Lookup::StartsWith => value.starts_with(needle),
            Lookup::IStartsWith => fv.starts_with(&fn_),
            Lookup::EndsWith => value.ends_with(needle),
            Lookup::IEndsWith => fv.ends_with(&fn_),
            Lookup::IExact => fv == fn_,
            Lookup::ExcludeEq => value != needle,
            Lookup::ExcludeContains => !value.contains(needle),
            Lookup::ExcludeIStartsWith => !fv.starts_with(&fn_),
            Lookup::ExcludeEndsWith => !value.ends_with(needle),
        }
    }
}

/// A short, printable form of a string for failure messages.
fn show(text: &str) -> String {
    let shown = format!("{text:?}");
    if shown.chars().count() > 40 {
        let head: String = shown.chars().take(30).collect();
        format!("{head}…({} bytes)", text.len())
    } else {
        shown
    }
}

#[tokio::test]
async fn hostile_strings_agree_with_rust_on_every_text_lookup() {
    each_db("hostile_strings", |db| async move {
        db.create_tables(&[HostileText::META]).await.unwrap();
        let corpus = corpus();
        let mut rows = Vec::new();
        for text in &corpus {
            let mut row = HostileText {
                id: 0,
                text: text.clone(),
            };
            row.insert(&db).await.unwrap();
            rows.push(row);
        }
        // Stored exactly: nothing padded, trimmed or replaced.
        let mut stored = HostileText::objects().all(&db).await.unwrap();
        stored.sort_by_key(|r| r.id);
        assert_eq!(stored, rows, "stored strings on {}", db.dialect());

        let folding = Folding::of(&db).await;
        let mut mismatches = Vec::new();
        let mut comparisons = 0usize;
        for (i, needle) in corpus.iter().enumerate() {
            let list = vec![
                needle.clone(),
                corpus[(i + 1) % corpus.len()].clone(),
                corpus[(i + 7) % corpus.len()].clone(),
            ];
            for lookup in LOOKUPS {
                let got = lookup
                    .query(needle, &list)
                    .all(&db)
                    .await
                    .unwrap_or_else(|e| panic!("{lookup:?}({}): {e}", show(needle)));
                let mut got: Vec<i64> = got.iter().map(|r| r.id).collect();
                got.sort();
                let want: Vec<i64> = rows
                    .iter()
                    .filter(|r| lookup.holds(folding, &r.text, needle, &list))
                    .map(|r| r.id)
                    .collect();
                comparisons += rows.len();
                if got != want {
                    let show_ids = |ids: &[i64]| -> Vec<String> {
                        rows.iter()
                            .filter(|r| ids.contains(&r.id))
                            .map(|r| show(&r.text))
                            .collect()
                    };
                    let extra: Vec<i64> = got.iter().filter(|id| !want.contains(id)).copied().collect();
                    let missing: Vec<i64> = want.iter().filter(|id| !got.contains(id)).copied().collect();
                    mismatches.push(format!(
                        "{lookup:?}({}): extra {:?}, missing {:?}",
                        show(needle),
                        show_ids(&extra),
                        show_ids(&missing)
                    ));
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{} of {comparisons} comparisons differ from Rust on {} ({folding:?} case folding):\n{}",
            mismatches.len(),
            db.dialect(),
            mismatches.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn trailing_spaces_are_significant_in_comparisons() {
    each_db("trailing_spaces", |db| async move {
        db.create_tables(&[HostileText::META]).await.unwrap();
        for text in ["a", "a ", "a  ", "", "\t"] {
            HostileText {
                id: 0,
                text: text.into(),
            }
            .insert(&db)
            .await
            .unwrap();
        }
        let texts = |rows: Vec<HostileText>| -> Vec<String> {
            let mut out: Vec<String> = rows.into_iter().map(|r| r.text).collect();
            out.sort();
            out
        };
        let eq_a = HostileText::objects()
            .filter(HostileText::text().eq("a"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(texts(eq_a), ["a"], "eq(\"a\") on {}", db.dialect());
        let below_tab = HostileText::objects()
            .filter(HostileText::text().lt("\t"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(texts(below_tab), [""], "lt(\"\\t\") on {}", db.dialect());
    })
    .await;
}

/// Whether `result` is strata's refusal of a NUL in text.
fn is_nul_refusal<T: std::fmt::Debug>(result: &strata::Result<T>) -> bool {
    matches!(result, Err(Error::NulInText { .. }))
}

#[tokio::test]
async fn nul_in_text_is_refused_for_storing_and_looking_up() {
    each_db("nul_in_text", |db| async move {
        db.create_tables(&[HostileText::META]).await.unwrap();
        let mut kept = HostileText {
            id: 0,
            text: "a".into(),
        };
        kept.insert(&db).await.unwrap();

        let mut with_nul = HostileText {
            id: 0,
            text: "a\0b".into(),
        };
        let insert = with_nul.insert(&db).await;
        assert!(
            matches!(
                insert,
                Err(Error::NulInText {
                    parameter: 1,
                    position: 1,
                    ..
                })
            ),
            "insert on {}: {insert:?}",
            db.dialect()
        );
        let message = insert.unwrap_err().to_string();
        assert!(message.contains("NUL"), "{message}");

        let update = HostileText::objects()
            .update(&db, [HostileText::text().set("x\0")])
            .await;
        assert!(
            is_nul_refusal(&update),
            "update on {}: {update:?}",
            db.dialect()
        );

        let text = HostileText::text;
        for (name, query) in [
            ("eq", text().eq("a\0b")),
            ("contains", text().contains("\0")),
            ("icontains", text().icontains("a\0")),
            ("startswith", text().startswith("a\0")),
            ("endswith", text().endswith("\0")),
            ("iexact", text().iexact("A\0")),
            ("gt", text().gt("\0")),
            ("is_in", text().is_in(["x", "a\0"])),
        ] {
            let found = HostileText::objects().filter(query).all(&db).await;
            assert!(
                is_nul_refusal(&found),
                "{name} on {}: {found:?}",
                db.dialect()
            );
        }

        // Statements run in a transaction are checked the same way.
        let mut tx = db.begin().await.unwrap();
        let mut w = strata::SqlWriter::new(db.dialect());
        w.push_sql("INSERT INTO ");
        w.push_identifier("hostile_text");
        w.push_sql(" (");
        w.push_identifier("text");
        w.push_sql(") VALUES (");
        w.push_bind(strata::Value::String(Some("\0".into())));
        w.push_sql(")");
        let in_tx = tx.execute(w.finish()).await;
        assert!(
            is_nul_refusal(&in_tx),
            "transaction on {}: {in_tx:?}",
            db.dialect()
        );
        tx.rollback().await.unwrap();

        // Nothing was written.
        let rows = HostileText::objects().all(&db).await.unwrap();
        assert_eq!(rows, [kept], "rows on {}", db.dialect());
    })
    .await;
}
