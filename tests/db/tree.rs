//! Models that refer to themselves (a category tree) or to each other (a
//! team and its players, the team's captain being a player): tables,
//! select_related and filters across the self relation, prefetches of
//! children and grandchildren, and deletes that cascade down a tree or
//! around a cycle. Every answer is checked against the same tree walked in
//! Rust.

use std::collections::BTreeSet;
use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::tree::*;

/// `(name, index of the parent)`: two roots; under `a` a chain eleven
/// levels deep (deeper than any fixed cascade depth) with side branches,
/// under `b` two leaves.
fn shape() -> Vec<(String, Option<usize>)> {
    let mut nodes = vec![("a".to_string(), None), ("b".to_string(), None)];
    let mut parent = 0;
    for depth in 1..=11 {
        nodes.push((format!("a{depth}"), Some(parent)));
        let chain = nodes.len() - 1;
        if depth % 3 == 0 {
            nodes.push((format!("a{depth}-side"), Some(parent)));
        }
        parent = chain;
    }
    nodes.push(("b1".to_string(), Some(1)));
    nodes.push(("b2".to_string(), Some(1)));
    nodes
}

/// Inserts [`shape`], parents before children; returns the rows.
async fn tree_db(db: &Db) -> Vec<Category> {
    db.create_tables(&tree()).await.unwrap();
    let mut rows: Vec<Category> = Vec::new();
    for (name, parent) in shape() {
        let mut row = Category {
            id: 0,
            name,
            parent: parent.map(|p| ForeignKey::to(&rows[p])),
            children: Reverse::new(),
        };
        row.insert(db).await.unwrap();
        rows.push(row);
    }
    rows
}

fn parent_of(rows: &[Category], row: &Category) -> Option<Category> {
    let key = row.parent.as_ref()?.key();
    rows.iter().find(|r| r.id == *key).cloned()
}

fn children_of(rows: &[Category], id: i64) -> Vec<&Category> {
    rows.iter()
        .filter(|r| r.parent.as_ref().is_some_and(|p| *p.key() == id))
        .collect()
}

/// `id` and every row below it.
fn subtree(rows: &[Category], id: i64) -> BTreeSet<i64> {
    let mut out = BTreeSet::from([id]);
    let mut todo = vec![id];
    while let Some(next) = todo.pop() {
        for child in children_of(rows, next) {
            out.insert(child.id);
            todo.push(child.id);
        }
    }
    out
}

async fn names(db: &Db) -> BTreeSet<String> {
    Category::objects()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

#[tokio::test]
async fn select_related_through_a_self_relation_loads_each_parent() {
    each_db("self_fk_select_related", |db| async move {
        let rows = tree_db(&db).await;
        let found = Category::objects()
            .select_related(Category::parent())
            .order_by(Category::id().asc())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(found.len(), rows.len());
        for (got, row) in found.iter().zip(&rows) {
            assert_eq!(got.name, row.name);
            let expected = parent_of(&rows, row).map(|p| p.name);
            let loaded = got
                .parent
                .as_ref()
                .map(|p| p.get().expect("loaded").name.clone());
            assert_eq!(loaded, expected, "parent of {}", row.name);
        }
    })
    .await;
}

#[tokio::test]
async fn filters_across_a_self_relation_join_the_table_to_itself() {
    each_db("self_fk_filter", |db| async move {
        let rows = tree_db(&db).await;
        let under_a3: Vec<String> = Category::objects()
            .filter(Category::parent().name().eq("a3"))
            .order_by(Category::name().asc())
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        let mut expected: Vec<String> = rows
            .iter()
            .filter(|r| parent_of(&rows, r).is_some_and(|p| p.name == "a3"))
            .map(|r| r.name.clone())
            .collect();
        expected.sort();
        assert_eq!(under_a3, expected);
        assert!(!expected.is_empty());
        // Two hops up, with the parent loaded too.
        let grandchildren_of_a = Category::objects()
            .filter(Category::parent().parent().name().eq("a"))
            .select_related(Category::parent())
            .all(&db)
            .await
            .unwrap();
        let expected: Vec<&str> = rows
            .iter()
            .filter(|r| {
                parent_of(&rows, r)
                    .and_then(|p| parent_of(&rows, &p))
                    .is_some_and(|g| g.name == "a")
            })
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            grandchildren_of_a
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            expected
        );
        assert!(grandchildren_of_a
            .iter()
            .all(|c| c.parent.as_ref().unwrap().get().unwrap().name == "a1"));
        // Two levels of the same relation loaded in one query.
        let with_grandparents = Category::objects()
            .select_related(Category::parent().parent())
            .order_by(Category::id().asc())
            .all(&db)
            .await
            .unwrap();
        for (got, row) in with_grandparents.iter().zip(&rows) {
            let parent = got.parent.as_ref().map(|p| p.get().expect("parent loaded"));
            let grandparent = parent
                .and_then(|p| p.parent.as_ref())
                .map(|g| g.get().expect("grandparent loaded").name.clone());
            let expected = parent_of(&rows, row)
                .and_then(|p| parent_of(&rows, &p))
                .map(|g| g.name);
            assert_eq!(grandparent, expected, "grandparent of {}", row.name);
        }
    })
    .await;
}

