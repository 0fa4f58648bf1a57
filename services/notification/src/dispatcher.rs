//! Delivery: the queue (queued rows, oldest first) drained at a configured
//! rate by a token bucket. Nothing is dropped: a failed delivery is retried
//! with back-off until its attempts run out, then marked failed. Because the
//! queue is the database, it survives a restart.

use std::{sync::Arc, time::Duration};

use tokio::time::Instant;

use crate::{sender::Sender, store::Store};

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

pub struct Dispatcher {
    store: Store,
    sender: Arc<dyn Sender>,
    bucket: TokenBucket,
    max_attempts: i32,
}

impl Dispatcher {
    pub fn new(store: Store, sender: Arc<dyn Sender>, rate: f64, burst: u32, max_attempts: i32) -> Self {
        Self { store, sender, bucket: TokenBucket::new(rate, burst), max_attempts: max_attempts.max(1) }
    }

    pub async fn run(mut self, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            let delivered = tokio::select! {
                () = &mut stop => return,
                r = self.round() => r,
            };
            match delivered {
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
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Delivers up to a bucket's worth of due notifications, in order.
    async fn round(&mut self) -> Result<usize, crate::error::Error> {
        let limit = self.bucket.available().clamp(1, 500);
        let due = self.store.due(chrono::Utc::now(), limit).await?;
        let mut sent = Vec::with_capacity(due.len());
        for n in &due {
            self.bucket.acquire().await;
            match self.sender.send(n).await {
                Ok(()) => sent.push((n.id, ec_common::time::now())),
                Err(e) => {
                    let attempt = n.attempts + 1;
                    let retry_at = (attempt < self.max_attempts)
                        .then(|| chrono::Utc::now() + chrono::Duration::seconds(2_i64.pow(attempt.min(10) as u32)));
                    tracing::warn!(notification_id = n.id, attempt, error = %e, "delivery failed");
                    self.store.mark_attempt_failed(n, &e, retry_at).await?;
                }
            }
        }
        let count = due.len();
        self.store.mark_sent(sent).await?;
        Ok(count)
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
