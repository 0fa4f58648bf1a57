//! `/api/v1/auth`: sign-in and sign-out, the current principal, users and
//! API keys; `/api/v1/audit`: the audit log.

use axum::{
    Extension, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use chrono::{DateTime, Utc};
use ec_common::{
    error::{ErrorCode, FieldViolation},
    rules,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    AuditActor, ClientAddr, Principal, Role, SESSION_COOKIE, current_principal,
    entity::{api_keys, audit_log, users},
    secrets,
    store::AuditFilter,
};
use crate::{
    error::{ApiError, Problem},
    extract::{Id, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/auth/users", get(list_users).post(create_user))
        .route("/api/v1/auth/users/{id}", delete(delete_user).patch(update_user))
        .route("/api/v1/auth/api-keys", get(list_keys).post(create_key))
        .route("/api/v1/auth/api-keys/{id}", delete(revoke_key))
        .route("/api/v1/audit", get(audit))
}

/// Shortest password accepted for a new user.
pub const PASSWORD_MIN: usize = 12;
/// Longest password accepted.
pub const PASSWORD_MAX: usize = 256;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// Sign in: answers 204 with the session cookie. A wrong e-mail and a wrong
/// password answer the same; repeated failures are slowed down (429).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses(
        (status = 204, description = "Signed in; the session cookie is set"),
        (status = 401, description = "Wrong e-mail or password (UNAUTHENTICATED)", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After (TOO_MANY_REQUESTS)", body = Problem),
    ))]
pub async fn login(
    State(s): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    Json(body): Json<Login>,
) -> Result<Response, ApiError> {
    let ip = client.map(|Extension(ClientAddr(a))| a.ip());
    if let Some(wait) = s.throttle.wait(&body.email, ip) {
        let mut res =
            ApiError::new(ErrorCode::TooManyRequests, "too many failed sign-ins; try again later").into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(res);
    }
    let user = s.auth.user_by_email(body.email.trim()).await.map_err(db_error)?;
    let ok = secrets::verify_password(body.password, user.as_ref().map(|u| u.password_hash.clone())).await;
    let Some(user) = user.filter(|_| ok) else {
        s.throttle.failed(&body.email, ip);
        let mut res = ApiError::new(ErrorCode::Unauthenticated, "wrong e-mail or password").into_response();
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Ok(res);
    };
    s.throttle.succeeded(&body.email);
    // A new id at every sign-in (the old session, if any, ends).
    if let Some(old) = super::session_cookie(&headers) {
        let _ = s.auth.delete_session(&secrets::sha256_hex(&old)).await;
    }
    let id = secrets::random_token();
    let now = Utc::now();
    let expires = now + chrono::Duration::from_std(s.access.session_max).unwrap_or_default();
    s.auth.create_session(secrets::sha256_hex(&id), user.id, now, expires).await.map_err(db_error)?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    let max_age = s.access.session_max.as_secs();
    let secure = if s.access.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    res.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| ApiError::internal())?);
    res.extensions_mut().insert(AuditActor(format!("user:{}", user.email)));
    Ok(res)
}

/// Sign out: the session ends now.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn logout(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(id) = super::session_cookie(&headers) {
        s.auth.delete_session(&secrets::sha256_hex(&id)).await.map_err(db_error)?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    let secure = if s.access.secure_cookies { "; Secure" } else { "" };
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}");
    res.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&clear).map_err(|_| ApiError::internal())?);
    Ok(res)
}

/// Who is signed in (or which key calls).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    /// The user's e-mail; for an API key, its name.
    pub email: String,
    pub role: Role,
    /// `user` or `key`.
    pub kind: String,
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Me)))]
pub async fn me() -> Result<axum::Json<Me>, ApiError> {
    let p = current_principal().ok_or_else(ApiError::internal)?;
    Ok(axum::Json(match p {
        Principal::User { email, role, .. } => Me { email, role, kind: "user".into() },
        Principal::Key { name, role, .. } => Me { email: name, role, kind: "key".into() },
    }))
}

