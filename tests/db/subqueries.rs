//! Subqueries against every database, compared with the same question
//! answered in Rust over the fixture: `EXISTS` plain, correlated and
//! negated; `IN` a values-queryset (empty, sliced, with NULLs, negated);
//! a scalar subquery with an outer reference in a filter, an ordering and
//! a projection; an `UPDATE` filtered by a subquery of its own table.

use strata::prelude::*;
use strata::query::subquery::{Exists, OuterRef, Subquery};
use strata_tests::each_db;
use strata_tests::expressions::{critics, reviews, Critic, Review};

/// The fixture, plus a critic without reviews.
async fn seeded(db: &Db) -> (Vec<Critic>, Vec<Review>) {
    db.create_tables(&[Critic::META, Review::META])
        .await
        .unwrap();
    let mut cs = critics();
    cs.push(Critic {
        id: 0,
        name: "Zoë".into(),
        karma: 0,
    });
    for c in &mut cs {
        c.insert(db).await.unwrap();
    }
    let mut rs = reviews(&cs);
    for r in &mut rs {
        r.insert(db).await.unwrap();
    }
    (cs, rs)
}

fn reviews_of<'a>(rs: &'a [Review], c: &Critic) -> impl Iterator<Item = &'a Review> + 'a {
    let id = c.id;
    rs.iter().filter(move |r| *r.critic.key() == id)
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.iter().map(id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn exists_plain_correlated_and_negated() {
    each_db("subquery_exists", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let all: Vec<i64> = ids(&cs, |c| c.id);
        let got = Critic::objects()
            .filter(Exists(Review::objects().filter(Review::likes().gt(10))))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(ids(&got, |c| c.id), all, "on {}", db.dialect());
        let got = Critic::objects()
            .filter(
                Review::objects()
                    .filter(Review::likes().gt(100))
                    .exists_expr(),
            )
            .all(&db)
            .await
            .unwrap();
        assert!(got.is_empty(), "on {}", db.dialect());

        // Critics with a review liked more than their karma.
        let liked = |outer: OuterRef<Critic>| {
            Review::objects()
                .filter(Review::critic().id().eq(outer.field(Critic::id())))
                .filter(Review::likes().gt(outer.field(Critic::karma())))
        };
        let want: Vec<i64> = cs
            .iter()
            .filter(|c| reviews_of(&rs, c).any(|r| r.likes > c.karma))
            .map(|c| c.id)
            .collect();
        let got = Critic::objects()
            .filter(Exists(liked))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(ids(&got, |c| c.id), want, "on {}", db.dialect());
        let got = Critic::objects()
            .exclude(Exists(liked))
            .all(&db)
            .await
            .unwrap();
        let others: Vec<i64> = all
            .iter()
            .copied()
            .filter(|id| !want.contains(id))
            .collect();
        assert_eq!(ids(&got, |c| c.id), others, "on {}", db.dialect());
        assert_eq!(
            Critic::objects()
                .filter(!Exists(liked))
                .count(&db)
                .await
                .unwrap(),
            others.len() as u64
        );
    })
    .await;
}

#[tokio::test]
async fn subqueries_under_a_multi_valued_relation() {
    each_db("subquery_under_many", |db| async move {
        let (cs, rs) = seeded(&db).await;
        // Critics with a review whose likes equal those of a review with a
        // bonus above 5.
        let liked: Vec<i32> = rs
            .iter()
            .filter(|r| r.bonus.is_some_and(|b| b > 5))
            .map(|r| r.likes)
            .collect();
        let got = Critic::objects()
            .filter(
                Critic::reviews().likes().is_in(
                    Review::objects()
                        .filter(Review::bonus().gt(5))
                        .values(Review::likes()),
                ),
            )
            .all(&db)
            .await
            .unwrap();
        let want: Vec<&Critic> = cs
            .iter()
            .filter(|c| reviews_of(&rs, c).any(|r| liked.contains(&r.likes)))
            .collect();
        assert_eq!(
            ids(&got, |c| c.id),
            ids(&want, |c| c.id),
            "on {}",
            db.dialect()
        );

        // Critics with a review that some other critic's review has fewer
        // likes than: a correlated EXISTS inside `any(..)`, whose outer
        // row is the review.
        let got = Critic::objects()
            .filter(Critic::reviews().any(Exists(|r: OuterRef<Review>| {
                Review::objects()
                    .filter(Review::likes().lt(r.field(Review::likes())))
                    .filter(Review::critic().id().ne(r.field(Review::critic().id())))
            })))
            .all(&db)
            .await
            .unwrap();
        let want: Vec<&Critic> = cs
            .iter()
            .filter(|c| {
                reviews_of(&rs, c).any(|r| {
                    rs.iter()
                        .any(|o| o.likes < r.likes && o.critic.key() != r.critic.key())
                })
            })
            .collect();
        assert_eq!(
            ids(&got, |c| c.id),
            ids(&want, |c| c.id),
            "on {}",
            db.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn is_in_a_values_queryset() {
    each_db("subquery_is_in", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let positive: Vec<i64> = cs.iter().filter(|c| c.karma > 0).map(|c| c.id).collect();
        let got = Review::objects()
            .filter(
                Review::critic().is_in(
                    Critic::objects()
                        .filter(Critic::karma().gt(0))
                        .values(Critic::id()),
                ),
            )
            .all(&db)
            .await
            .unwrap();
        let want: Vec<&Review> = rs
            .iter()
            .filter(|r| positive.contains(r.critic.key()))
            .collect();
        assert_eq!(
            ids(&got, |r| r.id),
            ids(&want, |r| r.id),
            "on {}",
            db.dialect()
        );

        // An empty subquery matches nothing; excluding it keeps everything.
        let empty = || {
            Critic::objects()
                .filter(Critic::karma().gt(1000))
                .values_list(Critic::id())
        };
        let none = Review::objects()
            .filter(Review::critic().id().is_in(empty()))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(none, 0, "on {}", db.dialect());
        let every = Review::objects()
            .exclude(Review::critic().id().is_in(empty()))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(every, rs.len() as u64, "on {}", db.dialect());

        // NULLs on both sides: excluding rows whose bonus is one of the
        // (nullable) bonuses of well-liked reviews keeps the NULL bonuses.
        let liked_bonuses: Vec<i32> = rs
            .iter()
            .filter(|r| r.likes > 5)
            .filter_map(|r| r.bonus)
            .collect();
        let got = Review::objects()
            .exclude(
                Review::bonus().is_in(
                    Review::objects()
                        .filter(Review::likes().gt(5))
                        .values_list(Review::bonus()),
                ),
            )
            .all(&db)
            .await
            .unwrap();
        let want: Vec<&Review> = rs
            .iter()
            .filter(|r| r.bonus.is_none_or(|b| !liked_bonuses.contains(&b)))
            .collect();
        assert_eq!(
            ids(&got, |r| r.id),
            ids(&want, |r| r.id),
            "on {}",
            db.dialect()
        );

        // A sliced subquery (a derived table on MySQL): the two top likes.
        let mut likes: Vec<i32> = rs.iter().map(|r| r.likes).collect();
        likes.sort();
        likes.reverse();
        let top: Vec<i32> = likes.into_iter().take(2).collect();
        let got = Review::objects()
            .filter(
                Review::likes().is_in(
                    Review::objects()
                        .order_by(Review::likes().desc())
                        .values(Review::likes())
                        .limit(2),
                ),
            )
            .all(&db)
            .await
            .unwrap();
        let want: Vec<&Review> = rs.iter().filter(|r| top.contains(&r.likes)).collect();
        assert_eq!(
            ids(&got, |r| r.id),
            ids(&want, |r| r.id),
            "on {}",
            db.dialect()
        );
    })
    .await;
}

fn top_title() -> strata::query::F<Critic, Option<String>> {
    Subquery::new(|critic: OuterRef<Critic>| {
        Review::objects()
            .filter(Review::critic().id().eq(critic.field(Critic::id())))
            .order_by(Review::likes().desc())
            .values(Review::title())
            .limit(1)
    })
}

fn top_likes() -> strata::query::F<Critic, Option<i32>> {
    Subquery::new(|critic: OuterRef<Critic>| {
        Review::objects()
            .filter(Review::critic().id().eq(critic.field(Critic::id())))
            .order_by(Review::likes().desc())
            .values_list(Review::likes())
            .limit(1)
    })
}

#[tokio::test]
async fn scalar_subquery_with_an_outer_reference() {
    each_db("subquery_scalar", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let best = |c: &Critic| reviews_of(&rs, c).max_by_key(|r| r.likes).cloned();

        let got = Critic::objects()
            .values((Critic::name(), top_title(), top_likes()))
            .order_by(Critic::name().asc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(String, Option<String>, Option<i32>)> = cs
            .iter()
            .map(|c| {
                let b = best(c);
                (
                    c.name.clone(),
                    b.as_ref().map(|r| r.title.clone()),
                    b.map(|r| r.likes),
                )
            })
            .collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, want, "on {}", db.dialect());

        // In a filter, also negated (a critic without reviews is kept).
        let got = Critic::objects()
            .filter(top_title().eq("Ærø"))
            .values_list(Critic::name())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(got, vec!["bob".to_string()], "on {}", db.dialect());
        let got = Critic::objects()
            .exclude(top_title().eq("Ærø"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(got, cs.len() as u64 - 1, "on {}", db.dialect());

        // In an ordering: by the best likes, NULL (no reviews) last.
        let got = Critic::objects()
            .order_by(top_likes().desc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<&Critic> = cs.iter().collect();
        want.sort_by_key(|c| std::cmp::Reverse(best(c).map(|r| r.likes)));
        let names = |v: Vec<&Critic>| v.into_iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(got.iter().collect()),
            names(want),
            "on {}",
            db.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn update_sets_fields_from_a_scalar_subquery() {
    each_db("subquery_update_set", |db| async move {
        let (cs, rs) = seeded(&db).await;
        // Another table: every database.
        Critic::objects()
            .update(&db, [Critic::karma().set(top_likes().coalesce(-1))])
            .await
            .unwrap();
        let got = Critic::objects()
            .order_by(Critic::id().asc())
            .values_list(Critic::karma())
            .all(&db)
            .await
            .unwrap();
        let want: Vec<i32> = cs
            .iter()
            .map(|c| reviews_of(&rs, c).map(|r| r.likes).max().unwrap_or(-1))
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());

        // Its own table: the next better review of the same critic, or
        // NULL. MySQL cannot, and says so before running anything.
        let next_better = Subquery::new(|r: OuterRef<Review>| {
            Review::objects()
                .filter(Review::critic().id().eq(r.field(Review::critic().id())))
                .filter(Review::likes().gt(r.field(Review::likes())))
                .order_by(Review::likes().asc())
                .values(Review::likes())
                .limit(1)
        });
        let updated = Review::objects()
            .update(&db, [Review::bonus().set(next_better)])
            .await;
        if db.dialect() == Dialect::MySql {
            let err = updated.unwrap_err();
            assert!(
                matches!(&err, strata::Error::InvalidQuery { reason, .. } if reason.contains("MySQL")),
                "{err}"
            );
            return;
        }
        assert_eq!(updated.unwrap(), rs.len() as u64);
        let got = Review::objects()
            .order_by(Review::id().asc())
            .values_list(Review::bonus())
            .all(&db)
            .await
            .unwrap();
        let want: Vec<Option<i32>> = rs
            .iter()
            .map(|r| {
                rs.iter()
                    .filter(|o| o.critic.key() == r.critic.key() && o.likes > r.likes)
                    .map(|o| o.likes)
                    .min()
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn update_filtered_by_a_subquery_of_its_own_table() {
    each_db("subquery_update", |db| async move {
        let (_, rs) = seeded(&db).await;
        let n = Review::objects()
            .filter(
                Review::id().is_in(
                    Review::objects()
                        .filter(Review::likes().gt(5))
                        .values(Review::id()),
                ),
            )
            .update(&db, [Review::bonus().set(100)])
            .await
            .unwrap();
        let want: Vec<i64> = rs.iter().filter(|r| r.likes > 5).map(|r| r.id).collect();
        assert_eq!(n, want.len() as u64, "on {}", db.dialect());
        let got = Review::objects()
            .filter(Review::bonus().eq(100))
            .values_list(Review::id())
            .order_by(Review::id().asc())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(got, want, "on {}", db.dialect());

        let deleted = Review::objects()
            .filter(Exists(|r: OuterRef<Review>| {
                Review::objects()
                    .filter(Review::likes().gt(r.field(Review::likes())))
                    .filter(Review::critic().id().eq(r.field(Review::critic().id())))
            }))
            .delete(&db)
            .await
            .unwrap();
        // Every critic keeps their best review only.
        assert_eq!(deleted, rs.len() as u64 - 3, "on {}", db.dialect());
    })
    .await;
}
