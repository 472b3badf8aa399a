//! `manage createsuperuser`: the admin's verb for a project's manage
//! binary, which hands it the arguments after the verb.
//!
//! ```text
//! cargo run --bin manage -- createsuperuser --username ann [--read-only] [--database URL]
//! ```
//!
//! The password is read from `STRATA_ADMIN_PASSWORD` when set (for
//! scripts), else from the terminal's standard input (one line).

use crate::error::{Error, Result};
use std::io::BufRead;

/// Runs `createsuperuser` with `args` (the arguments after the verb):
/// `--username NAME`, `--read-only`, `--database URL` (default
/// `DATABASE_URL`).
pub async fn createsuperuser(args: &[String]) -> Result<()> {
    let mut username = None;
    let mut database = std::env::var("DATABASE_URL").ok();
    let mut read_only = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--username" => username = iter.next().cloned(),
            "--database" => database = iter.next().cloned(),
            "--read-only" => read_only = true,
            other => {
                return Err(Error::Config {
                    reason: format!(
                        "createsuperuser: unknown argument `{other}` (use --username NAME [--read-only] [--database URL])"
                    ),
                })
            }
        }
    }
    let username = username.ok_or_else(|| Error::Config {
        reason: "createsuperuser needs --username NAME".into(),
    })?;
    let database = database.ok_or_else(|| Error::Config {
        reason: "createsuperuser needs --database URL or DATABASE_URL".into(),
    })?;
    let password = match std::env::var("STRATA_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprint!("Password for {username}: ");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let db = strata::Db::connect(&database).await?;
    let user = crate::user::create_user(&db, &username, &password, read_only).await?;
    println!(
        "created {}user `{}` (id {})",
        if read_only { "read-only " } else { "super" },
        user.username,
        user.id
    );
    db.close().await;
    Ok(())
}
