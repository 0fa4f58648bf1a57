//! Payment rules.

use ec_common::{
    error::{ErrorCode, Fault, FieldCode, FieldViolation},
    rules::payment::{AMOUNT_MAX as MAX_AMOUNT, AMOUNT_MIN as MIN_AMOUNT},
};
use ec_proto::payment::v1 as pb;

/// The ids of the events this service reports, each made in one place.
/// The events this service owes the order service (its outbox topic
/// `payment.event`), each with its id in one place: a rewrite of the same
/// event is the same row, and the order service applies an id once.
pub mod events {
    use ec_proto::order::v1::{HandlePaymentWebhookRequest, PaymentEventStatus};
    use prost::Message;

    pub const TOPIC: &str = "payment.event";

    #[derive(Debug, Clone, Copy)]
    pub enum Event {
        Completed { payment_id: i64 },
        Refunded { payment_id: i64, refund_id: i64 },
    }

    impl Event {
        pub fn id(self) -> String {
            match self {
                Self::Completed { payment_id } => format!("payment-{payment_id}-completed"),
                Self::Refunded { refund_id, .. } => format!("refund-{refund_id}"),
            }
        }
    }

    /// The outbox row of an event.
    pub fn owed(event: Event, order_id: i64, amount: i64, carried: ec_outbox::Carried) -> ec_outbox::NewEvent {
        let (payment_id, status, summary) = match event {
            Event::Completed { payment_id } => {
                (payment_id, PaymentEventStatus::Completed, format!("payment {payment_id} completed: {amount} JPY"))
            }
            Event::Refunded { payment_id, refund_id } => (
                payment_id,
                PaymentEventStatus::Refunded,
                format!("refund {refund_id} of payment {payment_id}: {amount} JPY"),
            ),
        };
        let message = HandlePaymentWebhookRequest {
            order_id,
            payment_id,
            status: status as i32,
            amount,
            event_id: event.id(),
            trace_context: Default::default(),
        };
        ec_outbox::NewEvent {
            topic: TOPIC,
            key: event.id(),
            order_id,
            payload: message.encode_to_vec(),
            summary,
            carried,
            first_attempt_in: std::time::Duration::ZERO,
        }
    }
}

/// A payment's status; stored by these names (a SeaORM active enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum PaymentStatus {
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "partially_refunded")]
    PartiallyRefunded,
    #[sea_orm(string_value = "refunded")]
    Refunded,
}

impl PaymentStatus {
    pub fn after_refunds(amount: i64, refunded: i64) -> Self {
        if refunded <= 0 {
            Self::Completed
        } else if refunded < amount {
            Self::PartiallyRefunded
        } else {
            Self::Refunded
        }
    }

    pub fn to_proto(self) -> pb::PaymentStatus {
        match self {
            Self::Completed => pb::PaymentStatus::Completed,
            Self::PartiallyRefunded => pb::PaymentStatus::PartiallyRefunded,
            Self::Refunded => pb::PaymentStatus::Refunded,
        }
    }
}

/// A payment request that passed validation.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub order_id: i64,
    pub amount: i64,
    pub method: String,
    /// The bulk import this payment belongs to.
    pub batch_id: Option<String>,
    /// A retry with the same key (same order and amount) answers the first payment.
    pub idempotency_key: Option<String>,
    /// Who asks for it.
    pub requested_by: Option<String>,
    /// The trace its event (completed) belongs to.
    pub carried: ec_outbox::Carried,
}

impl NewPayment {
    pub fn parse(r: pb::CreatePaymentRequest) -> Result<Self, Fault> {
        let mut errors = Vec::new();
        if r.order_id <= 0 {
            errors.push(FieldViolation::at_least("order_id", 1));
        }
        let currency = r.currency.trim();
        if !(currency.is_empty() || currency.eq_ignore_ascii_case("JPY")) {
            errors.push(FieldViolation::one_of("currency", &["JPY"]));
        }
        let method = match r.method.trim() {
            "" => "card".to_owned(),
            m if m.chars().count() <= 32 && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                m.to_owned()
            }
            _ => {
                errors.push(FieldViolation::described(
                    "method",
                    FieldCode::InvalidFormat,
                    "must be up to 32 letters, digits, '-' or '_'",
                ));
                String::new()
            }
        };
        if !errors.is_empty() {
            return Err(Fault::validation(errors));
        }
        if !ec_common::rules::payable(r.amount) {
            let mut f = Fault::new(
                ErrorCode::AmountOutOfRange,
                format!("amount {} JPY is outside {MIN_AMOUNT}..={MAX_AMOUNT} JPY per transaction", r.amount),
            );
            f.fields.push(FieldViolation::out_of_range("amount", MIN_AMOUNT, MAX_AMOUNT));
            return Err(f);
        }
        let key = r.idempotency_key.trim();
        if key.len() > ec_common::rules::KEY_MAX {
            return Err(Fault::field(FieldViolation::too_long("idempotency_key", ec_common::rules::KEY_MAX)));
        }
        Ok(Self {
            order_id: r.order_id,
            amount: r.amount,
            method,
            batch_id: None,
            idempotency_key: Some(key.to_owned()).filter(|k| !k.is_empty()),
            requested_by: None,
            carried: ec_outbox::Carried::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(amount: i64) -> pb::CreatePaymentRequest {
        pb::CreatePaymentRequest { order_id: 1, amount, currency: "JPY".into(), ..Default::default() }
    }

    #[test]
    fn amount_bounds_are_inclusive() {
        assert!(NewPayment::parse(req(100)).is_ok());
        assert!(NewPayment::parse(req(1_000_000)).is_ok());
        for bad in [99, 1_000_001, 0, -100] {
            let f = NewPayment::parse(req(bad)).expect_err("out of range");
            assert_eq!(f.code, ErrorCode::AmountOutOfRange, "{bad}");
        }
    }

    #[test]
    fn only_yen() {
        let mut r = req(500);
        r.currency = "USD".into();
        assert_eq!(NewPayment::parse(r).expect_err("usd").fields[0].field, "currency");
    }

    #[test]
    fn status_follows_refunds() {
        assert_eq!(PaymentStatus::after_refunds(1000, 0), PaymentStatus::Completed);
        assert_eq!(PaymentStatus::after_refunds(1000, 1), PaymentStatus::PartiallyRefunded);
        assert_eq!(PaymentStatus::after_refunds(1000, 1000), PaymentStatus::Refunded);
    }
}
