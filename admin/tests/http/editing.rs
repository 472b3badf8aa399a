//! Changing rows through the admin over HTTP: create and edit forms that
//! validate on the server and keep the input, delete confirmations that
//! list the cascade, and bulk actions.

use crate::support::{self, admin, serve, setup, Author, Book, Client, Loan};
use crate::{author, book};
use rust_decimal::Decimal;
use strata::prelude::*;
use strata_tests::each_db;

#[tokio::test]
async fn create_and_edit_validate_on_the_server_and_keep_the_input() {
    each_db("admin_forms", |db| async move {
        setup(&db).await;
        let ann = author(&db, "Ann").await;
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        let token = client.token("/admin/adm_book/add").await;
        let author_id = ann.id.to_string();
        let long_title = "x".repeat(101);
        let (status, body, _) = client
            .post(
                "/admin/adm_book/add",
                &[
                    ("csrf_token", &token),
                    ("title", &long_title),
                    ("price", "12.345"),
                    ("published", "2021-02-30"),
                    ("author", "999999"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("at most 100 characters"));
        assert!(body.contains("no more than 2 decimal places"));
        assert!(body.contains("Enter a valid date"));
        assert!(body.contains("Select a valid choice."));
        assert!(
            body.contains(&format!("value=\"{long_title}\"")),
            "input kept"
        );
        assert!(body.contains("value=\"12.345\""), "input kept");
        assert_eq!(Book::objects().count(&db).await.unwrap(), 0);

        let (status, _, location) = client
            .post(
                "/admin/adm_book/add",
                &[
                    ("csrf_token", &token),
                    ("title", "Dune"),
                    ("price", "9.99"),
                    ("published", "1965-08-01"),
                    ("author", &author_id),
                ],
            )
            .await;
        assert_eq!(status, 303);
        assert_eq!(location.as_deref(), Some("/admin/adm_book?_done=added"));
        let saved = Book::objects().all(&db).await.unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].title, "Dune");
        assert_eq!(saved[0].price, Decimal::new(999, 2));
        assert_eq!(*saved[0].author.key(), ann.id);

        // Unique: another author named Ann is refused next to the field.
        let (status, body, _) = client
            .post(
                "/admin/adm_author/add",
                &[("csrf_token", &token), ("name", "Ann")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(body.contains("Author with this name already exists."));
        let (status, body, _) = client
            .post(
                "/admin/adm_author/add",
                &[("csrf_token", &token), ("name", "")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(body.contains("This field is required."));

        // Editing keeps its own unique value and changes the rest.
        let path = format!("/admin/adm_author/{}", ann.id);
        let (status, body) = client.get(&path).await;
        assert_eq!(status, 200);
        assert!(body.contains("value=\"Ann\""));
        let (status, _, _) = client
            .post(&path, &[("csrf_token", &token), ("name", "Ann")])
            .await;
        assert_eq!(status, 303);
        let ann_now = Author::objects()
            .filter(Author::id().eq(ann.id))
            .get(&db)
            .await
            .unwrap();
        assert!(!ann_now.active, "an unchecked checkbox is false");
        let (status, _, _) = client
            .post(
                &path,
                &[
                    ("csrf_token", &token),
                    ("name", "Ann B."),
                    ("active", "true"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        let ann_now = Author::objects()
            .filter(Author::id().eq(ann.id))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(ann_now.name, "Ann B.");
        assert!(ann_now.active);
    })
    .await;
}

#[tokio::test]
async fn delete_confirmation_lists_the_cascade_and_what_protects() {
    each_db("admin_delete", |db| async move {
        setup(&db).await;
        let ann = author(&db, "Ann").await;
        let bob = author(&db, "Bob").await;
        book(&db, "Dune", &ann).await;
        book(&db, "Emma", &ann).await;
        let lent = book(&db, "Lent", &bob).await;
        Loan {
            id: 0,
            borrower: "Zoe".into(),
            book: ForeignKey::from(&lent),
        }
        .insert(&db)
        .await
        .unwrap();
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;

        let (status, body) = client
            .get(&format!("/admin/adm_author/{}/delete", ann.id))
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("id=\"cascade\""));
        assert!(body.contains("Book (by author): 2"));
        assert!(body.contains("Dune (#") && body.contains("Emma (#"));
        let token = support::csrf_in(&body);
        let (status, _, location) = client
            .post(
                &format!("/admin/adm_author/{}/delete", ann.id),
                &[("csrf_token", &token), ("confirm", "yes")],
            )
            .await;
        assert_eq!(status, 303, "{location:?}");
        assert_eq!(Author::objects().count(&db).await.unwrap(), 1);
        assert_eq!(Book::objects().count(&db).await.unwrap(), 1);

        // Bob's book is lent: the loan protects it, and so Bob.
        let (status, body) = client
            .get(&format!("/admin/adm_author/{}/delete", bob.id))
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("id=\"protected\""), "{body}");
        assert!(body.contains("Loan (by book): 1"));
        assert!(!body.contains("confirm-delete"));
        let (status, body, _) = client
            .post(
                &format!("/admin/adm_author/{}/delete", bob.id),
                &[("csrf_token", &token), ("confirm", "yes")],
            )
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("id=\"protected\""));
        assert_eq!(Author::objects().count(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn bulk_actions_delete_after_confirmation_and_run_user_actions() {
    each_db("admin_bulk", |db| async move {
        setup(&db).await;
        let ann = author(&db, "Ann").await;
        let a = book(&db, "A", &ann).await;
        let b = book(&db, "B", &ann).await;
        let c = book(&db, "C", &ann).await;
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        let token = client.token("/admin/adm_book").await;
        let (ka, kb, kc) = (a.id.to_string(), b.id.to_string(), c.id.to_string());
        let (status, body, _) = client
            .post(
                "/admin/adm_book/action",
                &[
                    ("csrf_token", &token),
                    ("action", "rename"),
                    ("pk", &ka),
                    ("pk", &kb),
                ],
            )
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("2 books renamed"));
        let renamed = Book::objects()
            .filter(Book::title().eq("renamed"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(renamed, 2);
        let (status, body, _) = client
            .post(
                "/admin/adm_book/action",
                &[
                    ("csrf_token", &token),
                    ("action", "delete_selected"),
                    ("pk", &kb),
                    ("pk", &kc),
                ],
            )
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("confirm-delete"));
        assert_eq!(
            Book::objects().count(&db).await.unwrap(),
            3,
            "nothing deleted before confirming"
        );
        let (status, _, _) = client
            .post(
                "/admin/adm_book/action",
                &[
                    ("csrf_token", &token),
                    ("confirm", "yes"),
                    ("pk", &kb),
                    ("pk", &kc),
                ],
            )
            .await;
        assert_eq!(status, 303);
        let left: Vec<i64> = Book::objects()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(left, vec![a.id]);
        let (status, _, _) = client
            .post(
                "/admin/adm_book/action",
                &[("csrf_token", &token), ("action", "nope"), ("pk", &ka)],
            )
            .await;
        assert_eq!(status, 400);
    })
    .await;
}
