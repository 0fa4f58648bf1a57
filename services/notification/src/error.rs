//! The notification service's one error type, and its mapping to gRPC statuses.

use ec_common::error::{ErrorCode, Fault};
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Fault(#[from] Fault),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("the writer task stopped")]
    WriterStopped(#[from] ec_common::batch::WriterStopped),
    /// A delivery that may work later: the server answered 4xx (SMTP) or
    /// 429/5xx (SMS provider), could not be reached, or did not answer in time.
    #[error("{0}")]
    Transient(String),
    /// A delivery that never will as it is: the server refused it for good
    /// (SMTP 5xx, another 4xx of the SMS provider). The text is the server's.
    #[error("{0}")]
    Permanent(String),
    /// The message was handed over (see [`crate::sender::Handover`]) and no
    /// answer came: it may have been delivered. It is never sent again, so
    /// that no one gets it twice.
    #[error("{0}")]
    Unconfirmed(String),
}

impl Error {
    /// Whether trying the delivery again can help: anything but a refusal
    /// for good (a database hiccup inside a sender is worth another try).
    pub fn is_transient(&self) -> bool {
        !matches!(self, Self::Permanent(_) | Self::Unconfirmed(_) | Self::Fault(_))
    }
}

impl From<Error> for Status {
    fn from(e: Error) -> Self {
        match e {
            Error::Fault(f) => f.into(),
            Error::Db(e) => {
                tracing::error!(error = %e, "database error");
                Fault::internal().into()
            }
            Error::WriterStopped(_) => {
                Fault::new(ErrorCode::Unavailable, "the notification service is shutting down").into()
            }
            // Delivery outcomes are recorded on the notification, never
            // answered to a caller; should one get here, it says no more.
            Error::Transient(_) | Error::Permanent(_) | Error::Unconfirmed(_) => Fault::internal().into(),
        }
    }
}
