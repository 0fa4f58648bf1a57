//! The JSON shapes of the REST contract (DESIGN.md section 3), which are also
//! the OpenAPI schemas, and their conversions from the gRPC messages.
//!
//! Request fields default when missing, so a missing field is reported by the
//! service's validation with its name, like any other invalid field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ec_proto::{notification::v1 as npb, order::v1 as opb, payment::v1 as ppb};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn ts(t: Option<prost_types::Timestamp>) -> DateTime<Utc> {
    ec_common::time::from_proto(t.as_ref())
}

// ---------------------------------------------------------------- orders

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
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
    pub fn from_proto(v: i32) -> Self {
        match opb::OrderStatus::try_from(v).unwrap_or_default() {
            opb::OrderStatus::Unspecified | opb::OrderStatus::Pending => Self::Pending,
            opb::OrderStatus::PaymentProcessing => Self::PaymentProcessing,
            opb::OrderStatus::Paid => Self::Paid,
            opb::OrderStatus::Shipped => Self::Shipped,
            opb::OrderStatus::Delivered => Self::Delivered,
            opb::OrderStatus::PaymentFailed => Self::PaymentFailed,
            opb::OrderStatus::Cancelled => Self::Cancelled,
        }
    }

    pub fn to_proto(self) -> opb::OrderStatus {
        match self {
            Self::Pending => opb::OrderStatus::Pending,
            Self::PaymentProcessing => opb::OrderStatus::PaymentProcessing,
            Self::Paid => opb::OrderStatus::Paid,
            Self::Shipped => opb::OrderStatus::Shipped,
            Self::Delivered => opb::OrderStatus::Delivered,
            Self::PaymentFailed => opb::OrderStatus::PaymentFailed,
            Self::Cancelled => opb::OrderStatus::Cancelled,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::from(s)).ok()
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewOrderItem {
    /// SKU, e.g. "1001" or "P-1".
    #[serde(default)]
    pub product_id: String,
    #[serde(default)]
    pub product_name: String,
    /// Positive.
    #[serde(default)]
    pub quantity: i64,
    /// JPY, not negative.
    #[serde(default)]
    pub unit_price: i64,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewOrder {
    #[serde(default)]
    pub customer_name: String,
    #[serde(default)]
    pub customer_email: String,
    #[serde(default)]
    pub customer_phone: Option<String>,
    #[serde(default)]
    pub shipping_address: Option<String>,
    #[serde(default)]
    pub items: Vec<NewOrderItem>,
}

impl NewOrder {
    pub fn into_proto(self, idempotency_key: String) -> opb::CreateOrderRequest {
        opb::CreateOrderRequest {
            customer_name: self.customer_name,
            customer_email: self.customer_email,
            customer_phone: self.customer_phone,
            shipping_address: self.shipping_address,
            items: self
                .items
                .into_iter()
                .map(|i| opb::NewOrderItem {
                    product_id: i.product_id,
                    product_name: i.product_name,
                    quantity: i.quantity,
                    unit_price: i.unit_price,
                })
                .collect(),
            idempotency_key,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderItem {
    pub product_id: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub subtotal: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusChange {
    pub status: OrderStatus,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Order {
    pub id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: Option<String>,
    pub shipping_address: Option<String>,
    pub items: Vec<OrderItem>,
    pub total_amount: i64,
    pub status: OrderStatus,
    pub batch_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first; empty in list answers.
    pub status_history: Vec<StatusChange>,
}

impl From<opb::Order> for Order {
    fn from(o: opb::Order) -> Self {
        Self {
            id: o.id,
            customer_name: o.customer_name,
            customer_email: o.customer_email,
            customer_phone: o.customer_phone,
            shipping_address: o.shipping_address,
            items: o
                .items
                .into_iter()
                .map(|i| OrderItem {
                    product_id: i.product_id,
                    product_name: i.product_name,
                    quantity: i.quantity,
                    unit_price: i.unit_price,
                    subtotal: i.subtotal,
                })
                .collect(),
            total_amount: o.total_amount,
            status: OrderStatus::from_proto(o.status),
            batch_id: o.batch_id,
            created_at: ts(o.created_at),
            updated_at: ts(o.updated_at),
            status_history: o
                .status_history
                .into_iter()
                .map(|h| StatusChange { status: OrderStatus::from_proto(h.status), at: ts(h.at) })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderList {
    pub orders: Vec<Order>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// One of the order statuses.
    pub status: Option<String>,
    pub customer_email: Option<String>,
    pub batch_id: Option<String>,
    /// 1..=200, default 50.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    pub order: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The caller's offset from UTC in minutes (Japan: 540). Default 0.
    pub tz_offset_minutes: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayRevenue {
    /// YYYY-MM-DD in the caller's time zone.
    pub date: String,
    pub amount: i64,
    pub orders: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderStats {
    /// Number of orders per status (statuses with none are 0).
    pub by_status: BTreeMap<String, i64>,
    pub revenue_today: i64,
    /// The last 7 days, oldest first.
    pub revenue_by_day: Vec<DayRevenue>,
    pub total_orders: i64,
}

impl From<opb::GetOrderStatsResponse> for OrderStats {
    fn from(s: opb::GetOrderStatsResponse) -> Self {
        let mut by_status: BTreeMap<String, i64> = [
            OrderStatus::Pending,
            OrderStatus::PaymentProcessing,
            OrderStatus::Paid,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
            OrderStatus::PaymentFailed,
            OrderStatus::Cancelled,
        ]
        .into_iter()
        .map(|st| (serde_json::to_value(st).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(), 0))
        .collect();
        for c in s.by_status {
            let name = serde_json::to_value(OrderStatus::from_proto(c.status))
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            by_status.insert(name, c.count);
        }
        let revenue_by_day: Vec<DayRevenue> = s
            .revenue_by_day
            .into_iter()
            .map(|d| DayRevenue { date: d.date, amount: d.amount, orders: d.orders })
            .collect();
        Self {
            by_status,
            revenue_today: revenue_by_day.last().map(|d| d.amount).unwrap_or(0),
            revenue_by_day,
            total_orders: s.total_orders,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StatusUpdate {
    /// `shipped` or `delivered`.
    pub status: OrderStatus,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatus {
    Completed,
    Failed,
    Refunded,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PaymentWebhook {
    pub payment_id: i64,
    pub status: WebhookStatus,
    #[serde(default)]
    pub amount: i64,
    /// Unique per event: a repeated event changes nothing.
    pub event_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookResult {
    /// False when the event changed nothing (repeated, or already applied).
    pub applied: bool,
    pub order: Order,
}

// ---------------------------------------------------------------- imports

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Queued,
    Running,
    Completed,
    CompletedWithErrors,
    Failed,
    /// A dry run: validated, nothing stored.
    Validated,
}

/// A bulk CSV import; `id` is also the `batch_id` of its orders.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Import {
    pub id: String,
    pub status: ImportStatus,
    pub file_name: String,
    pub submitted_by: String,
    pub dry_run: bool,
    pub digest: bool,
    /// `utf-8` or `shift_jis`.
    pub encoding: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub succeeded_rows: i64,
    pub failed_rows: i64,
    pub orders_created: i64,
    pub payments_total_amount: i64,
    pub notifications_queued: i64,
    pub notifications_sent: i64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why a failed import failed.
    pub error: Option<String>,
}

impl From<opb::Import> for Import {
    fn from(i: opb::Import) -> Self {
        Self {
            status: match opb::ImportStatus::try_from(i.status).unwrap_or_default() {
                opb::ImportStatus::Running => ImportStatus::Running,
                opb::ImportStatus::Completed => ImportStatus::Completed,
                opb::ImportStatus::CompletedWithErrors => ImportStatus::CompletedWithErrors,
                opb::ImportStatus::Failed => ImportStatus::Failed,
                opb::ImportStatus::Validated => ImportStatus::Validated,
                _ => ImportStatus::Queued,
            },
            id: i.id,
            file_name: i.file_name,
            submitted_by: i.submitted_by,
            dry_run: i.dry_run,
            digest: i.digest,
            encoding: i.encoding,
            total_rows: i.total_rows,
            processed_rows: i.processed_rows,
            succeeded_rows: i.succeeded_rows,
            failed_rows: i.failed_rows,
            orders_created: i.orders_created,
            payments_total_amount: i.payments_total_amount,
            notifications_queued: i.notifications_queued,
            notifications_sent: i.notifications_sent,
            created_at: ts(i.created_at),
            started_at: i.started_at.map(|t| ts(Some(t))),
            finished_at: i.finished_at.map(|t| ts(Some(t))),
            error: Some(i.error).filter(|e| !e.is_empty()),
        }
    }
}

/// A refused row of an import file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    /// Line of the file (the header is line 1).
    pub row: i64,
    /// The column at fault; empty when the whole row is.
    pub column: String,
    pub reason: String,
}

impl From<opb::RowError> for RowError {
    fn from(e: opb::RowError) -> Self {
        Self { row: e.row, column: e.column, reason: e.reason }
    }
}

/// What a submission answers: the import, and for a dry run the refused rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    #[serde(flatten)]
    pub import: Import,
    /// Dry runs: the refused rows (the first 1,000); empty otherwise.
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportList {
    pub imports: Vec<Import>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportErrors {
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Validate and report only; store nothing.
    pub dry_run: Option<String>,
    /// `auto` (default), `utf-8` or `shift_jis`.
    pub encoding: Option<String>,
    /// One ORDER_CONFIRMATION_BATCH mail per customer instead of one per order.
    pub digest: Option<String>,
    /// Name recorded in the history (multipart uploads carry their own).
    pub file_name: Option<String>,
    /// Who submitted it (also the `X-Submitted-By` header).
    pub submitted_by: Option<String>,
}

// ---------------------------------------------------------------- payments

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Completed,
    PartiallyRefunded,
    Refunded,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewPayment {
    pub order_id: i64,
    pub amount: i64,
    /// Only "JPY".
    #[serde(default)]
    pub currency: Option<String>,
    /// Default "card".
    #[serde(default)]
    pub method: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Refund {
    pub id: i64,
    pub payment_id: i64,
    pub amount: i64,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl From<ppb::Refund> for Refund {
    fn from(r: ppb::Refund) -> Self {
        Self { id: r.id, payment_id: r.payment_id, amount: r.amount, reason: r.reason, created_at: ts(r.created_at) }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Payment {
    pub id: i64,
    pub order_id: i64,
    pub amount: i64,
    pub currency: String,
    pub method: String,
    pub status: PaymentStatus,
    pub refunded_amount: i64,
    pub refunds: Vec<Refund>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ppb::Payment> for Payment {
    fn from(p: ppb::Payment) -> Self {
        Self {
            id: p.id,
            order_id: p.order_id,
            amount: p.amount,
            currency: p.currency,
            method: p.method,
            status: match ppb::PaymentStatus::try_from(p.status).unwrap_or_default() {
                ppb::PaymentStatus::PartiallyRefunded => PaymentStatus::PartiallyRefunded,
                ppb::PaymentStatus::Refunded => PaymentStatus::Refunded,
                _ => PaymentStatus::Completed,
            },
            refunded_amount: p.refunded_amount,
            refunds: p.refunds.into_iter().map(Refund::from).collect(),
            created_at: ts(p.created_at),
            updated_at: ts(p.updated_at),
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewRefund {
    pub payment_id: i64,
    /// JPY; absent: everything not yet refunded.
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
}

// ---------------------------------------------------------------- notifications

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewNotification {
    pub order_id: i64,
    /// An e-mail address (email) or phone number (sms).
    pub recipient: String,
    /// Template code, e.g. ORDER_CONFIRMATION.
    pub template: String,
    /// Values for the template's placeholders: strings, numbers or booleans.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub variables: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationStatus {
    Queued,
    Sent,
    Failed,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub order_id: i64,
    pub channel: Channel,
    pub template: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: NotificationStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<npb::Notification> for Notification {
    fn from(n: npb::Notification) -> Self {
        Self {
            id: n.id,
            order_id: n.order_id,
            channel: match npb::Channel::try_from(n.channel).unwrap_or_default() {
                npb::Channel::Sms => Channel::Sms,
                _ => Channel::Email,
            },
            template: n.template,
            recipient: n.recipient,
            subject: n.subject,
            body: n.body,
            status: match npb::NotificationStatus::try_from(n.status).unwrap_or_default() {
                npb::NotificationStatus::Sent => NotificationStatus::Sent,
                npb::NotificationStatus::Failed => NotificationStatus::Failed,
                _ => NotificationStatus::Queued,
            },
            attempts: n.attempts,
            last_error: Some(n.last_error).filter(|e| !e.is_empty()),
            created_at: ts(n.created_at),
            sent_at: n.sent_at.map(|t| ts(Some(t))),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Template {
    pub code: String,
    pub subject: String,
    pub body: String,
    /// Placeholders used, sorted.
    pub variables: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<npb::Template> for Template {
    fn from(t: npb::Template) -> Self {
        Self { code: t.code, subject: t.subject, body: t.body, variables: t.variables, updated_at: ts(t.updated_at) }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TemplateUpdate {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueStats {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub rate_per_second: f64,
}

// ---------------------------------------------------------------- health

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceHealth {
    Serving,
    NotServing,
    Unreachable,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServicesHealth {
    pub order: ServiceHealth,
    pub payment: ServiceHealth,
    pub notification: ServiceHealth,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` when all three services serve, else `degraded`.
    pub status: String,
    pub services: ServicesHealth,
}
