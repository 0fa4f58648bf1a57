//! The OpenAPI document, generated from the handlers' annotations and the
//! DTO types, served at `/api/v1/openapi.json`. The web admin's API types are
//! generated from it (`web/openapi.json`, checked by a test to be current).
//!
//! Two things are added to what the annotations say, so that the document is
//! true for every answer without repeating them on every handler:
//! - the errors every route of a kind can answer (a malformed body, an
//!   unknown id, a service that is down...), all as
//!   `application/problem+json`;
//! - the limits of every field, from `ec_common::rules` (the rules the
//!   services apply), so the document and the services cannot disagree.

use ec_common::rules::{self, order, page, payment};
use serde_json::{Value, json};
use utoipa::OpenApi;

use crate::{
    auth::{self, Access},
    error::PROBLEM_JSON,
    routes::{health, imports, notifications, orders, outbox, payments, timeline},
};

#[derive(OpenApi)]
#[openapi(
    info(title = "EC platform API", description = "Orders, payments and notifications of the EC platform (REST gateway over gRPC). Errors are application/problem+json (RFC 9457); field errors name the field and carry a machine code with its parameters."),
    paths(
        orders::create_order, orders::list_orders, orders::order_stats, orders::get_order, orders::cancel_order,
        orders::update_status, orders::payment_webhook, timeline::order_timeline,
        payments::create_payment, payments::payment_by_order, payments::get_payment, payments::refund_payment,
        notifications::send_email, notifications::send_sms, notifications::order_notifications,
        notifications::list_templates, notifications::update_template, notifications::queue_stats,
        notifications::list_notifications, notifications::retry_notification, notifications::retry_failed,
        outbox::list_events, outbox::retry_event, outbox::retry_dead,
        imports::create_import, imports::list_imports, imports::get_import, imports::import_events, imports::import_errors,
        health::healthz, health::readyz,
        auth::routes::login, auth::routes::logout, auth::routes::me,
        auth::routes::list_users, auth::routes::create_user, auth::routes::update_user, auth::routes::delete_user,
        auth::routes::list_keys, auth::routes::create_key, auth::routes::revoke_key, auth::routes::audit,
    ),
    tags((name = "orders"), (name = "imports"), (name = "payments"), (name = "notifications"), (name = "outbox"), (name = "auth"), (name = "health"))
)]
pub struct ApiDoc;

/// The document served, with the common errors and the field limits.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let rule = method.to_uppercase().parse().ok().and_then(|m| auth::access(&m, path));
                add_access(rule, op);
                add_common_errors(path, op);
                problems_as_problem_json(op);
            }
        }
    }
    doc["components"]["securitySchemes"] = json!({
        "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key: Authorization: Bearer sk_..."},
        "session": {"type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE, "description": "The web admin's session (POST /api/v1/auth/login)"}
    });
    add_limits(&mut doc);
    doc
}

/// The document as pretty JSON (what `gateway --print-openapi` writes).
pub fn json() -> String {
    serde_json::to_string_pretty(&document()).unwrap_or_else(|_| "{}".to_owned())
}

