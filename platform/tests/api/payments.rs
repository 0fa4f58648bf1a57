//! Payments through the gateway: amount rules, one per order, refunds, and
//! the webhook to the order service.

use serde_json::json;

use crate::helpers::*;

/// An order the payment service has no payment for (its own was rejected).
async fn unpaid_order(app: &TestApp) -> i64 {
    let a = app.post("/api/v1/orders", order_body(3_000_000)).await;
    a.assert_problem(422, "PAYMENT_REJECTED");
    a.body["order_id"].as_i64().expect("order_id")
}

#[tokio::test]
async fn direct_payment_rules() {
    let app = spawn_app().await;
    let failed = unpaid_order(&app).await;
    for (amount, code) in [
        (99, "AMOUNT_OUT_OF_RANGE"),
        (1_000_001, "AMOUNT_OUT_OF_RANGE"),
        (0, "AMOUNT_OUT_OF_RANGE"),
        (-5, "AMOUNT_OUT_OF_RANGE"),
    ] {
        app.post("/api/v1/payments", json!({"order_id": failed, "amount": amount, "currency": "JPY"}))
            .await
            .assert_problem(422, code);
    }
    let usd = app.post("/api/v1/payments", json!({"order_id": failed, "amount": 500, "currency": "USD"})).await;
    usd.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(usd.field_errors(), ["currency"]);
    let no_currency = app.post("/api/v1/payments", json!({"order_id": failed, "amount": 500})).await;
    no_currency.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(no_currency.field_errors(), ["currency"], "a missing currency is not taken for JPY");
    // Nobody created order 900000001: no payment is taken for it.
    let ghost = app.post("/api/v1/payments", json!({"order_id": 900_000_001, "amount": 500, "currency": "JPY"})).await;
    ghost.assert_problem(404, "NOT_FOUND");
    app.get("/api/v1/payments/order/900000001").await.assert_problem(404, "NOT_FOUND");
    // An order whose payment was refused does not wait for one any more.
    app.post("/api/v1/payments", json!({"order_id": failed, "amount": 500, "currency": "JPY"}))
        .await
        .assert_problem(409, "ORDER_NOT_PAYABLE");
    // Nor does a paid one.
    let paid = app.paid_order(1500).await["id"].as_i64().expect("id");
    let again = app.post("/api/v1/payments", json!({"order_id": paid, "amount": 1500, "currency": "JPY"})).await;
    again.assert_problem(409, "ORDER_NOT_PAYABLE");
    assert_eq!(again.body["order_status"], "paid");
    app.stop().await;
}

#[tokio::test]
async fn an_order_left_waiting_is_paid_for_exactly_its_total_and_the_webhook_marks_it_paid() {
    // The payment service is down for longer than the payment deadline when
    // the order is created, so the order waits (payment_processing). The
    // reconciler is kept out of the way (one pass at start, then none) so
    // an admin pays it by hand.
    let mut s = split(|o| {
        o.deadlines.payment_timeout_ms = 500;
        o.settings.reconcile_interval_ms = 3_600_000;
    })
    .await;
    let app = s.client();
    s.stop_payment().await;
    let a = app.post("/api/v1/orders", order_body(2400)).await;
    a.assert_problem(503, "UNAVAILABLE");
    let id = a.body["order_id"].as_i64().expect("kept order");
    s.restart_payment().await;

    let wrong = app.post("/api/v1/payments", json!({"order_id": id, "amount": 2000, "currency": "JPY"})).await;
    wrong.assert_problem(422, "AMOUNT_MISMATCH");
    assert_eq!(wrong.body["order_total"], 2400);
    assert_eq!(wrong.body["errors"][0]["allowed"], 2400);
    let p = app
        .post("/api/v1/payments", json!({"order_id": id, "amount": 2400, "currency": "JPY", "method": "bank_transfer"}))
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(p.body["method"], "bank_transfer");
    let dup = app.post("/api/v1/payments", json!({"order_id": id, "amount": 2400, "currency": "JPY"})).await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    // The payment service reported it by webhook: the kept order is now paid.
    let order =
        app.eventually(&format!("/api/v1/orders/{id}"), "order paid by webhook", |o| o["status"] == "paid").await;
    let last = order["status_history"].as_array().and_then(|h| h.last()).expect("history");
    assert_eq!(last["status"], "paid");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await;
    assert_eq!(payment.body["amount"], 2400);
    assert_eq!(payment.body["requested_by"], ADMIN_ACTOR, "{}", payment.body);
    s.stop();
}

