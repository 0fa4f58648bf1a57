//! Delivery: the queue (queued rows, oldest first) drained at a configured
//! rate by a token bucket. Nothing is dropped: a transient failure is
//! retried with back-off until the attempts run out, a permanent one (the
//! server refused it for good) fails at once. Because the queue is the
//! database, it survives a restart.
//!
//! A round claims what the bucket allows (up to [`ROUND_MAX`]) in one
//! statement and delivers one after another, recording each outcome before
//! the next send.
//!
//! No notification is sent twice, not even when a dispatcher dies in the
//! middle of a delivery. Each delivery records its point of no return in
//! the database first ([`crate::sender::Handover`]: for SMTP, after the
//! server's go-ahead to DATA, before the message's final dot). Killed
//! before it, the delivery never reached anyone and another replica sends
//! it; killed after it, the row keeps its handover, and the replica that
//! claims it records it as sent, unconfirmed, and does not send it again.
//! The one window left is between that commit and the write of the message
//! (a mail then recorded unconfirmed that did not arrive): SMTP offers no
//! exactly-once (RFC 1047), and this keeps its ambiguity to one write.
//! (Two commits per mail are cheap next to an SMTP conversation, and the
//! rate is bounded anyway.)

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use futures::{FutureExt as _, future::FusedFuture};
use tokio::time::Instant;

use crate::{
    entity::notifications,
    error::Error,
    sender::{Handover, Sender},
    store::{Attempted, Delivery, Store},
};

/// Allows `rate` events per second on average and `burst` at once.
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self { rate: rate.max(0.001), burst, tokens: burst, last: Instant::now() }
    }

    fn refill(&mut self) {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate).min(self.burst);
        self.last = now;
    }

    /// Waits until one token is available and takes it.
    pub async fn acquire(&mut self) {
        loop {
            self.refill();
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                return;
            }
            tokio::time::sleep(Duration::from_secs_f64((1.0 - self.tokens) / self.rate)).await;
        }
    }

    /// Tokens available now, without waiting (whole ones).
    pub fn available(&mut self) -> u64 {
        self.refill();
        self.tokens.floor() as u64
    }
}

/// Most notifications taken from the queue in one round.
const ROUND_MAX: u64 = 2000;
/// A round stops taking further notifications after this long, so that the
/// bucket and the fleet's budget are asked again.
const ROUND_TIME: Duration = Duration::from_millis(500);

/// How delivery is paced and retried (from [`crate::config::Settings`]).
#[derive(Debug, Clone)]
pub struct Policy {
    pub rate_per_sec: f64,
    pub burst: u32,
    /// Attempts before a notification is failed, counted since its last
    /// manual retry.
    pub max_attempts: i32,
    /// The first back-off; it doubles with every further attempt.
    pub retry_base: Duration,
    /// The longest one delivery may take.
    pub send_timeout: Duration,
}

impl Policy {
    pub fn from_settings(s: &crate::config::Settings) -> Self {
        Self {
            rate_per_sec: s.rate_per_sec,
            burst: s.burst,
            max_attempts: s.max_attempts,
            retry_base: Duration::from_millis(s.retry_base_ms),
            send_timeout: s.send_timeout(),
        }
    }

    /// What becomes of a notification whose attempt number `attempt` (since
    /// its last manual retry: `in_budget`) failed with `error`.
    fn after_failure(&self, e: &Error, in_budget: i32, at: DateTime<Utc>) -> Delivery {
        let error = e.to_string();
        if let Error::Unconfirmed(_) = e {
            return Delivery::Unconfirmed { error };
        }
        if !e.is_transient() || in_budget >= self.max_attempts.max(1) {
            return Delivery::Failed { error };
        }
        let backoff = self.retry_base.saturating_mul(2_u32.saturating_pow(in_budget.clamp(0, 10) as u32));
        let next_at = at + chrono::Duration::from_std(backoff).unwrap_or(chrono::Duration::hours(1));
        Delivery::Retry { error, next_at }
    }
}

pub struct Dispatcher {
    store: Store,
    sender: Arc<dyn Sender>,
    bucket: TokenBucket,
    policy: Policy,
    /// Names this dispatcher's claims (unique per process and start).
    owner: String,
}

