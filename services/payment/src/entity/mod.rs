//! SeaORM entities of `payment_service.db`. The schema is in [`crate::migration`].

pub mod payment_rejections;
pub mod payments;
pub mod refunds;
