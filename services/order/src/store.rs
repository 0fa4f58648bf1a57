//! Every access to `order_service.db`.
//!
//! Reads go straight to the connection pool. Writes go through the
//! service's writer ([`ec_common::writer`]): whatever queued up while it was
//! busy is applied in one transaction with multi-row statements, so at load
//! a commit is shared by many orders. The status machine stays race-free
//! with any number of replicas: a batch locks the orders it changes before
//! reading their status, takes order ids from the database, and idempotency
//! keys and payment event ids are unique in the schema.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use ec_common::db::WriteTxn;
use ec_common::writer::{Writer, insert_chunked};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait, FromQueryResult, NotSet,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, sea_query::Expr,
};

use ec_common::vocab::TemplateCode;

use crate::{
    domain::{NewOrder, OrderStatus, PaymentEventKind},
    entity::{order_items, orders, payment_events, status_history},
    error::Error,
};

/// An order line as answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub product_id: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub subtotal: i64,
}

/// An order with its items and (where loaded) its status history.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub order: orders::Model,
    pub status: OrderStatus,
    pub items: Vec<Item>,
    pub history: Vec<HistoryEntry>,
}

impl OrderView {
    pub fn id(&self) -> i64 {
        self.order.id
    }
}

/// One step of an order's status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub status: OrderStatus,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    /// The trace of the request that made it.
    pub trace_id: Option<String>,
}

/// A payment webhook event to record with a transition.
#[derive(Debug, Clone)]
pub struct PaymentEvent {
    pub event_id: String,
    pub payment_id: i64,
    pub status: PaymentEventKind,
    pub amount: i64,
}

/// A requested status change.
#[derive(Debug, Clone)]
pub struct Transition {
    pub order_id: i64,
    /// `None`: record the event only.
    pub to: Option<OrderStatus>,
    /// Strict: an illegal transition is an error. Otherwise (webhooks,
    /// reconciliation) it changes nothing and says so.
    pub strict: bool,
    pub event: Option<PaymentEvent>,
    /// Marks a refund as owed (cancelling a paid order).
    pub refund_due: bool,
    /// Who asks for it (kept in the status history).
    pub actor: Option<String>,
    /// The trace of the request that asks (kept in the status history).
    pub trace_id: Option<String>,
    /// The trace an owed refund belongs to.
    pub carried: ec_outbox::Carried,
}

impl Transition {
    pub fn strict(order_id: i64, to: OrderStatus) -> Self {
        Self {
            order_id,
            to: Some(to),
            strict: true,
            event: None,
            refund_due: false,
            actor: None,
            // Transitions are asked for inside the request they belong to;
            // the writer that applies them runs outside it.
            trace_id: ec_common::telemetry::current_trace_id(),
            carried: ec_outbox::Carried::default(),
        }
    }

    pub fn lenient(order_id: i64, to: OrderStatus) -> Self {
        Self { strict: false, ..Self::strict(order_id, to) }
    }

    /// Names who asks for the change.
    pub fn by(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied {
        from: OrderStatus,
    },
    /// Nothing changed: already there, not reachable from here, or the
    /// event was seen before.
    Unchanged,
}

#[derive(Debug, Clone)]
pub struct Transitioned {
    pub outcome: Outcome,
    pub status: OrderStatus,
    pub at: DateTime<Utc>,
    pub pending_notification: Option<TemplateCode>,
    pub refund_due: bool,
}

pub enum WriteOp {
    Insert(NewOrder),
    Transition(Transition),
    ClearNotification { order_id: i64, template: TemplateCode },
}

pub enum Inserted {
    New(Box<OrderView>),
    /// The idempotency key was seen before with the same request.
    Existing(i64),
}

pub enum WriteOut {
    Inserted(Inserted),
    Transitioned(Transitioned),
    Done,
}

type WriteResult = Result<WriteOut, Error>;

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    writer: Writer<Writes>,
}

