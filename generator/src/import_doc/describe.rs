//! The Description cell, in its three layouts.
//!
//! * Newest: `Definition` / `Constraints` / `Range` / `Default Value` blocks.
//! * Older: free text, one line or a few paragraphs.
//! * Min/max: free text followed by `Minimum: N`, `Maximum: N`, `Default: X`,
//!   `Enumeration values:` + bullets, `Array Length: A - B` lines.
//!
//! This module only reads what the cell says; [`super::schema`] applies it to a schema of the field's
//! type (and reports what does not fit that type).

use super::lines::{err, Line};
use super::ImportError;

/// Description text: paragraphs and bullet items.
#[derive(Debug, Default, Clone)]
pub(crate) struct Text {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    Para(String),
    Bullet(String),
}

impl Text {
    pub(crate) fn para(&mut self, text: &str) {
        if let Some(Piece::Para(last)) = self.pieces.last_mut() {
            last.push(' ');
            last.push_str(text);
        } else {
            self.pieces.push(Piece::Para(text.to_string()));
        }
    }
    /// Starts a new paragraph even if the previous piece is one.
    pub(crate) fn new_para(&mut self, text: &str) {
        self.pieces.push(Piece::Para(text.to_string()));
    }
    pub(crate) fn bullet(&mut self, text: &str) {
        self.pieces.push(Piece::Bullet(text.to_string()));
    }
    pub(crate) fn render(&self) -> Option<String> {
        let mut out = String::new();
        let mut prev_bullet = false;
        for (i, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Para(t) => {
                    if i > 0 {
                        out.push_str(if prev_bullet { "\n" } else { " " });
                    }
                    out.push_str(t);
                    prev_bullet = false;
                }
                Piece::Bullet(t) => {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str("- ");
                    out.push_str(t);
                    prev_bullet = true;
                }
            }
        }
        let out = out.trim().to_string();
        (!out.is_empty()).then_some(out)
    }
}

/// A value with the line it was read from.
#[derive(Debug, Clone)]
pub(crate) struct OnLine<T> {
    pub value: T,
    pub line: usize,
}

/// Bounds: `Minimum:`/`Maximum:` lines, or a `Constraints`/`Range` such as `0 to 10,000`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bounds {
    pub min: Option<OnLine<String>>,
    pub max: Option<OnLine<String>>,
}

/// Allowed values: `Enumeration values:` bullets, or a `Range` list.
#[derive(Debug, Clone)]
pub(crate) struct Values {
    pub values: Vec<String>,
    pub line: usize,
    /// From `Enumeration values:`: values that do not fit the type are an error. From a `Range`
    /// list: they are kept as description text instead.
    pub explicit: bool,
    /// The full text of each value, kept in the description (`true: successful`).
    pub meanings: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub text: Text,
    pub bounds: Bounds,
    /// Bounds from the newest layout's prose (`Constraints` `1 to 64`): applied when the type
    /// has bounds, else kept as text.
    pub soft_bounds: Option<(Bounds, String)>,
    pub default: Option<OnLine<String>>,
    pub values: Option<Values>,
    pub array_length: Option<(OnLine<String>, OnLine<String>)>,
}

const NEWEST_KEYWORDS: &[&str] = &["Definition", "Constraints", "Range", "Default Value"];

fn bullet(text: &str) -> Option<&str> {
    ["•", "·", "- ", "* "]
        .iter()
        .find_map(|b| text.strip_prefix(b))
        .map(str::trim)
}

