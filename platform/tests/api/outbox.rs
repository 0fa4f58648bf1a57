//! The outboxes seen and handled through the gateway: an owed refund that
//! runs out of attempts while the payment service is down is dead-lettered,
//! listed with its error, sent again by an operator once the service is
//! back, and refunds exactly once; the order's timeline tells the story.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

fn entries<'a>(timeline: &'a Value, kind: &str) -> Vec<&'a Value> {
    timeline["events"].as_array().expect("events").iter().filter(|e| e["kind"] == kind).collect()
}

#[tokio::test]
async fn a_dead_lettered_refund_is_listed_retried_by_an_operator_and_refunds_once() {
    let mut split = split(|c| {
        c.deadlines.payment_timeout_ms = 500;
        c.delivery.outbox_max_attempts = 1;
    })
    .await;
    let app = split.client();
    let order = app.paid_order(1200).await;
    let id = order["id"].as_i64().expect("id");

    // Cancel while the payment service is down: the cancel is kept, the
    // refund is owed in the order service's outbox and, with one attempt
    // allowed, dead-lettered.
    split.stop_payment().await;
    let cancel = app.delete(&format!("/api/v1/orders/{id}")).await;
    assert!(cancel.status.is_server_error(), "the refund could not be made: {} {}", cancel.status, cancel.body);
    assert_eq!(app.get(&format!("/api/v1/orders/{id}")).await.body["status"], "cancelled");
    let dead = app
        .eventually("/api/v1/outbox/order/events?status=dead", "the owed refund is dead-lettered", |b| {
            b["events"].as_array().is_some_and(|e| e.iter().any(|e| e["order_id"] == id))
        })
        .await;
    let event = dead["events"].as_array().expect("events").iter().find(|e| e["order_id"] == id).expect("event").clone();
    assert_eq!(event["service"], "order");
    assert_eq!(event["topic"], "order.refund");
    assert_eq!(event["status"], "dead");
    assert_eq!(event["attempts"], 1);
    assert!(event["last_error"].as_str().is_some_and(|e| !e.is_empty()), "the error is kept: {event}");
    assert_eq!(event["delivery_attempts"][0]["outcome"], "failed", "{event}");
    assert_eq!(event["next_attempt_at"], Value::Null, "a dead event is not tried again by itself: {event}");
    let eid = event["id"].as_i64().expect("event id");
    // Still dead while the service is down; nothing else of this order is.
    let pending = app.get(&format!("/api/v1/outbox/order/events?status=pending&order_id={id}")).await;
    assert_eq!(pending.body["events"], json!([]), "{}", pending.body);

    // Back up: an operator sends it again; it is delivered and refunds once.
    split.restart_payment().await;
    let retried = app.post(&format!("/api/v1/outbox/order/events/{eid}/retry"), json!({})).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body["status"], "pending");
    let path = format!("/api/v1/outbox/order/events?order_id={id}");
    let delivered =
        app.eventually(&path, "the retried refund is delivered", |b| b["events"][0]["status"] == "delivered").await;
    let outcomes: Vec<&Value> =
        delivered["events"][0]["delivery_attempts"].as_array().expect("log").iter().map(|a| &a["outcome"]).collect();
    assert_eq!(outcomes, [&json!("failed"), &json!("sent")], "{delivered}");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    assert_eq!(payment["status"], "refunded", "{payment}");
    assert_eq!(payment["refunds"].as_array().map(Vec::len), Some(1), "refunded exactly once: {payment}");

    // Only a dead event can be retried; unknown ones and services are 404.
    app.post(&format!("/api/v1/outbox/order/events/{eid}/retry"), json!({}))
        .await
        .assert_problem(409, "NOT_DEAD_LETTERED");
    app.post("/api/v1/outbox/order/events/999999/retry", json!({})).await.assert_problem(404, "NOT_FOUND");
    app.post("/api/v1/outbox/order/events/abc/retry", json!({})).await.assert_problem(404, "NOT_FOUND");
    app.get("/api/v1/outbox/shipping/events").await.assert_problem(404, "NOT_FOUND");
    for query in ["status=lost", "order_id=0", "limit=0", "limit=201", "cursor=x"] {
        let bad = app.get(&format!("/api/v1/outbox/order/events?{query}")).await;
        assert_eq!(bad.status, 422, "{query}: {}", bad.body);
    }
    assert_eq!(app.post("/api/v1/outbox/order/retry-dead", json!({})).await.body["requeued"], 0);

    // The timeline has the whole story, oldest first.
    let t = app.get(&format!("/api/v1/orders/{id}/timeline")).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!(t.body["unavailable"], json!([]));
    let statuses: Vec<&str> = entries(&t.body, "status_changed").iter().filter_map(|e| e["summary"].as_str()).collect();
    assert_eq!(statuses, ["status pending", "status payment_processing", "status paid", "status cancelled"]);
    assert_eq!(entries(&t.body, "status_changed")[3]["actor"], ADMIN_ACTOR);
    assert_eq!(entries(&t.body, "payment_completed").len(), 1);
    assert_eq!(entries(&t.body, "refunded").len(), 1);
    assert_eq!(entries(&t.body, "refunded")[0]["actor"], "service:order-service", "{}", t.body);
    let owed = entries(&t.body, "event_written");
    let by = |topic: &str| owed.iter().find(|e| e["summary"].as_str().is_some_and(|s| s.starts_with(topic)));
    assert_eq!(by("order.refund").expect("the owed refund")["source"], "order", "{}", t.body);
    assert_eq!(by("payment.event").expect("the payment's event")["source"], "payment", "{}", t.body);
    assert!(entries(&t.body, "event_attempt").len() >= 3, "payment event + 2 refund attempts: {}", t.body);
    let calls: Vec<&str> = entries(&t.body, "api_call").iter().filter_map(|e| e["summary"].as_str()).collect();
    assert!(calls.iter().any(|c| c.starts_with("POST /api/v1/orders → 201")), "{calls:?}");
    assert!(calls.iter().any(|c| c.starts_with("DELETE /api/v1/orders/{id} → 5")), "{calls:?}");
    let times: Vec<&str> =
        t.body["events"].as_array().expect("events").iter().filter_map(|e| e["at"].as_str()).collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> = times.iter().map(|t| t.parse().expect("time")).collect();
    assert!(parsed.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");

    // With the payment service down, the timeline is partial, not an error.
    split.stop_payment().await;
    let partial = app.call(Method::GET, &format!("/api/v1/orders/{id}/timeline"), None).await;
    assert_eq!(partial.status, 200, "{}", partial.body);
    assert_eq!(partial.body["unavailable"], json!(["payment"]), "{}", partial.body);
    assert!(!entries(&partial.body, "status_changed").is_empty());
    app.get("/api/v1/orders/999999/timeline").await.assert_problem(404, "NOT_FOUND");
    split.stop();
}