/// One order of a bulk import, as the import worker sees it.
#[derive(Debug, Clone)]
pub struct BatchOrder {
    pub id: i64,
    pub total: i64,
    pub key: String,
    pub status: OrderStatus,
}

/// List filters, parsed.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub status: Option<OrderStatus>,
    pub customer_email: Option<String>,
    pub batch_id: Option<String>,
    /// The cursor: ids after this one in the listing order.
    pub after_id: Option<i64>,
    pub oldest_first: bool,
    pub limit: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub by_status: Vec<(OrderStatus, i64)>,
    /// (local date, revenue, orders), oldest first.
    pub by_day: Vec<(String, i64, i64)>,
    pub total_orders: i64,
}

impl Store {
    /// `outbox`: where owed refunds are written (with the change that owes
    /// them); it is woken after each commit.
    pub async fn open(db: DatabaseConnection, max_batch: usize, outbox: ec_outbox::Outbox) -> Result<Self, DbErr> {
        let writer = Writer::spawn("order-service", db.clone(), max_batch, Writes { outbox });
        Ok(Self { db, writer })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    async fn write(&self, op: WriteOp) -> WriteResult {
        self.writer.submit(op).await?
    }

    pub async fn insert(&self, order: NewOrder) -> Result<Inserted, Error> {
        match self.write(WriteOp::Insert(order)).await? {
            WriteOut::Inserted(i) => Ok(i),
            _ => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
        }
    }

    pub async fn transition(&self, t: Transition) -> Result<Transitioned, Error> {
        match self.write(WriteOp::Transition(t)).await? {
            WriteOut::Transitioned(t) => Ok(t),
            _ => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
        }
    }

    pub async fn clear_notification(&self, order_id: i64, template: TemplateCode) -> Result<(), Error> {
        self.write(WriteOp::ClearNotification { order_id, template }).await.map(|_| ())
    }

    pub async fn get(&self, id: i64) -> Result<OrderView, Error> {
        let order = orders::Entity::find_by_id(id).one(&self.db).await?.ok_or(Error::NotFound(id))?;
        let items = order_items::Entity::find()
            .filter(order_items::Column::OrderId.eq(id))
            .order_by_asc(order_items::Column::LineNo)
            .all(&self.db)
            .await?;
        let history = status_history::Entity::find()
            .filter(status_history::Column::OrderId.eq(id))
            .order_by_asc(status_history::Column::Id)
            .all(&self.db)
            .await?;
        let history = history
            .into_iter()
            .map(|h| HistoryEntry { status: h.status, at: h.at, actor: h.actor, trace_id: h.trace_id })
            .collect();
        let mut view = view_of(order, items);
        view.history = history;
        Ok(view)
    }

    /// One page (newest first unless `oldest_first`) and the cursor of the next page.
    pub async fn list(&self, f: &ListFilter) -> Result<(Vec<OrderView>, Option<i64>), Error> {
        let mut q = if f.oldest_first {
            orders::Entity::find().order_by_asc(orders::Column::Id)
        } else {
            orders::Entity::find().order_by_desc(orders::Column::Id)
        }
        .limit(f.limit + 1);
        if let Some(s) = f.status {
            q = q.filter(orders::Column::Status.eq(s));
        }
        if let Some(e) = &f.customer_email {
            q = q.filter(orders::Column::CustomerEmail.eq(e.as_str()));
        }
        if let Some(b) = &f.batch_id {
            q = q.filter(orders::Column::BatchId.eq(b.as_str()));
        }
        if let Some(after) = f.after_id {
            q = q.filter(if f.oldest_first { orders::Column::Id.gt(after) } else { orders::Column::Id.lt(after) });
        }
        let mut rows = q.all(&self.db).await?;
        let next = if rows.len() as u64 > f.limit {
            rows.truncate(f.limit as usize);
            rows.last().map(|o| o.id)
        } else {
            None
        };
        let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
        let mut items_by_order: HashMap<i64, Vec<order_items::Model>> = HashMap::new();
        if !ids.is_empty() {
            for item in order_items::Entity::find()
                .filter(order_items::Column::OrderId.is_in(ids))
                .order_by_asc(order_items::Column::LineNo)
                .all(&self.db)
                .await?
            {
                items_by_order.entry(item.order_id).or_default().push(item);
            }
        }
        let views = rows
            .into_iter()
            .map(|o| {
                let items = items_by_order.remove(&o.id).unwrap_or_default();
                view_of(o, items)
            })
            .collect();
        Ok((views, next))
    }

    /// Counts by status and revenue of the last 7 local days.
    pub async fn stats(&self, utc_offset_minutes: i32, today: chrono::NaiveDate) -> Result<Stats, Error> {
        #[derive(FromQueryResult)]
        struct ByStatus {
            status: OrderStatus,
            n: i64,
        }
        #[derive(FromQueryResult)]
        struct ByDay {
            day: String,
            revenue: i64,
            n: i64,
        }
        let backend = self.db.get_database_backend();
        let by_status = ByStatus::find_by_statement(Statement::from_string(
            backend,
            "SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY status",
        ))
        .all(&self.db)
        .await?;
        let first = today - chrono::Days::new(6);
        // The one statement written per dialect: a local calendar day.
        let by_day = match backend {
            DbBackend::Postgres => Statement::from_sql_and_values(
                backend,
                "SELECT to_char((created_at AT TIME ZONE 'UTC') + make_interval(mins => $1), 'YYYY-MM-DD') AS day, \
                 CAST(COALESCE(SUM(total_amount), 0) AS BIGINT) AS revenue, COUNT(*) AS n \
                 FROM orders WHERE status IN ('paid', 'shipped', 'delivered') \
                 AND (created_at AT TIME ZONE 'UTC') + make_interval(mins => $1) >= $2 GROUP BY day ORDER BY day",
                [utc_offset_minutes.into(), first.and_time(chrono::NaiveTime::MIN).into()],
            ),
            _ => Statement::from_sql_and_values(
                backend,
                "SELECT date(created_at, $1) AS day, COALESCE(SUM(total_amount), 0) AS revenue, COUNT(*) AS n \
                 FROM orders WHERE status IN ('paid', 'shipped', 'delivered') AND date(created_at, $1) >= $2 \
                 GROUP BY day ORDER BY day",
                [format!("{utc_offset_minutes:+} minutes").into(), first.format("%Y-%m-%d").to_string().into()],
            ),
        };
        let by_day = ByDay::find_by_statement(by_day).all(&self.db).await?;
        let mut days: Vec<(String, i64, i64)> =
            (0..7).map(|i| ((first + chrono::Days::new(i)).format("%Y-%m-%d").to_string(), 0, 0)).collect();
        for d in by_day {
            if let Some(slot) = days.iter_mut().find(|(day, _, _)| *day == d.day) {
                slot.1 = d.revenue;
                slot.2 = d.n;
            }
        }
        let total_orders = by_status.iter().map(|s| s.n).sum();
        Ok(Stats { by_status: by_status.into_iter().map(|s| (s.status, s.n)).collect(), by_day: days, total_orders })
    }

    /// Orders in `status` not touched since `before`, oldest first.
    pub async fn stale(
        &self,
        status: OrderStatus,
        before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<orders::Model>, Error> {
        // Orders of a bulk import are the import worker's to settle.
        Ok(orders::Entity::find()
            .filter(orders::Column::Status.eq(status))
            .filter(orders::Column::BatchId.is_null())
            .filter(orders::Column::UpdatedAt.lt(before))
            .order_by_asc(orders::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Orders still owing a mail, not touched since `before`.
    pub async fn owing_mail(&self, before: DateTime<Utc>, limit: u64) -> Result<Vec<orders::Model>, Error> {
        Ok(orders::Entity::find()
            .filter(orders::Column::PendingNotification.is_not_null())
            .filter(orders::Column::BatchId.is_null())
            .filter(orders::Column::UpdatedAt.lt(before))
            .order_by_asc(orders::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// (id, total, idempotency key, status) of a batch's orders by id: all
    /// of them, or those with ids in `ids` (one chunk).
    pub async fn batch_orders(
        &self,
        batch_id: &str,
        ids: Option<std::ops::RangeInclusive<i64>>,
    ) -> Result<Vec<BatchOrder>, Error> {
        let mut query = orders::Entity::find();
        if let Some(ids) = ids {
            query = query.filter(orders::Column::Id.between(*ids.start(), *ids.end()));
        }
        let rows: Vec<(i64, i64, Option<String>, OrderStatus)> = query
            .select_only()
            .columns([
                orders::Column::Id,
                orders::Column::TotalAmount,
                orders::Column::IdempotencyKey,
                orders::Column::Status,
            ])
            .filter(orders::Column::BatchId.eq(batch_id))
            .order_by_asc(orders::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, total, key, status)| BatchOrder { id, total, key: key.unwrap_or_default(), status })
            .collect())
    }

    /// A batch's paid orders that still owe their confirmation.
    pub async fn batch_owing_mail(&self, batch_id: &str) -> Result<Vec<orders::Model>, Error> {
        Ok(orders::Entity::find()
            .filter(orders::Column::BatchId.eq(batch_id))
            .filter(orders::Column::PendingNotification.eq(TemplateCode::OrderConfirmation))
            .order_by_asc(orders::Column::Id)
            .all(&self.db)
            .await?)
    }
}

fn view_of(order: orders::Model, items: Vec<order_items::Model>) -> OrderView {
    let status = order.status;
    let items = items
        .into_iter()
        .map(|i| Item {
            product_id: i.product_id,
            product_name: i.product_name,
            quantity: i.quantity,
            unit_price: i.unit_price,
            subtotal: i.subtotal,
        })
        .collect();
    OrderView { order, status, items, history: Vec::new() }
}

/// The order service's writes, as its writer applies them.
struct Writes {
    outbox: ec_outbox::Outbox,
}

impl ec_common::writer::Batch for Writes {
    type Op = WriteOp;
    type Out = WriteOut;
    type Error = Error;

    fn apply<'a>(
        &'a self,
        txn: &'a WriteTxn,
        ops: &'a [WriteOp],
    ) -> futures::future::BoxFuture<'a, Result<Vec<WriteResult>, DbErr>> {
        Box::pin(apply(txn, ops))
    }

    fn after(&self, ops: &[WriteOp], _outs: &[WriteResult]) {
        // Only a cancelled paid order owes anything: the worker is not woken
        // (a query) for the rest.
        if ops.iter().any(|op| matches!(op, WriteOp::Transition(t) if t.refund_due)) {
            self.outbox.wake();
        }
    }
}

/// (id, status, pending_notification, refund_due, updated_at)
type StateRow = (i64, OrderStatus, Option<TemplateCode>, bool, DateTime<Utc>);

/// Where an order stands inside the batch being applied.
struct Current {
    status: OrderStatus,
    pending_notification: Option<TemplateCode>,
    refund_due: bool,
    updated_at: DateTime<Utc>,
    /// Status changed in this batch (so `updated_at` moves).
    touched: bool,
    dirty: bool,
}

/// One batch of writes being applied in one transaction: what it read
/// first, and the rows it will write at the end.
#[derive(Default)]
struct Batch {
    /// Idempotency keys of the batch already stored: key -> (order, request hash).
    known_keys: HashMap<String, (i64, Option<String>)>,
    /// Every order the batch touches, as the batch has left it so far.
    state: HashMap<i64, Current>,
    /// Payment event ids already applied (stored, or earlier in the batch).
    seen_events: HashSet<String>,
    order_rows: Vec<orders::Model>,
    item_rows: Vec<order_items::ActiveModel>,
    history_rows: Vec<status_history::ActiveModel>,
    event_rows: Vec<payment_events::ActiveModel>,
    /// Events owed to other services, written with the change (the outbox).
    outbox_rows: Vec<ec_outbox::NewEvent>,
}

async fn apply(write: &WriteTxn, ops: &[WriteOp]) -> Result<Vec<WriteResult>, DbErr> {
    let txn: &DatabaseTransaction = write;
    let now = ec_common::time::now();
    let mut batch = Batch::load(txn, ops).await?;
    let inserts = ops.iter().filter(|op| matches!(op, WriteOp::Insert(_))).count();
    let mut ids = ec_common::db::take_ids(write, "orders", inserts).await?.into_iter();
    let outs = ops.iter().map(|op| batch.apply(op, &mut ids, now)).collect();
    batch.write(txn, now).await?;
    Ok(outs)
}

impl Batch {
    /// Reads what the operations need to be decided: known idempotency keys,
    /// the current state of the orders they touch, the events seen before.
    async fn load(txn: &DatabaseTransaction, ops: &[WriteOp]) -> Result<Self, DbErr> {
        let mut batch = Batch::default();
        let keys: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                WriteOp::Insert(o) => o.idempotency.as_ref().map(|(k, _)| k.as_str()),
                _ => None,
            })
            .collect();
        if !keys.is_empty() {
            let rows: Vec<(i64, Option<String>, Option<String>)> = orders::Entity::find()
                .select_only()
                .columns([orders::Column::Id, orders::Column::IdempotencyKey, orders::Column::RequestHash])
                .filter(orders::Column::IdempotencyKey.is_in(keys))
                .into_tuple()
                .all(txn)
                .await?;
            batch.known_keys = rows.into_iter().filter_map(|(id, key, hash)| Some((key?, (id, hash)))).collect();
        }
        let touched: HashSet<i64> = ops
            .iter()
            .filter_map(|op| match op {
                WriteOp::Transition(t) => Some(t.order_id),
                WriteOp::ClearNotification { order_id, .. } => Some(*order_id),
                WriteOp::Insert(_) => None,
            })
            .collect();
        if !touched.is_empty() {
            let rows: Vec<StateRow> = orders::Entity::find()
                .select_only()
                .columns([
                    orders::Column::Id,
                    orders::Column::Status,
                    orders::Column::PendingNotification,
                    orders::Column::RefundDue,
                    orders::Column::UpdatedAt,
                ])
                .filter(orders::Column::Id.is_in(touched))
                .order_by_asc(orders::Column::Id)
                // Row locks (PostgreSQL): another replica's batch waits until
                // this one commits, then reads what it left.
                .lock_exclusive()
                .into_tuple()
                .all(txn)
                .await?;
            for (id, status, pending_notification, refund_due, updated_at) in rows {
                let current =
                    Current { status, pending_notification, refund_due, updated_at, touched: false, dirty: false };
                batch.state.insert(id, current);
            }
        }
        let event_ids: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                WriteOp::Transition(Transition { event: Some(e), .. }) => Some(e.event_id.as_str()),
                _ => None,
            })
            .collect();
        if !event_ids.is_empty() {
            let rows: Vec<String> = payment_events::Entity::find()
                .select_only()
                .column(payment_events::Column::EventId)
                .filter(payment_events::Column::EventId.is_in(event_ids))
                .into_tuple()
                .all(txn)
                .await?;
            batch.seen_events.extend(rows);
        }
        Ok(batch)
    }

