//! Running an import: stage the orders, pay them in batches, queue their
//! confirmations, count.
//!
//! Every step is idempotent, so an import interrupted anywhere (the process
//! killed, a service down) is simply run again from the top when the order
//! service starts: staged rows are found by their idempotency key
//! (`import/<id>/<row key>`), payments are retried under the same batch id
//! (the payment service answers an order's existing payment), and
//! notifications carry the same idempotency keys as before.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use ec_common::{deadline::Deadline, grpc::TracedChannel, vocab::TemplateCode};
use ec_proto::{
    notification::v1::{
        Channel as NotifyChannel, EnqueueNotificationsRequest, NotificationRequest,
        notification_service_client::NotificationServiceClient,
    },
    payment::v1::{BatchPaymentItem, CreatePaymentBatchRequest, payment_service_client::PaymentServiceClient},
};
use futures::{StreamExt, TryStreamExt, future::join_all};
use sea_orm::DatabaseConnection;
use tokio_util::task::TaskTracker;
use tonic::Status;
use tracing::Instrument;

/// How the status history names the import worker's steps.
const ACTOR: &str = "system:import";

use super::{
    parse::{self, Encoding, ParsedFile},
    records::{self, Counters},
};
use crate::{
    domain::{OrderStatus, keys},
    entity::orders,
    error::Error,
    store::{BatchOrder, Store, Transition},
};

#[derive(Debug, Clone)]
pub struct ImportConfig {
    /// Data rows allowed per file.
    pub max_rows: i64,
    /// Orders per payment / notification call.
    pub chunk: usize,
    /// Payment calls in flight at once.
    pub in_flight: usize,
    pub payment_timeout: Duration,
    pub notification_timeout: Duration,
}

#[derive(Clone)]
pub struct Importer {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    payment: PaymentServiceClient<TracedChannel>,
    notification: NotificationServiceClient<TracedChannel>,
    config: ImportConfig,
    running: Mutex<HashSet<String>>,
    tasks: TaskTracker,
    /// Names this process's import leases.
    owner: String,
}

/// How long an import's lease holds without renewal: a crashed replica's
/// import is taken up by another (or by the restarted one) within this.
const IMPORT_LEASE: Duration = Duration::from_secs(10);

/// Renews an import's lease while it runs.
async fn keep_lease(db: DatabaseConnection, name: String, owner: String) {
    loop {
        tokio::time::sleep(IMPORT_LEASE / 4).await;
        match ec_common::lease::claim(&db, &name, &owner, IMPORT_LEASE).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(lease = %name, "lost the import's lease (too slow to renew it)"),
            Err(e) => tracing::warn!(lease = %name, error = %e, "cannot renew the import's lease"),
        }
    }
}

/// How long a step keeps retrying a service that is down before the
/// import is marked failed.
const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

