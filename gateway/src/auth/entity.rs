//! The tables of `gateway.db`: who may sign in, their sessions, the API
//! keys, the audit log and the webhook ids already taken.

use sea_orm::entity::prelude::*;

/// What a principal may do; each role includes the ones before it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    #[sea_orm(string_value = "viewer")]
    Viewer,
    /// Also creates, cancels, ships and delivers orders, runs imports, sends notifications.
    #[sea_orm(string_value = "operator")]
    Operator,
    /// Also takes payments and refunds, edits templates, manages users and API keys.
    #[sea_orm(string_value = "admin")]
    Admin,
}

pub mod users {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Lower case; unique.
        pub email: String,
        /// Argon2id, PHC string format.
        pub password_hash: String,
        pub role: Role,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sessions {
    use super::*;

    /// A signed-in browser. Only the SHA-256 of the session id is stored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub user_id: i64,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        /// The absolute end, whatever the activity.
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_keys {
    use super::*;

    /// A machine client's key. Only its SHA-256 and last 4 characters are stored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_keys")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub role: Role,
        pub key_hash: String,
        pub last4: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_log {
    use super::*;

    /// One mutating call: who, what, on which resource, how it ended.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        /// `user:<email>`, `key:<id>:<name>` or `anonymous`.
        pub actor: String,
        /// `<METHOD> <route>`, e.g. `DELETE /api/v1/orders/{id}`.
        pub action: String,
        /// The resource's path, e.g. `/api/v1/orders/12` (for a create, the new one).
        pub target: String,
        /// The HTTP status answered.
        pub status: i32,
        pub trace_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod webhook_ids {
    use super::*;

    /// A signed webhook already applied (Standard Webhooks `webhook-id`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_ids")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub webhook_id: String,
        pub received_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
