//! `/api/v1/orders/imports`: bulk CSV import, its history, progress (SSE)
//! and refused rows.

use std::{convert::Infallible, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::get,
};
use ec_common::error::{ErrorCode, FieldViolation};
use ec_proto::order::v1 as pb;
use futures::StreamExt;

use crate::{
    dto::{
        ErrorsFormat, ErrorsParams, Import, ImportErrors, ImportList, ImportParams, ImportReport, PageParams, answered,
    },
    error::{ApiError, Problem},
    extract::Query,
    state::AppState,
};

/// Largest import upload: 10,000 rows of long Japanese text fit easily.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/orders/imports",
            axum::routing::post(create_import).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)).get(list_imports),
        )
        .route("/api/v1/orders/imports/{id}", get(get_import))
        .route("/api/v1/orders/imports/{id}/events", get(import_events))
        .route("/api/v1/orders/imports/{id}/errors", get(import_errors))
}

/// The uploaded file: a multipart field `file`, or the raw body.
async fn upload(req: Request, state: &AppState) -> Result<(Option<String>, Vec<u8>), ApiError> {
    let too_large = || ApiError::new(ErrorCode::PayloadTooLarge, "the file is too large");
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/form-data"));
    if is_multipart {
        let mut form = Multipart::from_request(req, state).await.map_err(|e| ApiError::bad_request(e.body_text()))?;
        while let Some(field) = form.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { ApiError::bad_request(e.body_text()) }
        })? {
            if field.name() == Some("file") {
                let name = field.file_name().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        ApiError::bad_request(e.body_text())
                    }
                })?;
                return Ok((name, bytes.to_vec()));
            }
        }
        return Err(ApiError::field(FieldViolation::required("file")));
    }
    let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { ApiError::bad_request(e.body_text()) }
    })?;
    Ok((None, bytes.to_vec()))
}

/// Upload a CSV of orders (`text/csv` body, or multipart field `file`).
/// Answers at once (202); the import runs in the background. `dry_run=true`
/// validates and answers the report (200), storing nothing.
#[utoipa::path(post, path = "/api/v1/orders/imports", tag = "imports", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "Header: customer_name, customer_email, product_id, product_name, quantity, unit_price; optional external_ref, customer_phone, shipping_address"),
    responses(
        (status = 202, description = "Accepted; follow it at /api/v1/orders/imports/{id}", body = ImportReport),
        (status = 200, description = "Dry run report", body = ImportReport),
        (status = 413, description = "File too large", body = Problem),
        (status = 422, description = "Wrong header, no rows, or over the row limit (TOO_MANY_ROWS); nothing stored", body = Problem),
    ))]
pub async fn create_import(
    State(s): State<AppState>,
    Query(p): Query<ImportParams>,
    headers: HeaderMap,
    req: Request,
) -> Result<Response, ApiError> {
    let (dry_run, digest) = (p.dry_run.unwrap_or(false), p.digest.unwrap_or(false));
    let (upload_name, content) = upload(req, &s).await?;
    if content.is_empty() {
        return Err(ApiError::field(FieldViolation::required("file")));
    }
    let submitted_by = p
        .submitted_by
        .or_else(|| headers.get("x-submitted-by").and_then(|v| v.to_str().ok()).map(str::to_owned))
        .unwrap_or_default();
    let request = pb::CreateImportRequest {
        file_name: upload_name.or(p.file_name).unwrap_or_default(),
        content,
        encoding: p.encoding.unwrap_or_default().as_str().to_owned(),
        dry_run,
        digest,
        submitted_by,
    };
    let res = s.orders().create_import(s.call(request, s.default_timeout)?).await?.into_inner();
    let import: Import = answered(res.import, "import")?;
    let report =
        ImportReport { import, errors: res.errors.into_iter().map(TryFrom::try_from).collect::<Result<_, _>>()? };
    if dry_run {
        return Ok((StatusCode::OK, axum::Json(report)).into_response());
    }
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/orders/imports/{}", report.import.id)) {
        headers.insert(header::LOCATION, v);
    }
    Ok((StatusCode::ACCEPTED, headers, axum::Json(report)).into_response())
}

