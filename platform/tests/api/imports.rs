//! Bulk CSV import through the gateway, end to end.

use std::{path::Path, time::Duration};

use reqwest::Method;
use serde_json::Value;

use crate::helpers::*;

const HEADER: &str = "external_ref,customer_name,customer_email,customer_phone,shipping_address,product_id,product_name,quantity,unit_price\n";
const NAMES: [&str; 4] = ["山田 太郎", "佐藤 花子", "髙橋 𠮷子", "田中 健"];

/// `rows` valid data rows; every 5th row is a second item of the previous
/// order. Answers the file and how many orders it holds.
pub fn orders_csv(rows: usize) -> (String, usize) {
    let mut out = String::from(HEADER);
    let mut orders = 0;
    for i in 0..rows {
        if i % 5 != 4 {
            orders += 1;
        }
        let c = orders % 50;
        let name = NAMES[c % NAMES.len()];
        out.push_str(&format!(
            "R{orders:06},{name},customer{c}@example.jp,090-0000-{c:04},東京都千代田区{c}-1,P-{},緑茶 {},{},{}\n",
            i % 7,
            i % 7,
            1 + i % 3,
            300 + (i % 5) * 100
        ));
    }
    (out, orders)
}

pub async fn upload(app: &TestApp, query: &str, body: Vec<u8>) -> Answer {
    app.raw(Method::POST, &format!("/api/v1/orders/imports{query}"), "text/csv", body).await
}

pub async fn finished(app: &TestApp, id: &str) -> Value {
    let path = format!("/api/v1/orders/imports/{id}");
    app.eventually(&path, "import finished", |i| !matches!(i["status"].as_str(), Some("queued" | "running"))).await
}

/// Exactly one order, one payment and one queued confirmation per valid row group.
pub async fn assert_exactly_once(dir: &Path, id: &str, orders: usize) {
    let n = orders as i64;
    let q = |sql: String| async move { sql };
    let (o, p, m) = ((dir, "order"), (dir, "payment"), (dir, "notification"));
    assert_eq!(
        scalar(o.0, o.1, &q(format!("SELECT COUNT(*) FROM orders WHERE batch_id = '{id}'")).await).await,
        n,
        "orders"
    );
    assert_eq!(
        scalar(o.0, o.1, &format!("SELECT COUNT(*) FROM orders WHERE batch_id = '{id}' AND status = 'paid'")).await,
        n,
        "paid"
    );
    assert_eq!(
        scalar(p.0, p.1, &format!("SELECT COUNT(*) FROM payments WHERE batch_id = '{id}'")).await,
        n,
        "payments"
    );
    assert_eq!(
        scalar(p.0, p.1, &format!("SELECT COUNT(DISTINCT order_id) FROM payments WHERE batch_id = '{id}'")).await,
        n
    );
    assert_eq!(
        scalar(m.0, m.1, &format!("SELECT COUNT(*) FROM notifications WHERE batch_id = '{id}'")).await,
        n,
        "confirmations"
    );
    assert_eq!(
        scalar(m.0, m.1, &format!("SELECT COUNT(DISTINCT order_id) FROM notifications WHERE batch_id = '{id}'")).await,
        n
    );
    assert_eq!(
        scalar(
            o.0,
            o.1,
            &format!("SELECT COUNT(*) FROM orders WHERE batch_id = '{id}' AND pending_notification IS NOT NULL")
        )
        .await,
        0,
        "no confirmation still owed"
    );
}

