//! The two tables of an outbox, the same in every service that has one.

/// Where an event stands; stored by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum EventStatus {
    /// Waiting for its next attempt.
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Every attempt failed (or the receiver refused it for good).
    #[sea_orm(string_value = "dead")]
    Dead,
}

impl EventStatus {
    pub fn to_proto(self) -> ec_proto::outbox::v1::EventStatus {
        use ec_proto::outbox::v1::EventStatus as P;
        match self {
            Self::Pending => P::Pending,
            Self::Delivered => P::Delivered,
            Self::Dead => P::Dead,
        }
    }

    pub fn from_proto(s: ec_proto::outbox::v1::EventStatus) -> Option<Self> {
        use ec_proto::outbox::v1::EventStatus as P;
        match s {
            P::Unspecified => None,
            P::Pending => Some(Self::Pending),
            P::Delivered => Some(Self::Delivered),
            P::Dead => Some(Self::Dead),
        }
    }
}

pub mod events {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// What it is and where it goes (`payment.event`, `order.mail`, …).
        pub topic: String,
        /// Unique: writing the same event twice keeps one.
        pub key: String,
        /// The order it is about (every event here is about one).
        pub order_id: i64,
        /// The message to deliver, protobuf-encoded.
        pub payload: Vec<u8>,
        /// For people: what it carries.
        pub summary: String,
        /// W3C trace context (a JSON object) of the change that wrote it.
        pub trace_context: String,
        pub trace_id: Option<String>,
        pub status: super::EventStatus,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub delivered_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attempts {
    use sea_orm::entity::prelude::*;

    /// One try to deliver an event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox_attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub attempt: i32,
        pub at: DateTimeUtc,
        /// `delivered`, `retry` or `dead`.
        pub outcome: String,
        pub error: Option<String>,
        pub duration_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
