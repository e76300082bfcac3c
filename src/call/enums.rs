//! The conversions of generated string enums, written once here as a macro rather than emitted
//! into every enum.

/// The conversions of a generated string enum: `as_str`, `From<String>`, `From<&str>`,
/// `From<Enum> for String`, `Display` and `ParamValue`. A value not listed lands in the
/// catch-all variant named after `else`, and is sent back as it came.
///
/// Every std item is named by its absolute path and every trait method called through its
/// trait: the macro expands in the generated `types` module, where a schema may have any name a
/// spec gives (`From`, `String`, `Display`, ...).
#[allow(unused_macros)] // a spec without enums does not use it
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $value:literal,)* } else $other:ident) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$other(value) => value,
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::$other(value),
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                <Self as ::core::convert::From<::std::string::String>>::from(
                    ::std::borrow::ToOwned::to_owned(value),
                )
            }
        }

        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                match value {
                    $name::$other(value) => value,
                    known => ::std::borrow::ToOwned::to_owned(known.as_str()),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::call::ParamValue for $name {
            fn param_values(&self, out: &mut ::std::vec::Vec<::std::string::String>) {
                out.push(::std::borrow::ToOwned::to_owned(self.as_str()));
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    use crate::call::request::ApiRequest;
    use crate::call::Method;

    #[derive(Debug, Clone, PartialEq)]
    enum Direction {
        In,
        Out,
        Unlisted(String),
    }
    string_enum!(Direction { In = "IN", Out = "out-bound", } else Unlisted);

    #[test]
    fn string_enums_convert_both_ways_and_keep_unknown_values() {
        assert_eq!(Direction::from("IN"), Direction::In);
        assert_eq!(Direction::from("out-bound".to_owned()), Direction::Out);
        assert_eq!(
            Direction::from("SIDEWAYS"),
            Direction::Unlisted("SIDEWAYS".into())
        );
        assert_eq!(Direction::Out.as_str(), "out-bound");
        assert_eq!(String::from(Direction::Unlisted("x y".into())), "x y");
        assert_eq!(String::from(Direction::In), "IN");
        assert_eq!(Direction::Out.to_string(), "out-bound");
        let request = ApiRequest::new("Op", Method::GET, "/")
            .query("d", &vec![Direction::In, Direction::Unlisted("a&b".into())]);
        assert_eq!(request.query_string(), "d=IN&d=a%26b");
    }
}
