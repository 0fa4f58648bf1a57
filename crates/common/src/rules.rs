//! The rules of the platform's data, in one place: the order service applies
//! them to API requests and to every row of a CSV import, the payment and
//! notification services to what they accept, and the gateway publishes the
//! limits in its OpenAPI document (the web admin reads them from there).
//!
//! Each check answers the cleaned value or the [`FieldViolation`] for the
//! field path it was given (`items[0].quantity` for the API, `quantity` for a
//! CSV column).

use crate::error::{FieldCode, FieldViolation};

/// Limits of one order.
pub mod order {
    /// Customer and product names, in characters.
    pub const NAME_MAX: usize = 200;
    pub const ADDRESS_MAX: usize = 500;
    pub const PHONE_MAX: usize = 32;
    pub const EMAIL_MAX: usize = 254;
    pub const PRODUCT_ID_MAX: usize = 64;
    pub const ITEMS_MAX: usize = 100;
    pub const QUANTITY_MIN: i64 = 1;
    pub const QUANTITY_MAX: i64 = 10_000;
    /// A unit price may exceed what one payment can take: such an order is
    /// kept and its payment refused (PAYMENT_REJECTED), as the seed does.
    pub const UNIT_PRICE_MIN: i64 = 0;
    pub const UNIT_PRICE_MAX: i64 = 100_000_000;
    /// The `external_ref` grouping rows of an import into one order.
    pub const EXTERNAL_REF_MAX: usize = 100;
}

/// Limits of one payment (seed sections 4 and 7.3), in JPY.
pub mod payment {
    pub const AMOUNT_MIN: i64 = 100;
    pub const AMOUNT_MAX: i64 = 1_000_000;
}

/// The text rules as JSON Schema patterns (ECMA-262), for the OpenAPI
/// document: what [`text`], [`optional_text`] and [`is_valid_phone`] accept.
pub mod patterns {
    /// Not blank, no control characters but newlines.
    pub const TEXT: &str = r"^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$";
    /// No control characters but newlines; blank is absent.
    pub const OPTIONAL_TEXT: &str = r"^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$";
    /// 6 to 20 digits, with spaces, `-`, parentheses and a leading `+`.
    pub const PHONE: &str = r"^\s*\+?[ ()-]*(?:[0-9][ ()-]*){6,20}\s*$";
    /// A phone number, or blank (absent).
    pub const OPTIONAL_PHONE: &str = r"^\s*(?:\+?[ ()-]*(?:[0-9][ ()-]*){6,20})?\s*$";
    /// Contains something that is not a space.
    pub const NOT_BLANK: &str = r"\S";
    /// Printable ASCII, spaces included, no tabs (an HTTP header value we
    /// take, see [`super::header_key`]).
    pub const KEY: &str = r"^[\x20-\x7E]*$";
    /// A cursor this server gives (an id or sequence number).
    pub const CURSOR: &str = r"^[1-9][0-9]{0,17}$";
}

/// Page sizes of the lists.
pub mod page {
    pub const ORDERS_DEFAULT: u32 = 50;
    pub const ORDERS_MAX: u32 = 200;
    pub const IMPORTS_DEFAULT: u32 = 20;
    pub const IMPORTS_MAX: u32 = 100;
    pub const NOTIFICATIONS_DEFAULT: u32 = 50;
    pub const NOTIFICATIONS_MAX: u32 = 200;
    pub const OUTBOX_DEFAULT: u32 = 50;
    pub const OUTBOX_MAX: u32 = 200;
}

/// How far a caller's clock may be from UTC, in minutes (UTC-14:00..+14:00).
pub const UTC_OFFSET_MAX_MINUTES: i32 = 14 * 60;

/// A page size: absent is the list's default, anything else in `1..=max`.
pub fn page_size(field: &str, limit: Option<u32>, default: u32, max: u32) -> Result<u32, FieldViolation> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(FieldViolation::out_of_range(field, 1, i64::from(max))),
    }
}

/// Client-chosen keys (Idempotency-Key, event ids), in bytes.
pub const KEY_MAX: usize = 200;

/// A client-chosen key sent as a header (`Idempotency-Key`): at most
/// [`KEY_MAX`] characters as sent, printable ASCII without tabs
/// ([`patterns::KEY`]); surrounding spaces are not part of it, and blank is
/// no key (`""`).
pub fn header_key(field: &str, raw: &[u8]) -> Result<String, FieldViolation> {
    if raw.len() > KEY_MAX {
        return Err(FieldViolation::too_long(field, KEY_MAX));
    }
    if !raw.iter().all(|b| (0x20..=0x7E).contains(b)) {
        return Err(FieldViolation::described(
            field,
            FieldCode::InvalidValue,
            "must be printable ASCII (no tabs), at most 200 characters",
        ));
    }
    // Checked above: every byte is ASCII.
    Ok(String::from_utf8_lossy(raw).trim_matches(' ').to_owned())
}

