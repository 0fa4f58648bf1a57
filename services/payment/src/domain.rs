//! Payment rules.

use ec_common::{
    error::{ErrorCode, Fault, FieldCode, FieldViolation},
    rules::payment::{AMOUNT_MAX as MAX_AMOUNT, AMOUNT_MIN as MIN_AMOUNT},
};
use ec_proto::payment::v1 as pb;

/// The ids of the events this service reports, each made in one place.
pub mod events {
    pub fn completed(payment_id: i64) -> String {
        format!("payment-{payment_id}-completed")
    }

    pub fn refunded(refund_id: i64) -> String {
        format!("refund-{refund_id}")
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
        Ok(Self { order_id: r.order_id, amount: r.amount, method, batch_id: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(amount: i64) -> pb::CreatePaymentRequest {
        pb::CreatePaymentRequest { order_id: 1, amount, currency: "JPY".into(), method: String::new() }
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
