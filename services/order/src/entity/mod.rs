//! SeaORM entities of `order_service.db`. The schema itself is in [`crate::migration`].

pub mod import_chunks;
pub mod import_errors;
pub mod imports;
pub mod order_items;
pub mod orders;
pub mod payment_events;
pub mod status_history;
