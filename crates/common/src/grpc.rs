//! gRPC plumbing every service shares: one builder that cannot forget health,
//! reflection or graceful shutdown, and client channels.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use tokio::net::TcpListener;
use tokio_stream::{StreamExt, wrappers::TcpListenerStream};
use tonic::{
    body::Body,
    server::NamedService,
    service::RoutesBuilder,
    transport::{Channel, Endpoint, Server},
};
use tonic_health::server::HealthReporter;

use crate::config::Mesh;
use tracing::{Instrument, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt;

type HttpRequest = http::Request<Body>;
type HttpResponse = http::Response<Body>;

/// Builds a tonic server: for each service added it marks the service SERVING
/// in `grpc.health.v1`, and lists it for reflection (v1 and v1alpha).
pub struct GrpcServer {
    routes: RoutesBuilder,
    health: HealthReporter,
    names: Vec<&'static str>,
    descriptors: &'static [u8],
    service: &'static str,
}

impl GrpcServer {
    /// `descriptors`: the encoded `FileDescriptorSet` holding the services;
    /// `service`: the `service.name` its spans and metrics carry.
    pub fn new(descriptors: &'static [u8], service: &'static str) -> Self {
        let (health, health_service) = tonic_health::server::health_reporter();
        let mut routes = RoutesBuilder::default();
        routes.add_service(health_service);
        Self { routes, health, names: Vec::new(), descriptors, service }
    }

    pub async fn add_service<S>(mut self, service: S) -> Self
    where
        S: tower::Service<HttpRequest, Response = HttpResponse, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.health.set_serving::<S>().await;
        self.names.push(S::NAME);
        self.routes.add_service(service);
        self
    }

    /// A handle to change health status later (for instance NOT_SERVING while draining).
    pub fn health_reporter(&self) -> HealthReporter {
        self.health.clone()
    }

    /// Serves on a listener the caller bound (so tests can use port 0) until
    /// `shutdown` resolves; in-flight calls finish first. `mesh` says how
    /// callers are trusted: a token every call must carry, mutual TLS.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        mesh: &Mesh,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        let addr = listener.local_addr().map_err(|e| ServeError::Mesh(e.to_string()))?;
        if mesh.service_token.is_none() && !addr.ip().is_loopback() {
            return Err(ServeError::Mesh(format!(
                "{} would listen on {addr} with no EC_SERVICE_TOKEN: set one (every process of the platform the same)",
                self.service
            )));
        }
        tracing::info!(service = self.service, "{}", mesh.describe());
        let mut v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(self.descriptors)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .with_service_name("grpc.health.v1.Health");
        let mut v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(self.descriptors)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .with_service_name("grpc.health.v1.Health");
        for name in &self.names {
            v1 = v1.with_service_name(*name);
            v1alpha = v1alpha.with_service_name(*name);
        }
        // Descriptors compiled into the binary: this fails only if the build
        // is broken, and then at start-up, with a readable error.
        let v1 = v1.build_v1()?;
        let v1alpha = v1alpha.build_v1alpha()?;
        self.routes.add_service(v1);
        self.routes.add_service(v1alpha);
        // `Server::tcp_nodelay` only applies to listeners tonic binds itself;
        // ours is bound by the caller, so set it on every accepted socket, or
        // small answers wait ~40 ms for Nagle and delayed ACKs.
        let incoming = TcpListenerStream::new(listener).map(|conn| {
            conn.inspect(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "cannot set TCP_NODELAY");
                }
            })
        });
        let mut builder = Server::builder();
        if let Some(tls) = mesh.tls().map_err(ServeError::Mesh)? {
            let config = tonic::transport::ServerTlsConfig::new()
                .identity(tonic::transport::Identity::from_pem(&tls.cert, &tls.key))
                .client_ca_root(tonic::transport::Certificate::from_pem(&tls.ca));
            builder = builder.tls_config(config)?;
        }
        let token = mesh.service_token.as_ref().map(|t| format!("Bearer {}", t.expose()).into_bytes());
        builder
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .layer(ServerTraceLayer { service: self.service })
            .layer(ServiceAuthLayer { token: token.map(std::sync::Arc::new) })
            .add_routes(self.routes.routes())
            .serve_with_incoming_shutdown(incoming, shutdown)
            .await?;
        Ok(())
    }
}

/// Why a gRPC server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("gRPC reflection cannot be built from the embedded descriptors: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("{0}")]
    Mesh(String),
}

/// The metadata naming the service that makes a call; every
/// [`TracedChannel`] sends it. It is as trustworthy as the mesh is closed:
/// only the platform's own services can call once a service credential is
/// required, and on the embedded loopback default anyone on the machine can
/// claim any name.
pub const CALLER: &str = "x-ec-caller";

