//! E-mail over SMTP with lettre (tokio, rustls on ring).
//!
//! NOTIFY_SMTP_URL picks the server and how TLS is used:
//! - `smtp://host:port`: STARTTLS when the server offers it, plain otherwise;
//! - `smtp://host:port?tls=required`: never sends without STARTTLS;
//! - `smtps://host:port`: TLS from the first byte;
//! - `smtp://host:port?tls=none`: plain, for a trusted relay on the same host.
//!
//! The server's certificate is checked against the system's roots plus
//! NOTIFY_SMTP_CA_FILE. A reply of 5xx is final (the notification fails with
//! the server's words); 4xx, a refused connection, a TLS failure or silence
//! are worth another try, up to the point of no return.
//!
//! That point is the server's go-ahead to DATA: the message and its final
//! dot follow, and from the dot on the server may have the mail. So the
//! transaction is driven here step by step (lettre's connection, not its
//! transport) and the handover is recorded between the two. A sender killed
//! before it is retried safely (a server drops a message it never saw end);
//! one killed after it leaves the mail to its recorded handover, and it is
//! not sent again. Losing the server after the dot without its answer is
//! `Unconfirmed` for the same reason. (RFC 1047: the ambiguity is SMTP's;
//! the window here is one DB commit and one write, not the server's reply.)

use std::{path::Path, time::Duration};

use ec_common::config::Secret;
use lettre::{
    Address, Message,
    address::Envelope,
    message::{Mailbox, header::ContentType},
    transport::smtp::{
        Error as SmtpError,
        authentication::{Credentials, DEFAULT_MECHANISMS},
        client::{AsyncSmtpConnection, Certificate, Tls, TlsParameters},
        commands::{Data, Mail, Rcpt},
        extension::{ClientId, Extension, MailBodyParameter, MailParameter},
    },
};

use super::{Handover, Sender};
use crate::{config::SmtpSettings, entity::notifications, error::Error};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// STARTTLS if the server offers it.
    Opportunistic,
    /// STARTTLS or no mail.
    Required,
    /// TLS from the start (`smtps://`).
    Implicit,
    /// Never TLS (`?tls=none`).
    None,
}

impl TlsMode {
    fn describe(self) -> &'static str {
        match self {
            Self::Opportunistic => "STARTTLS when offered",
            Self::Required => "STARTTLS required",
            Self::Implicit => "implicit TLS",
            Self::None => "no TLS",
        }
    }
}

/// NOTIFY_SMTP_URL, taken apart. Its `Debug` never shows the password.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<Secret>,
}

/// Parses NOTIFY_SMTP_URL. Errors never quote the URL: it may hold a password.
pub fn parse_url(raw: &str) -> Result<Target, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("NOTIFY_SMTP_URL is not a URL ({e})"))?;
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or("NOTIFY_SMTP_URL names no host")?;
    // IPv6 literals come bracketed; TLS names and sockets want them bare.
    let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let mut tls_param = None;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "tls" => tls_param = Some(v.into_owned()),
            other => return Err(format!("NOTIFY_SMTP_URL: unknown parameter {other:?} (only tls=)")),
        }
    }
    let tls = match (url.scheme(), tls_param.as_deref()) {
        ("smtp", None | Some("opportunistic")) => TlsMode::Opportunistic,
        ("smtp", Some("required")) => TlsMode::Required,
        ("smtp", Some("none")) => TlsMode::None,
        ("smtps", None) => TlsMode::Implicit,
        ("smtp", Some(other)) => {
            return Err(format!("NOTIFY_SMTP_URL: tls={other:?} is not one of required, opportunistic, none"));
        }
        ("smtps", Some(_)) => return Err("NOTIFY_SMTP_URL: smtps:// is always TLS; tls= is for smtp://".to_owned()),
        (other, _) => return Err(format!("NOTIFY_SMTP_URL: scheme {other:?} is not smtp or smtps")),
    };
    let port = url.port().unwrap_or(match tls {
        TlsMode::Implicit => 465,
        TlsMode::Required => 587,
        TlsMode::Opportunistic | TlsMode::None => 25,
    });
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| "NOTIFY_SMTP_URL: the user or password is not UTF-8".to_owned())
    };
    let user = Some(decode(url.username())?).filter(|u| !u.is_empty());
    let password = url.password().map(decode).transpose()?.map(Secret::new);
    Ok(Target { host, port, tls, user, password })
}

pub struct SmtpSender {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    /// Bounds every read and write on the connection.
    timeout: Duration,
    /// Our name in EHLO (this host's).
    hello: ClientId,
    from: Mailbox,
    /// The domain of the sender address: Message-IDs are made in it.
    domain: String,
    description: String,
}

