//! The admin in a real browser: headless Chromium driven through
//! chromedriver (Debian's `chromium` and `chromium-driver`) with
//! fantoccini. Logs in, creates a row with a foreign key, edits it, sees a
//! validation error, searches, filters, and deletes with the cascade
//! confirmation.
//!
//! Runs when `STRATA_BROWSER_TESTS=1` (CI sets it, and then a browser
//! that cannot start fails the test); without it the test returns at once,
//! so `cargo test` passes on a machine with only Rust. With
//! `STRATA_ADMIN_SCREENSHOTS=<dir>` it saves `list.png` and `edit.png`
//! there (the README's screenshots: `admin/screenshots`).

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use strata::prelude::*;
use support::{admin, serve, setup, Author, Book, PASSWORD};

/// chromedriver, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

async fn start_driver() -> (Driver, String) {
    let port = free_port();
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{binary}` (install chromium-driver): {e}"));
    let driver = Driver(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (driver, format!("http://127.0.0.1:{port}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on port {port} within 10 s");
}

async fn connect(webdriver: &str) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,860"],
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(webdriver)
        .await
        .unwrap_or_else(|e| panic!("Chromium did not start through chromedriver: {e}"))
}

/// The text of `css` once it contains `expected` (pages load while the
/// test goes on: a click returns before the next page may be there).
async fn text_of(c: &fantoccini::Client, css: &str, expected: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(element) = c.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if text.contains(expected) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = c.current_url().await.ok();
    panic!("`{css}` on {url:?} never contained {expected:?} within 20 s (last: {last:?})");
}

async fn fill(c: &fantoccini::Client, css: &str, value: &str) {
    let input = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .expect(css);
    input.clear().await.expect("clear");
    input.send_keys(value).await.expect("type");
}

async fn screenshot(c: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("STRATA_ADMIN_SCREENSHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(format!("{dir}/{name}"), png).expect("write screenshot");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_works_through_the_admin_in_chromium() {
    if std::env::var("STRATA_BROWSER_TESTS").ok().as_deref() != Some("1") {
        eprintln!("browser test not run: set STRATA_BROWSER_TESTS=1 (CI does)");
        return;
    }
    let db = Db::connect("sqlite::memory:").await.expect("SQLite");
    setup(&db).await;
    let mut ann = Author {
        id: 0,
        name: "Ann Leckie".into(),
        active: true,
    };
    ann.insert(&db).await.unwrap();
    let mut ursula = Author {
        id: 0,
        name: "Ursula K. Le Guin".into(),
        active: true,
    };
    ursula.insert(&db).await.unwrap();
    for (title, author) in [
        ("Ancillary Justice", &ann),
        ("The Dispossessed", &ursula),
        ("The Lathe of Heaven", &ursula),
    ] {
        Book {
            id: 0,
            title: title.into(),
            price: rust_decimal::Decimal::new(1499, 2),
            published: chrono::NaiveDate::from_ymd_opt(2013, 10, 1).unwrap(),
            author: ForeignKey::from(author),
            genres: ManyToMany::default(),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let addr = serve(admin(db.clone())).await;
    let base = format!("http://{addr}");
    let (_driver, webdriver) = start_driver().await;
    let c = connect(&webdriver).await;

    // Login required: the list sends us to the login page.
    c.goto(&format!("{base}/admin/adm_book")).await.unwrap();
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/admin/login"));
    fill(&c, "#username", "root").await;
    fill(&c, "#password", PASSWORD).await;
    c.find(Locator::Css("#login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "h1", "Book").await;

    // Create a book with a foreign key.
    c.find(Locator::Css("#add"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "#id_title", "The Left Hand of Darkness").await;
    fill(&c, "#id_price", "12.50").await;
    c.execute(
        "document.getElementById('id_published').value = '1969-03-01';",
        vec![],
    )
    .await
    .expect("set the date input");
    c.find(Locator::Css(&format!(
        "#id_author option[value='{}']",
        ursula.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "p.success", "was added").await;
    let created = Book::objects()
        .filter(Book::title().eq("The Left Hand of Darkness"))
        .get(&db)
        .await
        .expect("the new book");
    assert_eq!(*created.author.key(), ursula.id);

    // Edit it: a price with three decimals is refused next to the field.
    c.find(Locator::LinkText("The Left Hand of Darkness"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "#id_price", "12.505").await;
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "#error_price", "no more than 2 decimal places").await;
    let kept = c
        .find(Locator::Css("#id_price"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("12.505"), "the input is kept");
    screenshot(&c, "edit.png").await;
    fill(&c, "#id_price", "13.75").await;
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "p.success", "was changed").await;
    let edited = Book::objects()
        .filter(Book::id().eq(created.id))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(edited.price, rust_decimal::Decimal::new(1375, 2));

    // Search.
    fill(&c, "#search", "left hand").await;
    c.find(Locator::Css("#search-go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "#counts", "1 of 4 rows").await;

    // Filter by author (clear the search first).
    c.goto(&format!("{base}/admin/adm_book")).await.unwrap();
    c.find(Locator::Css(&format!(
        "#filter-author option[value='{}']",
        ursula.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#filter-author-go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "#counts", "3 of 4 rows").await;
    screenshot(&c, "list.png").await;

    // Delete Ursula: the confirmation lists her books.
    c.goto(&format!("{base}/admin/adm_author/{}/delete", ursula.id))
        .await
        .unwrap();
    let cascade = text_of(&c, "#cascade", "The Dispossessed").await;
    assert!(cascade.contains("The Dispossessed"), "{cascade}");
    assert!(cascade.contains("The Left Hand of Darkness"), "{cascade}");
    c.find(Locator::Css("#confirm-delete"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(&c, "p.success", "deleted").await;
    assert_eq!(Book::objects().count(&db).await.unwrap(), 1);
    assert_eq!(Author::objects().count(&db).await.unwrap(), 1);

    c.close().await.expect("close the browser");
}
