//! `strata::dynamic` on every database: queries built from metadata at
//! run time return what the same predicate computed in Rust selects, and
//! the writes (insert, update, delete through the deletion collector,
//! many-to-many keys) and the delete preview do what they say.

use strata::dynamic::{
    delete_rows, insert_row, m2m_keys, preview_delete, set_m2m_keys, update_row, DynColumn,
    DynCondition, DynQuery,
};
use strata::prelude::*;
use strata::Value;
use strata_tests::blog::{blog, Author, Comment, Post, Tag};
use strata_tests::each_db;

fn col(model: &'static strata::ModelMeta, field: &str) -> DynColumn {
    DynColumn::of(model, field).unwrap()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(Some(s)) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::I64(Some(i)) => *i,
        other => panic!("not an i64: {other:?}"),
    }
}

const TITLES: [&str; 8] = [
    "Rust in Action",
    "rusty",
    "Dune",
    "TRUST",
    "50% off",
    "a_b",
    "Emma",
    "crust",
];

async fn fixture(db: &Db) -> (Vec<Author>, Vec<(i64, String, bool, i64)>) {
    db.create_tables(&blog()).await.unwrap();
    let mut authors = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        let mut a = Author {
            id: 0,
            name: name.into(),
            posts: Reverse::default(),
        };
        a.insert(db).await.unwrap();
        authors.push(a);
    }
    let mut posts = Vec::new();
    for (i, title) in TITLES.iter().enumerate() {
        let author = &authors[i % 3];
        let mut p = Post {
            id: 0,
            author: ForeignKey::from(author),
            title: title.to_string(),
            published: i % 2 == 0,
            tags: ManyToMany::default(),
            comments: Reverse::default(),
        };
        p.insert(db).await.unwrap();
        posts.push((p.id, title.to_string(), p.published, author.id));
    }
    (authors, posts)
}

#[tokio::test]
async fn dynamic_queries_select_what_rust_selects() {
    each_db("dynamic_queries", |db| async move {
        let (authors, posts) = fixture(&db).await;
        let title = col(Post::META, "title");
        let published = col(Post::META, "published");
        let author = col(Post::META, "author");
        for needle in ["rust", "RUST", "%", "_", "a_b", "zzz", ""] {
            let query = DynQuery::new(Post::META)
                .filter(title.icontains(needle).unwrap())
                .filter(published.eq(Value::Bool(Some(true))).unwrap())
                .order_by(title, true)
                .select_related(author)
                .unwrap();
            let rows = query.all(&db).await.unwrap();
            let mut expected: Vec<&(i64, String, bool, i64)> = posts
                .iter()
                .filter(|p| p.2 && p.1.to_lowercase().contains(&needle.to_lowercase()))
                .collect();
            expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let got: Vec<String> = rows.iter().map(|r| text(&r.values[2])).collect();
            let want: Vec<String> = expected.iter().map(|p| p.1.clone()).collect();
            assert_eq!(got, want, "needle {needle:?}");
            assert_eq!(query.count(&db).await.unwrap(), want.len() as u64);
            for (row, post) in rows.iter().zip(&expected) {
                let joined = row.related("author").expect("the author is joined");
                let name = authors
                    .iter()
                    .find(|a| a.id == post.3)
                    .unwrap()
                    .name
                    .clone();
                assert_eq!(text(&joined[1]), name);
            }
        }
        // A page of an ordered query, and an OR of conditions.
        let id = col(Post::META, "id");
        let page = DynQuery::new(Post::META)
            .order_by(id, false)
            .limit(3)
            .offset(2);
        let got: Vec<i64> = page
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| int(&r.values[0]))
            .collect();
        let want: Vec<i64> = posts.iter().skip(2).take(3).map(|p| p.0).collect();
        assert_eq!(got, want);
        let bob = authors[1].id;
        let any = DynCondition::any(vec![
            author.eq(Value::I64(Some(bob))).unwrap(),
            title.icontains("dune").unwrap(),
        ])
        .unwrap();
        let got = DynQuery::new(Post::META)
            .filter(any.negate())
            .count(&db)
            .await
            .unwrap();
        let want = posts
            .iter()
            .filter(|p| !(p.3 == bob || p.1.to_lowercase().contains("dune")))
            .count();
        assert_eq!(got, want as u64);
    })
    .await;
}