impl Importer {
    pub fn new(store: Store, payment: TracedChannel, notification: TracedChannel, config: ImportConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                payment: PaymentServiceClient::new(payment),
                notification: NotificationServiceClient::new(notification).max_encoding_message_size(64 * 1024 * 1024),
                config,
                running: Mutex::new(HashSet::new()),
                tasks: TaskTracker::new(),
                owner: ec_common::lease::owner("order-service"),
            }),
        }
    }

    pub fn config(&self) -> &ImportConfig {
        &self.inner.config
    }

    pub(super) fn db(&self) -> &DatabaseConnection {
        self.inner.store.db()
    }

    /// The notification client, for live counters.
    pub fn notifications(&self) -> NotificationServiceClient<TracedChannel> {
        self.inner.notification.clone()
    }

    /// Starts (or restarts) an import in the background, once in the fleet:
    /// the replica that claims its lease runs it; the others leave it be.
    pub fn spawn(&self, id: String) {
        {
            let Ok(mut running) = self.inner.running.lock() else { return };
            if !running.insert(id.clone()) {
                return;
            }
        }
        let this = self.clone();
        let span = tracing::info_span!("import", import_id = %id);
        self.inner.tasks.spawn(
            async move {
                let (db, owner, lease) = (this.db().clone(), this.inner.owner.clone(), format!("import:{id}"));
                let ours = ec_common::lease::claim(&db, &lease, &owner, IMPORT_LEASE).await;
                if !matches!(ours, Ok(true)) {
                    if let Err(e) = ours {
                        tracing::warn!(error = %e, "cannot claim the import's lease");
                    }
                    if let Ok(mut running) = this.inner.running.lock() {
                        running.remove(&id);
                    }
                    return;
                }
                let ran = tokio::select! {
                    r = this.run(&id) => r,
                    () = keep_lease(db.clone(), lease.clone(), owner.clone()) => Ok(()),
                };
                if let Err(e) = ran {
                    tracing::error!(error = %e, "import failed");
                    let _ = records::finish(
                        this.db(),
                        &id,
                        records::ImportStatus::Failed,
                        Some(e.to_string()),
                        ec_common::time::now(),
                    )
                    .await;
                }
                let _ = ec_common::lease::release(&db, &lease, &owner).await;
                if let Ok(mut running) = this.inner.running.lock() {
                    running.remove(&id);
                }
            }
            .instrument(span),
        );
    }

    /// Takes up every unfinished import nobody runs: one a stop or a crash
    /// interrupted (here or on another replica whose lease ran out).
    pub async fn resume(&self) -> Result<(), Error> {
        for id in records::unfinished(self.db()).await? {
            // Nothing happens for one that runs here already (spawn runs an
            // import once) or on another replica (its lease is held).
            self.spawn(id);
        }
        Ok(())
    }

    /// Looks for unfinished imports every `every` until `stop`.
    pub async fn keep_resuming(self, every: Duration, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.resume().await {
                tracing::warn!(error = %e, "cannot look for unfinished imports");
            }
        }
    }

    /// Waits for running imports to reach a safe point (shutdown).
    pub async fn drain(&self, within: Duration) {
        self.inner.tasks.close();
        let _ = tokio::time::timeout(within, self.inner.tasks.wait()).await;
    }

    async fn run(&self, id: &str) -> Result<(), Error> {
        let Some(import) = records::get(self.db(), id).await? else { return Ok(()) };
        if import.status.is_finished() {
            return Ok(());
        }
        records::set_running(self.db(), id, ec_common::time::now()).await?;
        let encoding = Encoding::parse(&import.encoding).unwrap_or(Encoding::Auto);
        let parsed = match parse::parse(&import.content, encoding, i64::MAX) {
            Ok(p) => p,
            Err(e) => {
                records::finish(
                    self.db(),
                    id,
                    records::ImportStatus::Failed,
                    Some(e.to_string()),
                    ec_common::time::now(),
                )
                .await?;
                return Ok(());
            }
        };
        records::save_errors(self.db(), id, &parsed.errors).await?;
        let rows_of: HashMap<String, i64> =
            parsed.orders.iter().map(|o| (keys::import_order(id, &o.key), o.rows.len() as i64)).collect();
        let mut counters = Counters {
            total_rows: parsed.total_rows,
            failed_rows: parsed.failed_rows(),
            processed_rows: parsed.failed_rows(),
            ..Counters::default()
        };

        self.stage(id, &parsed, &import.submitted_by).await?;
        let mut orders = self.inner.store.batch_orders(id).await?;
        counters.orders_created = orders.len() as i64;
        tally(&orders, &rows_of, &mut counters, parsed.failed_rows());
        records::save_counters(self.db(), id, counters).await?;

        self.pay(id, &mut orders, &rows_of, &mut counters, parsed.failed_rows()).await?;
        counters.notifications_queued = self.notify(id, import.digest).await?;

        tally(&orders, &rows_of, &mut counters, parsed.failed_rows());
        counters.processed_rows = counters.total_rows;
        records::save_counters(self.db(), id, counters).await?;
        let status = if counters.failed_rows == 0 {
            records::ImportStatus::Completed
        } else {
            records::ImportStatus::CompletedWithErrors
        };
        records::finish(self.db(), id, status, None, ec_common::time::now()).await?;
        tracing::info!(
            orders = counters.orders_created,
            succeeded_rows = counters.succeeded_rows,
            failed_rows = counters.failed_rows,
            "import finished"
        );
        Ok(())
    }

    /// Stores the valid orders `pending`, skipping those already stored.
    /// `by`: who submitted the import, named in each order's history.
    async fn stage(&self, id: &str, parsed: &ParsedFile, by: &str) -> Result<(), Error> {
        for chunk in parsed.orders.chunks(self.inner.config.chunk.max(1)) {
            let inserts = chunk.iter().map(|o| {
                let mut order = o.order.clone();
                order.batch_id = Some(id.to_owned());
                order.idempotency = Some((keys::import_order(id, &o.key), order.fingerprint()));
                order.created_by = Some(by.to_owned());
                order.trace_id = ec_common::telemetry::current_trace_id();
                self.inner.store.insert(order)
            });
            for result in join_all(inserts).await {
                result?;
            }
        }
        Ok(())
    }

    /// Pays every order not paid yet, a chunk per call, a few calls at once,
    /// keeping `orders` up to date with what each chunk settled.
    async fn pay(
        &self,
        id: &str,
        orders: &mut [BatchOrder],
        rows_of: &HashMap<String, i64>,
        counters: &mut Counters,
        parse_failed: i64,
    ) -> Result<(), Error> {
        let index: HashMap<i64, usize> = orders.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let unpaid: Vec<BatchOrder> = orders
            .iter()
            .filter(|o| matches!(o.status, OrderStatus::Pending | OrderStatus::PaymentProcessing))
            .cloned()
            .collect();
        let chunks: Vec<Vec<BatchOrder>> =
            unpaid.chunks(self.inner.config.chunk.max(1)).map(<[BatchOrder]>::to_vec).collect();
        let mut done = futures::stream::iter(chunks.into_iter().map(|c| self.pay_chunk(id, c)))
            .buffer_unordered(self.inner.config.in_flight.max(1));
        while let Some(settled) = done.try_next().await? {
            for (order_id, status) in settled {
                if let Some(&i) = index.get(&order_id) {
                    orders[i].status = status;
                }
            }
            // Progress after every chunk, for the watchers.
            tally(orders, rows_of, counters, parse_failed);
            records::save_counters(self.db(), id, *counters).await?;
        }
        Ok(())
    }

    /// Pays one chunk; answers where each of its orders ended up.
    async fn pay_chunk(&self, id: &str, chunk: Vec<BatchOrder>) -> Result<Vec<(i64, OrderStatus)>, Error> {
        let store = &self.inner.store;
        let moving = chunk
            .iter()
            .filter(|o| o.status == OrderStatus::Pending)
            .map(|o| store.transition(Transition::lenient(o.id, OrderStatus::PaymentProcessing).by(ACTOR)));
        for r in join_all(moving).await {
            r?;
        }
        let request = CreatePaymentBatchRequest {
            batch_id: id.to_owned(),
            items: chunk.iter().map(|o| BatchPaymentItem { order_id: o.id, amount: o.total }).collect(),
            method: String::new(),
        };
        let timeout = self.inner.config.payment_timeout;
        let payment = self.inner.payment.clone();
        let results = retry("payment", || {
            let mut client = payment.clone();
            let request = request.clone();
            async move {
                let req = Deadline::NONE.request(request, timeout)?;
                client.create_payment_batch(req).await.map(|r| r.into_inner().results)
            }
        })
        .await?;
        let settled = results.iter().map(|r| {
            let to = if r.payment_id > 0 { OrderStatus::Paid } else { OrderStatus::PaymentFailed };
            store.transition(Transition::lenient(r.order_id, to).by(ACTOR))
        });
        let mut statuses = Vec::with_capacity(results.len());
        for (r, t) in results.iter().zip(join_all(settled).await) {
            statuses.push((r.order_id, t?.status));
        }
        Ok(statuses)
    }

    /// Queues the confirmations still owed: one per order, or one digest per
    /// customer. Answers how many notifications the batch has queued.
    /// Queues the confirmations a batch's paid orders owe (one per order, or
    /// one digest per customer) and answers how many the batch has queued.
    async fn notify(&self, id: &str, digest: bool) -> Result<i64, Error> {
        let owed = self.inner.store.batch_owing_mail(id).await?;
        let items = if digest { digest_requests(id, &owed) } else { confirmation_requests(&owed) };
        for chunk in items.chunks(self.inner.config.chunk.max(1)) {
            self.enqueue_chunk(id, chunk).await?;
        }
        Ok(self.queued_count(id).await.unwrap_or(items.len() as i64))
    }

    /// One EnqueueNotifications call, then the orders it settled stop owing.
    async fn enqueue_chunk(&self, id: &str, chunk: &[(NotificationRequest, Vec<i64>)]) -> Result<(), Error> {
        let request = EnqueueNotificationsRequest {
            batch_id: id.to_owned(),
            items: chunk.iter().map(|(r, _)| r.clone()).collect(),
        };
        let timeout = self.inner.config.notification_timeout;
        let client = self.inner.notification.clone();
        let results = retry("notification", || {
            let mut client = client.clone();
            let request = request.clone();
            async move {
                let req = Deadline::NONE.request(request, timeout)?;
                client.enqueue_notifications(req).await.map(|r| r.into_inner().results)
            }
        })
        .await?;
        let clears = chunk.iter().zip(&results).filter(|(_, r)| r.notification_id > 0).flat_map(|((_, ids), _)| {
            ids.iter().map(|oid| self.inner.store.clear_notification(*oid, TemplateCode::OrderConfirmation))
        });
        for r in join_all(clears).await {
            r?;
        }
        for ((req, _), r) in chunk.iter().zip(&results) {
            if r.notification_id == 0 {
                tracing::warn!(order_id = req.order_id, reason = %r.error_reason, "confirmation refused");
            }
        }
        Ok(())
    }

    /// Everything the batch queued, this run or an earlier one (`None`: the
    /// notification service cannot say now).
    async fn queued_count(&self, id: &str) -> Option<i64> {
        let req = ec_proto::notification::v1::GetBatchStatsRequest { batch_id: id.to_owned() };
        let req = Deadline::NONE.request(req, self.inner.config.notification_timeout).ok()?;
        let s = self.inner.notification.clone().get_batch_stats(req).await.ok()?.into_inner();
        Some(s.queued + s.sent + s.failed)
    }
}

