//! Projections against every database, compared with the same rows
//! computed in Rust over the fixture: tuples across a foreign key,
//! expressions, flat values, `distinct`, `values(..).annotate(..)` with
//! NULLs in aggregates, slices and empty sets.

use std::collections::BTreeMap;
use strata::prelude::*;
use strata::query::aggregate::{Count, Max, Sum};
use strata_tests::each_db;
use strata_tests::expressions::{critics, reviews, Critic, Review};

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

/// Which fixture rows a queryset keeps.
type Keep = fn(&Review) -> bool;

fn critic_of<'a>(cs: &'a [Critic], r: &Review) -> &'a Critic {
    cs.iter()
        .find(|c| c.id == *r.critic.key())
        .expect("every review has its critic")
}

#[tokio::test]
async fn values_return_typed_tuples_across_a_foreign_key() {
    each_db("values_tuples", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let got = Review::objects()
            .values((
                Review::id(),
                Review::title(),
                Review::critic().name(),
                Review::nick(),
            ))
            .order_by(Review::id().asc())
            .all(&db)
            .await
            .unwrap();
        let want: Vec<(i64, String, String, Option<String>)> = rs
            .iter()
            .map(|r| {
                (
                    r.id,
                    r.title.clone(),
                    critic_of(&cs, r).name.clone(),
                    r.nick.clone(),
                )
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());

        // Expressions, filtered, sliced.
        let got = Review::objects()
            .filter(Review::likes().gte(0))
            .values((
                Review::likes() - Review::dislikes(),
                Review::title().length(),
            ))
            .order_by([Review::likes().desc(), Review::id().asc()])
            .offset(1)
            .limit(2)
            .all(&db)
            .await
            .unwrap();
        let mut kept: Vec<&Review> = rs.iter().filter(|r| r.likes >= 0).collect();
        kept.sort_by_key(|r| (std::cmp::Reverse(r.likes), r.id));
        let want: Vec<(i32, i64)> = kept
            .iter()
            .skip(1)
            .take(2)
            .map(|r| (r.likes - r.dislikes, r.title.chars().count() as i64))
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());

        // An empty set.
        let none = Review::objects()
            .filter(Review::likes().gt(1000))
            .values((Review::id(), Review::critic().name()))
            .all(&db)
            .await
            .unwrap();
        assert!(none.is_empty());
    })
    .await;
}

#[tokio::test]
async fn values_list_is_flat_and_distinct_removes_repeats() {
    each_db("values_list_flat", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let titles = Review::objects()
            .values_list(Review::title())
            .order_by(Review::title().asc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<String> = rs.iter().map(|r| r.title.clone()).collect();
        want.sort();
        assert_eq!(titles, want, "on {}", db.dialect());

        let names = Review::objects()
            .values_list(Review::critic().name())
            .distinct()
            .order_by(Review::critic().name().desc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<String> = rs.iter().map(|r| critic_of(&cs, r).name.clone()).collect();
        want.sort();
        want.dedup();
        want.reverse();
        assert_eq!(names, want, "on {}", db.dialect());

        let nicks = Review::objects()
            .values_list(Review::nick())
            .filter(Review::nick().is_null(true))
            .distinct()
            .all(&db)
            .await
            .unwrap();
        assert_eq!(nicks, vec![None], "on {}", db.dialect());

        // Ordering by an unselected field is refused with distinct, on
        // every database alike.
        let err = Review::objects()
            .values_list(Review::title())
            .distinct()
            .order_by(Review::likes().asc())
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, strata::Error::InvalidQuery { reason, .. } if reason.contains("`likes`")),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn values_annotate_groups_by_the_selected_values() {
    each_db("values_annotate", |db| async move {
        let (cs, rs) = seeded(&db).await;
        type Group = (i64, Option<i64>, Option<i64>, Option<String>);
        let group = |keep: Keep| {
            let mut groups: BTreeMap<String, Vec<&Review>> = BTreeMap::new();
            for r in rs.iter().filter(|r| keep(r)) {
                groups
                    .entry(critic_of(&cs, r).name.clone())
                    .or_default()
                    .push(r);
            }
            groups
                .into_iter()
                .map(|(name, rows)| {
                    let bonuses: Vec<i64> =
                        rows.iter().filter_map(|r| r.bonus).map(i64::from).collect();
                    let g: Group = (
                        rows.len() as i64,
                        Some(rows.iter().map(|r| i64::from(r.likes)).sum()),
                        (!bonuses.is_empty()).then(|| bonuses.iter().sum()),
                        rows.iter().filter_map(|r| r.nick.clone()).max(),
                    );
                    (name, g.0, g.1, g.2, g.3)
                })
                .collect::<Vec<_>>()
        };
        let cases: [(QuerySet<Review>, Keep); 3] = [
            (Review::objects(), |_| true),
            // bob keeps one review, whose bonus is NULL: its Sum is None.
            (Review::objects().filter(Review::likes().lt(5)), |r| {
                r.likes < 5
            }),
            (Review::objects().filter(Review::likes().gt(1000)), |_| {
                false
            }),
        ];
        for (qs, keep) in cases {
            let got = qs
                .values(Review::critic().name())
                .annotate((
                    Count::all(),
                    Sum(Review::likes()),
                    Sum(Review::bonus()),
                    Max(Review::nick()),
                ))
                .order_by(Review::critic().name().asc())
                .all(&db)
                .await
                .unwrap();
            assert_eq!(got, group(keep), "on {}", db.dialect());
        }

        // Two grouping values, the critic's key read without a join.
        let got = Review::objects()
            .values((Review::critic().id(), Review::dislikes()))
            .annotate(Count::all())
            .order_by([Review::critic().id().asc(), Review::dislikes().asc()])
            .all(&db)
            .await
            .unwrap();
        let mut want: BTreeMap<(i64, i32), i64> = BTreeMap::new();
        for r in &rs {
            *want.entry((critic_of(&cs, r).id, r.dislikes)).or_default() += 1;
        }
        let want: Vec<(i64, i32, i64)> = want.into_iter().map(|((c, d), n)| (c, d, n)).collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn values_keep_a_default_ordering_distinct_and_annotate_drop_it() {
    use crate::default_ordering::{Player, Team};
    each_db("values_default_ordering", |db| async move {
        db.create_tables(&[Team::META, Player::META]).await.unwrap();
        let mut team = Team {
            id: 0,
            name: "a".into(),
            players: Reverse::new(),
        };
        team.insert(&db).await.unwrap();
        let mut players: Vec<Player> = [("zoe", 2), ("amy", 5), ("bob", 2), ("cat", 9)]
            .into_iter()
            .map(|(name, rank)| Player {
                id: 0,
                name: name.into(),
                rank,
                team: ForeignKey::to(&team),
            })
            .collect();
        Player::bulk_create(&db, &mut players).await.unwrap();

        // Ordered by the default ordering (rank desc, name).
        let names = Player::objects()
            .values_list(Player::name())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(names, ["cat", "amy", "bob", "zoe"], "on {}", db.dialect());

        let mut ranks = Player::objects()
            .values_list(Player::rank())
            .distinct()
            .all(&db)
            .await
            .unwrap();
        ranks.sort();
        assert_eq!(ranks, [2, 5, 9], "on {}", db.dialect());

        let counts = Player::objects()
            .values(Player::rank())
            .annotate(Count::all())
            .order_by(Player::rank().asc())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(counts, [(2, 2), (5, 1), (9, 1)], "on {}", db.dialect());
    })
    .await;
}
