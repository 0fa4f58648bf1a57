//! The first admin (DESIGN.md section 5): `EC_ADMIN_EMAIL` +
//! `EC_ADMIN_PASSWORD` create them, `EC_ADMIN_API_KEY` makes that exact key
//! an admin key; with none of them on a first start, an admin password is
//! generated and printed once (stored only hashed).

use ec_common::config::Secret;

use super::{Role, secrets, store::AuthStore};

/// Who signs in when nothing was configured.
pub const DEFAULT_ADMIN: &str = "admin@ec-platform.local";

/// The bootstrap settings, as configured.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    pub admin_email: Option<String>,
    pub admin_password: Option<Secret>,
    pub admin_api_key: Option<Secret>,
}

/// What bootstrapping did, for the one line a person reads at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The store already had users or keys, or the configured ones exist.
    Ready,
    /// A first admin with a generated password (shown once, here).
    Generated { email: String, password: String },
    /// Only keys, no user yet: the web admin has nobody to sign in.
    KeysOnly,
}

pub async fn run(store: &AuthStore, b: &Bootstrap) -> anyhow::Result<Outcome> {
    if let Some(key) = &b.admin_api_key {
        let key = key.expose();
        if !key.starts_with(secrets::KEY_PREFIX) || key.len() < 32 {
            anyhow::bail!("EC_ADMIN_API_KEY must be an sk_ string of at least 32 characters");
        }
        let hash = secrets::sha256_hex(key);
        if store.key_by_hash(&hash).await?.is_none() {
            store.create_key("EC_ADMIN_API_KEY", Role::Admin, hash, secrets::last4(key), "bootstrap").await?;
        }
    }
    match (&b.admin_email, &b.admin_password) {
        (Some(email), Some(password)) => {
            let email = ec_common::rules::email("EC_ADMIN_EMAIL", email)
                .map_err(|v| anyhow::anyhow!("EC_ADMIN_EMAIL {}", v.description))?;
            if password.expose().chars().count() < super::routes::PASSWORD_MIN {
                anyhow::bail!("EC_ADMIN_PASSWORD must be at least {} characters", super::routes::PASSWORD_MIN);
            }
            if store.user_by_email(&email).await?.is_none() {
                let hash = secrets::hash_password(password.expose().to_owned()).await.map_err(anyhow::Error::msg)?;
                store.create_user(&email, hash, Role::Admin).await?;
            }
            Ok(Outcome::Ready)
        }
        (Some(_), None) | (None, Some(_)) => {
            anyhow::bail!("set EC_ADMIN_EMAIL and EC_ADMIN_PASSWORD together")
        }
        (None, None) => {
            if store.user_count().await? > 0 {
                return Ok(Outcome::Ready);
            }
            if !store.keys().await?.is_empty() {
                return Ok(Outcome::KeysOnly);
            }
            let password = secrets::random_token();
            let hash = secrets::hash_password(password.clone()).await.map_err(anyhow::Error::msg)?;
            store.create_user(DEFAULT_ADMIN, hash, Role::Admin).await?;
            Ok(Outcome::Generated { email: DEFAULT_ADMIN.to_owned(), password })
        }
    }
}