/// One ORDER_CONFIRMATION per order, keyed as the single-order flow keys
/// it: a confirmation is queued once, whoever queues it.
fn confirmation_requests(owed: &[orders::Model]) -> Vec<(NotificationRequest, Vec<i64>)> {
    owed.iter()
        .map(|o| {
            let request = NotificationRequest {
                channel: NotifyChannel::Email as i32,
                order_id: o.id,
                recipient: o.customer_email.clone(),
                template: TemplateCode::OrderConfirmation.as_str().into(),
                variables: crate::flows::mail_variables(o),
                idempotency_key: keys::order_mail(o.id, TemplateCode::OrderConfirmation),
            };
            (request, vec![o.id])
        })
        .collect()
}

/// One ORDER_CONFIRMATION_BATCH per customer, listing their orders.
fn digest_requests(id: &str, owed: &[orders::Model]) -> Vec<(NotificationRequest, Vec<i64>)> {
    let mut by_customer: Vec<(&str, Vec<&orders::Model>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for o in owed {
        match index.get(o.customer_email.as_str()) {
            Some(&i) => by_customer[i].1.push(o),
            None => {
                index.insert(o.customer_email.as_str(), by_customer.len());
                by_customer.push((o.customer_email.as_str(), vec![o]));
            }
        }
    }
    by_customer
        .into_iter()
        .map(|(email, list)| {
            let total: i64 = list.iter().map(|o| o.total_amount).sum();
            let lines: Vec<String> =
                list.iter().map(|o| format!("・注文番号 {} : {} 円", o.id, o.total_amount)).collect();
            let variables = HashMap::from([
                ("customer_name".to_owned(), list[0].customer_name.clone()),
                ("order_count".to_owned(), list.len().to_string()),
                ("total_amount".to_owned(), total.to_string()),
                ("order_list".to_owned(), lines.join("\n")),
            ]);
            let request = NotificationRequest {
                channel: NotifyChannel::Email as i32,
                order_id: list[0].id,
                recipient: email.to_owned(),
                template: TemplateCode::OrderConfirmationBatch.as_str().into(),
                variables,
                idempotency_key: keys::import_digest(id, email),
            };
            (request, list.iter().map(|o| o.id).collect())
        })
        .collect()
}

/// Counts rows by the state of their orders.
fn tally(orders: &[BatchOrder], rows_of: &HashMap<String, i64>, c: &mut Counters, parse_failed: i64) {
    let (mut ok, mut failed, mut amount) = (0, parse_failed, 0);
    for o in orders {
        let rows = rows_of.get(&o.key).copied().unwrap_or(1);
        match o.status {
            OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Delivered => {
                ok += rows;
                amount += o.total;
            }
            OrderStatus::PaymentFailed | OrderStatus::Cancelled => failed += rows,
            _ => {}
        }
    }
    c.succeeded_rows = ok;
    c.failed_rows = failed;
    c.payments_total_amount = amount;
    c.processed_rows = ok + failed;
}

/// Calls `f` until it succeeds, backing off while the service is down; an
/// answer from the service (a refusal) is final.
async fn retry<T, F, Fut>(service: &'static str, mut f: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(200);
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(s) if ec_common::error::is_unreachable(&s) && started.elapsed() < GIVE_UP_AFTER => {
                tracing::warn!(service, code = ?s.code(), "import step waiting for the service");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(status) => return Err(Error::Upstream { service, status, order_id: None }),
        }
    }
}
