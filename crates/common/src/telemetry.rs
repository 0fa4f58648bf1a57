//! Logs, traces and metrics, set up once per process by [`init`].
//!
//! - Logs: `RUST_LOG` filters (default `info`), `LOG_FORMAT=json` writes JSON
//!   lines carrying `trace_id` and `span_id`. Logs go to stderr.
//! - Traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) set,
//!   spans go by OTLP (`OTEL_EXPORTER_OTLP_PROTOCOL`: `grpc`, the default, or
//!   `http/protobuf`) to a collector such as Jaeger. Unset: no exporter and no
//!   tracing layer at all, so nothing is slower. The sampler and resource come
//!   from `OTEL_TRACES_SAMPLER`/`_ARG` and `OTEL_RESOURCE_ATTRIBUTES`.
//! - One process may host several services (the all-in-one binary): spans
//!   carry an `ec.service` attribute and one exporter per service sends them
//!   with that service's own `service.name`.
//! - W3C trace context and baggage travel in gRPC metadata and HTTP headers
//!   ([`inject_headers`], [`extract_headers`]).
//! - Metrics: RED histograms per HTTP route and per RPC ([`metrics`]), always
//!   readable as Prometheus text ([`prometheus_text`]) and exported by OTLP
//!   when an endpoint is set.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
    time::{Duration, Instant, SystemTime},
};

use opentelemetry::{
    Context, KeyValue,
    metrics::Histogram,
    propagation::{Extractor, Injector, TextMapCompositePropagator},
    trace::{SpanKind, TraceContextExt, Tracer as _, TracerProvider as _},
};
use opentelemetry_sdk::{
    Resource,
    error::OTelSdkResult,
    metrics::SdkMeterProvider,
    propagation::{BaggagePropagator, TraceContextPropagator},
    trace::{SdkTracerProvider, SpanData, SpanExporter},
};
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{
    EnvFilter, Layer,
    filter::Targets,
    fmt::{FmtContext, FormatEvent, FormatFields, format::Writer},
    layer::SubscriberExt,
    registry::LookupSpan,
    util::SubscriberInitExt,
};