#[tokio::test]
async fn a_100_row_import_pays_every_order_and_streams_progress() {
    let app = spawn_app().await;
    let (csv, orders) = orders_csv(100);
    let a = upload(&app, "?file_name=orders.csv", csv.into_bytes()).await;
    assert_eq!(a.status, 202, "{}", a.body);
    let id = a.body["id"].as_str().expect("id").to_owned();
    assert_eq!(a.body["total_rows"], 100);
    assert_eq!(a.headers["location"], format!("/api/v1/orders/imports/{id}").as_str());

    // Server-Sent Events until done.
    let mut res = app.http.get(format!("{}/api/v1/orders/imports/{id}/events", app.base)).send().await.expect("sse");
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    while let Some(chunk) =
        tokio::time::timeout(Duration::from_secs(30), res.chunk()).await.expect("sse in time").expect("chunk")
    {
        text.push_str(&String::from_utf8_lossy(&chunk));
        if text.contains("event: done") {
            break;
        }
    }
    assert!(text.contains("event: done"), "{text}");

    let done = finished(&app, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["succeeded_rows"], 100);
    assert_eq!(done["failed_rows"], 0);
    assert_eq!(done["orders_created"], orders);
    assert_eq!(done["notifications_queued"], orders);
    assert!(done["payments_total_amount"].as_i64().expect("amount") > 0);

    let page = app.get(&format!("/api/v1/orders?batch_id={id}&limit=200")).await;
    let list = page.body["orders"].as_array().expect("orders");
    assert_eq!(list.len(), orders);
    assert!(list.iter().all(|o| o["status"] == "paid" && o["batch_id"] == id.as_str()));
    let one = list[0]["id"].as_i64().expect("id");
    assert_eq!(app.get(&format!("/api/v1/payments/order/{one}")).await.status, 200);
    let history = app.get("/api/v1/orders/imports").await;
    assert_eq!(history.body["imports"][0]["id"], id.as_str());
    assert_eq!(history.body["imports"][0]["file_name"], "orders.csv");
    let dir = app.stop().await;
    assert_exactly_once(dir.path(), &id, orders).await;
}

#[tokio::test]
async fn a_10000_row_import_completes() {
    let app = spawn_app().await;
    let (csv, orders) = orders_csv(10_000);
    let a = upload(&app, "", csv.into_bytes()).await;
    assert_eq!(a.status, 202, "{}", a.body);
    let id = a.body["id"].as_str().expect("id").to_owned();
    let done = finished(&app, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["succeeded_rows"], 10_000);
    assert_eq!(done["orders_created"], orders);
    let dir = app.stop().await;
    assert_exactly_once(dir.path(), &id, orders).await;
}

#[tokio::test]
async fn bad_rows_are_reported_exactly_and_the_good_ones_imported() {
    let app = spawn_app().await;
    let mut file = String::from(HEADER);
    file.push_str("A1,山田 太郎,taro@example.jp,,,P-1,緑茶,2,500\n"); // 2 ok
    file.push_str(",佐藤 花子,not-an-email,,,P-1,緑茶,1,500\n"); // 3 bad email
    file.push_str(",佐藤 花子,hanako@example.jp,,,P-1,緑茶,0,500\n"); // 4 zero quantity
    file.push_str(",佐藤 花子,hanako@example.jp,,,P-1,緑茶,1,2000000\n"); // 5 price out of range
    file.push_str(",佐藤 花子,hanako@example.jp,,,P-1,緑茶,1\n"); // 6 missing column
    file.push_str(",鈴木 一郎,ichiro@example.jp,,,P-2,\"羊羹,1,500\n"); // 7 broken quoting (to the end)
    let mut bytes = file.into_bytes();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(",田中 健,ken@example.jp,,,P-3,どら焼き,1,400\n"); // mixed encodings
    // The broken quote swallows the rest of the file, so the mixed-encoding
    // line goes before it: rebuild in that order.
    let (head, tail) = {
        let s = String::from_utf8(bytes.clone()).expect("utf8");
        let cut = s.find(",鈴木").expect("line 7");
        (s[..cut].to_owned(), s[cut..].to_owned())
    };
    bytes = [head.as_bytes(), &sjis, tail.as_bytes()].concat();
    let a = upload(&app, "", bytes).await;
    assert_eq!(a.status, 202, "{}", a.body);
    let id = a.body["id"].as_str().expect("id").to_owned();
    let done = finished(&app, &id).await;
    assert_eq!(done["status"], "completed_with_errors", "{done}");
    assert_eq!(done["total_rows"], 7);
    assert_eq!(done["succeeded_rows"], 1);
    assert_eq!(done["failed_rows"], 6);
    let errors = app.get(&format!("/api/v1/orders/imports/{id}/errors")).await.body["errors"].clone();
    let got: Vec<(i64, String)> = errors
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_i64().expect("row"), e["column"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let want: Vec<(i64, String)> =
        [(3, "customer_email"), (4, "quantity"), (5, "unit_price"), (6, ""), (7, ""), (8, "")]
            .into_iter()
            .map(|(r, c)| (r, c.to_owned()))
            .collect();
    assert_eq!(got, want, "{errors}");
    let csv =
        app.http.get(format!("{}/api/v1/orders/imports/{id}/errors?format=csv", app.base)).send().await.expect("csv");
    assert!(csv.headers()["content-disposition"].to_str().expect("ascii").contains("attachment"));
    let text = csv.text().await.expect("text");
    assert!(text.trim_start_matches('\u{feff}').starts_with("row,column,code,reason"), "{text}");
    assert_eq!(text.lines().count(), 7);
    let orders = app.get(&format!("/api/v1/orders?batch_id={id}")).await.body["orders"].clone();
    assert_eq!(orders.as_array().map(Vec::len), Some(1));
    assert_eq!(orders[0]["customer_name"], "山田 太郎");
    app.stop().await;
}

#[tokio::test]
async fn unreadable_files_and_dry_runs_store_nothing() {
    let app = spawn_with(|c| c.order.import_max_rows = 50).await;
    upload(&app, "", b"name,email\nx,y\n".to_vec()).await.assert_problem(422, "VALIDATION_FAILED");
    upload(&app, "", HEADER.as_bytes().to_vec()).await.assert_problem(422, "VALIDATION_FAILED");
    let (over, _) = orders_csv(51);
    upload(&app, "", over.into_bytes()).await.assert_problem(422, "TOO_MANY_ROWS");
    upload(&app, "?encoding=latin9", b"x".to_vec()).await.assert_problem(422, "VALIDATION_FAILED");
    upload(&app, "?dry_run=maybe", b"x".to_vec()).await.assert_problem(422, "VALIDATION_FAILED");

    let (mut csv, orders) = orders_csv(20);
    csv.push_str(",x,bad-mail,,,P,n,1,500\n");
    let dry = upload(&app, "?dry_run=true", csv.into_bytes()).await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.body["status"], "validated");
    assert_eq!(dry.body["total_rows"], 21);
    assert_eq!(dry.body["failed_rows"], 1);
    assert_eq!(dry.body["errors"][0]["row"], 22);
    assert_eq!(dry.body["errors"][0]["column"], "customer_email");
    assert!(orders > 0);

    assert_eq!(app.get("/api/v1/orders/imports").await.body["imports"], serde_json::json!([]));
    assert_eq!(app.get("/api/v1/orders").await.body["orders"], serde_json::json!([]));
    app.get("/api/v1/orders/imports/not-an-import").await.assert_problem(404, "NOT_FOUND");
    app.get("/api/v1/orders/imports/../etc").await;
    app.stop().await;
}