/// The service that made this call, as it named itself.
pub fn caller_of<T>(request: &tonic::Request<T>) -> Option<&str> {
    request.metadata().get(CALLER).and_then(|v| v.to_str().ok())
}

/// The metadata naming who asked for a call (`user:<email>`,
/// `key:<id>:<name>`): the gateway sets it from the signed-in principal, and
/// the services store it with what they change. Binary (`-bin`), so any
/// e-mail travels.
pub const PRINCIPAL: &str = "x-ec-principal-bin";

/// Names the acting principal on an outgoing request.
pub fn set_principal<T>(request: &mut tonic::Request<T>, actor: &str) {
    let value = tonic::metadata::MetadataValue::from_bytes(actor.as_bytes());
    request.metadata_mut().insert_bin(PRINCIPAL, value);
}

/// The acting principal a request names, if any.
pub fn principal_of<T>(request: &tonic::Request<T>) -> Option<String> {
    let v = request.metadata().get_bin(PRINCIPAL)?.to_bytes().ok()?;
    String::from_utf8(v.to_vec()).ok().filter(|s| !s.is_empty())
}

/// Who a service records as having made a change: the principal the
/// gateway named, else the calling service (`service:<name>`).
pub fn actor_of<T>(request: &tonic::Request<T>) -> Option<String> {
    principal_of(request).or_else(|| caller_of(request).map(|c| format!("service:{c}")))
}

/// A channel that connects on first use and reconnects after failures, so a
/// service can start before the services it calls. Every call through it is
/// traced as a client span of `caller`, and carries the mesh's token (and,
/// with TLS configured, goes over mutual TLS).
///
/// `url` names one endpoint, a comma-separated list of them, or
/// `dns:///host:port`, whose addresses are looked up again every
/// [`RESOLVE_EVERY`] (a Kubernetes headless Service lists one per ready
/// pod). Calls are balanced over the endpoints that accept connections
/// (power of two choices); each one is probed every [`PROBE_EVERY`], and
/// one that refuses is left out until it accepts again (all are kept when
/// none does). A call that reaches a dead endpoint before its probe fails
/// as UNAVAILABLE, which callers retry ([`crate::retry`]).
pub fn lazy_channel(url: &str, caller: &'static str, mesh: &Mesh) -> Result<TracedChannel, ChannelError> {
    let tls = mesh.tls().map_err(ChannelError::Mesh)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let endpoint = move |url: &str| -> Result<Endpoint, ChannelError> {
        let url = match (&tls, url.strip_prefix("http://")) {
            (Some(_), Some(rest)) => format!("https://{rest}"),
            _ => url.to_owned(),
        };
        let mut endpoint = Endpoint::from_shared(url)?
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(2))
            .http2_keep_alive_interval(Duration::from_secs(30))
            .keep_alive_while_idle(true);
        if let Some(tls) = &tls {
            endpoint = endpoint.tls_config(
                tonic::transport::ClientTlsConfig::new()
                    .ca_certificate(tonic::transport::Certificate::from_pem(&tls.ca))
                    .identity(tonic::transport::Identity::from_pem(&tls.cert, &tls.key)),
            )?;
        }
        Ok(endpoint)
    };
    let token = match &mesh.service_token {
        Some(t) => Some(
            http::HeaderValue::from_str(&format!("Bearer {}", t.expose()))
                .map_err(|_| ChannelError::Mesh("EC_SERVICE_TOKEN must be visible ASCII".into()))?,
        ),
        None => None,
    };
    let inner = match Upstream::parse(url)? {
        Upstream::One(url) => endpoint(&url)?.connect_lazy(),
        many => {
            let (channel, changes) = Channel::balance_channel(64);
            let make = move |addr: std::net::SocketAddr| endpoint(&format!("{scheme}://{addr}"));
            // The endpoint builder holds the TLS files: checked once here.
            make(([127, 0, 0, 1], 1).into())?;
            tokio::spawn(follow(many, changes, make));
            channel
        }
    };
    Ok(TracedChannel { inner, caller, token })
}

/// How often a `dns:///` upstream is looked up again.
pub const RESOLVE_EVERY: Duration = Duration::from_secs(5);
/// How often each endpoint of a balanced upstream is probed.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

/// What an upstream setting (`ORDER_URL`, ...) names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upstream {
    One(String),
    List(Vec<String>),
    Dns { host: String, port: u16 },
}

impl Upstream {
    pub fn parse(url: &str) -> Result<Self, ChannelError> {
        let url = url.trim();
        if let Some(target) = url.strip_prefix("dns:///") {
            let (host, port) = target
                .rsplit_once(':')
                .and_then(|(h, p)| Some((h.to_owned(), p.parse().ok()?)))
                .filter(|(h, _)| !h.is_empty())
                .ok_or_else(|| ChannelError::Mesh(format!("{url}: write dns:///host:port")))?;
            return Ok(Self::Dns { host, port });
        }
        let urls: Vec<String> = url.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).collect();
        match urls.len() {
            0 => Err(ChannelError::Mesh("an empty upstream URL".into())),
            1 => Ok(Self::One(urls.into_iter().next().unwrap_or_default())),
            _ => Ok(Self::List(urls)),
        }
    }
}

