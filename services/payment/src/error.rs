//! The payment service's one error type, and its mapping to gRPC statuses.

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

impl Error {
    pub fn duplicate(order_id: i64, payment_id: i64) -> Self {
        Fault::new(ErrorCode::DuplicatePayment, format!("order {order_id} already has payment {payment_id}"))
            .with("order_id", order_id)
            .with("payment_id", payment_id)
            .into()
    }

    pub fn payment_not_found(what: String) -> Self {
        Fault::not_found(what).into()
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
                Fault::new(ErrorCode::Unavailable, "the payment service is shutting down").into()
            }
        }
    }
}