#[tokio::test]
async fn shift_jis_files_round_trip_japanese_names() {
    let app = spawn_app().await;
    let text = format!("{HEADER}S1,髙橋 花子,hanako@example.jp,,大阪府大阪市北区1-1,P-9,有田焼 湯呑み,1,3200\n");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let a = upload(&app, "?encoding=shift_jis&digest=true", sjis.into_owned()).await;
    assert_eq!(a.status, 202, "{}", a.body);
    assert_eq!(a.body["encoding"], "shift_jis");
    let id = a.body["id"].as_str().expect("id").to_owned();
    finished(&app, &id).await;
    let orders = app.get(&format!("/api/v1/orders?batch_id={id}")).await.body["orders"].clone();
    assert_eq!(orders[0]["customer_name"], "髙橋 花子");
    assert_eq!(orders[0]["shipping_address"], "大阪府大阪市北区1-1");
    assert_eq!(orders[0]["items"][0]["product_name"], "有田焼 湯呑み");
    // Digest mode: one ORDER_CONFIRMATION_BATCH mail listing the order.
    let oid = orders[0]["id"].as_i64().expect("id");
    let mails = app.get(&format!("/api/v1/notifications/order/{oid}")).await.body;
    assert_eq!(mails[0]["template"], "ORDER_CONFIRMATION_BATCH", "{mails}");
    assert!(mails[0]["body"].as_str().expect("body").contains(&oid.to_string()));
    app.stop().await;
}

#[tokio::test]
async fn the_notification_queue_survives_a_restart_and_sends_nothing_twice() {
    // One delivery at once, then one a second: the 30 take half a minute.
    let app = spawn_with(|c| {
        c.notification.rate_per_sec = 1.0;
        c.notification.burst = 1;
    })
    .await;
    let vars = serde_json::json!({"customer_name": "x", "order_id": 1, "total_amount": 1});
    for _ in 0..30 {
        let a = app
            .post("/api/v1/notifications/email", serde_json::json!({"order_id": 9, "recipient": "a@example.jp", "template": "ORDER_CONFIRMATION", "variables": vars}))
            .await;
        assert_eq!(a.status, 201);
    }
    app.eventually("/api/v1/notifications/order/9", "delivery under way", |b| {
        b.as_array().is_some_and(|a| a.iter().any(|n| n["status"] == "sent"))
    })
    .await;
    let dir = app.stop().await;
    let m = (dir.path(), "notification");
    let sent_before = scalar(m.0, m.1, "SELECT COUNT(*) FROM notifications WHERE status = 'sent'").await;
    assert!((1..30).contains(&sent_before), "some were sent and some still queued at the stop ({sent_before} sent)");

    let app = spawn_in(dir, |c| c.notification.rate_per_sec = 200.0).await;
    app.eventually("/api/v1/notifications/order/9", "all sent after the restart", |b| {
        b.as_array().is_some_and(|a| a.len() == 30 && a.iter().all(|n| n["status"] == "sent"))
    })
    .await;
    let dir = app.stop().await;
    let m = (dir.path(), "notification");
    assert_eq!(scalar(m.0, m.1, "SELECT COUNT(*) FROM notifications WHERE attempts = 1 AND status = 'sent'").await, 30);
}

