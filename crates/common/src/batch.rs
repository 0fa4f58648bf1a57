//! Group commit.
//!
//! One writer task owns a service's writes. Callers submit operations; the
//! writer takes everything that queued up while it was busy, runs it as one
//! batch (one transaction, multi-row statements) and answers each caller. At
//! low load a batch is one operation and nothing waits; at high load the cost
//! of a commit is shared by every operation in it, and the writer lets the
//! tasks ready to run submit theirs before it takes a batch.
//!
//! A submitted operation runs to completion even if its caller goes away, so
//! a client hanging up can never leave half of a write behind.
//!
//! Tracing: a batch of one operation runs in a `db.batch` span under its
//! submitter's span, so the statements of a write show up in the trace of
//! the request that asked for it. A batch of several does the work of
//! several traces and belongs to none of them: its span is a root of its own
//! that links to every submitter's span.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

/// How many times a writer lets the other ready tasks run before it takes
/// its batch. Measured at c=16 on the create-order benchmark (bench/run.sh):
/// none left 5.6 SQL statements per order over the services' writers, two
/// left 3.6 and gave 15 to 20% more orders per second; four added nothing.
const GATHER_YIELDS: usize = 2;

/// The writer is gone (the service is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the writer task has stopped")]
pub struct WriterStopped;

struct Job<Op, Out> {
    op: Op,
    reply: oneshot::Sender<Out>,
    span: tracing::Span,
    /// A caller waits for the output ([`Batcher::submit`]): its batch does
    /// not linger.
    awaited: bool,
}

/// Handle to a writer task; cheap to clone.
pub struct Batcher<Op, Out> {
    tx: mpsc::Sender<Job<Op, Out>>,
}

impl<Op, Out> Clone for Batcher<Op, Out> {
    fn clone(&self) -> Self {
        Self { tx: self.tx.clone() }
    }
}

impl<Op: Send + 'static, Out: Send + 'static> Batcher<Op, Out> {
    /// Spawns the writer. `run` gets the operations of one batch and must
    /// answer one output per operation, in order.
    /// `service`: the service whose writes these are (for tracing).
    pub fn spawn<F, Fut>(service: &'static str, max_batch: usize, run: F) -> Self
    where
        F: FnMut(Vec<Op>) -> Fut + Send + 'static,
        Fut: Future<Output = Vec<Out>> + Send,
    {
        Self::spawn_lingering(service, max_batch, std::time::Duration::ZERO, run)
    }

    /// Like [`Batcher::spawn`], but a batch waits `linger` after its first
    /// operation for more to join it: for writes nobody waits on
    /// ([`Batcher::send`]), where fuller batches cost less and the pause
    /// delays no answer. A batch holding an operation someone waits for
    /// ([`Batcher::submit`], say a reader's flush) runs at once.
    pub fn spawn_lingering<F, Fut>(
        service: &'static str,
        max_batch: usize,
        linger: std::time::Duration,
        mut run: F,
    ) -> Self
    where
        F: FnMut(Vec<Op>) -> Fut + Send + 'static,
        Fut: Future<Output = Vec<Out>> + Send,
    {
        let max_batch = max_batch.max(1);
        let (tx, mut rx) = mpsc::channel::<Job<Op, Out>>(max_batch * 8);
        tokio::spawn(async move {
            let mut jobs = Vec::with_capacity(max_batch);
            while rx.recv_many(&mut jobs, max_batch).await > 0 {
                // Nobody waits on what lingers; a caller waiting is not kept
                // waiting for company.
                if !linger.is_zero() && jobs.len() < max_batch && !jobs.iter().any(|j| j.awaited) {
                    tokio::time::sleep(linger).await;
                    take_queued(&mut rx, &mut jobs, max_batch);
                }
                // Under load, tasks that are ready to run are about to submit:
                // let them run first and join this batch (fewer, fuller
                // commits). When nothing else is ready this costs microseconds.
                for _ in 0..GATHER_YIELDS {
                    if jobs.len() >= max_batch {
                        break;
                    }
                    tokio::task::yield_now().await;
                    take_queued(&mut rx, &mut jobs, max_batch);
                }
                let span = batch_span(&jobs, service);
                let (ops, replies): (Vec<Op>, Vec<_>) = jobs.drain(..).map(|j| (j.op, j.reply)).unzip();
                let outs = run(ops).instrument(span).await;
                debug_assert_eq!(outs.len(), replies.len(), "one output per operation");
                for (reply, out) in replies.into_iter().zip(outs) {
                    // The caller may have gone away; the work is done anyway.
                    let _ = reply.send(out);
                }
            }
        });
        Self { tx }
    }

    /// Submits one operation and waits for its output.
    pub async fn submit(&self, op: Op) -> Result<Out, WriterStopped> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { op, reply, span: tracing::Span::current(), awaited: true })
            .await
            .map_err(|_| WriterStopped)?;
        rx.await.map_err(|_| WriterStopped)
    }

    /// Queues one operation without waiting for it to run (only for room in
    /// the queue). Operations run in the order they were queued, so a later
    /// [`Batcher::submit`] answers after this one ran.
    pub async fn send(&self, op: Op) -> Result<(), WriterStopped> {
        let (reply, _) = oneshot::channel();
        self.tx.send(Job { op, reply, span: tracing::Span::current(), awaited: false }).await.map_err(|_| WriterStopped)
    }
}

