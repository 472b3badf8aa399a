//! [`AdminUser`]: the people who may log in, with argon2-hashed passwords.

use crate::error::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use strata::prelude::*;

/// A user of the admin. Its table, `strata_admin_user`, is created by the
/// project's migrations like any model's (`makemigrations` sees it once
/// the binary links this crate).
///
/// `read_only` users see every page but change nothing; inactive users
/// cannot log in.
#[derive(Model, Debug, Clone)]
#[strata(table = "strata_admin_user")]
pub struct AdminUser {
    pub id: i64,
    #[strata(max_length = 150, unique)]
    pub username: String,
    /// The argon2id hash in PHC format; never the password.
    #[strata(max_length = 255)]
    pub password_hash: String,
    #[strata(default = true)]
    pub is_active: bool,
    #[strata(default = false)]
    pub read_only: bool,
}

/// The argon2id hash of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Password {
            reason: e.to_string(),
        })
}

/// Whether `password` matches `hash`; a malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Creates a user who may change everything (`read_only = false`), as
/// `manage createsuperuser` does. Refuses an empty username or a password
/// shorter than 8 characters.
///
/// ```
/// # use strata::prelude::*;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), strata_admin::Error> {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_tables(&[strata_admin::AdminUser::META]).await?;
/// let ann = strata_admin::create_user(&db, "ann", "correct horse battery", false).await?;
/// assert!(strata_admin::authenticate(&db, "ann", "correct horse battery").await?.is_some());
/// assert!(strata_admin::authenticate(&db, "ann", "wrong").await?.is_none());
/// assert!(!ann.password_hash.contains("correct horse"));
/// # Ok(()) }
/// ```
pub async fn create_user(
    db: &Db,
    username: &str,
    password: &str,
    read_only: bool,
) -> Result<AdminUser> {
    let refuse = |reason: &str| Error::User {
        username: username.to_string(),
        reason: reason.to_string(),
    };
    if username.trim().is_empty() || username.chars().count() > 150 {
        return Err(refuse("a username has 1 to 150 characters"));
    }
    if password.chars().count() < 8 {
        return Err(refuse("a password has at least 8 characters"));
    }
    let mut user = AdminUser {
        id: 0,
        username: username.to_string(),
        password_hash: hash_password(password)?,
        is_active: true,
        read_only,
    };
    match user.insert(db).await {
        Ok(()) => Ok(user),
        Err(strata::Error::UniqueViolation { .. }) => Err(refuse("that username is taken")),
        Err(e) => Err(e.into()),
    }
}

/// The active user with this username and password, if any.
pub async fn authenticate(db: &Db, username: &str, password: &str) -> Result<Option<AdminUser>> {
    let found = AdminUser::objects()
        .filter(AdminUser::username().eq(username))
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .find(|u| u.is_active && verify_password(password, &u.password_hash)))
}
