//! Traces and metrics: a real OTLP collector inside the test receives the
//! platform's spans.
//!
//! The tracer is process-wide and set once, so each test here needs a
//! process of its own: nextest gives every test one. [`telemetry_to`]
//! refuses to run any other way (say, `cargo test`, which runs the tests of
//! a binary as threads of one process).

use std::{collections::HashSet, time::Duration};

use ec_common::telemetry::{self, OtlpProtocol, TelemetryConfig};
use ec_platform::otlp_sink::{self, CollectedSpan, Sink};
use serde_json::{Value, json};

use crate::helpers::*;

const SERVICES: [&str; 4] = ["gateway", "order-service", "payment-service", "notification-service"];
const WEBHOOKS: &str = "ec.order.v1.OrderService/HandlePaymentWebhooks";
const PUBLISH: &str = "payment_event publish";
const PROCESS: &str = "payment_event process";

pub(crate) async fn telemetry_to(endpoint: String) {
    assert_eq!(
        std::env::var("NEXTEST_EXECUTION_MODE").as_deref(),
        Ok("process-per-test"),
        "the observability tests install a process-wide tracer each: run them with `cargo nextest run`, \
         which gives every test a process of its own"
    );
    let mut config = TelemetryConfig::from_env(&SERVICES);
    config.otlp_endpoint = Some(endpoint.clone());
    config.protocol = OtlpProtocol::Grpc;
    config.log_filter = "warn".into();
    let installed = telemetry::init_with(config);
    assert_eq!(installed.otlp_endpoint(), Some(endpoint.as_str()), "another test's tracer is installed");
}

/// The parts of a trace that are not (yet) in it: spans whose parent did not
/// arrive. Spans end, and so are exported, in any order.
fn orphans(spans: &[CollectedSpan]) -> Vec<String> {
    let ids: HashSet<String> = spans.iter().map(CollectedSpan::span_id).collect();
    spans
        .iter()
        .filter(|s| !s.span.parent_span_id.is_empty() && !ids.contains(&s.parent_span_id()))
        .map(|s| format!("{} ({})", s.span.name, s.service))
        .collect()
}

/// Flushes until the trace holds a span matching `until` and every span's
/// parent (spans of the webhook end after the answer), then answers the
/// trace's spans. Bounded: a trace that never completes fails with what it
/// holds.
async fn trace_of(sink: &Sink, trace_id: &str, until: impl Fn(&CollectedSpan) -> bool) -> Vec<CollectedSpan> {
    let mut spans = Vec::new();
    for _ in 0..150 {
        tokio::task::spawn_blocking(telemetry::force_flush).await.expect("flush");
        spans = sink.spans().into_iter().filter(|s| s.trace_id() == trace_id).collect();
        if spans.iter().any(&until) && orphans(&spans).is_empty() {
            return spans;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "trace {trace_id} never became complete with the span waited for; orphans {:?}; spans: {:?}",
        orphans(&spans),
        spans.iter().map(|s| (&s.service, &s.span.name)).collect::<Vec<_>>()
    );
}

fn find<'a>(spans: &'a [CollectedSpan], service: &str, name: &str) -> &'a CollectedSpan {
    spans.iter().find(|s| s.service == service && s.span.name == name).unwrap_or_else(|| {
        panic!(
            "no span {name:?} from {service}: {:?}",
            spans.iter().map(|s| (&s.service, &s.span.name)).collect::<Vec<_>>()
        )
    })
}

/// One root, and every other span's parent in the same trace.
#[track_caller]
fn assert_one_tree(spans: &[CollectedSpan]) {
    let roots: Vec<_> = spans.iter().filter(|s| s.span.parent_span_id.is_empty()).collect();
    assert_eq!(roots.len(), 1, "one root: {:?}", roots.iter().map(|s| &s.span.name).collect::<Vec<_>>());
    assert_eq!(orphans(spans), Vec::<String>::new(), "spans whose parent is outside the trace");
}