/// The crates whose spans are exported (everything else is noise).
const OUR_CRATES: &[&str] =
    &["ec_common", "ec_outbox", "ec_platform", "order_service", "payment_service", "notification_service", "gateway"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpProtocol {
    Grpc,
    HttpProtobuf,
}

/// Typed telemetry configuration (normally [`TelemetryConfig::from_env`]).
#[derive(Debug, Clone)]
pub struct TelemetryConfig {
    /// Where spans and metrics go; `None`: nowhere.
    pub otlp_endpoint: Option<String>,
    pub protocol: OtlpProtocol,
    /// The services this process hosts; the first is the default owner of
    /// spans that name none.
    pub services: Vec<String>,
    pub json_logs: bool,
    pub log_filter: String,
    pub metrics_interval: Duration,
}

impl TelemetryConfig {
    /// `services`: the default `service.name`s of what this process hosts.
    /// A process hosting one service lets `OTEL_SERVICE_NAME` rename it.
    pub fn from_env(services: &[&str]) -> Self {
        let var = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut services: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        if services.len() == 1
            && let Some(name) = var("OTEL_SERVICE_NAME")
        {
            services[0] = name;
        }
        let exporter_off = var("OTEL_TRACES_EXPORTER").is_some_and(|v| v == "none");
        let otlp_endpoint = if exporter_off {
            None
        } else {
            var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"))
        };
        let protocol = match var("OTEL_EXPORTER_OTLP_PROTOCOL").as_deref() {
            Some("http/protobuf") => OtlpProtocol::HttpProtobuf,
            _ => OtlpProtocol::Grpc,
        };
        Self {
            otlp_endpoint,
            protocol,
            services,
            json_logs: var("LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            log_filter: var("RUST_LOG").unwrap_or_else(|| "info".to_owned()),
            metrics_interval: Duration::from_secs(10),
        }
    }
}

/// What [`init`] set up; lives for the whole process.
pub struct Telemetry {
    tracer_provider: Option<SdkTracerProvider>,
    meter_provider: SdkMeterProvider,
    registry: prometheus::Registry,
    otlp_endpoint: Option<String>,
}

impl Telemetry {
    /// Where spans go (the endpoint of the configuration that won: only the
    /// first initialisation in a process counts).
    pub fn otlp_endpoint(&self) -> Option<&str> {
        self.otlp_endpoint.as_deref()
    }
}

static TELEMETRY: OnceLock<Telemetry> = OnceLock::new();

/// Sets up logging, tracing and metrics from the environment. Only the first
/// call in a process does anything.
pub fn init(services: &[&str]) {
    init_with(TelemetryConfig::from_env(services));
}

/// Like [`init`] with an explicit configuration (tests point it at their own
/// collector).
pub fn init_with(config: TelemetryConfig) -> &'static Telemetry {
    TELEMETRY.get_or_init(|| build(config))
}

fn build(config: TelemetryConfig) -> Telemetry {
    opentelemetry::global::set_text_map_propagator(TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ]));
    let default_service = config.services.first().cloned().unwrap_or_else(|| "ec-platform".to_owned());
    let resource = Resource::builder().with_service_name(default_service.clone()).build();

    let tracer_provider = config.otlp_endpoint.as_ref().and_then(|endpoint| {
        match RoutingExporter::new(endpoint, config.protocol, &config.services) {
            Ok(exporter) => {
                Some(SdkTracerProvider::builder().with_resource(resource.clone()).with_batch_exporter(exporter).build())
            }
            Err(e) => {
                eprintln!("telemetry: cannot build the OTLP span exporter for {endpoint}: {e}; tracing export is off");
                None
            }
        }
    });

    let registry = prometheus::Registry::new();
    let mut meters = SdkMeterProvider::builder().with_resource(resource);
    match opentelemetry_prometheus::exporter().with_registry(registry.clone()).build() {
        Ok(reader) => meters = meters.with_reader(reader),
        Err(e) => eprintln!("telemetry: Prometheus exporter unavailable: {e}"),
    }
    if let Some(endpoint) = &config.otlp_endpoint {
        match metric_exporter(endpoint, config.protocol) {
            Ok(exporter) => {
                meters = meters.with_reader(
                    opentelemetry_sdk::metrics::PeriodicReader::builder(exporter)
                        .with_interval(config.metrics_interval)
                        .build(),
                )
            }
            Err(e) => eprintln!("telemetry: cannot build the OTLP metric exporter: {e}"),
        }
    }
    let meter_provider = meters.build();
    opentelemetry::global::set_meter_provider(meter_provider.clone());

    // Logs see what RUST_LOG lets through; the trace layer sees our crates'
    // spans at info and above, whatever the log level.
    let log_filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = if config.json_logs {
        tracing_subscriber::fmt::layer().event_format(JsonWithTrace).with_writer(std::io::stderr).boxed()
    } else {
        tracing_subscriber::fmt::layer().compact().with_writer(std::io::stderr).boxed()
    };
    let otel = tracer_provider.as_ref().map(|p| {
        opentelemetry::global::set_tracer_provider(p.clone());
        let targets = OUR_CRATES.iter().fold(Targets::new(), |t, c| t.with_target(*c, tracing::Level::INFO));
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("ec-platform"))
            .with_error_records_to_exceptions(true)
            .with_filter(targets)
    });
    let _ = tracing_subscriber::registry().with(fmt.with_filter(log_filter)).with(otel).try_init();
    Telemetry { tracer_provider, meter_provider, registry, otlp_endpoint: config.otlp_endpoint }
}

/// Flushes and stops the exporters (call once at exit; bounded in time).
pub fn shutdown() {
    if let Some(t) = TELEMETRY.get() {
        if let Some(p) = &t.tracer_provider {
            let _ = p.shutdown_with_timeout(Duration::from_secs(5));
        }
        let _ = t.meter_provider.shutdown_with_timeout(Duration::from_secs(5));
    }
}

/// Exports what is buffered now (tests call it before looking at the collector).
pub fn force_flush() {
    if let Some(t) = TELEMETRY.get() {
        if let Some(p) = &t.tracer_provider {
            let _ = p.force_flush();
        }
        let _ = t.meter_provider.force_flush();
    }
}

/// True when spans are exported (so building them is worth the cost).
pub fn tracing_enabled() -> bool {
    TELEMETRY.get().is_some_and(|t| t.tracer_provider.is_some())
}

