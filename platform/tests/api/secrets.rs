//! Secrets stay out of every output: the platform runs as a process of its
//! own with known secrets (an admin password, an admin key, a new key, the
//! webhook secret, the service token, a session id), the flows that use
//! them run, and everything it wrote is searched for them: its logs (debug
//! level), every span it exported to a collector started here, /metrics,
//! and every answer it gave.

use std::{
    io::Read,
    process::{Command, Stdio},
};

use ec_platform::otlp_sink;
use serde_json::json;

use crate::helpers::*;

const PASSWORD: &str = "s3cret-admin-password-4711";
const SERVICE_TOKEN: &str = "service-token-for-the-leak-test-0815";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_logs_spans_metrics_or_answers() {
    let (collector, sink) = otlp_sink::start_on(([127, 0, 0, 1], 0).into()).await.expect("collector");
    let dir = tempfile::tempdir().expect("dir");
    let databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec-platform"))
        .env("EC_DATA_DIR", dir.path())
        .envs(databases.env())
        .env("GATEWAY_ADDR", "127.0.0.1:0")
        .env("ORDER_ADDR", "127.0.0.1:0")
        .env("PAYMENT_ADDR", "127.0.0.1:0")
        .env("NOTIFICATION_ADDR", "127.0.0.1:0")
        .env("METRICS_ADDR", "127.0.0.1:0")
        .env("EC_ADMIN_EMAIL", "owner@example.jp")
        .env("EC_ADMIN_PASSWORD", PASSWORD)
        .env("EC_ADMIN_API_KEY", ADMIN_KEY)
        .env("EC_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("EC_SERVICE_TOKEN", SERVICE_TOKEN)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{collector}"))
        .env("RUST_LOG", "debug")
        .env("WEB_DIR", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ec-platform starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    // Logs are read as they come (a full pipe would stall the platform).
    let logs = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut banner = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).map(|n| n == 1).unwrap_or(false) && byte[0] != b'\n' {
        banner.push(byte[0]);
    }
    let banner = String::from_utf8_lossy(&banner).into_owned();
    let field = |name: &str| {
        banner.split_whitespace().find_map(|w| w.strip_prefix(&format!("{name}="))).expect("address").to_owned()
    };
    let (base, metrics) = (field("gateway"), field("metrics"));
    let mut answers: Vec<String> = Vec::new();
    let mut keep = |r: &Answer| answers.push(format!("{:?} {}", r.headers, r.body));

    // Sign in (and fail to), with a session cookie.
    let browser = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let login = |password: &str| {
        browser
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "owner@example.jp", "password": password}))
            .send()
    };
    keep(&answer(login("wrong-password").await.expect("sent")).await);
    let signed_in = login(PASSWORD).await.expect("sent");
    let cookie = signed_in.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    let session = cookie.split(';').next().and_then(|c| c.strip_prefix("ec_session=")).expect("session id").to_owned();
    keep(&answer(browser.get(format!("{base}/api/v1/auth/me")).send().await.expect("sent")).await);
    // Keys: the bootstrap one, a new one (shown once: that answer is the one
    // place it may appear), a forged one.
    let admin = client_with_key(ADMIN_KEY);
    let created = admin
        .post(format!("{base}/api/v1/auth/api-keys"))
        .json(&json!({"name": "leak-test", "role": "operator"}))
        .send()
        .await;
    let created = answer(created.expect("sent")).await;
    let new_key = created.body["key"].as_str().expect("key").to_owned();
    let op = client_with_key(&new_key);
    let order =
        answer(op.post(format!("{base}/api/v1/orders")).json(&order_body(1800)).send().await.expect("sent")).await;
    keep(&order);
    let id = order.body["id"].as_i64().expect("id");
    for r in [
        op.get(format!("{base}/api/v1/orders/{id}")).send().await,
        op.delete(format!("{base}/api/v1/orders/{id}")).send().await,
        op.post(format!("{base}/api/v1/payments/refund")).json(&json!({"payment_id": 1})).send().await,
        admin.get(format!("{base}/api/v1/audit")).send().await,
        client_with_key(&format!("{new_key}0")).get(format!("{base}/api/v1/orders")).send().await,
        op.post(format!("{base}/api/v1/orders"))
            .body("{not json")
            .header("content-type", "application/json")
            .send()
            .await,
    ] {
        keep(&answer(r.expect("sent")).await);
    }
    // The signed webhook, good and forged.
    let secrets = gateway::webhook_signature::WebhookSecrets::parse(WEBHOOK_SECRET).expect("secret");
    let raw = serde_json::to_vec(&json!({"payment_id": 1, "status": "refunded", "amount": 1, "event_id": "leak"}))
        .expect("json");
    let now = chrono::Utc::now().timestamp();
    for signature in [secrets.sign("leak-1", now, &raw), format!("v1,{}", &WEBHOOK_SECRET[6..])] {
        let r = reqwest::Client::new()
            .post(format!("{base}/api/v1/orders/{id}/webhook"))
            .header("content-type", "application/json")
            .header("webhook-id", "leak-1")
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", signature)
            .body(raw.clone())
            .send()
            .await;
        keep(&answer(r.expect("sent")).await);
    }
    keep(&answer(browser.post(format!("{base}/api/v1/auth/logout")).send().await.expect("sent")).await);
    let scraped = reqwest::get(format!("{metrics}/metrics")).await.expect("metrics").text().await.expect("text");

    // A graceful stop flushes the spans.
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    child.wait().expect("exits");
    let logs = logs.join().expect("logs");
    let spans = format!("{:?}", sink.spans());
    assert!(logs.contains("order service listening") && sink.count() > 20, "the outputs were captured");

    let webhook_key = WEBHOOK_SECRET.strip_prefix("whsec_").expect("prefix");
    let secrets = [
        ("the admin password", PASSWORD),
        ("the admin API key", ADMIN_KEY),
        ("a new API key", new_key.as_str()),
        ("the webhook secret", webhook_key),
        ("the service token", SERVICE_TOKEN),
        ("a session id", session.as_str()),
    ];
    for (what, secret) in secrets {
        assert!(!logs.contains(secret), "{what} is in the logs");
        assert!(!spans.contains(secret), "{what} is in an exported span");
        assert!(!scraped.contains(secret), "{what} is in /metrics");
        for a in &answers {
            assert!(!a.contains(secret), "{what} is in an answer: {a}");
        }
    }
    assert!(created.body.to_string().contains(&new_key), "the new key is shown once, at creation");
}
