//! Starting the platform for a test, and a typed client for its REST API.

use std::{path::PathBuf, time::Duration};

use ec_common::{grpc::bind, shutdown::Shutdown};
use ec_platform::{PlatformConfig, Running};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The admin API key every test platform accepts (EC_ADMIN_API_KEY), and
/// the webhook secret it verifies with (EC_WEBHOOK_SECRET).
pub const ADMIN_KEY: &str = "sk_test_admin_0123456789abcdefghijklmnopqrstuvwxyz";
/// How the status history and payments name [`ADMIN_KEY`].
pub const ADMIN_ACTOR: &str = "key:1:EC_ADMIN_API_KEY";
pub const WEBHOOK_SECRET: &str = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5";

pub struct TestApp {
    pub running: Option<Running>,
    pub base: String,
    /// Sends the admin key with every request.
    pub http: reqwest::Client,
    pub dir: TempDir,
}

/// A client that sends `Authorization: Bearer <key>` with every request.
pub fn client_with_key(key: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {key}").parse().expect("ascii key"));
    reqwest::Client::builder().timeout(Duration::from_secs(60)).default_headers(headers).build().expect("client")
}

/// A client with no credentials.
pub fn anonymous() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client")
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// Asserts a problem+json answer with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        assert_eq!(self.body["status"], status, "{}", self.body);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{}", self.body);
        assert_eq!(
            self.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{}",
            self.body
        );
    }

    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(tweak: impl FnOnce(&mut PlatformConfig)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_in(dir, tweak).await
}

/// Starts the platform on an existing data directory (restart tests).
pub async fn spawn_in(dir: TempDir, tweak: impl FnOnce(&mut PlatformConfig)) -> TestApp {
    let mut config = PlatformConfig::for_tests(dir.path().to_path_buf());
    config.databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    config.gateway.web_dir = PathBuf::from("/nonexistent");
    config.gateway.admin_api_key = Some(ADMIN_KEY.parse().expect("key"));
    config.gateway.webhook_secret = Some(WEBHOOK_SECRET.parse().expect("secret"));
    tweak(&mut config);
    let running = ec_platform::start(config).await.expect("platform starts");
    let base = running.gateway_url();
    TestApp { running: Some(running), base, http: client_with_key(ADMIN_KEY), dir }
}

pub fn order_body(total_each: i64) -> Value {
    json!({
        "customer_name": "山田 太郎",
        "customer_email": "taro@example.jp",
        "customer_phone": "090-1234-5678",
        "shipping_address": "東京都千代田区1-1",
        "items": [{"product_id": "P-1", "product_name": "緑茶 🍵", "quantity": 1, "unit_price": total_each}]
    })
}

