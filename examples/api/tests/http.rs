//! The service over HTTP on a loopback port, on SQLite and, when their
//! URLs are set, PostgreSQL and MariaDB/MySQL (`STRATA_TEST_POSTGRES_URL`,
//! `STRATA_TEST_MYSQL_URL`; a set but unreachable server fails). Every
//! answer is compared with the same answer computed in Rust over the
//! fixture.

mod support;

use axum::http::{Method, StatusCode};
use blog::{Author, Comment, Post};
use serde_json::{json, Value};
use strata::prelude::*;
use strata_tests::each_db;
use support::{fixture, start, Fixture};

/// A post as the service sends it with its author loaded.
fn post_json(f: &Fixture, post: &Post) -> Value {
    let author = f.author(*post.author.key());
    json!({
        "id": post.id,
        "title": post.title,
        "body": post.body,
        "author": {"id": author.id, "name": author.name, "posts": null},
        "published": post.published,
        "comments": null,
    })
}

/// What `GET /posts` should answer, computed over the fixture.
fn expected_page(
    f: &Fixture,
    keep: impl Fn(&Post) -> bool,
    order: &str,
    page: usize,
    per_page: usize,
) -> Value {
    let mut posts: Vec<&Post> = f.posts.iter().filter(|p| keep(p)).collect();
    match order {
        "id" => posts.sort_by_key(|p| p.id),
        "-id" => posts.sort_by_key(|p| std::cmp::Reverse(p.id)),
        "title" => posts.sort_by(|a, b| (&a.title, a.id).cmp(&(&b.title, b.id))),
        "-title" => posts.sort_by(|a, b| (&b.title, b.id).cmp(&(&a.title, a.id))),
        other => panic!("no order {other}"),
    }
    let total = posts.len();
    let items: Vec<Value> = posts
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|p| post_json(f, p))
        .collect();
    json!({"items": items, "page": page, "per_page": per_page, "total": total})
}

#[tokio::test]
async fn post_lists_filter_order_and_page_like_the_fixture() {
    each_db("api_post_lists", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;
        let bob = f.authors[1].id;
        let cases: Vec<(String, Value)> = vec![
            ("".into(), expected_page(&f, |_| true, "id", 1, 20)),
            ("?page=2".into(), expected_page(&f, |_| true, "id", 2, 20)),
            (
                "?page=3&per_page=7&order=-id".into(),
                expected_page(&f, |_| true, "-id", 3, 7),
            ),
            (
                "?published=false".into(),
                expected_page(&f, |p| !p.published, "id", 1, 20),
            ),
            (
                format!("?author={bob}&published=true&order=title"),
                expected_page(
                    &f,
                    |p| *p.author.key() == bob && p.published,
                    "title",
                    1,
                    20,
                ),
            ),
            (
                "?title_contains=RUST&order=-title&per_page=3".into(),
                expected_page(
                    &f,
                    |p| p.title.to_lowercase().contains("rust"),
                    "-title",
                    1,
                    3,
                ),
            ),
            (
                "?title_contains=nothing%20like%20this".into(),
                expected_page(&f, |_| false, "id", 1, 20),
            ),
            ("?page=9".into(), expected_page(&f, |_| true, "id", 9, 20)),
        ];
        for (query, expected) in cases {
            let before = db.query_count();
            let (status, body) = server.client.get(&format!("/posts{query}")).await.unwrap();
            assert_eq!(status, StatusCode::OK, "/posts{query}: {body}");
            assert_eq!(body, expected, "/posts{query}");
            // The count and one page with its authors joined: no query per row.
            assert_eq!(db.query_count() - before, 2, "/posts{query}");
        }
    })
    .await;
}

#[tokio::test]
async fn author_list_pages_by_name() {
    each_db("api_author_list", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;
        let (status, body) = server
            .client
            .get("/authors?per_page=2&page=1")
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        let mut names: Vec<&Author> = f.authors.iter().collect();
        names.sort_by(|a, b| a.name.cmp(&b.name));
        let first_two: Vec<Value> = names[..2]
            .iter()
            .map(|a| json!({"id": a.id, "name": a.name, "posts": null}))
            .collect();
        assert_eq!(
            body,
            json!({"items": first_two, "page": 1, "per_page": 2, "total": 3})
        );
        let (_, body) = server.client.get("/authors?name_contains=O").await.unwrap();
        let bob = &f.authors[1];
        assert_eq!(
            body["items"],
            json!([{"id": bob.id, "name": "Bob", "posts": null}])
        );
    })
    .await;
}

