//! Parameter values as text: how a path, query or header parameter (or a multipart text field)
//! of any generated type is written, and the escaping that keeps a value one path segment or one
//! query value.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`) is escaped, so a
/// value always stays one path segment or one query value.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(crate) fn encode(value: &str) -> String {
    utf8_percent_encode(value, ESCAPED).to_string()
}

/// A value of a path, query or header parameter, or of a multipart text field.
pub(crate) trait ParamValue {
    /// Appends the value's text form; `None` appends nothing, a list appends one per item.
    fn param_values(&self, out: &mut Vec<String>);
}

impl ParamValue for str {
    fn param_values(&self, out: &mut Vec<String>) {
        out.push(self.to_owned());
    }
}

impl ParamValue for String {
    fn param_values(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn param_values(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
        }
    )*};
}
display_param!(bool, i32, i64, u32, u64, f32, f64);

impl ParamValue for serde_json::Value {
    fn param_values(&self, out: &mut Vec<String>) {
        match self {
            serde_json::Value::String(s) => out.push(s.clone()),
            other => out.push(other.to_string()),
        }
    }
}

impl<K: std::fmt::Display, V: ParamValue> ParamValue for std::collections::BTreeMap<K, V> {
    fn param_values(&self, out: &mut Vec<String>) {
        for (key, value) in self {
            let mut values = Vec::new();
            value.param_values(&mut values);
            for value in values {
                out.push(format!("{key}={value}"));
            }
        }
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn param_values(&self, out: &mut Vec<String>) {
        if let Some(value) = self {
            value.param_values(out);
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn param_values(&self, out: &mut Vec<String>) {
        for value in self {
            value.param_values(out);
        }
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn param_values(&self, out: &mut Vec<String>) {
        (**self).param_values(out);
    }
}

/// The value's text forms, one per list item.
pub(crate) fn values_of<V: ParamValue + ?Sized>(value: &V) -> Vec<String> {
    let mut out = Vec::new();
    value.param_values(&mut out);
    out
}
