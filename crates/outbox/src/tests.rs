//! The outbox on a real database (a SQLite file, or PostgreSQL when the run
//! names a server: `EC_TEST_DATABASE_URL`): written events are delivered, failures
//! retried with backoff and recorded, the hopeless dead-lettered and revived.

use std::sync::Mutex;

use ec_proto::outbox::v1::{self as pb, outbox_service_server::OutboxService};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tonic::Request;

use super::*;

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }
}

/// Fails each key as many times as it is told, then delivers it (or
/// refuses it for good).
#[derive(Default)]
struct Flaky {
    fail: Mutex<HashMap<String, u32>>,
    refuse: Vec<String>,
    delivered: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Deliver for Arc<Flaky> {
    async fn deliver(&self, topic: &str, events: &[Pending]) -> Vec<Result<(), Failure>> {
        assert_eq!(topic, "test.event");
        let mut fail = self.fail.lock().expect("lock");
        events
            .iter()
            .map(|e| {
                if self.refuse.contains(&e.key) {
                    return Err(Failure::permanent("refused"));
                }
                match fail.get_mut(&e.key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        Err(Failure::transient(format!("down (attempt {})", e.attempt)))
                    }
                    _ => {
                        self.delivered.lock().expect("lock").push(e.key.clone());
                        Ok(())
                    }
                }
            })
            .collect()
    }
}

async fn db() -> (tempfile::TempDir, DatabaseConnection) {
    let dir = tempfile::tempdir().expect("dir");
    let url = ec_common::db::test_database(dir.path(), "outbox").await.expect("test database");
    let db = ec_common::db::open(url.as_ref(), &dir.path().join("t.db"), 4, "test").await.expect("open");
    Migrator::up(&db, None).await.expect("migrate");
    (dir, db)
}

fn event(key: &str) -> NewEvent {
    NewEvent {
        topic: "test.event",
        key: key.to_owned(),
        order_id: 7,
        payload: key.as_bytes().to_vec(),
        summary: format!("event {key}"),
        carried: Carried::default(),
        first_attempt_in: Duration::ZERO,
    }
}

fn quick() -> Policy {
    Policy {
        max_attempts: 3,
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        batch: 2,
        poll: Duration::from_millis(20),
    }
}

async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..500 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never: {what}");
}

#[tokio::test]
async fn delivers_retries_records_and_dead_letters() {
    let (_dir, db) = db().await;
    let outbox = Outbox::new(db.clone(), "test");
    let now = ec_common::time::now();
    write(&db, vec![event("a"), event("b"), event("c"), event("a")], now).await.expect("write");
    let flaky = Arc::new(Flaky {
        fail: Mutex::new(HashMap::from([("b".to_owned(), 2)])),
        refuse: vec!["c".to_owned()],
        ..Flaky::default()
    });
    let stop = ec_common::shutdown::Shutdown::new();
    let worker = tokio::spawn(outbox.clone().run(flaky.clone(), quick(), stop.wait()));
    outbox.wake();

    let admin = Arc::new(Admin::new(outbox.clone()));
    let list = |status: pb::EventStatus| {
        let admin = admin.clone();
        async move {
            let r = pb::ListEventsRequest { status: status as i32, ..Default::default() };
            admin.list_events(Request::new(r)).await.expect("list").into_inner().events
        }
    };
    until("a and b delivered, c dead", async || {
        list(pb::EventStatus::Delivered).await.len() == 2 && list(pb::EventStatus::Dead).await.len() == 1
    })
    .await;
    // Written twice, kept once; delivered once each.
    assert_eq!(*flaky.delivered.lock().expect("lock"), vec!["a".to_owned(), "b".to_owned()]);
    let delivered = list(pb::EventStatus::Delivered).await;
    let b = delivered.iter().find(|e| e.key == "b").expect("b");
    let outcomes: Vec<&str> = b.attempt_log.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes, ["retry", "retry", "sent"]);
    assert_eq!(b.attempt_log[0].error, "down (attempt 1)");
    assert_eq!(b.attempts, 3);
    let dead = list(pb::EventStatus::Dead).await;
    assert_eq!((dead[0].key.as_str(), dead[0].last_error.as_str(), dead[0].attempts), ("c", "refused", 1));

    // Retrying what is not dead is refused; the dead one goes again.
    let err = admin.retry_event(Request::new(pb::RetryEventRequest { id: b.id })).await.expect_err("not dead");
    assert_eq!(err.code(), tonic::Code::FailedPrecondition);
    let err = admin.retry_event(Request::new(pb::RetryEventRequest { id: 999 })).await.expect_err("unknown");
    assert_eq!(err.code(), tonic::Code::NotFound);
    let n = admin.retry_dead_events(Request::new(pb::RetryDeadEventsRequest {})).await.expect("retry all");
    assert_eq!(n.into_inner().retried, 1);
    until("c dead again after its fresh attempt", async || {
        list(pb::EventStatus::Dead).await.first().is_some_and(|e| e.attempt_log.len() == 2)
    })
    .await;
    stop.trigger();
    worker.await.expect("worker");
}

#[tokio::test]
async fn a_later_first_attempt_waits() {
    let (_dir, db) = db().await;
    let outbox = Outbox::new(db.clone(), "test");
    let mut later = event("later");
    later.first_attempt_in = Duration::from_secs(3600);
    write(&db, vec![later, event("now")], ec_common::time::now()).await.expect("write");
    let flaky = Arc::new(Flaky::default());
    let stop = ec_common::shutdown::Shutdown::new();
    let worker = tokio::spawn(outbox.clone().run(flaky.clone(), quick(), stop.wait()));
    until("the due one delivered", async || !flaky.delivered.lock().expect("lock").is_empty()).await;
    // A few more rounds: the one not due stays put.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(*flaky.delivered.lock().expect("lock"), vec!["now".to_owned()]);
    stop.trigger();
    worker.await.expect("worker");
}

#[test]
fn backoff_doubles_with_jitter_up_to_the_cap() {
    let p = Policy { first_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(1), ..quick() };
    for (attempt, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (30, 1000)] {
        let b = p.backoff(attempt);
        let full = Duration::from_millis(full);
        assert!(b >= full / 2 && b <= full, "attempt {attempt}: {b:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_deliver_each_event_once() {
    let (_dir, db) = db().await;
    let keys: Vec<String> = (0..300).map(|i| format!("k{i}")).collect();
    let now = ec_common::time::now();
    write(&db, keys.iter().map(|k| event(k)).collect(), now).await.expect("write");
    // Two outboxes on one database, as two replicas run them.
    let flaky = Arc::new(Flaky::default());
    let stop = ec_common::shutdown::Shutdown::new();
    let policy = Policy { batch: 20, ..quick() };
    let mut workers = Vec::new();
    for _ in 0..2 {
        let outbox = Outbox::new(db.clone(), "test");
        workers.push(tokio::spawn(outbox.clone().run(flaky.clone(), policy.clone(), stop.wait())));
        outbox.wake();
    }
    until("every event delivered", async || flaky.delivered.lock().expect("lock").len() >= keys.len()).await;
    stop.trigger();
    for w in workers {
        w.await.expect("worker");
    }
    let mut delivered = flaky.delivered.lock().expect("lock").clone();
    assert_eq!(delivered.len(), keys.len(), "no event delivered twice");
    delivered.sort();
    delivered.dedup();
    assert_eq!(delivered.len(), keys.len());
}
