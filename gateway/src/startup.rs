//! The router and the HTTP server.

use std::{net::SocketAddr, path::Path};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    serve::ListenerExt,
};
use ec_common::{error::ErrorCode, shutdown::Shutdown};
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer,
    services::{ServeDir, ServeFile},
};

use crate::{
    auth::{self, bootstrap, store::AuthStore},
    config::Config,
    error::ApiError,
    state::AppState,
};

pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
    /// Flushed at shutdown: the audit entries of the last calls.
    auth: AuthStore,
    /// What bootstrapping did (the all-in-one tells the person how to sign in).
    pub bootstrap: bootstrap::Outcome,
}

/// The whole HTTP surface: API, OpenAPI document, web admin. (Metrics are
/// served on their own port: `ec_common::telemetry::serve_metrics`.)
pub fn router(state: AppState, config: &Config) -> Router {
    let api = crate::routes::api()
        .route("/api/v1/openapi.json", get(|| async { axum::Json(crate::openapi::document()) }))
        // Matched routes only: who may call them, then their spans and
        // metrics (the span wraps the access check, so a refusal is traced).
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authorize))
        .route_layer(middleware::from_fn(crate::trace::http_span))
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
        .layer(middleware::from_fn(security_headers))
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

/// What the built admin runs under: its own scripts, styles and images
/// only, no framing, no sniffing, no referrer sent elsewhere. (Inline
/// `style` attributes are allowed: React sets progress widths with them.)
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    res
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
        let db = config.open_db("gateway").await?;
        let auth = AuthStore::open(db).await?;
        let s = &config.settings;
        let bootstrap = bootstrap::run(
            &auth,
            &bootstrap::Bootstrap {
                admin_email: s.admin_email.clone(),
                admin_password: s.admin_password.clone(),
                admin_api_key: s.admin_api_key.clone(),
            },
        )
        .await?;
        let state = AppState::new(&config, auth.clone())?;
        if state.webhook_secrets.is_none() {
            tracing::info!("the REST payment webhook is disabled (set EC_WEBHOOK_SECRET to enable it)");
        }
        let router = router(state, &config);
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr, router, auth, bootstrap })
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
        // The client's address feeds the sign-in throttle.
        let app = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).with_graceful_shutdown(stop).await?;
        // The answered calls' audit entries may still be queued.
        if let Err(e) = self.auth.flush().await {
            tracing::error!(error = %e, "audit entries not flushed at shutdown");
        }
        tracing::info!("gateway stopped");
        Ok(())
    }
}
