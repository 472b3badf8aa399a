//! Ordering from names given at run time, against every database,
//! compared with the same sort in Rust; unknown names are an error that
//! names them and lists the valid fields.

use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::expressions::{critics, reviews, Critic, Review};

#[tokio::test]
async fn order_by_names_sorts_as_the_typed_ordering() {
    each_db("order_by_names", |db| async move {
        db.create_tables(&[Critic::META, Review::META])
            .await
            .unwrap();
        let mut cs = critics();
        for c in &mut cs {
            c.insert(&db).await.unwrap();
        }
        let mut rs = reviews(&cs);
        for r in &mut rs {
            r.insert(&db).await.unwrap();
        }
        let got = Review::objects()
            .order_by_names(["-likes"])
            .unwrap()
            .all(&db)
            .await
            .unwrap();
        let mut want = rs.clone();
        want.sort_by_key(|r| std::cmp::Reverse(r.likes));
        assert_eq!(got, want, "on {}", db.dialect());

        // NULLs first ascending on every database; a name from a user.
        let from_user = vec!["+nick".to_string(), "-id".to_string()];
        let got = Review::objects()
            .order_by_names(&from_user)
            .unwrap()
            .all(&db)
            .await
            .unwrap();
        let mut want = rs.clone();
        want.sort_by(|a, b| a.nick.cmp(&b.nick).then(b.id.cmp(&a.id)));
        assert_eq!(got, want, "on {}", db.dialect());

        // A foreign key by its field name orders by the key.
        let got = Review::objects()
            .order_by_names(["critic", "id"])
            .unwrap()
            .values_list(Review::id())
            .all(&db)
            .await
            .unwrap();
        let mut want = rs.clone();
        want.sort_by_key(|r| (*r.critic.key(), r.id));
        assert_eq!(got, want.iter().map(|r| r.id).collect::<Vec<_>>());
    })
    .await;
}

#[test]
fn an_unknown_name_is_an_error_listing_the_fields() {
    for bad in ["-likes; DROP TABLE ex_review", "critic__name", "", "-"] {
        let err = Review::objects()
            .order_by_names(["title", bad])
            .unwrap_err();
        match &err {
            strata::Error::UnknownField { model, name, valid } => {
                assert_eq!(*model, "Review");
                assert_eq!(name, bad.strip_prefix('-').unwrap_or(bad));
                assert_eq!(
                    valid,
                    &["id", "title", "nick", "likes", "dislikes", "bonus", "ratio", "critic"]
                );
            }
            other => panic!("unexpected error {other}"),
        }
        assert!(err.to_string().contains("valid fields: id, title, nick"));
    }
}