fn problem(description: &str) -> Value {
    json!({"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

/// Who may call the operation, from the access table: its security
/// requirement, and the 401 / 403 it answers otherwise.
fn add_access(rule: Option<Access>, op: &mut Value) {
    let Some(obj) = op.as_object_mut() else { return };
    match rule {
        Some(Access::Public) | None => {
            obj.insert("security".into(), json!([]));
        }
        Some(Access::Signed) => {
            obj.insert("security".into(), json!([]));
            if let Some(r) = obj.get_mut("responses").and_then(Value::as_object_mut) {
                r.entry("401")
                    .or_insert_with(|| problem("Missing, wrong or stale webhook signature (UNAUTHENTICATED)"));
            }
        }
        Some(rule) => {
            obj.insert("security".into(), json!([{"apiKey": []}, {"session": []}]));
            let needs = match rule {
                Access::Role(r) => format!(" (this needs the {} role)", auth::role_name(r)),
                _ => String::new(),
            };
            if let Some(r) = obj.get_mut("responses").and_then(Value::as_object_mut) {
                r.entry("401")
                    .or_insert_with(|| problem("No valid credentials (UNAUTHENTICATED); see WWW-Authenticate"));
                r.entry("403").or_insert_with(|| problem(&format!("Not allowed{needs} (FORBIDDEN)")));
            }
        }
    }
}

/// The errors a route answers by its kind, where its annotation says
/// nothing more precise.
fn add_common_errors(path: &str, op: &mut Value) {
    let takes_json = op.pointer("/requestBody/content/application~1json").is_some();
    let takes_body = op.get("requestBody").is_some();
    let has_query = op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let calls_services = path.starts_with("/api/");
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let mut add = |status: &str, description: &str| {
        responses.entry(status).or_insert_with(|| problem(description));
    };
    if takes_body {
        add("400", "Malformed request body (not JSON, not UTF-8, a broken upload)");
        add("413", "Request body too large");
    }
    if takes_json {
        add("415", "The body is not application/json");
        add("422", "Invalid fields (VALIDATION_FAILED, naming each field)");
    }
    if has_query {
        add("422", "Invalid query parameters (VALIDATION_FAILED, naming each parameter)");
    }
    if path.contains('{') {
        add("404", "No such resource");
    }
    if calls_services {
        add("503", "A service is unavailable; try again shortly");
        add("504", "A service did not answer in time");
    }
}

/// Error answers are `application/problem+json`, whatever the annotation said.
fn problems_as_problem_json(op: &mut Value) {
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    for (status, response) in responses.iter_mut() {
        if !(status.starts_with('4') || status.starts_with('5')) {
            continue;
        }
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { continue };
        let is_problem = |v: &Value| v.pointer("/schema/$ref") == Some(&json!("#/components/schemas/Problem"));
        if let Some(json_body) = content.get("application/json").filter(|v| is_problem(v)).cloned() {
            content.remove("application/json");
            content.insert(PROBLEM_JSON.to_owned(), json_body);
        }
    }
}

/// Sets `keyword` (`maxLength`, `maximum`...) of a schema property.
fn limit(doc: &mut Value, schema: &str, property: &str, keyword: &str, value: impl Into<Value>) {
    if let Some(p) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{property}"))
        && let Some(p) = p.as_object_mut()
    {
        p.insert(keyword.to_owned(), value.into());
    }
}

/// Sets `keyword` of a query parameter of an operation.
fn param_limit(doc: &mut Value, path: &str, method: &str, name: &str, keyword: &str, value: impl Into<Value>) {
    let key = path.replace('~', "~0").replace('/', "~1");
    let Some(params) = doc.pointer_mut(&format!("/paths/{key}/{method}/parameters")).and_then(Value::as_array_mut)
    else {
        return;
    };
    let value = value.into();
    for p in params.iter_mut().filter(|p| p["name"] == name) {
        if let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) {
            schema.insert(keyword.to_owned(), value.clone());
        }
    }
}

fn add_limits(doc: &mut Value) {
    use rules::patterns;
    for (property, max, pattern) in [
        ("customer_name", order::NAME_MAX, patterns::TEXT),
        ("customer_email", order::EMAIL_MAX, ""),
        ("customer_phone", order::PHONE_MAX, patterns::OPTIONAL_PHONE),
        ("shipping_address", order::ADDRESS_MAX, patterns::OPTIONAL_TEXT),
    ] {
        limit(doc, "NewOrder", property, "maxLength", max);
        if !pattern.is_empty() {
            limit(doc, "NewOrder", property, "pattern", pattern);
        }
    }
    limit(doc, "NewOrder", "customer_email", "format", "email");
    limit(doc, "NewOrder", "items", "minItems", 1);
    limit(doc, "NewOrder", "items", "maxItems", order::ITEMS_MAX);
    for (property, max) in [("product_id", order::PRODUCT_ID_MAX), ("product_name", order::NAME_MAX)] {
        limit(doc, "NewOrderItem", property, "maxLength", max);
        limit(doc, "NewOrderItem", property, "pattern", patterns::TEXT);
    }
    limit(doc, "NewOrderItem", "quantity", "minimum", order::QUANTITY_MIN);
    limit(doc, "NewOrderItem", "quantity", "maximum", order::QUANTITY_MAX);
    limit(doc, "NewOrderItem", "unit_price", "minimum", order::UNIT_PRICE_MIN);
    limit(doc, "NewOrderItem", "unit_price", "maximum", order::UNIT_PRICE_MAX);
    limit(doc, "NewPayment", "order_id", "minimum", 1);
    limit(doc, "NewPayment", "amount", "minimum", payment::AMOUNT_MIN);
    limit(doc, "NewPayment", "amount", "maximum", payment::AMOUNT_MAX);
    limit(doc, "NewRefund", "amount", "minimum", 1);
    limit(doc, "NewRefund", "reason", "maxLength", 500);
    limit(doc, "PaymentWebhook", "event_id", "maxLength", rules::KEY_MAX);
    limit(doc, "PaymentWebhook", "event_id", "pattern", patterns::NOT_BLANK);
    limit(doc, "PaymentWebhook", "amount", "minimum", 0);
    for schema in ["NewEmail", "NewSms"] {
        limit(doc, schema, "order_id", "minimum", 1);
    }
    for schema in ["NewEmail", "NewSms"] {
        limit(doc, schema, "variables", "additionalProperties", json!({"type": ["string", "number", "boolean"]}));
    }
    limit(doc, "NewEmail", "recipient", "format", "email");
    limit(doc, "NewEmail", "recipient", "maxLength", order::EMAIL_MAX);
    limit(doc, "NewSms", "recipient", "pattern", patterns::PHONE);
    limit(doc, "NewSms", "recipient", "maxLength", order::PHONE_MAX);
    limit(doc, "NewApiKey", "name", "maxLength", 100);
    limit(doc, "NewApiKey", "name", "pattern", patterns::TEXT);
    limit(doc, "NewUser", "email", "format", "email");
    limit(doc, "NewUser", "email", "maxLength", order::EMAIL_MAX);
    limit(doc, "NewUser", "password", "minLength", auth::routes::PASSWORD_MIN);
    limit(doc, "NewUser", "password", "maxLength", auth::routes::PASSWORD_MAX);
    limit(doc, "TemplateUpdate", "subject", "maxLength", 200);
    limit(doc, "TemplateUpdate", "body", "maxLength", 10_000);
    limit(doc, "TemplateUpdate", "body", "pattern", patterns::NOT_BLANK);
    for (path, max) in [
        ("/api/v1/orders", page::ORDERS_MAX),
        ("/api/v1/orders/imports", page::IMPORTS_MAX),
        ("/api/v1/audit", page::ORDERS_MAX),
        ("/api/v1/notifications", page::NOTIFICATIONS_MAX),
        ("/api/v1/outbox/{service}/events", page::OUTBOX_MAX),
    ] {
        param_limit(doc, path, "get", "limit", "minimum", 1);
        param_limit(doc, path, "get", "limit", "maximum", max);
        param_limit(doc, path, "get", "cursor", "pattern", patterns::CURSOR);
    }
    let tz = rules::UTC_OFFSET_MAX_MINUTES;
    param_limit(doc, "/api/v1/orders/stats", "get", "tz_offset_minutes", "minimum", -tz);
    param_limit(doc, "/api/v1/orders/stats", "get", "tz_offset_minutes", "maximum", tz);
    for (path, method) in
        [("/api/v1/orders", "post"), ("/api/v1/payments", "post"), ("/api/v1/payments/refund", "post")]
    {
        param_limit(doc, path, method, "Idempotency-Key", "maxLength", rules::KEY_MAX);
        param_limit(doc, path, method, "Idempotency-Key", "pattern", patterns::KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_limits_are_the_rules() {
        let doc = document();
        let item = &doc["components"]["schemas"]["NewOrderItem"]["properties"];
        assert_eq!(item["quantity"]["maximum"], order::QUANTITY_MAX);
        assert_eq!(item["unit_price"]["maximum"], order::UNIT_PRICE_MAX);
        assert_eq!(
            doc["components"]["schemas"]["NewOrder"]["properties"]["customer_name"]["maxLength"],
            order::NAME_MAX
        );
        let limit = doc["paths"]["/api/v1/orders"]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "limit"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(limit["schema"]["maximum"], page::ORDERS_MAX);
    }

    #[test]
    fn every_documented_route_has_an_access_rule() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, _) in item.as_object().into_iter().flatten() {
                let m: axum::http::Method = method.to_uppercase().parse().expect("method");
                assert!(auth::access(&m, path).is_some(), "{method} {path} has no access rule");
            }
        }
    }

    #[test]
    fn every_error_is_problem_json() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    let problem = json!({"$ref": "#/components/schemas/Problem"});
                    let as_json = r["content"]["application/json"]["schema"] == problem;
                    assert!(!as_json, "{method} {path} {status}: a problem documented as application/json");
                    if path.starts_with("/api/") && (status.starts_with('4') || status.starts_with('5')) {
                        assert_eq!(r["content"][PROBLEM_JSON]["schema"], problem, "{method} {path} {status}");
                    }
                }
            }
        }
    }
}
