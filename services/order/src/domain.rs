//! Order domain: statuses, the status machine, and parsing a create request
//! into a [`NewOrder`] that is valid by construction.

use std::fmt;

use ec_common::error::{Fault, FieldViolation};
use ec_proto::order::v1 as pb;

/// Limits of one order (a single order; bulk import has its own path).
pub const MAX_ITEMS: usize = 100;
pub const MAX_QUANTITY: i64 = 10_000;
pub const MAX_UNIT_PRICE: i64 = 100_000_000;
const MAX_TEXT: usize = 200;
const MAX_ADDRESS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    Pending,
    PaymentProcessing,
    Paid,
    Shipped,
    Delivered,
    PaymentFailed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        Self::Pending,
        Self::PaymentProcessing,
        Self::Paid,
        Self::Shipped,
        Self::Delivered,
        Self::PaymentFailed,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::PaymentProcessing => "payment_processing",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::PaymentFailed => "payment_failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn to_proto(self) -> pb::OrderStatus {
        match self {
            Self::Pending => pb::OrderStatus::Pending,
            Self::PaymentProcessing => pb::OrderStatus::PaymentProcessing,
            Self::Paid => pb::OrderStatus::Paid,
            Self::Shipped => pb::OrderStatus::Shipped,
            Self::Delivered => pb::OrderStatus::Delivered,
            Self::PaymentFailed => pb::OrderStatus::PaymentFailed,
            Self::Cancelled => pb::OrderStatus::Cancelled,
        }
    }

    pub fn from_proto(s: pb::OrderStatus) -> Option<Self> {
        Some(match s {
            pb::OrderStatus::Unspecified => return None,
            pb::OrderStatus::Pending => Self::Pending,
            pb::OrderStatus::PaymentProcessing => Self::PaymentProcessing,
            pb::OrderStatus::Paid => Self::Paid,
            pb::OrderStatus::Shipped => Self::Shipped,
            pb::OrderStatus::Delivered => Self::Delivered,
            pb::OrderStatus::PaymentFailed => Self::PaymentFailed,
            pb::OrderStatus::Cancelled => Self::Cancelled,
        })
    }

    /// The status machine: which statuses may follow this one.
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Pending, PaymentProcessing)
                | (Pending | PaymentProcessing, Paid)
                | (Pending | PaymentProcessing, PaymentFailed)
                // A payment that completed after we gave up on it still counts.
                | (PaymentFailed, Paid)
                | (Paid, Shipped)
                | (Shipped, Delivered)
                | (Pending | Paid | PaymentFailed, Cancelled)
        )
    }

    /// The mail a transition into this status queues.
    pub fn notification(self) -> Option<&'static str> {
        match self {
            Self::Paid => Some("ORDER_CONFIRMATION"),
            Self::Shipped => Some("ORDER_SHIPPED"),
            Self::Cancelled => Some("ORDER_CANCELLED"),
            _ => None,
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub product_id: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price: i64,
}

impl NewItem {
    pub fn subtotal(&self) -> i64 {
        // Bounded by MAX_QUANTITY * MAX_UNIT_PRICE, far below i64::MAX.
        self.quantity * self.unit_price
    }
}

/// An order that passed validation; its total is computed here, never taken
/// from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: Option<String>,
    pub shipping_address: Option<String>,
    pub items: Vec<NewItem>,
    pub total_amount: i64,
    pub idempotency: Option<(String, String)>,
    pub batch_id: Option<String>,
    /// Stored `pending` by a bulk import (paid later, in batches) instead of
    /// going straight to `payment_processing`.
    pub staged: bool,
}

fn text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldViolation>) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldViolation::new(field, "must not be empty"));
    } else if v.chars().count() > max {
        errors.push(FieldViolation::new(field, format!("must be at most {max} characters")));
    } else if v.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(FieldViolation::new(field, "must not contain control characters"));
    }
    v.to_owned()
}

fn optional_text(field: &str, value: Option<&str>, max: usize, errors: &mut Vec<FieldViolation>) -> Option<String> {
    match value.map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(text(field, v, max, errors)),
    }
}

pub use ec_common::validate::{is_valid_email, is_valid_phone};

