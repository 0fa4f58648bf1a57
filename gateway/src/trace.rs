//! The HTTP server span of every API request (OpenTelemetry HTTP semantic
//! conventions), the caller's W3C trace context as its parent, the trace id
//! in the response (`traceparent`, `x-trace-id`), and the request duration
//! metric per route.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};
use ec_common::telemetry;
use tracing::{Instrument, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt;

pub async fn http_span(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let route = matched.map(|m| m.as_str().to_owned()).unwrap_or_else(|| req.uri().path().to_owned());
    let method = req.method().as_str().to_owned();
    let span = tracing::info_span!(
        "http.server",
        otel.name = %format!("{method} {route}"),
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = %method,
        http.route = %route,
        url.path = %req.uri().path(),
        http.response.status_code = Empty,
        ec.service = "gateway",
    );
    if telemetry::tracing_enabled() {
        let _ = span.set_parent(telemetry::extract_headers(req.headers()));
    }
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    span.record("http.response.status_code", status);
    if status >= 500 {
        span.record("otel.status_code", "ERROR");
    }
    if let Some(traceparent) = span.in_scope(telemetry::current_traceparent) {
        let trace_id = traceparent.split('-').nth(1).unwrap_or_default().to_owned();
        if let (Ok(tp), Ok(id)) = (HeaderValue::from_str(&traceparent), HeaderValue::from_str(&trace_id)) {
            res.headers_mut().insert("traceparent", tp);
            res.headers_mut().insert("x-trace-id", id);
        }
    }
    telemetry::metrics().http_server.record(
        start.elapsed().as_secs_f64(),
        &[
            opentelemetry::KeyValue::new("http.request.method", method),
            opentelemetry::KeyValue::new("http.route", route),
            opentelemetry::KeyValue::new("http.response.status_code", i64::from(status)),
            opentelemetry::KeyValue::new(telemetry::SERVICE_KEY, "gateway"),
        ],
    );
    res
}
