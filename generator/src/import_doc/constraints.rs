//! A row's constraints as its schema states them: bounds (lengths for text, minimum and maximum
//! for numbers), enumeration values and the default, each read as the field's type, or an error
//! naming the page line that is not.

use serde_yaml::{Number, Value};

use super::conventions::s;
use super::describe::{self, Bounds, OnLine, Text, Values};
use super::draft::{Kind, Schema};
use super::lines::{err, Row};
use super::types::{FieldType, Prim};
use super::ImportError;

fn integer(text: &str, line: usize, what: &str) -> Result<i64, ImportError> {
    describe::number_text(text)
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| err(line, format!("expected an integer {what}, found `{text}`")))
}

pub(super) fn count(text: &str, line: usize, what: &str) -> Result<u64, ImportError> {
    describe::number_text(text)
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| {
            err(
                line,
                format!("expected a non-negative integer {what}, found `{text}`"),
            )
        })
}

fn number(text: &str, line: usize, what: &str) -> Result<Value, ImportError> {
    let t = describe::number_text(text)
        .ok_or_else(|| err(line, format!("expected a number {what}, found `{text}`")))?;
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Value::Number(i.into()));
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| Value::Number(Number::from(f)))
        .ok_or_else(|| err(line, format!("expected a number {what}, found `{text}`")))
}

/// Applies bounds to a string/integer/number schema; `Err(())` when the kind has no bounds.
pub(super) fn apply_bounds(
    target: &mut Schema,
    kind: Kind,
    bounds: &Bounds,
    field: &str,
) -> Result<Result<(), ()>, ImportError> {
    let what = |b: &str| format!("{b} for `{field}`");
    match kind {
        Kind::Str => {
            if let Some(OnLine { value, line }) = &bounds.min {
                let n = count(value, *line, &what("minimum length"))?;
                target.min_length = (n > 0).then_some(n);
            }
            if let Some(OnLine { value, line }) = &bounds.max {
                target.max_length = Some(count(value, *line, &what("maximum length"))?);
            }
        }
        Kind::Int => {
            if let Some(OnLine { value, line }) = &bounds.min {
                target.minimum = Some(Value::Number(
                    integer(value, *line, &what("minimum"))?.into(),
                ));
            }
            if let Some(OnLine { value, line }) = &bounds.max {
                target.maximum = Some(Value::Number(
                    integer(value, *line, &what("maximum"))?.into(),
                ));
            }
        }
        Kind::Num => {
            if let Some(OnLine { value, line }) = &bounds.min {
                target.minimum = Some(number(value, *line, &what("minimum"))?);
            }
            if let Some(OnLine { value, line }) = &bounds.max {
                target.maximum = Some(number(value, *line, &what("maximum"))?);
            }
        }
        _ => return Ok(Err(())),
    }
    Ok(Ok(()))
}

pub(super) fn typed_value(kind: Kind, text: &str) -> Option<Value> {
    match kind {
        Kind::Str => Some(s(text)),
        Kind::Int => describe::number_text(text)?
            .parse::<i64>()
            .ok()
            .map(|i| Value::Number(i.into())),
        Kind::Num => {
            let t = describe::number_text(text)?;
            match t.parse::<i64>() {
                Ok(i) => Some(Value::Number(i.into())),
                Err(_) => t
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| Value::Number(Number::from(f))),
            }
        }
        Kind::Bool => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn apply_values(
    schema: &mut Schema,
    kind: Kind,
    on_items: bool,
    values: Values,
    text: &mut Text,
    row: &Row<'_>,
    type_noun: &dyn Fn(Kind) -> String,
) -> Result<(), ImportError> {
    let keep_as_text = |text: &mut Text| {
        text.new_para("Range:");
        let list = if values.meanings.is_empty() {
            &values.values
        } else {
            &values.meanings
        };
        for m in list {
            text.bullet(m);
        }
    };
    let typed: Option<Vec<Value>> = values.values.iter().map(|v| typed_value(kind, v)).collect();
    match (kind, typed) {
        (Kind::Bool, Some(_)) => {
            // `true`/`false` are all a boolean can be: no enum, but keep what each value means.
            if values.meanings.iter().any(|m| m.contains(": ")) {
                for m in &values.meanings {
                    text.bullet(m);
                }
            }
        }
        (_, Some(typed)) => {
            let target = match (on_items, schema.items.as_deref_mut()) {
                (true, Some(items)) => items,
                _ => schema,
            };
            target.enumeration = typed;
            if values.meanings.iter().any(|m| m.contains(": ")) {
                for m in &values.meanings {
                    text.bullet(m);
                }
            }
        }
        (_, None) if values.explicit => {
            return Err(err(
                values.line,
                format!(
                    "expected enumeration values of the field's type ({}) for `{}`, found {}",
                    type_noun(kind),
                    row.name,
                    values
                        .values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
        (_, None) => keep_as_text(text),
    }
    Ok(())
}

pub(super) fn default_value(
    kind: Kind,
    text: &str,
    line: usize,
    row: &Row<'_>,
) -> Result<Value, ImportError> {
    if let Some(v) = typed_value(kind, text) {
        return Ok(v);
    }
    if matches!(row.ty, FieldType::Array(_) | FieldType::Prim(Prim::Object)) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
            let shape_ok = match row.ty {
                FieldType::Array(_) => json.is_array(),
                _ => json.is_object(),
            };
            if shape_ok {
                if let Ok(v) = serde_yaml::to_value(&json) {
                    return Ok(v);
                }
            }
        }
    }
    Err(err(
        line,
        format!(
            "expected a default value of type {} for `{}`, found `{text}`",
            row.ty_text, row.name
        ),
    ))
}
