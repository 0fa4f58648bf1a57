//! Delivery to real third-party servers: e-mail to a real SMTP server
//! (aiosmtpd, `platform/tests/smtp_server.py`, started here: plain, with
//! STARTTLS on a certificate made here, refusing or deferring recipients on
//! demand, down and up again), SMS to a stand-in provider with Twilio's API
//! shape (a small HTTP server here). Then what operators see and do: the
//! attempt log, the trace id, the failed list, retries.
//!
//! python3 with aiosmtpd is a requirement of these tests (scripts/setup.sh
//! installs it); without it they fail and say so.

use std::{
    path::PathBuf,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use ec_common::config::Secret;
use ec_platform::PlatformConfig;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::*;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py");

#[derive(Default)]
struct SmtpOptions {
    /// 0: any free port.
    port: u16,
    /// Offer STARTTLS with this certificate and key.
    tls: Option<(PathBuf, PathBuf)>,
    /// Require AUTH with `user:password`.
    auth: Option<String>,
    /// How often a `busy...@` recipient is deferred (451) before it is accepted.
    busy_times: Option<u32>,
    /// How long the server keeps a `slow...@` message before it answers 250.
    slow_secs: Option<f64>,
}

/// The test SMTP server: a child process, and the directory it records
/// every accepted message in.
struct SmtpServer {
    child: tokio::process::Child,
    port: u16,
    out: TempDir,
}

impl SmtpServer {
    async fn start(o: SmtpOptions) -> Self {
        Self::start_in(tempfile::tempdir().expect("dir"), o).await
    }

    async fn start_in(out: TempDir, o: SmtpOptions) -> Self {
        let log = out.path().join("server.log");
        let mut cmd = tokio::process::Command::new("python3");
        cmd.arg(SCRIPT).arg("--out").arg(out.path()).arg("--port").arg(o.port.to_string());
        if let Some((cert, key)) = &o.tls {
            cmd.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        }
        if let Some(auth) = &o.auth {
            cmd.arg("--auth").arg(auth);
        }
        if let Some(n) = o.busy_times {
            cmd.arg("--busy-times").arg(n.to_string());
        }
        if let Some(s) = o.slow_secs {
            cmd.arg("--slow-secs").arg(s.to_string());
        }
        cmd.stdout(Stdio::piped()).stderr(std::fs::File::create(&log).expect("log file")).kill_on_drop(true);
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): the SMTP tests need python3 with aiosmtpd; run scripts/setup.sh")
        });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let ready = tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await;
        let port = match ready {
            Ok(Ok(Some(line))) => line.strip_prefix("ready ").and_then(|p| p.trim().parse().ok()),
            _ => None,
        };
        let Some(port) = port else {
            let _ = child.start_kill();
            let _ = child.wait().await;
            panic!(
                "the test SMTP server ({SCRIPT}) did not start: {}\n(it needs python3 with aiosmtpd: run scripts/setup.sh)",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Self { child, port, out }
    }

    /// Every message accepted so far, in the order they arrived.
    fn received(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .expect("out dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("a message record"))
            .collect()
    }

    async fn received_at_least(&self, n: usize) -> Vec<Value> {
        until(&format!("{n} messages at the SMTP server"), async || {
            let got = self.received();
            (got.len() >= n).then_some(got)
        })
        .await
    }

    /// Stops the server; hands back what it recorded.
    async fn stop(mut self) -> TempDir {
        let _ = self.child.kill().await;
        self.out
    }
}

/// The platform delivering e-mail to `url` and retrying fast.
async fn platform_mailing_to(url: String, tweak: impl FnOnce(&mut PlatformConfig)) -> TestApp {
    platform_in(tempfile::tempdir().expect("dir"), url, tweak).await
}

/// The same, on an existing data directory.
async fn platform_in(dir: TempDir, url: String, tweak: impl FnOnce(&mut PlatformConfig)) -> TestApp {
    spawn_in(dir, |c| {
        c.notification.smtp.url = Some(Secret::new(url));
        c.notification.retry_base_ms = 50;
        c.notification.rate_per_sec = 1000.0;
        c.notification.burst = 100;
        tweak(c);
    })
    .await
}

/// Queues an ORDER_SHIPPED mail of order `order_id` to `to`; answers it.
async fn mail(app: &TestApp, order_id: i64, to: &str) -> Value {
    let a = app
        .post(
            "/api/v1/notifications/email",
            json!({"order_id": order_id, "recipient": to, "template": "ORDER_SHIPPED",
                   "variables": {"customer_name": "佐藤 花子", "order_id": order_id}}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body
}

/// The one notification of order `order_id`, once `done` holds for it.
async fn notification_of(app: &TestApp, order_id: i64, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    until(what, async || {
        let a = app.get(&format!("/api/v1/notifications/order/{order_id}")).await;
        a.body.as_array().and_then(|l| l.first()).filter(|n| done(n)).cloned()
    })
    .await
}

fn outcomes(n: &Value) -> Vec<String> {
    n["delivery_attempts"]
        .as_array()
        .expect("delivery_attempts")
        .iter()
        .map(|a| a["outcome"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn is(status: &'static str) -> impl Fn(&Value) -> bool {
    move |n| n["status"] == status
}

#[tokio::test]
async fn a_mail_arrives_at_the_smtp_server_with_its_headers_and_body() {
    let smtp = SmtpServer::start(SmtpOptions::default()).await;
    let app = platform_mailing_to(format!("smtp://127.0.0.1:{}", smtp.port), |_| {}).await;
    let queued = mail(&app, 101, "hanako@example.jp").await;
    let id = queued["id"].as_i64().expect("id");

    let got = smtp.received_at_least(1).await;
    let m = &got[0];
    assert_eq!(m["from"], "EC Platform <no-reply@ec-platform.local>", "{m}");
    assert_eq!(m["mail_from"], "no-reply@ec-platform.local");
    assert_eq!(m["to"], "hanako@example.jp");
    assert_eq!(m["rcpt_tos"], json!(["hanako@example.jp"]));
    assert_eq!(m["subject"], queued["subject"], "the rendered subject, Japanese intact");
    assert_eq!(m["subject"], "【発送のお知らせ】注文番号 101");
    assert_eq!(m["content_type"], "text/plain");
    let body = m["body"].as_str().expect("body").replace("\r\n", "\n");
    assert_eq!(body.trim_end(), queued["body"].as_str().expect("body"));
    assert_eq!(m["message_id"], format!("<notification-{id}@ec-platform.local>"));
    assert_eq!(m["tls"], false, "this server offers no STARTTLS: plain is what opportunistic TLS falls back to");

    let n = notification_of(&app, 101, "the mail marked sent", is("sent")).await;
    assert_eq!(outcomes(&n), ["sent"], "{n}");
    let attempt = &n["delivery_attempts"][0];
    assert_eq!((attempt["attempt"].as_i64(), attempt["error"].is_null()), (Some(1), true), "{n}");
    assert!(attempt["duration_ms"].as_i64().is_some_and(|d| d >= 0), "{n}");
    assert!(attempt["at"].is_string() && n["sent_at"].is_string(), "{n}");
    assert_eq!(smtp.received().len(), 1, "exactly one copy");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn starttls_with_a_test_ca_and_credentials() {
    let certs = tempfile::tempdir().expect("dir");
    let pki = crate::mesh::pki();
    let write = |name: &str, text: &str| {
        let p = certs.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let (cert, key, ca) = (write("smtp.pem", &pki.cert), write("smtp.key", &pki.key), write("ca.pem", &pki.ca));
    let smtp = SmtpServer::start(SmtpOptions {
        tls: Some((cert, key)),
        auth: Some("mailer:s3cr@t".into()),
        ..SmtpOptions::default()
    })
    .await;
    // The password travels percent-encoded in the URL; TLS is required.
    let url = format!("smtp://mailer:s3cr%40t@127.0.0.1:{}?tls=required", smtp.port);
    let app = platform_mailing_to(url, |c| c.notification.smtp.ca_file = Some(ca.clone())).await;
    mail(&app, 102, "tls@example.jp").await;
    let got = smtp.received_at_least(1).await;
    assert_eq!(got[0]["tls"], true, "delivered under STARTTLS: {}", got[0]);
    assert_eq!(got[0]["authenticated"], true, "signed in with the URL's credentials: {}", got[0]);
    let n = notification_of(&app, 102, "the mail marked sent", is("sent")).await;
    assert_eq!(outcomes(&n), ["sent"]);
    assert!(!n.to_string().contains("s3cr"), "the password is nowhere in the notification: {n}");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn tls_required_refuses_a_server_without_starttls() {
    let smtp = SmtpServer::start(SmtpOptions::default()).await;
    let url = format!("smtp://127.0.0.1:{}?tls=required", smtp.port);
    let app = platform_mailing_to(url, |c| c.notification.max_attempts = 2).await;
    mail(&app, 103, "plain@example.jp").await;
    let n = notification_of(&app, 103, "the mail failed", is("failed")).await;
    assert_eq!(outcomes(&n), ["retry", "failed"], "retried, then out of attempts: {n}");
    let error = n["last_error"].as_str().expect("last_error");
    assert!(error.contains("STARTTLS"), "a clear reason: {error}");
    assert_eq!(smtp.received().len(), 0, "nothing was sent in the clear");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn a_5xx_fails_at_once_with_the_servers_reply_and_a_4xx_is_retried_until_sent() {
    let smtp = SmtpServer::start(SmtpOptions { busy_times: Some(2), ..SmtpOptions::default() }).await;
    let app = platform_mailing_to(format!("smtp://127.0.0.1:{}", smtp.port), |_| {}).await;
    mail(&app, 104, "reject-me@example.jp").await;
    mail(&app, 105, "busy-box@example.jp").await;

    let rejected = notification_of(&app, 104, "the refused mail failed", is("failed")).await;
    assert_eq!(outcomes(&rejected), ["failed"], "a 5xx is not retried: {rejected}");
    let error = rejected["last_error"].as_str().expect("last_error");
    assert!(error.contains("550") && error.contains("User unknown"), "the server's reply: {error}");
    assert_eq!(rejected["delivery_attempts"][0]["error"], error);

    let deferred = notification_of(&app, 105, "the deferred mail sent", is("sent")).await;
    assert_eq!(outcomes(&deferred), ["retry", "retry", "sent"], "{deferred}");
    assert!(deferred["delivery_attempts"][0]["error"].as_str().is_some_and(|e| e.contains("451")), "{deferred}");
    let copies: Vec<_> = smtp.received().into_iter().filter(|m| m["to"] == "busy-box@example.jp").collect();
    assert_eq!(copies.len(), 1, "one copy of the deferred mail");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn mail_queued_while_the_server_is_down_is_delivered_once_it_is_back() {
    // A port nobody listens on, for now.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let app = platform_mailing_to(format!("smtp://127.0.0.1:{port}"), |c| c.notification.max_attempts = 50).await;
    for order in 106..109 {
        mail(&app, order, &format!("customer{order}@example.jp")).await;
    }
    for order in 106..109 {
        let n = notification_of(&app, order, "a failed connection recorded", |n| {
            n["status"] == "queued" && !n["delivery_attempts"].as_array().is_none_or(Vec::is_empty)
        })
        .await;
        assert!(outcomes(&n).iter().all(|o| o == "retry"), "{n}");
    }

    let smtp = SmtpServer::start(SmtpOptions { port, ..SmtpOptions::default() }).await;
    for order in 106..109 {
        let n = notification_of(&app, order, "delivered after the server came back", is("sent")).await;
        assert_eq!(outcomes(&n).last().map(String::as_str), Some("sent"), "{n}");
    }
    let stats = app.get("/api/v1/notifications/stats").await.body;
    assert_eq!((stats["queued"].as_i64(), stats["failed"].as_i64()), (Some(0), Some(0)), "{stats}");
    let got = smtp.received();
    let mut to: Vec<&str> = got.iter().filter_map(|m| m["to"].as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["customer106@example.jp", "customer107@example.jp", "customer108@example.jp"], "one copy each");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn a_mail_the_server_took_without_answering_in_time_is_not_sent_again() {
    // The server keeps `slow...@` mail at once but answers 250 only after
    // 5 s; the sender gives up after 1 s, not knowing the server has it.
    let smtp = SmtpServer::start(SmtpOptions { slow_secs: Some(5.0), ..SmtpOptions::default() }).await;
    let app = platform_mailing_to(format!("smtp://127.0.0.1:{}", smtp.port), |c| {
        c.notification.send_timeout_ms = 1000;
        c.notification.max_attempts = 5;
    })
    .await;
    mail(&app, 112, "slow-reply@example.jp").await;
    let n = notification_of(&app, 112, "the mail settled", |n| n["status"] != "queued").await;
    assert_eq!(n["status"], "sent", "handed over, so it counts as sent: {n}");
    let outcomes = outcomes(&n);
    // (An attempt cut short before the handover, on a slow machine, would
    // be a retry: nothing reached the server then.)
    assert_eq!(outcomes.last().map(String::as_str), Some("unconfirmed"), "{n}");
    assert!(outcomes[..outcomes.len() - 1].iter().all(|o| o == "retry"), "{n}");
    let error = n["last_error"].as_str().expect("why it is unconfirmed");
    assert!(error.contains("handed over") && error.contains("not sent again"), "{error}");

    // The dispatcher goes on with the queue; the server has the mail once.
    mail(&app, 113, "next@example.jp").await;
    let got = until("the next mail at the server", async || {
        let got = smtp.received();
        got.iter().any(|m| m["to"] == "next@example.jp").then_some(got)
    })
    .await;
    let copies = got.iter().filter(|m| m["to"] == "slow-reply@example.jp").count();
    assert_eq!(copies, 1, "the server kept it once and it was not sent again");
    let n = notification_of(&app, 112, "the mail", |_| true).await;
    assert_eq!(n["attempts"], outcomes.len(), "no attempt since: {n}");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn a_mail_a_dead_dispatcher_was_handing_over_is_settled_not_sent_again() {
    // A notification that failed once (no server yet), then the state a
    // dispatcher killed right after its handover leaves: claimed by it,
    // handed over, its lease run out.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app = platform_mailing_to(url.clone(), |c| c.notification.max_attempts = 50).await;
    mail(&app, 114, "orphan@example.jp").await;
    let n = notification_of(&app, 114, "a failed connection recorded", |n| {
        n["status"] == "queued" && !n["delivery_attempts"].as_array().is_none_or(Vec::is_empty)
    })
    .await;
    let id = n["id"].as_i64().expect("id");
    let dir = app.stop().await;
    let changed = execute(
        dir.path(),
        "notification",
        &format!(
            "UPDATE notifications SET handed_over_at = created_at, lease_owner = 'dispatcher-killed', \
             lease_until = created_at, next_attempt_at = created_at WHERE id = {id}"
        ),
    )
    .await;
    assert_eq!(changed, 1);

    let smtp = SmtpServer::start(SmtpOptions { port, ..SmtpOptions::default() }).await;
    let app = platform_in(dir, url, |c| c.notification.max_attempts = 50).await;
    let n = notification_of(&app, 114, "the orphan settled", is("sent")).await;
    assert_eq!(outcomes(&n).last().map(String::as_str), Some("unconfirmed"), "{n}");
    let error = n["last_error"].as_str().expect("why");
    assert!(error.contains("stopped while handing it") && error.contains("not sent again"), "{error}");
    mail(&app, 115, "after@example.jp").await;
    let got = smtp.received_at_least(1).await;
    let to: Vec<&str> = got.iter().filter_map(|m| m["to"].as_str()).collect();
    assert_eq!(to, ["after@example.jp"], "the orphan never went to the server");
    app.stop().await;
    smtp.stop().await;
}

#[tokio::test]
async fn operators_list_failed_notifications_and_retry_them() {
    // `busy...@` is deferred once; with a budget of one attempt that fails
    // it, and an operator's retry (a fresh budget) then delivers it.
    let smtp = SmtpServer::start(SmtpOptions { busy_times: Some(1), ..SmtpOptions::default() }).await;
    let app = platform_mailing_to(format!("smtp://127.0.0.1:{}", smtp.port), |c| c.notification.max_attempts = 1).await;
    let ok = mail(&app, 110, "fine@example.jp").await;
    let busy = mail(&app, 111, "busy-one@example.jp").await;
    let rejected = mail(&app, 112, "reject-one@example.jp").await;
    notification_of(&app, 110, "sent", is("sent")).await;
    notification_of(&app, 111, "failed", is("failed")).await;
    notification_of(&app, 112, "failed", is("failed")).await;

    let failed = app.get("/api/v1/notifications?status=failed").await;
    assert_eq!(failed.status, 200, "{}", failed.body);
    let ids: Vec<&Value> = failed.body["notifications"].as_array().expect("list").iter().map(|n| &n["id"]).collect();
    assert_eq!(ids, [&rejected["id"], &busy["id"]], "newest first, only the failed ones");
    assert!(failed.body["next_cursor"].is_null());
    let page = app.get("/api/v1/notifications?limit=2").await.body;
    assert_eq!(page["notifications"].as_array().map(Vec::len), Some(2), "{page}");
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let rest = app.get(&format!("/api/v1/notifications?limit=2&cursor={cursor}")).await.body;
    assert_eq!(rest["notifications"][0]["id"], ok["id"], "{rest}");
    assert!(rest["next_cursor"].is_null());
    app.get("/api/v1/notifications?status=lost").await.assert_problem(422, "VALIDATION_FAILED");

    // Only a failed one can be retried, by an operator.
    let sent_id = ok["id"].as_i64().expect("id");
    app.post(&format!("/api/v1/notifications/{sent_id}/retry"), json!({}))
        .await
        .assert_problem(409, "NOTIFICATION_NOT_FAILED");
    app.post("/api/v1/notifications/999999/retry", json!({})).await.assert_problem(404, "NOT_FOUND");
    let busy_id = busy["id"].as_i64().expect("id");
    let retried = app.post(&format!("/api/v1/notifications/{busy_id}/retry"), json!({})).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body["status"], "queued");
    let n = notification_of(&app, 111, "delivered after the retry", is("sent")).await;
    assert_eq!(outcomes(&n), ["failed", "sent"], "a fresh budget; the log goes on: {n}");
    assert_eq!(n["delivery_attempts"][1]["attempt"], 2);
    assert_eq!(n["attempts"], 2);

    // All failed at once: the one refused for good fails again, a second attempt.
    let all = app.post("/api/v1/notifications/retry-failed", json!({})).await;
    assert_eq!((all.status.as_u16(), &all.body), (200, &json!({"requeued": 1})));
    let n = notification_of(&app, 112, "failed again", |n| n["status"] == "failed" && n["attempts"] == 2).await;
    assert_eq!(outcomes(&n), ["failed", "failed"]);
    assert_eq!(smtp.received().iter().filter(|m| m["to"] == "busy-one@example.jp").count(), 1);
    app.stop().await;
    smtp.stop().await;
}

/// What the stand-in SMS provider was asked.
#[derive(Debug, Clone)]
struct SmsRequest {
    path: String,
    authorization: String,
    content_type: String,
    form: Vec<(String, String)>,
}

/// A stand-in for the SMS provider (a third party, so a fake is fair):
/// Twilio's route; the first request for a number answers 500, the next
/// 201; a number ending in 0000 is refused with 400 and Twilio's error body.
async fn sms_provider() -> (String, Arc<Mutex<Vec<SmsRequest>>>) {
    use axum::{extract::State, http::HeaderMap, http::StatusCode, http::Uri, routing::post};
    type Seen = Arc<Mutex<Vec<SmsRequest>>>;
    async fn messages(State(seen): State<Seen>, uri: Uri, headers: HeaderMap, body: String) -> (StatusCode, String) {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        let to = form.iter().find(|(k, _)| k == "To").map(|(_, v)| v.clone()).unwrap_or_default();
        let earlier = {
            let mut seen = seen.lock().expect("lock");
            let earlier = seen.iter().filter(|r| r.form.iter().any(|(k, v)| k == "To" && *v == to)).count();
            seen.push(SmsRequest {
                path: uri.path().to_owned(),
                authorization: header("authorization"),
                content_type: header("content-type"),
                form,
            });
            earlier
        };
        if to.ends_with("0000") {
            let e = json!({"code": 21211, "message": format!("The 'To' number {to} is not a valid phone number."), "status": 400});
            return (StatusCode::BAD_REQUEST, e.to_string());
        }
        if earlier == 0 {
            return (StatusCode::INTERNAL_SERVER_ERROR, json!({"message": "try again"}).to_string());
        }
        (StatusCode::CREATED, json!({"sid": "SM0123", "status": "queued"}).to_string())
    }
    let seen: Seen = Arc::default();
    let router =
        axum::Router::new().route("/2010-04-01/Accounts/{sid}/Messages.json", post(messages)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, seen)
}

#[tokio::test]
async fn sms_go_to_the_provider_once_each_and_its_refusals_are_final() {
    use base64::Engine as _;
    let (url, seen) = sms_provider().await;
    let app = spawn_with(|c| {
        c.notification.sms.url = Some(format!("{url}/"));
        c.notification.sms.account_sid = Some("AC0123456789".into());
        c.notification.sms.auth_token = Some(Secret::new("tok-secret"));
        c.notification.sms.from = Some("+15005550006".into());
        c.notification.retry_base_ms = 50;
    })
    .await;
    let vars = json!({"customer_name": "佐藤 花子", "order_id": 120});
    for (order, to) in [(120, "+81 90-1234-5678"), (121, "090-0000-0000")] {
        let a = app
            .post(
                "/api/v1/notifications/sms",
                json!({"order_id": order, "recipient": to, "template": "ORDER_SHIPPED", "variables": vars}),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let sent = notification_of(&app, 120, "the SMS sent", is("sent")).await;
    assert_eq!(outcomes(&sent), ["retry", "sent"], "a 500 is retried: {sent}");
    assert!(sent["delivery_attempts"][0]["error"].as_str().is_some_and(|e| e.contains("500")), "{sent}");
    let refused = notification_of(&app, 121, "the SMS refused", is("failed")).await;
    assert_eq!(outcomes(&refused), ["failed"], "a 400 is final: {refused}");
    let error = refused["last_error"].as_str().expect("error");
    assert!(error.contains("400") && error.contains("not a valid phone number") && error.contains("21211"), "{error}");

    let seen = seen.lock().expect("lock").clone();
    let to_first: Vec<&SmsRequest> =
        seen.iter().filter(|r| r.form.iter().any(|(k, v)| k == "To" && v == "+819012345678")).collect();
    assert_eq!(to_first.len(), 2, "a 500, then one delivery: {seen:?}");
    let r = to_first[1];
    assert_eq!(r.path, "/2010-04-01/Accounts/AC0123456789/Messages.json");
    let basic = base64::engine::general_purpose::STANDARD.encode("AC0123456789:tok-secret");
    assert_eq!(r.authorization, format!("Basic {basic}"));
    assert_eq!(r.content_type, "application/x-www-form-urlencoded");
    let field = |name: &str| r.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(field("From"), Some("+15005550006"));
    assert_eq!(field("Body"), sent["body"].as_str());
    assert!(!sent.to_string().contains("tok-secret") && !refused.to_string().contains("tok-secret"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_keeps_the_trace_of_the_request_that_queued_it() {
    let (addr, _sink) = ec_platform::otlp_sink::start_on(([127, 0, 0, 1], 0).into()).await.expect("collector");
    crate::observability::telemetry_to(format!("http://{addr}")).await;
    let app = spawn_app().await;
    let a = app
        .post(
            "/api/v1/notifications/email",
            json!({"order_id": 130, "recipient": "trace@example.jp", "template": "ORDER_SHIPPED",
                   "variables": {"customer_name": "x", "order_id": 130}}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let trace_id = a.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    assert_eq!(trace_id.len(), 32);
    assert_eq!(a.body["trace_id"], trace_id.as_str());
    let n = notification_of(&app, 130, "sent", is("sent")).await;
    assert_eq!(n["trace_id"], trace_id.as_str(), "{n}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_the_queue_each_mail_goes_once_and_the_fleet_keeps_the_rate() {
    const RATE: f64 = 20.0;
    const BURST: u32 = 5;
    const MAILS: usize = 60;
    let smtp = SmtpServer::start(SmtpOptions::default()).await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = platform_mailing_to(url.clone(), |c| {
        c.notification.rate_per_sec = RATE;
        c.notification.burst = BURST;
    })
    .await;
    // A second notification replica on the same database, same settings.
    let dir = app.dir.path();
    let mut cfg = notification_service::Config::for_tests(dir.to_path_buf());
    cfg.database_url = ec_common::db::test_database(dir, "notification").await.expect("test database");
    cfg.settings.smtp.url = Some(Secret::new(url));
    cfg.settings.rate_per_sec = RATE;
    cfg.settings.burst = BURST;
    let replica = notification_service::Application::build(cfg).await.expect("replica builds");
    let stop = ec_common::shutdown::Shutdown::new();
    let replica = tokio::spawn(replica.run(stop.clone()));

    for i in 0..MAILS {
        mail(&app, 7000 + i as i64, &format!("r{i}@example.jp")).await;
    }
    smtp.received_at_least(MAILS).await;
    let mut at = Vec::new();
    for i in 0..MAILS {
        let n = notification_of(&app, 7000 + i as i64, "sent", is("sent")).await;
        assert_eq!(outcomes(&n), ["sent"], "one attempt each: {n}");
        let t = n["delivery_attempts"][0]["at"].as_str().expect("at");
        at.push(chrono::DateTime::parse_from_rfc3339(t).expect("rfc 3339"));
    }
    let got = smtp.received();
    let mut ids: Vec<&str> = got.iter().filter_map(|m| m["message_id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (MAILS, MAILS), "each mail exactly once");
    // Both replicas delivered (each sent row names its dispatcher)...
    let owners =
        scalar(dir, "notification", "SELECT COUNT(DISTINCT lease_owner) FROM notifications WHERE status = 'sent'")
            .await;
    assert_eq!(owners, 2, "both dispatchers took part");
    // ...and together never beyond the rate: any run of sends fits in the
    // bucket (burst, plus the rate over the time it spans and over one
    // dispatcher round, since a round sends what it took at its start, plus
    // one for the clock's rounding). Two replicas pacing themselves alone
    // would send at twice the rate: 60 mails in about 1.25 s.
    at.sort();
    for i in 0..at.len() {
        for j in i..at.len() {
            let span = (at[j] - at[i]).num_milliseconds() as f64 / 1000.0;
            let allowed = f64::from(BURST) + RATE * (span + 0.5) + 1.0;
            assert!((j - i + 1) as f64 <= allowed, "{} sends in {span:.3} s: over the fleet's rate", j - i + 1);
        }
    }
    stop.trigger();
    let _ = replica.await;
    app.stop().await;
    smtp.stop().await;
}
