//! Running an import: stage the orders, plan them in chunks, pay the chunks,
//! queue their confirmations, count.
//!
//! The replica holding the import's lease runs it; every order replica
//! (that one included) pays the chunks nobody holds, each under a lease of
//! its own, and records a chunk done once (`import_chunks`).
//!
//! Every step is idempotent, so an import interrupted anywhere (the process
//! killed, a service down) is simply run again from the top when the order
//! service starts, or by another replica once the lease runs out: staged
//! rows are found by their idempotency key (`import/<id>/<row key>`), the
//! plan is kept as first written, a chunk done is not paid again, payments
//! are retried under the same batch id (the payment service answers an
//! order's existing payment), and notifications carry the same idempotency
//! keys as before.

use std::{
    collections::{HashMap, HashSet},
    convert::Infallible,
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
use tokio_util::{sync::CancellationToken, task::TaskTracker};
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
    entity::{import_chunks, orders},
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

/// How long an import's lease, or a chunk's, holds without renewal: a
/// crashed replica's work is taken up by another (or by the restarted one)
/// within this.
const IMPORT_LEASE: Duration = Duration::from_secs(10);

/// How often the replica running an import looks again at the chunks other
/// replicas hold (done, or their lease run out).
const CHUNK_POLL: Duration = Duration::from_millis(250);

/// How often a running import's counters are brought up to date.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Renews a lease while its work runs (never ends: the work does).
async fn keep_lease(db: DatabaseConnection, name: String, owner: String) -> Infallible {
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
    /// the replica that claims its lease runs it; the others, once its orders
    /// are stored, pay the chunks it has not claimed yet.
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
                match this.leased(&format!("import:{id}"), this.run(&id)).await {
                    Ok(Some(Ok(()))) => {}
                    Ok(Some(Err(e))) => {
                        tracing::error!(error = %e, "import failed");
                        let now = ec_common::time::now();
                        let failed = records::ImportStatus::Failed;
                        let _ = records::finish(this.db(), &id, failed, Some(e.to_string()), now).await;
                    }
                    // Another replica runs it: pay the chunks nobody holds.
                    Ok(None) => {
                        if let Err(e) = this.help(&id).await {
                            tracing::warn!(error = %e, "cannot pay the import's chunks");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot claim the import's lease"),
                }
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
            // import once); one another replica runs gets a hand with its
            // chunks.
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

    /// Runs `work` while holding the lease `name`, renewed as it goes and
    /// given up after; `None` when another replica holds it. (The outer
    /// error: the lease could not be claimed.)
    async fn leased<T>(
        &self,
        name: &str,
        work: impl Future<Output = Result<T, Error>>,
    ) -> Result<Option<Result<T, Error>>, sea_orm::DbErr> {
        let (db, owner) = (self.db(), &self.inner.owner);
        if !ec_common::lease::claim(db, name, owner, IMPORT_LEASE).await? {
            return Ok(None);
        }
        let done = tokio::select! {
            r = work => r,
            never = keep_lease(db.clone(), name.to_owned(), owner.clone()) => match never {},
        };
        if let Err(e) = ec_common::lease::release(db, name, owner).await {
            tracing::warn!(lease = name, error = %e, "cannot give the lease up (it runs out by itself)");
        }
        Ok(Some(done))
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
        let orders = self.inner.store.batch_orders(id, None).await?;
        counters.orders_created = orders.len() as i64;
        tally(&orders, &rows_of, &mut counters, parsed.failed_rows());
        records::save_counters(self.db(), id, counters).await?;

        // Every chunk paid, here or by other replicas, the counters kept up
        // to date meanwhile. (The reporter stops between two updates, so no
        // update of its own can land after the final one below.)
        let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
        let plan = records::plan(self.db(), id, &ids, self.inner.config.chunk).await?;
        let stop = CancellationToken::new();
        let paying = async {
            let paid = self.pay_all(id, plan).await;
            stop.cancel();
            paid
        };
        let (paid, ()) = tokio::join!(paying, self.report(id, &rows_of, counters, parsed.failed_rows(), &stop));
        paid?;

        let orders = self.inner.store.batch_orders(id, None).await?;
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

    /// Pays every chunk of the plan: those nobody holds here, a few at once,
    /// then, as they finish elsewhere or their holders' leases run out, the
    /// rest.
    async fn pay_all(&self, id: &str, plan: Vec<import_chunks::Model>) -> Result<(), Error> {
        let mut chunks = plan;
        while self.pay_chunks(id, chunks).await? > 0 {
            tokio::time::sleep(CHUNK_POLL).await;
            chunks = records::chunks(self.db(), id).await?;
        }
        Ok(())
    }

    /// Pays the chunks of an import another replica runs: those not done
    /// that nobody holds.
    async fn help(&self, id: &str) -> Result<(), Error> {
        let chunks = records::chunks(self.db(), id).await?;
        self.pay_chunks(id, chunks).await.map(drop)
    }

    /// Pays the chunks not done yet, a few at once; answers how many of them
    /// other replicas hold.
    async fn pay_chunks(&self, id: &str, chunks: Vec<import_chunks::Model>) -> Result<usize, Error> {
        let undone = chunks.into_iter().filter(|c| c.done_at.is_none());
        let mut done = futures::stream::iter(undone.map(|c| self.pay_leased(id, c)))
            .buffer_unordered(self.inner.config.in_flight.max(1));
        let mut held = 0;
        while let Some(ours) = done.try_next().await? {
            held += usize::from(!ours);
        }
        Ok(held)
    }

    /// Pays one chunk under its lease, then records it done; answers false
    /// when another replica holds it.
    async fn pay_leased(&self, id: &str, chunk: import_chunks::Model) -> Result<bool, Error> {
        let n = chunk.chunk;
        let work = async {
            // Done by the last holder since we looked?
            if records::chunk(self.db(), id, n).await?.is_some_and(|c| c.done_at.is_some()) {
                return Ok(());
            }
            let ids = chunk.first_order_id..=chunk.last_order_id;
            let unpaid: Vec<BatchOrder> = (self.inner.store.batch_orders(id, Some(ids)).await?.into_iter())
                .filter(|o| matches!(o.status, OrderStatus::Pending | OrderStatus::PaymentProcessing))
                .collect();
            if !unpaid.is_empty() {
                self.pay_chunk(id, unpaid).await?;
            }
            records::chunk_done(self.db(), id, n, &self.inner.owner, ec_common::time::now()).await?;
            Ok(())
        };
        match self.leased(&format!("import:{id}:chunk:{n}"), work).await? {
            Some(paid) => paid.map(|()| true),
            None => Ok(false),
        }
    }

    /// Brings the import's counters up to date from its orders every
    /// [`PROGRESS_EVERY`], for the watchers, until `stop`.
    async fn report(
        &self,
        id: &str,
        rows_of: &HashMap<String, i64>,
        mut counters: Counters,
        parse_failed: i64,
        stop: &CancellationToken,
    ) {
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(PROGRESS_EVERY) => {}
            }
            let saved = async {
                let orders = self.inner.store.batch_orders(id, None).await?;
                tally(&orders, rows_of, &mut counters, parse_failed);
                records::save_counters(self.db(), id, counters).await.map_err(Error::from)
            };
            if let Err(e) = saved.await {
                tracing::warn!(error = %e, "cannot update the import's counters");
            }
        }
    }

    /// Pays one chunk's orders.
    async fn pay_chunk(&self, id: &str, chunk: Vec<BatchOrder>) -> Result<(), Error> {
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
        for t in join_all(settled).await {
            t?;
        }
        Ok(())
    }

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
