//! Slow and stopped services, deadlines, hang-ups and restarts: the stored
//! order is never lost and never left in limbo.

use std::time::Duration;

use ec_common::{grpc::bind, shutdown::Shutdown};
use ec_proto::order::v1::{CreateOrderRequest, NewOrderItem, order_service_client::OrderServiceClient};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn slow_payment_is_a_504_and_the_kept_order_is_settled() {
    let app = spawn_with(|c| {
        c.payment_delay_ms = 1_500;
        c.payment_timeout_ms = 300;
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
        c.payment_delay_ms = 1_500;
        c.payment_timeout_ms = 3_000;
    })
    .await;
    let mut client = OrderServiceClient::connect(app.grpc_url("order")).await.expect("connect");
    let mut req = tonic::Request::new(CreateOrderRequest {
        customer_name: "締切 太郎".into(),
        customer_email: "deadline@example.jp".into(),
        items: vec![NewOrderItem { product_id: "P".into(), product_name: "x".into(), quantity: 1, unit_price: 700 }],
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
    let app = spawn_with(|c| c.payment_delay_ms = 300).await;
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(50)).build().expect("client");
    let r = impatient.post(format!("{}/api/v1/orders", app.base)).json(&order_body(900)).send().await;
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

/// The four servers started one by one, so one can be stopped and restarted.
struct Split {
    dir: tempfile::TempDir,
    order: std::net::SocketAddr,
    payment: std::net::SocketAddr,
    notification: std::net::SocketAddr,
    gateway: std::net::SocketAddr,
    stops: Vec<Shutdown>,
    payment_stop: Shutdown,
    payment_task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start_payment(
    dir: &std::path::Path,
    addr: std::net::SocketAddr,
    order: std::net::SocketAddr,
) -> (Shutdown, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let mut cfg = payment_service::Config::for_tests(dir.to_path_buf(), format!("http://{order}"));
    cfg.addr = addr;
    let listener = bind(addr, "payment").await.expect("bind payment");
    let app = payment_service::Application::build_on(cfg, listener).await.expect("payment builds");
    let stop = Shutdown::new();
    (stop.clone(), tokio::spawn(app.run(stop)))
}

async fn split() -> Split {
    let dir = tempfile::tempdir().expect("dir");
    let any: std::net::SocketAddr = ([127, 0, 0, 1], 0).into();
    let (ol, pl, nl, gl) = (
        bind(any, "o").await.expect("o"),
        bind(any, "p").await.expect("p"),
        bind(any, "n").await.expect("n"),
        bind(any, "g").await.expect("g"),
    );
    let (order, payment, notification, gateway) = (
        ol.local_addr().expect("o"),
        pl.local_addr().expect("p"),
        nl.local_addr().expect("n"),
        gl.local_addr().expect("g"),
    );
    drop(pl);
    let url = |a: std::net::SocketAddr| format!("http://{a}");
    let mut ocfg = order_service::Config::for_tests(dir.path().to_path_buf(), url(payment), url(notification));
    ocfg.payment_timeout_ms = 1_000;
    let o = order_service::Application::build_on(ocfg, ol).await.expect("order");
    let n = notification_service::Application::build_on(
        notification_service::Config::for_tests(dir.path().to_path_buf()),
        nl,
        std::sync::Arc::new(notification_service::sender::LogSender),
    )
    .await
    .expect("notification");
    let mut gcfg = gateway::Config::for_tests(url(order), url(payment), url(notification));
    gcfg.payment_timeout_ms = 1_000;
    let g = gateway::Application::build_on(gcfg, gl).await.expect("gateway");
    let stops = vec![Shutdown::new(), Shutdown::new(), Shutdown::new()];
    tokio::spawn(o.run(stops[0].clone()));
    tokio::spawn(n.run(stops[1].clone()));
    tokio::spawn(g.run(stops[2].clone()));
    let (payment_stop, payment_task) = start_payment(dir.path(), payment, order).await;
    Split { dir, order, payment, notification, gateway, stops, payment_stop, payment_task }
}

#[tokio::test]
async fn a_stopped_payment_service_is_a_503_and_nothing_is_lost() {
    let s = split().await;
    let _ = (s.notification, s.order);
    let app = TestApp {
        running: None,
        base: format!("http://{}", s.gateway),
        http: reqwest::Client::new(),
        dir: tempfile::tempdir().expect("dir"),
    };
    app.paid_order(1000).await;

    s.payment_stop.trigger();
    s.payment_task.await.expect("join").expect("payment stopped cleanly");
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
    let (stop, _task) = start_payment(s.dir.path(), s.payment, s.order).await;
    app.eventually(&format!("/api/v1/orders/{id}"), "stuck order settled", |o| o["status"] == "payment_failed").await;
    app.paid_order(3000).await;
    stop.trigger();
    for st in &s.stops {
        st.trigger();
    }
}
