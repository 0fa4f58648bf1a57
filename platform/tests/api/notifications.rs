//! Notifications through the gateway: email, SMS, templates, delivery.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn email_and_sms_are_rendered_queued_and_delivered_in_order() {
    let app = spawn_app().await;
    let vars = json!({"customer_name": "佐藤 花子", "order_id": 12, "total_amount": 4800});
    let mail = app
        .post(
            "/api/v1/notifications/email",
            json!({"order_id": 12, "recipient": "hanako@example.jp", "template": "ORDER_SHIPPED", "variables": vars}),
        )
        .await;
    assert_eq!(mail.status, 201, "{}", mail.body);
    assert_eq!(mail.body["channel"], "email");
    assert_eq!(mail.body["status"], "queued");
    assert!(mail.body["subject"].as_str().expect("subject").contains("12"));
    let sms = app
        .post(
            "/api/v1/notifications/sms",
            json!({"order_id": 12, "recipient": "+81 90-1234-5678", "template": "ORDER_SHIPPED", "variables": vars}),
        )
        .await;
    assert_eq!(sms.status, 201, "{}", sms.body);
    assert_eq!(sms.body["channel"], "sms");
    assert_eq!(sms.body["subject"], "");
    assert!(sms.body["body"].as_str().expect("body").contains("佐藤 花子"));

    let log = app
        .eventually("/api/v1/notifications/order/12", "both delivered", |b| {
            b.as_array().is_some_and(|a| a.len() == 2 && a.iter().all(|n| n["status"] == "sent"))
        })
        .await;
    assert_eq!(log[0]["id"], mail.body["id"]);
    assert_eq!(log[1]["id"], sms.body["id"]);
    assert!(log[0]["sent_at"].is_string());
    assert_eq!(app.get("/api/v1/notifications/order/999").await.body, json!([]));

    let stats = app.get("/api/v1/notifications/stats").await;
    assert_eq!(stats.body["sent"], 2, "{}", stats.body);
    assert_eq!(stats.body["rate_per_second"], 10.0);
    app.stop().await;
}

#[tokio::test]
async fn template_errors_are_422() {
    let app = spawn_app().await;
    let base = json!({"order_id": 1, "recipient": "a@example.jp", "template": "ORDER_CONFIRMATION", "variables": {"customer_name": "x", "order_id": 1, "total_amount": 5}});
    let mut unknown = base.clone();
    unknown["template"] = json!("NO_SUCH_TEMPLATE");
    app.post("/api/v1/notifications/email", unknown).await.assert_problem(422, "UNKNOWN_TEMPLATE");
    let mut missing = base.clone();
    missing["variables"] = json!({"customer_name": "x"});
    let m = app.post("/api/v1/notifications/email", missing).await;
    m.assert_problem(422, "MISSING_VARIABLE");
    assert_eq!(m.field_errors(), ["variables.order_id", "variables.total_amount"]);
    let mut nested = base.clone();
    nested["variables"]["order_id"] = json!({"deep": 1});
    app.post("/api/v1/notifications/email", nested).await.assert_problem(422, "VALIDATION_FAILED");
    let mut bad_to = base.clone();
    bad_to["recipient"] = json!("not an address");
    app.post("/api/v1/notifications/email", bad_to).await.assert_problem(422, "VALIDATION_FAILED");
    let mut bad_phone = base.clone();
    bad_phone["recipient"] = json!("call me");
    app.post("/api/v1/notifications/sms", bad_phone).await.assert_problem(422, "VALIDATION_FAILED");
    app.stop().await;
}

#[tokio::test]
async fn templates_are_seeded_and_editable() {
    let app = spawn_app().await;
    let list = app.get("/api/v1/notifications/templates").await;
    let codes: Vec<_> =
        list.body.as_array().expect("list").iter().map(|t| t["code"].as_str().unwrap_or_default().to_owned()).collect();
    for code in ["ORDER_CANCELLED", "ORDER_CONFIRMATION", "ORDER_SHIPPED"] {
        assert!(codes.iter().any(|c| c == code), "{code} seeded: {codes:?}");
    }
    let put = app
        .put(
            "/api/v1/notifications/templates/ORDER_SHIPPED",
            json!({"subject": "発送: {{order_id}}", "body": "{{customer_name}} 様、発送しました 📦"}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["variables"], json!(["customer_name", "order_id"]));
    let id = app.paid_order(1000).await["id"].as_i64().expect("id");
    app.put(&format!("/api/v1/orders/{id}/status"), json!({"status": "shipped"})).await;
    let log = app
        .eventually(&format!("/api/v1/notifications/order/{id}"), "shipped mail", |b| {
            b.as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
    assert_eq!(log[1]["subject"], format!("発送: {id}"));
    assert_eq!(log[1]["body"], "山田 太郎 様、発送しました 📦");

    app.put("/api/v1/notifications/templates/ORDER_SHIPPED", json!({"subject": "x", "body": "{{unclosed"}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    app.put("/api/v1/notifications/templates/bad-code", json!({"subject": "x", "body": "y"}))
        .await
        .assert_problem(404, "NOT_FOUND");
    app.put("/api/v1/notifications/templates/NEW_TEMPLATE", json!({"subject": "x", "body": "y"}))
        .await
        .assert_problem(404, "NOT_FOUND");
    app.put("/api/v1/notifications/templates/ORDER_SHIPPED", json!({"subject": "x", "body": ""}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    app.stop().await;
}

#[tokio::test]
async fn delivery_never_exceeds_the_configured_rate() {
    // 40 notifications at 20/s with a burst of 5: at least (40 - 5) / 20 s
    // must pass between the first and the last delivery. (A lower bound is a
    // correctness property; how fast the machine is does not matter.)
    let app = spawn_with(|c| {
        c.notification.rate_per_sec = 20.0;
        c.notification.burst = 5;
    })
    .await;
    let vars = json!({"customer_name": "x", "order_id": 1, "total_amount": 1});
    for _ in 0..40 {
        let a = app.post("/api/v1/notifications/email", json!({"order_id": 5, "recipient": "a@example.jp", "template": "ORDER_CONFIRMATION", "variables": vars})).await;
        assert_eq!(a.status, 201);
    }
    let log = app
        .eventually("/api/v1/notifications/order/5", "all 40 sent", |b| {
            b.as_array().is_some_and(|a| a.len() == 40 && a.iter().all(|n| n["status"] == "sent"))
        })
        .await;
    let times: Vec<chrono::DateTime<chrono::Utc>> = log
        .as_array()
        .expect("list")
        .iter()
        .map(|n| n["sent_at"].as_str().expect("sent_at").parse().expect("time"))
        .collect();
    let span = (*times.last().expect("last") - times[0]).num_milliseconds();
    assert!(span >= 1_700, "40 deliveries at 20/s (burst 5) took only {span} ms");
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "delivered in queue order");
    app.stop().await;
}
