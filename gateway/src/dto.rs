//! The JSON shapes of the REST contract (DESIGN.md section 3), which are also
//! the OpenAPI schemas, and their conversions from the gRPC messages.
//!
//! Required request fields have no default: a missing one is a 422 that
//! names it (see [`crate::extract::Json`]), never a zero or an empty string.
//! The limits of each field are published in the OpenAPI document from
//! `ec_common::rules` (see [`crate::openapi`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ec_proto::{notification::v1 as npb, order::v1 as opb, outbox::v1 as xpb, payment::v1 as ppb};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::{ApiError, required},
    extract::{blank_as_none, whole, whole_opt},
};

/// A service's answer without a field it must carry, or with a value this
/// gateway does not know: an internal error, never a made-up default.
fn broken(what: &str) -> ApiError {
    tracing::error!(field = what, "a service answered a value the gateway cannot read");
    ApiError::internal()
}

fn ts(t: Option<prost_types::Timestamp>, what: &str) -> Result<DateTime<Utc>, ApiError> {
    let t = required(t, what)?;
    ec_common::time::from_proto_checked(&t).ok_or_else(|| broken(what))
}

fn ts_opt(t: Option<prost_types::Timestamp>, what: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    t.map(|t| ts(Some(t), what)).transpose()
}

/// A wire enum value this gateway knows (UNSPECIFIED and unknown are broken).
fn known<E: TryFrom<i32>>(v: i32, what: &str) -> Result<E, ApiError> {
    E::try_from(v).map_err(|_| broken(what))
}

/// Converts each element of a list answer.
fn all<P, T: TryFrom<P, Error = ApiError>>(items: Vec<P>) -> Result<Vec<T>, ApiError> {
    items.into_iter().map(T::try_from).collect()
}

