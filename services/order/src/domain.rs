//! Order domain: statuses, the status machine, and parsing a create request
//! into a [`NewOrder`] that is valid by construction.

use std::fmt;

use ec_common::{
    error::{Fault, FieldCode, FieldViolation},
    vocab::TemplateCode,
};
use ec_proto::order::v1 as pb;

pub use ec_common::rules::order::{ITEMS_MAX as MAX_ITEMS, QUANTITY_MAX as MAX_QUANTITY};
use ec_common::rules::{self, order as limits};

/// Idempotency keys and ids this service makes, each in one place: a retry
/// must produce exactly the key the first attempt did.
pub mod keys {
    /// The mail an order owes for entering a status, as the notification
    /// service's idempotency key (so a resent mail is queued once).
    pub fn order_mail(order_id: i64, template: ec_common::vocab::TemplateCode) -> String {
        format!("order-{order_id}-{template}")
    }

    /// The payment of an order, as the payment service's idempotency key:
    /// whoever pays it (the create flow, a replay, the reconciler), it is
    /// paid once.
    pub fn order_payment(order_id: i64) -> String {
        format!("order-{order_id}-payment")
    }

    /// The refund of a cancelled order, as the payment service's idempotency key.
    pub fn cancel_refund(order_id: i64) -> String {
        format!("order-{order_id}-cancel")
    }

    /// An order of an import, by its key in the file: the order's
    /// idempotency key, so a resumed import never creates it twice.
    pub fn import_order(import_id: &str, row_key: &str) -> String {
        format!("import/{import_id}/{row_key}")
    }

    /// The digest mail of one customer of an import.
    pub fn import_digest(import_id: &str, email: &str) -> String {
        format!("import-{import_id}-digest-{email}")
    }
}

