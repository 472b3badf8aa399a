//! The admin over HTTP: a server on a loopback port, a real HTTP client,
//! on SQLite, PostgreSQL and MariaDB (as configured for strata's tests).

mod editing;
mod support;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use strata::prelude::*;
use strata_tests::each_db;
use support::{admin, serve, setup, Author, Book, Client, Genre};

async fn author(db: &Db, name: &str) -> Author {
    let mut a = Author {
        id: 0,
        name: name.into(),
        active: true,
    };
    a.insert(db).await.expect("author");
    a
}

async fn book(db: &Db, title: &str, author: &Author) -> Book {
    let mut b = Book {
        id: 0,
        title: title.into(),
        price: Decimal::new(1250, 2),
        published: NaiveDate::from_ymd_opt(2020, 5, 17).unwrap(),
        author: ForeignKey::from(author),
        genres: ManyToMany::default(),
    };
    b.insert(db).await.expect("book");
    b
}

#[tokio::test]
async fn unauthenticated_requests_are_redirected_to_login() {
    each_db("admin_unauthenticated", |db| async move {
        setup(&db).await;
        let client = Client::new(serve(admin(db.clone())).await);
        for path in [
            "/admin/",
            "/admin/adm_book",
            "/admin/adm_book/add",
            "/admin/adm_book/1",
        ] {
            let r = client
                .http
                .get(format!("{}{path}", client.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 303, "{path}");
            let location = r.headers()["location"].to_str().unwrap().to_string();
            assert!(
                location.starts_with("/admin/login?next="),
                "{path} -> {location}"
            );
        }
        let (status, _, location) = client.post("/admin/adm_book/add", &[("title", "x")]).await;
        assert!(
            status == 403 || (status == 303 && location.is_some()),
            "{status}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    each_db("admin_csrf", |db| async move {
        setup(&db).await;
        let a = author(&db, "Ann").await;
        let client = Client::new(serve(admin(db.clone())).await);
        // The login form itself needs the token.
        let (status, _, _) = client
            .post(
                "/admin/login",
                &[("username", "root"), ("password", support::PASSWORD)],
            )
            .await;
        assert_eq!(status, 403);
        client.login("root").await;
        let form = [("name", "Bob"), ("active", "true")];
        let (status, body, _) = client.post("/admin/adm_author/add", &form).await;
        assert_eq!(status, 403, "{body}");
        let (status, _, _) = client
            .post(
                "/admin/adm_author/add",
                &[("name", "Bob"), ("csrf_token", &"0".repeat(64))],
            )
            .await;
        assert_eq!(status, 403);
        let (status, _, _) = client
            .post(
                &format!("/admin/adm_author/{}/delete", a.id),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(status, 403);
        assert_eq!(Author::objects().count(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn stored_xss_payloads_are_shown_escaped() {
    each_db("admin_xss", |db| async move {
        setup(&db).await;
        let payload = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
        let a = author(&db, "<script>alert(1)</script>").await;
        book(&db, payload, &a).await;
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        for path in [
            "/admin/adm_author".to_string(),
            "/admin/adm_book".to_string(),
            format!("/admin/adm_author/{}", a.id),
            format!("/admin/adm_author/{}/delete", a.id),
            format!("/admin/adm_book?q={}", "%3Cscript%3E"),
        ] {
            let (status, body) = client.get(&path).await;
            assert_eq!(status, 200, "{path}");
            assert!(!body.contains("<script>"), "{path} shows raw markup");
            assert!(!body.contains("<img src=x"), "{path} shows raw markup");
            assert!(
                body.contains("&lt;script&gt;") || body.contains("&#60;script&#62;"),
                "{path} does not show the escaped value: {body}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn hostile_sort_and_filter_parameters_are_a_400() {
    each_db("admin_hostile", |db| async move {
        setup(&db).await;
        let a = author(&db, "Ann").await;
        book(&db, "Dune", &a).await;
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        for query in [
            "o=title%3B%20DROP%20TABLE%20adm_book",
            "o=-id%20desc",
            "o=password_hash",
            "o=borrower",
            "author=1%20OR%201%3D1",
            "author__in=1",
            "published__gte=yesterday",
            "published__gte=2020-13-01",
            "title=Dune",
            "p=0",
            "p=-1",
            "p=99999999999999999999",
            "price__lte=1",
        ] {
            let (status, body) = client.get(&format!("/admin/adm_book?{query}")).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert!(!body.contains("SELECT"), "{query} leaks SQL");
        }
        let (status, _) = client.get("/admin/no_such_table").await;
        assert_eq!(status, 404);
        let (status, _) = client.get("/admin/adm_book/not-a-key").await;
        assert_eq!(status, 404);
        assert_eq!(Book::objects().count(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_list_page_costs_a_fixed_number_of_queries() {
    each_db("admin_query_count", |db| async move {
        setup(&db).await;
        let mut authors = Vec::new();
        for name in ["Ann", "Bob", "Cy"] {
            authors.push(author(&db, name).await);
        }
        for i in 0..30 {
            book(&db, &format!("Book {i:02}"), &authors[i % 3]).await;
        }
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        let before = db.query_count();
        let (status, body) = client.get("/admin/adm_book").await;
        assert_eq!(status, 200);
        // The user, the row count, the page (authors joined), the author
        // filter's choices: no query per row.
        assert_eq!(db.query_count() - before, 4);
        assert_eq!(body.matches("name=\"pk\"").count(), 10);
        assert!(body.contains("Ann (#"), "author labels come from the join");
        assert!(body.contains("30 of 30 rows"));
        let before = db.query_count();
        let (status, body) = client.get("/admin/adm_book?p=3&o=-title").await;
        assert_eq!(status, 200);
        assert_eq!(db.query_count() - before, 4);
        assert!(body.contains("Book 09") && !body.contains("Book 10"));
    })
    .await;
}

#[tokio::test]
async fn search_sort_and_filters_select_the_rows_plain_rust_selects() {
    each_db("admin_search_filter", |db| async move {
        setup(&db).await;
        let ann = author(&db, "Ann").await;
        let bob = author(&db, "Bob").await;
        let mut inactive = author(&db, "Cy").await;
        inactive.active = false;
        inactive.save(&db).await.unwrap();
        let titles = ["Rust in Action", "rusty nails", "Dune", "Trust me"];
        let mut books = Vec::new();
        for (i, t) in titles.iter().enumerate() {
            books.push(book(&db, t, if i % 2 == 0 { &ann } else { &bob }).await);
        }
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        let shown = |body: &str| -> Vec<String> {
            titles
                .iter()
                .filter(|t| body.contains(&format!(">{t}</a>")))
                .map(|t| t.to_string())
                .collect()
        };
        let (_, body) = client.get("/admin/adm_book?q=RUST").await;
        let expected: Vec<String> = titles
            .iter()
            .filter(|t| t.to_lowercase().contains("rust"))
            .map(|t| t.to_string())
            .collect();
        assert_eq!(shown(&body), expected);
        let (_, body) = client
            .get(&format!("/admin/adm_book?author={}", bob.id))
            .await;
        let expected: Vec<String> = books
            .iter()
            .filter(|b| *b.author.key() == bob.id)
            .map(|b| b.title.clone())
            .collect();
        assert_eq!(shown(&body), expected);
        let (_, body) = client
            .get(&format!("/admin/adm_book?author={}&q=rust", ann.id))
            .await;
        assert_eq!(shown(&body), vec!["Rust in Action".to_string()]);
        let (_, body) = client
            .get("/admin/adm_book?published__gte=2020-05-18")
            .await;
        assert!(shown(&body).is_empty());
        let (_, body) = client
            .get("/admin/adm_book?published__gte=2020-05-17&published__lte=2020-05-17")
            .await;
        assert_eq!(shown(&body).len(), 4);
        let (_, body) = client.get("/admin/adm_author?active=false").await;
        assert!(body.contains(">Cy</a>") && !body.contains(">Ann</a>"));
        let (_, body) = client.get("/admin/adm_book?o=-title").await;
        let mut sorted: Vec<&str> = titles.to_vec();
        sorted.sort();
        sorted.reverse();
        let positions: Vec<usize> = sorted
            .iter()
            .map(|t| body.find(&format!(">{t}</a>")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    })
    .await;
}

#[tokio::test]
async fn a_read_only_user_sees_but_cannot_change() {
    each_db("admin_read_only", |db| async move {
        setup(&db).await;
        let ann = author(&db, "Ann").await;
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("viewer").await;
        let path = format!("/admin/adm_author/{}", ann.id);
        let (status, body) = client.get(&path).await;
        assert_eq!(status, 200);
        assert!(body.contains("disabled") && !body.contains("id=\"save\""));
        let token = support::csrf_in(&body);
        let (status, _, _) = client
            .post(&path, &[("csrf_token", &token), ("name", "Changed")])
            .await;
        assert_eq!(status, 403);
        let (status, _, _) = client
            .post(
                &format!("{path}/delete"),
                &[("csrf_token", &token), ("confirm", "yes")],
            )
            .await;
        assert_eq!(status, 403);
        let (status, _) = client.get("/admin/adm_author/add").await;
        assert_eq!(status, 403);
        assert_eq!(
            Author::objects()
                .filter(Author::id().eq(ann.id))
                .get(&db)
                .await
                .unwrap()
                .name,
            "Ann"
        );
    })
    .await;
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    each_db("admin_cookies", |db| async move {
        setup(&db).await;
        let addr = serve(admin(db.clone()).secure_cookies(true)).await;
        let client = Client::new(addr);
        let r = client
            .http
            .get(format!("{}/admin/login", client.base))
            .send()
            .await
            .unwrap();
        let cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        assert!(!cookies.is_empty());
        for cookie in &cookies {
            assert!(cookie.contains("HttpOnly"), "{cookie}");
            assert!(cookie.contains("SameSite=Lax"), "{cookie}");
            assert!(cookie.contains("Secure"), "{cookie}");
            assert!(!cookie.contains(PASSWORD_HINT), "{cookie}");
        }
        // A wrong password is refused without a session.
        let body = r.text().await.unwrap();
        let token = support::csrf_in(&body);
        let r = client
            .http
            .post(format!("{}/admin/login", client.base))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "root"),
                ("password", "wrong password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        assert!(r
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("strata_admin_session")));
    })
    .await;
}

const PASSWORD_HINT: &str = "root";

#[tokio::test]
async fn many_to_many_fields_are_multi_selects() {
    each_db("admin_m2m", |db| async move {
        setup(&db).await;
        let ann = author(&db, "Ann").await;
        let mut genres = Vec::new();
        for name in ["Fantasy", "Poetry", "Science"] {
            let mut g = Genre {
                id: 0,
                name: name.into(),
            };
            g.insert(&db).await.unwrap();
            genres.push(g);
        }
        let client = Client::new(serve(admin(db.clone())).await);
        client.login("root").await;
        let (_, body) = client.get("/admin/adm_book/add").await;
        assert!(body.contains("name=\"genres\" multiple"));
        let token = support::csrf_in(&body);
        let (g0, g2) = (genres[0].id.to_string(), genres[2].id.to_string());
        let author_id = ann.id.to_string();
        let (status, body, _) = client
            .post(
                "/admin/adm_book/add",
                &[
                    ("csrf_token", &token),
                    ("title", "Mixed"),
                    ("price", "1.00"),
                    ("published", "2001-01-01"),
                    ("author", &author_id),
                    ("genres", &g0),
                    ("genres", &g2),
                ],
            )
            .await;
        assert_eq!(status, 303, "{body}");
        let saved = Book::objects().get(&db).await.unwrap();
        let linked = |db: Db, id: i64| async move {
            let mut ids: Vec<i64> = Genre::objects()
                .filter(Genre::books().id().eq(id))
                .all(&db)
                .await
                .unwrap()
                .iter()
                .map(|g| g.id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(
            linked(db.clone(), saved.id).await,
            vec![genres[0].id, genres[2].id]
        );
        let path = format!("/admin/adm_book/{}", saved.id);
        let (_, body) = client.get(&path).await;
        assert!(body.contains(&format!("value=\"{g0}\" selected")));
        assert!(!body.contains(&format!("value=\"{}\" selected", genres[1].id)));
        let g1 = genres[1].id.to_string();
        let (status, _, _) = client
            .post(
                &path,
                &[
                    ("csrf_token", &token),
                    ("title", "Mixed"),
                    ("price", "1.00"),
                    ("published", "2001-01-01"),
                    ("author", &author_id),
                    ("genres", &g1),
                ],
            )
            .await;
        assert_eq!(status, 303);
        assert_eq!(linked(db.clone(), saved.id).await, vec![genres[1].id]);
    })
    .await;
}
