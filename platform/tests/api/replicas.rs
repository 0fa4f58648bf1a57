//! Replicas on one database: the gateway balances over an endpoint list
//! (ORDER_URL="http://a,http://b,http://c"), routes around endpoints that are
//! down (from the start, or stopped) and takes in one that starts late; the
//! replicas write the same orders table without colliding, and share an
//! import's chunks, each done once.

use ec_common::{grpc::bind, shutdown::Shutdown};

use crate::helpers::*;

/// An order-service replica on the platform's order database, calling the
/// platform's payment and notification services.
async fn order_replica(
    app: &TestApp,
    addr: std::net::SocketAddr,
    tweak: impl FnOnce(&mut order_service::config::Settings),
) -> (std::net::SocketAddr, Replica) {
    let running = app.running.as_ref().expect("running");
    let dir = app.dir.path();
    let url = |a: std::net::SocketAddr| format!("http://{a}");
    let mut cfg = order_service::Config::for_tests(dir.to_path_buf(), url(running.payment), url(running.notification));
    cfg.database_url = ec_common::db::test_database(dir, "order").await.expect("test database");
    tweak(&mut cfg.settings);
    let listener = bind(addr, "order replica").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let replica = order_service::Application::build_on(cfg, listener).await.expect("replica builds");
    let stop = Shutdown::new();
    let task = tokio::spawn(replica.run(stop.clone()));
    (addr, Replica { stop, task })
}

/// A running replica, stopped for good: its server gone, its connections
/// closed (as after a kill; not mid-way through a graceful stop).
struct Replica {
    stop: Shutdown,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Replica {
    async fn stop(self) {
        self.stop.trigger();
        let _ = self.task.await;
    }
}

async fn create_all(base: &str, n: usize) -> Vec<i64> {
    tokio::time::timeout(std::time::Duration::from_secs(90), create_each(base, n))
        .await
        .expect("the orders went through within 90 s")
}

async fn create_each(base: &str, n: usize) -> Vec<i64> {
    let http = client_with_key(ADMIN_KEY);
    let mut ids = Vec::new();
    for _ in 0..n {
        let res = http.post(format!("{base}/api/v1/orders")).json(&order_body(1200)).send().await.expect("sent");
        let status = res.status();
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["status"], "paid", "{body}");
        ids.push(body["id"].as_i64().expect("id"));
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_balances_over_replicas_and_routes_around_a_dead_one() {
    let app = spawn_app().await;
    let any: std::net::SocketAddr = ([127, 0, 0, 1], 0).into();
    let (a, stop_a) = order_replica(&app, any, |_| {}).await;
    let (b, stop_b) = order_replica(&app, any, |_| {}).await;
    // C's address is in the list from the start, but C starts later.
    let c = bind(any, "c").await.expect("bind").local_addr().expect("addr");

    // A second gateway (its own store) over the two replicas.
    let running = app.running.as_ref().expect("running");
    let gdir = tempfile::tempdir().expect("dir");
    let mut g = gateway::Config::for_tests(
        gdir.path().to_path_buf(),
        format!("http://{a}, http://{b},http://{c}"),
        format!("http://{}", running.payment),
        format!("http://{}", running.notification),
    );
    g.database_url = ec_common::db::test_database(gdir.path(), "gateway").await.expect("test database");
    g.settings.admin_api_key = Some(ADMIN_KEY.parse().expect("key"));
    let glistener = bind(any, "gateway").await.expect("bind");
    let base = format!("http://{}", glistener.local_addr().expect("addr"));
    let gw = gateway::Application::build_on(g, glistener).await.expect("gateway");
    let gstop = Shutdown::new();
    tokio::spawn(gw.run(gstop.clone()));

    // C down from the start: every order goes through A or B.
    let mut ids = create_all(&base, 10).await;
    // A down, C up: through B and C.
    stop_a.stop().await;
    let (_, stop_c) = order_replica(&app, c, |_| {}).await;
    ids.extend(create_all(&base, 10).await);
    // B down as well: through C alone, which joined late.
    stop_b.stop().await;
    ids.extend(create_all(&base, 10).await);

    // Three writers took ids from one database: none was handed out twice,
    // and each order is whole (read back through the platform's own gateway).
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 30, "{ids:?}");
    for id in ids {
        let o = app.get(&format!("/api/v1/orders/{id}")).await;
        assert_eq!(o.status, 200, "{}", o.body);
        assert_eq!(o.body["status"], "paid", "{}", o.body);
        assert_eq!(o.body["total_amount"], 1200, "{}", o.body);
    }
    stop_c.stop().await;
    gstop.trigger();
    app.stop().await;
}

/// Two order services on one database share an import: the one it was
/// submitted to runs it, the other pays the chunks nobody holds. Every chunk
/// is done exactly once, both took part, and every order is paid once and
/// confirmed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_order_replicas_share_an_imports_chunks_and_do_each_once() {
    // Small chunks, one at a time each: many chunks to share.
    let small = |s: &mut order_service::config::Settings| {
        s.import_chunk = 2;
        s.import_in_flight = 1;
    };
    let app = spawn_with(|c| small(&mut c.order)).await;
    let (csv, orders) = crate::imports::orders_csv(600);
    let a = crate::imports::upload(&app, "", csv.into_bytes()).await;
    assert_eq!(a.status, 202, "{}", a.body);
    let id = a.body["id"].as_str().expect("id").to_owned();
    let dir = app.dir.path().to_path_buf();
    let chunks_of = |what: &str| format!("SELECT COUNT(*) FROM import_chunks WHERE import_id = '{id}'{what}");
    // The second replica starts once the chunks are planned, so its first
    // look (at start-up) finds them.
    let planned = chunks_of("");
    until("the import's chunks planned", async || (scalar(&dir, "order", &planned).await > 0).then_some(())).await;
    let any: std::net::SocketAddr = ([127, 0, 0, 1], 0).into();
    let (_, replica) = order_replica(&app, any, small).await;

    let done = crate::imports::finished(&app, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["orders_created"], orders, "{done}");
    let chunks = scalar(&dir, "order", &planned).await;
    assert_eq!(chunks, orders.div_ceil(2) as i64, "chunks of two orders");
    assert_eq!(scalar(&dir, "order", &chunks_of(" AND runs = 1 AND done_at IS NOT NULL")).await, chunks, "each once");
    let owners = scalar(&dir, "order", &chunks_of("").replace("COUNT(*)", "COUNT(DISTINCT done_by)")).await;
    assert_eq!(owners, 2, "both replicas paid chunks");
    replica.stop().await;
    let dir = app.stop().await;
    crate::imports::assert_exactly_once(dir.path(), &id, orders).await;
}
