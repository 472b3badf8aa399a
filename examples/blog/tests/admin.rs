//! The README's admin walkthrough, run for real: migrate the blog's SQLite
//! database, `manage createsuperuser`, start `admin` on a loopback port,
//! log in over HTTP and see the posts.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn csrf_in(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("a CSRF field") + marker.len();
    body[start..start + 64].to_string()
}

#[tokio::test]
async fn the_admin_serves_the_blog_after_createsuperuser() {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("blog.db").display());
    // The blog program migrates and writes its sample rows.
    let out = Command::new(env!("CARGO_BIN_EXE_blog"))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_manage"))
        .args(["createsuperuser", "--username", "ann", "--database", &url])
        .env("STRATA_ADMIN_PASSWORD", "a long password")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created superuser `ann`"));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_admin"))
            .arg(&url)
            .env("ADMIN_ADDRESS", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let mut login_page = None;
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("{base}/admin/login")).send().await {
            login_page = Some(r.text().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login_page = login_page.expect("the admin listens within 10 s");
    let token = csrf_in(&login_page);
    let r = client
        .post(format!("{base}/admin/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "ann"),
            ("password", "a long password"),
            ("next", "/admin/blog_post"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("Migrations, boringly"), "{body}");
    assert!(body.contains("Ann (#"), "the author is shown by name");
}