#[tokio::test]
async fn prefetch_related_loads_children_and_grandchildren() {
    each_db("self_fk_prefetch", |db| async move {
        let rows = tree_db(&db).await;
        let all = Category::objects()
            .prefetch_related(Category::children())
            .prefetch_related(Category::children().then(Category::children()))
            .order_by(Category::id().asc())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(all.len(), rows.len());
        // The forward side of the self relation prefetches too.
        let with_parents = Category::objects()
            .prefetch_related(Category::parent())
            .order_by(Category::id().asc())
            .all(&db)
            .await
            .unwrap();
        for (got, row) in with_parents.iter().zip(&rows) {
            let loaded = got
                .parent
                .as_ref()
                .map(|p| p.get().expect("prefetched").name.clone());
            assert_eq!(loaded, parent_of(&rows, row).map(|p| p.name));
        }
        let roots: Vec<&Category> = all.iter().filter(|c| c.parent.is_none()).collect();
        assert_eq!(roots.len(), 2);
        for root in roots {
            let children = root.children.get().expect("children loaded");
            let mut got: Vec<i64> = children.iter().map(|c| c.id).collect();
            got.sort();
            let expected: Vec<i64> = children_of(&rows, root.id).iter().map(|c| c.id).collect();
            assert_eq!(got, expected, "children of {}", root.name);
            for child in children {
                let mut got: Vec<i64> = child
                    .children
                    .get()
                    .expect("grandchildren loaded")
                    .iter()
                    .map(|c| c.id)
                    .collect();
                got.sort();
                let expected: Vec<i64> =
                    children_of(&rows, child.id).iter().map(|c| c.id).collect();
                assert_eq!(got, expected, "children of {}", child.name);
                // Loaded two levels deep only.
                for grandchild in child.children.get().unwrap() {
                    assert!(!grandchild.children.is_loaded());
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn deleting_a_root_cascades_down_the_whole_subtree() {
    each_db("self_fk_cascade", |db| async move {
        let rows = tree_db(&db).await;
        let a = rows.iter().find(|r| r.name == "a").unwrap();
        let gone = subtree(&rows, a.id);
        assert!(a.clone().delete(&db).await.unwrap());
        let expected: BTreeSet<String> = rows
            .iter()
            .filter(|r| !gone.contains(&r.id))
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(names(&db).await, expected);
        // A queryset delete of the other root takes the rest.
        Category::objects()
            .filter(Category::name().eq("b"))
            .delete(&db)
            .await
            .unwrap();
        assert!(names(&db).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_protected_row_deep_in_a_tree_refuses_deleting_its_root() {
    each_db("self_fk_protect", |db| async move {
        let rows = tree_db(&db).await;
        let deepest = rows.iter().find(|r| r.name == "a11").unwrap();
        Pin { id: 0, category: ForeignKey::to(deepest) }
            .insert(&db)
            .await
            .unwrap();
        let before = names(&db).await;
        let a = rows.iter().find(|r| r.name == "a").unwrap();
        let err = a.clone().delete(&db).await.unwrap_err();
        assert!(
            matches!(&err, strata::Error::Protected { protected_by, count: 1, .. } if protected_by == "Pin.category"),
            "{err:?}"
        );
        assert_eq!(names(&db).await, before, "nothing deleted");
        // The other root is not protected.
        let b = rows.iter().find(|r| r.name == "b").unwrap();
        assert!(b.clone().delete(&db).await.unwrap());
        assert_eq!(names(&db).await.len(), before.len() - subtree(&rows, b.id).len());
    })
    .await;
}

#[tokio::test]
async fn foreign_keys_in_a_cycle_create_query_and_delete() {
    each_db("fk_cycle", |db| async move {
        db.create_tables(&tree()).await.unwrap();
        let mut team = Team {
            id: 0,
            name: "red".into(),
            captain: None,
        };
        team.insert(&db).await.unwrap();
        let mut players = Vec::new();
        for name in ["ann", "bob"] {
            let mut p = Player {
                id: 0,
                name: name.into(),
                team: ForeignKey::to(&team),
            };
            p.insert(&db).await.unwrap();
            players.push(p);
        }
        team.captain = Some(ForeignKey::to(&players[1]));
        team.save(&db).await.unwrap();
        let loaded = Team::objects()
            .select_related(Team::captain())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(loaded.captain.as_ref().unwrap().get().unwrap().name, "bob");
        let captains_team = Player::objects()
            .filter(Player::team().captain().name().eq("bob"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(captains_team, 2);
        assert!(team.delete(&db).await.unwrap());
        assert_eq!(Player::objects().count(&db).await.unwrap(), 0);
        assert_eq!(Team::objects().count(&db).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_tree_deeper_than_innodb_cascades_is_deleted_whole() {
    each_db("self_fk_deep_cascade", |db| async move {
        db.create_tables(&tree()).await.unwrap();
        // A chain 40 levels deep (InnoDB cascades at most 15), each level
        // with a leaf beside it, and a second tree that stays.
        let mut chain: Vec<Category> = Vec::new();
        let mut all: Vec<Category> = Vec::new();
        for depth in 0..40 {
            for name in [format!("deep{depth}"), format!("leaf{depth}")] {
                let mut row = Category {
                    id: 0,
                    parent: chain.last().map(ForeignKey::to),
                    name,
                    children: Reverse::new(),
                };
                row.insert(&db).await.unwrap();
                all.push(row);
            }
            chain.push(all[all.len() - 2].clone());
        }
        let mut other = Category {
            id: 0,
            name: "other".into(),
            parent: None,
            children: Reverse::new(),
        };
        other.insert(&db).await.unwrap();
        let mut below = Category {
            id: 0,
            name: "below-other".into(),
            parent: Some(ForeignKey::to(&other)),
            children: Reverse::new(),
        };
        below.insert(&db).await.unwrap();
        all.extend([other.clone(), below]);

        let root = all.iter().find(|c| c.name == "deep0").unwrap();
        let gone = subtree(&all, root.id);
        // Every chain row and its leaf, but `leaf0`: a root of its own.
        assert_eq!(gone.len(), 79);
        let deleted = Category::objects()
            .filter(Category::name().eq("deep0"))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(deleted, 1, "the rows the delete selected");
        let expected: BTreeSet<String> = all
            .iter()
            .filter(|r| !gone.contains(&r.id))
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(names(&db).await, expected);
    })
    .await;
}

#[tokio::test]
async fn a_cascade_around_a_cycle_of_two_models_follows_the_chain() {
    each_db("fk_cycle_cascade", |db| async move {
        db.create_tables(&tree()).await.unwrap();
        // a0 <- b0 <- a1 <- b1 <- ... <- b5: each row refers to the one
        // before; deleting a2 takes a2 and everything after it.
        let mut a_rows: Vec<RingA> = Vec::new();
        let mut b_rows: Vec<RingB> = Vec::new();
        for i in 0..6 {
            let mut a = RingA {
                id: 0,
                name: format!("a{i}"),
                b: b_rows.last().map(ForeignKey::to),
            };
            a.insert(&db).await.unwrap();
            let mut b = RingB {
                id: 0,
                name: format!("b{i}"),
                a: Some(ForeignKey::to(&a)),
            };
            b.insert(&db).await.unwrap();
            a_rows.push(a);
            b_rows.push(b);
        }
        // Close the ring in the data too: a0 refers to b5.
        a_rows[0].b = Some(ForeignKey::to(&b_rows[5]));
        a_rows[0].save(&db).await.unwrap();
        assert!(
            a_rows[3].clone().delete(&db).await.unwrap(),
            "a3 was deleted"
        );
        // a3 -> b3 -> a4 -> b4 -> a5 -> b5 -> a0 -> b0 -> a1 -> b1 -> a2 -> b2:
        // around the ring, everything goes, and the walk ends.
        assert_eq!(RingA::objects().count(&db).await.unwrap(), 0);
        assert_eq!(RingB::objects().count(&db).await.unwrap(), 0);

        // An open chain: only the rows after the deleted one go.
        let mut a_rows: Vec<RingA> = Vec::new();
        let mut b_rows: Vec<RingB> = Vec::new();
        for i in 0..6 {
            let mut a = RingA {
                id: 0,
                name: format!("a{i}"),
                b: b_rows.last().map(ForeignKey::to),
            };
            a.insert(&db).await.unwrap();
            let mut b = RingB {
                id: 0,
                name: format!("b{i}"),
                a: Some(ForeignKey::to(&a)),
            };
            b.insert(&db).await.unwrap();
            a_rows.push(a);
            b_rows.push(b);
        }
        b_rows[2].clone().delete(&db).await.unwrap();
        let left: Vec<String> = RingA::objects()
            .order_by(RingA::name().asc())
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(left, ["a0", "a1", "a2"]);
        let left: Vec<String> = RingB::objects()
            .order_by(RingB::name().asc())
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(left, ["b0", "b1"]);
    })
    .await;
}
