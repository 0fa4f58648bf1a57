//! Extractors whose rejections are problems like every other error, naming
//! the field or parameter at fault.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, header, request::Parts},
};
use ec_common::error::{ErrorCode, FieldCode, FieldViolation};
use serde::{
    Deserialize, Deserializer,
    de::{DeserializeOwned, IgnoredAny},
};

use crate::error::ApiError;

/// A JSON body. Broken JSON (invalid UTF-8 included, RFC 8259) answers 400;
/// JSON of the wrong shape (a missing field, a wrong type, an unknown enum
/// value) 422 naming the field; a wrong content type 415; an oversized body
/// 413. All as problem+json. Unknown fields are ignored.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        require_json(req.headers())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
            } else {
                ApiError::bad_request("the request body could not be read")
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// 415 unless the body is declared JSON.
pub fn require_json(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let json_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        let mime = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
    });
    if json_type {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::UnsupportedMediaType, "send the body as application/json"))
    }
}

/// A JSON body already read (the signed webhook checks its raw bytes first).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(ApiError::bad_request(format!(
            "the body is not valid JSON: invalid UTF-8 at byte {}",
            e.valid_up_to()
        )));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        // serde_json calls some shape errors "syntax"; if the bytes are
        // valid JSON, the shape was wrong.
        if serde_json::from_slice::<IgnoredAny>(bytes).is_err() {
            return ApiError::bad_request(format!("the body is not valid JSON: {}", e.inner()));
        }
        ApiError::field(shape_violation(&e.path().to_string(), &e.inner().to_string()))
    })
}

/// Query parameters, typed. A value that does not parse is a 422 naming the
/// parameter; a blank one counts as absent.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize::<_, T>(de)
            .map(Query)
            .map_err(|e| ApiError::field(shape_violation(&e.path().to_string(), &e.inner().to_string())))
    }
}

/// The violation a serde error describes, at `path`: a missing field names
/// the field itself (`items[0].unit_price`), not its parent.
fn shape_violation(path: &str, message: &str) -> FieldViolation {
    // serde_json appends where it was: the field path says it better.
    let message = message.split(" at line ").next().unwrap_or(message);
    let at = |name: &str| match path {
        "." | "" => name.to_owned(),
        p => format!("{p}.{name}"),
    };
    let path = if path == "." { "body" } else { path };
    if let Some(name) = between(message, "missing field `", "`") {
        return FieldViolation::required(at(name));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let allowed = rest.split_once("expected ").map(|(_, a)| a.replace(['`'], "")).unwrap_or_default();
        let allowed = allowed.trim_start_matches("one of ").to_owned();
        return FieldViolation::new(path, FieldCode::InvalidValue, &[("allowed", &allowed)]);
    }
    let expected = message
        .split_once(", expected ")
        .map(|(_, e)| e.to_owned())
        .unwrap_or_else(|| "a value of the right type".to_owned());
    FieldViolation::new(path, FieldCode::InvalidType, &[("expected", &plain_type(&expected))])
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(start).or_else(|| s.split_once(start).map(|(_, r)| r))?;
    rest.split_once(end).map(|(v, _)| v)
}

/// serde's names for types, as a client would say them.
fn plain_type(expected: &str) -> String {
    match expected {
        "i64" | "i32" | "u32" | "u64" | "i16" | "u16" | "usize" => "an integer".into(),
        "a boolean" | "bool" => "true or false".into(),
        other => other.into(),
    }
}

/// For text query parameters: a blank value (`?customer_email=`) is absent.
/// (Typed parameters are never blank: `?limit=` is a 422.)
pub fn blank_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
}

/// A whole number, as JSON Schema counts them: `2` and `2.0` alike; `2.5`
/// is not one.
pub fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = i64;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("i64")
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
            // Past 2^53 a float no longer says which integer it is (an
            // integer too large for i64 arrives as a float, too).
            const EXACT: f64 = 9_007_199_254_740_992.0;
            if v.fract() == 0.0 && v.abs() < EXACT {
                Ok(v as i64)
            } else {
                Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
            }
        }
    }
    d.deserialize_any(Whole)
}

/// An optional [`whole`] number.
pub fn whole_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "whole")] i64);
    Ok(Option::<Wrap>::deserialize(d)?.map(|Wrap(v)| v))
}

/// A `cursor` query parameter: absent, or one this server gave.
pub fn cursor(value: Option<String>) -> Result<String, ApiError> {
    match value {
        None => Ok(String::new()),
        Some(c) if (1..=18).contains(&c.len()) && !c.starts_with('0') && c.bytes().all(|b| b.is_ascii_digit()) => Ok(c),
        Some(_) => Err(ApiError::field(FieldViolation::described(
            "cursor",
            FieldCode::InvalidValue,
            "is not a cursor this server gave",
        ))),
    }
}

/// A positive integer id from the path; anything else is "no such thing".
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("no such resource"))?;
        id(&raw).map(Id)
    }
}

/// A resource id from a path segment: anything but a positive integer names
/// no resource (404).
pub fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found(format!("no resource has the id {raw:?}")))
}

/// The optional `Idempotency-Key` header, as [`ec_common::rules::header_key`]
/// says; absent or blank is the empty key, "no key".
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get("idempotency-key") {
            None => Ok(Self(String::new())),
            Some(v) => ec_common::rules::header_key("Idempotency-Key", v.as_bytes()).map(Self).map_err(ApiError::field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_errors_name_the_field() {
        let v = shape_violation("items[0]", "missing field `unit_price` at line 1 column 40");
        assert_eq!((v.field.as_str(), v.code), ("items[0].unit_price", FieldCode::Required));
        let v = shape_violation(".", "missing field `items`");
        assert_eq!(v.field, "items");
        let v = shape_violation("status", "unknown variant `sent`, expected `shipped` or `delivered`");
        assert_eq!(v.code, FieldCode::InvalidValue);
        let v = shape_violation("items[0].quantity", "invalid type: string \"2\", expected i64 at line 1 column 9");
        assert_eq!((v.code, v.param("expected")), (FieldCode::InvalidType, Some("an integer")));
    }

    #[test]
    fn whole_numbers_written_as_floats_are_read_exactly() {
        #[derive(Deserialize)]
        struct Body {
            #[serde(deserialize_with = "whole")]
            n: i64,
        }
        // Found by schemathesis: read inexactly, this float had a fraction.
        for (text, n) in
            [("2219030967096677.0", 2_219_030_967_096_677), ("2.0", 2), ("9007199254740991.0", (1 << 53) - 1)]
        {
            let body: Body =
                parse_json(format!("{{\"n\": {text}}}").as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(body.n, n, "{text}");
        }
        assert!(parse_json::<Body>(br#"{"n": 2.5}"#).is_err(), "2.5 is not a whole number");
    }
}
