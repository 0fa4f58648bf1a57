//! A minimal OTLP trace collector: accepts `ExportTraceServiceRequest`s over
//! gRPC and keeps them in memory. The tests point the platform at it, and
//! the load benchmark uses it (`ec-platform otlp-sink`) to measure the cost
//! of exporting spans without a Jaeger at hand.

use ec_common::hex::encode as hex;
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use opentelemetry_proto::tonic::{
    collector::metrics::v1 as metrics,
    collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
        trace_service_server::{TraceService, TraceServiceServer},
    },
    common::v1::any_value::Value,
    trace::v1::Span,
};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

/// One exported span with the service that sent it.
#[derive(Debug, Clone)]
pub struct CollectedSpan {
    pub service: String,
    pub span: Span,
}

impl CollectedSpan {
    pub fn trace_id(&self) -> String {
        hex(&self.span.trace_id)
    }

    pub fn span_id(&self) -> String {
        hex(&self.span.span_id)
    }

    pub fn parent_span_id(&self) -> String {
        hex(&self.span.parent_span_id)
    }

    /// The (trace id, span id) of every span this one links to.
    pub fn links(&self) -> Vec<(String, String)> {
        self.span.links.iter().map(|l| (hex(&l.trace_id), hex(&l.span_id))).collect()
    }

    /// A string, integer or boolean attribute, as text.
    pub fn attr(&self, key: &str) -> Option<String> {
        self.span.attributes.iter().find(|kv| kv.key == key).and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
            Value::StringValue(s) => Some(s.clone()),
            Value::IntValue(i) => Some(i.to_string()),
            Value::BoolValue(b) => Some(b.to_string()),
            Value::DoubleValue(d) => Some(d.to_string()),
            _ => None,
        })
    }
}

#[derive(Clone, Default)]
pub struct Sink {
    spans: Arc<Mutex<Vec<CollectedSpan>>>,
}

impl Sink {
    pub fn spans(&self) -> Vec<CollectedSpan> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.spans.lock().map(|s| s.len()).unwrap_or_default()
    }
}

#[tonic::async_trait]
impl TraceService for Sink {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut collected = Vec::new();
        for rs in request.into_inner().resource_spans {
            let service = rs
                .resource
                .as_ref()
                .and_then(|r| r.attributes.iter().find(|kv| kv.key == "service.name"))
                .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                    Value::StringValue(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            for ss in rs.scope_spans {
                collected.extend(ss.spans.into_iter().map(|span| CollectedSpan { service: service.clone(), span }));
            }
        }
        if let Ok(mut spans) = self.spans.lock() {
            spans.extend(collected);
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

/// Accepts metric exports and drops them (the platform pushes metrics to
/// the same endpoint as traces).
#[derive(Clone, Default)]
struct MetricsSink;

#[tonic::async_trait]
impl metrics::metrics_service_server::MetricsService for MetricsSink {
    async fn export(
        &self,
        _: tonic::Request<metrics::ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<metrics::ExportMetricsServiceResponse>, tonic::Status> {
        Ok(tonic::Response::new(Default::default()))
    }
}

/// Starts a collector on `listener`; answers its handle.
pub fn start(listener: TcpListener) -> Sink {
    let sink = Sink::default();
    let service = TraceServiceServer::new(sink.clone());
    let metrics = metrics::metrics_service_server::MetricsServiceServer::new(MetricsSink);
    tokio::spawn(async move {
        if let Err(e) = tonic::transport::Server::builder()
            .add_service(service)
            .add_service(metrics)
            .serve_with_incoming(TcpListenerStream::new(listener))
            .await
        {
            tracing::error!(error = %e, "OTLP sink stopped");
        }
    });
    sink
}

/// Binds `addr` and starts a collector there.
pub async fn start_on(addr: SocketAddr) -> std::io::Result<(SocketAddr, Sink)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    Ok((bound, start(listener)))
}