#[tokio::test]
async fn killing_the_platform_mid_import_loses_and_duplicates_nothing() {
    // The all-in-one binary as a child process, so it can be SIGKILLed.
    let dir = tempfile::tempdir().expect("dir");
    let databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    let start = |dir: &Path| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ec-platform"));
        cmd.env("EC_DATA_DIR", dir)
            .envs(databases.env())
            .env("GATEWAY_ADDR", "127.0.0.1:0")
            .env("ORDER_ADDR", "127.0.0.1:0")
            .env("PAYMENT_ADDR", "127.0.0.1:0")
            .env("NOTIFICATION_ADDR", "127.0.0.1:0")
            .env("METRICS_ADDR", "127.0.0.1:0")
            .env("EC_ADMIN_API_KEY", ADMIN_KEY)
            .env("PAYMENT_DELAY_MS", "150")
            .env("RUST_LOG", "warn")
            .env("WEB_DIR", "/nonexistent")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().expect("ec-platform starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("banner");
        let gateway = line.split_whitespace().find_map(|w| w.strip_prefix("gateway=")).expect("gateway url").to_owned();
        (child, gateway)
    };
    let (mut child, gateway) = start(dir.path());
    let http = client_with_key(ADMIN_KEY);
    let (csv, orders) = orders_csv(10_000);
    let a: Value = http
        .post(format!("{gateway}/api/v1/orders/imports"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let id = a["id"].as_str().expect("id").to_owned();
    // Wait until it is under way, then kill -9.
    let mut seen = Value::Null;
    for _ in 0..3000 {
        seen = http
            .get(format!("{gateway}/api/v1/orders/imports/{id}"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        if seen["processed_rows"].as_i64().unwrap_or(0) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    assert_eq!(seen["status"], "running", "killed mid-import: {seen}");
    assert!(seen["processed_rows"].as_i64().unwrap_or(0) < 10_000, "killed mid-import: {seen}");

    let (mut child, gateway) = start(dir.path());
    let mut done = Value::Null;
    for _ in 0..600 {
        done = http
            .get(format!("{gateway}/api/v1/orders/imports/{id}"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        if !matches!(done["status"].as_str(), Some("queued" | "running")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["orders_created"], orders);
    child.kill().expect("stop");
    child.wait().expect("reaped");
    assert_exactly_once(dir.path(), &id, orders).await;
}

/// `ec-platform import` signs in with its API key, and a wrong key is a
/// clear failure, not a hang or a silent nothing.
#[tokio::test]
async fn the_import_command_sends_its_api_key() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("orders.csv");
    std::fs::write(
        &file,
        "customer_name,customer_email,product_id,product_name,quantity,unit_price\n山田,a@example.jp,P-1,緑茶,2,500\n",
    )
    .expect("written");
    let args = |key: &str| ec_platform::cli_import::ImportArgs {
        file: file.clone(),
        gateway: app.base.clone(),
        dry_run: false,
        digest: false,
        encoding: "auto".into(),
        api_key: key.parse().expect("key"),
    };
    let refused = ec_platform::cli_import::run(args("sk_wrong_key_0123456789abcdefghijklmnop")).await;
    assert!(refused.is_err() || refused.as_ref().is_ok_and(|code| *code == 1), "{refused:?}");
    assert_eq!(app.get("/api/v1/orders").await.body["orders"], serde_json::json!([]), "nothing imported");
    assert_eq!(ec_platform::cli_import::run(args(ADMIN_KEY)).await.expect("ran"), 0, "completed");
    let orders = app.get("/api/v1/orders").await.body;
    assert_eq!(orders["orders"][0]["total_amount"], 1000, "{orders}");
    app.stop().await;
}