    fn apply(&mut self, op: &WriteOp, ids: &mut impl Iterator<Item = i64>, now: DateTime<Utc>) -> WriteResult {
        match op {
            WriteOp::Insert(o) => self.insert(o, ids, now),
            WriteOp::Transition(t) => self.transition(t, now),
            WriteOp::ClearNotification { order_id, template } => {
                if let Some(cur) = self.state.get_mut(order_id)
                    && cur.pending_notification == Some(*template)
                {
                    cur.pending_notification = None;
                    cur.dirty = true;
                }
                Ok(WriteOut::Done)
            }
        }
    }

    /// A new order, or the one its idempotency key already made.
    fn insert(&mut self, o: &NewOrder, ids: &mut impl Iterator<Item = i64>, now: DateTime<Utc>) -> WriteResult {
        if let Some((key, hash)) = &o.idempotency
            && let Some((id, stored)) = self.known_keys.get(key)
        {
            return if stored.as_deref() == Some(hash.as_str()) {
                Ok(WriteOut::Inserted(Inserted::Existing(*id)))
            } else {
                Err(Error::IdempotencyConflict)
            };
        }
        let id = ids.next().ok_or_else(|| Error::Db(DbErr::Custom("no order id left in the batch".into())))?;
        if let Some((key, hash)) = &o.idempotency {
            self.known_keys.insert(key.clone(), (id, Some(hash.clone())));
        }
        let view = new_rows(id, o, now, &mut self.item_rows, &mut self.history_rows);
        self.order_rows.push(view.order.clone());
        let current = Current {
            status: view.status,
            pending_notification: None,
            refund_due: false,
            updated_at: now,
            touched: false,
            dirty: false,
        };
        self.state.insert(id, current);
        Ok(WriteOut::Inserted(Inserted::New(Box::new(view))))
    }