/// The import history, newest first.
#[utoipa::path(get, path = "/api/v1/orders/imports", tag = "imports", params(PageParams),
    responses((status = 200, body = ImportList), (status = 422, body = Problem)))]
pub async fn list_imports(
    State(s): State<AppState>,
    Query(p): Query<PageParams>,
) -> Result<axum::Json<ImportList>, ApiError> {
    let req = pb::ListImportsRequest {
        limit: super::orders::wire_limit(p.limit, ec_common::rules::page::IMPORTS_MAX)?,
        cursor: crate::extract::cursor(p.cursor)?,
    };
    let res = s.orders().list_imports(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(ImportList {
        imports: res.imports.into_iter().map(Import::try_from).collect::<Result<_, _>>()?,
        next_cursor: Some(res.next_cursor).filter(|c| !c.is_empty()),
    }))
}

/// An import's status and counters.
#[utoipa::path(get, path = "/api/v1/orders/imports/{id}", tag = "imports", params(("id" = String, Path)),
    responses((status = 200, body = Import), (status = 404, body = Problem)))]
pub async fn get_import(State(s): State<AppState>, Path(id): Path<String>) -> Result<axum::Json<Import>, ApiError> {
    let res = s.orders().get_import(s.call(pb::GetImportRequest { id }, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(answered(res.import, "import")?))
}

/// Progress as Server-Sent Events (`progress` events with the import,
/// then one `done` event) until the import ends.
#[utoipa::path(get, path = "/api/v1/orders/imports/{id}/events", tag = "imports", params(("id" = String, Path)),
    responses((status = 200, description = "text/event-stream of Import", content_type = "text/event-stream"), (status = 404, body = Problem)))]
pub async fn import_events(State(s): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    // A watch lasts as long as the import; give it an hour.
    let req = s.call(pb::WatchImportRequest { id }, Duration::from_secs(3600))?;
    let stream = s.orders().watch_import(req).await?.into_inner();
    let events = stream.map(|item| -> Result<Event, Infallible> {
        Ok(match item {
            Ok(r) => match answered::<_, Import>(r.import, "import") {
                Ok(import) => {
                    let finished =
                        !matches!(import.status, crate::dto::ImportStatus::Queued | crate::dto::ImportStatus::Running);
                    let event = Event::default().event(if finished { "done" } else { "progress" });
                    event.json_data(&import).unwrap_or_else(|_| Event::default().event("error"))
                }
                Err(problem) => Event::default()
                    .event("error")
                    .json_data(&*problem.0)
                    .unwrap_or_else(|_| Event::default().event("error")),
            },
            Err(status) => {
                let problem = ApiError::from(status);
                Event::default()
                    .event("error")
                    .json_data(&*problem.0)
                    .unwrap_or_else(|_| Event::default().event("error"))
            }
        })
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// The rows an import refused, as JSON or as a CSV download.
#[utoipa::path(get, path = "/api/v1/orders/imports/{id}/errors", tag = "imports", params(("id" = String, Path), ErrorsParams),
    responses((status = 200, body = ImportErrors), (status = 404, body = Problem)))]
pub async fn import_errors(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<ErrorsParams>,
) -> Result<Response, ApiError> {
    let csv = p.format == Some(ErrorsFormat::Csv);
    let req = pb::ListImportErrorsRequest { id: id.clone() };
    let res = s.orders().list_import_errors(s.call(req, s.default_timeout)?).await?.into_inner();
    let errors: Vec<crate::dto::RowError> = res.errors.into_iter().map(TryFrom::try_from).collect::<Result<_, _>>()?;
    if !csv {
        return Ok(axum::Json(ImportErrors { errors }).into_response());
    }
    // With a BOM, so Excel opens the Japanese text as UTF-8.
    let write = || -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(["row", "column", "code", "reason"])?;
        for e in &errors {
            out.write_record([e.row.to_string().as_str(), e.column.as_str(), e.code.as_str(), e.reason.as_str()])?;
        }
        Ok(out.into_inner()?)
    };
    let body = write().map_err(|_| ApiError::internal())?;
    let disposition = format!("attachment; filename=\"import-{id}-errors.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}