#[tokio::test]
async fn a_retried_payment_with_its_key_is_answered_never_paid_twice() {
    let mut s = split(|o| {
        o.deadlines.payment_timeout_ms = 500;
        o.settings.reconcile_interval_ms = 3_600_000;
    })
    .await;
    let app = s.client();
    s.stop_payment().await;
    let kept = |total| {
        let app = &app;
        async move {
            let a = app.post("/api/v1/orders", order_body(total)).await;
            a.body["order_id"].as_i64().unwrap_or_else(|| panic!("kept order named: {}", a.body))
        }
    };
    let (a, b) = (kept(2400).await, kept(3100).await);
    s.restart_payment().await;

    let pay = |order: i64, amount: i64, key: &str| {
        let app = &app;
        let key = key.to_owned();
        async move {
            let req = app
                .http
                .post(format!("{}/api/v1/payments", app.base))
                .header("idempotency-key", key)
                .json(&json!({"order_id": order, "amount": amount, "currency": "JPY"}));
            answer(req.send().await.expect("sent")).await
        }
    };
    let first = pay(a, 2400, "pay-a-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = pay(a, 2400, "pay-a-1").await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.headers.get("idempotent-replayed").map(|v| v.as_bytes()), Some(&b"true"[..]));
    assert_eq!(again.body["id"], first.body["id"], "the same payment answered");
    // The same key never pays another order, nor another amount.
    pay(b, 3100, "pay-a-1").await.assert_problem(409, "IDEMPOTENCY_CONFLICT");
    // A second payment for the order under a fresh key is a duplicate.
    let dup = pay(a, 2400, "pay-a-2").await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    let order = app.eventually(&format!("/api/v1/orders/{a}"), "paid by webhook", |o| o["status"] == "paid").await;
    assert_eq!(order["status"], "paid");
    assert_eq!(app.get(&format!("/api/v1/orders/{b}")).await.body["status"], "payment_processing");
    s.stop();
}

#[tokio::test]
async fn only_the_order_service_pays_batches() {
    let app = spawn_app().await;
    let mut client =
        ec_proto::payment::v1::payment_service_client::PaymentServiceClient::connect(app.grpc_url("payment"))
            .await
            .expect("connect");
    let err = client
        .create_payment_batch(ec_proto::payment::v1::CreatePaymentBatchRequest {
            batch_id: "b".into(),
            items: vec![ec_proto::payment::v1::BatchPaymentItem { order_id: 900_000_001, amount: 500 }],
            method: String::new(),
        })
        .await
        .expect_err("refused");
    assert_eq!(err.code(), tonic::Code::PermissionDenied);
    app.stop().await;
}

#[tokio::test]
async fn partial_and_full_refunds_never_exceed_the_payment() {
    let app = spawn_app().await;
    let id = app.paid_order(3000).await["id"].as_i64().expect("id");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    let pid = payment["id"].clone();
    let r1 = app.post("/api/v1/payments/refund", json!({"payment_id": pid, "amount": 1000, "reason": "傷あり"})).await;
    assert_eq!(r1.status, 201, "{}", r1.body);
    assert_eq!(r1.body["amount"], 1000);
    assert_eq!(r1.body["reason"], "傷あり");
    let after = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    assert_eq!(after["status"], "partially_refunded");
    assert_eq!(after["refunded_amount"], 1000);

    app.post("/api/v1/payments/refund", json!({"payment_id": pid, "amount": 2001}))
        .await
        .assert_problem(409, "OVER_REFUND");
    app.post("/api/v1/payments/refund", json!({"payment_id": pid, "amount": 0}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    app.post("/api/v1/payments/refund", json!({"payment_id": pid, "amount": -1}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    app.post("/api/v1/payments/refund", json!({"payment_id": 999_999})).await.assert_problem(404, "NOT_FOUND");

    // No amount: the rest.
    let r2 = app.post("/api/v1/payments/refund", json!({"payment_id": pid})).await;
    assert_eq!(r2.body["amount"], 2000, "{}", r2.body);
    let after = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    assert_eq!(after["status"], "refunded");
    assert_eq!(after["refunds"].as_array().map(Vec::len), Some(2));
    app.post("/api/v1/payments/refund", json!({"payment_id": pid})).await.assert_problem(409, "OVER_REFUND");

    // Cancelling the fully refunded order refunds nothing more.
    let c = app.delete(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!(c.headers["refunded-amount"], "0");
    app.stop().await;
}

#[tokio::test]
async fn webhook_is_idempotent_per_event_and_validated() {
    let app = spawn_app().await;
    let id = unpaid_order(&app).await;
    let event = json!({"payment_id": 77, "status": "completed", "amount": 3000, "event_id": "evt-1"});
    let first = app.signed_webhook(id, &event, "msg-1").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["applied"], true);
    assert_eq!(first.body["order"]["status"], "paid");
    // The same event in another delivery, and the same delivery again.
    assert_eq!(app.signed_webhook(id, &event, "msg-2").await.body["applied"], false);
    assert_eq!(app.signed_webhook(id, &event, "msg-1").await.body["applied"], false);
    // A failure reported for a paid order changes nothing.
    let late = app
        .signed_webhook(id, &json!({"payment_id": 77, "status": "failed", "amount": 0, "event_id": "evt-2"}), "msg-3")
        .await;
    assert_eq!(late.body["applied"], false);
    assert_eq!(late.body["order"]["status"], "paid");
    let history = app.get(&format!("/api/v1/orders/{id}")).await.body["status_history"].clone();
    assert_eq!(history.as_array().map(|h| h.iter().filter(|s| s["status"] == "paid").count()), Some(1));

    let event = |status: &str, amount: i64, event_id: &str| json!({"payment_id": 1, "status": status, "amount": amount, "event_id": event_id});
    app.signed_webhook(424_242, &event("completed", 1, "x"), "msg-4").await.assert_problem(404, "NOT_FOUND");
    app.signed_webhook(id, &event("exploded", 1, "x"), "msg-5").await.assert_problem(422, "VALIDATION_FAILED");
    app.signed_webhook(id, &event("completed", 1, ""), "msg-6").await.assert_problem(422, "VALIDATION_FAILED");
    app.signed_webhook(id, &event("completed", -1, "neg"), "msg-7").await.assert_problem(422, "VALIDATION_FAILED");
    app.stop().await;
}
