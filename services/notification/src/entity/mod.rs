//! SeaORM entities of `notification_service.db`. The schema is in [`crate::migration`].

pub mod notification_attempts;
pub mod notification_templates;
pub mod notifications;
pub mod send_budget;
