//! Making and checking credentials: passwords (Argon2id), session ids and
//! API keys (256 random bits, stored only as SHA-256), and the throttle of
//! failed sign-ins.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// The prefix of every API key.
pub const KEY_PREFIX: &str = "sk_";

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS's generator; failing it is failing to run at all.
    if getrandom::fill(&mut bytes).is_err() {
        panic!("the operating system's random number generator is unavailable");
    }
    bytes
}

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

fn salt() -> Result<SaltString, String> {
    SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| e.to_string())
}

/// A new API key: `sk_` and 256 random bits.
pub fn new_api_key() -> String {
    format!("{KEY_PREFIX}{}", random_token())
}

/// What is stored of a session id or an API key: they are high-entropy, so
/// a plain SHA-256 is as good as a slow hash and costs microseconds.
pub fn sha256_hex(secret: &str) -> String {
    ec_common::hex::encode(&Sha256::digest(secret.as_bytes()))
}

/// The last 4 characters, shown to tell keys apart.
pub fn last4(key: &str) -> String {
    key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect()
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes): tens of
/// milliseconds, so it runs off the async threads.
pub async fn hash_password(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = salt()?;
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether `password` matches `hash`. Without a hash (no such user) a fixed
/// one is checked instead, so an unknown e-mail takes as long as a wrong
/// password.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let known = hash.is_some();
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&hash) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

/// An Argon2id hash of a password nobody has, with the same parameters as
/// every real one (made once per process).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let Ok(salt) = salt() else { return String::new() };
        Argon2::default().hash_password(random_token().as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// Failed sign-ins, per account and per client address. After
/// [`Throttle::FREE`] failures within [`Throttle::WINDOW`], each further
/// attempt waits twice as long as the last (from 30 s up to 15 min).
#[derive(Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
    blocked_until: Option<Instant>,
}

impl Throttle {
    pub const FREE: u32 = 5;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    const FIRST_WAIT: Duration = Duration::from_secs(30);
    const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

    fn keys(email: &str, ip: Option<IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("account:{}", email.trim().to_lowercase())];
        if let Some(ip) = ip {
            keys.push(format!("ip:{ip}"));
        }
        keys
    }

    /// How long this client must still wait, if it must.
    pub fn wait(&self, email: &str, ip: Option<IpAddr>) -> Option<Duration> {
        let now = Instant::now();
        let entries = self.entries.lock().ok()?;
        Self::keys(email, ip)
            .iter()
            .filter_map(|k| entries.get(k)?.blocked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max()
    }

    pub fn failed(&self, email: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        let Ok(mut entries) = self.entries.lock() else { return };
        // Keep the map small: forget what has long passed.
        if entries.len() > 10_000 {
            entries.retain(|_, f| now.duration_since(f.first) < Self::WINDOW);
        }
        for key in Self::keys(email, ip) {
            let f = entries.entry(key).or_insert(Failures { count: 0, first: now, blocked_until: None });
            if now.duration_since(f.first) > Self::WINDOW && f.blocked_until.is_none_or(|u| u <= now) {
                *f = Failures { count: 0, first: now, blocked_until: None };
            }
            f.count += 1;
            if f.count >= Self::FREE {
                let doublings = (f.count - Self::FREE).min(10);
                let wait = Self::FIRST_WAIT.saturating_mul(1 << doublings).min(Self::MAX_WAIT);
                f.blocked_until = Some(now + wait);
            }
        }
    }

    /// A good sign-in clears the account's failures (not the address's: one
    /// good password does not excuse guessing others).
    pub fn succeeded(&self, email: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&format!("account:{}", email.trim().to_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_tokens_are_long_and_distinct() {
        let (a, b) = (new_api_key(), new_api_key());
        assert!(a.starts_with("sk_") && a.len() == 3 + 43, "{a}");
        assert_ne!(a, b);
        assert_eq!(sha256_hex("abc").len(), 64);
        assert_eq!(last4("sk_abcdefgh"), "efgh");
    }

    #[tokio::test]
    async fn passwords_verify_and_the_dummy_matches_nothing() {
        let h = hash_password("correct horse".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), Some(h.clone())).await);
        assert!(!verify_password("wrong".into(), Some(h)).await);
        assert!(!verify_password("correct horse".into(), None).await);
        assert!(PasswordHash::new(dummy_hash()).is_ok(), "the dummy hash parses, so it costs a real verification");
    }

    #[test]
    fn the_throttle_blocks_after_the_free_attempts() {
        let t = Throttle::default();
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..Throttle::FREE - 1 {
            t.failed("a@example.jp", ip);
        }
        assert!(t.wait("a@example.jp", ip).is_none());
        t.failed("a@example.jp", ip);
        assert!(t.wait("A@example.jp", None).is_some(), "per account");
        assert!(t.wait("other@example.jp", ip).is_some(), "per address");
        t.succeeded("a@example.jp");
        assert!(t.wait("a@example.jp", None).is_none());
    }
}
