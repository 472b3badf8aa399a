//! Expressions (`F`) against every database: each filter shape compared
//! with the same question answered in Rust, updates computed by the
//! database in one statement, orderings by expressions.

use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::expressions::{critics, filter_shapes, reviews, Critic, Review};

async fn seeded(db: &Db) -> (Vec<Critic>, Vec<Review>) {
    db.create_tables(&[Critic::META, Review::META])
        .await
        .unwrap();
    let mut cs = critics();
    for c in &mut cs {
        c.insert(db).await.unwrap();
    }
    let mut rs = reviews(&cs);
    for r in &mut rs {
        r.insert(db).await.unwrap();
    }
    (cs, rs)
}

fn critic_of<'a>(critics: &'a [Critic], review: &Review) -> &'a Critic {
    critics
        .iter()
        .find(|c| c.id == *review.critic.key())
        .expect("fixture critic")
}

#[tokio::test]
async fn every_expression_filter_returns_the_rows_rust_computes() {
    each_db("every_expression_filter", |db| async move {
        let (cs, rs) = seeded(&db).await;
        // Twice: the second round comes from the statement cache (debug
        // builds check it against a fresh render).
        for shape in filter_shapes().into_iter().chain(filter_shapes()) {
            let mut got: Vec<i64> = shape
                .query
                .all(&db)
                .await
                .unwrap_or_else(|e| panic!("{} on {}: {e}", shape.name, db.dialect()))
                .iter()
                .map(|r| r.id)
                .collect();
            got.sort();
            let want: Vec<i64> = rs
                .iter()
                .filter(|r| (shape.keep)(r, critic_of(&cs, r)))
                .map(|r| r.id)
                .collect();
            assert_eq!(got, want, "shape {} on {}", shape.name, db.dialect());
            let count = shape.query.count(&db).await.unwrap();
            assert_eq!(count as usize, want.len(), "count of {}", shape.name);
        }
    })
    .await;
}

#[tokio::test]
async fn update_computes_new_values_from_the_row_in_one_statement() {
    each_db("update_from_expression", |db| async move {
        let (_, rs) = seeded(&db).await;
        let changed = Review::objects()
            .filter(Review::likes().gt(Review::dislikes()))
            .update(
                &db,
                [
                    Review::likes().set(Review::likes() + 1),
                    Review::bonus().set(Review::bonus().coalesce(0) * 2),
                    Review::nick().set(Review::title().lower()),
                ],
            )
            .await
            .unwrap();
        let mut want: Vec<Review> = rs.clone();
        let mut n = 0;
        for r in &mut want {
            if r.likes > r.dislikes {
                n += 1;
                r.likes += 1;
                r.bonus = Some(r.bonus.unwrap_or(0) * 2);
                // The fixture's changed titles are ASCII or start with a
                // non-ASCII capital SQLite does not fold.
                r.nick = Some(if db.dialect() == Dialect::Sqlite {
                    r.title.to_ascii_lowercase()
                } else {
                    r.title.to_lowercase()
                });
            }
        }
        assert_eq!(changed, n);
        let got = Review::objects()
            .order_by(Review::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(got, want);
    })
    .await;
}

#[tokio::test]
async fn update_from_a_related_models_field_is_refused_before_running() {
    each_db("update_from_related_field", |db| async move {
        seeded(&db).await;
        let err = Review::objects()
            .update(&db, [Review::likes().set(Review::critic().karma() + 1)])
            .await
            .unwrap_err();
        match err {
            strata::Error::InvalidQuery { model, reason } => {
                assert_eq!(model, "Review");
                assert!(reason.contains("own fields"), "{reason}");
            }
            other => panic!("expected InvalidQuery, got {other:?}"),
        }
        // Nothing changed.
        let likes: i64 = Review::objects()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| i64::from(r.likes))
            .sum();
        assert_eq!(likes, 16);
    })
    .await;
}

