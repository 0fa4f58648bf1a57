//! Access control (DESIGN.md section 5).
//!
//! - [`ACCESS`]: the role every route needs, in one table.
//! - [`authorize`]: the one layer that works out who calls (a bearer API key
//!   or the session cookie), refuses what that principal may not do, guards
//!   cookie-authenticated changes against cross-site requests, records every
//!   mutating call in the audit log, and hands the principal on to the
//!   services with every gRPC call ([`current_principal`]).
//! - [`secrets`]: passwords (Argon2id), session ids and API keys (SHA-256),
//!   the sign-in throttle. [`store`]: `gateway.db`. [`routes`]: sign-in,
//!   users, keys, audit. [`bootstrap`]: the first admin.

pub mod bootstrap;
pub mod entity;
pub mod routes;
pub mod secrets;
pub mod store;

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use ec_common::error::ErrorCode;
pub use entity::Role;

use crate::{error::ApiError, state::AppState};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (probes, the OpenAPI document, signing in).
    Public,
    /// Anyone whose request is signed (the REST webhook: Standard Webhooks).
    Signed,
    /// Any signed-in principal.
    SignedIn,
    /// A principal with at least this role.
    Role(Role),
}

use Access::{Public, Signed, SignedIn};
const VIEWER: Access = Access::Role(Role::Viewer);
const OPERATOR: Access = Access::Role(Role::Operator);
const ADMIN: Access = Access::Role(Role::Admin);

/// The role each route needs (method, route as the router spells it).
/// A route missing here answers 500: nothing is open by omission.
pub const ACCESS: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/api/v1/openapi.json", Public),
    ("POST", "/api/v1/auth/login", Public),
    ("POST", "/api/v1/auth/logout", SignedIn),
    ("GET", "/api/v1/auth/me", SignedIn),
    ("GET", "/api/v1/auth/users", ADMIN),
    ("POST", "/api/v1/auth/users", ADMIN),
    ("PATCH", "/api/v1/auth/users/{id}", ADMIN),
    ("DELETE", "/api/v1/auth/users/{id}", ADMIN),
    ("GET", "/api/v1/auth/api-keys", ADMIN),
    ("POST", "/api/v1/auth/api-keys", ADMIN),
    ("DELETE", "/api/v1/auth/api-keys/{id}", ADMIN),
    ("GET", "/api/v1/audit", ADMIN),
    ("GET", "/api/v1/orders", VIEWER),
    ("POST", "/api/v1/orders", OPERATOR),
    ("GET", "/api/v1/orders/stats", VIEWER),
    ("GET", "/api/v1/orders/{id}", VIEWER),
    ("GET", "/api/v1/orders/{id}/timeline", VIEWER),
    ("DELETE", "/api/v1/orders/{id}", OPERATOR),
    ("PUT", "/api/v1/orders/{id}/status", OPERATOR),
    ("POST", "/api/v1/orders/{id}/webhook", Signed),
    ("GET", "/api/v1/orders/imports", VIEWER),
    ("POST", "/api/v1/orders/imports", OPERATOR),
    ("GET", "/api/v1/orders/imports/{id}", VIEWER),
    ("GET", "/api/v1/orders/imports/{id}/events", VIEWER),
    ("GET", "/api/v1/orders/imports/{id}/errors", VIEWER),
    ("POST", "/api/v1/payments", ADMIN),
    ("POST", "/api/v1/payments/refund", ADMIN),
    ("GET", "/api/v1/payments/order/{order_id}", VIEWER),
    ("GET", "/api/v1/payments/{id}", VIEWER),
    ("POST", "/api/v1/notifications/email", OPERATOR),
    ("POST", "/api/v1/notifications/sms", OPERATOR),
    ("GET", "/api/v1/notifications/order/{order_id}", VIEWER),
    ("GET", "/api/v1/notifications/templates", VIEWER),
    ("PUT", "/api/v1/notifications/templates/{code}", ADMIN),
    ("GET", "/api/v1/notifications/stats", VIEWER),
    ("GET", "/api/v1/notifications", VIEWER),
    ("POST", "/api/v1/notifications/{id}/retry", OPERATOR),
    ("POST", "/api/v1/notifications/retry-failed", OPERATOR),
    ("GET", "/api/v1/outbox/{service}/events", VIEWER),
    ("POST", "/api/v1/outbox/{service}/events/{id}/retry", OPERATOR),
    ("POST", "/api/v1/outbox/{service}/retry-dead", OPERATOR),
];

pub fn access(method: &Method, route: &str) -> Option<Access> {
    ACCESS.iter().find(|(m, r, _)| *m == method.as_str() && *r == route).map(|(_, _, a)| *a)
}

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "ec_session";

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User { id: i64, email: String, role: Role },
    Key { id: i64, name: String, role: Role },
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Self::User { role, .. } | Self::Key { role, .. } => *role,
        }
    }

    /// How the audit log and the services name it: `user:<email>` or
    /// `key:<id>:<name>`.
    pub fn actor(&self) -> String {
        match self {
            Self::User { email, .. } => format!("user:{email}"),
            Self::Key { id, name, .. } => format!("key:{id}:{name}"),
        }
    }
}

tokio::task_local! {
    /// The principal of the request being served: set by [`authorize`] for
    /// the whole handler, read by every onward gRPC call.
    static PRINCIPAL: Option<Principal>;
}

/// The acting principal of the request being served, if any.
pub fn current_principal() -> Option<Principal> {
    PRINCIPAL.try_with(Clone::clone).ok().flatten()
}