fn is_na(lines: &[Line<'_>]) -> bool {
    lines.is_empty() || (lines.len() == 1 && matches!(lines[0].text, "N/A" | "None" | "-"))
}

pub(crate) fn read(desc: &[Line<'_>]) -> Result<Facts, ImportError> {
    match desc.first() {
        Some(first) if NEWEST_KEYWORDS.contains(&first.text) => read_newest(desc),
        _ => {
            if let Some(def) = desc.iter().find(|l| l.text == "Definition") {
                return Err(err(
                    def.no,
                    "expected `Definition` to be the first line of a Definition/Constraints/Range/Default Value description",
                ));
            }
            read_older(desc)
        }
    }
}

fn read_newest(desc: &[Line<'_>]) -> Result<Facts, ImportError> {
    let mut facts = Facts::default();
    let mut blocks: Vec<(Line<'_>, Vec<Line<'_>>)> = Vec::new();
    for l in desc {
        if NEWEST_KEYWORDS.contains(&l.text) {
            if let Some((prev, _)) = blocks.iter().find(|(k, _)| k.text == l.text) {
                return Err(err(
                    l.no,
                    format!(
                        "expected one `{}` block per parameter (the first is at line {})",
                        l.text, prev.no
                    ),
                ));
            }
            blocks.push((*l, Vec::new()));
        } else if let Some((_, body)) = blocks.last_mut() {
            body.push(*l);
        }
    }
    for (key, body) in blocks {
        match key.text {
            "Definition" => {
                for l in &body {
                    match bullet(l.text) {
                        Some(b) => facts.text.bullet(b),
                        None => facts.text.para(l.text),
                    }
                }
            }
            "Constraints" => {
                if is_na(&body) {
                    continue;
                }
                let joined = join(&body);
                match range_of(&joined) {
                    Some((min, max)) => {
                        let line = body[0].no;
                        facts.soft_bounds = Some((
                            Bounds {
                                min: Some(OnLine { value: min, line }),
                                max: Some(OnLine { value: max, line }),
                            },
                            format!("Constraints: {joined}"),
                        ));
                    }
                    None => facts.text.new_para(&format!("Constraints: {joined}")),
                }
            }
            "Range" => read_range(&body, &mut facts),
            "Default Value" if !is_na(&body) => {
                facts.default = Some(OnLine {
                    value: join(&body),
                    line: body[0].no,
                });
            }
            _ => {}
        }
    }
    Ok(facts)
}

fn join(lines: &[Line<'_>]) -> String {
    lines.iter().map(|l| l.text).collect::<Vec<_>>().join(" ")
}

/// A value token: no spaces (`ASC`, `create_time`, `application/json;charset=UTF-8`, `-1`).
fn is_value_token(text: &str) -> bool {
    !text.is_empty() && !text.contains(char::is_whitespace) && text != "N/A"
}

/// `• value: meaning` / `• value` → `value`.
fn bullet_value(item: &str) -> &str {
    item.split_once(": ")
        .map_or(item, |(v, _)| v)
        .trim()
        .trim_end_matches([':', '.', ';', ','])
}

fn read_range(body: &[Line<'_>], facts: &mut Facts) {
    if is_na(body) {
        return;
    }
    let line = body[0].no;
    let bullets: Vec<&str> = body.iter().filter_map(|l| bullet(l.text)).collect();
    if !bullets.is_empty() && bullets.len() == body.len() {
        let values: Vec<String> = bullets
            .iter()
            .map(|b| bullet_value(b).to_string())
            .collect();
        if values.iter().all(|v| is_value_token(v)) {
            facts.values = Some(Values {
                values,
                line,
                explicit: false,
                meanings: bullets.iter().map(|b| b.to_string()).collect(),
            });
            return;
        }
    }
    let joined = join(body);
    if let Some((min, max)) = range_of(&joined) {
        facts.soft_bounds = Some((
            Bounds {
                min: Some(OnLine { value: min, line }),
                max: Some(OnLine { value: max, line }),
            },
            format!("Range: {joined}"),
        ));
        return;
    }
    if body.len() == 1 {
        let parts: Vec<&str> = joined
            .split([',', '|'])
            .map(|p| p.trim().trim_end_matches('.'))
            .collect();
        if parts.iter().all(|p| is_value_token(p)) {
            facts.values = Some(Values {
                values: parts.iter().map(|p| p.to_string()).collect(),
                line,
                explicit: false,
                meanings: Vec::new(),
            });
            return;
        }
    }
    facts.text.new_para("Range:");
    for l in body {
        match bullet(l.text) {
            Some(b) => facts.text.bullet(b),
            None => facts.text.para(l.text),
        }
    }
}

/// `0 to 10,000`, `1-64`, `The value contains 1 to 64 characters.`, `0 - 999` → (min, max).
/// Only when that is all the text says.
pub(crate) fn range_of(text: &str) -> Option<(String, String)> {
    let mut t = text.trim().trim_end_matches('.').trim();
    for prefix in [
        "The value contains",
        "The value can contain",
        "The value ranges from",
        "The value range is",
        "Value range:",
        "Length:",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim();
        }
    }
    for suffix in ["characters", "character", "bytes"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest.trim();
        }
    }
    let (a, b) = t
        .split_once(" to ")
        .or_else(|| t.split_once(" - "))
        .or_else(|| t.split_once('~'))
        .or_else(|| {
            // `1-64`, but not `-1`
            let idx = t.char_indices().skip(1).find(|(_, c)| *c == '-')?.0;
            Some((&t[..idx], &t[idx + 1..]))
        })?;
    let a = number_text(a)?;
    let b = number_text(b)?;
    Some((a, b))
}

/// `10,000` → `10000`; `-1`; `1.5`.
pub(crate) fn number_text(text: &str) -> Option<String> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    let digits = t.strip_prefix('-').unwrap_or(&t);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits.matches('.').count() <= 1;
    ok.then_some(t)
}

fn read_older(desc: &[Line<'_>]) -> Result<Facts, ImportError> {
    let mut facts = Facts::default();
    let mut i = 0;
    let mut new_paragraph = false;
    while i < desc.len() {
        let l = desc[i];
        let kv = l.text.split_once(':').map(|(k, v)| (k.trim(), v.trim()));
        match kv {
            Some(("Minimum", v)) => {
                set_once(&mut facts.bounds.min, v, l, "Minimum")?;
            }
            Some(("Maximum", v)) => {
                set_once(&mut facts.bounds.max, v, l, "Maximum")?;
            }
            Some(("Default", v)) => {
                set_once(&mut facts.default, v, l, "Default")?;
            }
            Some(("Array Length", v)) => {
                let (a, b) = v
                    .split_once('-')
                    .and_then(|(a, b)| Some((number_text(a)?, number_text(b)?)))
                    .ok_or_else(|| {
                        err(
                            l.no,
                            format!("expected `Array Length: MIN - MAX`, found `{}`", l.text),
                        )
                    })?;
                facts.array_length = Some((
                    OnLine {
                        value: a,
                        line: l.no,
                    },
                    OnLine {
                        value: b,
                        line: l.no,
                    },
                ));
            }
            Some(("Enumeration values", "")) => {
                let mut values = Vec::new();
                let mut j = i + 1;
                while let Some(item) = desc.get(j).and_then(|n| bullet(n.text)) {
                    values.push(item.to_string());
                    j += 1;
                }
                if values.is_empty() {
                    return Err(err(
                        l.no,
                        "expected bullet lines (`• VALUE`) after `Enumeration values:`",
                    ));
                }
                facts.values = Some(Values {
                    values,
                    line: l.no,
                    explicit: true,
                    meanings: Vec::new(),
                });
                i = j;
                new_paragraph = true;
                continue;
            }
            _ => {
                match bullet(l.text) {
                    Some(b) => facts.text.bullet(b),
                    None if new_paragraph => facts.text.new_para(l.text),
                    None => facts.text.para(l.text),
                }
                new_paragraph = false;
                i += 1;
                continue;
            }
        }
        new_paragraph = true;
        i += 1;
    }
    Ok(facts)
}

fn set_once(
    slot: &mut Option<OnLine<String>>,
    value: &str,
    l: Line<'_>,
    key: &str,
) -> Result<(), ImportError> {
    if let Some(prev) = slot {
        return Err(err(
            l.no,
            format!(
                "expected one `{key}:` line per parameter (the first is at line {})",
                prev.line
            ),
        ));
    }
    if value.is_empty() {
        return Err(err(l.no, format!("expected a value after `{key}:`")));
    }
    *slot = Some(OnLine {
        value: value.to_string(),
        line: l.no,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(range_of("0 to 10,000"), Some(("0".into(), "10000".into())));
        assert_eq!(range_of("1-64"), Some(("1".into(), "64".into())));
        assert_eq!(
            range_of("The value contains 1 to 64 characters."),
            Some(("1".into(), "64".into()))
        );
        assert_eq!(range_of("-1 to 5"), Some(("-1".into(), "5".into())));
        assert_eq!(range_of("Mandatory when enabling"), None);
        assert_eq!(range_of("create_time-update_time"), None);
        assert_eq!(bullet_value("true: successful"), "true");
        assert_eq!(
            bullet_value("application/json;charset=UTF-8: common API request type"),
            "application/json;charset=UTF-8"
        );
    }
}