impl SmtpSender {
    /// The SMTP sender NOTIFY_SMTP_URL asks for (none without it). The
    /// sender address is checked either way.
    pub fn from_settings(s: &SmtpSettings, timeout: Duration) -> anyhow::Result<Option<Self>> {
        let from: Mailbox = s
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("NOTIFY_MAIL_FROM {:?} is not a mail address: {e}", s.mail_from))?;
        let Some(url) = &s.url else { return Ok(None) };
        let mut target = parse_url(url.expose()).map_err(anyhow::Error::msg)?;
        // Separate settings win over the URL's (a password kept in a secret
        // store, the URL in plain configuration).
        if let Some(user) = s.user.clone().filter(|u| !u.trim().is_empty()) {
            target.user = Some(user);
        }
        if let Some(password) = s.password.clone() {
            target.password = Some(password);
        }
        let ca = s.ca_file.as_deref().map(read_ca).transpose()?;
        Self::new(&target, from, ca, timeout).map(Some)
    }

    pub fn new(target: &Target, from: Mailbox, ca: Option<Certificate>, timeout: Duration) -> anyhow::Result<Self> {
        let tls = |ca: Option<Certificate>| -> anyhow::Result<TlsParameters> {
            let mut params = TlsParameters::builder(target.host.clone());
            if let Some(ca) = ca {
                params = params.add_root_certificate(ca);
            }
            params.build_rustls().map_err(|e| anyhow::anyhow!("SMTP TLS settings: {e}"))
        };
        let tls = match target.tls {
            TlsMode::Opportunistic => Tls::Opportunistic(tls(ca)?),
            TlsMode::Required => Tls::Required(tls(ca)?),
            TlsMode::Implicit => Tls::Wrapper(tls(ca)?),
            TlsMode::None => Tls::None,
        };
        let credentials = match (&target.user, &target.password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password.expose().to_owned())),
            (None, None) => None,
            (Some(_), None) => anyhow::bail!("an SMTP user is set without a password (NOTIFY_SMTP_PASSWORD)"),
            (None, Some(_)) => anyhow::bail!("an SMTP password is set without a user (NOTIFY_SMTP_USER)"),
        };
        let signed_in = credentials.is_some();
        let domain = from.email.domain().to_owned();
        let description = format!(
            "smtp {}:{} ({}{})",
            target.host,
            target.port,
            target.tls.describe(),
            if signed_in { ", with credentials" } else { "" }
        );
        Ok(Self {
            host: target.host.clone(),
            port: target.port,
            tls,
            credentials,
            timeout,
            hello: ClientId::default(),
            from,
            domain,
            description,
        })
    }

    pub fn describe(&self) -> String {
        self.description.clone()
    }

    /// The Message-ID of a notification's mail: the same for every attempt,
    /// so a mail sent twice (a crash between sending and recording it) can
    /// be recognised as one.
    pub fn message_id(&self, notification_id: i64) -> String {
        format!("<notification-{notification_id}@{}>", self.domain)
    }

    fn message(&self, n: &notifications::Model) -> Result<Message, Error> {
        let to: Mailbox = n
            .recipient
            .parse()
            .map_err(|e| Error::Permanent(format!("the recipient {:?} is not a mail address: {e}", n.recipient)))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(n.subject.clone())
            .message_id(Some(self.message_id(n.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(n.body.clone())
            .map_err(|e| Error::Permanent(format!("the message cannot be built: {e}")))
    }
}

fn read_ca(path: &Path) -> anyhow::Result<Certificate> {
    let pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("NOTIFY_SMTP_CA_FILE {}: {e}", path.display()))?;
    Certificate::from_pem(&pem)
        .map_err(|e| anyhow::anyhow!("NOTIFY_SMTP_CA_FILE {} holds no PEM certificate: {e}", path.display()))
}

#[async_trait::async_trait]
impl Sender for SmtpSender {
    async fn send(&self, n: &notifications::Model, handover: &dyn Handover) -> Result<(), Error> {
        let message = self.message(n)?;
        let mut conn = self.connect().await.map_err(before_handover)?;
        let sent = self.transaction(&mut conn, message.envelope(), &message.formatted(), handover).await;
        match sent {
            Ok(()) => {
                // The mail is the server's; a failed goodbye changes nothing.
                let _ = conn.quit().await;
            }
            Err(_) => conn.abort().await,
        }
        sent
    }
}

impl SmtpSender {
    /// A connection, secured as configured and signed in: what lettre's
    /// transport does before a send.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let wrapper = match &self.tls {
            Tls::Wrapper(p) => Some(p.clone()),
            _ => None,
        };
        let addr = (self.host.as_str(), self.port);
        let mut conn =
            AsyncSmtpConnection::connect_tokio1(addr, Some(self.timeout), &self.hello, wrapper, None).await?;
        match &self.tls {
            Tls::Opportunistic(p) if conn.can_starttls() => conn.starttls(p.clone(), &self.hello).await?,
            Tls::Required(p) => conn.starttls(p.clone(), &self.hello).await?,
            _ => {}
        }
        if let Some(c) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, c).await?;
        }
        Ok(conn)
    }

    /// MAIL, RCPT, DATA; the handover; the message and its final dot.
    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        envelope: &Envelope,
        email: &[u8],
        handover: &dyn Handover,
    ) -> Result<(), Error> {
        // As lettre's own send: SMTPUTF8 for non-ASCII addresses, 8BITMIME
        // for a non-ASCII message, refused if the server lacks them.
        let mut options = vec![];
        let non_ascii = |a: &Address| !AsRef::<str>::as_ref(a).is_ascii();
        if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(Error::Permanent("the address is not ASCII and the SMTP server lacks SMTPUTF8".into()));
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !email.is_ascii() {
            if !conn.server_info().supports_feature(Extension::EightBitMime) {
                return Err(Error::Permanent("the message is not ASCII and the SMTP server lacks 8BITMIME".into()));
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        conn.command(Mail::new(envelope.from().cloned(), options)).await.map_err(before_handover)?;
        for to in envelope.to() {
            conn.command(Rcpt::new(Address::clone(to), vec![])).await.map_err(before_handover)?;
        }
        conn.command(Data).await.map_err(before_handover)?;
        handover.hand_over().await?;
        conn.message(email).await.map(drop).map_err(after_handover)
    }
}

/// Nothing was delivered yet: 5xx is final, anything else may work later.
fn before_handover(e: SmtpError) -> Error {
    // lettre says "permanent error (550): <the server's reply>".
    if e.is_permanent() { Error::Permanent(format!("SMTP {e}")) } else { Error::Transient(format!("SMTP {e}")) }
}

/// After the message: the server's answer still decides (it refuses a
/// message with 4xx or 5xx); without one, the mail may be delivered.
fn after_handover(e: SmtpError) -> Error {
    if e.is_permanent() || e.is_transient() {
        before_handover(e)
    } else {
        Error::Unconfirmed(format!(
            "SMTP: no answer after the message was handed over ({e}); it may have been delivered and is not sent again"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_say_how_tls_is_used() {
        let t = parse_url("smtp://mail.example.com:2525").expect("plain");
        assert_eq!((t.host.as_str(), t.port, t.tls), ("mail.example.com", 2525, TlsMode::Opportunistic));
        assert_eq!(parse_url("smtp://h?tls=required").expect("required").tls, TlsMode::Required);
        assert_eq!(parse_url("smtp://h?tls=required").expect("required").port, 587);
        assert_eq!(parse_url("smtp://h?tls=none").expect("none").tls, TlsMode::None);
        let s = parse_url("smtps://h").expect("smtps");
        assert_eq!((s.tls, s.port), (TlsMode::Implicit, 465));
        for bad in ["http://h", "smtp://h?tls=maybe", "smtps://h?tls=required", "smtp://h?x=1", "smtp://"] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_are_decoded_and_never_shown() {
        let t = parse_url("smtp://mailer:p%40ss%3Aword@h:25").expect("url");
        assert_eq!(t.user.as_deref(), Some("mailer"));
        assert_eq!(t.password.as_ref().map(Secret::expose), Some("p@ss:word"));
        let shown = format!("{t:?}");
        assert!(!shown.contains("p@ss"), "{shown}");
        let err = parse_url("smtp://u:hunter2@h?tls=bogus").expect_err("bad tls");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn message_ids_are_made_in_the_senders_domain() {
        let from: Mailbox = "EC <no-reply@shop.example>".parse().expect("from");
        let target = parse_url("smtp://127.0.0.1:2525?tls=none").expect("url");
        let s = SmtpSender::new(&target, from, None, Duration::from_secs(1)).expect("sender");
        assert_eq!(s.message_id(42), "<notification-42@shop.example>");
    }

    #[test]
    fn a_bad_sender_address_is_refused_at_start() {
        let s = SmtpSettings { mail_from: "not an address".into(), ..SmtpSettings::default() };
        assert!(SmtpSender::from_settings(&s, Duration::from_secs(1)).is_err());
        assert!(
            SmtpSender::from_settings(&SmtpSettings::default(), Duration::from_secs(1)).expect("default").is_none()
        );
    }
}
