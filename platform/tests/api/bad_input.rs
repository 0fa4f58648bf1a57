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