/// Keeps a balanced channel's endpoints: the upstream's addresses
/// (resolved again every [`RESOLVE_EVERY`]) that accept a connection.
async fn follow(
    upstream: Upstream,
    changes: tokio::sync::mpsc::Sender<tonic::transport::channel::Change<std::net::SocketAddr, Endpoint>>,
    make: impl Fn(std::net::SocketAddr) -> Result<Endpoint, ChannelError>,
) {
    use std::collections::HashSet;
    use tonic::transport::channel::Change;
    let targets: Vec<String> = match &upstream {
        Upstream::Dns { host, port } => vec![format!("{host}:{port}")],
        Upstream::List(urls) => {
            urls.iter().map(|u| u.split_once("://").map_or(u.as_str(), |(_, a)| a).to_owned()).collect()
        }
        Upstream::One(_) => return,
    };
    let (mut known, mut live): (Vec<std::net::SocketAddr>, HashSet<std::net::SocketAddr>) =
        (Vec::new(), HashSet::new());
    let mut resolved_at: Option<tokio::time::Instant> = None;
    loop {
        if resolved_at.is_none_or(|t| t.elapsed() >= RESOLVE_EVERY) {
            let mut now = Vec::new();
            for t in &targets {
                match tokio::net::lookup_host(t.trim_end_matches('/')).await {
                    Ok(addrs) => now.extend(addrs),
                    Err(e) => tracing::warn!(upstream = %t, error = %e, "cannot resolve upstream"),
                }
            }
            // A resolver hiccup must not empty the pool: keep what we had.
            if !now.is_empty() {
                now.sort();
                now.dedup();
                known = now;
            }
            resolved_at = Some(tokio::time::Instant::now());
        }
        let mut up = HashSet::new();
        for addr in &known {
            let probe = tokio::time::timeout(Duration::from_millis(500), tokio::net::TcpStream::connect(addr)).await;
            if matches!(probe, Ok(Ok(_))) {
                up.insert(*addr);
            }
        }
        if up.is_empty() {
            up = known.iter().copied().collect();
        }
        for gone in live.difference(&up) {
            tracing::info!(endpoint = %gone, "upstream endpoint left out (not answering, or gone from DNS)");
            if changes.send(Change::Remove(*gone)).await.is_err() {
                return;
            }
        }
        for new in up.difference(&live) {
            let Ok(endpoint) = make(*new) else { continue };
            if changes.send(Change::Insert(*new, endpoint)).await.is_err() {
                return;
            }
        }
        live = up;
        if changes.is_closed() {
            return;
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
}

/// Why a client channel could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("gRPC channel: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("{0}")]
    Mesh(String),
}

/// Splits `/pkg.Service/Method` into its service and method.
fn rpc_parts(path: &str) -> (&str, &str) {
    path.trim_start_matches('/').split_once('/').unwrap_or((path, ""))
}

/// Health checks and reflection are not worth a span each.
fn is_infrastructure(path: &str) -> bool {
    path.starts_with("/grpc.")
}

fn grpc_status<B>(res: &http::Response<B>) -> i64 {
    // Errors of unary calls come back "trailers-only", in the headers; a
    // success carries its status in the trailers: 0.
    res.headers().get("grpc-status").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// One RPC's duration, by service, method, status and the service measuring it.
fn record_rpc(
    histogram: &opentelemetry::metrics::Histogram<f64>,
    start: Instant,
    service: String,
    method: String,
    who: &'static str,
    code: i64,
) {
    histogram.record(
        start.elapsed().as_secs_f64(),
        &[
            opentelemetry::KeyValue::new("rpc.system", "grpc"),
            opentelemetry::KeyValue::new("rpc.service", service),
            opentelemetry::KeyValue::new("rpc.method", method),
            opentelemetry::KeyValue::new(crate::telemetry::SERVICE_KEY, who),
            opentelemetry::KeyValue::new("rpc.grpc.status_code", code),
        ],
    );
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A tonic channel whose calls are client spans (`rpc.*` attributes) and
/// carry the W3C trace context in their metadata.
#[derive(Clone, Debug)]
pub struct TracedChannel {
    inner: Channel,
    caller: &'static str,
    /// `Bearer <EC_SERVICE_TOKEN>`, sent with every call.
    token: Option<http::HeaderValue>,
}

impl tower::Service<http::Request<Body>> for TracedChannel {
    type Response = http::Response<Body>;
    type Error = tonic::transport::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        tower::Service::poll_ready(&mut self.inner, cx)
    }

    fn call(&mut self, mut req: http::Request<Body>) -> Self::Future {
        let path = req.uri().path().to_owned();
        if let Some(token) = &self.token {
            req.headers_mut().insert(http::header::AUTHORIZATION, token.clone());
        }
        if is_infrastructure(&path) {
            return Box::pin(self.inner.call(req));
        }
        req.headers_mut().insert(CALLER, http::HeaderValue::from_static(self.caller));
        let (service, method) = rpc_parts(&path);
        let span = tracing::info_span!(
            "grpc.client",
            otel.name = %path.trim_start_matches('/'),
            otel.kind = "client",
            otel.status_code = Empty,
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = Empty,
            ec.service = self.caller,
        );
        span.in_scope(|| crate::telemetry::inject_headers(req.headers_mut()));
        let (rpc_service, rpc_method, who) = (service.to_owned(), method.to_owned(), self.caller);
        let fut = self.inner.call(req);
        Box::pin(async move {
            let start = Instant::now();
            let res = fut.instrument(span.clone()).await;
            let code = match &res {
                Ok(r) => grpc_status(r),
                Err(_) => 14, // UNAVAILABLE: the call never reached the server
            };
            span.record("rpc.grpc.status_code", code);
            if code != 0 {
                span.record("otel.status_code", "ERROR");
            }
            record_rpc(&crate::telemetry::metrics().rpc_client, start, rpc_service, rpc_method, who, code);
            res
        })
    }
}

/// Server side: one span per call, child of the caller's span (from the
/// `traceparent` metadata), with its status code, and the RPC duration metric.
#[derive(Clone, Copy)]
struct ServerTraceLayer {
    service: &'static str,
}

impl<S> tower::Layer<S> for ServerTraceLayer {
    type Service = ServerTrace<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ServerTrace { inner, service: self.service }
    }
}

#[derive(Clone)]
struct ServerTrace<S> {
    inner: S,
    service: &'static str,
}

impl<S, B, R> tower::Service<http::Request<B>> for ServerTrace<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let path = req.uri().path().to_owned();
        if is_infrastructure(&path) {
            return Box::pin(self.inner.call(req));
        }
        let (service, method) = rpc_parts(&path);
        let span = tracing::info_span!(
            "grpc.server",
            otel.name = %path.trim_start_matches('/'),
            otel.kind = "server",
            otel.status_code = Empty,
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = Empty,
            ec.service = self.service,
        );
        if crate::telemetry::tracing_enabled() {
            let _ = span.set_parent(crate::telemetry::extract_headers(req.headers()));
        }
        let (rpc_service, rpc_method, who) = (service.to_owned(), method.to_owned(), self.service);
        let fut = span.in_scope(|| self.inner.call(req));
        Box::pin(async move {
            let start = Instant::now();
            let res = fut.instrument(span.clone()).await;
            if let Ok(r) = &res {
                let code = grpc_status(r);
                span.record("rpc.grpc.status_code", code);
                // Server spans mark only server faults as errors.
                if matches!(code, 2 | 4 | 12 | 13 | 14 | 15) {
                    span.record("otel.status_code", "ERROR");
                }
                record_rpc(&crate::telemetry::metrics().rpc_server, start, rpc_service, rpc_method, who, code);
            }
            res
        })
    }
}

