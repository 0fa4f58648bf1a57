//! The order service's one error type, and its mapping to gRPC statuses.

use ec_common::error::{ErrorCode, Fault};
use tonic::Status;

use crate::domain::OrderStatus;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Fault(#[from] Fault),
    #[error("order {0} not found")]
    NotFound(i64),
    #[error("an order in status {from} cannot become {to}")]
    IllegalTransition { id: i64, from: OrderStatus, to: OrderStatus },
    #[error("idempotency key reused with a different request")]
    IdempotencyConflict,
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("the writer task stopped")]
    WriterStopped(#[from] ec_common::batch::WriterStopped),
    /// A call to another service failed; `order_id` is kept for the caller.
    #[error("{service} call failed: {status}")]
    Upstream { service: &'static str, status: Status, order_id: Option<i64> },
}

impl Error {
    pub fn fault(self) -> Fault {
        match self {
            Error::Fault(f) => f,
            Error::NotFound(id) => Fault::not_found(format!("order {id} not found")).with("order_id", id),
            Error::IllegalTransition { id, from, to } => {
                Fault::new(ErrorCode::IllegalTransition, format!("order {id} is {from} and cannot become {to}"))
                    .with("order_id", id)
                    .with("from", from)
                    .with("to", to)
            }
            Error::IdempotencyConflict => Fault::new(
                ErrorCode::IdempotencyConflict,
                "this Idempotency-Key was already used with a different request",
            ),
            Error::Db(e) => {
                tracing::error!(error = %e, "database error");
                Fault::internal()
            }
            Error::WriterStopped(_) => Fault::new(ErrorCode::Unavailable, "the order service is shutting down"),
            Error::Upstream { service, status, order_id } => upstream_fault(service, &status, order_id),
        }
    }
}

fn upstream_fault(service: &str, status: &Status, order_id: Option<i64>) -> Fault {
    let kept = order_id.map(|id| format!("; order {id} is kept")).unwrap_or_default();
    let mut fault = if ec_common::error::is_timeout(status) {
        Fault::new(ErrorCode::DeadlineExceeded, format!("the {service} service did not answer in time{kept}"))
    } else if ec_common::error::is_unreachable(status) {
        Fault::new(ErrorCode::Unavailable, format!("the {service} service is unavailable{kept}"))
    } else {
        tracing::error!(service, code = ?status.code(), message = status.message(), "unexpected upstream error");
        Fault::internal()
    };
    if let Some(id) = order_id {
        fault = fault.with("order_id", id);
    }
    fault
}

impl From<Error> for Status {
    fn from(e: Error) -> Self {
        e.fault().into()
    }
}
