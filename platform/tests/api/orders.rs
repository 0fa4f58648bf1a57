//! Orders: listing, filters, pagination, idempotency, stats, text round trips.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn list_pages_newest_first_and_filters() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = order_body(1000 + i);
        if i % 2 == 0 {
            body["customer_email"] = json!("even@example.jp");
        }
        let a = app.post("/api/v1/orders", body).await;
        ids.push(a.body["id"].as_i64().expect("id"));
    }
    app.post("/api/v1/orders", order_body(5_000_000)).await.assert_problem(422, "PAYMENT_REJECTED");

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page_of = if cursor.is_empty() { String::new() } else { format!("&cursor={cursor}") };
        let a = app.get(&format!("/api/v1/orders?limit=2{page_of}")).await;
        assert_eq!(a.status, 200, "{}", a.body);
        let page = a.body["orders"].as_array().expect("orders");
        assert!(page.len() <= 2);
        seen.extend(page.iter().map(|o| o["id"].as_i64().expect("id")));
        match a.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first");

    let oldest = app.get("/api/v1/orders?order=asc&limit=3").await;
    let first_ids: Vec<_> =
        oldest.body["orders"].as_array().expect("orders").iter().map(|o| o["id"].as_i64()).collect();
    assert_eq!(first_ids, [Some(ids[0]), Some(ids[1]), Some(ids[2])]);
    let rest = app
        .get(&format!("/api/v1/orders?order=asc&cursor={}", oldest.body["next_cursor"].as_str().expect("cursor")))
        .await;
    assert_eq!(rest.body["orders"][0]["id"], ids[3]);
    app.get("/api/v1/orders?order=sideways").await.assert_problem(422, "VALIDATION_FAILED");
    let even = app.get("/api/v1/orders?customer_email=even@example.jp").await;
    assert_eq!(even.body["orders"].as_array().map(Vec::len), Some(3));
    let failed = app.get("/api/v1/orders?status=payment_failed").await;
    assert_eq!(failed.body["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(failed.body["next_cursor"], json!(null));
    let none = app.get("/api/v1/orders?batch_id=nope").await;
    assert_eq!(none.body["orders"], json!([]));
    app.get("/api/v1/orders?status=lost").await.assert_problem(422, "VALIDATION_FAILED");
    app.get("/api/v1/orders?limit=0").await.assert_problem(422, "VALIDATION_FAILED");
    app.get("/api/v1/orders?limit=201").await.assert_problem(422, "VALIDATION_FAILED");
    app.get("/api/v1/orders?cursor=zzz").await.assert_problem(422, "VALIDATION_FAILED");
    app.stop().await;
}

#[tokio::test]
async fn idempotency_key_replays_and_refuses_a_different_body() {
    let app = spawn_app().await;
    let send = |body: serde_json::Value, key: &str| {
        let req = app.http.post(format!("{}/api/v1/orders", app.base)).header("Idempotency-Key", key).json(&body);
        async move { req.send().await.expect("sent") }
    };
    let first = send(order_body(2000), "key-1").await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.expect("json");
    let again = send(order_body(2000), "key-1").await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: serde_json::Value = again.json().await.expect("json");
    assert_eq!(again["id"], first["id"]);

    let other = send(order_body(3000), "key-1").await;
    assert_eq!(other.status(), 409);
    let other: serde_json::Value = other.json().await.expect("json");
    assert_eq!(other["code"], "IDEMPOTENCY_CONFLICT");

    // Concurrent retries of one request make one order and one payment.
    let racers: Vec<_> = (0..8).map(|_| send(order_body(2500), "key-race")).collect();
    let mut ids = HashSet::new();
    for r in futures::future::join_all(racers).await {
        let status = r.status().as_u16();
        let body: serde_json::Value = r.json().await.expect("json");
        assert!(status == 201 || status == 409, "{status} {body}");
        if status == 201 {
            ids.insert(body["id"].as_i64().expect("id"));
        }
    }
    assert_eq!(ids.len(), 1, "one order for one key: {ids:?}");
    let all = app.get("/api/v1/orders?limit=200").await;
    assert_eq!(all.body["orders"].as_array().map(Vec::len), Some(2));

    // Keys the OpenAPI document refuses are refused, and make nothing: a tab
    // inside, or more than 200 characters. (Spaces around a header value are
    // not part of it in HTTP: the server never sees them.)
    let long = "k".repeat(201);
    for bad in ["a\tb", long.as_str()] {
        let r = send(order_body(2000), bad).await;
        assert_eq!(r.status(), 422, "{bad:?}");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], "Idempotency-Key", "{body}");
    }
    let all = app.get("/api/v1/orders?limit=200").await;
    assert_eq!(all.body["orders"].as_array().map(Vec::len), Some(2), "nothing made by refused keys");
    app.stop().await;
}

