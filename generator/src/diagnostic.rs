//! Errors about the spec, each tied to a place in a spec file, shown the way compilers show them:
//!
//! ```text
//! spec/workflows.yaml:33:21: `required` must be true or false, not the string `maybe`; write `required: true` or `required: false`
//!    |
//! 33 |           required: maybe
//!    |                     ^^^^^
//!    = help: write `required: true` or `required: false`
//! ```
//!
//! The first line alone is enough for editors and CI logs (`FILE:LINE:COL: what is wrong; how to
//! mend it`); the excerpt under it shows the place, and notes show other places involved (the
//! first definition of a duplicate, ...).

use std::fmt;

/// A place in a spec file, with the text of its line for the excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line and column (column in characters).
    pub line: usize,
    pub column: usize,
    /// Characters to underline from the column (at least 1).
    pub width: usize,
    /// The whole line, without its line break.
    pub source: String,
}

/// Another place a diagnostic refers to, e.g. where a duplicate was first defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub file: String,
    pub location: Option<Location>,
    /// What is at that place (`first defined here`).
    pub label: String,
}

/// One fault found in the spec: what is wrong, where, and how to mend it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, as it was named to the generator.
    pub file: String,
    /// 1-based line and column, when the place is known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to mend it.
    pub help: Option<String>,
    /// The place, with its source line, for the excerpt.
    pub location: Option<Location>,
    /// Other places involved.
    pub notes: Vec<Note>,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            location: None,
            notes: Vec::new(),
        }
    }

    /// Places the diagnostic (no excerpt when `location` is `None`).
    pub fn at(mut self, location: Option<Location>) -> Self {
        if let Some(location) = location {
            self.line = Some(location.line);
            self.column = Some(location.column);
            self.location = Some(location);
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds another place to show, labelled.
    pub fn note(
        mut self,
        file: impl Into<String>,
        location: Option<Location>,
        label: impl Into<String>,
    ) -> Self {
        self.notes.push(Note {
            file: file.into(),
            location,
            label: label.into(),
        });
        self
    }

    /// `FILE:LINE:COL` (or less, when the place is not known).
    pub fn place(&self) -> String {
        place_text(&self.file, self.line, self.column)
    }

    /// The first line: `FILE:LINE:COL: message; help`.
    pub fn headline(&self) -> String {
        let mut text = format!("{}: {}", self.place(), self.message);
        if let Some(help) = &self.help {
            text.push_str("; ");
            text.push_str(help);
        }
        text
    }
}

fn place_text(file: &str, line: Option<usize>, column: Option<usize>) -> String {
    let mut text = file.to_owned();
    if let Some(line) = line {
        text.push_str(&format!(":{line}"));
        if let Some(column) = column {
            text.push_str(&format!(":{column}"));
        }
    }
    text
}

/// Most characters of a source line shown; longer lines are cut around the column.
const EXCERPT_WIDTH: usize = 100;

/// The source line as shown (control characters and tabs made visible as one character each, so
/// that the caret stays under its column), and the column within what is shown.
fn shown_line(location: &Location) -> (String, usize) {
    let chars: Vec<char> = location
        .source
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let column = location.column.max(1);
    let (start, prefix) = if chars.len() > EXCERPT_WIDTH && column > EXCERPT_WIDTH / 2 {
        (column - EXCERPT_WIDTH / 2, "...")
    } else {
        (0, "")
    };
    let end = (start + EXCERPT_WIDTH).min(chars.len());
    let mut text: String = prefix.to_owned();
    text.extend(chars[start.min(end)..end].iter());
    if end < chars.len() {
        text.push_str("...");
    }
    let shown_column = column - start + prefix.chars().count();
    (text.trim_end().to_owned(), shown_column)
}

fn write_excerpt(
    f: &mut fmt::Formatter<'_>,
    gutter: usize,
    location: &Location,
    label: &str,
) -> fmt::Result {
    let (text, column) = shown_line(location);
    let line_number = location.line.to_string();
    let available = text.chars().count().saturating_sub(column - 1).max(1);
    let width = location.width.clamp(1, available);
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{line_number:>gutter$} | {text}")?;
    write!(
        f,
        "{:gutter$} | {}{}",
        "",
        " ".repeat(column - 1),
        "^".repeat(width)
    )?;
    if !label.is_empty() {
        write!(f, " {label}")?;
    }
    writeln!(f)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        let gutter = std::iter::once(&self.location)
            .chain(self.notes.iter().map(|n| &n.location))
            .flatten()
            .map(|l| l.line.to_string().len())
            .max()
            .unwrap_or(1);
        if let Some(location) = &self.location {
            write_excerpt(f, gutter, location, "")?;
        }
        for note in &self.notes {
            let place = place_text(
                &note.file,
                note.location.as_ref().map(|l| l.line),
                note.location.as_ref().map(|l| l.column),
            );
            match &note.location {
                Some(location) => {
                    writeln!(f, "{:gutter$} |", "")?;
                    writeln!(f, "{:gutter$}::: {place}", "")?;
                    write_excerpt(f, gutter, location, &note.label)?;
                }
                None => writeln!(f, "{:gutter$} = note: {}: {place}", "", note.label)?,
            }
        }
        if let Some(help) = &self.help {
            write!(f, "{:gutter$} = help: {help}", "")?;
        }
        Ok(())
    }
}

/// Every fault of one run, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// One `FILE:LINE:COL: message; help` line per fault, without excerpts.
    pub fn headlines(&self) -> Vec<String> {
        self.0.iter().map(Diagnostic::headline).collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Orders the faults by file (in the order the files were given), then by place, and drops
    /// repeats of a fault at the same place.
    pub fn sort(&mut self, files: &[String]) {
        let rank = |d: &Diagnostic| {
            (
                files
                    .iter()
                    .position(|f| *f == d.file)
                    .unwrap_or(files.len()),
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
            )
        };
        self.0.sort_by_key(|d| rank(d));
        // Two checks may find the same fault (a dangling `$ref` is seen when the files are merged
        // and again when the model follows it): keep one.
        let mut seen = std::collections::HashSet::new();
        self.0
            .retain(|d| seen.insert((d.file.clone(), d.line, d.column, d.message.clone())));
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}
