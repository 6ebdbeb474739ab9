//! `http::HeaderMap` ↔ WASI `fields`.

use super::error::Error;
use crate::bindings::wasi::http::types::Fields;
use http::{HeaderMap, HeaderName, HeaderValue};

/// Converts headers to WASI fields; a header the host refuses (forbidden or
/// invalid) is an `Err`.
pub(crate) fn to_fields(map: &HeaderMap) -> Result<Fields, Error> {
    let fields = Fields::new();
    for (name, value) in map {
        fields.append(name.as_str(), value.as_bytes()).map_err(|e| Error::header(e, name.as_str()))?;
    }
    Ok(fields)
}

/// Converts WASI fields to headers.
pub(crate) fn from_fields(fields: &Fields) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::new();
    for (name, value) in fields.copy_all() {
        let name = HeaderName::from_bytes(name.as_bytes())?;
        let value = HeaderValue::from_bytes(&value)?;
        map.append(name, value);
    }
    Ok(map)
}