#[tokio::test]
async fn japanese_text_and_emoji_round_trip() {
    let app = spawn_app().await;
    let body = json!({
        "customer_name": "髙橋 𠮷子 👩‍💻",
        "customer_email": "yoshiko@例え.jp",
        "shipping_address": "〒100-0001 東京都千代田区千代田１−１ 🏯",
        "items": [
            {"product_id": "抹茶-01", "product_name": "宇治抹茶 🍵 (特選)", "quantity": 3, "unit_price": 1200},
            {"product_id": "P-2", "product_name": "どら焼き", "quantity": 1, "unit_price": 250}
        ]
    });
    let a = app.post("/api/v1/orders", body.clone()).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["total_amount"], 3850);
    let stored = app.get(&format!("/api/v1/orders/{}", a.body["id"])).await;
    for key in ["customer_name", "customer_email", "shipping_address"] {
        assert_eq!(stored.body[key], body[key], "{key}");
    }
    assert_eq!(stored.body["items"][0]["product_name"], "宇治抹茶 🍵 (特選)");
    assert_eq!(stored.body["items"][0]["product_id"], "抹茶-01");
    assert_eq!(stored.body["items"][0]["subtotal"], 3600);
    app.stop().await;
}

#[tokio::test]
async fn stats_count_statuses_and_revenue() {
    let app = spawn_app().await;
    app.paid_order(1000).await;
    let id = app.paid_order(2000).await["id"].as_i64().expect("id");
    app.delete(&format!("/api/v1/orders/{id}")).await;
    app.post("/api/v1/orders", order_body(2_000_000)).await;
    let s = app.get("/api/v1/orders/stats?tz_offset_minutes=540").await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.body["by_status"]["paid"], 1);
    assert_eq!(s.body["by_status"]["cancelled"], 1);
    assert_eq!(s.body["by_status"]["payment_failed"], 1);
    assert_eq!(s.body["by_status"]["shipped"], 0);
    assert_eq!(s.body["total_orders"], 3);
    assert_eq!(s.body["revenue_today"], 1000);
    assert_eq!(s.body["revenue_by_day"].as_array().map(Vec::len), Some(7));
    app.get("/api/v1/orders/stats?tz_offset_minutes=abc").await.assert_problem(422, "VALIDATION_FAILED");
    app.get("/api/v1/orders/stats?tz_offset_minutes=9999").await.assert_problem(422, "VALIDATION_FAILED");
    app.stop().await;
}

#[tokio::test]
async fn health_openapi_and_unknown_routes() {
    let app = spawn_app().await;
    let h = app.get("/healthz").await;
    assert_eq!(h.status, 200);
    let r = app.get("/readyz").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "ready");
    let doc = app.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    let paths = doc.body["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/orders",
        "/api/v1/orders/{id}",
        "/api/v1/orders/{id}/status",
        "/api/v1/orders/{id}/webhook",
        "/api/v1/payments",
        "/api/v1/payments/refund",
        "/api/v1/payments/order/{order_id}",
        "/api/v1/notifications/email",
        "/api/v1/notifications/sms",
        "/api/v1/notifications/order/{order_id}",
        "/api/v1/notifications/templates",
        "/api/v1/notifications/templates/{code}",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    app.get("/api/v1/nothing-here").await.assert_problem(404, "NOT_FOUND");
    app.call(Method::PATCH, "/api/v1/orders", None).await.assert_problem(405, "METHOD_NOT_ALLOWED");
    app.stop().await;
}