/// Adds what is queued now to `jobs`, up to `max` in all.
fn take_queued<Op, Out>(rx: &mut mpsc::Receiver<Job<Op, Out>>, jobs: &mut Vec<Job<Op, Out>>, max: usize) {
    while jobs.len() < max
        && let Ok(job) = rx.try_recv()
    {
        jobs.push(job);
    }
}

fn batch_span<Op, Out>(jobs: &[Job<Op, Out>], service: &'static str) -> tracing::Span {
    match jobs {
        [] => tracing::Span::none(),
        [one] => tracing::info_span!(parent: &one.span, "db.batch", ops = 1, ec.service = service),
        many => {
            let span = tracing::info_span!(parent: None, "db.batch", ops = many.len(), ec.service = service);
            for job in many {
                span.follows_from(&job.span);
            }
            span
        }
    }
}

/// Applies a batch in one transaction with `apply`; if that fails, applies
/// each operation in a transaction of its own, so one bad operation cannot
/// fail its neighbours. `apply` answers one result per operation, in order.
pub async fn apply_or_split<Op, T, E, F>(ops: &[Op], apply: F) -> Vec<Result<T, E>>
where
    E: From<sea_orm::DbErr>,
    F: for<'a> Fn(&'a [Op]) -> futures::future::BoxFuture<'a, Result<Vec<Result<T, E>>, sea_orm::DbErr>>,
{
    match apply(ops).await {
        Ok(outs) => outs,
        Err(e) if ops.len() == 1 => vec![Err(e.into())],
        Err(e) => {
            tracing::warn!(error = %e, ops = ops.len(), "batch failed; retrying its operations one by one");
            let mut outs = Vec::with_capacity(ops.len());
            for op in ops {
                outs.push(match apply(std::slice::from_ref(op)).await {
                    Ok(mut one) => one.pop().unwrap_or_else(|| Err(sea_orm::DbErr::Custom("no output".into()).into())),
                    Err(e) => Err(e.into()),
                });
            }
            outs
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    #[tokio::test]
    async fn answers_each_caller_and_batches_under_load() {
        let batches = Arc::new(AtomicUsize::new(0));
        let seen = batches.clone();
        let batcher = Batcher::spawn("test", 64, move |ops: Vec<u32>| {
            seen.fetch_add(1, Ordering::SeqCst);
            async move {
                tokio::task::yield_now().await;
                ops.into_iter().map(|x| x * 2).collect()
            }
        });
        let calls: Vec<_> = (0..200u32)
            .map(|i| {
                let b = batcher.clone();
                tokio::spawn(async move { (i, b.submit(i).await) })
            })
            .collect();
        for call in calls {
            let (i, out) = call.await.expect("join");
            assert_eq!(out.expect("writer alive"), i * 2);
        }
        let n = batches.load(Ordering::SeqCst);
        assert!(n < 200, "200 concurrent operations ran in {n} batches");
    }

    #[tokio::test]
    async fn queued_operations_run_in_order_and_share_batches_within_the_linger() {
        let ran = Arc::new(std::sync::Mutex::new(Vec::<Vec<u32>>::new()));
        let log = ran.clone();
        // Long, so that even a stalled test runner queues all ten within it.
        let linger = std::time::Duration::from_millis(500);
        let batcher = Batcher::spawn_lingering("test", 64, linger, move |ops: Vec<u32>| {
            let log = log.clone();
            async move {
                let n = ops.len();
                log.lock().expect("lock").push(ops);
                vec![(); n]
            }
        });
        for i in 0..10u32 {
            batcher.send(i).await.expect("queued");
            // Arriving one by one, still within the first one's linger.
            tokio::task::yield_now().await;
        }
        // A later submit answers only once everything queued before it ran.
        batcher.submit(99).await.expect("answered");
        let ran = ran.lock().expect("lock").clone();
        assert_eq!(ran.concat(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99], "in the order queued");
        assert!(ran.len() < 11, "operations queued within the linger share batches: {ran:?}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn operations_ready_together_share_a_batch() {
        let sizes = Arc::new(std::sync::Mutex::new(Vec::<usize>::new()));
        let log = sizes.clone();
        let batcher = Batcher::spawn("test", 64, move |ops: Vec<u32>| {
            log.lock().expect("lock").push(ops.len());
            async move { vec![(); ops.len()] }
        });
        let (go, ready) = tokio::sync::watch::channel(false);
        let others: Vec<_> = (1..10u32)
            .map(|i| {
                let (b, mut ready) = (batcher.clone(), ready.clone());
                tokio::spawn(async move {
                    let _ = ready.wait_for(|go| *go).await;
                    b.submit(i).await.expect("answered");
                })
            })
            .collect();
        // The nine wait; one operation wakes the writer, and only then do
        // the nine become ready to run (after the writer, on this thread).
        tokio::task::yield_now().await;
        batcher.send(0).await.expect("queued");
        go.send(true).expect("the nine listen");
        for t in others {
            t.await.expect("join");
        }
        assert_eq!(*sizes.lock().expect("lock"), [10], "ready operations were not gathered into one batch");
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_waiting_is_not_kept_waiting_for_the_linger() {
        // Virtual time: a linger that ran would show as a minute gone.
        let linger = std::time::Duration::from_secs(60);
        let batcher = Batcher::spawn_lingering("test", 64, linger, |ops: Vec<u32>| async move { vec![(); ops.len()] });
        let start = tokio::time::Instant::now();
        batcher.submit(1).await.expect("answered");
        assert!(start.elapsed() < linger, "a lone submit waited for the linger: {:?}", start.elapsed());
    }
}
