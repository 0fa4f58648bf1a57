//! gRPC plumbing every service shares: one builder that cannot forget health,
//! reflection or graceful shutdown, and client channels.

use std::{convert::Infallible, future::Future, time::Duration};

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{
    body::Body,
    server::NamedService,
    service::RoutesBuilder,
    transport::{Channel, Endpoint, Server},
};
use tonic_health::server::HealthReporter;

type HttpRequest = http::Request<Body>;
type HttpResponse = http::Response<Body>;

/// Builds a tonic server: for each service added it marks the service SERVING
/// in `grpc.health.v1`, and lists it for reflection (v1 and v1alpha).
pub struct GrpcServer {
    routes: RoutesBuilder,
    health: HealthReporter,
    names: Vec<&'static str>,
    descriptors: &'static [u8],
}

impl GrpcServer {
    /// `descriptors`: the encoded `FileDescriptorSet` holding the services.
    pub fn new(descriptors: &'static [u8]) -> Self {
        let (health, health_service) = tonic_health::server::health_reporter();
        let mut routes = RoutesBuilder::default();
        routes.add_service(health_service);
        Self { routes, health, names: Vec::new(), descriptors }
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
    /// `shutdown` resolves; in-flight calls finish first.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), tonic::transport::Error> {
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
        // Building from descriptors compiled into the binary cannot fail at
        // run time unless the build itself is broken; fail loudly at start-up.
        let v1 = v1.build_v1().map_err(reflection_error)?;
        let v1alpha = v1alpha.build_v1alpha().map_err(reflection_error)?;
        self.routes.add_service(v1);
        self.routes.add_service(v1alpha);
        Server::builder()
            .tcp_nodelay(true)
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .add_routes(self.routes.routes())
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
            .await
    }
}

fn reflection_error(e: tonic_reflection::server::Error) -> tonic::transport::Error {
    // tonic::transport::Error has no public constructor; reflection set-up
    // failing means the embedded descriptors are corrupt, which is a build bug.
    panic!("gRPC reflection could not be built from the embedded descriptors: {e}")
}

/// A channel that connects on first use and reconnects after failures, so a
/// service can start before the services it calls.
pub fn lazy_channel(url: &str) -> Result<Channel, tonic::transport::Error> {
    Ok(Endpoint::from_shared(url.to_owned())?
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(2))
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true)
        .connect_lazy())
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
