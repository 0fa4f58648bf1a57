//! Timestamps between chrono (storage) and protobuf (wire).

use chrono::{DateTime, TimeZone, Utc};

pub fn to_proto(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: t.timestamp(), nanos: t.timestamp_subsec_nanos() as i32 }
}

/// Out-of-range or missing timestamps read as the Unix epoch rather than failing.
/// A wire timestamp, if it is one (nanoseconds in range, a real instant).
pub fn from_proto_checked(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    let nanos = u32::try_from(t.nanos).ok().filter(|n| *n < 1_000_000_000)?;
    Utc.timestamp_opt(t.seconds, nanos).single()
}

pub fn from_proto(t: Option<&prost_types::Timestamp>) -> DateTime<Utc> {
    t.and_then(|t| Utc.timestamp_opt(t.seconds, t.nanos.max(0) as u32).single()).unwrap_or_default()
}

/// Now, at millisecond precision: SQLite keeps text timestamps, and a
/// round trip through storage must compare equal to what was answered.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    Utc.timestamp_millis_opt(t.timestamp_millis()).single().unwrap_or(t)
}
