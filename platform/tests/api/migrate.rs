//! `ec-platform migrate-data`: the embedded platform's SQLite data copied
//! into PostgreSQL, and the platform started on it finds everything and
//! carries on (new ids after the copied ones). Needs a PostgreSQL server:
//! scripts/test.sh's PostgreSQL run (EC_TEST_DATABASE_URL) runs it.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn sqlite_data_moves_to_postgresql_and_the_platform_carries_on() {
    let Ok(server) = std::env::var("EC_TEST_DATABASE_URL") else {
        eprintln!(
            "skipped: no PostgreSQL server (EC_TEST_DATABASE_URL); scripts/test.sh runs this in its PostgreSQL run"
        );
        return;
    };
    // The embedded default: SQLite files in the data directory.
    let app = spawn_with(|c| c.databases = ec_platform::Databases::default()).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let o = app.post("/api/v1/orders", order_body(2400)).await;
        assert_eq!(o.status, 201, "{}", o.body);
        ids.push(o.body["id"].as_i64().expect("id"));
    }
    let cancelled = app.call(reqwest::Method::DELETE, &format!("/api/v1/orders/{}", ids[0]), None).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let edited = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/notifications/templates/ORDER_SHIPPED",
            Some(json!({"subject": "発送しました {{order_id}}", "body": "{{customer_name}} 様、発送しました。"})),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let (csv, orders) = crate::imports::orders_csv(20);
    let import = crate::imports::upload(&app, "", csv.into_bytes()).await;
    assert_eq!(import.status, 202, "{}", import.body);
    let import_id = import.body["id"].as_str().expect("id").to_owned();
    let import_before = crate::imports::finished(&app, &import_id).await;
    assert_eq!(import_before["orders_created"], orders, "{import_before}");
    let mut before = Vec::new();
    for id in &ids {
        before.push(app.get(&format!("/api/v1/orders/{id}")).await);
    }
    let payments_before = app.get(&format!("/api/v1/payments/order/{}", ids[0])).await;
    let dir = app.stop().await;

    // Copy into four new, empty databases.
    let prefix = format!("m{}_", std::process::id());
    for db in ["orders", "payments", "notifications", "gateway"] {
        let admin = sea_orm::Database::connect(format!("{server}/postgres")).await.expect("server");
        sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE \"{prefix}{db}\""))
            .await
            .expect("create database");
    }
    let migrate = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_ec-platform"))
            .args(["migrate-data", "--from"])
            .arg(dir.path())
            .args(["--to", &server, "--name-prefix", &prefix])
            .output()
            .expect("runs")
    };
    let out = migrate();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    let copied = |what: &str| said.contains(what);
    assert!(copied("orders 19,") && copied("payments 19,") && copied("import_chunks 1,"), "{said}");
    // A second run refuses: the targets hold data now.
    let again = migrate();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // The platform on PostgreSQL: the same orders, payments, template, key.
    let pg = tempfile::tempdir().expect("dir");
    let url = |db: &str| Some(ec_common::config::Secret::new(format!("{server}/{prefix}{db}")));
    let app = spawn_in(pg, |c| {
        c.databases = ec_platform::Databases {
            order: url("orders"),
            payment: url("payments"),
            notification: url("notifications"),
            gateway: url("gateway"),
        }
    })
    .await;
    for (id, was) in ids.iter().zip(&before) {
        let now = app.get(&format!("/api/v1/orders/{id}")).await;
        assert_eq!(now.status, 200, "{}", now.body);
        assert_eq!(now.body, was.body, "order {id} as it was");
    }
    assert_eq!(app.get(&format!("/api/v1/payments/order/{}", ids[0])).await.body, payments_before.body);
    // As it was (but for the mails sent since: the queue carries on).
    let mut import_now = app.get(&format!("/api/v1/orders/imports/{import_id}")).await.body;
    let mut import_before = import_before;
    for i in [&mut import_now, &mut import_before] {
        i.as_object_mut().expect("object").remove("notifications_sent");
    }
    assert_eq!(import_now, import_before, "the import as it was");
    let templates = app.get("/api/v1/notifications/templates").await;
    let shipped = templates.body.as_array().expect("list").iter().find(|t| t["code"] == "ORDER_SHIPPED").cloned();
    assert_eq!(shipped.expect("template")["subject"], "発送しました {{order_id}}", "the edited template, not the seed");
    // New rows continue after the copied ids.
    let next = app.post("/api/v1/orders", order_body(1800)).await;
    assert_eq!(next.status, 201, "{}", next.body);
    assert!(next.body["id"].as_i64().expect("id") > *ids.iter().max().expect("ids"), "{}", next.body);
    assert_eq!(next.body["status"], "paid", "{}", next.body);
    app.stop().await;
}
