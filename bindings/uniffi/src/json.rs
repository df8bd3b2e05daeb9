//! The JSON path between the typed foreign surface and the core: arguments become the
//! operation's parameters as a JSON object (the API's camelCase keys), and the core's JSON `data`
//! becomes the generated records. Used by the generated code only.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::error::NpayError;

/// The parameters of one call, built key by key by the generated methods.
#[derive(Default)]
pub struct Params(Map<String, Value>);

impl Params {
    /// No parameters yet.
    pub fn new() -> Self {
        Params::default()
    }

    /// Sets `key` to `value`.
    pub fn put<T: Serialize>(mut self, key: &str, value: &T) -> Result<Self, NpayError> {
        let value = serde_json::to_value(value)
            .map_err(|e| NpayError::invalid(key, format!("cannot be written as JSON: {e}")))?;
        self.0.insert(key.to_owned(), value);
        Ok(self)
    }

    /// Sets `key` when the value is present.
    pub fn put_opt<T: Serialize>(self, key: &str, value: &Option<T>) -> Result<Self, NpayError> {
        match value {
            Some(value) => self.put(key, value),
            None => Ok(self),
        }
    }

    /// Sets `key` when the list is not empty (an empty optional list means "not given").
    pub fn put_list<T: Serialize>(self, key: &str, value: &[T]) -> Result<Self, NpayError> {
        if value.is_empty() { Ok(self) } else { self.put(key, &value) }
    }

    /// The JSON object.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// Reads the core's JSON `data` as the generated record type of `operation`.
pub fn decode<T: DeserializeOwned>(operation: &str, data: Value) -> Result<T, NpayError> {
    serde_json::from_value(data).map_err(|e| NpayError::unexpected(operation, e))
}

/// Writes a record as its JSON shape (camelCase keys), for the records' `toJson()`.
pub fn encode<T: Serialize>(value: &T) -> String {
    // Records hold strings, numbers, lists and records only: writing them cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// Reads an optional list: absent or `null` is the empty list.
pub fn list_or_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
