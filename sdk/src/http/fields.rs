//! `http::HeaderMap` ↔ WASI `fields`.

use super::body::Body;
use super::error::Error;
use crate::sys::http::Fields;
use http::{HeaderMap, HeaderName, HeaderValue};

/// Converts headers to WASI fields; a header the host refuses (forbidden or
/// invalid) is an `Err`.
pub(crate) fn to_fields(map: &HeaderMap) -> Result<Fields, Error> {
    fields_with(map, [None, None])
}

/// `map`'s headers and then the `extra` ones as WASI fields, in one host
/// call (`fields.from-list`) whatever their number. A header the host
/// refuses is an `Err` naming it.
pub(crate) fn fields_with(map: &HeaderMap, extra: [Option<(&str, &[u8])>; 2]) -> Result<Fields, Error> {
    if map.is_empty() && extra.iter().all(Option::is_none) {
        return Ok(Fields::new());
    }
    let pairs = map.iter().map(|(name, value)| (name.as_str(), value.as_bytes())).chain(extra.into_iter().flatten());
    SCRATCH.with(|scratch| {
        // Another call on this thread is using the scratch list: only an
        // allocation is lost.
        let mut own = Vec::new();
        let mut borrowed = scratch.try_borrow_mut();
        let entries = match borrowed.as_deref_mut() {
            Ok(list) => list,
            Err(_) => &mut own,
        };
        let mut n = 0;
        for (name, value) in pairs {
            if n == entries.len() {
                entries.push((String::new(), Vec::new()));
            }
            let (k, v) = &mut entries[n];
            k.clear();
            k.push_str(name);
            v.clear();
            v.extend_from_slice(value);
            n += 1;
        }
        let entries = &entries[..n];
        Fields::from_list(entries).or_else(|e| {
            // The host names no header in its refusal: find it by adding
            // them one at a time (only on this error path).
            let fields = Fields::new();
            for (name, value) in entries {
                fields.append(name, value).map_err(|e| Error::header(e, name))?;
            }
            Err(Error::msg(format!("invalid header set: {e:?}")))
        })
    })
}

/// A request's or response's head: `headers`, then the body's own
/// `content-type` (see `Body::content_type`) unless `headers` name one,
/// then `length` (`content-length`, when the caller knows it).
pub(crate) fn head_fields(headers: &HeaderMap, body: &Body, length: Option<(&str, &[u8])>) -> Result<Fields, Error> {
    let content_type = match body.content_type() {
        Some(ct) if !headers.contains_key(http::header::CONTENT_TYPE) => Some(("content-type", ct.as_bytes())),
        _ => None,
    };
    fields_with(headers, [content_type, length])
}

thread_local! {
    /// The owned name/value list `fields.from-list` takes, kept between
    /// calls so that a response's head costs no allocation once the
    /// instance has seen as many headers.
    static SCRATCH: std::cell::RefCell<Vec<(String, Vec<u8>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Converts WASI fields to headers.
pub(crate) fn from_fields(fields: &Fields) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::new();
    for (name, value) in crate::sys::http::entries(fields) {
        let name = HeaderName::from_bytes(name.as_bytes())?;
        let value = HeaderValue::from_bytes(&value)?;
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::{fields_with, from_fields, to_fields};
    use crate::bindings::wasi::http::types::Fields;
    use http::{HeaderMap, HeaderName, HeaderValue};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    fn runner(cases: u32) -> TestRunner {
        TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
    }

    /// Valid header maps survive the trip through the real host's `fields`
    /// unchanged (names, values, order of repeated names), unless the host
    /// refuses a header, which is an `Err` naming it — never a panic.
    #[wasio::test]
    async fn header_maps_round_trip_through_host_fields() {
        let name = prop_oneof![
            "[a-z][a-z0-9-]{0,15}",
            Just("content-type".to_string()),
            Just("x-repeat".to_string()),
            Just("connection".to_string()),
            Just("keep-alive".to_string()),
        ];
        let value = prop::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')], 0..40);
        let headers = prop::collection::vec((name, value), 0..12);
        runner(500)
            .run(&headers, |pairs| {
                let mut map = HeaderMap::new();
                for (n, v) in &pairs {
                    let (Ok(n), Ok(v)) = (HeaderName::from_bytes(n.as_bytes()), HeaderValue::from_bytes(v)) else {
                        continue;
                    };
                    map.append(n, v);
                }
                match to_fields(&map) {
                    Ok(fields) => prop_assert_eq!(from_fields(&fields).unwrap(), map),
                    Err(e) => {
                        let msg = e.to_string();
                        prop_assert!(map.keys().any(|k| msg.contains(k.as_str())), "{msg}");
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    /// The extra field comes after the map's, repeated names keep their
    /// order, and a refused extra is an `Err` naming it.
    #[wasio::test]
    async fn fields_with_adds_the_extra_field_last() {
        let mut map = HeaderMap::new();
        map.append("x-a", HeaderValue::from_static("1"));
        map.append("x-a", HeaderValue::from_static("2"));
        let fields = fields_with(&map, [None, Some(("content-length", b"13"))]).unwrap();
        assert_eq!(
            fields.copy_all(),
            [
                ("x-a".to_string(), b"1".to_vec()),
                ("x-a".to_string(), b"2".to_vec()),
                ("content-length".to_string(), b"13".to_vec())
            ]
        );
        assert!(fields_with(&HeaderMap::new(), [None, None]).unwrap().copy_all().is_empty());
        let err = fields_with(&map, [Some(("connection", b"close")), None]).expect_err("connection is refused");
        assert!(err.to_string().contains("\"connection\""), "{err}");
    }

    /// Arbitrary bytes appended to host `fields`: the host accepts or
    /// refuses each; converting whatever it accepted never panics.
    #[wasio::test]
    async fn arbitrary_field_bytes_never_panic() {
        let pairs = prop::collection::vec(
            (prop::collection::vec(any::<u8>(), 0..12), prop::collection::vec(any::<u8>(), 0..24)),
            0..8,
        );
        runner(500)
            .run(&pairs, |pairs| {
                let fields = Fields::new();
                for (n, v) in &pairs {
                    let _ = fields.append(&String::from_utf8_lossy(n), v);
                }
                let _ = from_fields(&fields);
                Ok(())
            })
            .unwrap();
    }
}