// -------------------------------------------------------------------- users

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<users::Model> for User {
    fn from(u: users::Model) -> Self {
        Self { id: u.id, email: u.email, role: u.role, created_at: u.created_at, updated_at: u.updated_at }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUser {
    pub email: String,
    /// At least 12 characters.
    pub password: String,
    pub role: Role,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UserUpdate {
    pub role: Role,
}

#[utoipa::path(get, path = "/api/v1/auth/users", tag = "auth", responses((status = 200, body = Vec<User>)))]
pub async fn list_users(State(s): State<AppState>) -> Result<axum::Json<Vec<User>>, ApiError> {
    Ok(axum::Json(s.auth.users().await.map_err(db_error)?.into_iter().map(User::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/auth/users", tag = "auth", request_body = NewUser,
    responses((status = 201, body = User), (status = 409, description = "The e-mail is taken (CONFLICT)", body = Problem)))]
pub async fn create_user(
    State(s): State<AppState>,
    Json(b): Json<NewUser>,
) -> Result<(StatusCode, HeaderMap, axum::Json<User>), ApiError> {
    let email = rules::email("email", &b.email).map_err(ApiError::field)?;
    let n = b.password.chars().count();
    if n < PASSWORD_MIN {
        return Err(ApiError::field(FieldViolation::new(
            "password",
            ec_common::error::FieldCode::OutOfRange,
            &[("min", &PASSWORD_MIN)],
        )));
    }
    if n > PASSWORD_MAX {
        return Err(ApiError::field(FieldViolation::too_long("password", PASSWORD_MAX)));
    }
    let hash = secrets::hash_password(b.password).await.map_err(|e| {
        tracing::error!(error = %e, "cannot hash a password");
        ApiError::internal()
    })?;
    let user = s
        .auth
        .create_user(&email, hash, b.role)
        .await
        .map_err(db_error)?
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, format!("a user {email} exists")))?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/auth/users/{}", user.id)) {
        headers.insert(header::LOCATION, v);
    }
    Ok((StatusCode::CREATED, headers, axum::Json(user.into())))
}

/// Change a user's role. The last admin cannot be demoted.
#[utoipa::path(patch, path = "/api/v1/auth/users/{id}", tag = "auth", params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 200, body = User), (status = 409, description = "The last admin (CONFLICT)", body = Problem)))]
pub async fn update_user(
    State(s): State<AppState>,
    Id(id): Id,
    Json(b): Json<UserUpdate>,
) -> Result<axum::Json<User>, ApiError> {
    let user = s.auth.user(id).await.map_err(db_error)?.ok_or_else(|| ApiError::not_found(format!("no user {id}")))?;
    if user.role == Role::Admin && b.role != Role::Admin && s.auth.admin_count().await.map_err(db_error)? <= 1 {
        return Err(ApiError::new(ErrorCode::Conflict, "the last admin cannot lose the admin role"));
    }
    let user = s.auth.set_role(id, b.role).await.map_err(db_error)?.ok_or_else(ApiError::internal)?;
    Ok(axum::Json(user.into()))
}

/// Remove a user (their sessions end). The last admin cannot be removed.
#[utoipa::path(delete, path = "/api/v1/auth/users/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 204, description = "Removed"), (status = 409, description = "The last admin (CONFLICT)", body = Problem)))]
pub async fn delete_user(State(s): State<AppState>, Id(id): Id) -> Result<StatusCode, ApiError> {
    let user = s.auth.user(id).await.map_err(db_error)?.ok_or_else(|| ApiError::not_found(format!("no user {id}")))?;
    if user.role == Role::Admin && s.auth.admin_count().await.map_err(db_error)? <= 1 {
        return Err(ApiError::new(ErrorCode::Conflict, "the last admin cannot be removed"));
    }
    s.auth.delete_user(id).await.map_err(db_error)?;
    Ok(StatusCode::NO_CONTENT)
}

// -------------------------------------------------------------------- API keys

/// An API key as listed (never the key itself).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The key's last 4 characters.
    pub last4: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_keys::Model> for ApiKey {
    fn from(k: api_keys::Model) -> Self {
        Self {
            id: k.id,
            name: k.name,
            role: k.role,
            last4: k.last4,
            created_by: k.created_by,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A new key: the only answer that shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedApiKey {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Shown this once; only its hash is kept.
    pub key: String,
    pub last4: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewApiKey {
    pub name: String,
    pub role: Role,
}

#[utoipa::path(get, path = "/api/v1/auth/api-keys", tag = "auth", responses((status = 200, body = Vec<ApiKey>)))]
pub async fn list_keys(State(s): State<AppState>) -> Result<axum::Json<Vec<ApiKey>>, ApiError> {
    Ok(axum::Json(s.auth.keys().await.map_err(db_error)?.into_iter().map(ApiKey::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/auth/api-keys", tag = "auth", request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey)))]
pub async fn create_key(
    State(s): State<AppState>,
    Json(b): Json<NewApiKey>,
) -> Result<(StatusCode, HeaderMap, axum::Json<CreatedApiKey>), ApiError> {
    let name = rules::text("name", &b.name, 100).map_err(ApiError::field)?;
    let by = current_principal().map(|p| p.actor()).unwrap_or_default();
    let key = secrets::new_api_key();
    let k = s
        .auth
        .create_key(&name, b.role, secrets::sha256_hex(&key), secrets::last4(&key), &by)
        .await
        .map_err(db_error)?
        .ok_or_else(ApiError::internal)?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/auth/api-keys/{}", k.id)) {
        headers.insert(header::LOCATION, v);
    }
    let created = CreatedApiKey { id: k.id, name: k.name, role: k.role, key, last4: k.last4, created_at: k.created_at };
    Ok((StatusCode::CREATED, headers, axum::Json(created)))
}

/// Revoke a key: refused from the next request on.
#[utoipa::path(delete, path = "/api/v1/auth/api-keys/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 200, body = ApiKey)))]
pub async fn revoke_key(State(s): State<AppState>, Id(id): Id) -> Result<axum::Json<ApiKey>, ApiError> {
    let k = s
        .auth
        .revoke_key(id)
        .await
        .map_err(db_error)?
        .ok_or_else(|| ApiError::not_found(format!("no API key {id}")))?;
    Ok(axum::Json(k.into()))
}

// -------------------------------------------------------------------- audit

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `user:<email>`, `key:<id>:<name>` or `anonymous`.
    pub actor: String,
    /// `<METHOD> <route>`.
    pub action: String,
    /// The resource's path.
    pub target: String,
    /// The HTTP status answered.
    pub status: i32,
    pub trace_id: Option<String>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(a: audit_log::Model) -> Self {
        Self {
            id: a.id,
            at: a.at,
            actor: a.actor,
            action: a.action,
            target: a.target,
            status: a.status,
            trace_id: a.trace_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Exactly this actor, e.g. `user:admin@example.jp`.
    #[serde(default, deserialize_with = "crate::extract::blank_as_none")]
    pub actor: Option<String>,
    /// This resource and what is under it, e.g. `/api/v1/orders/12`.
    #[serde(default, deserialize_with = "crate::extract::blank_as_none")]
    pub target: Option<String>,
    /// Entries per page (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "auth", params(AuditParams),
    responses((status = 200, body = AuditPage)))]
pub async fn audit(State(s): State<AppState>, Query(p): Query<AuditParams>) -> Result<axum::Json<AuditPage>, ApiError> {
    let limit = rules::page_size("limit", p.limit, rules::page::ORDERS_DEFAULT, rules::page::ORDERS_MAX)
        .map_err(ApiError::field)?;
    let cursor = crate::extract::cursor(p.cursor)?;
    let filter =
        AuditFilter { actor: p.actor, target: p.target, before_id: cursor.parse().ok(), limit: u64::from(limit) };
    let (rows, more) = s.auth.audit_page(&filter).await.map_err(db_error)?;
    let next_cursor = if more { rows.last().map(|r| r.id.to_string()) } else { None };
    Ok(axum::Json(AuditPage { entries: rows.into_iter().map(AuditEntry::from).collect(), next_cursor }))
}

pub(crate) fn db_error(e: sea_orm::DbErr) -> ApiError {
    tracing::error!(error = %e, "gateway database error");
    ApiError::internal()
}
