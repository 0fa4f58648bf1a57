//! Access control through the gateway (DESIGN.md section 5): every route ×
//! every role, sign-in and sessions, API keys, the cross-site guard, the
//! throttle, the audit log, the signed webhook, bootstrap, and who did what.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// What each route needs, written out here (not read from the gateway's own
/// table): `None` = open to anyone, `Some("any")` = any signed-in principal.
const ROUTES: &[(&str, &str, Option<&str>)] = &[
    ("GET", "/healthz", None),
    ("GET", "/readyz", None),
    ("GET", "/api/v1/openapi.json", None),
    ("POST", "/api/v1/auth/login", None),
    ("GET", "/api/v1/auth/me", Some("any")),
    ("POST", "/api/v1/auth/logout", Some("any")),
    ("GET", "/api/v1/orders", Some("viewer")),
    ("POST", "/api/v1/orders", Some("operator")),
    ("GET", "/api/v1/orders/stats", Some("viewer")),
    ("GET", "/api/v1/orders/999999", Some("viewer")),
    ("DELETE", "/api/v1/orders/999999", Some("operator")),
    ("PUT", "/api/v1/orders/999999/status", Some("operator")),
    ("GET", "/api/v1/orders/imports", Some("viewer")),
    ("POST", "/api/v1/orders/imports", Some("operator")),
    ("GET", "/api/v1/orders/imports/missing", Some("viewer")),
    ("GET", "/api/v1/orders/imports/missing/events", Some("viewer")),
    ("GET", "/api/v1/orders/imports/missing/errors", Some("viewer")),
    ("POST", "/api/v1/payments", Some("admin")),
    ("POST", "/api/v1/payments/refund", Some("admin")),
    ("GET", "/api/v1/payments/order/999999", Some("viewer")),
    ("GET", "/api/v1/payments/999999", Some("viewer")),
    ("POST", "/api/v1/notifications/email", Some("operator")),
    ("POST", "/api/v1/notifications/sms", Some("operator")),
    ("GET", "/api/v1/notifications/order/1", Some("viewer")),
    ("GET", "/api/v1/notifications/templates", Some("viewer")),
    ("PUT", "/api/v1/notifications/templates/ORDER_SHIPPED", Some("admin")),
    ("GET", "/api/v1/notifications/stats", Some("viewer")),
    ("GET", "/api/v1/notifications", Some("viewer")),
    ("POST", "/api/v1/notifications/999999/retry", Some("operator")),
    ("POST", "/api/v1/notifications/retry-failed", Some("operator")),
    ("GET", "/api/v1/orders/999999/timeline", Some("viewer")),
    ("GET", "/api/v1/outbox/payment/events", Some("viewer")),
    ("POST", "/api/v1/outbox/order/events/999999/retry", Some("operator")),
    ("POST", "/api/v1/outbox/payment/retry-dead", Some("operator")),
    ("GET", "/api/v1/auth/users", Some("admin")),
    ("POST", "/api/v1/auth/users", Some("admin")),
    ("PATCH", "/api/v1/auth/users/999999", Some("admin")),
    ("DELETE", "/api/v1/auth/users/999999", Some("admin")),
    ("GET", "/api/v1/auth/api-keys", Some("admin")),
    ("POST", "/api/v1/auth/api-keys", Some("admin")),
    ("DELETE", "/api/v1/auth/api-keys/999999", Some("admin")),
    ("GET", "/api/v1/audit", Some("admin")),
];

fn rank(role: &str) -> u8 {
    match role {
        "viewer" => 1,
        "operator" => 2,
        "admin" => 3,
        _ => 0,
    }
}

/// Creates an API key of `role` with the admin key; answers the key.
async fn key(app: &TestApp, name: &str, role: &str) -> String {
    let a = app.post("/api/v1/auth/api-keys", json!({"name": name, "role": role})).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["key"].as_str().expect("key").to_owned()
}

