//! Reading the structs of answers from JSON objects, written once here rather than derived for
//! every struct.
//!
//! serde's derive writes about ten functions for each struct it reads (a field enum with its own
//! visitor, a sequence visitor, a map visitor, ...). A client of hundreds of answer types spends
//! most of its compile time checking them. [`json_struct!`] gives a struct one function instead,
//! which reads the object's entries into one slot per field, over the shared visitor, keys and
//! checks here. What it reads and refuses is what the derive reads and refuses, with the same
//! messages: unknown keys are skipped, a key twice is `duplicate field`, a missing field is
//! `missing field` unless its type is an `Option` (then `None`), and anything but an object is
//! `invalid type: ..., expected struct NAME`. One difference: the derive also reads a struct
//! from a JSON array of its fields in order, which no API answer is.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A struct read by [`json_struct!`]: its name and wire names, and how its fields are read.
pub(crate) trait JsonStruct: Sized {
    /// The struct's name, for messages.
    const NAME: &'static str;
    /// The wire names of its fields, in order.
    const FIELDS: &'static [&'static str];

    /// Reads the struct from the entries of an object.
    fn read<'de, A: MapAccess<'de>>(fields: Fields<'de, A>) -> Result<Self, A::Error>;
}

/// `T` read from `deserializer`, which must give an object.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: JsonStruct>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData::<T>))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: JsonStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(Fields {
            map,
            lifetime: PhantomData,
        })
    }
}

/// The entries of the object being read, for a struct's [`JsonStruct::read`].
pub(crate) struct Fields<'de, A> {
    map: A,
    lifetime: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Fields<'de, A> {
    /// The next entry's key, if there is one; its value is read next, by [`Fields::set`] or
    /// [`Fields::skip`].
    pub(crate) fn next_key(&mut self) -> Result<Option<Key<'de>>, A::Error> {
        self.map.next_key()
    }

    /// Reads the entry's value into the slot of field `name`, which must still be empty.
    pub(crate) fn set<T: Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::duplicate_field(name));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Skips the value of an entry the struct has no field for.
    pub(crate) fn skip(&mut self) -> Result<(), A::Error> {
        self.map.next_value::<IgnoredAny>().map(|_| ())
    }

    /// The value of field `name`: what its entry held, else `None` for an `Option` field and
    /// `missing field` for any other.
    pub(crate) fn take<T: Deserialize<'de>>(
        &self,
        slot: Option<T>,
        name: &'static str,
    ) -> Result<T, A::Error> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing {
                name,
                error: PhantomData,
            }),
        }
    }
}

/// An entry's key: borrowed from the input when it can be, else owned (a key with escapes).
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key))
    }
}

/// What a missing field reads as: `None` for an `Option`, else the error `missing field`.
struct Missing<E> {
    name: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// A field's wire name: the one written after `=`, else the field's own name.
#[allow(unused_macros)] // a spec without answer structs does not use it
macro_rules! wire_name {
    ($field:ident = $wire:literal) => {
        $wire
    };
    ($field:ident) => {
        ::core::stringify!($field)
    };
}
#[allow(unused_imports)]
pub(crate) use wire_name;

/// `Deserialize` for a generated answer struct (and, with the `mock` feature, `Serialize`, so
/// that the mock can send it): `json_struct!(Alert => [id, title, data_source = "dataSource"])`
/// lists the struct's fields in order, each with its wire name after `=` where that differs from
/// the field's name. See the module's docs for what it reads.
///
/// Every std and serde item is named by its absolute path: the macro expands in the generated
/// `types` modules, where a schema may have any name a spec gives.
#[allow(unused_macros)] // a spec without answer structs does not use it
macro_rules! json_struct {
    ($name:ident => [$($field:ident $(= $wire:literal)?),* $(,)?]) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::call::object::deserialize(deserializer)
            }
        }

        impl $crate::call::object::JsonStruct for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const FIELDS: &'static [&'static str] =
                &[$($crate::call::object::wire_name!($field $(= $wire)?)),*];

            fn read<'de, A: ::serde::de::MapAccess<'de>>(
                mut fields: $crate::call::object::Fields<'de, A>,
            ) -> ::core::result::Result<Self, A::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                while let ::core::option::Option::Some(key) = fields.next_key()? {
                    match key.as_str() {
                        $($crate::call::object::wire_name!($field $(= $wire)?) => fields.set(
                            &mut $field,
                            $crate::call::object::wire_name!($field $(= $wire)?),
                        )?,)*
                        _ => fields.skip()?,
                    }
                }
                ::core::result::Result::Ok(Self {
                    $($field: fields.take(
                        $field,
                        $crate::call::object::wire_name!($field $(= $wire)?),
                    )?,)*
                })
            }
        }

        #[cfg(feature = "mock")]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)] // a struct without fields writes none
                let mut out = ::serde::Serializer::serialize_struct(
                    serializer,
                    ::core::stringify!($name),
                    <Self as $crate::call::object::JsonStruct>::FIELDS.len(),
                )?;
                $(::serde::ser::SerializeStruct::serialize_field(
                    &mut out,
                    $crate::call::object::wire_name!($field $(= $wire)?),
                    &self.$field,
                )?;)*
                ::serde::ser::SerializeStruct::end(out)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use json_struct;

