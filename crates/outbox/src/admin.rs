//! `ec.outbox.v1.OutboxService`: what operators see of an outbox, and the
//! one thing they do with it (send dead-lettered events again).

use std::collections::HashMap;

use ec_common::{
    error::{ErrorCode, Fault, FieldCode, FieldViolation},
    rules,
};
use ec_proto::outbox::v1::{self as pb, outbox_service_server::OutboxService};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};
use tonic::{Request, Response, Status};

use crate::{
    EventStatus, Outbox,
    entity::{attempts, events},
};

use rules::page::{OUTBOX_DEFAULT as PAGE_DEFAULT, OUTBOX_MAX as PAGE_MAX};

pub struct Admin {
    outbox: Outbox,
}

impl Admin {
    pub(crate) fn new(outbox: Outbox) -> Self {
        Self { outbox }
    }

    async fn with_attempts(&self, list: Vec<events::Model>) -> Result<Vec<pb::Event>, Fault> {
        let ids: Vec<i64> = list.iter().map(|e| e.id).collect();
        let mut log: HashMap<i64, Vec<pb::Attempt>> = HashMap::new();
        if !ids.is_empty() {
            let rows = attempts::Entity::find()
                .filter(attempts::Column::EventId.is_in(ids))
                .order_by_asc(attempts::Column::Id)
                .all(&self.outbox.db)
                .await
                .map_err(db_fault)?;
            for a in rows {
                log.entry(a.event_id).or_default().push(pb::Attempt {
                    attempt: a.attempt,
                    at: Some(ec_common::time::to_proto(a.at)),
                    outcome: a.outcome,
                    error: a.error.unwrap_or_default(),
                    duration_ms: a.duration_ms,
                });
            }
        }
        Ok(list
            .into_iter()
            .map(|e| {
                let attempt_log = log.remove(&e.id).unwrap_or_default();
                event_to_proto(e, attempt_log)
            })
            .collect())
    }

    async fn find(&self, id: i64) -> Result<events::Model, Fault> {
        events::Entity::find_by_id(id)
            .one(&self.outbox.db)
            .await
            .map_err(db_fault)?
            .ok_or_else(|| Fault::not_found(format!("event {id} not found")).with("event_id", id))
    }
}

fn event_to_proto(e: events::Model, attempt_log: Vec<pb::Attempt>) -> pb::Event {
    pb::Event {
        id: e.id,
        topic: e.topic,
        key: e.key,
        order_id: e.order_id,
        status: e.status.to_proto() as i32,
        attempts: e.attempts,
        // Only a pending event has a next attempt.
        next_attempt_at: (e.status == EventStatus::Pending).then(|| ec_common::time::to_proto(e.next_attempt_at)),
        last_error: e.last_error.unwrap_or_default(),
        created_at: Some(ec_common::time::to_proto(e.created_at)),
        delivered_at: e.delivered_at.map(ec_common::time::to_proto),
        summary: e.summary,
        trace_id: e.trace_id.unwrap_or_default(),
        attempt_log,
    }
}

fn db_fault(e: sea_orm::DbErr) -> Fault {
    tracing::error!(error = %e, "outbox query failed");
    Fault::internal()
}

#[tonic::async_trait]
impl OutboxService for Admin {
    async fn list_events(
        &self,
        request: Request<pb::ListEventsRequest>,
    ) -> Result<Response<pb::ListEventsResponse>, Status> {
        let r = request.into_inner();
        let limit = (r.limit != 0).then(|| u32::try_from(r.limit).unwrap_or(u32::MAX));
        let limit = rules::page_size("limit", limit, PAGE_DEFAULT, PAGE_MAX).map_err(Fault::field)?;
        let status = match pb::EventStatus::try_from(r.status) {
            Ok(s) => EventStatus::from_proto(s),
            Err(_) => {
                return Err(Fault::field(FieldViolation::one_of("status", &["pending", "delivered", "dead"])).into());
            }
        };
        let mut q = events::Entity::find().order_by_desc(events::Column::Id).limit(u64::from(limit) + 1);
        if let Some(s) = status {
            q = q.filter(events::Column::Status.eq(s));
        }
        if r.order_id != 0 {
            q = q.filter(events::Column::OrderId.eq(r.order_id));
        }
        match r.cursor.trim() {
            "" => {}
            c => {
                let before = c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    Fault::field(FieldViolation::described(
                        "cursor",
                        FieldCode::InvalidValue,
                        "is not a cursor this server gave",
                    ))
                })?;
                q = q.filter(events::Column::Id.lt(before));
            }
        }
        let mut list = q.all(&self.outbox.db).await.map_err(db_fault)?;
        let more = list.len() > limit as usize;
        list.truncate(limit as usize);
        let next_cursor = if more { list.last().map(|e| e.id.to_string()).unwrap_or_default() } else { String::new() };
        Ok(Response::new(pb::ListEventsResponse { events: self.with_attempts(list).await?, next_cursor }))
    }

    async fn retry_event(
        &self,
        request: Request<pb::RetryEventRequest>,
    ) -> Result<Response<pb::RetryEventResponse>, Status> {
        let id = request.into_inner().id;
        let e = self.find(id).await?;
        if e.status != EventStatus::Dead {
            return Err(Fault::new(ErrorCode::NotDeadLettered, format!("event {id} is not dead-lettered"))
                .with("event_id", id)
                .into());
        }
        revive().filter(events::Column::Id.eq(id)).exec(&self.outbox.db).await.map_err(db_fault)?;
        self.outbox.wake();
        tracing::info!(service = self.outbox.service, event = %e.key, "dead-lettered event sent again");
        let e = self.find(id).await?;
        let mut out = self.with_attempts(vec![e]).await?;
        Ok(Response::new(pb::RetryEventResponse { event: out.pop() }))
    }

    async fn retry_dead_events(
        &self,
        _request: Request<pb::RetryDeadEventsRequest>,
    ) -> Result<Response<pb::RetryDeadEventsResponse>, Status> {
        let r = revive()
            .filter(events::Column::Status.eq(EventStatus::Dead))
            .exec(&self.outbox.db)
            .await
            .map_err(db_fault)?;
        self.outbox.wake();
        let retried = i64::try_from(r.rows_affected).unwrap_or(i64::MAX);
        tracing::info!(service = self.outbox.service, retried, "dead-lettered events sent again");
        Ok(Response::new(pb::RetryDeadEventsResponse { retried }))
    }
}

/// Back to pending, due now, with a fresh set of attempts (the earlier
/// ones stay in the attempt log).
fn revive() -> sea_orm::UpdateMany<events::Entity> {
    events::Entity::update_many()
        .col_expr(events::Column::Status, Expr::value(EventStatus::Pending))
        .col_expr(events::Column::Attempts, Expr::value(0))
        .col_expr(events::Column::NextAttemptAt, Expr::value(ec_common::time::now()))
}