/// An actor the handler names itself (sign-in: the account that signed in).
#[derive(Debug, Clone)]
pub struct AuditActor(pub String);

fn unauthenticated(detail: &str) -> Response {
    let mut res = ApiError::new(ErrorCode::Unauthenticated, detail).into_response();
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    res
}

fn forbidden(detail: &str) -> Response {
    ApiError::new(ErrorCode::Forbidden, detail).into_response()
}

/// The session id the cookie carries, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_owned())
    })
}

/// Why a request carries no usable credentials.
enum Denied {
    /// None were sent.
    Missing,
    /// Some were sent and are not (or no longer) valid.
    Invalid,
}

/// How the caller authenticated, for the CSRF rule.
enum Via {
    Key,
    Cookie,
}

async fn principal(s: &AppState, headers: &HeaderMap) -> Result<(Principal, Via), Denied> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).ok_or(Denied::Invalid)?;
        if !token.starts_with(secrets::KEY_PREFIX) {
            return Err(Denied::Invalid);
        }
        let key = s.auth.live_key(&secrets::sha256_hex(token)).await.map_err(|e| {
            tracing::error!(error = %e, "cannot read API keys");
            Denied::Invalid
        })?;
        let key = key.ok_or(Denied::Invalid)?;
        return Ok((Principal::Key { id: key.id, name: key.name, role: key.role }, Via::Key));
    }
    let id = session_cookie(headers).ok_or(Denied::Missing)?;
    let hash = secrets::sha256_hex(&id);
    let (session, user) = s
        .auth
        .session(&hash)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot read sessions");
            Denied::Invalid
        })?
        .ok_or(Denied::Invalid)?;
    let now = Utc::now();
    let idle = chrono::Duration::from_std(s.access.session_idle).unwrap_or_default();
    if session.expires_at <= now || session.last_seen_at + idle <= now {
        let _ = s.auth.delete_session(&hash).await;
        return Err(Denied::Invalid);
    }
    // Activity moves the idle limit; a write a minute is enough for that.
    if now - session.last_seen_at > chrono::Duration::seconds(60) {
        let _ = s.auth.touch_session(&hash, now).await;
    }
    Ok((Principal::User { id: user.id, email: user.email, role: user.role }, Via::Cookie))
}

/// A change made with the session cookie must come from this site: a
/// browser says where a request comes from (`Sec-Fetch-Site`, else
/// `Origin`); a cross-site one is refused. (API keys are not sent by
/// browsers on their own, so they need no such check.)
fn same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let host = host.to_str().unwrap_or_default();
            origin.split_once("://").is_some_and(|(_, authority)| authority == host)
        }
        (Some(_), None) => false,
        // No browser hints at all: not a browser (curl, scripts).
        (None, _) => true,
    }
}

fn is_mutating(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The access layer of every API route (see the module documentation).
pub async fn authorize(
    State(s): State<AppState>,
    matched: Option<MatchedPath>,
    mut req: Request,
    next: Next,
) -> Response {
    let route = matched.as_ref().map(|m| m.as_str().to_owned()).unwrap_or_default();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let Some(rule) = access(&method, &route) else {
        tracing::error!(%method, %route, "a route without an access rule");
        return ApiError::internal().into_response();
    };
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut().insert(ClientAddr(addr));
    }
    let (principal, res) = match rule {
        Public | Signed => (None, next.run(req).await),
        SignedIn | Access::Role(_) => match principal(&s, req.headers()).await {
            Err(Denied::Missing) => {
                (None, unauthenticated("sign in, or send an API key: Authorization: Bearer sk_..."))
            }
            Err(Denied::Invalid) => {
                (None, unauthenticated("the credentials are not valid (revoked, expired or unknown)"))
            }
            Ok((p, via)) => {
                let res = if matches!(via, Via::Cookie) && is_mutating(&method) && !same_site(req.headers()) {
                    forbidden("a cross-site request cannot change anything")
                } else if let Access::Role(needed) = rule
                    && p.role() < needed
                {
                    forbidden(&format!("this needs the {} role", role_name(needed)))
                } else {
                    PRINCIPAL.scope(Some(p.clone()), next.run(req)).await
                };
                (Some(p), res)
            }
        },
    };
    if is_mutating(&method) {
        let entry = audit_entry(&method, &route, &path, principal.as_ref(), &res);
        if let Err(e) = s.auth.audit(entry).await {
            tracing::error!(error = %e, "audit entry not queued");
        }
    }
    res
}

/// The client's address, for the sign-in throttle.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Viewer => "viewer",
        Role::Operator => "operator",
        Role::Admin => "admin",
    }
}

/// One audit entry for a mutating call, whatever its outcome.
fn audit_entry(
    method: &Method,
    route: &str,
    path: &str,
    principal: Option<&Principal>,
    res: &Response,
) -> store::AuditEntry {
    let actor = res
        .extensions()
        .get::<AuditActor>()
        .map(|a| a.0.clone())
        .or_else(|| principal.map(Principal::actor))
        .unwrap_or_else(|| "anonymous".to_owned());
    // A create names the new resource by its Location.
    let target = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| path.to_owned(), str::to_owned);
    store::AuditEntry {
        actor,
        action: format!("{method} {route}"),
        target,
        status: res.status().as_u16(),
        trace_id: ec_common::telemetry::current_trace_id(),
    }
}

/// The settings of sign-in and sessions, from the gateway's configuration.
#[derive(Debug, Clone)]
pub struct AccessSettings {
    pub session_idle: std::time::Duration,
    pub session_max: std::time::Duration,
    pub secure_cookies: bool,
}
