//! Bulk CSV import of orders (seed section 7): parse and validate every row
//! ([`parse`]), keep the file and its history ([`records`]), and run it in the
//! background, resumably ([`worker`]).

pub mod parse;
pub mod records;
pub mod worker;

use ec_common::error::{ErrorCode, Fault, FieldCode, FieldViolation};
use ec_proto::order::v1 as pb;

use crate::{entity::imports, error::Error};
pub use worker::{ImportConfig, Importer};

/// What a submission asked for.
pub struct Submission {
    pub file_name: String,
    pub content: Vec<u8>,
    pub encoding: String,
    pub dry_run: bool,
    pub digest: bool,
    pub submitted_by: String,
}

impl Importer {
    /// Validates the file; a dry run answers the report, otherwise the import
    /// is stored (with its file) and started. Nothing is stored for a file
    /// that cannot be imported at all (bad header, too many rows).
    pub async fn submit(&self, s: Submission) -> Result<(imports::Model, Vec<parse::RowError>), Error> {
        let encoding = parse::Encoding::parse(&s.encoding)
            .ok_or_else(|| Fault::field(FieldViolation::one_of("encoding", &["auto", "utf-8", "shift_jis"])))?;
        let file_name = match s.file_name.trim() {
            "" => "upload.csv".to_owned(),
            n => n.chars().take(200).collect(),
        };
        let parsed = parse::parse(&s.content, encoding, self.config().max_rows).map_err(|e| match e {
            parse::FileError::TooManyRows { found, limit } => {
                Fault::new(ErrorCode::TooManyRows, e.to_string()).with("rows", found).with("limit", limit)
            }
            other => Fault::field(FieldViolation::described("file", FieldCode::InvalidFormat, other.to_string())),
        })?;
        let now = ec_common::time::now();
        let mut model = imports::Model {
            id: uuid::Uuid::now_v7().to_string(),
            seq: 0,
            file_name,
            submitted_by: Some(s.submitted_by.trim().to_owned())
                .filter(|b| !b.is_empty())
                .unwrap_or_else(|| "anonymous".into()),
            status: records::ImportStatus::Queued,
            digest: s.digest,
            encoding: parsed.encoding.label().into(),
            content: Vec::new(),
            total_rows: parsed.total_rows,
            processed_rows: 0,
            succeeded_rows: 0,
            failed_rows: parsed.failed_rows(),
            orders_created: 0,
            payments_total_amount: 0,
            notifications_queued: 0,
            error: None,
            created_at: now,
            started_at: None,
            finished_at: None,
        };
        if s.dry_run {
            model.status = records::ImportStatus::Validated;
            model.processed_rows = parsed.total_rows;
            model.succeeded_rows = parsed.total_rows - model.failed_rows;
            model.orders_created = 0;
            model.finished_at = Some(now);
            let errors = parsed.errors.into_iter().take(1000).collect();
            return Ok((model, errors));
        }
        model.content = s.content;
        records::insert(self.db(), &model).await?;
        model.content = Vec::new();
        self.spawn(model.id.clone());
        Ok((model, Vec::new()))
    }
}

/// An import as answered; `notifications_sent` comes from the notification service.
pub fn import_to_proto(m: &imports::Model, notifications_sent: i64) -> pb::Import {
    pb::Import {
        id: m.id.clone(),
        file_name: m.file_name.clone(),
        submitted_by: m.submitted_by.clone(),
        status: m.status.to_proto() as i32,
        dry_run: m.status == records::ImportStatus::Validated,
        digest: m.digest,
        encoding: m.encoding.clone(),
        total_rows: m.total_rows,
        processed_rows: m.processed_rows,
        succeeded_rows: m.succeeded_rows,
        failed_rows: m.failed_rows,
        orders_created: m.orders_created,
        payments_total_amount: m.payments_total_amount,
        notifications_queued: m.notifications_queued,
        notifications_sent,
        created_at: Some(ec_common::time::to_proto(m.created_at)),
        started_at: m.started_at.map(ec_common::time::to_proto),
        finished_at: m.finished_at.map(ec_common::time::to_proto),
        error: m.error.clone().unwrap_or_default(),
    }
}

pub fn row_error_to_proto(e: parse::RowError) -> pb::RowError {
    pb::RowError {
        row: e.row,
        column: e.column,
        reason: e.reason,
        code: e.code.as_str().to_owned(),
        params: e.params.into_iter().collect(),
    }
}

/// An import id from a request; a malformed one cannot exist.
pub fn import_id(raw: &str) -> Result<String, Fault> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Fault::not_found(format!("no import {id:?}")));
    }
    Ok(id.to_owned())
}