/// A required text: not blank, at most `max` characters as sent, no control
/// characters but newlines; answered trimmed. (The gateway's OpenAPI
/// document says the same with [`patterns`].)
pub fn text(field: &str, value: &str, max: usize) -> Result<String, FieldViolation> {
    let v = value.trim();
    if v.is_empty() {
        Err(FieldViolation::required(field))
    } else if value.chars().count() > max {
        // As sent, spaces included: the limit a client can check by itself.
        Err(FieldViolation::too_long(field, max))
    } else if v.chars().any(|c| c.is_control() && c != '\n') {
        Err(FieldViolation::new(field, FieldCode::ControlCharacters, &[]))
    } else {
        Ok(v.to_owned())
    }
}

/// An optional text: absent or blank is `None`, anything else as [`text`].
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldViolation> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

pub fn email(field: &str, value: &str) -> Result<String, FieldViolation> {
    let v = value.trim();
    if v.is_empty() {
        Err(FieldViolation::required(field))
    } else if !is_valid_email(v) {
        Err(FieldViolation::new(field, FieldCode::InvalidEmail, &[]))
    } else {
        Ok(v.to_owned())
    }
}

pub fn optional_phone(field: &str, value: Option<&str>) -> Result<Option<String>, FieldViolation> {
    match optional_text(field, value, order::PHONE_MAX)? {
        Some(p) if !is_valid_phone(&p) => Err(FieldViolation::new(field, FieldCode::InvalidPhone, &[])),
        p => Ok(p),
    }
}

/// An integer in `min..=max`.
pub fn in_range(field: &str, value: i64, min: i64, max: i64) -> Result<i64, FieldViolation> {
    if (min..=max).contains(&value) { Ok(value) } else { Err(FieldViolation::out_of_range(field, min, max)) }
}

/// A required number: a missing one is never taken for 0.
pub fn required<T>(field: &str, value: Option<T>) -> Result<T, FieldViolation> {
    value.ok_or_else(|| FieldViolation::required(field))
}

pub fn quantity(field: &str, value: i64) -> Result<i64, FieldViolation> {
    in_range(field, value, order::QUANTITY_MIN, order::QUANTITY_MAX)
}

pub fn unit_price(field: &str, value: i64) -> Result<i64, FieldViolation> {
    in_range(field, value, order::UNIT_PRICE_MIN, order::UNIT_PRICE_MAX)
}

/// Whether one payment can take this amount.
pub fn payable(amount: i64) -> bool {
    (payment::AMOUNT_MIN..=payment::AMOUNT_MAX).contains(&amount)
}

/// A practical e-mail check: one `@`, a non-empty local part, a dotted domain,
/// no spaces. Deliverability is the mail system's business.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > order::EMAIL_MAX || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    }
}

/// 6 to 20 digits, with spaces, `-`, parentheses and a leading `+` allowed.
pub fn is_valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && s.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || " -()".contains(c) || (c == '+' && i == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "山田@例え.jp", "x+y@sub.example.com"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.com", "a@.com", "a@b.com.", "a b@c.com", "a@b@c.com", "a@b..com"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(text("f", " x ", 3), Ok("x".to_owned()));
        assert_eq!(text("f", "  x ", 3).map_err(|v| v.code), Err(FieldCode::TooLong), "counted as sent");
        assert_eq!(text("f", "   ", 3).map_err(|v| v.code), Err(FieldCode::Required));
        assert_eq!(text("f", "abcd", 3).map_err(|v| v.code), Err(FieldCode::TooLong));
        assert_eq!(text("f", "a\u{7}", 3).map_err(|v| v.code), Err(FieldCode::ControlCharacters));
        assert_eq!(optional_text("f", Some(" "), 3), Ok(None));
    }

    #[test]
    fn header_keys_are_printable_ascii_and_bounded_as_sent() {
        assert_eq!(header_key("k", b" key-1 "), Ok("key-1".to_owned()));
        assert_eq!(header_key("k", b"   "), Ok(String::new()), "blank is no key");
        assert_eq!(header_key("k", "k".repeat(KEY_MAX).as_bytes()).map(|k| k.len()), Ok(KEY_MAX));
        let long = format!("{} ", "k".repeat(KEY_MAX));
        assert_eq!(header_key("k", long.as_bytes()).map_err(|v| v.code), Err(FieldCode::TooLong), "counted as sent");
        for bad in [&b"a\tb"[..], b"caf\xc3\xa9", b"a\x7f"] {
            assert_eq!(header_key("k", bad).map_err(|v| v.code), Err(FieldCode::InvalidValue), "{bad:?}");
        }
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(quantity("q", 1).is_ok() && quantity("q", 10_000).is_ok());
        assert!(quantity("q", 0).is_err() && quantity("q", 10_001).is_err());
        assert!(unit_price("p", 0).is_ok() && unit_price("p", -1).is_err());
        assert!(payable(100) && payable(1_000_000) && !payable(99) && !payable(1_000_001));
    }
}
