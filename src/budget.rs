//! Parsing JSON with a bound on the memory the result takes.
//!
//! The size of a JSON text does not bound the size of what it parses into: `[{},{},...]` costs
//! three bytes per item in the text and hundreds in memory when each item is a struct of many
//! optional fields. So the parser is wrapped in a meter that charges, as the value is built, what
//! goes on the heap: every list item and map entry at twice its type's size (the spare room a
//! growing `Vec` keeps), and every string at its length. Struct fields are not charged again (they
//! live inside their struct), nor are field names (they are not kept). When the charges pass the
//! budget, parsing stops with an error at once, before the memory is taken.
//!
//! The wrapper passes every call through to serde_json unchanged, so what parses, and how, is
//! exactly what `serde_json::from_slice` does; serde_json's own nesting limit (128) bounds the
//! depth.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// Why a metered parse failed.
#[derive(Debug)]
pub(crate) enum ParseFailure {
    /// The value would take more than the budget.
    OverBudget,
    /// The text is not JSON of the expected shape.
    Json(serde_json::Error),
}

/// Parses `bytes` as a `T`, charging what it builds against `budget` bytes.
pub(crate) fn from_slice<T: de::DeserializeOwned>(
    bytes: &[u8],
    budget: u64,
) -> Result<T, ParseFailure> {
    let meter = Meter {
        left: Cell::new(budget),
        exceeded: Cell::new(false),
    };
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let parsed = T::deserialize(Metered {
        inner: &mut json,
        meter: &meter,
    })
    .and_then(|value| json.end().map(|()| value));
    match parsed {
        Ok(value) => Ok(value),
        // The meter's own error surfaces as a serde_json error; the flag tells it apart.
        Err(_) if meter.exceeded.get() => Err(ParseFailure::OverBudget),
        Err(e) => Err(ParseFailure::Json(e)),
    }
}

/// What an allocation costs beyond its bytes: the allocator's header and rounding (a one-byte
/// string takes a 32-byte chunk of glibc's heap). Without it a list of one-letter strings would
/// take twice what it is charged.
const ALLOCATION: usize = 32;

struct Meter {
    left: Cell<u64>,
    exceeded: Cell<bool>,
}

impl Meter {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        match self.left.get().checked_sub(bytes as u64) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom(
                    "the parsed answer would exceed its memory budget",
                ))
            }
        }
    }

    /// A string or byte string kept: its bytes in an allocation of their own (none when empty).
    fn charge_text<E: de::Error>(&self, len: usize) -> Result<(), E> {
        if len == 0 {
            return Ok(());
        }
        self.charge(len.saturating_add(ALLOCATION))
    }

    /// A list item or map entry: its size, twice, for the room a growing collection keeps.
    fn charge_item<T, E: de::Error>(&self) -> Result<(), E> {
        self.charge(2 * std::mem::size_of::<T>().max(1))
    }
}

/// A deserializer whose values are metered.
struct Metered<'m, D> {
    inner: D,
    meter: &'m Meter,
}

/// A visitor whose strings, lists and maps are metered.
struct MeteredVisitor<'m, V> {
    inner: V,
    meter: &'m Meter,
    /// Whether maps visited are heap maps (`HashMap`, `serde_json::Value`, ...) whose entries are
    /// charged, rather than structs, whose fields live inside the struct already charged.
    heap_maps: bool,
    /// Whether lists visited are heap lists (`Vec`) whose items are charged, rather than tuples.
    heap_seqs: bool,
    /// Whether strings visited are kept (a value) rather than only looked at (a field name).
    keeps_strings: bool,
}

impl<'m, V> MeteredVisitor<'m, V> {
    fn new(inner: V, meter: &'m Meter) -> Self {
        MeteredVisitor {
            inner,
            meter,
            heap_maps: true,
            heap_seqs: true,
            keeps_strings: true,
        }
    }

    fn for_struct(mut self) -> Self {
        self.heap_maps = false;
        self.heap_seqs = false;
        self
    }

    fn for_tuple(mut self) -> Self {
        self.heap_seqs = false;
        self
    }

    fn for_identifier(mut self) -> Self {
        self.keeps_strings = false;
        self
    }
}