    /// A status change and the payment event that asked for it, if any;
    /// each event is applied once.
    fn transition(&mut self, t: &Transition, now: DateTime<Utc>) -> WriteResult {
        let Some(cur) = self.state.get_mut(&t.order_id) else { return Err(Error::NotFound(t.order_id)) };
        let fresh_event = t.event.as_ref().is_none_or(|e| self.seen_events.insert(e.event_id.clone()));
        let outcome = match t.to {
            _ if !fresh_event => Ok(Outcome::Unchanged),
            Some(to) if cur.status != to && cur.status.can_become(to) => {
                let from = cur.status;
                cur.status = to;
                if let Some(mail) = to.notification() {
                    cur.pending_notification = Some(mail);
                }
                if t.refund_due {
                    // Owed to the payment service: the outbox delivers it
                    // if the flow that made the debt cannot.
                    self.outbox_rows.push(crate::deliver::refund_owed(t.order_id, t.carried.clone()));
                }
                cur.updated_at = now;
                cur.touched = true;
                cur.dirty = true;
                self.history_rows.push(history_row(t.order_id, to, now, t.actor.clone(), t.trace_id.clone()));
                Ok(Outcome::Applied { from })
            }
            Some(to) if t.strict => Err(Error::IllegalTransition { id: t.order_id, from: cur.status, to }),
            _ => Ok(Outcome::Unchanged),
        };
        if fresh_event
            && outcome.is_ok()
            && let Some(e) = &t.event
        {
            self.event_rows.push(payment_events::ActiveModel {
                event_id: Set(e.event_id.clone()),
                order_id: Set(t.order_id),
                payment_id: Set(e.payment_id),
                status: Set(e.status),
                amount: Set(e.amount),
                received_at: Set(now),
            });
        }
        outcome.map(|outcome| {
            WriteOut::Transitioned(Transitioned {
                outcome,
                status: cur.status,
                at: cur.updated_at,
                pending_notification: cur.pending_notification,
                refund_due: t.refund_due && matches!(outcome, Outcome::Applied { .. }),
            })
        })
    }