/// Every metric in the Prometheus text format.
pub fn prometheus_text() -> String {
    use prometheus::Encoder;
    let Some(t) = TELEMETRY.get() else { return String::new() };
    let mut out = Vec::new();
    if let Err(e) = prometheus::TextEncoder::new().encode(&t.registry.gather(), &mut out) {
        tracing::warn!(error = %e, "cannot encode metrics");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Serves `GET /metrics` on `listener` until `shutdown` (the per-service
/// metrics port of the standalone binaries).
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = axum::Router::new().route("/metrics", axum::routing::get(metrics_handler));
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// `GET /metrics`: Prometheus text.
pub async fn metrics_handler() -> impl axum::response::IntoResponse {
    ([(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], prometheus_text())
}

// ------------------------------------------------------------------ metrics

/// The RED instruments: a duration histogram per kind of call; request rate
/// and error rate are its count by status.
pub struct Metrics {
    pub http_server: Histogram<f64>,
    pub rpc_server: Histogram<f64>,
    pub rpc_client: Histogram<f64>,
}

/// The process's instruments (no-ops until [`init`] ran).
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let meter = opentelemetry::global::meter_provider().meter("ec-platform");
        let buckets = vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
        Metrics {
            http_server: meter
                .f64_histogram("http.server.request.duration")
                .with_unit("s")
                .with_description("Duration of HTTP server requests")
                .with_boundaries(buckets.clone())
                .build(),
            rpc_server: meter
                .f64_histogram("rpc.server.call.duration")
                .with_unit("s")
                .with_description("Duration of gRPC calls served")
                .with_boundaries(buckets.clone())
                .build(),
            rpc_client: meter
                .f64_histogram("rpc.client.call.duration")
                .with_unit("s")
                .with_description("Duration of gRPC calls made")
                .with_boundaries(buckets)
                .build(),
        }
    })
}

// ------------------------------------------------------------------ context propagation

struct MetadataInjector<'a>(&'a mut http::HeaderMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(k), Ok(v)) = (http::HeaderName::from_bytes(key.as_bytes()), http::HeaderValue::from_str(&value)) {
            self.0.insert(k, v);
        }
    }
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// Writes the current span's trace context (and baggage) into headers.
pub fn inject_headers(headers: &mut http::HeaderMap) {
    let cx = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut MetadataInjector(headers)));
}

/// Reads a caller's trace context from headers (gRPC metadata are headers).
pub fn extract_headers(headers: &http::HeaderMap) -> Context {
    opentelemetry::global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(headers)))
}

/// The current span's trace context as a carrier (W3C `traceparent`,
/// `tracestate`), for work that travels apart from its request: a queued
/// event, one of many in a batch call. Empty when nothing is traced.
pub fn context_carrier() -> HashMap<String, String> {
    let mut carrier = HashMap::new();
    if tracing_enabled() {
        let cx = tracing::Span::current().context();
        opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut carrier));
    }
    carrier
}

/// The span context a carrier holds, if it holds a valid one.
fn carried_span(carrier: &HashMap<String, String>) -> Option<Context> {
    if carrier.is_empty() || !tracing_enabled() {
        return None;
    }
    let cx = opentelemetry::global::get_text_map_propagator(|p| p.extract(carrier));
    cx.span().span_context().is_valid().then_some(cx)
}

/// Makes `span` a child of the work a carrier came from (see
/// [`context_carrier`]); an empty carrier leaves its parent as it is.
pub fn continue_carried(span: &tracing::Span, carrier: &HashMap<String, String>) {
    if let Some(cx) = carried_span(carrier) {
        let _ = span.set_parent(cx);
    }
}

/// Links `span` to the work a carrier came from: a batch that does the work
/// of many traces belongs to none of them and points at each.
pub fn link_carried(span: &tracing::Span, carrier: &HashMap<String, String>) {
    if let Some(cx) = carried_span(carrier) {
        span.add_link(cx.span().span_context().clone());
    }
}

/// The current span's trace id, if it is being traced.
pub fn current_trace_id() -> Option<String> {
    if !tracing_enabled() {
        return None;
    }
    let cx = tracing::Span::current().context();
    let sc = cx.span().span_context().clone();
    sc.is_valid().then(|| sc.trace_id().to_string())
}

