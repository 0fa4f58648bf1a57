//! SMS through an HTTP provider with Twilio's request shape:
//! `POST {NOTIFY_SMS_URL}/2010-04-01/Accounts/{sid}/Messages.json`, a form
//! body of `To`, `From` and `Body`, HTTP basic auth `sid:token`.
//!
//! A 2xx is delivered. 429 and 5xx (the provider is busy or broken) and a
//! provider that cannot be reached are worth another try; any other answer
//! (a bad number, a refused account) is final, with the provider's message.

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use ec_common::config::Secret;
use http::{HeaderValue, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::{Client, connect::HttpConnector};

use super::{Handover, Sender};
use crate::{config::SmsSettings, entity::notifications, error::Error};

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The most of a provider's answer that is read (its error message is short).
const ANSWER_MAX: usize = 64 * 1024;

pub struct SmsSender {
    client: HttpsClient,
    endpoint: Uri,
    /// `Basic base64(sid:token)`, marked sensitive so no Debug prints it.
    authorization: HeaderValue,
    from: String,
    description: String,
}

impl SmsSender {
    /// The sender NOTIFY_SMS_URL asks for (none without it); the SID, token
    /// and sending number must then be set too.
    pub fn from_settings(s: &SmsSettings) -> anyhow::Result<Option<Self>> {
        let Some(url) = s.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
        let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let sid = set(&s.account_sid).ok_or_else(|| anyhow::anyhow!("NOTIFY_SMS_URL needs NOTIFY_SMS_ACCOUNT_SID"))?;
        let token = s
            .auth_token
            .clone()
            .filter(|t| !t.expose().is_empty())
            .ok_or_else(|| anyhow::anyhow!("NOTIFY_SMS_URL needs NOTIFY_SMS_AUTH_TOKEN"))?;
        let from = set(&s.from).ok_or_else(|| anyhow::anyhow!("NOTIFY_SMS_URL needs NOTIFY_SMS_FROM"))?;
        Self::new(url, &sid, &token, from).map(Some)
    }

    pub fn new(base: &str, sid: &str, token: &Secret, from: String) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(base).map_err(|e| anyhow::anyhow!("NOTIFY_SMS_URL {base:?}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            anyhow::bail!("NOTIFY_SMS_URL {base:?} must be an http(s) base URL without a query");
        }
        if !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            anyhow::bail!("NOTIFY_SMS_ACCOUNT_SID must be letters and digits");
        }
        let base = base.trim_end_matches('/');
        let endpoint: Uri = format!("{base}/2010-04-01/Accounts/{sid}/Messages.json")
            .parse()
            .map_err(|e| anyhow::anyhow!("NOTIFY_SMS_URL {base:?}: {e}"))?;
        let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{sid}:{}", token.expose()));
        let mut authorization = HeaderValue::from_str(&format!("Basic {credentials}"))
            .map_err(|_| anyhow::anyhow!("NOTIFY_SMS_AUTH_TOKEN cannot travel in a header"))?;
        authorization.set_sensitive(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(parsed.scheme() == "https")?)
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector);
        Ok(Self { client, endpoint, authorization, from, description: format!("http provider {base}") })
    }

    pub fn describe(&self) -> String {
        self.description.clone()
    }

    async fn post(&self, n: &notifications::Model, handover: &dyn Handover) -> Result<(StatusCode, Bytes), Error> {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", &e164(&n.recipient))
            .append_pair("From", &self.from)
            .append_pair("Body", &n.body)
            .finish();
        let request = http::Request::post(self.endpoint.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::AUTHORIZATION, self.authorization.clone())
            .body(Full::new(Bytes::from(form)))
            .map_err(|e| Error::Permanent(format!("the SMS request cannot be built: {e}")))?;
        // HTTP has no later point of no return: once the request may have
        // left, the provider may send the message.
        handover.hand_over().await?;
        let answer = self.client.request(request).await.map_err(|e| {
            if e.is_connect() {
                // No connection: nothing was sent.
                Error::Transient(format!("the SMS provider cannot be reached: {}", chain(&e)))
            } else {
                Error::Unconfirmed(format!(
                    "the SMS provider's answer was lost ({}): it may have sent the message, which is not sent again",
                    chain(&e)
                ))
            }
        })?;
        let status = answer.status();
        // An answer cut short still has its status; the text is a courtesy.
        let body =
            Limited::new(answer.into_body(), ANSWER_MAX).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        Ok((status, body))
    }
}

#[async_trait::async_trait]
impl Sender for SmsSender {
    async fn send(&self, n: &notifications::Model, handover: &dyn Handover) -> Result<(), Error> {
        let (status, body) = self.post(n, handover).await?;
        if status.is_success() {
            return Ok(());
        }
        let text = format!("SMS provider answered {}: {}", status.as_u16(), provider_message(&body));
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(Error::Transient(text))
        } else {
            Err(Error::Permanent(text))
        }
    }
}

/// TLS for an https provider: the system's roots, rustls on ring (the
/// provider the rest of the workspace uses).
fn tls_config(https: bool) -> anyhow::Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(found.certs);
    if https && roots.is_empty() {
        anyhow::bail!("NOTIFY_SMS_URL is https but the system has no CA roots (install ca-certificates)");
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| anyhow::anyhow!("TLS for the SMS provider: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// A phone number as providers take it: `+` and digits, separators dropped
/// (`+81 90-1234-5678` -> `+819012345678`).
pub fn e164(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}

/// The provider's own words: Twilio answers `{"code": 21211, "message": ...}`;
/// anything else is quoted (shortened).
fn provider_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Answer {
        message: Option<String>,
        code: Option<serde_json::Value>,
    }
    match serde_json::from_slice::<Answer>(body) {
        Ok(Answer { message: Some(m), code: Some(c) }) => format!("{m} (code {c})"),
        Ok(Answer { message: Some(m), code: None }) => m,
        _ => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if text.is_empty() { "no message".to_owned() } else { text.chars().take(300).collect() }
        }
    }
}

/// An error with its causes (hyper's own text says little: "client error (Connect)").
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_their_separators() {
        assert_eq!(e164("+81 90-1234-5678"), "+819012345678");
        assert_eq!(e164("(03) 1234 5678"), "0312345678");
    }

    #[test]
    fn provider_messages_are_quoted() {
        let twilio = br#"{"code": 21211, "message": "The 'To' number is not valid.", "status": 400}"#;
        assert_eq!(provider_message(twilio), "The 'To' number is not valid. (code 21211)");
        assert_eq!(provider_message(b"Service Unavailable"), "Service Unavailable");
        assert_eq!(provider_message(b""), "no message");
    }

    #[test]
    fn settings_must_be_complete() {
        let mut s = SmsSettings { url: Some("http://127.0.0.1:9".into()), ..SmsSettings::default() };
        assert!(SmsSender::from_settings(&s).is_err(), "no sid");
        s.account_sid = Some("AC123".into());
        s.auth_token = Some(Secret::new("t0ken"));
        assert!(SmsSender::from_settings(&s).is_err(), "no from");
        s.from = Some("+15005550006".into());
        let sender = SmsSender::from_settings(&s).expect("complete").expect("configured");
        assert_eq!(sender.endpoint.to_string(), "http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages.json");
        assert!(!format!("{:?}", sender.authorization).contains("dDBr"), "the token is not shown");
        assert!(SmsSender::from_settings(&SmsSettings::default()).expect("none").is_none());
    }
}