    /// Writes what the batch decided: multi-row inserts, and one UPDATE per
    /// distinct resulting state (not one per order).
    async fn write(self, txn: &DatabaseTransaction, now: DateTime<Utc>) -> Result<(), DbErr> {
        let orders: Vec<orders::ActiveModel> = self
            .order_rows
            .into_iter()
            .map(|m| {
                let mut am: orders::ActiveModel = m.into();
                am.id = Set(am.id.take().unwrap_or_default());
                am
            })
            .collect();
        insert_chunked(txn, &orders).await?;
        insert_chunked(txn, &self.item_rows).await?;
        type Key = (OrderStatus, Option<TemplateCode>, bool, bool);
        let mut groups: HashMap<Key, Vec<i64>> = HashMap::new();
        for (id, cur) in &self.state {
            if cur.dirty {
                groups
                    .entry((cur.status, cur.pending_notification, cur.refund_due, cur.touched))
                    .or_default()
                    .push(*id);
            }
        }
        for ((status, pending, refund_due, touched), ids) in groups {
            let mut update = orders::Entity::update_many()
                .col_expr(orders::Column::Status, Expr::value(status))
                .col_expr(orders::Column::PendingNotification, Expr::value(pending))
                .col_expr(orders::Column::RefundDue, Expr::value(refund_due));
            if touched {
                update = update.col_expr(orders::Column::UpdatedAt, Expr::value(now));
            }
            update.filter(orders::Column::Id.is_in(ids)).exec(txn).await?;
        }
        insert_chunked(txn, &self.history_rows).await?;
        insert_chunked(txn, &self.event_rows).await?;
        ec_outbox::write(txn, self.outbox_rows, now).await?;
        Ok(())
    }
}