/// `traceparent` of the current span, for response headers.
pub fn current_traceparent() -> Option<String> {
    if !tracing_enabled() {
        return None;
    }
    let cx = tracing::Span::current().context();
    let sc = cx.span().span_context().clone();
    sc.is_valid().then(|| format!("00-{}-{}-{:02x}", sc.trace_id(), sc.span_id(), sc.trace_flags().to_u8()))
}

// ------------------------------------------------------------------ database spans

/// A SeaORM metric callback that records every statement as a client span
/// (`db.system.name=sqlite`) under the current span, with its real timing.
pub fn db_metric_callback(service: &'static str) -> impl Fn(&sea_orm::metric::Info<'_>) + Send + Sync + 'static {
    move |info| {
        if !tracing_enabled() {
            return;
        }
        let end = SystemTime::now();
        let start = end.checked_sub(info.elapsed).unwrap_or(end);
        let sql = info.statement.sql.as_str();
        let operation = sql.split_whitespace().next().unwrap_or("SQL").to_ascii_uppercase();
        let cx = tracing::Span::current().context();
        let tracer = opentelemetry::global::tracer("ec-db");
        let mut attributes = vec![
            KeyValue::new("db.system.name", "sqlite"),
            KeyValue::new("db.operation.name", operation.clone()),
            KeyValue::new("db.query.text", sql.chars().take(2000).collect::<String>()),
            KeyValue::new(SERVICE_KEY, service),
        ];
        if info.failed {
            attributes.push(KeyValue::new("error.type", "db_error"));
        }
        let mut span = tracer
            .span_builder(format!("{operation} sqlite"))
            .with_kind(SpanKind::Client)
            .with_start_time(start)
            .with_attributes(attributes)
            .start_with_context(&tracer, &cx);
        if info.failed {
            opentelemetry::trace::Span::set_status(&mut span, opentelemetry::trace::Status::error("statement failed"));
        }
        opentelemetry::trace::Span::end_with_timestamp(&mut span, end);
    }
}

// ------------------------------------------------------------------ export

/// The span attribute naming the service a span belongs to.
pub const SERVICE_KEY: &str = "ec.service";

fn span_exporter(endpoint: &str, protocol: OtlpProtocol) -> Result<opentelemetry_otlp::SpanExporter, String> {
    use opentelemetry_otlp::{WithExportConfig, WithTonicConfig};
    let b = opentelemetry_otlp::SpanExporter::builder();
    match protocol {
        OtlpProtocol::Grpc => b
            .with_tonic()
            .with_endpoint(endpoint)
            .with_timeout(Duration::from_secs(5))
            .with_channel(
                tonic::transport::Endpoint::from_shared(endpoint.to_owned())
                    .map_err(|e| e.to_string())?
                    .connect_timeout(Duration::from_secs(2))
                    .connect_lazy(),
            )
            .build()
            .map_err(|e| e.to_string()),
        OtlpProtocol::HttpProtobuf => b
            .with_http()
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
            .with_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string()),
    }
}

fn metric_exporter(endpoint: &str, protocol: OtlpProtocol) -> Result<opentelemetry_otlp::MetricExporter, String> {
    use opentelemetry_otlp::WithExportConfig;
    let b = opentelemetry_otlp::MetricExporter::builder();
    match protocol {
        OtlpProtocol::Grpc => b.with_tonic().with_endpoint(endpoint).build().map_err(|e| e.to_string()),
        OtlpProtocol::HttpProtobuf => b
            .with_http()
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_endpoint(format!("{}/v1/metrics", endpoint.trim_end_matches('/')))
            .build()
            .map_err(|e| e.to_string()),
    }
}

/// Sends each span with the `service.name` of the service it belongs to
/// (its `ec.service` attribute, else the crate that made it), and turns
/// export failures (collector down) into a warning at most every 30 s: spans
/// are dropped, requests never wait.
#[derive(Debug)]
struct RoutingExporter {
    routes: Vec<(String, opentelemetry_otlp::SpanExporter)>,
    last_warning: Mutex<Option<Instant>>,
}

impl RoutingExporter {
    fn new(endpoint: &str, protocol: OtlpProtocol, services: &[String]) -> Result<Self, String> {
        let names = if services.is_empty() { vec!["ec-platform".to_owned()] } else { services.to_vec() };
        let routes = names
            .into_iter()
            .map(|name| span_exporter(endpoint, protocol).map(|e| (name, e)))
            .collect::<Result<_, _>>()?;
        Ok(Self { routes, last_warning: Mutex::new(None) })
    }