async fn send(client: &reqwest::Client, app: &TestApp, method: &str, path: &str) -> Answer {
    let method: Method = method.parse().expect("method");
    let mut req = client.request(method.clone(), format!("{}{path}", app.base));
    if method != Method::GET {
        // An empty object: every handler refuses it, so nothing changes.
        req = req.header("content-type", "application/json").body("{}");
    }
    answer(req.send().await.expect("sent")).await
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_design_says() {
    let app = spawn_app().await;
    let clients = [
        ("none", anonymous()),
        ("viewer", client_with_key(&key(&app, "v", "viewer").await)),
        ("operator", client_with_key(&key(&app, "o", "operator").await)),
        ("admin", client_with_key(ADMIN_KEY)),
    ];
    // Every documented route is in the table above.
    let doc = app.get("/api/v1/openapi.json").await.body;
    let documented: usize =
        doc["paths"].as_object().expect("paths").values().map(|p| p.as_object().map_or(0, |o| o.len())).sum();
    // (The OpenAPI document does not list itself; the webhook is tested apart.)
    assert_eq!(documented, ROUTES.len() - 1 + 1, "the table misses documented routes");
    for (method, path, needs) in ROUTES {
        for (who, client) in &clients {
            let a = send(client, &app, method, path).await;
            let status = a.status.as_u16();
            match needs {
                None => assert!(status != 401 && status != 403, "{method} {path} as {who}: {status} {}", a.body),
                Some(role) if *who == "none" => {
                    a.assert_problem(401, "UNAUTHENTICATED");
                    assert_eq!(a.headers["www-authenticate"], "Bearer", "{method} {path}");
                    let _ = role;
                }
                Some(role) if *role != "any" && rank(who) < rank(role) => {
                    assert_eq!(status, 403, "{method} {path} as {who}: {}", a.body);
                    a.assert_problem(403, "FORBIDDEN");
                }
                Some(_) => assert!(status != 401 && status != 403, "{method} {path} as {who}: {status} {}", a.body),
            }
        }
    }
    // The webhook is signed, not signed-in: a key does not open it.
    for (who, client) in &clients {
        let a = send(client, &app, "POST", "/api/v1/orders/1/webhook").await;
        assert_eq!(a.status, 401, "webhook as {who}: {}", a.body);
    }
    // Nothing above changed anything.
    assert_eq!(app.get("/api/v1/orders").await.body["orders"], json!([]));
    app.stop().await;
}

/// A cookie jar of one session.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("client")
}