/// An order's status; stored by these names (a SeaORM active enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum OrderStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "payment_processing")]
    PaymentProcessing,
    #[sea_orm(string_value = "paid")]
    Paid,
    #[sea_orm(string_value = "shipped")]
    Shipped,
    #[sea_orm(string_value = "delivered")]
    Delivered,
    #[sea_orm(string_value = "payment_failed")]
    PaymentFailed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// What a payment event reports; stored by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum PaymentEventKind {
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "failed")]
    Failed,
    #[sea_orm(string_value = "refunded")]
    Refunded,
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

    /// The stored (and REST) name, e.g. `payment_processing`.
    pub fn as_str(self) -> String {
        sea_orm::ActiveEnum::to_value(&self)
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
    pub fn notification(self) -> Option<TemplateCode> {
        match self {
            Self::Paid => Some(TemplateCode::OrderConfirmation),
            Self::Shipped => Some(TemplateCode::OrderShipped),
            Self::Cancelled => Some(TemplateCode::OrderCancelled),
            _ => None,
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
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
    /// Who creates it (kept in the status history).
    pub created_by: Option<String>,
    /// The trace of the request that creates it (kept in the status history).
    pub trace_id: Option<String>,
}

/// Collects the violations of one request, so all are reported at once.
#[derive(Default)]
struct Checks(Vec<FieldViolation>);

impl Checks {
    fn take<T: Default>(&mut self, r: Result<T, FieldViolation>) -> T {
        r.unwrap_or_else(|v| {
            self.0.push(v);
            T::default()
        })
    }
}

/// The item rules, for the API and for each row of a CSV import alike.
/// `path` is the field prefix (`items[0].` for the API, empty for CSV
/// columns).
pub fn parse_item(path: &str, item: &pb::NewOrderItem) -> Result<NewItem, Vec<FieldViolation>> {
    let mut c = Checks::default();
    let product_id = c.take(rules::text(&format!("{path}product_id"), &item.product_id, limits::PRODUCT_ID_MAX));
    let product_name = c.take(rules::text(&format!("{path}product_name"), &item.product_name, limits::NAME_MAX));
    let quantity = c.take(
        rules::required(&format!("{path}quantity"), item.quantity)
            .and_then(|q| rules::quantity(&format!("{path}quantity"), q)),
    );
    let unit_price = c.take(
        rules::required(&format!("{path}unit_price"), item.unit_price)
            .and_then(|p| rules::unit_price(&format!("{path}unit_price"), p)),
    );
    if c.0.is_empty() { Ok(NewItem { product_id, product_name, quantity, unit_price }) } else { Err(c.0) }
}

/// The customer part of an order: name, e-mail, phone, address.
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// The customer rules, for the API and for each row of a CSV import alike.
pub fn parse_customer(
    name: &str,
    email: &str,
    phone: Option<&str>,
    address: Option<&str>,
) -> Result<Customer, Vec<FieldViolation>> {
    let mut c = Checks::default();
    let name = c.take(rules::text("customer_name", name, limits::NAME_MAX));
    let email = c.take(rules::email("customer_email", email));
    let phone = c.take(rules::optional_phone("customer_phone", phone));
    let address = c.take(rules::optional_text("shipping_address", address, limits::ADDRESS_MAX));
    if c.0.is_empty() { Ok(Customer { name, email, phone, address }) } else { Err(c.0) }
}

pub use ec_common::rules::{is_valid_email, is_valid_phone};

impl NewOrder {
    /// Parses a create request, collecting every field error at once.
    pub fn parse(req: pb::CreateOrderRequest) -> Result<Self, Fault> {
        let mut errors = Vec::new();
        let customer = parse_customer(
            &req.customer_name,
            &req.customer_email,
            req.customer_phone.as_deref(),
            req.shipping_address.as_deref(),
        )
        .map_err(|e| errors.extend(e))
        .ok();
        if req.items.is_empty() {
            errors.push(FieldViolation::new("items", FieldCode::TooFew, &[("min", &1)]));
        } else if req.items.len() > MAX_ITEMS {
            errors.push(FieldViolation::new("items", FieldCode::TooMany, &[("max", &MAX_ITEMS)]));
        }
        let items: Vec<NewItem> = req
            .items
            .iter()
            .take(MAX_ITEMS)
            .enumerate()
            .filter_map(|(i, item)| parse_item(&format!("items[{i}]."), item).map_err(|e| errors.extend(e)).ok())
            .collect();
        let key = req.idempotency_key.trim();
        if key.len() > rules::KEY_MAX {
            errors.push(FieldViolation::too_long("idempotency_key", rules::KEY_MAX));
        }
        let customer = match customer {
            Some(c) if errors.is_empty() => c,
            _ => return Err(Fault::validation(errors)),
        };
        let mut order = NewOrder::new(customer, items);
        if !key.is_empty() {
            order.idempotency = Some((key.to_owned(), order.fingerprint()));
        }
        Ok(order)
    }

    /// An order of valid parts; its total is computed here.
    pub fn new(customer: Customer, items: Vec<NewItem>) -> Self {
        NewOrder {
            total_amount: items.iter().map(NewItem::subtotal).sum(),
            customer_name: customer.name,
            customer_email: customer.email,
            customer_phone: customer.phone,
            shipping_address: customer.address,
            items,
            idempotency: None,
            batch_id: None,
            staged: false,
            created_by: None,
            trace_id: None,
        }
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
        pb::NewOrderItem {
            product_id: "P-1".into(),
            product_name: "お茶".into(),
            quantity: Some(q),
            unit_price: Some(p),
        }
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
    fn a_missing_price_is_not_a_free_item() {
        let mut i = item(1, 0);
        i.unit_price = None;
        let f = NewOrder::parse(request(vec![i])).expect_err("invalid");
        assert_eq!(f.fields[0].field, "items[0].unit_price");
        assert_eq!(f.fields[0].code, FieldCode::Required);
        assert!(NewOrder::parse(request(vec![item(1, 0)])).is_ok(), "an explicit 0 is a free item");
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
            assert_eq!(<OrderStatus as sea_orm::ActiveEnum>::try_from_value(&s.as_str()).ok(), Some(s));
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