#[tokio::test]
async fn details_carry_their_related_rows() {
    each_db("api_details", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;

        // A post with comments: its author joined, its comments prefetched.
        let post = &f.posts[1];
        let before = db.query_count();
        let (status, body) = server
            .client
            .get(&format!("/posts/{}", post.id))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(db.query_count() - before, 2);
        let mut comments: Vec<&Comment> = f
            .comments
            .iter()
            .filter(|c| *c.post.key() == post.id)
            .collect();
        comments.sort_by_key(|c| c.id);
        assert_eq!(comments.len(), 3);
        let mut expected = post_json(&f, post);
        expected["comments"] = comments
            .iter()
            .map(|c| json!({"id": c.id, "post": {"id": post.id}, "text": c.text}))
            .collect();
        assert_eq!(body, expected);

        // A post without comments has an empty list, not null.
        let lonely = &f.posts[20];
        let (_, body) = server
            .client
            .get(&format!("/posts/{}", lonely.id))
            .await
            .unwrap();
        assert_eq!(body["comments"], json!([]));

        // An author with their posts, newest first; each post's author is
        // the key alone, its comments not loaded.
        let cy = &f.authors[2];
        let (status, body) = server
            .client
            .get(&format!("/authors/{}", cy.id))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        let mut posts: Vec<&Post> = f
            .posts
            .iter()
            .filter(|p| *p.author.key() == cy.id)
            .collect();
        posts.sort_by_key(|p| std::cmp::Reverse(p.id));
        let posts: Vec<Value> = posts
            .iter()
            .map(|p| {
                json!({"id": p.id, "title": p.title, "body": p.body, "author": {"id": cy.id},
                       "published": p.published, "comments": null})
            })
            .collect();
        assert_eq!(body, json!({"id": cy.id, "name": "Cy", "posts": posts}));
    })
    .await;
}

#[tokio::test]
async fn missing_rows_are_404_and_unreadable_requests_400() {
    each_db("api_404_400", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;
        let missing = f.posts.iter().map(|p| p.id).max().unwrap() + 1000;
        for path in [format!("/posts/{missing}"), format!("/authors/{missing}")] {
            let (status, body) = server.client.get(&path).await.unwrap();
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(body["error"], "not_found", "{path}");
        }
        let (status, _) = server
            .client
            .post(
                &format!("/posts/{missing}/comments"),
                &json!({"text": "hi"}),
            )
            .await
            .unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND);

        for query in [
            "/posts?colour=red",
            "/posts?published=maybe",
            "/posts?author=ann",
            "/posts?order=body",
            "/posts?page=0",
            "/posts?per_page=101",
            "/posts?page=1&page=2",
            "/authors?title_contains=x",
            "/posts/abc",
        ] {
            let (status, body) = server.client.get(query).await.unwrap();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert_eq!(body["error"], "bad_request", "{query}");
            assert!(body["message"].is_string(), "{query}: {body}");
        }
        let (status, body) = server.client.get("/posts?colour=red").await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["message"].as_str().unwrap().contains("colour"),
            "{body}"
        );

        // Malformed JSON is a 400; JSON of the wrong shape a 422.
        let (status, _) = server
            .client
            .send(Method::POST, "/authors", Some(b"{\"name\": ".to_vec()))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = server
            .client
            .post("/authors", &json!({"nom": "Ann"}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"], "invalid");
    })
    .await;
}

