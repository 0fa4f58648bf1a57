//! Standard Webhooks signatures (DESIGN.md section 5): `webhook-id`,
//! `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64
//! HMAC-SHA256 of "{id}.{timestamp}.{raw body}">`, with secrets written
//! `whsec_<base64>`; several, comma-separated, for rotation.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a timestamp may be from now.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// The secrets a webhook may be signed with (the first one signs).
#[derive(Clone)]
pub struct WebhookSecrets(Vec<Vec<u8>>);

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebhookSecrets([{} redacted])", self.0.len())
    }
}

/// Why a webhook is refused (said in the 401; never the secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the webhook-id, webhook-timestamp and webhook-signature headers are required")]
    Missing,
    #[error("webhook-timestamp is not a Unix time in seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is more than 5 minutes from now")]
    Stale,
    #[error("no webhook-signature matches")]
    NoMatch,
}

impl WebhookSecrets {
    /// `whsec_<base64>[,whsec_<base64>...]`.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut secrets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let b64 = item.strip_prefix("whsec_").ok_or("each webhook secret starts with whsec_")?;
            let bytes = STANDARD.decode(b64).map_err(|_| "a webhook secret is not base64 after whsec_")?;
            if bytes.len() < 16 {
                return Err("a webhook secret needs at least 16 bytes".into());
            }
            secrets.push(bytes);
        }
        if secrets.is_empty() {
            return Err("no webhook secret".into());
        }
        Ok(Self(secrets))
    }

    fn mac(secret: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// The `webhook-signature` value for a body, with the first secret.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = Self::mac(&self.0[0], id, &timestamp.to_string(), body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// Checks the headers against the raw body, at `now` (Unix seconds).
    /// Each signature is compared in constant time (`Mac::verify_slice`).
    pub fn verify(
        &self,
        id: Option<&str>,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), Refused> {
        let (Some(id), Some(timestamp), Some(signature)) = (id, timestamp, signature) else {
            return Err(Refused::Missing);
        };
        if id.is_empty() || id.len() > 200 {
            return Err(Refused::Missing);
        }
        let ts: i64 = timestamp.trim().parse().map_err(|_| Refused::BadTimestamp)?;
        // abs_diff, not `(now - ts).abs()`: any i64 may arrive, and
        // i64::MIN would overflow the subtraction.
        if now.abs_diff(ts) > TOLERANCE_SECS.unsigned_abs() {
            return Err(Refused::Stale);
        }
        let candidates: Vec<Vec<u8>> = signature
            .split_whitespace()
            .filter_map(|s| s.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .collect();
        for secret in &self.0 {
            for sig in &candidates {
                if Self::mac(secret, id, timestamp.trim(), body).verify_slice(sig).is_ok() {
                    return Ok(());
                }
            }
        }
        Err(Refused::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(byte: u8) -> String {
        format!("whsec_{}", STANDARD.encode([byte; 24]))
    }

    #[test]
    fn signs_and_verifies_with_rotation_and_a_window() {
        let old = WebhookSecrets::parse(&secret(1)).expect("parses");
        let both = WebhookSecrets::parse(&format!("{}, {}", secret(2), secret(1))).expect("parses");
        let body = br#"{"status":"completed"}"#;
        let sig = old.sign("msg_1", 1_000, body);
        assert_eq!(
            both.verify(Some("msg_1"), Some("1000"), Some(&sig), body, 1_100),
            Ok(()),
            "an old secret still verifies"
        );
        let several = format!("v1,AAAA {sig}");
        assert_eq!(both.verify(Some("msg_1"), Some("1000"), Some(&several), body, 1_000), Ok(()));
        assert_eq!(both.verify(Some("msg_1"), Some("1000"), Some(&sig), b"{}", 1_000), Err(Refused::NoMatch));
        assert_eq!(both.verify(Some("msg_2"), Some("1000"), Some(&sig), body, 1_000), Err(Refused::NoMatch));
        assert_eq!(both.verify(Some("msg_1"), Some("1000"), Some(&sig), body, 1_000 + 301), Err(Refused::Stale));
        assert_eq!(both.verify(Some("msg_1"), Some("x"), Some(&sig), body, 1_000), Err(Refused::BadTimestamp));
        for extreme in [i64::MIN, i64::MAX] {
            let ts = extreme.to_string();
            assert_eq!(both.verify(Some("msg_1"), Some(&ts), Some(&sig), body, 1_000), Err(Refused::Stale));
        }
        assert_eq!(both.verify(None, Some("1000"), Some(&sig), body, 1_000), Err(Refused::Missing));
        let other = WebhookSecrets::parse(&secret(3)).expect("parses");
        assert_eq!(other.verify(Some("msg_1"), Some("1000"), Some(&sig), body, 1_000), Err(Refused::NoMatch));
    }

    /// The example of the Standard Webhooks specification.
    #[test]
    fn matches_the_specification_example() {
        let s = WebhookSecrets::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("parses");
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            s.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn bad_secrets_are_refused() {
        assert!(WebhookSecrets::parse("").is_err());
        assert!(WebhookSecrets::parse("secret").is_err());
        assert!(WebhookSecrets::parse("whsec_!!!").is_err());
        assert!(WebhookSecrets::parse("whsec_AAAA").is_err(), "too short");
    }
}