/// With a service token configured, answers UNAUTHENTICATED to every call
/// that does not carry it (compared in constant time); health checks and
/// reflection stay open for probes and grpcurl.
#[derive(Clone)]
struct ServiceAuthLayer {
    token: Option<std::sync::Arc<Vec<u8>>>,
}

impl<S> tower::Layer<S> for ServiceAuthLayer {
    type Service = ServiceAuth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ServiceAuth { inner, token: self.token.clone() }
    }
}

#[derive(Clone)]
struct ServiceAuth<S> {
    inner: S,
    token: Option<std::sync::Arc<Vec<u8>>>,
}

impl<S, B> tower::Service<http::Request<B>> for ServiceAuth<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<Body>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if let Some(token) = &self.token
            && !is_infrastructure(req.uri().path())
        {
            let sent = req.headers().get(http::header::AUTHORIZATION).map(|v| v.as_bytes()).unwrap_or_default();
            if !crate::config::constant_time_eq(sent, token) {
                let status = tonic::Status::unauthenticated("this service answers only the platform's own services");
                return Box::pin(async move { Ok(status.into_http()) });
            }
        }
        Box::pin(self.inner.call(req))
    }
}

/// `http://host:port` for a bound address, as clients want it.
pub fn http_url(addr: std::net::SocketAddr) -> String {
    format!("http://{addr}")
}

/// Binds `addr`, with an error message that names who wanted it.
pub async fn bind(addr: std::net::SocketAddr, who: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("{who} cannot listen on {addr}: {e}")))
}
