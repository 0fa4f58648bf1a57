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
        }
    }
}