/// The webhook event of order `id` in `spans`: published by the payment
/// service under its CreatePayment span, applied by the order service under
/// the published span. Answers the published span.
#[track_caller]
fn assert_event_of_order<'a>(spans: &'a [CollectedSpan], id: i64, rpc: &str) -> &'a CollectedSpan {
    let id = id.to_string();
    let publish = spans
        .iter()
        .find(|s| s.service == "payment-service" && s.span.name == PUBLISH && s.attr("ec.order_id") == Some(id.clone()))
        .unwrap_or_else(|| {
            let published: Vec<_> = spans
                .iter()
                .filter(|s| s.service == "payment-service")
                .map(|s| (&s.span.name, s.span.attributes.iter().map(|kv| kv.key.clone()).collect::<Vec<_>>()))
                .collect();
            panic!("no published event of order {id}; the payment service's spans: {published:?}")
        });
    let rpc_server = spans
        .iter()
        .find(|s| s.service == "payment-service" && s.span.name == rpc && s.span.kind == 2)
        .unwrap_or_else(|| panic!("no {rpc} server span"));
    assert_eq!(publish.parent_span_id(), rpc_server.span_id(), "the event is published by {rpc}");
    let process = spans
        .iter()
        .find(|s| s.service == "order-service" && s.span.name == PROCESS && s.parent_span_id() == publish.span_id())
        .unwrap_or_else(|| panic!("the event of order {id} is not applied in its trace"));
    assert_eq!(process.attr("ec.order_id"), Some(id), "the applied event is this order's");
    for s in spans.iter().filter(|s| s.span.name == PROCESS || s.span.name == PUBLISH) {
        assert_eq!(s.attr("ec.order_id"), process.attr("ec.order_id"), "another order's event in this trace");
    }
    // The coalesced call that carried it is a trace of its own.
    assert!(!spans.iter().any(|s| s.span.name == WEBHOOKS), "the batch call is in a request's trace");
    publish
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_per_request_through_every_hop() {
    let (addr, sink) = otlp_sink::start_on(([127, 0, 0, 1], 0).into()).await.expect("collector");
    telemetry_to(format!("http://{addr}")).await;
    let app = spawn_app().await;

    // Create: gateway -> order -> payment (-> webhook event -> order) -> notification.
    let created = app.post("/api/v1/orders", order_body(2400)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().expect("id");
    let trace_id = created.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    assert_eq!(trace_id.len(), 32);
    let traceparent = created.headers["traceparent"].to_str().expect("ascii");
    assert!(traceparent.starts_with(&format!("00-{trace_id}-")), "{traceparent}");
    let spans = trace_of(&sink, &trace_id, |s| s.span.name == PROCESS).await;

    let services: HashSet<&str> = spans.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, SERVICES.into_iter().collect(), "every service reports its own service.name");
    assert_one_tree(&spans);

    let root = find(&spans, "gateway", "POST /api/v1/orders");
    assert!(root.span.parent_span_id.is_empty());
    assert_eq!(root.attr("http.request.method").as_deref(), Some("POST"));
    assert_eq!(root.attr("http.route").as_deref(), Some("/api/v1/orders"));
    assert_eq!(root.attr("http.response.status_code").as_deref(), Some("201"));

    // Each hop: a client span in the caller, the server span in the callee
    // as its child, across the process boundary of gRPC.
    for (caller, callee, rpc) in [
        ("gateway", "order-service", "ec.order.v1.OrderService/CreateOrder"),
        ("order-service", "payment-service", "ec.payment.v1.PaymentService/CreatePayment"),
        ("order-service", "notification-service", "ec.notification.v1.NotificationService/SendEmail"),
    ] {
        let client = spans
            .iter()
            .find(|s| s.service == caller && s.span.name == rpc && s.span.kind == 3)
            .unwrap_or_else(|| panic!("no client span {rpc} in {caller}"));
        let server = spans
            .iter()
            .find(|s| s.service == callee && s.span.name == rpc && s.span.kind == 2)
            .unwrap_or_else(|| panic!("no server span {rpc} in {callee}"));
        assert_eq!(server.parent_span_id(), client.span_id(), "{rpc}: server span is the client span's child");
        for s in [client, server] {
            assert_eq!(s.attr("rpc.system").as_deref(), Some("grpc"));
            assert_eq!(s.attr("rpc.grpc.status_code").as_deref(), Some("0"), "{rpc}");
            assert!(s.attr("rpc.service").is_some() && s.attr("rpc.method").is_some());
        }
    }
    // The payment -> order webhook: the event is in the order's trace; the
    // call that carried it is its own trace, linked to the event.
    let publish = assert_event_of_order(&spans, id, "ec.payment.v1.PaymentService/CreatePayment");
    let (publish_trace, publish_span) = (publish.trace_id(), publish.span_id());
    let mut linked = false;
    for _ in 0..100 {
        tokio::task::spawn_blocking(telemetry::force_flush).await.expect("flush");
        let all = sink.spans();
        linked = all.iter().any(|send| {
            send.service == "payment-service"
                && send.span.name == "outbox deliver"
                && send.trace_id() != publish_trace
                && send.span.parent_span_id.is_empty()
                && send.links().contains(&(publish_trace.clone(), publish_span.clone()))
                && all
                    .iter()
                    .any(|c| c.span.name == WEBHOOKS && c.span.kind == 3 && c.parent_span_id() == send.span_id())
        });
        if linked {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sends: Vec<_> = sink
        .spans()
        .into_iter()
        .filter(|s| s.span.name == "outbox deliver")
        .map(|s| (s.service.clone(), s.trace_id(), s.links()))
        .collect();
    assert!(
        linked,
        "no HandlePaymentWebhooks call in a trace of its own links to the event ({publish_trace}, {publish_span}); deliveries: {sends:?}"
    );
    // The database work is in the trace too.
    let db: Vec<_> = spans.iter().filter(|s| s.attr("db.system.name").as_deref() == Some("sqlite")).collect();
    assert!(db.iter().any(|s| s.service == "order-service"), "order DB spans");
    assert!(db.iter().any(|s| s.service == "payment-service"), "payment DB spans");
    assert!(db.iter().any(|s| s.service == "notification-service"), "notification DB spans");

    // Cancel and ship are traces of their own, with the refund inside.
    let id = created.body["id"].as_i64().expect("id");
    let cancelled = app.delete(&format!("/api/v1/orders/{id}")).await;
    let cancel_trace = cancelled.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    assert_ne!(cancel_trace, trace_id);
    trace_of(&sink, &cancel_trace, |s| {
        s.span.name == "ec.notification.v1.NotificationService/SendEmail" && s.service == "notification-service"
    })
    .await;
    let spans = trace_of(&sink, &cancel_trace, |s| s.span.name == PROCESS).await;
    assert_one_tree(&spans);
    find(&spans, "payment-service", "ec.payment.v1.PaymentService/RefundPayment");
    assert_event_of_order(&spans, id, "ec.payment.v1.PaymentService/RefundPayment");
    find(&spans, "gateway", "DELETE /api/v1/orders/{id}");

    let other = app.paid_order(800).await["id"].as_i64().expect("id");
    let shipped = app.put(&format!("/api/v1/orders/{other}/status"), json!({"status": "shipped"})).await;
    let ship_trace = shipped.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    let spans = trace_of(&sink, &ship_trace, |s| {
        s.span.name == "ec.notification.v1.NotificationService/SendEmail" && s.service == "notification-service"
    })
    .await;
    assert_one_tree(&spans);
    find(&spans, "order-service", "ec.order.v1.OrderService/UpdateOrderStatus");

    // Errors: the status is recorded, and the problem names the trace.
    let missing = app.get("/api/v1/orders/987654").await;
    missing.assert_problem(404, "NOT_FOUND");
    let err_trace = missing.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    assert_eq!(missing.body["trace_id"], err_trace.as_str());
    let spans =
        trace_of(&sink, &err_trace, |s| s.span.name == "ec.order.v1.OrderService/GetOrder" && s.span.kind == 2).await;
    let server = find(&spans, "order-service", "ec.order.v1.OrderService/GetOrder");
    assert_eq!(server.attr("rpc.grpc.status_code").as_deref(), Some("5"));
    let root = find(&spans, "gateway", "GET /api/v1/orders/{id}");
    assert_eq!(root.attr("http.response.status_code").as_deref(), Some("404"));

    // A caller's own trace context is continued, not replaced.
    let parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let res =
        app.http.get(format!("{}/api/v1/orders", app.base)).header("traceparent", parent).send().await.expect("sent");
    assert_eq!(res.headers()["x-trace-id"], "0af7651916cd43dd8448eb211c80319c");

    // RED metrics, in Prometheus text at /metrics.
    let metrics = app.http.get(app.metrics_url()).send().await.expect("sent").text().await.expect("text");
    for needle in [
        "http_server_request_duration_seconds_count",
        "http_route=\"/api/v1/orders\"",
        "rpc_server_call_duration_seconds_count",
        "rpc_client_call_duration_seconds_count",
        "rpc_method=\"CreatePayment\"",
        "rpc_grpc_status_code=\"5\"",
    ] {
        assert!(metrics.contains(needle), "{needle} missing from /metrics:\n{metrics}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_keep_their_traces_apart() {
    let (addr, sink) = otlp_sink::start_on(([127, 0, 0, 1], 0).into()).await.expect("collector");
    telemetry_to(format!("http://{addr}")).await;
    let app = spawn_app().await;
    // Twenty at once: their payments' webhooks are coalesced into shared
    // calls and their writes into shared commits.
    let answers = futures::future::join_all((0..20).map(|i| app.post("/api/v1/orders", order_body(1000 + i)))).await;
    let mut traces = HashSet::new();
    for a in &answers {
        assert_eq!(a.status, 201, "{}", a.body);
        let id = a.body["id"].as_i64().expect("id");
        let trace_id = a.headers["x-trace-id"].to_str().expect("ascii").to_owned();
        assert!(traces.insert(trace_id.clone()), "two requests share trace {trace_id}");
        let spans = trace_of(&sink, &trace_id, |s| s.span.name == PROCESS).await;
        assert_one_tree(&spans);
        find(&spans, "gateway", "POST /api/v1/orders");
        assert_event_of_order(&spans, id, "ec.payment.v1.PaymentService/CreatePayment");
        // A commit shared by several requests is a trace of its own.
        for batch in spans.iter().filter(|s| s.span.name == "db.batch") {
            assert_eq!(batch.attr("ops").as_deref(), Some("1"), "a shared commit in the trace of order {id}");
        }
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_is_down_costs_nothing_but_spans() {
    // Nothing listens on this port: every export fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    telemetry_to(format!("http://{closed}")).await;
    let app = spawn_app().await;
    for i in 0..30 {
        let a = app.post("/api/v1/orders", order_body(1000 + i)).await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    tokio::task::spawn_blocking(telemetry::force_flush).await.expect("flush returns");
    let list = app.get("/api/v1/orders?limit=200").await;
    assert_eq!(list.body["orders"].as_array().map(Vec::len), Some(30));
    app.stop().await;
}

/// Every change an order goes through names the trace of the request that
/// made it (status changes, its payment, its mail and the event between the
/// services), and the timeline links each one to the tracing UI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_of_an_order_names_the_trace_that_made_it() {
    let (addr, _sink) = otlp_sink::start_on(([127, 0, 0, 1], 0).into()).await.expect("collector");
    telemetry_to(format!("http://{addr}")).await;
    let app = spawn_with(|c| c.gateway.trace_url_template = Some("http://jaeger.test/trace/{trace_id}".into())).await;

    let created = app.post("/api/v1/orders", order_body(2400)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().expect("id");
    let create_trace = created.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    let shipped = app.put(&format!("/api/v1/orders/{id}/status"), json!({"status": "shipped"})).await;
    assert_eq!(shipped.status, 200, "{}", shipped.body);
    let ship_trace = shipped.headers["x-trace-id"].to_str().expect("ascii").to_owned();
    assert_ne!(create_trace, ship_trace);

    let detail = app.get(&format!("/api/v1/orders/{id}")).await.body;
    let traces: Vec<&Value> =
        detail["status_history"].as_array().expect("history").iter().map(|h| &h["trace_id"]).collect();
    assert_eq!(
        traces,
        [&json!(create_trace), &json!(create_trace), &json!(create_trace), &json!(ship_trace)],
        "{detail}"
    );
    let payment = app.get(&format!("/api/v1/payments/order/{id}")).await.body;
    assert_eq!(payment["trace_id"], create_trace.as_str(), "{payment}");

    // The mails (confirmation, shipped) are sent by the notification queue:
    // wait for both to be in the timeline.
    let t = app
        .eventually(&format!("/api/v1/orders/{id}/timeline"), "both mails sent", |t| {
            t["events"]
                .as_array()
                .is_some_and(|e| e.iter().filter(|e| e["kind"] == "notification_attempt").count() >= 2)
        })
        .await;
    let of = |kind: &str| -> Vec<Value> {
        t["events"].as_array().expect("events").iter().filter(|e| e["kind"] == kind).cloned().collect()
    };
    for kind in ["payment_completed", "event_written"] {
        let e = &of(kind)[0];
        assert_eq!(e["trace_id"], create_trace.as_str(), "{kind}: {e}");
        assert_eq!(e["trace_url"], format!("http://jaeger.test/trace/{create_trace}"), "{kind}: {e}");
    }
    let mails: Vec<Value> = of("notification_queued").iter().map(|e| e["trace_id"].clone()).collect();
    assert_eq!(mails, [json!(create_trace), json!(ship_trace)], "{t}");
    let api: Vec<Value> = of("api_call").iter().map(|e| e["trace_id"].clone()).collect();
    assert_eq!(api, [json!(create_trace), json!(ship_trace)], "{t}");
    app.stop().await;
}