fn history_row(
    order_id: i64,
    status: OrderStatus,
    at: DateTime<Utc>,
    actor: Option<String>,
    trace_id: Option<String>,
) -> status_history::ActiveModel {
    status_history::ActiveModel {
        id: NotSet,
        order_id: Set(order_id),
        status: Set(status),
        at: Set(at),
        actor: Set(actor),
        trace_id: Set(trace_id),
    }
}

/// The rows of a new order: stored `pending`, moved to `payment_processing`
/// in the same commit (both steps are in its history). A staged (imported)
/// order stays `pending` until its batch is paid.
fn new_rows(
    id: i64,
    o: &NewOrder,
    now: DateTime<Utc>,
    item_rows: &mut Vec<order_items::ActiveModel>,
    history_rows: &mut Vec<status_history::ActiveModel>,
) -> OrderView {
    let status = if o.staged { OrderStatus::Pending } else { OrderStatus::PaymentProcessing };
    let order = orders::Model {
        id,
        customer_name: o.customer_name.clone(),
        customer_email: o.customer_email.clone(),
        customer_phone: o.customer_phone.clone(),
        shipping_address: o.shipping_address.clone(),
        total_amount: o.total_amount,
        status,
        batch_id: o.batch_id.clone(),
        idempotency_key: o.idempotency.as_ref().map(|(k, _)| k.clone()),
        request_hash: o.idempotency.as_ref().map(|(_, h)| h.clone()),
        pending_notification: None,
        refund_due: false,
        created_at: now,
        updated_at: now,
    };
    let mut items = Vec::with_capacity(o.items.len());
    for (line, i) in o.items.iter().enumerate() {
        item_rows.push(order_items::ActiveModel {
            id: NotSet,
            order_id: Set(id),
            line_no: Set(line as i32 + 1),
            product_id: Set(i.product_id.clone()),
            product_name: Set(i.product_name.clone()),
            quantity: Set(i.quantity),
            unit_price: Set(i.unit_price),
            subtotal: Set(i.subtotal()),
        });
        items.push(Item {
            product_id: i.product_id.clone(),
            product_name: i.product_name.clone(),
            quantity: i.quantity,
            unit_price: i.unit_price,
            subtotal: i.subtotal(),
        });
    }
    let entry = |status| HistoryEntry { status, at: now, actor: o.created_by.clone(), trace_id: o.trace_id.clone() };
    let row = |status| history_row(id, status, now, o.created_by.clone(), o.trace_id.clone());
    history_rows.push(row(OrderStatus::Pending));
    let mut history = vec![entry(OrderStatus::Pending)];
    if status != OrderStatus::Pending {
        history_rows.push(row(status));
        history.push(entry(status));
    }
    OrderView { order, status, items, history }
}
