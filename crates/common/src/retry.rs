//! Riding out a short outage: a call that failed because its callee could
//! not be reached is made again, after a short jittered pause, for as long
//! as its deadline leaves time. A restart that fits inside the deadline costs
//! latency, not the call.
//!
//! Only failures that say the call did not run, or whose outcome a retry
//! cannot make worse, are retried: the callee was unreachable (connection
//! refused or reset, the service shutting down). Calls retried this way must
//! be idempotent (every payment and mail carries an idempotency key).

use std::{future::Future, time::Duration};

use tonic::{Code, Status};

use crate::deadline::Deadline;

/// The first pause, and the longest.
const FIRST_PAUSE: Duration = Duration::from_millis(20);
const MAX_PAUSE: Duration = Duration::from_millis(250);

/// Whether a failed call may be made again: the callee was not reached, or
/// went away. Tonic answers UNAVAILABLE for a refused or reset connection
/// and for a server that is shutting down, CANCELLED for a call whose
/// connection died under it (the callee was killed mid-call), UNKNOWN
/// "transport error" for some broken connections, and INTERNAL for a stream
/// a gracefully stopping server refused (a replica going away). Every call
/// retried is idempotent (it carries a key), so one the callee did finish is
/// answered again, never done twice.
pub fn is_transient(status: &Status) -> bool {
    let message = status.message().to_ascii_lowercase();
    match status.code() {
        Code::Unavailable => true,
        // A server enforcing the call's deadline answers CANCELLED "Timeout
        // expired": that deadline is the whole call's, not worth a retry.
        Code::Cancelled => !message.contains("timeout"),
        Code::Unknown => message.contains("transport"),
        // A stream a server refused as it stopped gracefully (an HTTP/2
        // GOAWAY naming a last stream below ours): it never reached a
        // handler. Tonic answers INTERNAL for it.
        Code::Internal => refused_by_go_away(status),
        _ => false,
    }
}

/// Whether the call's stream was refused by a graceful GOAWAY (reason
/// NO_ERROR, from the peer), found in the status's chain of sources.
fn refused_by_go_away(status: &Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(e) = source {
        if let Some(h2) = e.downcast_ref::<h2::Error>() {
            return h2.is_go_away() && h2.is_remote() && h2.reason() == Some(h2::Reason::NO_ERROR);
        }
        source = e.source();
    }
    false
}

/// Runs `attempt` with the deadline of the whole call (the smaller of `hop`
/// and what is left of `deadline`) until it succeeds, fails for good, or the
/// deadline leaves no time for another try. Each attempt gets what is left.
pub async fn within_deadline<T, F, Fut>(deadline: Deadline, hop: Duration, mut attempt: F) -> Result<T, Status>
where
    F: FnMut(Deadline) -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let whole = Deadline::after(deadline.budget(hop)?);
    let mut pause = FIRST_PAUSE;
    loop {
        let status = match attempt(whole).await {
            Ok(v) => return Ok(v),
            Err(s) if is_transient(&s) => s,
            Err(s) => return Err(s),
        };
        let wait = jittered(pause);
        // Another try needs the pause and some time to run.
        if whole.remaining().is_none_or(|left| left <= wait + Duration::from_millis(50)) {
            return Err(status);
        }
        tracing::debug!(code = ?status.code(), message = status.message(), wait_ms = wait.as_millis() as u64, "callee unreachable; trying again");
        tokio::time::sleep(wait).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// A pause between half and all of `pause` ("equal jitter"): retries of many
/// callers spread out instead of arriving together.
pub fn jittered(pause: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = if getrandom::fill(&mut b).is_ok() { u16::from_le_bytes(b) } else { u16::MAX / 2 };
    let half = pause / 2;
    half + half.mul_f64(f64::from(r) / f64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn retries_unreachable_until_it_answers() {
        let calls = AtomicU32::new(0);
        let out = within_deadline(Deadline::NONE, Duration::from_secs(10), |_| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move { if n < 3 { Err(Status::unavailable("connection refused")) } else { Ok(n) } }
        })
        .await;
        assert_eq!(out.expect("answered"), 3);
    }

    #[test]
    fn a_cut_connection_is_transient_and_an_answer_or_timeout_is_not() {
        assert!(is_transient(&Status::unavailable("tcp connect error: connection refused")));
        assert!(is_transient(&Status::cancelled("h2 protocol error: operation was canceled")));
        assert!(is_transient(&Status::unknown("transport error")));
        assert!(!is_transient(&Status::cancelled("Timeout expired")));
        assert!(!is_transient(&Status::unknown("the handler panicked")));
        assert!(!is_transient(&Status::deadline_exceeded("deadline")));
        assert!(!is_transient(&Status::failed_precondition("no")));
    }

    /// A server that answers the first request on a connection with an
    /// HTTP/2 GOAWAY naming stream 0 as the last it took (so the request's
    /// stream was refused), with `reason`, written frame by frame.
    async fn going_away(reason: u32) -> std::net::SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut preface = [0u8; 24];
                    conn.read_exact(&mut preface).await?;
                    conn.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).await?; // SETTINGS, empty
                    loop {
                        let mut head = [0u8; 9];
                        conn.read_exact(&mut head).await?;
                        let len = usize::from(head[0]) << 16 | usize::from(head[1]) << 8 | usize::from(head[2]);
                        let mut payload = vec![0u8; len];
                        conn.read_exact(&mut payload).await?;
                        if head[3] == 1 {
                            // HEADERS: a request. GOAWAY, last stream 0.
                            let mut frame = vec![0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0];
                            frame.extend_from_slice(&reason.to_be_bytes());
                            conn.write_all(&frame).await?;
                            tokio::time::sleep(Duration::from_secs(2)).await;
                            return Ok::<_, std::io::Error>(());
                        }
                    }
                });
            }
        });
        addr
    }

    async fn call(addr: std::net::SocketAddr) -> Status {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .expect("url")
            .connect()
            .await
            .expect("connects");
        let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
        client.check(tonic_health::pb::HealthCheckRequest::default()).await.expect_err("refused")
    }

    #[tokio::test]
    async fn a_stream_refused_by_a_graceful_go_away_is_transient() {
        let refused = call(going_away(0).await).await;
        assert_eq!(refused.code(), Code::Internal, "{refused:?}");
        assert!(is_transient(&refused), "GOAWAY (NO_ERROR) above our stream: {refused:?}");
        let broken = call(going_away(1).await).await;
        assert!(!is_transient(&broken), "GOAWAY (PROTOCOL_ERROR) is no graceful stop: {broken:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_real_answer_is_not_retried_and_the_deadline_ends_it() {
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = within_deadline(Deadline::NONE, Duration::from_secs(10), |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(Status::invalid_argument("no")) }
        })
        .await;
        assert_eq!(out.expect_err("refused").code(), Code::InvalidArgument);
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let out: Result<(), _> =
            within_deadline(Deadline::NONE, Duration::from_secs(1), |_| async { Err(Status::unavailable("down")) })
                .await;
        assert_eq!(out.expect_err("gave up").code(), Code::Unavailable, "the deadline ends the retries");
    }
}
