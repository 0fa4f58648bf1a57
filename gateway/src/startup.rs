//! The router and the HTTP server.

use std::{net::SocketAddr, path::Path};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    serve::ListenerExt,
};
use ec_common::shutdown::Shutdown;
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer,
    services::{ServeDir, ServeFile},
};

use ec_common::error::ErrorCode;

use crate::{config::Config, error::ApiError, state::AppState};

pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
}

/// The whole HTTP surface: API, OpenAPI document, web admin.
pub fn router(state: AppState, config: &Config) -> Router {
    let api = crate::routes::api()
        .route("/api/v1/openapi.json", get(|| async { axum::Json(crate::openapi::document()) }))
        // Spans and metrics for matched routes only (http.route is known).
        .route_layer(middleware::from_fn(crate::trace::http_span))
        .route("/metrics", get(ec_common::telemetry::metrics_handler))
        .route("/api/{*rest}", axum::routing::any(|| async { ApiError::not_found("no such API route") }))
        .method_not_allowed_fallback(|| async {
            ApiError::new(ErrorCode::MethodNotAllowed, "this route does not take that method")
        })
        .with_state(state);
    let app = match web_admin(&config.settings.web_dir) {
        Some(spa) => api.fallback_service(spa),
        None => api.fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "The web admin is not built. Build it with `npm --prefix web run build`, or use the API under /api/v1.",
            )
        }),
    };
    app.layer(middleware::from_fn(problem_for_bare_errors))
        .layer(DefaultBodyLimit::max(config.settings.max_body_bytes))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            ApiError::internal().into_response()
        }))
}

/// The built SPA, with client routes falling back to index.html.
fn web_admin(dir: &Path) -> Option<ServeDir<ServeFile>> {
    let index = dir.join("index.html");
    // `fallback`, not `not_found_service`: a client route such as
    // /orders/12 is a page of the app and answers 200.
    index.is_file().then(|| ServeDir::new(dir).fallback(ServeFile::new(index)))
}

/// Errors made by axum itself (an unparsable query string, a bad path) come
/// as text; turn them into problems like every other error.
async fn problem_for_bare_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let is_problem = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !api || is_problem || !(res.status().is_client_error() || res.status().is_server_error()) {
        return res;
    }
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap_or_default();
    let detail = String::from_utf8_lossy(&body).into_owned();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::ValidationFailed,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::MalformedRequest,
    };
    let detail = if status.is_server_error() { "internal error".to_owned() } else { detail };
    ApiError::new(code, detail).into_response()
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = ec_common::grpc::bind(config.addr, "gateway").await?;
        Self::build_on(config, listener).await
    }

    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let state = AppState::new(&config)?;
        let router = router(state, &config);
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr, router })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn run(self, shutdown: Shutdown) -> anyhow::Result<()> {
        tracing::info!(addr = %self.addr, "gateway listening");
        // axum::serve does not set TCP_NODELAY; small JSON answers would wait
        // for Nagle otherwise.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
        });
        let stop = shutdown.wait();
        axum::serve(listener, self.router).with_graceful_shutdown(stop).await?;
        tracing::info!("gateway stopped");
        Ok(())
    }
}
