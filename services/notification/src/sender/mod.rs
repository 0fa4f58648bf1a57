//! Where a notification goes when it is delivered.
//!
//! - [`LogSender`]: the embedded default; the message is written to the log.
//! - [`smtp::SmtpSender`]: e-mail over SMTP (lettre), when NOTIFY_SMTP_URL is set.
//! - [`sms::SmsSender`]: SMS through an HTTP provider with Twilio's request
//!   shape, when NOTIFY_SMS_URL is set.
//! - [`ByChannel`]: each channel to its own sender; [`from_settings`] builds
//!   it from the configuration.

pub mod sms;
pub mod smtp;

use std::sync::Arc;

use crate::{config::Settings, entity::notifications, error::Error, store::Channel};

/// Delivers one rendered notification.
///
/// A sender calls `handover` exactly once, at its point of no return: just
/// before the one step that can deliver the message. Before it, nothing has
/// reached the recipient and a failure may be tried again; if the handover
/// itself fails, the sender stops there. After it, the notification is never
/// sent again (no one gets a mail twice): a failure the server answered
/// (SMTP 4xx/5xx, a provider's error status) is still a failure, but losing
/// the server without its answer is `Err(Error::Unconfirmed)`.
///
/// `Err(Error::Permanent)` marks the notification failed at once, with the
/// message as its error; `Err(Error::Transient)` has it tried again after a
/// back-off until its attempts run out. The dispatcher bounds every call by
/// NOTIFY_SEND_TIMEOUT_MS, so a sender need not.
#[async_trait::async_trait]
pub trait Sender: Send + Sync + 'static {
    async fn send(&self, n: &notifications::Model, handover: &dyn Handover) -> Result<(), Error>;
}

/// The point of no return of one delivery: the dispatcher records in the
/// database that the message is being handed over, so that a replica taking
/// over after a crash knows not to send it again.
#[async_trait::async_trait]
pub trait Handover: Send + Sync {
    async fn hand_over(&self) -> Result<(), Error>;
}

/// The default sender: the rendered message is already stored; delivery
/// writes it to the log (and the dispatcher marks it sent with its time).
pub struct LogSender;

#[async_trait::async_trait]
impl Sender for LogSender {
    async fn send(&self, n: &notifications::Model, handover: &dyn Handover) -> Result<(), Error> {
        handover.hand_over().await?;
        tracing::info!(
            notification_id = n.id,
            order_id = n.order_id,
            channel = ?n.channel,
            recipient = %n.recipient,
            subject = %n.subject,
            body = %n.body,
            "notification delivered"
        );
        Ok(())
    }
}

/// E-mails to one sender, SMS to another.
pub struct ByChannel {
    pub email: Arc<dyn Sender>,
    pub sms: Arc<dyn Sender>,
    /// What goes where, for the start-up log line.
    pub description: String,
}

#[async_trait::async_trait]
impl Sender for ByChannel {
    async fn send(&self, n: &notifications::Model, handover: &dyn Handover) -> Result<(), Error> {
        match n.channel {
            Channel::Email => self.email.send(n, handover).await,
            Channel::Sms => self.sms.send(n, handover).await,
        }
    }
}

/// The senders the settings ask for: SMTP for e-mail and the HTTP provider
/// for SMS where configured, the log for the rest. A setting that cannot
/// work (a bad URL, an unreadable CA file, a bad sender address) is an
/// error now, not at the first delivery.
pub fn from_settings(s: &Settings) -> anyhow::Result<ByChannel> {
    let log: Arc<dyn Sender> = Arc::new(LogSender);
    let (email, email_is): (Arc<dyn Sender>, String) = match smtp::SmtpSender::from_settings(&s.smtp, s.send_timeout())?
    {
        Some(smtp) => {
            let d = smtp.describe();
            (Arc::new(smtp), d)
        }
        None => (log.clone(), "log".to_owned()),
    };
    let (sms, sms_is): (Arc<dyn Sender>, String) = match sms::SmsSender::from_settings(&s.sms)? {
        Some(sms) => {
            let d = sms.describe();
            (Arc::new(sms), d)
        }
        None => (log, "log".to_owned()),
    };
    Ok(ByChannel { email, sms, description: format!("email: {email_is}; sms: {sms_is}") })
}
