//! Deadline propagation.
//!
//! tonic neither passes an incoming deadline on to outgoing calls nor sends
//! `grpc-timeout` for `Endpoint::timeout`, so every onward call is built by
//! [`Deadline::request`]: its timeout is the smaller of the hop's own deadline
//! (30 s for payments, 10 s for notifications and webhooks) and what is left of
//! the deadline the caller gave us. An onward call never outlives its caller.

use std::time::Duration;

use tokio::time::Instant;
use tonic::{Request, Status, metadata::MetadataMap};

/// The point in time by which the current call must be answered, if any.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// No deadline: onward calls get their hop deadline only.
    pub const NONE: Deadline = Deadline(None);

    pub fn after(timeout: Duration) -> Self {
        Self(Some(Instant::now() + timeout))
    }

    /// The deadline the caller sent in `grpc-timeout`, counted from now.
    pub fn from_metadata(metadata: &MetadataMap) -> Self {
        metadata
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout)
            .map(Self::after)
            .unwrap_or(Self::NONE)
    }

    pub fn from_request<T>(request: &Request<T>) -> Self {
        Self::from_metadata(request.metadata())
    }

    /// Time left, `None` when there is no deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.0.map(|at| at.saturating_duration_since(Instant::now()))
    }

    pub fn is_expired(&self) -> bool {
        self.remaining().is_some_and(|left| left.is_zero())
    }

    /// The timeout for an onward call whose own deadline is `hop`.
    ///
    /// A tenth of what is left (at most 100 ms) is kept back, so that when
    /// the onward call times out this service still has time to answer its
    /// caller with what it knows (say, the id of the order it kept) before
    /// its own deadline cuts it off.
    pub fn budget(&self, hop: Duration) -> Result<Duration, Status> {
        match self.remaining() {
            None => Ok(hop),
            Some(left) => {
                let usable = left.saturating_sub((left / 10).min(Duration::from_millis(100)));
                if usable.is_zero() {
                    Err(Status::deadline_exceeded("deadline expired before the onward call"))
                } else {
                    Ok(usable.min(hop))
                }
            }
        }
    }

    /// A request for an onward call, with its `grpc-timeout` set.
    pub fn request<T>(&self, message: T, hop: Duration) -> Result<Request<T>, Status> {
        let mut request = Request::new(message);
        request.set_timeout(self.budget(hop)?);
        Ok(request)
    }
}

/// Parses a gRPC `grpc-timeout` value: up to 8 digits and a unit (H M S m u n).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_rejects_garbage() {
        assert_eq!(parse_grpc_timeout("30S"), Some(Duration::from_secs(30)));
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse_grpc_timeout("9n"), Some(Duration::from_nanos(9)));
        for bad in ["", "S", "10", "123456789S", "1x", "-1S", "1.5S"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad:?}");
        }
    }

    // Paused time: the budget is computed on a clock that does not move
    // while the test runs, whatever the machine is doing.
    #[tokio::test(start_paused = true)]
    async fn onward_budget_is_the_smaller_of_hop_and_remaining() {
        let d = Deadline::after(Duration::from_secs(5));
        let b = d.budget(Duration::from_secs(30)).expect("budget");
        // What is left, less the reserve for answering.
        assert_eq!(b, Duration::from_millis(4_900));
        assert_eq!(d.budget(Duration::from_secs(1)).expect("budget"), Duration::from_secs(1));
        assert_eq!(Deadline::NONE.budget(Duration::from_secs(10)).expect("budget"), Duration::from_secs(10));
        let gone = Deadline::after(Duration::ZERO);
        assert!(gone.budget(Duration::from_secs(1)).is_err());
    }

    #[test]
    fn reads_grpc_timeout_from_metadata() {
        let mut md = MetadataMap::new();
        md.insert("grpc-timeout", "100m".parse().expect("ascii"));
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("rt");
        rt.block_on(async {
            let left = Deadline::from_metadata(&md).remaining().expect("some");
            assert!(left <= Duration::from_millis(100));
        });
    }
}