    fn route(&self, span: &SpanData) -> usize {
        let named = span.attributes.iter().find(|kv| kv.key.as_str() == SERVICE_KEY).map(|kv| kv.value.as_str());
        let by_target = || {
            span.attributes.iter().find(|kv| kv.key.as_str() == "target").map(|kv| {
                let t = kv.value.as_str();
                std::borrow::Cow::Owned(t.split("::").next().unwrap_or_default().replace('_', "-"))
            })
        };
        let name = named.or_else(by_target);
        name.and_then(|n| self.routes.iter().position(|(s, _)| *s == *n)).unwrap_or(0)
    }

    fn warn(&self, error: &dyn std::fmt::Display) {
        let Ok(mut last) = self.last_warning.lock() else { return };
        if last.is_none_or(|at| at.elapsed() > Duration::from_secs(30)) {
            *last = Some(Instant::now());
            tracing::warn!(target: "telemetry", error = %error, "span export failed; spans are dropped until the collector answers");
        }
    }
}

impl SpanExporter for RoutingExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let mut groups: Vec<Vec<SpanData>> = self.routes.iter().map(|_| Vec::new()).collect();
        for span in batch {
            let i = self.route(&span);
            groups[i].push(span);
        }
        for ((_, exporter), group) in self.routes.iter().zip(groups) {
            if !group.is_empty()
                && let Err(e) = exporter.export(group).await
            {
                self.warn(&e);
            }
        }
        Ok(())
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        for (_, e) in &self.routes {
            let _ = e.shutdown_with_timeout(timeout);
        }
        Ok(())
    }

    fn force_flush(&self) -> OTelSdkResult {
        for (_, e) in &self.routes {
            let _ = e.force_flush();
        }
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        for (name, exporter) in &mut self.routes {
            let own = Resource::builder_empty()
                .with_attributes(resource.iter().map(|(k, v)| KeyValue::new(k.clone(), v.clone())))
                .with_service_name(name.clone())
                .build();
            exporter.set_resource(&own);
        }
    }
}

// ------------------------------------------------------------------ JSON logs

/// JSON lines with the event's fields, its span names, and the OpenTelemetry
/// `trace_id`/`span_id` of the current span when it is traced.
struct JsonWithTrace;

impl<S, N> FormatEvent<S, N> for JsonWithTrace
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let mut fields = serde_json::Map::new();
        event.record(&mut JsonVisitor(&mut fields));
        let mut line = serde_json::Map::new();
        line.insert("timestamp".into(), chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).into());
        line.insert("level".into(), event.metadata().level().as_str().into());
        line.insert("target".into(), event.metadata().target().into());
        if let Some(msg) = fields.remove("message") {
            line.insert("message".into(), msg);
        }
        line.insert("fields".into(), fields.into());
        if let Some(scope) = ctx.event_scope() {
            let spans: Vec<serde_json::Value> = scope.from_root().map(|s| s.name().into()).collect();
            line.insert("spans".into(), spans.into());
        }
        if tracing_enabled() {
            let cx = tracing::Span::current().context();
            let sc = cx.span().span_context().clone();
            if sc.is_valid() {
                line.insert("trace_id".into(), sc.trace_id().to_string().into());
                line.insert("span_id".into(), sc.span_id().to_string().into());
            }
        }
        writeln!(writer, "{}", serde_json::Value::Object(line))
    }
}

struct JsonVisitor<'a>(&'a mut serde_json::Map<String, serde_json::Value>);

impl tracing::field::Visit for JsonVisitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}").into());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }
}

/// Serves `GET /metrics` on `addr` in the background (the standalone
/// services' metrics port); a port that cannot be bound is logged, not fatal.
pub async fn spawn_metrics_server(addr: std::net::SocketAddr, shutdown: crate::shutdown::Shutdown) {
    match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => {
            tracing::info!(addr = %addr, "metrics at /metrics");
            tokio::spawn(serve_metrics(listener, shutdown.wait()));
        }
        Err(e) => tracing::warn!(addr = %addr, error = %e, "metrics port unavailable"),
    }
}