/// The message an answer must carry, converted.
pub fn answered<P, T: TryFrom<P, Error = ApiError>>(message: Option<P>, what: &str) -> Result<T, ApiError> {
    T::try_from(required(message, what)?)
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
    pub const ALL: [OrderStatus; 7] = [
        Self::Pending,
        Self::PaymentProcessing,
        Self::Paid,
        Self::Shipped,
        Self::Delivered,
        Self::PaymentFailed,
        Self::Cancelled,
    ];

    pub fn from_proto(v: i32) -> Result<Self, ApiError> {
        Ok(match known::<opb::OrderStatus>(v, "order status")? {
            opb::OrderStatus::Unspecified => return Err(broken("order status")),
            opb::OrderStatus::Pending => Self::Pending,
            opb::OrderStatus::PaymentProcessing => Self::PaymentProcessing,
            opb::OrderStatus::Paid => Self::Paid,
            opb::OrderStatus::Shipped => Self::Shipped,
            opb::OrderStatus::Delivered => Self::Delivered,
            opb::OrderStatus::PaymentFailed => Self::PaymentFailed,
            opb::OrderStatus::Cancelled => Self::Cancelled,
        })
    }

    /// The REST spelling, e.g. `payment_processing`.
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
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewOrderItem {
    /// SKU, e.g. "1001" or "P-1".
    pub product_id: String,
    pub product_name: String,
    #[serde(deserialize_with = "whole")]
    pub quantity: i64,
    /// JPY; 0 is a free item.
    #[serde(deserialize_with = "whole")]
    pub unit_price: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewOrder {
    pub customer_name: String,
    pub customer_email: String,
    #[serde(default)]
    pub customer_phone: Option<String>,
    #[serde(default)]
    pub shipping_address: Option<String>,
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
                    quantity: Some(i.quantity),
                    unit_price: Some(i.unit_price),
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
    /// Who asked for it: `user:<email>`, `key:<id>:<name>`, `service:<name>`, `system:<task>`.
    pub actor: Option<String>,
    /// The trace of the request that made it.
    pub trace_id: Option<String>,
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

impl TryFrom<opb::Order> for Order {
    type Error = ApiError;

    fn try_from(o: opb::Order) -> Result<Self, ApiError> {
        Ok(Self {
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
            status: OrderStatus::from_proto(o.status)?,
            batch_id: o.batch_id,
            created_at: ts(o.created_at, "order.created_at")?,
            updated_at: ts(o.updated_at, "order.updated_at")?,
            status_history: o
                .status_history
                .into_iter()
                .map(|h| {
                    Ok(StatusChange {
                        status: OrderStatus::from_proto(h.status)?,
                        at: ts(h.at, "history.at")?,
                        actor: Some(h.actor).filter(|a| !a.is_empty()),
                        trace_id: Some(h.trace_id).filter(|t| !t.is_empty()),
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderList {
    pub orders: Vec<Order>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Newest first.
    #[default]
    Desc,
    /// Oldest first.
    Asc,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    #[serde(default)]
    #[param(inline)]
    pub status: Option<OrderStatus>,
    #[serde(default, deserialize_with = "blank_as_none")]
    pub customer_email: Option<String>,
    #[serde(default, deserialize_with = "blank_as_none")]
    pub batch_id: Option<String>,
    /// Orders per page (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[serde(default)]
    #[param(inline)]
    pub order: Option<SortOrder>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The caller's offset from UTC in minutes (Japan: 540). Default 0.
    #[serde(default)]
    pub tz_offset_minutes: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (default 20).
    #[serde(default)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
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

impl TryFrom<opb::GetOrderStatsResponse> for OrderStats {
    type Error = ApiError;

    fn try_from(s: opb::GetOrderStatsResponse) -> Result<Self, ApiError> {
        let mut by_status: BTreeMap<String, i64> =
            OrderStatus::ALL.iter().map(|st| (st.as_str().to_owned(), 0)).collect();
        for c in s.by_status {
            by_status.insert(OrderStatus::from_proto(c.status)?.as_str().to_owned(), c.count);
        }
        let revenue_by_day: Vec<DayRevenue> = s
            .revenue_by_day
            .into_iter()
            .map(|d| DayRevenue { date: d.date, amount: d.amount, orders: d.orders })
            .collect();
        Ok(Self {
            by_status,
            revenue_today: revenue_by_day.last().map(|d| d.amount).unwrap_or(0),
            revenue_by_day,
            total_orders: s.total_orders,
        })
    }
}

/// The statuses an operator sets by hand (cancel with DELETE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ManualStatus {
    Shipped,
    Delivered,
}

impl ManualStatus {
    pub fn to_proto(self) -> opb::OrderStatus {
        match self {
            Self::Shipped => opb::OrderStatus::Shipped,
            Self::Delivered => opb::OrderStatus::Delivered,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StatusUpdate {
    pub status: ManualStatus,
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
    #[serde(deserialize_with = "whole")]
    pub payment_id: i64,
    pub status: WebhookStatus,
    /// JPY.
    #[serde(deserialize_with = "whole")]
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

impl TryFrom<opb::Import> for Import {
    type Error = ApiError;

    fn try_from(i: opb::Import) -> Result<Self, ApiError> {
        Ok(Self {
            status: match known::<opb::ImportStatus>(i.status, "import status")? {
                opb::ImportStatus::Queued => ImportStatus::Queued,
                opb::ImportStatus::Running => ImportStatus::Running,
                opb::ImportStatus::Completed => ImportStatus::Completed,
                opb::ImportStatus::CompletedWithErrors => ImportStatus::CompletedWithErrors,
                opb::ImportStatus::Failed => ImportStatus::Failed,
                opb::ImportStatus::Validated => ImportStatus::Validated,
                opb::ImportStatus::Unspecified => return Err(broken("import status")),
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
            created_at: ts(i.created_at, "import.created_at")?,
            started_at: ts_opt(i.started_at, "import.started_at")?,
            finished_at: ts_opt(i.finished_at, "import.finished_at")?,
            error: Some(i.error).filter(|e| !e.is_empty()),
        })
    }
}

/// A refused row of an import file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    /// Line of the file (the header is line 1).
    pub row: i64,
    /// The column at fault; empty when the whole row is.
    pub column: String,
    /// Why, as a machine code (the field codes of problem `errors`).
    pub code: String,
    /// The same in English.
    pub reason: String,
    /// What the code needs to be said in words (`min`, `max`, ...).
    #[schema(value_type = Object)]
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl TryFrom<opb::RowError> for RowError {
    type Error = ApiError;

    fn try_from(e: opb::RowError) -> Result<Self, ApiError> {
        let params = e
            .params
            .into_iter()
            .map(|(k, v)| (k, v.parse::<i64>().map(serde_json::Value::from).unwrap_or(serde_json::Value::String(v))))
            .collect();
        Ok(Self { row: e.row, column: e.column, code: e.code, reason: e.reason, params })
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

/// How an import file's bytes are read.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
pub enum FileEncoding {
    /// UTF-8 if the file is valid UTF-8, else Shift_JIS.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "shift_jis")]
    ShiftJis,
}

impl FileEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Utf8 => "utf-8",
            Self::ShiftJis => "shift_jis",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Validate and report only; store nothing.
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// `auto` (default), `utf-8` or `shift_jis`.
    #[serde(default)]
    #[param(inline)]
    pub encoding: Option<FileEncoding>,
    /// One ORDER_CONFIRMATION_BATCH mail per customer instead of one per order.
    #[serde(default)]
    pub digest: Option<bool>,
    /// Name recorded in the history (multipart uploads carry their own).
    #[serde(default, deserialize_with = "blank_as_none")]
    pub file_name: Option<String>,
    /// Who submitted it (also the `X-Submitted-By` header).
    #[serde(default, deserialize_with = "blank_as_none")]
    pub submitted_by: Option<String>,
}

/// How refused rows are answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorsFormat {
    #[default]
    Json,
    /// A CSV download (with a BOM, for Excel).
    Csv,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErrorsParams {
    /// `json` (default) or `csv`.
    #[serde(default)]
    #[param(inline)]
    pub format: Option<ErrorsFormat>,
}

// ---------------------------------------------------------------- payments

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Completed,
    PartiallyRefunded,
    Refunded,
}

/// The only currency taken.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum Currency {
    #[serde(rename = "JPY")]
    Jpy,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewPayment {
    /// An existing order waiting for its payment.
    #[serde(deserialize_with = "whole")]
    pub order_id: i64,
    /// Exactly the order's total, in JPY.
    #[serde(deserialize_with = "whole")]
    pub amount: i64,
    pub currency: Currency,
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
    /// Who asked for it.
    pub created_by: Option<String>,
    /// The trace of the request that made it.
    pub trace_id: Option<String>,
}

impl TryFrom<ppb::Refund> for Refund {
    type Error = ApiError;

    fn try_from(r: ppb::Refund) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            payment_id: r.payment_id,
            amount: r.amount,
            reason: r.reason,
            created_at: ts(r.created_at, "refund.created_at")?,
            created_by: Some(r.created_by).filter(|b| !b.is_empty()),
            trace_id: Some(r.trace_id).filter(|t| !t.is_empty()),
        })
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
    /// Who asked for it (`user:…`, `key:…`, `service:order-service`, `system:reconciler`).
    pub requested_by: Option<String>,
    /// The trace of the request that made it.
    pub trace_id: Option<String>,
}

impl TryFrom<ppb::Payment> for Payment {
    type Error = ApiError;

    fn try_from(p: ppb::Payment) -> Result<Self, ApiError> {
        Ok(Self {
            id: p.id,
            order_id: p.order_id,
            amount: p.amount,
            currency: p.currency,
            method: p.method,
            status: match known::<ppb::PaymentStatus>(p.status, "payment status")? {
                ppb::PaymentStatus::Completed => PaymentStatus::Completed,
                ppb::PaymentStatus::PartiallyRefunded => PaymentStatus::PartiallyRefunded,
                ppb::PaymentStatus::Refunded => PaymentStatus::Refunded,
                ppb::PaymentStatus::Unspecified => return Err(broken("payment status")),
            },
            refunded_amount: p.refunded_amount,
            refunds: all(p.refunds)?,
            created_at: ts(p.created_at, "payment.created_at")?,
            updated_at: ts(p.updated_at, "payment.updated_at")?,
            requested_by: Some(p.requested_by).filter(|b| !b.is_empty()),
            trace_id: Some(p.trace_id).filter(|t| !t.is_empty()),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewRefund {
    #[serde(deserialize_with = "whole")]
    pub payment_id: i64,
    /// JPY; absent: everything not yet refunded.
    #[serde(default, deserialize_with = "whole_opt")]
    pub amount: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
}

// ---------------------------------------------------------------- notifications

/// An e-mail to render and queue.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewEmail {
    #[serde(deserialize_with = "whole")]
    pub order_id: i64,
    /// An e-mail address.
    pub recipient: String,
    /// An unknown one is UNKNOWN_TEMPLATE (the notification service decides).
    #[schema(value_type = TemplateCode)]
    pub template: String,
    /// Values for the template's placeholders: strings, numbers or booleans.
    /// A placeholder without a value is MISSING_VARIABLE.
    #[schema(value_type = Object)]
    pub variables: serde_json::Map<String, serde_json::Value>,
}

/// An SMS to render (its template's body) and queue.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewSms {
    #[serde(deserialize_with = "whole")]
    pub order_id: i64,
    /// A phone number: 6 to 20 digits, with spaces, `-`, parentheses and a
    /// leading `+`.
    pub recipient: String,
    /// An unknown one is UNKNOWN_TEMPLATE (the notification service decides).
    #[schema(value_type = TemplateCode)]
    pub template: String,
    /// Values for the template's placeholders: strings, numbers or booleans.
    #[schema(value_type = Object)]
    pub variables: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    /// The REST spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationStatus {
    Queued,
    Sent,
    Failed,
}

impl NotificationStatus {
    pub fn to_proto(self) -> npb::NotificationStatus {
        match self {
            Self::Queued => npb::NotificationStatus::Queued,
            Self::Sent => npb::NotificationStatus::Sent,
            Self::Failed => npb::NotificationStatus::Failed,
        }
    }
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// Delivered.
    Sent,
    /// Not delivered; tried again later.
    Retry,
    /// Not delivered and not tried again.
    Failed,
    /// Handed to the server, then no answer (or the sender died): it may
    /// have been delivered, and it is not tried again, so it never arrives
    /// twice. The notification counts as sent.
    Unconfirmed,
}

impl AttemptOutcome {
    const ALL: [Self; 4] = [Self::Sent, Self::Retry, Self::Failed, Self::Unconfirmed];

    /// The word of the REST contract, which an outbox's attempt log uses too.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retry => "retry",
            Self::Failed => "failed",
            Self::Unconfirmed => "unconfirmed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// One try at delivering a notification or an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    /// 1 for the first; manual retries keep counting.
    pub attempt: i32,
    /// When the sender answered (or gave up).
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    /// The mail server's or SMS provider's reply, or why it could not be
    /// reached; null when sent.
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl TryFrom<npb::DeliveryAttempt> for DeliveryAttempt {
    type Error = ApiError;

    fn try_from(a: npb::DeliveryAttempt) -> Result<Self, ApiError> {
        Ok(Self {
            attempt: a.attempt,
            at: ts(a.at, "attempt.at")?,
            outcome: match known::<npb::AttemptOutcome>(a.outcome, "attempt outcome")? {
                npb::AttemptOutcome::Sent => AttemptOutcome::Sent,
                npb::AttemptOutcome::Retry => AttemptOutcome::Retry,
                npb::AttemptOutcome::Failed => AttemptOutcome::Failed,
                npb::AttemptOutcome::Unconfirmed => AttemptOutcome::Unconfirmed,
                npb::AttemptOutcome::Unspecified => return Err(broken("attempt outcome")),
            },
            error: Some(a.error).filter(|e| !e.is_empty()),
            duration_ms: a.duration_ms,
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub order_id: i64,
    pub channel: Channel,
    pub template: TemplateCode,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: NotificationStatus,
    /// How many delivery attempts were made (the length of `delivery_attempts`).
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Every delivery attempt, oldest first.
    pub delivery_attempts: Vec<DeliveryAttempt>,
    /// The trace (32 hex digits) of the request that queued it, to find it
    /// in the tracing UI; null when that request was not traced.
    pub trace_id: Option<String>,
}

impl TryFrom<npb::Notification> for Notification {
    type Error = ApiError;

    fn try_from(n: npb::Notification) -> Result<Self, ApiError> {
        Ok(Self {
            id: n.id,
            order_id: n.order_id,
            channel: match known::<npb::Channel>(n.channel, "channel")? {
                npb::Channel::Email => Channel::Email,
                npb::Channel::Sms => Channel::Sms,
                npb::Channel::Unspecified => return Err(broken("channel")),
            },
            template: TemplateCode::parse(&n.template).ok_or_else(|| broken("notification template"))?,
            recipient: n.recipient,
            subject: n.subject,
            body: n.body,
            status: match known::<npb::NotificationStatus>(n.status, "notification status")? {
                npb::NotificationStatus::Queued => NotificationStatus::Queued,
                npb::NotificationStatus::Sent => NotificationStatus::Sent,
                npb::NotificationStatus::Failed => NotificationStatus::Failed,
                npb::NotificationStatus::Unspecified => return Err(broken("notification status")),
            },
            attempts: n.attempts,
            last_error: Some(n.last_error).filter(|e| !e.is_empty()),
            created_at: ts(n.created_at, "notification.created_at")?,
            sent_at: ts_opt(n.sent_at, "notification.sent_at")?,
            delivery_attempts: all(n.delivery_attempts)?,
            trace_id: Some(n.trace_id).filter(|t| !t.is_empty()),
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationList {
    /// Newest first.
    pub notifications: Vec<Notification>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationListParams {
    /// Only notifications of this status (`failed`: what needs an operator).
    #[serde(default)]
    #[param(inline)]
    pub status: Option<NotificationStatus>,
    /// Notifications per page (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// What retrying every failed notification did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetriedFailed {
    /// How many failed notifications were queued again.
    pub requeued: i64,
}

/// A notification template (`ORDER_CONFIRMATION`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TemplateCode {
    OrderConfirmation,
    OrderShipped,
    OrderCancelled,
    /// The digest mail of a bulk import (`digest=true`).
    OrderConfirmationBatch,
}

impl TemplateCode {
    fn shared(self) -> ec_common::vocab::TemplateCode {
        use ec_common::vocab::TemplateCode as T;
        match self {
            Self::OrderConfirmation => T::OrderConfirmation,
            Self::OrderShipped => T::OrderShipped,
            Self::OrderCancelled => T::OrderCancelled,
            Self::OrderConfirmationBatch => T::OrderConfirmationBatch,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.shared().as_str()
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::OrderConfirmation, Self::OrderShipped, Self::OrderCancelled, Self::OrderConfirmationBatch]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Template {
    pub code: TemplateCode,
    pub subject: String,
    pub body: String,
    /// Placeholders used, sorted.
    pub variables: Vec<String>,
    pub updated_at: DateTime<Utc>,
    /// Who edited it last (none: as seeded).
    pub updated_by: Option<String>,
}

impl TryFrom<npb::Template> for Template {
    type Error = ApiError;

    fn try_from(t: npb::Template) -> Result<Self, ApiError> {
        Ok(Self {
            code: TemplateCode::parse(&t.code).ok_or_else(|| broken("template code"))?,
            subject: t.subject,
            body: t.body,
            variables: t.variables,
            updated_at: ts(t.updated_at, "template.updated_at")?,
            updated_by: Some(t.updated_by).filter(|b| !b.is_empty()),
        })
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

// ---------------------------------------------------------------- outboxes

/// The services that keep an outbox of events for others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutboxService {
    /// Owed refunds, for the payment service.
    Order,
    /// Payment completed, failed or refunded, for the order service.
    Payment,
}

impl OutboxService {
    pub const ALL: [Self; 2] = [Self::Order, Self::Payment];

    /// The `{service}` of a path; anything else is no such resource.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Payment => "payment",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutboxEventStatus {
    /// Waiting for its next attempt.
    Pending,
    Delivered,
    /// Out of attempts (or refused for good): waits for an operator.
    Dead,
}

impl OutboxEventStatus {
    pub fn to_proto(self) -> xpb::EventStatus {
        match self {
            Self::Pending => xpb::EventStatus::Pending,
            Self::Delivered => xpb::EventStatus::Delivered,
            Self::Dead => xpb::EventStatus::Dead,
        }
    }
}

/// An event a service owes another, and how its delivery went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxEvent {
    pub id: i64,
    pub service: OutboxService,
    /// `payment.event` or `order.refund`.
    pub topic: String,
    /// Unique per event: the receiver's idempotency key or event id.
    pub key: String,
    pub order_id: i64,
    pub summary: String,
    pub status: OutboxEventStatus,
    /// How many delivery attempts were made.
    pub attempts: i32,
    /// When a pending event is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed; null when it did not.
    pub last_error: Option<String>,
    /// The trace of the change that wrote it.
    pub trace_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub delivery_attempts: Vec<DeliveryAttempt>,
}

impl OutboxEvent {
    pub fn from_proto(service: OutboxService, e: xpb::Event) -> Result<Self, ApiError> {
        Ok(Self {
            id: e.id,
            service,
            topic: e.topic,
            key: e.key,
            order_id: e.order_id,
            summary: e.summary,
            status: match known::<xpb::EventStatus>(e.status, "event status")? {
                xpb::EventStatus::Pending => OutboxEventStatus::Pending,
                xpb::EventStatus::Delivered => OutboxEventStatus::Delivered,
                xpb::EventStatus::Dead => OutboxEventStatus::Dead,
                xpb::EventStatus::Unspecified => return Err(broken("event status")),
            },
            attempts: e.attempts,
            next_attempt_at: ts_opt(e.next_attempt_at, "event.next_attempt_at")?,
            last_error: Some(e.last_error).filter(|x| !x.is_empty()),
            trace_id: Some(e.trace_id).filter(|t| !t.is_empty()),
            created_at: ts(e.created_at, "event.created_at")?,
            delivered_at: ts_opt(e.delivered_at, "event.delivered_at")?,
            delivery_attempts: e
                .attempt_log
                .into_iter()
                .map(|a| {
                    Ok(DeliveryAttempt {
                        attempt: a.attempt,
                        at: ts(a.at, "attempt.at")?,
                        outcome: AttemptOutcome::parse(&a.outcome).ok_or_else(|| broken("attempt outcome"))?,
                        error: Some(a.error).filter(|x| !x.is_empty()),
                        duration_ms: a.duration_ms,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxEventList {
    /// Newest first.
    pub events: Vec<OutboxEvent>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxEventListParams {
    /// Only events of this status (`dead`: what needs an operator).
    #[serde(default)]
    #[param(inline)]
    pub status: Option<OutboxEventStatus>,
    /// Only the events of this order.
    #[serde(default)]
    #[param(minimum = 1)]
    pub order_id: Option<i64>,
    /// Events per page (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- timeline

/// Where a timeline entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineSource {
    Order,
    Payment,
    Notification,
    /// A call to this API (the audit log).
    Gateway,
}

/// One thing that happened to an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub source: TimelineSource,
    /// What happened, for a program: `status_changed`, `payment_completed`,
    /// `refunded`, `notification_queued`, `notification_attempt`,
    /// `event_written` and `event_attempt` (an event the source owed
    /// another service, and each try at delivering it), `api_call`.
    pub kind: String,
    /// What happened, for a person (English; `kind` and the other fields
    /// are there to say it in another language).
    pub summary: String,
    /// Who made it happen: `user:…`, `key:…`, `service:…`, `system:…`.
    pub actor: Option<String>,
    /// The trace of the request that did it.
    pub trace_id: Option<String>,
    /// `trace_id` in the tracing UI (TRACE_URL_TEMPLATE); null when either is unset.
    pub trace_url: Option<String>,
}

/// Everything that happened to an order, from every service, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Timeline {
    pub order_id: i64,
    /// Oldest first.
    pub events: Vec<TimelineEntry>,
    /// Sources that did not answer: their entries are missing (`payment`,
    /// `notification`, `gateway`).
    pub unavailable: Vec<TimelineSource>,
}
