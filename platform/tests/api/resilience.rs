//! Slow and stopped services, deadlines, hang-ups and restarts: the stored
//! order is never lost and never left in limbo.

use std::time::Duration;

use ec_proto::order::v1::{CreateOrderRequest, NewOrderItem, order_service_client::OrderServiceClient};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn slow_payment_is_a_504_and_nothing_is_charged_past_the_deadline() {
    // The payment service always outlasts the deadline: the client gets a
    // 504 naming the kept order, and the late payment is never taken (the
    // payment service checks the deadline before it stores).
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
    // Long enough for the late payment to have been stored, had it been.
    tokio::time::sleep(Duration::from_millis(1_800)).await;
    app.get(&format!("/api/v1/payments/order/{id}")).await.assert_problem(404, "NOT_FOUND");
    assert_eq!(app.get(&format!("/api/v1/orders/{id}")).await.body["status"], "payment_processing");
    app.stop().await;
}

#[tokio::test]
async fn deadline_propagates_to_onward_calls() {
    // The order service would give the payment 3 s, enough for its 1.5 s; the
    // caller allows 400 ms. If that deadline reaches the payment call, the
    // caller's payment is never taken, and the reconciler pays the kept
    // order later (its payment then names the reconciler); if it did not,
    // the caller's own flow pays it.
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
    assert_eq!(settled["status"], "paid", "{settled}");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    assert_eq!(payment["requested_by"], "system:reconciler", "the caller's payment outlived its deadline: {payment}");
    let last = settled["status_history"].as_array().and_then(|h| h.last()).expect("history");
    assert_eq!(last["actor"], "system:reconciler");
    app.stop().await;
}

#[tokio::test]
async fn a_client_hanging_up_does_not_leave_half_an_order() {
    // The payment takes long enough for the client to hang up while it is
    // being made: after the order is stored, before the answer.
    let app = spawn_with(|c| c.payment.processing_delay_ms = 3000).await;
    let (url, http) = (format!("{}/api/v1/orders", app.base), client_with_key(ADMIN_KEY));
    let request = tokio::spawn(async move { http.post(url).json(&order_body(900)).send().await });
    app.eventually("/api/v1/orders", "the order is stored and being paid", |b| {
        b["orders"][0]["status"] == "payment_processing"
    })
    .await;
    request.abort();
    assert!(request.await.is_err_and(|e| e.is_cancelled()), "the client hung up before the answer");
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
async fn a_stopped_payment_service_is_a_503_and_the_kept_order_is_paid_once_it_is_back() {
    let mut s = split(|o| o.deadlines.payment_timeout_ms = 1_000).await;
    let app = s.client();
    app.paid_order(1000).await;

    s.stop_payment().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body["services"]["payment"], "unreachable");

    // Down for longer than the payment deadline: the create flow retried
    // until its deadline, then answered 503 naming the kept order.
    let a = app.post("/api/v1/orders", order_body(2000)).await;
    a.assert_problem(503, "UNAVAILABLE");
    let id = a.body["order_id"].as_i64().expect("kept order named");
    assert_eq!(app.get(&format!("/api/v1/orders/{id}")).await.body["status"], "payment_processing");
    // Reads that need the payment service say so; the others still work.
    app.get("/api/v1/payments/order/1").await.assert_problem(503, "UNAVAILABLE");
    assert_eq!(app.get("/api/v1/orders").await.status, 200);

    // Back up on the same address and data: the reconciler pays the kept
    // order (once) and confirms it; new orders are paid again.
    s.restart_payment().await;
    let order = app.eventually(&format!("/api/v1/orders/{id}"), "kept order paid", |o| o["status"] == "paid").await;
    let last = order["status_history"].as_array().and_then(|h| h.last()).expect("history");
    assert_eq!(last["actor"], "system:reconciler", "{order}");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    assert_eq!((payment["amount"].as_i64(), payment["requested_by"].as_str()), (Some(2000), Some("system:reconciler")));
    app.eventually(&format!("/api/v1/notifications/order/{id}"), "confirmation queued", |n| {
        n.as_array().is_some_and(|a| a.len() == 1 && a[0]["template"] == "ORDER_CONFIRMATION")
    })
    .await;
    app.paid_order(3000).await;
    s.stop();
}

#[tokio::test]
async fn a_payment_restart_inside_the_deadline_costs_latency_not_the_order() {
    // The create flow retries an unreachable payment service for as long as
    // the deadline allows: a restart that fits inside it is invisible.
    let mut s = split(|o| o.deadlines.payment_timeout_ms = 30_000).await;
    let app = s.client();
    app.paid_order(1000).await;
    s.stop_payment().await;
    let create = {
        let app = s.client();
        tokio::spawn(async move { app.post("/api/v1/orders", order_body(2000)).await })
    };
    // Let the flow meet the closed port a few times first.
    tokio::time::sleep(Duration::from_millis(400)).await;
    s.restart_payment().await;
    let created = create.await.expect("task");
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "paid");
    s.stop();
}

#[tokio::test]
async fn the_first_call_after_a_restart_gets_through() {
    // After a downstream restarts, the very next call reaches it: no client
    // reconnect back-off keeps failing calls. Each call here allows 1 s.
    // (A SIGKILLed downstream, whose connections die without a goodbye, is
    // bench/chaos.sh's: only separate processes can be killed.)
    let mut s = split(|_| {}).await;
    let mut order = OrderServiceClient::connect(format!("http://{}", s.order)).await.expect("connect");
    let call = |order: &mut OrderServiceClient<tonic::transport::Channel>| {
        let mut req = tonic::Request::new(CreateOrderRequest {
            customer_name: "再接続 花子".into(),
            customer_email: "reconnect@example.jp".into(),
            items: vec![NewOrderItem {
                product_id: "P".into(),
                product_name: "x".into(),
                quantity: Some(1),
                unit_price: Some(900),
            }],
            ..Default::default()
        });
        req.set_timeout(Duration::from_secs(1));
        let mut order = order.clone();
        async move { order.create_order(req).await }
    };
    call(&mut order).await.expect("paid before the restart");
    for round in 0..3 {
        s.stop_payment().await;
        s.restart_payment().await;
        let paid = call(&mut order).await;
        assert!(paid.is_ok(), "round {round}: the first call after the restart failed: {paid:?}");
    }
    s.stop();
}
