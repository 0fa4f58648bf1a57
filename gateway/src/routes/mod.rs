//! Route handlers, one module per area; each exposes `router()`.

pub mod health;
pub mod imports;
pub mod notifications;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod timeline;

use axum::Router;

use crate::state::AppState;

pub fn api() -> Router<AppState> {
    Router::new()
        .merge(imports::router())
        .merge(orders::router())
        .merge(payments::router())
        .merge(notifications::router())
        .merge(outbox::router())
        .merge(timeline::router())
        .merge(health::router())
        .merge(crate::auth::routes::router())
}