async fn login(client: &reqwest::Client, app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn sign_in_sessions_and_the_cross_site_guard() {
    let app = spawn_app().await;
    let created = app
        .post(
            "/api/v1/auth/users",
            json!({"email": "Hanako@Example.jp", "password": "hanako-pass-1234", "role": "operator"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["email"], "hanako@example.jp");
    assert!(created.body.get("password_hash").is_none() && !created.body.to_string().contains("argon2"));
    app.post(
        "/api/v1/auth/users",
        json!({"email": "hanako@example.jp", "password": "another-pass-123", "role": "viewer"}),
    )
    .await
    .assert_problem(409, "CONFLICT");
    app.post("/api/v1/auth/users", json!({"email": "short@example.jp", "password": "short", "role": "viewer"}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");

    // A wrong password and an unknown e-mail answer the same.
    let b = browser();
    let wrong = answer(login(&b, &app, "hanako@example.jp", "not-her-password").await).await;
    let unknown = answer(login(&b, &app, "nobody@example.jp", "not-her-password").await).await;
    wrong.assert_problem(401, "UNAUTHENTICATED");
    assert_eq!((wrong.status, wrong.body["detail"].clone()), (unknown.status, unknown.body["detail"].clone()));

    let res = login(&b, &app, "hanako@example.jp", "hanako-pass-1234").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cookie = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(
        cookie.starts_with("ec_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no Secure over plain HTTP by default: {cookie}");
    let id = cookie.split(';').next().and_then(|c| c.strip_prefix("ec_session=")).expect("id").to_owned();
    assert_eq!(id.len(), 43, "256 random bits");
    let me = answer(b.get(format!("{}/api/v1/auth/me", app.base)).send().await.expect("sent")).await;
    assert_eq!(me.body, json!({"email": "hanako@example.jp", "role": "operator", "kind": "user"}));

    // Same-site changes pass (here: refused by validation, not by access);
    // cross-site ones are refused before anything happens.
    let post = |origin: Option<&str>, site: Option<&str>| {
        let mut r = b.post(format!("{}/api/v1/orders", app.base)).json(&order_body(1000));
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(s) = site {
            r = r.header("sec-fetch-site", s);
        }
        async move { answer(r.send().await.expect("sent")).await }
    };
    post(Some("https://evil.example"), None).await.assert_problem(403, "FORBIDDEN");
    post(None, Some("cross-site")).await.assert_problem(403, "FORBIDDEN");
    post(Some("https://evil.example"), Some("same-site")).await.assert_problem(403, "FORBIDDEN");
    assert_eq!(app.get("/api/v1/orders").await.body["orders"], json!([]), "nothing was created cross-site");
    let same = post(Some(&app.base), Some("same-origin")).await;
    assert_eq!(same.status, 201, "{}", same.body);
    // A viewer's session cannot do an operator's work.
    app.post("/api/v1/auth/users", json!({"email": "v@example.jp", "password": "viewer-pass-1234", "role": "viewer"}))
        .await;
    let v = browser();
    login(&v, &app, "v@example.jp", "viewer-pass-1234").await;
    let refused =
        answer(v.post(format!("{}/api/v1/orders", app.base)).json(&order_body(1000)).send().await.expect("sent")).await;
    refused.assert_problem(403, "FORBIDDEN");

    // A new id at each sign-in; sign-out ends the session now.
    let second = login(&b, &app, "hanako@example.jp", "hanako-pass-1234").await;
    let cookie2 = second.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert_ne!(cookie, cookie2);
    let old = reqwest::Client::new()
        .get(format!("{}/api/v1/auth/me", app.base))
        .header("cookie", format!("ec_session={id}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(old.status(), 401, "the session before the new sign-in ended");
    let out = b
        .post(format!("{}/api/v1/auth/logout", app.base))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("sent");
    assert_eq!(out.status(), 204);
    let after = answer(b.get(format!("{}/api/v1/auth/me", app.base)).send().await.expect("sent")).await;
    after.assert_problem(401, "UNAUTHENTICATED");
    app.stop().await;
}

#[tokio::test]
async fn failed_sign_ins_are_slowed_down() {
    let app = spawn_app().await;
    let b = browser();
    for _ in 0..5 {
        assert_eq!(login(&b, &app, "admin@example.jp", "guess").await.status(), 401);
    }
    let limited = login(&b, &app, "admin@example.jp", "guess").await;
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!(wait >= 1);
    answer(limited).await.assert_problem(429, "TOO_MANY_REQUESTS");
    // Per address too: another account from the same client waits as well.
    assert_eq!(login(&b, &app, "other@example.jp", "guess").await.status(), 429);
    app.stop().await;
}

#[tokio::test]
async fn api_keys_are_shown_once_and_revoked_at_once() {
    let app = spawn_app().await;
    let created = app.post("/api/v1/auth/api-keys", json!({"name": "ci", "role": "operator"})).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let key = created.body["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("sk_") && key.len() >= 3 + 43, "{key}");
    assert_eq!(created.body["last4"], key[key.len() - 4..]);
    let listed = app.get("/api/v1/auth/api-keys").await.body;
    assert!(!listed.to_string().contains(&key), "a list never shows a key");
    let id = created.body["id"].as_i64().expect("id");
    let ci = client_with_key(&key);
    let ok = answer(ci.get(format!("{}/api/v1/auth/me", app.base)).send().await.expect("sent")).await;
    assert_eq!(ok.body, json!({"email": "ci", "role": "operator", "kind": "key"}));
    let revoked = app.delete(&format!("/api/v1/auth/api-keys/{id}")).await;
    assert!(revoked.body["revoked_at"].is_string(), "{}", revoked.body);
    let after = answer(ci.get(format!("{}/api/v1/orders", app.base)).send().await.expect("sent")).await;
    after.assert_problem(401, "UNAUTHENTICATED");
    // Forged keys are refused.
    for forged in [format!("{key}x"), "sk_".to_owned(), "not-a-key".to_owned(), key.replace("sk_", "pk_")] {
        let a = answer(client_with_key(&forged).get(format!("{}/api/v1/orders", app.base)).send().await.expect("sent"))
            .await;
        a.assert_problem(401, "UNAUTHENTICATED");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_last_calls_are_audited_when_the_gateway_stops_right_after_them() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.delete(&format!("/api/v1/orders/{}", 900_000 + i)).await.assert_problem(404, "NOT_FOUND");
    }
    // Entries are written a little after the answer; a graceful stop writes
    // what is still queued.
    let dir = app.stop().await;
    let sql = "SELECT COUNT(*) FROM audit_log WHERE action = 'DELETE /api/v1/orders/{id}' AND status = 404";
    assert_eq!(scalar(dir.path(), "gateway", sql).await, 5);
}

#[tokio::test]
async fn every_change_is_audited_with_who_what_and_the_outcome() {
    let app = spawn_app().await;
    let order = app.paid_order(1200).await;
    let id = order["id"].as_i64().expect("id");
    app.put(&format!("/api/v1/orders/{id}/status"), json!({"status": "shipped"})).await;
    app.delete(&format!("/api/v1/orders/{id}")).await; // 409: shipped
    let _ = anonymous().delete(format!("{}/api/v1/orders/{id}", app.base)).send().await;
    let audit = app.get("/api/v1/audit").await.body;
    let entries = audit["entries"].as_array().expect("entries");
    let admin = ADMIN_ACTOR;
    let find = |action: &str, status: i64| {
        entries
            .iter()
            .find(|e| e["action"] == action && e["status"] == status)
            .unwrap_or_else(|| panic!("no {action} {status}: {audit}"))
    };
    let create = find("POST /api/v1/orders", 201);
    assert_eq!(create["actor"], admin);
    assert_eq!(create["target"], format!("/api/v1/orders/{id}"), "a create names what it created");
    assert!(create["at"].is_string());
    let ship = find("PUT /api/v1/orders/{id}/status", 200);
    assert_eq!(ship["target"], format!("/api/v1/orders/{id}/status"));
    find("DELETE /api/v1/orders/{id}", 409);
    assert_eq!(find("DELETE /api/v1/orders/{id}", 401)["actor"], "anonymous");
    // Filters and pages.
    let by_target = app.get(&format!("/api/v1/audit?target=/api/v1/orders/{id}")).await.body;
    assert_eq!(by_target["entries"].as_array().map(Vec::len), Some(4), "{by_target}");
    let by_actor = app.get("/api/v1/audit?actor=anonymous").await.body;
    assert_eq!(by_actor["entries"].as_array().map(Vec::len), Some(1), "{by_actor}");
    let page = app.get("/api/v1/audit?limit=2").await.body;
    assert_eq!(page["entries"].as_array().map(Vec::len), Some(2));
    let next = page["next_cursor"].as_str().expect("cursor");
    let page2 = app.get(&format!("/api/v1/audit?limit=2&cursor={next}")).await.body;
    assert!(page2["entries"][0]["id"].as_i64() < page["entries"][1]["id"].as_i64());

    // Who did it travels to the services: the status history names them.
    let detail = app.get(&format!("/api/v1/orders/{id}")).await.body;
    let actors: Vec<&str> =
        detail["status_history"].as_array().expect("history").iter().filter_map(|h| h["actor"].as_str()).collect();
    assert_eq!(actors, [admin, admin, admin, admin], "pending, payment_processing, paid, shipped");
    app.stop().await;
}

#[tokio::test]
async fn refunds_template_edits_and_imports_name_who_made_them() {
    let app = spawn_app().await;
    let ops = key(&app, "ops-bot", "admin").await;
    let ops_client = client_with_key(&ops);
    let id = app.paid_order(3000).await["id"].as_i64().expect("id");
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    let refund = answer(
        ops_client
            .post(format!("{}/api/v1/payments/refund", app.base))
            .json(&json!({"payment_id": payment["id"], "amount": 500}))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(refund.status, 201, "{}", refund.body);
    assert_eq!(refund.body["created_by"], "key:2:ops-bot");
    let tpl = answer(
        ops_client
            .put(format!("{}/api/v1/notifications/templates/ORDER_SHIPPED", app.base))
            .json(&json!({"subject": "発送 {{order_id}}", "body": "{{customer_name}} 様"}))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(tpl.body["updated_by"], "key:2:ops-bot", "{}", tpl.body);
    let csv = "customer_name,customer_email,product_id,product_name,quantity,unit_price\n山田,a@example.jp,P,x,1,500\n";
    let import = answer(
        ops_client
            .post(format!("{}/api/v1/orders/imports?submitted_by=someone-else", app.base))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(import.body["submitted_by"], "key:2:ops-bot", "the principal, not what the caller claims");
    app.stop().await;
}

#[tokio::test]
async fn the_webhook_takes_only_signed_fresh_deliveries() {
    let app = spawn_app().await;
    let rejected = app.post("/api/v1/orders", order_body(3_000_000)).await;
    let id = rejected.body["order_id"].as_i64().expect("kept order");
    let body = json!({"payment_id": 9, "status": "completed", "amount": 3000, "event_id": "evt-signed"});
    let raw = serde_json::to_vec(&body).expect("json");
    let secrets = gateway::webhook_signature::WebhookSecrets::parse(WEBHOOK_SECRET).expect("secret");
    let now = chrono::Utc::now().timestamp();
    let base = app.base.clone();
    let send = |id_header: &str, ts: i64, sig: String, raw: Vec<u8>| {
        let req = anonymous()
            .post(format!("{base}/api/v1/orders/{id}/webhook"))
            .header("content-type", "application/json")
            .header("webhook-id", id_header)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(raw);
        async move { answer(req.send().await.expect("sent")).await }
    };
    // Unsigned, wrongly signed, signed for another body, stale, from the future.
    let unsigned =
        anonymous().post(format!("{}/api/v1/orders/{id}/webhook", app.base)).json(&body).send().await.expect("sent");
    answer(unsigned).await.assert_problem(401, "UNAUTHENTICATED");
    send("m1", now, "v1,AAAA".into(), raw.clone()).await.assert_problem(401, "UNAUTHENTICATED");
    send("m1", now, secrets.sign("m1", now, b"{}"), raw.clone()).await.assert_problem(401, "UNAUTHENTICATED");
    // A minute outside the window either way: a slow test run cannot bring
    // "from the future" back inside it.
    let outside = gateway::webhook_signature::TOLERANCE_SECS + 60;
    // The ends of i64 too (schemathesis found i64::MIN answering 500).
    for ts in [now - outside, now + outside, i64::MIN, i64::MAX] {
        send("m1", ts, secrets.sign("m1", ts, &raw), raw.clone()).await.assert_problem(401, "UNAUTHENTICATED");
    }
    let other = gateway::webhook_signature::WebhookSecrets::parse("whsec_b3RoZXItc2VjcmV0LW9mLWEtc3RyYW5nZXI=")
        .expect("secret");
    send("m1", now, other.sign("m1", now, &raw), raw.clone()).await.assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(app.get(&format!("/api/v1/orders/{id}")).await.body["status"], "payment_failed", "nothing changed");
    // Signed: applied once.
    let ok = send("m1", now, secrets.sign("m1", now, &raw), raw.clone()).await;
    assert_eq!((ok.status.as_u16(), ok.body["applied"].clone()), (200, json!(true)), "{}", ok.body);
    let again = send("m1", now, secrets.sign("m1", now, &raw), raw.clone()).await;
    assert_eq!(again.body["applied"], false, "a repeated webhook-id changes nothing");
    let detail = app.get(&format!("/api/v1/orders/{id}")).await.body;
    assert_eq!(detail["status"], "paid");
    let last = detail["status_history"].as_array().and_then(|h| h.last()).cloned().unwrap_or(Value::Null);
    assert_eq!(last["actor"], "webhook:m1");
    app.stop().await;

    // Without a secret, the route is disabled, never open.
    let app = spawn_with(|c| c.gateway.webhook_secret = None).await;
    let a = answer(
        anonymous()
            .post(format!("{}/api/v1/orders/1/webhook", app.base))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    a.assert_problem(503, "WEBHOOK_DISABLED");
    app.stop().await;
}

#[tokio::test]
async fn a_first_start_makes_an_admin_whose_password_is_shown_once() {
    let dir = tempfile::tempdir().expect("dir");
    let mut config = ec_platform::PlatformConfig::for_tests(dir.path().to_path_buf());
    config.databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    config.gateway.web_dir = "/nonexistent".into();
    let running = ec_platform::start(config.clone()).await.expect("starts");
    let gateway::auth::bootstrap::Outcome::Generated { email, password } = running.bootstrap.clone() else {
        panic!("no admin was generated: {:?}", running.bootstrap)
    };
    assert!(running.sign_in_hint().contains(&password));
    let base = running.gateway_url();
    let b = browser();
    let res = b
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 204);
    let me = b.get(format!("{base}/api/v1/auth/me")).send().await.expect("sent").json::<Value>().await.expect("json");
    assert_eq!(me["role"], "admin");
    running.stop().await.expect("stops");
    // The next start generates nothing (and shows no password).
    let running = ec_platform::start(config).await.expect("starts");
    assert_eq!(running.bootstrap, gateway::auth::bootstrap::Outcome::Ready);
    running.stop().await.expect("stops");

    // EC_ADMIN_EMAIL + EC_ADMIN_PASSWORD: that admin, nothing generated.
    let dir = tempfile::tempdir().expect("dir");
    let mut config = ec_platform::PlatformConfig::for_tests(dir.path().to_path_buf());
    config.databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    config.gateway.admin_email = Some("owner@example.jp".into());
    config.gateway.admin_password = Some("owner-pass-12345".parse().expect("secret"));
    let running = ec_platform::start(config).await.expect("starts");
    assert_eq!(running.bootstrap, gateway::auth::bootstrap::Outcome::Ready);
    let b = browser();
    let res = b
        .post(format!("{}/api/v1/auth/login", running.gateway_url()))
        .json(&json!({"email": "owner@example.jp", "password": "owner-pass-12345"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 204);
    running.stop().await.expect("stops");

    // Only an admin key: nobody to sign in yet, and the hint says so.
    let dir = tempfile::tempdir().expect("dir");
    let mut config = ec_platform::PlatformConfig::for_tests(dir.path().to_path_buf());
    config.databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    config.gateway.admin_api_key = Some(ADMIN_KEY.parse().expect("key"));
    let running = ec_platform::start(config).await.expect("starts");
    assert_eq!(running.bootstrap, gateway::auth::bootstrap::Outcome::KeysOnly);
    assert!(running.sign_in_hint().contains("/api/v1/auth/users"), "{}", running.sign_in_hint());
    running.stop().await.expect("stops");
}

#[tokio::test]
async fn metrics_are_off_the_public_port_and_the_admin_sends_security_headers() {
    let app = spawn_app().await;
    let public = app.get("/metrics").await;
    assert!(!public.body.to_string().contains("http_server_request_duration"), "metrics on the public port");
    let scraped = anonymous().get(app.metrics_url()).send().await.expect("sent");
    assert_eq!(scraped.status(), 200, "the metrics port answers (what it holds: tests/api/observability.rs)");
    let res = anonymous().get(format!("{}/healthz", app.base)).send().await.expect("sent");
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    app.stop().await;
}

#[tokio::test]
async fn sign_webhook_prints_headers_the_gateway_accepts() {
    let app = spawn_app().await;
    let rejected = app.post("/api/v1/orders", order_body(3_000_000)).await;
    let id = rejected.body["order_id"].as_i64().expect("kept order");
    let body = json!({"payment_id": 5, "status": "completed", "amount": 3000, "event_id": "evt-cli"}).to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ec-platform"))
        .args(["sign-webhook", "--body", &body])
        .env("EC_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut req =
        anonymous().post(format!("{}/api/v1/orders/{id}/webhook", app.base)).header("content-type", "application/json");
    for line in text.lines() {
        let (name, value) = line.split_once(": ").expect("a header line");
        req = req.header(name, value);
    }
    let a = answer(req.body(body).send().await.expect("sent")).await;
    assert_eq!((a.status.as_u16(), a.body["applied"].clone()), (200, json!(true)), "{text}\n{}", a.body);
    assert!(!text.contains(&WEBHOOK_SECRET[6..]), "the secret is not printed");
    app.stop().await;
}