#[tokio::test]
async fn dynamic_writes_and_the_delete_preview() {
    each_db("dynamic_writes", |db| async move {
        let (authors, posts) = fixture(&db).await;
        let name = col(Author::META, "name");
        let key = insert_row(
            &db,
            Author::META,
            vec![(name, Value::String(Some("Dee".into())))],
        )
        .await
        .unwrap();
        let dee = int(&key);
        let stored = Author::objects()
            .filter(Author::id().eq(dee))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(stored.name, "Dee");
        let matched = update_row(
            &db,
            Author::META,
            key.clone(),
            vec![(name, Value::String(Some("Dee Dee".into())))],
        )
        .await
        .unwrap();
        assert_eq!(matched, 1);
        let stored = Author::objects()
            .filter(Author::id().eq(dee))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(stored.name, "Dee Dee");
        // A value of the wrong kind, or a column of another model, is refused.
        assert!(
            insert_row(&db, Author::META, vec![(name, Value::I32(Some(1)))])
                .await
                .is_err()
        );
        let title = col(Post::META, "title");
        assert!(insert_row(
            &db,
            Author::META,
            vec![(title, Value::String(Some("x".into())))]
        )
        .await
        .is_err());

        // Many-to-many keys.
        let mut tags = Vec::new();
        for n in ["x", "y", "z"] {
            let mut t = Tag {
                id: 0,
                name: n.into(),
                posts: Reverse::default(),
            };
            t.insert(&db).await.unwrap();
            tags.push(Value::I64(Some(t.id)));
        }
        let m2m = &Post::META.many_to_many[0];
        let first = Value::I64(Some(posts[0].0));
        set_m2m_keys(
            &db,
            Post::META,
            m2m,
            first.clone(),
            vec![tags[0].clone(), tags[2].clone()],
        )
        .await
        .unwrap();
        assert_eq!(
            m2m_keys(&db, Post::META, m2m, first.clone()).await.unwrap(),
            vec![tags[0].clone(), tags[2].clone()]
        );
        set_m2m_keys(&db, Post::META, m2m, first.clone(), vec![tags[1].clone()])
            .await
            .unwrap();
        assert_eq!(
            m2m_keys(&db, Post::META, m2m, first.clone()).await.unwrap(),
            vec![tags[1].clone()]
        );

        // The preview of deleting Ann lists her posts and their comments.
        let ann = &authors[0];
        let anns_posts: Vec<i64> = posts
            .iter()
            .filter(|p| p.3 == ann.id)
            .map(|p| p.0)
            .collect();
        let mut c = Comment {
            id: 0,
            post: ForeignKey::new(anns_posts[0]),
            body: "hi".into(),
        };
        c.insert(&db).await.unwrap();
        let preview = preview_delete(&db, Author::META, vec![Value::I64(Some(ann.id))])
            .await
            .unwrap();
        assert!(preview.allowed());
        let cascaded: Vec<(&str, Vec<i64>)> = preview
            .cascaded
            .iter()
            .map(|g| (g.model.name, g.keys.iter().map(int).collect()))
            .collect();
        assert!(
            cascaded.contains(&("Post", anns_posts.clone())),
            "{cascaded:?}"
        );
        assert!(cascaded.contains(&("Comment", vec![c.id])), "{cascaded:?}");
        assert_eq!(
            Post::objects().count(&db).await.unwrap(),
            posts.len() as u64,
            "a preview deletes nothing"
        );
        let deleted = delete_rows(&db, Author::META, vec![Value::I64(Some(ann.id))])
            .await
            .unwrap();
        assert_eq!(deleted, 1);
        assert_eq!(
            Post::objects().count(&db).await.unwrap(),
            (posts.len() - anns_posts.len()) as u64
        );
        assert_eq!(Comment::objects().count(&db).await.unwrap(), 0);
    })
    .await;
}
