//! The models the admin tests show, and a server on a loopback port.

use std::net::SocketAddr;
use strata::prelude::*;
use strata_admin::{Admin, AdminUser, ModelAdmin};

#[derive(Model, Debug, Clone)]
#[strata(table = "adm_author")]
pub struct Author {
    pub id: i64,
    #[strata(max_length = 50, unique)]
    pub name: String,
    #[strata(default = true)]
    pub active: bool,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "adm_book")]
pub struct Book {
    pub id: i64,
    #[strata(max_length = 100)]
    pub title: String,
    #[strata(max_digits = 6, decimal_places = 2)]
    pub price: rust_decimal::Decimal,
    pub published: chrono::NaiveDate,
    #[strata(on_delete = cascade, related_name = "books")]
    pub author: ForeignKey<Author>,
    #[strata(related_name = "books")]
    pub genres: ManyToMany<Genre>,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "adm_genre")]
pub struct Genre {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "adm_loan")]
pub struct Loan {
    pub id: i64,
    #[strata(max_length = 50)]
    pub borrower: String,
    #[strata(on_delete = protect, related_name = "loans")]
    pub book: ForeignKey<Book>,
}

pub const PASSWORD: &str = "a long test password";

pub fn models() -> [&'static strata::ModelMeta; 5] {
    [
        AdminUser::META,
        Author::META,
        Genre::META,
        Book::META,
        Loan::META,
    ]
}

/// The admin the tests run: books with a search, filters and an action.
pub fn admin(db: Db) -> Admin {
    Admin::new(db)
        .secure_cookies(false)
        .model(
            ModelAdmin::new(Author::META)
                .list_display(&["name", "active"])
                .search_fields(&["name"])
                .list_filter(&["active"]),
        )
        .model(
            ModelAdmin::new(Book::META)
                .list_display(&["title", "author", "price", "published"])
                .search_fields(&["title"])
                .list_filter(&["author", "published"])
                .per_page(10)
                .action("rename", "Mark as renamed", |db, keys| async move {
                    let keys: Vec<i64> = keys
                        .iter()
                        .filter_map(|k| match k {
                            strata::Value::I64(Some(k)) => Some(*k),
                            _ => None,
                        })
                        .collect();
                    let n = Book::objects()
                        .filter(Book::id().is_in(keys))
                        .update(&db, [Book::title().set("renamed".to_string())])
                        .await?;
                    Ok(format!("{n} books renamed"))
                }),
        )
        .register(Loan::META)
        .register(Genre::META)
}

/// Creates the tables and the users `root` and `viewer` (read-only).
pub async fn setup(db: &Db) {
    db.create_tables(&models()).await.expect("tables");
    strata_admin::create_user(db, "root", PASSWORD, false)
        .await
        .expect("superuser");
    strata_admin::create_user(db, "viewer", PASSWORD, true)
        .await
        .expect("read-only user");
}

/// Serves `admin` on a free loopback port; the server ends with the test.
pub async fn serve(admin: Admin) -> SocketAddr {
    let router = admin.router("/admin").expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    addr
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: format!("http://{addr}"),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String, Option<String>) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        (status, r.text().await.expect("body"), location)
    }

    /// The CSRF token in the first form of the page at `path`.
    pub async fn token(&self, path: &str) -> String {
        let (_, body) = self.get(path).await;
        csrf_in(&body)
    }

    /// Logs in as `username`; panics unless redirected.
    pub async fn login(&self, username: &str) {
        let token = self.token("/admin/login").await;
        let (status, body, _) = self
            .post(
                "/admin/login",
                &[
                    ("csrf_token", &token),
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/admin/"),
                ],
            )
            .await;
        assert_eq!(status, 303, "login failed: {body}");
    }
}

pub fn csrf_in(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("a CSRF field") + marker.len();
    body[start..start + 64].to_string()
}
