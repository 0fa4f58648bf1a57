//! Where a notification goes when it is delivered.

use crate::entity::notifications;

/// Delivers one rendered notification. An `Err` is retried with back-off
/// until the attempts run out.
#[async_trait::async_trait]
pub trait Sender: Send + Sync + 'static {
    async fn send(&self, n: &notifications::Model) -> Result<(), String>;
}

/// The default sender: the rendered message is already stored; delivery
/// writes it to the log (and the dispatcher marks it sent with its time).
/// A real SMTP or SMS gateway plugs in here.
pub struct LogSender;

#[async_trait::async_trait]
impl Sender for LogSender {
    async fn send(&self, n: &notifications::Model) -> Result<(), String> {
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