macro_rules! forward_deserialize {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method(MeteredVisitor::new(visitor, self.meter))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Metered<'_, D> {
    type Error = D::Error;

    forward_deserialize!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_unit_struct(name, MeteredVisitor::new(visitor, self.meter))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_newtype_struct(name, MeteredVisitor::new(visitor, self.meter))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_tuple(len, MeteredVisitor::new(visitor, self.meter).for_tuple())
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_tuple_struct(
            name,
            len,
            MeteredVisitor::new(visitor, self.meter).for_tuple(),
        )
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_struct(
            name,
            fields,
            MeteredVisitor::new(visitor, self.meter).for_struct(),
        )
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_enum(name, variants, MeteredVisitor::new(visitor, self.meter))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_identifier(MeteredVisitor::new(visitor, self.meter).for_identifier())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // Skipped values build nothing.
        self.inner.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for MeteredVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if self.keeps_strings {
            self.meter.charge_text(v.len())?;
        }
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        if self.keeps_strings {
            self.meter.charge_text(v.len())?;
        }
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        if self.keeps_strings {
            self.meter.charge_text(v.len())?;
        }
        self.inner.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        self.meter.charge_text(v.len())?;
        self.inner.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        self.meter.charge_text(v.len())?;
        self.inner.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        self.meter.charge_text(v.len())?;
        self.inner.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Metered {
            inner: deserializer,
            meter: self.meter,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Metered {
            inner: deserializer,
            meter: self.meter,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(MeteredSeq {
            inner: seq,
            meter: self.meter,
            charged: self.heap_seqs,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(MeteredMap {
            inner: map,
            meter: self.meter,
            charged: self.heap_maps,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(MeteredEnum {
            inner: data,
            meter: self.meter,
        })
    }
}

/// A seed whose value is metered.
struct MeteredSeed<'m, S> {
    inner: S,
    meter: &'m Meter,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for MeteredSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Metered {
            inner: deserializer,
            meter: self.meter,
        })
    }
}

struct MeteredSeq<'m, A> {
    inner: A,
    meter: &'m Meter,
    charged: bool,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for MeteredSeq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let meter = self.meter;
        let element = self
            .inner
            .next_element_seed(MeteredSeed { inner: seed, meter })?;
        // Charged once the item is known to be there: the end of a list costs nothing.
        if element.is_some() && self.charged {
            meter.charge_item::<T::Value, A::Error>()?;
        }
        Ok(element)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct MeteredMap<'m, A> {
    inner: A,
    meter: &'m Meter,
    charged: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for MeteredMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if self.charged {
            let key = self.inner.next_key_seed(MeteredSeed {
                inner: seed,
                meter: self.meter,
            })?;
            if key.is_some() {
                self.meter.charge_item::<K::Value, A::Error>()?;
            }
            Ok(key)
        } else {
            // A struct's field name: looked at, not kept.
            self.inner.next_key_seed(seed)
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if self.charged {
            self.meter.charge_item::<V::Value, A::Error>()?;
        }
        self.inner.next_value_seed(MeteredSeed {
            inner: seed,
            meter: self.meter,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct MeteredEnum<'m, A> {
    inner: A,
    meter: &'m Meter,
}

impl<'de, 'm, A: EnumAccess<'de>> EnumAccess<'de> for MeteredEnum<'m, A> {
    type Error = A::Error;
    type Variant = MeteredVariant<'m, A::Variant>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), A::Error> {
        // The variant's name is looked at, not kept.
        let (value, variant) = self.inner.variant_seed(seed)?;
        Ok((
            value,
            MeteredVariant {
                inner: variant,
                meter: self.meter,
            },
        ))
    }
}

struct MeteredVariant<'m, A> {
    inner: A,
    meter: &'m Meter,
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for MeteredVariant<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.newtype_variant_seed(MeteredSeed {
            inner: seed,
            meter: self.meter,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner
            .tuple_variant(len, MeteredVisitor::new(visitor, self.meter).for_tuple())
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            MeteredVisitor::new(visitor, self.meter).for_struct(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default)]
    struct Item {
        name: Option<String>,
        tags: Option<Vec<String>>,
        extra: Option<serde_json::Value>,
        pair: Option<(u8, String)>,
        labels: Option<BTreeMap<String, String>>,
        kind: Option<Kind>,
        #[serde(skip)]
        _padding: [u64; 20],
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Kind {
        Plain,
        Named { name: String },
        Wrapped(String),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Page {
        data: Vec<Item>,
    }

    const SAMPLE: &str = r#"{"data":[{"name":"a","tags":["x","y"],"extra":{"k":[1,2,{"z":null}]},
        "pair":[1,"p"],"labels":{"l":"v"},"kind":{"Named":{"name":"n"}},"unknown":[[[]]]},
        {"kind":"Plain"},{"kind":{"Wrapped":"w"}},{}]}"#;

    #[test]
    fn parses_exactly_as_serde_json_does() {
        let metered: Page = from_slice(SAMPLE.as_bytes(), u64::MAX).unwrap();
        let plain: Page = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(metered, plain);
        let value: serde_json::Value = from_slice(SAMPLE.as_bytes(), u64::MAX).unwrap();
        assert_eq!(
            value,
            serde_json::from_str::<serde_json::Value>(SAMPLE).unwrap()
        );
        // Errors are serde_json's own, position included.
        let Err(ParseFailure::Json(e)) = from_slice::<Page>(br#"{"data":[{"name":1}]}"#, 1000)
        else {
            panic!("expected a JSON error")
        };
        assert_eq!(
            e.to_string(),
            "invalid type: integer `1`, expected a string at line 1 column 18"
        );
        assert!(matches!(
            from_slice::<Page>(b"{\"data\":[]} x", 1000),
            Err(ParseFailure::Json(_))
        ));
    }

    #[test]
    fn charges_list_items_at_twice_their_size_and_strings_at_their_length() {
        let item = std::mem::size_of::<Item>() as u64;
        let three = br#"{"data":[{},{},{}]}"#;
        assert!(from_slice::<Page>(three, 6 * item).is_ok());
        assert!(matches!(
            from_slice::<Page>(three, 6 * item - 1),
            Err(ParseFailure::OverBudget)
        ));
        // A 1000-byte name costs 1000 more and an allocation; field names cost nothing.
        let named = format!(r#"{{"data":[{{"name":"{}"}}]}}"#, "n".repeat(1000));
        assert!(from_slice::<Page>(named.as_bytes(), 2 * item + 1032).is_ok());
        assert!(matches!(
            from_slice::<Page>(named.as_bytes(), 2 * item + 1031),
            Err(ParseFailure::OverBudget)
        ));
    }

    #[test]
    fn a_flood_of_empty_objects_stops_at_the_budget() {
        let mut flood = String::from(r#"{"data":["#);
        flood.push_str(&"{},".repeat(1_000_000));
        flood.push_str("{}]}");
        let budget = 10 * 1024 * 1024;
        assert!(matches!(
            from_slice::<Page>(flood.as_bytes(), budget),
            Err(ParseFailure::OverBudget)
        ));
        // Free-form values are metered too.
        assert!(matches!(
            from_slice::<serde_json::Value>(flood.as_bytes(), budget),
            Err(ParseFailure::OverBudget)
        ));
    }
}