impl TestApp {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        answer(req.send().await.expect("request sent")).await
    }

    pub async fn raw(&self, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let req =
            self.http.request(method, format!("{}{path}", self.base)).header("content-type", content_type).body(body);
        answer(req.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates an order and asserts it was paid; answers it.
    pub async fn paid_order(&self, unit_price: i64) -> Value {
        let a = self.post("/api/v1/orders", order_body(unit_price)).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert_eq!(a.body["status"], "paid", "{}", a.body);
        a.body
    }

    /// Polls `path` until `done` holds (at most ~20 s).
    pub async fn eventually(&self, path: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..200 {
            let a = self.get(path).await;
            if a.status.is_success() && done(&a.body) {
                return a.body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let last = self.get(path).await;
        panic!("{what}: never happened; last answer {} {}", last.status, last.body);
    }

    /// Posts a payment webhook signed the Standard Webhooks way.
    pub async fn signed_webhook(&self, order_id: i64, body: &Value, webhook_id: &str) -> Answer {
        let raw = serde_json::to_vec(body).expect("json");
        let secrets = gateway::webhook_signature::WebhookSecrets::parse(WEBHOOK_SECRET).expect("secret");
        let now = chrono::Utc::now().timestamp();
        let req = anonymous()
            .post(format!("{}/api/v1/orders/{order_id}/webhook", self.base))
            .header("content-type", "application/json")
            .header("webhook-id", webhook_id)
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", secrets.sign(webhook_id, now, &raw))
            .body(raw);
        answer(req.send().await.expect("request sent")).await
    }

    /// The all-in-one's metrics port.
    pub fn metrics_url(&self) -> String {
        format!("http://{}/metrics", self.running.as_ref().expect("running").metrics)
    }

    pub fn grpc_url(&self, which: &str) -> String {
        let r = self.running.as_ref().expect("running");
        let addr = match which {
            "order" => r.order,
            "payment" => r.payment,
            _ => r.notification,
        };
        format!("http://{addr}")
    }

    /// Stops the platform gracefully and hands back the data directory.
    pub async fn stop(mut self) -> TempDir {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean shutdown");
        }
        self.dir
    }
}

pub async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.expect("body");
    let body =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Answer { status, headers, body }
}

/// The four servers started one by one (not the all-in-one), so the payment
/// service can be stopped and started again on its address and data.
pub struct Split {
    pub dir: TempDir,
    pub order: std::net::SocketAddr,
    pub payment: std::net::SocketAddr,
    pub gateway: std::net::SocketAddr,
    pub stops: Vec<Shutdown>,
    pub payment_stop: Shutdown,
    pub payment_task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start_payment(
    dir: &std::path::Path,
    addr: std::net::SocketAddr,
    order: std::net::SocketAddr,
) -> (Shutdown, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let mut cfg = payment_service::Config::for_tests(dir.to_path_buf(), format!("http://{order}"));
    cfg.database_url = ec_common::db::test_database(dir, "payment").await.expect("test database");
    cfg.addr = addr;
    let listener = bind(addr, "payment").await.expect("bind payment");
    let app = payment_service::Application::build_on(cfg, listener).await.expect("payment builds");
    let stop = Shutdown::new();
    (stop.clone(), tokio::spawn(app.run(stop)))
}

/// Starts the four servers apart; `tweak` adjusts the order service's
/// configuration (the gateway gets the same deadlines).
pub async fn split(tweak: impl FnOnce(&mut order_service::Config)) -> Split {
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
    ocfg.database_url = ec_common::db::test_database(dir.path(), "order").await.expect("test database");
    tweak(&mut ocfg);
    let mut gcfg = gateway::Config::for_tests(dir.path().to_path_buf(), url(order), url(payment), url(notification));
    gcfg.deadlines = ocfg.deadlines.clone();
    gcfg.database_url = ec_common::db::test_database(dir.path(), "gateway").await.expect("test database");
    let mut ncfg = notification_service::Config::for_tests(dir.path().to_path_buf());
    ncfg.database_url = ec_common::db::test_database(dir.path(), "notification").await.expect("test database");
    gcfg.settings.admin_api_key = Some(ADMIN_KEY.parse().expect("key"));
    let o = order_service::Application::build_on(ocfg, ol).await.expect("order");
    let n = notification_service::Application::build_on(ncfg, nl).await.expect("notification");
    let g = gateway::Application::build_on(gcfg, gl).await.expect("gateway");
    let stops = vec![Shutdown::new(), Shutdown::new(), Shutdown::new()];
    tokio::spawn(o.run(stops[0].clone()));
    tokio::spawn(n.run(stops[1].clone()));
    tokio::spawn(g.run(stops[2].clone()));
    let (payment_stop, payment_task) = start_payment(dir.path(), payment, order).await;
    Split { dir, order, payment, gateway, stops, payment_stop, payment_task }
}

impl Split {
    /// A REST client of the split platform's gateway.
    pub fn client(&self) -> TestApp {
        TestApp {
            running: None,
            base: format!("http://{}", self.gateway),
            http: client_with_key(ADMIN_KEY),
            dir: tempfile::tempdir().expect("dir"),
        }
    }

    /// Starts the payment service again on its address and data.
    pub async fn restart_payment(&mut self) {
        (self.payment_stop, self.payment_task) = start_payment(self.dir.path(), self.payment, self.order).await;
    }

    /// Stops the payment service gracefully (in-flight calls finish).
    pub async fn stop_payment(&mut self) {
        self.payment_stop.trigger();
        let task = std::mem::replace(&mut self.payment_task, tokio::spawn(async { Ok(()) }));
        task.await.expect("join").expect("payment stopped cleanly");
    }

    pub fn stop(&self) {
        for s in self.stops.iter().chain([&self.payment_stop]) {
            s.trigger();
        }
    }
}

/// One integer the query answers, from `service`'s database of the data
/// directory `dir` (its SQLite file, or its test database on PostgreSQL).
pub async fn scalar(dir: &std::path::Path, service: &str, sql: &str) -> i64 {
    let db = open_db(dir, service, "?mode=ro").await;
    let backend = db.get_database_backend();
    let row = db.query_one_raw(sea_orm::Statement::from_string(backend, sql)).await.expect("query").expect("row");
    row.try_get_by_index::<i64>(0).expect("integer")
}

/// Runs one statement on `service`'s database (as [`scalar`]) while the
/// platform is stopped: to leave the state a crash would; answers the rows
/// it changed.
pub async fn execute(dir: &std::path::Path, service: &str, sql: &str) -> u64 {
    let db = open_db(dir, service, "").await;
    let backend = db.get_database_backend();
    db.execute_raw(sea_orm::Statement::from_string(backend, sql)).await.expect("statement").rows_affected()
}

async fn open_db(dir: &std::path::Path, service: &str, sqlite_mode: &str) -> sea_orm::DatabaseConnection {
    let url = match ec_common::db::test_database(dir, service).await.expect("test database") {
        Some(url) => url.expose().to_owned(),
        None => {
            let file = match service {
                "order" => order_service::config::DB_FILE,
                "payment" => payment_service::config::DB_FILE,
                "notification" => notification_service::config::DB_FILE,
                "gateway" => gateway::config::DB_FILE,
                other => panic!("no service {other:?}"),
            };
            format!("sqlite://{}{sqlite_mode}", dir.join(file).display())
        }
    };
    sea_orm::Database::connect(url).await.expect("open db")
}

/// Polls `probe` until it answers something (at most ~60 s: a loaded
/// machine is slow, a broken one is not waited for forever).
pub async fn until<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..600 {
        if let Some(v) = probe().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: never happened within a minute");
}
