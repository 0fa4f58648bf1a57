//! Ugly input through the gateway: every case is a 4xx problem, never a 5xx,
//! nothing is stored, and the platform keeps answering.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn malformed_bodies_are_4xx_problems() {
    let app = spawn_app().await;
    let item = json!({"product_id": "P-1", "product_name": "x", "quantity": 1, "unit_price": 100});
    let good = |patch: serde_json::Value| {
        let mut b = json!({"customer_name": "a", "customer_email": "a@example.jp", "items": [item.clone()]});
        for (k, v) in patch.as_object().expect("object") {
            b[k] = v.clone();
        }
        b
    };
    let big_name = "あ".repeat(201);
    // (body, expected status, expected code, expected field)
    let cases: Vec<(String, u16, &str, Option<&str>)> = vec![
        ("{".into(), 400, "MALFORMED_REQUEST", None),
        ("not json at all".into(), 400, "MALFORMED_REQUEST", None),
        ("[1,2,3]".into(), 422, "VALIDATION_FAILED", None),
        ("null".into(), 422, "VALIDATION_FAILED", None),
        ("{}".into(), 422, "VALIDATION_FAILED", Some("customer_name")),
        (good(json!({"items": []})).to_string(), 422, "VALIDATION_FAILED", Some("items")),
        (good(json!({"items": "many"})).to_string(), 422, "VALIDATION_FAILED", Some("items")),
        (good(json!({"customer_name": 42})).to_string(), 422, "VALIDATION_FAILED", Some("customer_name")),
        (good(json!({"customer_email": "nope"})).to_string(), 422, "VALIDATION_FAILED", Some("customer_email")),
        (good(json!({"customer_name": big_name})).to_string(), 422, "VALIDATION_FAILED", Some("customer_name")),
        (
            good(json!({"customer_phone": "call me maybe"})).to_string(),
            422,
            "VALIDATION_FAILED",
            Some("customer_phone"),
        ),
        (
            good(json!({"items": [{"product_id": "P", "product_name": "x", "quantity": 0, "unit_price": 100}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].quantity"),
        ),
        (
            good(json!({"items": [{"product_id": "P", "product_name": "x", "quantity": -3, "unit_price": 100}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].quantity"),
        ),
        (
            good(json!({"items": [{"product_id": "P", "product_name": "x", "quantity": 1, "unit_price": -1}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].unit_price"),
        ),
        (
            good(json!({"items": [{"product_id": "P", "product_name": "x", "quantity": 1.5, "unit_price": 1}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].quantity"),
        ),
        (
            good(json!({"items": [{"product_id": "P", "product_name": "x", "quantity": "2", "unit_price": 1}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].quantity"),
        ),
        (
            good(json!({"items": [{"product_id": "P", "product_name": "x", "quantity": 1, "unit_price": 1e30}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].unit_price"),
        ),
        (
            good(json!({"items": [{"product_id": "", "product_name": "", "quantity": 1, "unit_price": 1}]}))
                .to_string(),
            422,
            "VALIDATION_FAILED",
            Some("items[0].product_id"),
        ),
        (r#"{"customer_name":"a","customer_name":"b"}"#.into(), 422, "VALIDATION_FAILED", None),
    ];
    for (body, status, code, field) in cases {
        let a = app.raw(Method::POST, "/api/v1/orders", "application/json", body.clone().into_bytes()).await;
        assert!(a.status.is_client_error(), "{body} -> {} {}", a.status, a.body);
        a.assert_problem(status, code);
        if let Some(f) = field {
            assert!(a.field_errors().iter().any(|e| e == f), "{body}: expected a field error on {f}, got {}", a.body);
        }
    }
    // 101 items.
    let many: Vec<_> = (0..101).map(|_| item.clone()).collect();
    app.post("/api/v1/orders", good(json!({"items": many}))).await.assert_problem(422, "VALIDATION_FAILED");
    // Huge body (over the 1 MiB limit), wrong content type.
    let huge = format!("{{\"customer_name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    app.raw(Method::POST, "/api/v1/orders", "application/json", huge.into_bytes())
        .await
        .assert_problem(413, "PAYLOAD_TOO_LARGE");
    app.raw(Method::POST, "/api/v1/orders", "text/plain", b"{}".to_vec())
        .await
        .assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    // Invalid UTF-8.
    app.raw(Method::POST, "/api/v1/orders", "application/json", vec![b'{', 0xff, 0xfe, b'}'])
        .await
        .assert_problem(400, "MALFORMED_REQUEST");

    // Nothing was stored, and the platform still works.
    let list = app.get("/api/v1/orders").await;
    assert_eq!(list.body["orders"], json!([]), "{}", list.body);
    app.paid_order(500).await;
    app.stop().await;
}

#[tokio::test]
async fn garbage_ids_and_unknown_resources_are_404() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/orders/abc",
        "/api/v1/orders/-1",
        "/api/v1/orders/0",
        "/api/v1/orders/99999999999999999999999",
        "/api/v1/orders/1.5",
        "/api/v1/orders/%F0%9F%8D%B5",
        "/api/v1/orders/123456",
        "/api/v1/payments/order/abc",
        "/api/v1/payments/order/123456",
        "/api/v1/payments/123456",
    ] {
        app.get(path).await.assert_problem(404, "NOT_FOUND");
    }
    app.delete("/api/v1/orders/xyz").await.assert_problem(404, "NOT_FOUND");
    app.delete("/api/v1/orders/123456").await.assert_problem(404, "NOT_FOUND");
    app.put("/api/v1/orders/123456/status", json!({"status": "shipped"})).await.assert_problem(404, "NOT_FOUND");
    app.put("/api/v1/orders/1/status", json!({"status": 5})).await.assert_problem(422, "VALIDATION_FAILED");
    app.put("/api/v1/orders/1/status", json!({})).await.assert_problem(422, "VALIDATION_FAILED");
    app.post("/api/v1/payments", json!({"order_id": "one", "amount": 100}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    app.post("/api/v1/payments", json!({"order_id": 0, "amount": 100})).await.assert_problem(422, "VALIDATION_FAILED");
    app.post("/api/v1/payments/refund", json!({"amount": 5})).await.assert_problem(422, "VALIDATION_FAILED");
    assert!(app.get("/api/v1/orders?limit=%ZZ&status=%").await.status.is_client_error());
    let r = app.get("/readyz").await;
    assert_eq!(r.status, 200, "still ready: {}", r.body);
    app.stop().await;
}

/// A missing required field is a 422 that names it, never a default; so is
/// a query parameter of the wrong type. (field, code) of the first error.
#[tokio::test]
async fn missing_fields_and_bad_parameters_are_named() {
    let app = spawn_app().await;
    let order =
        |item: serde_json::Value| json!({"customer_name": "a", "customer_email": "a@example.jp", "items": [item]});
    let body_cases: Vec<(&str, serde_json::Value, &str, &str)> = vec![
        (
            "/api/v1/orders",
            order(json!({"product_id": "P", "product_name": "x", "quantity": 1})),
            "items[0].unit_price",
            "required",
        ),
        (
            "/api/v1/orders",
            order(json!({"product_id": "P", "product_name": "x", "unit_price": 1})),
            "items[0].quantity",
            "required",
        ),
        (
            "/api/v1/orders",
            order(json!({"product_name": "x", "quantity": 1, "unit_price": 1})),
            "items[0].product_id",
            "required",
        ),
        ("/api/v1/orders", json!({"customer_name": "a", "items": []}), "customer_email", "required"),
        ("/api/v1/orders", json!({"customer_name": "a", "customer_email": "a@example.jp"}), "items", "required"),
        (
            "/api/v1/orders",
            order(json!({"product_id": "P", "product_name": "x", "quantity": "1", "unit_price": 1})),
            "items[0].quantity",
            "invalid_type",
        ),
        (
            "/api/v1/orders",
            order(json!({"product_id": "P", "product_name": "x", "quantity": 10_001, "unit_price": 1})),
            "items[0].quantity",
            "out_of_range",
        ),
        (
            "/api/v1/orders",
            order(json!({"product_id": "P", "product_name": "x", "quantity": 1, "unit_price": 100_000_001})),
            "items[0].unit_price",
            "out_of_range",
        ),
        ("/api/v1/payments", json!({"order_id": 1, "currency": "JPY"}), "amount", "required"),
        ("/api/v1/payments", json!({"order_id": 1, "amount": 500, "currency": "EUR"}), "currency", "invalid_value"),
        (
            "/api/v1/orders/1/webhook",
            json!({"payment_id": 1, "status": "completed", "event_id": "e"}),
            "amount",
            "required",
        ),
        (
            "/api/v1/orders/1/webhook",
            json!({"payment_id": 1, "status": "lost", "amount": 1, "event_id": "e"}),
            "status",
            "invalid_value",
        ),
        (
            "/api/v1/notifications/email",
            json!({"order_id": 1, "recipient": "a@example.jp", "template": "ORDER_SHIPPED"}),
            "variables",
            "required",
        ),
        ("/api/v1/payments/refund", json!({"amount": 5}), "payment_id", "required"),
    ];
    for (i, (path, body, field, code)) in body_cases.into_iter().enumerate() {
        let a = match path.strip_suffix("/webhook").and_then(|p| p.rsplit('/').next()) {
            Some(order) => {
                let order: i64 = order.parse().expect("order id");
                app.signed_webhook(order, &body, &format!("msg-bad-{i}")).await
            }
            None => app.post(path, body.clone()).await,
        };
        a.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(a.body["errors"][0]["field"], field, "{path} {body}: {}", a.body);
        assert_eq!(a.body["errors"][0]["code"], code, "{path} {body}: {}", a.body);
    }
    // The range of a field comes with its error, for the client to word.
    let a = app
        .post("/api/v1/orders", order(json!({"product_id": "P", "product_name": "x", "quantity": 0, "unit_price": 1})))
        .await;
    assert_eq!((a.body["errors"][0]["min"].as_i64(), a.body["errors"][0]["max"].as_i64()), (Some(1), Some(10_000)));

    // Not valid UTF-8 inside a string is malformed JSON (RFC 8259): 400.
    let mut bytes = br#"{"customer_name":""#.to_vec();
    bytes.extend([0xe3, 0x81]); // half of "あ"
    bytes.extend(br#"","customer_email":"a@example.jp","items":[]}"#);
    app.raw(Method::POST, "/api/v1/orders", "application/json", bytes).await.assert_problem(400, "MALFORMED_REQUEST");

    for (path, param, code) in [
        ("/api/v1/orders?limit=abc", "limit", "invalid_type"),
        ("/api/v1/orders?limit=0", "limit", "out_of_range"),
        ("/api/v1/orders?limit=201", "limit", "out_of_range"),
        ("/api/v1/orders?limit=-1", "limit", "invalid_type"),
        ("/api/v1/orders?status=lost", "status", "invalid_value"),
        ("/api/v1/orders?order=sideways", "order", "invalid_value"),
        ("/api/v1/orders/stats?tz_offset_minutes=east", "tz_offset_minutes", "invalid_type"),
        ("/api/v1/orders/stats?tz_offset_minutes=900", "tz_offset_minutes", "out_of_range"),
        ("/api/v1/orders/imports?limit=101", "limit", "out_of_range"),
        ("/api/v1/orders/imports/x/errors?format=xml", "format", "invalid_value"),
    ] {
        let a = app.get(path).await;
        a.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(a.body["errors"][0]["field"], param, "{path}: {}", a.body);
        assert_eq!(a.body["errors"][0]["code"], code, "{path}: {}", a.body);
    }
    let a = app.raw(Method::POST, "/api/v1/orders/imports?dry_run=maybe", "text/csv", b"x".to_vec()).await;
    a.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(a.body["errors"][0]["field"], "dry_run", "{}", a.body);
    let a = app.raw(Method::POST, "/api/v1/orders/imports?encoding=latin1", "text/csv", b"x".to_vec()).await;
    assert_eq!(a.body["errors"][0]["field"], "encoding", "{}", a.body);
    // A blank text filter is absent; a blank typed parameter is not a value.
    assert_eq!(app.get("/api/v1/orders?customer_email=&batch_id=").await.status, 200);
    app.get("/api/v1/orders?limit=").await.assert_problem(422, "VALIDATION_FAILED");
    app.get("/api/v1/orders?cursor=").await.assert_problem(422, "VALIDATION_FAILED");
    // Nothing was stored.
    assert_eq!(app.get("/api/v1/orders").await.body["orders"], json!([]));
    app.stop().await;
}
