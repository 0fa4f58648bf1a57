//! The tonic layer: decode, run the flow in its own task, encode. No logic.

use chrono::Utc;
use ec_common::{
    deadline::Deadline,
    error::{Fault, FieldViolation},
    rules,
};
use ec_proto::order::v1::{self as pb, order_service_server::OrderService};
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::{
    domain::OrderStatus,
    error::Error,
    flows::Flows,
    import::{self, Importer, records},
    store::{ListFilter, OrderView},
};

pub struct OrderGrpc {
    flows: Flows,
    importer: Importer,
}

impl OrderGrpc {
    pub fn new(flows: Flows, importer: Importer) -> Self {
        Self { flows, importer }
    }

    /// Runs `work` in a task of its own: if the caller hangs up, the flow
    /// still finishes instead of stopping between two of its steps.
    async fn detached<T, F, Fut>(&self, work: F) -> Result<T, Status>
    where
        F: FnOnce(Flows) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        let task = self.flows.spawn(work(self.flows.clone()).instrument(tracing::Span::current()));
        match task.await {
            Ok(result) => result.map_err(Status::from),
            Err(e) => {
                tracing::error!(error = %e, "flow task failed");
                Err(Fault::internal().into())
            }
        }
    }
}

pub fn order_to_proto(v: OrderView) -> pb::Order {
    let o = v.order;
    pb::Order {
        id: o.id,
        customer_name: o.customer_name,
        customer_email: o.customer_email,
        customer_phone: o.customer_phone,
        shipping_address: o.shipping_address,
        items: v
            .items
            .into_iter()
            .map(|i| pb::OrderItem {
                product_id: i.product_id,
                product_name: i.product_name,
                quantity: i.quantity,
                unit_price: i.unit_price,
                subtotal: i.subtotal,
            })
            .collect(),
        total_amount: o.total_amount,
        status: v.status.to_proto() as i32,
        batch_id: o.batch_id,
        created_at: Some(ec_common::time::to_proto(o.created_at)),
        updated_at: Some(ec_common::time::to_proto(o.updated_at)),
        status_history: v
            .history
            .into_iter()
            .map(|h| pb::StatusChange {
                status: h.status.to_proto() as i32,
                at: Some(ec_common::time::to_proto(h.at)),
                actor: h.actor.unwrap_or_default(),
                trace_id: h.trace_id.unwrap_or_default(),
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl OrderService for OrderGrpc {
    async fn create_order(
        &self,
        request: Request<pb::CreateOrderRequest>,
    ) -> Result<Response<pb::CreateOrderResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let by = actor(&request);
        let req = request.into_inner();
        let created = self.detached(move |f| async move { f.create(req, deadline, by).await }).await?;
        Ok(Response::new(pb::CreateOrderResponse {
            order: Some(order_to_proto(created.order)),
            replayed: created.replayed,
        }))
    }

    async fn get_order(&self, request: Request<pb::GetOrderRequest>) -> Result<Response<pb::GetOrderResponse>, Status> {
        let order = self.flows.store.get(request.into_inner().id).await?;
        Ok(Response::new(pb::GetOrderResponse { order: Some(order_to_proto(order)) }))
    }

    async fn list_orders(
        &self,
        request: Request<pb::ListOrdersRequest>,
    ) -> Result<Response<pb::ListOrdersResponse>, Status> {
        let r = request.into_inner();
        let limit = page_size(r.limit, rules::page::ORDERS_DEFAULT, rules::page::ORDERS_MAX)?;
        let after_id = match r.cursor.trim() {
            "" => None,
            c => Some(
                c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| Status::from(Fault::field(invalid_cursor())))?,
            ),
        };
        let status = match pb::OrderStatus::try_from(r.status) {
            Ok(s) => OrderStatus::from_proto(s),
            Err(_) => return Err(Status::from(Fault::field(FieldViolation::required("status")))),
        };
        let non_empty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let filter = ListFilter {
            status,
            customer_email: non_empty(r.customer_email),
            batch_id: non_empty(r.batch_id),
            after_id,
            oldest_first: r.oldest_first,
            limit,
        };
        let (orders, next) = self.flows.store.list(&filter).await?;
        Ok(Response::new(pb::ListOrdersResponse {
            orders: orders.into_iter().map(order_to_proto).collect(),
            next_cursor: next.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }

    async fn cancel_order(
        &self,
        request: Request<pb::CancelOrderRequest>,
    ) -> Result<Response<pb::CancelOrderResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let by = actor(&request);
        let id = request.into_inner().id;
        let (order, refunded) = self.detached(move |f| async move { f.cancel(id, deadline, by).await }).await?;
        Ok(Response::new(pb::CancelOrderResponse { order: Some(order_to_proto(order)), refunded_amount: refunded }))
    }

    async fn update_order_status(
        &self,
        request: Request<pb::UpdateOrderStatusRequest>,
    ) -> Result<Response<pb::UpdateOrderStatusResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let by = actor(&request);
        let r = request.into_inner();
        let to = pb::OrderStatus::try_from(r.status)
            .ok()
            .and_then(OrderStatus::from_proto)
            .ok_or_else(|| Status::from(Fault::field(FieldViolation::one_of("status", &["shipped", "delivered"]))))?;
        let order = self.detached(move |f| async move { f.set_status(r.id, to, deadline, by).await }).await?;
        Ok(Response::new(pb::UpdateOrderStatusResponse { order: Some(order_to_proto(order)) }))
    }

    async fn handle_payment_webhook(
        &self,
        request: Request<pb::HandlePaymentWebhookRequest>,
    ) -> Result<Response<pb::HandlePaymentWebhookResponse>, Status> {
        let by = actor(&request);
        let r = request.into_inner();
        let (status, applied) = self.detached(move |f| async move { f.webhook(r, by).await }).await?;
        Ok(Response::new(pb::HandlePaymentWebhookResponse { applied, status: status.to_proto() as i32 }))
    }

    async fn handle_payment_webhooks(
        &self,
        request: Request<pb::HandlePaymentWebhooksRequest>,
    ) -> Result<Response<pb::HandlePaymentWebhooksResponse>, Status> {
        let by = actor(&request);
        let events = request.into_inner().events;
        if events.len() > 1000 {
            return Err(Status::from(Fault::field(FieldViolation::new(
                "events",
                ec_common::error::FieldCode::TooMany,
                &[("max", &1000)],
            ))));
        }
        let results = self
            .detached(move |f| async move {
                // Submitted together, applied by the writer in one batch;
                // each in the trace of the payment that caused it.
                let outcomes = futures::future::join_all(events.into_iter().map(|e| {
                    let span = tracing::info_span!(
                        "payment_event process",
                        otel.kind = "consumer",
                        ec.order_id = e.order_id,
                        ec.event_id = %e.event_id,
                    );
                    ec_common::telemetry::continue_carried(&span, &e.trace_context);
                    f.webhook(e, by.clone()).instrument(span)
                }))
                .await;
                Ok(outcomes
                    .into_iter()
                    .map(|o| match o {
                        Ok((status, applied)) => {
                            pb::WebhookResult { applied, status: status.to_proto() as i32, error_reason: String::new() }
                        }
                        Err(e) => pb::WebhookResult {
                            applied: false,
                            status: pb::OrderStatus::Unspecified as i32,
                            error_reason: e.fault().code.as_str().to_owned(),
                        },
                    })
                    .collect())
            })
            .await?;
        Ok(Response::new(pb::HandlePaymentWebhooksResponse { results }))
    }

    async fn get_order_stats(
        &self,
        request: Request<pb::GetOrderStatsRequest>,
    ) -> Result<Response<pb::GetOrderStatsResponse>, Status> {
        let offset = request.into_inner().utc_offset_minutes;
        let max = i64::from(rules::UTC_OFFSET_MAX_MINUTES);
        rules::in_range("utc_offset_minutes", i64::from(offset), -max, max).map_err(Fault::field)?;
        let today = (Utc::now() + chrono::Duration::minutes(offset.into())).date_naive();
        let stats = self.flows.store.stats(offset, today).await?;
        Ok(Response::new(pb::GetOrderStatsResponse {
            by_status: stats
                .by_status
                .into_iter()
                .map(|(s, n)| pb::StatusCount { status: s.to_proto() as i32, count: n })
                .collect(),
            revenue_by_day: stats
                .by_day
                .into_iter()
                .map(|(date, amount, orders)| pb::DayRevenue { date, amount, orders })
                .collect(),
            total_orders: stats.total_orders,
        }))
    }

    async fn create_import(
        &self,
        request: Request<pb::CreateImportRequest>,
    ) -> Result<Response<pb::CreateImportResponse>, Status> {
        let by = actor(&request);
        let r = request.into_inner();
        let submission = import::Submission {
            file_name: r.file_name,
            content: r.content,
            encoding: r.encoding,
            dry_run: r.dry_run,
            digest: r.digest,
            // The principal the gateway names; a direct caller may name one.
            submitted_by: if by.starts_with("user:") || by.starts_with("key:") { by } else { r.submitted_by },
        };
        let (model, errors) = self.importer.submit(submission).await?;
        Ok(Response::new(pb::CreateImportResponse {
            import: Some(import::import_to_proto(&model, 0)),
            errors: errors.into_iter().map(import::row_error_to_proto).collect(),
        }))
    }

    async fn get_import(
        &self,
        request: Request<pb::GetImportRequest>,
    ) -> Result<Response<pb::GetImportResponse>, Status> {
        let id = import::import_id(&request.into_inner().id)?;
        let model = self.load_import(&id).await?;
        let sent = self.notifications_sent(&id).await;
        Ok(Response::new(pb::GetImportResponse { import: Some(import::import_to_proto(&model, sent)) }))
    }

    async fn list_imports(
        &self,
        request: Request<pb::ListImportsRequest>,
    ) -> Result<Response<pb::ListImportsResponse>, Status> {
        let r = request.into_inner();
        let limit = page_size(r.limit, rules::page::IMPORTS_DEFAULT, rules::page::IMPORTS_MAX)?;
        let before = match r.cursor.trim() {
            "" => None,
            c => Some(
                c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| Status::from(Fault::field(invalid_cursor())))?,
            ),
        };
        let page = records::list(self.flows.store.db(), limit + 1, before).await.map_err(Error::from)?;
        let more = page.len() as u64 > limit;
        let page: Vec<_> = page.into_iter().take(limit as usize).collect();
        let next_cursor = if more { page.last().map(|m| m.seq.to_string()).unwrap_or_default() } else { String::new() };
        Ok(Response::new(pb::ListImportsResponse {
            imports: page.iter().map(|m| import::import_to_proto(m, 0)).collect(),
            next_cursor,
        }))
    }

    async fn list_import_errors(
        &self,
        request: Request<pb::ListImportErrorsRequest>,
    ) -> Result<Response<pb::ListImportErrorsResponse>, Status> {
        let id = import::import_id(&request.into_inner().id)?;
        self.load_import(&id).await?;
        let errors = records::errors(self.flows.store.db(), &id).await.map_err(Error::from)?;
        Ok(Response::new(pb::ListImportErrorsResponse {
            errors: errors.into_iter().map(records::stored_error_to_proto).collect(),
        }))
    }

    type WatchImportStream =
        std::pin::Pin<Box<dyn futures::Stream<Item = Result<pb::WatchImportResponse, Status>> + Send>>;

    async fn watch_import(
        &self,
        request: Request<pb::WatchImportRequest>,
    ) -> Result<Response<Self::WatchImportStream>, Status> {
        let id = import::import_id(&request.into_inner().id)?;
        self.load_import(&id).await?;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let db = self.flows.store.db().clone();
        let importer = self.importer.clone();
        tokio::spawn(async move {
            let mut last: Option<pb::Import> = None;
            loop {
                let model = match records::get(&db, &id).await {
                    Ok(Some(m)) => m,
                    _ => break,
                };
                let sent = notifications_sent(&importer, &id).await;
                let current = import::import_to_proto(&model, sent);
                if last.as_ref() != Some(&current) {
                    if tx.send(Ok(pb::WatchImportResponse { import: Some(current.clone()) })).await.is_err() {
                        break; // the watcher went away
                    }
                    last = Some(current);
                }
                if model.status.is_finished() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        });
        Ok(Response::new(Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))))
    }
}

impl OrderGrpc {
    async fn load_import(&self, id: &str) -> Result<crate::entity::imports::Model, Status> {
        records::get(self.flows.store.db(), id)
            .await
            .map_err(Error::from)?
            .ok_or_else(|| Fault::not_found(format!("no import {id:?}")).into())
    }

    async fn notifications_sent(&self, id: &str) -> i64 {
        notifications_sent(&self.importer, id).await
    }
}

/// Sent notifications of an import's batch (0 if the service cannot say now).
async fn notifications_sent(importer: &Importer, id: &str) -> i64 {
    let req = ec_proto::notification::v1::GetBatchStatsRequest { batch_id: id.to_owned() };
    let Ok(req) = Deadline::NONE.request(req, std::time::Duration::from_secs(2)) else { return 0 };
    match importer.notifications().get_batch_stats(req).await {
        Ok(r) => r.into_inner().sent,
        Err(_) => 0,
    }
}

fn invalid_cursor() -> FieldViolation {
    FieldViolation::described("cursor", ec_common::error::FieldCode::InvalidValue, "is not a cursor this server gave")
}

/// A page size on the wire: 0 is the default.
fn page_size(limit: i32, default: u32, max: u32) -> Result<u64, Fault> {
    let limit = (limit != 0).then(|| u32::try_from(limit).unwrap_or(u32::MAX));
    Ok(u64::from(rules::page_size("limit", limit, default, max).map_err(Fault::field)?))
}

/// Who asks for a call: the principal the gateway names, else the service
/// that calls (`service:<name>`), else `anonymous` (a direct gRPC client).
fn actor<T>(request: &Request<T>) -> String {
    ec_common::grpc::actor_of(request).unwrap_or_else(|| "anonymous".to_owned())
}
