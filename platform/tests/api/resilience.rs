//! Slow and stopped services, deadlines, hang-ups and restarts: the stored
//! order is never lost and never left in limbo.

use std::time::Duration;

use ec_proto::order::v1::{CreateOrderRequest, NewOrderItem, order_service_client::OrderServiceClient};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn slow_payment_is_a_504_and_the_kept_order_is_settled() {
    let app = spawn_with(|c| {
        c.payment.processing_delay_ms = 1_500;
        c.deadlines.payment_timeout_ms = 300;
    })
    .await;
    let a = app.post("/api/v1/orders", order_body(1000)).await;
    a.assert_problem(504, "DEADLINE_EXCEEDED");
    let id = a.body["order_id"].as_i64().expect("the kept order is named");
    let kept = app.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(kept.body["status"], "payment_processing", "{}", kept.body);
    // The payment service saw the deadline pass and took nothing, so the
    // reconciler settles the order as payment_failed.
    app.eventually(&format!("/api/v1/orders/{id}"), "stuck order reconciled", |o| o["status"] == "payment_failed")
        .await;
    app.get(&format!("/api/v1/payments/order/{id}")).await.assert_problem(404, "NOT_FOUND");
    app.stop().await;
}

#[tokio::test]
async fn deadline_propagates_to_onward_calls() {
    // The order service would give the payment 3 s, enough for its 1.5 s; the
    // caller allows 400 ms. If that deadline reached the payment call, the
    // payment is never taken and the order ends payment_failed; if it did
    // not, the payment goes through and the order ends paid.
    let app = spawn_with(|c| {
        c.payment.processing_delay_ms = 1_500;
        c.deadlines.payment_timeout_ms = 3_000;
    })
    .await;
    let mut client = OrderServiceClient::connect(app.grpc_url("order")).await.expect("connect");
    let mut req = tonic::Request::new(CreateOrderRequest {
        customer_name: "締切 太郎".into(),
        customer_email: "deadline@example.jp".into(),
        items: vec![NewOrderItem {
            product_id: "P".into(),
            product_name: "x".into(),
            quantity: Some(1),
            unit_price: Some(700),
        }],
        ..Default::default()
    });
    req.set_timeout(Duration::from_millis(400));
    let err = client.create_order(req).await.expect_err("must time out");
    assert!(ec_common::error::is_timeout(&err), "{err:?}");
    let list = app
        .eventually("/api/v1/orders", "order stored", |b| b["orders"].as_array().is_some_and(|o| o.len() == 1))
        .await;
    let id = list["orders"][0]["id"].as_i64().expect("id");
    let settled =
        app.eventually(&format!("/api/v1/orders/{id}"), "order settled", |o| o["status"] != "payment_processing").await;
    assert_eq!(settled["status"], "payment_failed", "the payment outlived its caller's deadline");
    app.stop().await;
}

#[tokio::test]
async fn a_client_hanging_up_does_not_leave_half_an_order() {
    let app = spawn_with(|c| c.payment.processing_delay_ms = 300).await;
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(50)).build().expect("client");
    let r = impatient
        .post(format!("{}/api/v1/orders", app.base))
        .bearer_auth(ADMIN_KEY)
        .json(&order_body(900))
        .send()
        .await;
    assert!(r.is_err(), "the client gave up first");
    let list = app.eventually("/api/v1/orders", "the flow finished", |b| b["orders"][0]["status"] == "paid").await;
    let id = list["orders"][0]["id"].as_i64().expect("id");
    assert_eq!(app.get(&format!("/api/v1/payments/order/{id}")).await.status, 200);
    app.eventually(&format!("/api/v1/notifications/order/{id}"), "confirmation queued", |b| {
        b[0]["template"] == "ORDER_CONFIRMATION"
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn restart_on_the_same_data_keeps_everything() {
    let app = spawn_app().await;
    let a = app.paid_order(1000).await["id"].as_i64().expect("id");
    let b = app.paid_order(2000).await["id"].as_i64().expect("id");
    app.delete(&format!("/api/v1/orders/{b}")).await;
    app.put("/api/v1/notifications/templates/ORDER_SHIPPED", json!({"subject": "S {{order_id}}", "body": "B"})).await;
    let before = app.get("/api/v1/orders").await.body;
    let dir = app.stop().await;

    let app = spawn_in(dir, |_| {}).await;
    assert_eq!(app.get("/api/v1/orders").await.body, before);
    assert_eq!(app.get(&format!("/api/v1/payments/order/{b}")).await.body["status"], "refunded");
    let templates = app.get("/api/v1/notifications/templates").await.body;
    assert!(templates.as_array().expect("list").iter().any(|t| t["subject"] == "S {{order_id}}"));
    let c = app.paid_order(3000).await["id"].as_i64().expect("id");
    assert!(c > a && c > b, "ids keep growing after a restart");
    app.eventually(&format!("/api/v1/notifications/order/{b}"), "mails kept", |n| {
        n.as_array().is_some_and(|a| a.len() == 2)
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_stopped_payment_service_is_a_503_and_nothing_is_lost() {
    let mut s = split(|o| o.deadlines.payment_timeout_ms = 1_000).await;
    let app = s.client();
    app.paid_order(1000).await;

    s.stop_payment().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body["services"]["payment"], "unreachable");

    let a = app.post("/api/v1/orders", order_body(2000)).await;
    a.assert_problem(503, "UNAVAILABLE");
    let id = a.body["order_id"].as_i64().expect("kept order named");
    assert_eq!(app.get(&format!("/api/v1/orders/{id}")).await.body["status"], "payment_processing");
    // Reads that need the payment service say so; the others still work.
    app.get("/api/v1/payments/order/1").await.assert_problem(503, "UNAVAILABLE");
    assert_eq!(app.get("/api/v1/orders").await.status, 200);

    // Back up on the same address and data: the stuck order is settled and
    // new orders are paid again.
    let (stop, _task) = s.restart_payment().await;
    app.eventually(&format!("/api/v1/orders/{id}"), "stuck order settled", |o| o["status"] == "payment_failed").await;
    app.paid_order(3000).await;
    stop.trigger();
    s.stop();
}