#[tokio::test]
async fn order_by_lowered_text_ignores_ascii_case() {
    each_db("order_by_lower", |db| async move {
        let (_, rs) = seeded(&db).await;
        let got: Vec<i64> = Review::objects()
            .order_by([Review::title().lower().asc(), Review::id().asc()])
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        let mut want = rs.clone();
        want.sort_by_key(|r| (r.title.to_lowercase(), r.id));
        let want: Vec<i64> = want.iter().map(|r| r.id).collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn order_by_expression_puts_nulls_where_asked() {
    each_db("order_by_nulls", |db| async move {
        let (_, rs) = seeded(&db).await;
        for nulls_last in [true, false] {
            // A bound value in the term: MySQL writes it twice.
            let term = (Review::bonus() * 2).asc();
            let term = if nulls_last {
                term.nulls_last()
            } else {
                term.nulls_first()
            };
            let got: Vec<i64> = Review::objects()
                .order_by([
                    term,
                    (Review::likes() - Review::dislikes()).desc(),
                    Review::id().asc(),
                ])
                .all(&db)
                .await
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect();
            let mut want = rs.clone();
            want.sort_by_key(|r| {
                (
                    r.bonus.is_some() != nulls_last,
                    r.bonus,
                    std::cmp::Reverse(r.likes - r.dislikes),
                    r.id,
                )
            });
            let want: Vec<i64> = want.iter().map(|r| r.id).collect();
            assert_eq!(got, want, "nulls_last={nulls_last} on {}", db.dialect());
        }
    })
    .await;
}

#[tokio::test]
async fn lower_and_upper_fold_non_ascii_letters_except_on_sqlite() {
    each_db("lower_non_ascii", |db| async move {
        seeded(&db).await;
        let lowered = Review::objects()
            .filter(Review::title().lower().eq("straße über ähren"))
            .count(&db)
            .await
            .unwrap();
        let uppered = Review::objects()
            .filter(Review::nick().upper().eq("SÜß"))
            .count(&db)
            .await
            .unwrap();
        // SQLite's built-in lower()/upper() fold ASCII letters only.
        let folds = db.dialect() != Dialect::Sqlite;
        assert_eq!(lowered, u64::from(folds), "on {}", db.dialect());
        assert_eq!(uppered, 1, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn decimal_arithmetic_is_exact_or_refused_on_sqlite() {
    use rust_decimal::Decimal;
    use strata_tests::ledger::{ledger, Ledger};
    each_db("decimal_arithmetic", |db| async move {
        db.create_tables(&[Ledger::META]).await.unwrap();
        let mut rows = ledger();
        for row in &mut rows {
            row.insert(&db).await.unwrap();
        }
        let cents: Decimal = "0.30".parse().unwrap();
        // 0.10 + 0.20 = 0.30 exactly (in floating point it is not).
        let query = Ledger::objects()
            .filter((Ledger::amount() + "0.20".parse::<Decimal>().unwrap()).eq(cents));
        let found = query.all(&db).await;
        let updated = Ledger::objects()
            .update(&db, [Ledger::amount().set(Ledger::amount() * Decimal::TWO)])
            .await;
        if db.dialect() == Dialect::Sqlite {
            for err in [
                found.map(|_| ()).unwrap_err(),
                updated.map(|_| ()).unwrap_err(),
            ] {
                match err {
                    strata::Error::InvalidQuery { reason, .. } => {
                        assert!(reason.contains("SQLite"), "{reason}")
                    }
                    other => panic!("expected InvalidQuery, got {other:?}"),
                }
            }
        } else {
            let want: Vec<i64> = rows
                .iter()
                .filter(|l| l.amount + "0.20".parse::<Decimal>().unwrap() == cents)
                .map(|l| l.id)
                .collect();
            let got: Vec<i64> = found.unwrap().iter().map(|l| l.id).collect();
            assert_eq!(got, want, "on {}", db.dialect());
            assert_eq!(updated.unwrap(), 3);
            let doubled: Vec<Decimal> = Ledger::objects()
                .order_by(Ledger::id())
                .all(&db)
                .await
                .unwrap()
                .iter()
                .map(|l| l.amount)
                .collect();
            let want: Vec<Decimal> = rows.iter().map(|l| l.amount * Decimal::TWO).collect();
            assert_eq!(doubled, want, "on {}", db.dialect());
        }
    })
    .await;
}
