//! JSON parsing that refuses duplicate member names.
//!
//! serde_json keeps the last of duplicate names, as RFC 7515 §5.2 allows, but two
//! implementations that pick different duplicates read one signed token two ways (a
//! parser differential). Untrusted JSON in Cachet (JWS headers and payloads, Disclosures,
//! the JWS JSON serialization) is read with [`parse`] instead, which refuses it.

use core::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value read without duplicate member names; `None` once a duplicate was seen
/// anywhere inside it. (A duplicate is carried up as `None` rather than as a serde error:
/// `de::Error::custom` is the only way to make one, and it brings serde_json's message
/// formatting into the in-page verifier.)
struct Strict(Option<Value>);

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON without duplicate member names")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Some(Value::Bool(v))))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(Some(Value::Number(v.into()))))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(Some(Value::Number(v.into()))))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        // serde_json's parser refuses numbers out of range ("number out of range") before
        // a visitor sees one, so `from_f64`, which fails only for non-finite numbers,
        // never does here; were it to, the value is refused like a duplicate.
        Ok(Strict(Number::from_f64(v).map(Value::Number)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Some(Value::String(v.to_owned()))))
    }

    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(Some(Value::String(v))))
    }

    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Some(Value::Null)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Some(Vec::new());
        while let Some(Strict(item)) = seq.next_element()? {
            items = items.zip(item).map(|(mut items, item)| {
                items.push(item);
                items
            });
        }
        Ok(Strict(items.map(Value::Array)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut object = Some(Map::new());
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            object = object.zip(value).and_then(|(mut object, value)| {
                object.insert(name, value).is_none().then_some(object)
            });
        }
        Ok(Strict(object.map(Value::Object)))
    }
}

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

/// Parses JSON, refusing duplicate member names at any depth.
///
/// # Errors
/// `None` for malformed JSON or a duplicate name.
#[must_use]
pub fn parse(bytes: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Strict>(bytes)
        .ok()
        .and_then(|Strict(value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = br#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(parse(text), serde_json::from_slice(text).ok());
        assert_eq!(parse(b"[]"), Some(json!([])));
    }

    #[test]
    fn refuses_duplicate_names_at_any_depth() {
        assert_eq!(parse(br#"{"iss": "a", "iss": "b"}"#), None);
        assert_eq!(parse(br#"{"x": [{"k": 1, "k": 1}]}"#), None);
        assert_eq!(parse(br#"{"k": 1, "K": 1}"#), Some(json!({"k": 1, "K": 1})));
        assert_eq!(parse(b"{"), None);
    }
}