impl Dispatcher {
    pub fn new(store: Store, sender: Arc<dyn Sender>, policy: Policy) -> Self {
        let owner = ec_common::lease::owner("dispatcher");
        Self { store, sender, bucket: TokenBucket::new(policy.rate_per_sec, policy.burst), policy, owner }
    }

    /// How long a claim holds: well beyond a round (and its slowest send),
    /// so a live dispatcher never loses rows it is delivering; a crashed
    /// one's rows wait at most this long for another replica.
    fn lease(&self) -> Duration {
        ((ROUND_TIME + self.policy.send_timeout) * 4).max(Duration::from_secs(30))
    }

    pub async fn run(mut self, stop: impl Future<Output = ()>) {
        let stop = stop.fuse();
        tokio::pin!(stop);
        loop {
            // A stop ends a round between two sends, never during one: every
            // delivery made is recorded (one not recorded would be made again
            // after a restart).
            if stop.is_terminated() || futures::poll!(&mut stop).is_ready() {
                return;
            }
            match self.round(stop.as_mut()).await {
                Ok(0) => {
                    // Idle: wake on the next enqueue, or poll for retries.
                    tokio::select! {
                        () = &mut stop => return,
                        () = self.store.queued.notified() => {}
                        () = tokio::time::sleep(Duration::from_millis(500)) => {}
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "dispatcher round failed");
                    tokio::select! {
                        () = &mut stop => return,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        }
    }

    /// Delivers up to a bucket's worth of due notifications, in order,
    /// recording each outcome before the next send.
    async fn round(&mut self, mut stop: Pin<&mut impl FusedFuture<Output = ()>>) -> Result<usize, Error> {
        // What the bucket holds now, or what it lets through in a round's
        // time if that is more (a high rate with a small burst must not mean
        // tiny rounds: the bucket still paces every send).
        let in_round_time = (self.policy.rate_per_sec * ROUND_TIME.as_secs_f64()) as u64;
        let limit = self.bucket.available().max(in_round_time).clamp(1, ROUND_MAX);
        let now = chrono::Utc::now();
        let claimed = self.store.claim(&self.owner, now, self.lease(), limit).await?;
        // Rows a dead dispatcher was handing over are settled, not sent.
        let (orphans, mut due): (Vec<_>, Vec<_>) = claimed.into_iter().partition(|n| n.handed_over_at.is_some());
        for n in &orphans {
            self.settle_orphan(n).await?;
        }
        if due.is_empty() {
            return Ok(orphans.len());
        }
        // The fleet's budget decides how many of these go now; the rest go
        // back to the queue for whichever replica has budget next.
        let p = &self.policy;
        let granted = self.store.take_budget(due.len() as u64, p.rate_per_sec, f64::from(p.burst.max(1)), now).await?;
        let rest: Vec<i64> =
            due.split_off(usize::try_from(granted).unwrap_or(usize::MAX).min(due.len())).iter().map(|n| n.id).collect();
        self.store.release(&self.owner, &rest).await?;
        if due.is_empty() {
            // Another replica spent the budget: wait for it to refill.
            tokio::time::sleep(Duration::from_secs_f64((1.0 / p.rate_per_sec).min(1.0))).await;
            return Ok(0);
        }
        let started = Instant::now();
        let mut done = 0;
        for n in &due {
            if done > 0 && started.elapsed() >= ROUND_TIME {
                break;
            }
            tokio::select! {
                biased;
                () = &mut stop => break,
                () = self.bucket.acquire() => {}
            }
            let attempted = self.attempt(n).await;
            self.store.record(&attempted).await?;
            done += 1;
        }
        let unsent: Vec<i64> = due[done..].iter().map(|n| n.id).collect();
        self.store.release(&self.owner, &unsent).await?;
        Ok(done)
    }

    /// A notification whose dispatcher died after handing it over: it may
    /// have been delivered, so it is recorded as such and not sent again.
    async fn settle_orphan(&self, n: &notifications::Model) -> Result<(), Error> {
        let at = n.handed_over_at.unwrap_or_else(ec_common::time::now);
        tracing::warn!(
            notification_id = n.id,
            "a dispatcher stopped while handing this over: recorded as unconfirmed, not sent again"
        );
        let error = "the dispatcher delivering it stopped while handing it to the server: it may have been delivered \
                     and is not sent again"
            .to_owned();
        let a = Attempted {
            id: n.id,
            attempt: n.attempts + 1,
            at,
            duration_ms: 0,
            result: Delivery::Unconfirmed { error },
        };
        self.store.record(&a).await
    }

    /// One delivery, bounded in time, and what it came to.
    async fn attempt(&self, n: &notifications::Model) -> Attempted {
        // The attempt is logged at its start: when it took its token.
        let (began, at) = (Instant::now(), ec_common::time::now());
        let handover = Mark { store: &self.store, owner: &self.owner, id: n.id, done: AtomicBool::new(false) };
        let result = match tokio::time::timeout(self.policy.send_timeout, self.sender.send(n, &handover)).await {
            Ok(r) => r,
            Err(_) if handover.done.load(Ordering::Acquire) => Err(Error::Unconfirmed(format!(
                "no answer within {} ms after the message was handed over: it may have been delivered and is not sent again",
                self.policy.send_timeout.as_millis()
            ))),
            Err(_) => Err(Error::Transient(format!("no answer within {} ms", self.policy.send_timeout.as_millis()))),
        };
        let attempt = n.attempts + 1;
        let result = match result {
            Ok(()) => Delivery::Sent,
            Err(e) => {
                let d = self.policy.after_failure(&e, attempt - n.attempts_at_retry, at);
                if let Delivery::Unconfirmed { .. } = d {
                    tracing::warn!(notification_id = n.id, attempt, error = %e, "delivery unconfirmed: not sent again");
                } else {
                    let will_retry = matches!(d, Delivery::Retry { .. });
                    tracing::warn!(notification_id = n.id, attempt, will_retry, error = %e, "delivery failed");
                }
                d
            }
        };
        let duration_ms = i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX);
        Attempted { id: n.id, attempt, at, duration_ms, result }
    }
}

/// The handover of one delivery: recorded on its row, and remembered here
/// for a timeout that cuts the sender short.
struct Mark<'a> {
    store: &'a Store,
    owner: &'a str,
    id: i64,
    done: AtomicBool,
}

#[async_trait::async_trait]
impl Handover for Mark<'_> {
    async fn hand_over(&self) -> Result<(), Error> {
        if !self.store.hand_over(self.owner, self.id, ec_common::time::now()).await? {
            return Err(Error::Transient("no longer this dispatcher's to deliver: not handed over".into()));
        }
        self.done.store(true, Ordering::Release);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bucket_allows_burst_then_rate() {
        let mut b = TokenBucket::new(10.0, 5);
        let start = Instant::now();
        for _ in 0..25 {
            b.acquire().await;
        }
        // 5 at once, the other 20 at 10/s: 2 s of (virtual) time.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(1990) && took <= Duration::from_millis(2100), "{took:?}");
    }
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            rate_per_sec: 10.0,
            burst: 1,
            max_attempts: 3,
            retry_base: Duration::from_secs(1),
            send_timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn transient_failures_back_off_until_the_budget_is_spent() {
        let at = chrono::Utc::now();
        let busy = Error::Transient("SMTP transient error (451): try later".into());
        match policy().after_failure(&busy, 1, at) {
            Delivery::Retry { next_at, error } => {
                assert_eq!(next_at - at, chrono::Duration::seconds(2));
                assert!(error.contains("451"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(policy().after_failure(&busy, 2, at), Delivery::Retry { next_at, .. } if next_at - at == chrono::Duration::seconds(4))
        );
        assert!(matches!(policy().after_failure(&busy, 3, at), Delivery::Failed { .. }));
    }

    #[test]
    fn a_permanent_refusal_fails_at_once() {
        let refused = Error::Permanent("SMTP permanent error (550): no such user".into());
        assert_eq!(
            policy().after_failure(&refused, 1, chrono::Utc::now()),
            Delivery::Failed { error: "SMTP permanent error (550): no such user".into() }
        );
    }

    #[test]
    fn a_handover_without_an_answer_is_never_tried_again() {
        let lost = Error::Unconfirmed("SMTP: no answer after the message was handed over".into());
        for attempt in [1, 3, 10] {
            assert!(
                matches!(policy().after_failure(&lost, attempt, chrono::Utc::now()), Delivery::Unconfirmed { .. }),
                "attempt {attempt}"
            );
        }
    }
}