#[tokio::test]
async fn creating_checks_unique_names_and_referenced_rows() {
    each_db("api_create", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;

        let (status, body) = server
            .client
            .post("/authors", &json!({"name": "Dee"}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let dee = Author::objects()
            .filter(Author::name().eq("Dee"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(body, json!({"id": dee.id, "name": "Dee", "posts": null}));

        let (status, body) = server
            .client
            .post("/authors", &json!({"name": "Ann"}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"], "conflict");
        assert_eq!(body["fields"], json!(["name"]));

        let (status, body) = server
            .client
            .post("/authors", &json!({"name": "x".repeat(101)}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body["fields"]["name"],
            json!(["must be at most 100 characters (got 101)"])
        );
        assert_eq!(Author::objects().count(&db).await.unwrap(), 4);

        // A post for an author that does not exist: 422 on `author`,
        // nothing written.
        let posts_before = Post::objects().count(&db).await.unwrap();
        let (status, body) = server
            .client
            .post("/posts", &json!({"title": "Orphan", "author": 999_999}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            body["fields"]["author"],
            json!(["no author with id 999999"])
        );
        // Every problem at once.
        let (status, body) = server
            .client
            .post("/posts", &json!({"title": " ", "author": 999_999}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body["fields"],
            json!({"title": ["must not be blank"], "author": ["no author with id 999999"]})
        );
        assert_eq!(Post::objects().count(&db).await.unwrap(), posts_before);

        // The author as a key or as the object the service sends.
        let ann = &f.authors[0];
        for author in [json!(ann.id), json!({"id": ann.id, "name": "ignored"})] {
            let (status, body) = server
                .client
                .post(
                    "/posts",
                    &json!({"title": "Fresh", "body": "b", "author": author, "published": true}),
                )
                .await
                .unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let id = body["id"].as_i64().unwrap();
            let stored = Post::objects()
                .filter(Post::id().eq(id))
                .select_related(Post::author())
                .get(&db)
                .await
                .unwrap();
            assert_eq!(
                (
                    stored.title.as_str(),
                    *stored.author.key(),
                    stored.published
                ),
                ("Fresh", ann.id, true)
            );
            assert_eq!(body, post_json(&f, &stored));
        }

        // Racing for one name: the unique constraint lets one through.
        let racers: Vec<_> = (0..8)
            .map(|_| {
                let client = server.client.clone();
                tokio::spawn(async move {
                    client
                        .post("/authors", &json!({"name": "Race"}))
                        .await
                        .unwrap()
                        .0
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for racer in racers {
            statuses.push(racer.await.unwrap());
        }
        statuses.sort();
        let mut expected = vec![StatusCode::CONFLICT; 7];
        expected.insert(0, StatusCode::CREATED);
        assert_eq!(statuses, expected);

        let post = &f.posts[0];
        let (status, body) = server
            .client
            .post(
                &format!("/posts/{}/comments", post.id),
                &json!({"text": "Late"}),
            )
            .await
            .unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["post"], json!({"id": post.id}));
        assert_eq!(body["text"], "Late");
    })
    .await;
}

#[tokio::test]
async fn updates_apply_in_one_transaction_or_not_at_all() {
    each_db("api_update", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;
        let post = &f.posts[2];
        let bob = &f.authors[1];
        let path = format!("/posts/{}", post.id);

        let (status, body) = server
            .client
            .patch(
                &path,
                &json!({"title": "Renamed", "published": !post.published, "author": bob.id}),
            )
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        let stored = Post::objects()
            .filter(Post::id().eq(post.id))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(
            (
                stored.title.as_str(),
                stored.published,
                *stored.author.key()
            ),
            ("Renamed", !post.published, bob.id)
        );
        assert_eq!(stored.body, post.body);
        assert_eq!(body, post_json(&f, &stored));

        // One bad field: nothing of the request is written.
        let (status, body) = server
            .client
            .patch(
                &path,
                &json!({"title": "t".repeat(201), "published": post.published}),
            )
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body["fields"]["title"],
            json!(["must be at most 200 characters (got 201)"])
        );
        let again = Post::objects()
            .filter(Post::id().eq(post.id))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(
            (again.title.as_str(), again.published),
            ("Renamed", !post.published)
        );

        let (status, _) = server
            .client
            .patch("/posts/987654", &json!({"title": "x"}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = server
            .client
            .patch(&path, &json!({"colour": "red"}))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn database_failures_are_500_without_internals() {
    each_db("api_500", |db| async move {
        let server = start(&db).await;
        let f = fixture(&db).await;
        db.execute_raw_sql("DROP TABLE comment").await.unwrap();
        let (status, body) = server
            .client
            .send_raw(Method::GET, &format!("/posts/{}", f.posts[0].id), None)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"error": "internal", "message": "internal server error"})
        );
    })
    .await;
}