#[cfg(test)]
mod tests {
    /// A struct read by `json_struct!`, and its twin read by serde's derive.
    #[derive(Debug, Clone, PartialEq)]
    struct Lean {
        id: String,
        count: Option<i64>,
        data_source: Option<String>,
        nested: Option<Box<Lean>>,
        tags: Vec<String>,
    }

    crate::call::object::json_struct!(Lean => [id, count, data_source = "dataSource", nested, tags]);

    #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Derived {
        id: String,
        count: Option<i64>,
        #[serde(rename = "dataSource")]
        data_source: Option<String>,
        nested: Option<Box<Derived>>,
        tags: Vec<String>,
    }

    /// A struct without fields reads any object.
    #[derive(Debug, PartialEq)]
    struct Nothing {}

    crate::call::object::json_struct!(Nothing => []);

    fn lean(text: &str) -> Result<Lean, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    fn derived(text: &str) -> Result<Derived, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_an_object_as_the_derive_does() {
        let text = r#"{"id":"a","count":2,"dataSource":"x\"y","extra":{"deep":[1,2]},"nested":{"id":"b","count":null,"tags":[]},"tags":["t"]}"#;
        assert_eq!(
            lean(text).unwrap(),
            Lean {
                id: "a".into(),
                count: Some(2),
                data_source: Some("x\"y".into()),
                nested: Some(Box::new(Lean {
                    id: "b".into(),
                    count: None,
                    data_source: None,
                    nested: None,
                    tags: vec![],
                })),
                tags: vec!["t".into()],
            }
        );
        assert_eq!(
            serde_json::from_str::<Nothing>(r#"{"a":[1,{"b":2}]}"#).unwrap(),
            Nothing {}
        );
        // A key with an escape is read into an owned key.
        let escaped = r#"{"i\u0064":"a","tags":[]}"#;
        assert_eq!(lean(escaped).unwrap().id, "a");
        assert_eq!(derived(escaped).unwrap().id, "a");
    }

    #[test]
    fn refuses_what_the_derive_refuses_with_the_same_message() {
        for text in [
            r#"{"count":1,"tags":[]}"#,
            r#"{"id":"a"}"#,
            r#"{"id":"a","id":"b","tags":[]}"#,
            r#"{"id":"a","count":null,"count":null,"tags":[]}"#,
            r#"{"id":1,"tags":[]}"#,
            r#"{"id":null,"tags":[]}"#,
            r#"{"id":"a","tags":[],"nested":{"tags":[]}}"#,
            r#""text""#,
            "null",
            "12",
            r#"{"id":"a","tags":[]"#,
        ] {
            let message = lean(text).unwrap_err();
            let expected = derived(text).unwrap_err().replace("Derived", "Lean");
            assert_eq!(message, expected, "{text}");
        }
        assert_eq!(
            lean(r#"{"id":"a","id":"b","tags":[]}"#).unwrap_err(),
            "duplicate field `id` at line 1 column 14"
        );
        assert_eq!(
            lean("12").unwrap_err(),
            "invalid type: integer `12`, expected struct Lean at line 1 column 2"
        );
    }

    #[cfg(feature = "mock")]
    #[test]
    fn the_mock_writes_it_as_the_derive_does() {
        let text = r#"{"id":"a","count":null,"dataSource":"s","nested":null,"tags":["t"]}"#;
        let lean = serde_json::to_string(&lean(text).unwrap()).unwrap();
        let derived = serde_json::to_string(&derived(text).unwrap()).unwrap();
        assert_eq!(lean, text);
        assert_eq!(derived, text);
    }
}