impl NewOrder {
    /// Parses a create request, collecting every field error at once.
    pub fn parse(req: pb::CreateOrderRequest) -> Result<Self, Fault> {
        let mut errors = Vec::new();
        let customer_name = text("customer_name", &req.customer_name, MAX_TEXT, &mut errors);
        let customer_email = req.customer_email.trim().to_owned();
        if customer_email.is_empty() {
            errors.push(FieldViolation::new("customer_email", "must not be empty"));
        } else if !is_valid_email(&customer_email) {
            errors.push(FieldViolation::new("customer_email", "must be an e-mail address"));
        }
        let customer_phone = optional_text("customer_phone", req.customer_phone.as_deref(), 32, &mut errors);
        if let Some(p) = &customer_phone
            && !is_valid_phone(p)
        {
            errors.push(FieldViolation::new("customer_phone", "must be a phone number (6 to 20 digits)"));
        }
        let shipping_address =
            optional_text("shipping_address", req.shipping_address.as_deref(), MAX_ADDRESS, &mut errors);
        if req.items.is_empty() {
            errors.push(FieldViolation::new("items", "must contain at least one item"));
        } else if req.items.len() > MAX_ITEMS {
            errors.push(FieldViolation::new("items", format!("must contain at most {MAX_ITEMS} items")));
        }
        let mut items = Vec::with_capacity(req.items.len().min(MAX_ITEMS));
        for (i, item) in req.items.iter().enumerate().take(MAX_ITEMS) {
            let product_id = text(&format!("items[{i}].product_id"), &item.product_id, 64, &mut errors);
            let product_name = text(&format!("items[{i}].product_name"), &item.product_name, MAX_TEXT, &mut errors);
            if !(1..=MAX_QUANTITY).contains(&item.quantity) {
                errors.push(FieldViolation::new(
                    format!("items[{i}].quantity"),
                    format!("must be between 1 and {MAX_QUANTITY}"),
                ));
            }
            if !(0..=MAX_UNIT_PRICE).contains(&item.unit_price) {
                errors.push(FieldViolation::new(
                    format!("items[{i}].unit_price"),
                    format!("must be between 0 and {MAX_UNIT_PRICE} JPY"),
                ));
            }
            items.push(NewItem { product_id, product_name, quantity: item.quantity, unit_price: item.unit_price });
        }
        let key = req.idempotency_key.trim();
        if key.len() > 200 {
            errors.push(FieldViolation::new("idempotency_key", "must be at most 200 characters"));
        }
        if !errors.is_empty() {
            return Err(Fault::validation(errors));
        }
        let total_amount = items.iter().map(NewItem::subtotal).sum();
        let mut order = NewOrder {
            customer_name,
            customer_email,
            customer_phone,
            shipping_address,
            items,
            total_amount,
            idempotency: None,
            batch_id: None,
            staged: false,
        };
        if !key.is_empty() {
            order.idempotency = Some((key.to_owned(), order.fingerprint()));
        }
        Ok(order)
    }

    /// A stable digest of what the client asked for, to tell a retry of the
    /// same request from a different request under the same key.
    pub fn fingerprint(&self) -> String {
        // FNV-1a over a canonical rendering: stable across builds and runs,
        // unlike std's randomly seeded hasher.
        let mut canonical = format!(
            "{}\u{1f}{}\u{1f}{:?}\u{1f}{:?}",
            self.customer_name, self.customer_email, self.customer_phone, self.shipping_address
        );
        for i in &self.items {
            canonical.push_str(&format!(
                "\u{1e}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                i.product_id, i.product_name, i.quantity, i.unit_price
            ));
        }
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in canonical.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(q: i64, p: i64) -> pb::NewOrderItem {
        pb::NewOrderItem { product_id: "P-1".into(), product_name: "お茶".into(), quantity: q, unit_price: p }
    }

    fn request(items: Vec<pb::NewOrderItem>) -> pb::CreateOrderRequest {
        pb::CreateOrderRequest {
            customer_name: "山田 太郎".into(),
            customer_email: "taro@example.jp".into(),
            items,
            ..Default::default()
        }
    }

    #[test]
    fn total_is_computed_server_side() {
        let o = NewOrder::parse(request(vec![item(2, 1500), item(1, 300)])).expect("valid");
        assert_eq!(o.total_amount, 3300);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut r = request(vec![item(0, 100), item(1, -5)]);
        r.customer_email = "not-an-email".into();
        r.customer_name = "   ".into();
        let f = NewOrder::parse(r).expect_err("invalid");
        let fields: Vec<_> = f.fields.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["customer_name", "customer_email", "items[0].quantity", "items[1].unit_price"]);
    }

    #[test]
    fn empty_items_are_rejected() {
        let f = NewOrder::parse(request(vec![])).expect_err("invalid");
        assert_eq!(f.fields[0].field, "items");
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "山田@例え.jp", "x+y@sub.example.com"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.com", "a@.com", "a@b.com.", "a b@c.com", "a@b@c.com", "a@b..com"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn status_machine() {
        use OrderStatus::*;
        assert!(Paid.can_become(Shipped));
        assert!(!Pending.can_become(Shipped));
        assert!(!Shipped.can_become(Cancelled));
        assert!(!Cancelled.can_become(Paid));
        assert!(PaymentFailed.can_become(Paid));
        assert!(!Delivered.can_become(Shipped));
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(OrderStatus::from_proto(s.to_proto()), Some(s));
        }
    }

    #[test]
    fn fingerprint_tells_requests_apart() {
        let a = NewOrder::parse(request(vec![item(1, 100)])).expect("valid");
        let b = NewOrder::parse(request(vec![item(2, 100)])).expect("valid");
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert_ne!(a.fingerprint(), b.fingerprint());
    }
}
