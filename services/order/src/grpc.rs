//! The tonic layer: decode, run the flow in its own task, encode. No logic.

use chrono::Utc;
use ec_common::{deadline::Deadline, error::Fault};
use ec_proto::order::v1::{self as pb, order_service_server::OrderService};
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::{
    domain::OrderStatus,
    error::Error,
    flows::Flows,
    store::{ListFilter, OrderView},
};

pub struct OrderGrpc {
    flows: Flows,
}

impl OrderGrpc {
    pub fn new(flows: Flows) -> Self {
        Self { flows }
    }

    /// Runs `work` in a task of its own: if the caller hangs up, the flow
    /// still finishes instead of stopping between two of its steps.
    async fn detached<T, F, Fut>(&self, work: F) -> Result<T, Status>
    where
        F: FnOnce(Flows) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        let task = tokio::spawn(work(self.flows.clone()).instrument(tracing::Span::current()));
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
            .map(|(s, at)| pb::StatusChange { status: s.to_proto() as i32, at: Some(ec_common::time::to_proto(at)) })
            .collect(),
    }
}

fn bad(field: &str, why: &str) -> Status {
    Fault::validation(vec![ec_common::error::FieldViolation::new(field, why)]).into()
}

#[tonic::async_trait]
impl OrderService for OrderGrpc {
    #[tracing::instrument(skip_all)]
    async fn create_order(
        &self,
        request: Request<pb::CreateOrderRequest>,
    ) -> Result<Response<pb::CreateOrderResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let req = request.into_inner();
        let created = self.detached(move |f| async move { f.create(req, deadline).await }).await?;
        Ok(Response::new(pb::CreateOrderResponse {
            order: Some(order_to_proto(created.order)),
            replayed: created.replayed,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_order(&self, request: Request<pb::GetOrderRequest>) -> Result<Response<pb::GetOrderResponse>, Status> {
        let order = self.flows.store.get(request.into_inner().id).await?;
        Ok(Response::new(pb::GetOrderResponse { order: Some(order_to_proto(order)) }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_orders(
        &self,
        request: Request<pb::ListOrdersRequest>,
    ) -> Result<Response<pb::ListOrdersResponse>, Status> {
        let r = request.into_inner();
        let limit = match r.limit {
            0 => 50,
            n @ 1..=200 => n as u64,
            _ => return Err(bad("limit", "must be between 1 and 200")),
        };
        let after_id = match r.cursor.trim() {
            "" => None,
            c => Some(
                c.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad("cursor", "is not a cursor this server gave"))?,
            ),
        };
        let status = match pb::OrderStatus::try_from(r.status) {
            Ok(s) => OrderStatus::from_proto(s),
            Err(_) => return Err(bad("status", "unknown status")),
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

    #[tracing::instrument(skip_all)]
    async fn cancel_order(
        &self,
        request: Request<pb::CancelOrderRequest>,
    ) -> Result<Response<pb::CancelOrderResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let id = request.into_inner().id;
        let (order, refunded) = self.detached(move |f| async move { f.cancel(id, deadline).await }).await?;
        Ok(Response::new(pb::CancelOrderResponse { order: Some(order_to_proto(order)), refunded_amount: refunded }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_order_status(
        &self,
        request: Request<pb::UpdateOrderStatusRequest>,
    ) -> Result<Response<pb::UpdateOrderStatusResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let r = request.into_inner();
        let to = pb::OrderStatus::try_from(r.status)
            .ok()
            .and_then(OrderStatus::from_proto)
            .ok_or_else(|| bad("status", "must be shipped or delivered"))?;
        let order = self.detached(move |f| async move { f.set_status(r.id, to, deadline).await }).await?;
        Ok(Response::new(pb::UpdateOrderStatusResponse { order: Some(order_to_proto(order)) }))
    }

    #[tracing::instrument(skip_all)]
    async fn handle_payment_webhook(
        &self,
        request: Request<pb::HandlePaymentWebhookRequest>,
    ) -> Result<Response<pb::HandlePaymentWebhookResponse>, Status> {
        let r = request.into_inner();
        let (order, applied) = self.detached(move |f| async move { f.webhook(r).await }).await?;
        Ok(Response::new(pb::HandlePaymentWebhookResponse { order: Some(order_to_proto(order)), applied }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_order_stats(
        &self,
        request: Request<pb::GetOrderStatsRequest>,
    ) -> Result<Response<pb::GetOrderStatsResponse>, Status> {
        let offset = request.into_inner().utc_offset_minutes;
        if !(-14 * 60..=14 * 60).contains(&offset) {
            return Err(bad("utc_offset_minutes", "must be between -840 and 840"));
        }
        let today = (Utc::now() + chrono::Duration::minutes(offset.into())).date_naive();
        let stats = self.flows.store.stats(offset, today).await?;
        Ok(Response::new(pb::GetOrderStatsResponse {
            by_status: stats
                .by_status
                .into_iter()
                .filter_map(|(s, n)| {
                    OrderStatus::parse(&s).map(|s| pb::StatusCount { status: s.to_proto() as i32, count: n })
                })
                .collect(),
            revenue_by_day: stats
                .by_day
                .into_iter()
                .map(|(date, amount, orders)| pb::DayRevenue { date, amount, orders })
                .collect(),
            total_orders: stats.total_orders,
        }))
    }
}
