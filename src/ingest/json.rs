//! The one strict JSON reader every input path goes through (`append`, `import`, HTTP bodies,
//! `correct`, `inbox accept --edit`), so that they all accept and refuse the same text: an
//! object only (not an array or a bare value), no key twice in any object (the last one does not
//! silently win), and nothing after the value but whitespace. A leading byte-order mark is
//! skipped ([`without_bom`]): editors on Windows write one.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use thiserror::Error;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why a text is not one JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonError {
    /// Not JSON, or not strict JSON (a key repeated): where, and what.
    #[error("malformed JSON at column {column}: {problem}")]
    Malformed {
        /// The column (from 1) where it went wrong.
        column: usize,
        /// What is wrong.
        problem: String,
    },
    /// JSON, but not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject {
        /// What was found instead (`an array`, `a string`...).
        found: &'static str,
    },
}

/// `bytes` without a leading byte-order mark.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The one JSON object `text` holds.
pub fn read_object(text: &str) -> Result<Map<String, Value>, JsonError> {
    match read_value(text)? {
        Value::Object(object) => Ok(object),
        other => Err(JsonError::NotAnObject {
            found: kind(&other),
        }),
    }
}

/// The objects of the one JSON array `text` holds (an HTTP body of several events), in order.
pub fn read_array_of_objects(text: &str) -> Result<Vec<Map<String, Value>>, JsonError> {
    let Value::Array(values) = read_value(text)? else {
        return Err(JsonError::NotAnObject { found: "no array" });
    };
    values
        .into_iter()
        .map(|value| match value {
            Value::Object(object) => Ok(object),
            other => Err(JsonError::NotAnObject {
                found: kind(&other),
            }),
        })
        .collect()
}

/// One JSON value, strictly: no key twice, nothing after it.
fn read_value(text: &str) -> Result<Value, JsonError> {
    let malformed = |error: serde_json::Error| JsonError::Malformed {
        column: error.column(),
        problem: strip_position(&error.to_string()),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let Strict(value) = Strict::deserialize(&mut deserializer).map_err(malformed)?;
    deserializer.end().map_err(malformed)?;
    Ok(value)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json appends " at line L column C" to its messages; the caller reports the place.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// A JSON value read with every object's keys checked for repeats.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        while let Some(Strict(value)) = seq.next_element()? {
            values.push(value);
        }
        Ok(Value::Array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}` appears twice in one object"
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_object_is_read() {
        assert!(read_object(r#"{"a": 1}"#).is_ok());
        assert!(matches!(
            read_object(r#"{"a": 1} {"a": 2}"#),
            Err(JsonError::Malformed { .. })
        ));
        assert!(matches!(
            read_object(r#"{"a": 1}x"#),
            Err(JsonError::Malformed { .. })
        ));
        assert_eq!(
            read_object(r#"["a"]"#),
            Err(JsonError::NotAnObject { found: "an array" })
        );
        let twice = read_object(r#"{"a": {"b": 1, "b": 2}}"#).expect_err("refused");
        assert!(twice.to_string().contains("`b` appears twice"), "{twice}");
    }
}
