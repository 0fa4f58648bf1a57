use sea_orm::entity::prelude::*;

/// A rendered message and its delivery state; `queued` rows are the queue.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub order_id: i64,
    pub channel: crate::store::Channel,
    pub template: ec_common::vocab::TemplateCode,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: crate::store::DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub idempotency_key: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub batch_id: Option<String>,
    /// The trace of the request that queued it (hex), when tracing was on.
    pub trace_id: Option<String>,
    /// `attempts` when an operator last retried it: the budget of
    /// NOTIFY_MAX_ATTEMPTS counts from here (0: never retried by hand).
    pub attempts_at_retry: i32,
    /// The dispatcher (replica) delivering it until `lease_until`, or, with
    /// no lease, the one that made its last attempt.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    /// Set while a dispatcher hands the message over (see
    /// [`crate::sender::Handover`]); a claimed row that has it was being
    /// delivered when its dispatcher died, and is not sent again.
    pub handed_over_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
