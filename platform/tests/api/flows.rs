//! The seed's flows (5.1 create, 5.2 cancel) and ship, end to end.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn create_pays_and_queues_the_confirmation() {
    let app = spawn_app().await;
    let order = app.paid_order(1500).await;
    let id = order["id"].as_i64().expect("id");
    assert_eq!(order["total_amount"], 1500);
    let steps: Vec<_> =
        order["status_history"].as_array().expect("history").iter().map(|h| h["status"].clone()).collect();
    assert_eq!(steps, [json!("pending"), json!("payment_processing"), json!("paid")]);

    // Stored as answered.
    let stored = app.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(stored.body["status"], "paid");
    assert_eq!(stored.body["status_history"], order["status_history"]);
    assert_eq!(stored.body["items"][0]["product_name"], "緑茶 🍵");

    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await;
    assert_eq!(payment.status, 200, "{}", payment.body);
    assert_eq!(payment.body["amount"], 1500);
    assert_eq!(payment.body["status"], "completed");

    let mails = app
        .eventually(&format!("/api/v1/notifications/order/{id}"), "confirmation delivered", |b| {
            b[0]["status"] == "sent"
        })
        .await;
    assert_eq!(mails.as_array().map(Vec::len), Some(1), "{mails}");
    assert_eq!(mails[0]["template"], "ORDER_CONFIRMATION");
    assert_eq!(mails[0]["recipient"], "taro@example.jp");
    assert!(mails[0]["body"].as_str().expect("body").contains("山田 太郎"), "{mails}");
    assert!(mails[0]["body"].as_str().expect("body").contains("1500"), "{mails}");

    // The payment service's webhook reached the order service (and changed
    // nothing, the order being paid already): a replay of it is a no-op.
    let replay = app
        .signed_webhook(
            id,
            &json!({"payment_id": payment.body["id"], "status": "completed", "amount": 1500,
                   "event_id": format!("payment-{}-completed", payment.body["id"])}),
            "msg-replay-1",
        )
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["applied"], false);
    app.stop().await;
}

#[tokio::test]
async fn cancel_refunds_and_queues_the_cancellation() {
    let app = spawn_app().await;
    let id = app.paid_order(4200).await["id"].as_i64().expect("id");
    let cancelled = app.delete(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(cancelled.headers["refunded-amount"], "4200");
    assert_eq!(cancelled.body["status_history"].as_array().map(Vec::len), Some(4));

    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await;
    assert_eq!(payment.body["status"], "refunded", "{}", payment.body);
    assert_eq!(payment.body["refunded_amount"], 4200);
    assert_eq!(payment.body["refunds"][0]["amount"], 4200);

    let mails = app
        .eventually(&format!("/api/v1/notifications/order/{id}"), "two mails", |b| {
            b.as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
    assert_eq!(mails[0]["template"], "ORDER_CONFIRMATION");
    assert_eq!(mails[1]["template"], "ORDER_CANCELLED");

    // Cancelling twice is an illegal transition, and refunds nothing more.
    app.delete(&format!("/api/v1/orders/{id}")).await.assert_problem(409, "ILLEGAL_TRANSITION");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await;
    assert_eq!(payment.body["refunds"].as_array().map(Vec::len), Some(1));
    app.stop().await;
}

#[tokio::test]
async fn ship_then_deliver_and_illegal_transitions() {
    let app = spawn_app().await;
    let id = app.paid_order(800).await["id"].as_i64().expect("id");
    let path = format!("/api/v1/orders/{id}/status");
    app.put(&path, json!({"status": "delivered"})).await.assert_problem(409, "ILLEGAL_TRANSITION");
    let shipped = app.put(&path, json!({"status": "shipped"})).await;
    assert_eq!(shipped.status, 200, "{}", shipped.body);
    assert_eq!(shipped.body["status"], "shipped");
    app.delete(&format!("/api/v1/orders/{id}")).await.assert_problem(409, "ILLEGAL_TRANSITION");
    app.put(&path, json!({"status": "paid"})).await.assert_problem(422, "VALIDATION_FAILED");
    app.put(&path, json!({"status": "cancelled"})).await.assert_problem(422, "VALIDATION_FAILED");
    app.put(&path, json!({"status": "teleported"})).await.assert_problem(422, "VALIDATION_FAILED");
    let delivered = app.put(&path, json!({"status": "delivered"})).await;
    assert_eq!(delivered.body["status"], "delivered", "{}", delivered.body);
    let mails = app
        .eventually(&format!("/api/v1/notifications/order/{id}"), "shipped mail", |b| {
            b.as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
    assert_eq!(mails[1]["template"], "ORDER_SHIPPED");
    app.stop().await;
}

#[tokio::test]
async fn rejected_payment_keeps_the_order() {
    let app = spawn_app().await;
    let a = app.post("/api/v1/orders", order_body(1_000_001)).await;
    a.assert_problem(422, "PAYMENT_REJECTED");
    let id = a.body["order_id"].as_i64().expect("order_id in the problem");
    let kept = app.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(kept.body["status"], "payment_failed", "{}", kept.body);
    assert_eq!(kept.body["customer_name"], "山田 太郎");
    app.get(&format!("/api/v1/payments/order/{id}")).await.assert_problem(404, "NOT_FOUND");

    // Too small a total is rejected the same way.
    let small = app.post("/api/v1/orders", order_body(99)).await;
    small.assert_problem(422, "PAYMENT_REJECTED");
    // The bounds themselves are accepted.
    app.paid_order(100).await;
    app.paid_order(1_000_000).await;
    app.stop().await;
}
