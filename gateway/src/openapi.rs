//! The OpenAPI document, generated from the handlers' annotations and the
//! DTO types, served at `/api/v1/openapi.json`. The web admin's API types are
//! generated from it (`web/openapi.json`, checked by a test to be current).

use utoipa::OpenApi;

use crate::routes::{health, imports, notifications, orders, payments};

#[derive(OpenApi)]
#[openapi(
    info(title = "EC platform API", description = "Orders, payments and notifications of the EC platform (REST gateway over gRPC). Errors are application/problem+json."),
    paths(
        orders::create_order, orders::list_orders, orders::order_stats, orders::get_order, orders::cancel_order,
        orders::update_status, orders::payment_webhook,
        payments::create_payment, payments::payment_by_order, payments::get_payment, payments::refund_payment,
        notifications::send_email, notifications::send_sms, notifications::order_notifications,
        notifications::list_templates, notifications::update_template, notifications::queue_stats,
        imports::create_import, imports::list_imports, imports::get_import, imports::import_events, imports::import_errors,
        health::healthz, health::readyz,
    ),
    tags((name = "orders"), (name = "imports"), (name = "payments"), (name = "notifications"), (name = "health"))
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as pretty JSON (what `gateway --print-openapi` writes).
pub fn json() -> String {
    document().to_pretty_json().unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    /// The web admin generates its API types from `web/openapi.json`; it must
    /// be the document this gateway serves. Regenerate with
    /// `cargo run -p gateway -- --print-openapi > web/openapi.json`.
    #[test]
    fn web_copy_of_the_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/openapi.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed.trim() == super::json().trim(),
            "web/openapi.json is stale: run `cargo run -p gateway -- --print-openapi > web/openapi.json` and `npm --prefix web run gen:api`"
        );
    }
}
