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
//!
//! However many faults a spec has, what is kept and printed stays small: a file's faults beyond
//! [`MAX_LISTED_PER_FILE`] are counted, not kept, and stood for by one fault that says how many
//! ([`Diagnostic::unlisted`]); at most [`MAX_SHOWN`] are printed, followed by how many more
//! there were.

use crate::limits::{thousands, MAX_LISTED_PER_FILE, MAX_SHOWN};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A place in a spec file, with the text of its line for the excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line and column (column in characters).
    pub line: usize,
    pub column: usize,
    /// Characters to underline from the column (at least 1).
    pub width: usize,
    /// The line, without its line break; of a long line, only the part around the column
    /// (so that a fault on a megabyte-long line does not hold the megabyte).
    pub source: String,
    /// Characters of the line left out before `source` (0 when it starts the line).
    pub source_offset: usize,
    /// Whether characters of the line are left out after `source`.
    pub source_cut: bool,
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
    /// For a fault that stands for others not listed one by one ([`Diagnostic::unlisted`]): how
    /// many.
    /// 0 for a fault listed itself.
    pub more: usize,
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
            more: 0,
        }
    }

    /// The fault that stands for `more` faults of `file` not listed one by one.
    pub fn unlisted(file: impl Into<String>, more: usize) -> Self {
        let (are, faults) = if more == 1 {
            ("is", "fault")
        } else {
            ("are", "faults")
        };
        let mut diagnostic = Diagnostic::new(
            file,
            format!(
                "{} more {faults} of this file {are} not listed one by one",
                thousands(more as u64)
            ),
        )
        .help("mend the faults listed and run the generator again to see the rest");
        diagnostic.more = more;
        diagnostic
    }

    /// How many faults this one counts for: itself, or the ones it stands for.
    pub fn count(&self) -> usize {
        self.more.max(1)
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
    // The column within `source`.
    let column = location
        .column
        .saturating_sub(location.source_offset)
        .max(1);
    let (start, prefix) = if chars.len() > EXCERPT_WIDTH && column > EXCERPT_WIDTH / 2 {
        (column - EXCERPT_WIDTH / 2, "...")
    } else if location.source_offset > 0 {
        (0, "...")
    } else {
        (0, "")
    };
    let end = (start + EXCERPT_WIDTH).min(chars.len());
    let mut text: String = prefix.to_owned();
    text.extend(chars[start.min(end)..end].iter());
    if end < chars.len() || location.source_cut {
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

    /// How many faults are listed (a fault standing for unlisted ones is one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// How many faults there are, listed or not.
    pub fn total(&self) -> usize {
        self.0.iter().map(Diagnostic::count).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Orders the faults by file (in the order the files were given), then by place, and drops
    /// repeats of a fault at the same place.
    ///
    /// A fault standing for unlisted ones goes last of its file (it has no place).
    pub fn sort(&mut self, files: &[String]) {
        let order: HashMap<&str, usize> = files
            .iter()
            .enumerate()
            .rev()
            .map(|(i, f)| (f.as_str(), i))
            .collect();
        let rank = |d: &Diagnostic| order.get(d.file.as_str()).copied().unwrap_or(files.len());
        self.0.sort_by(|a, b| {
            (rank(a), &a.file, a.more > 0, a.line, a.column).cmp(&(
                rank(b),
                &b.file,
                b.more > 0,
                b.line,
                b.column,
            ))
        });
        // Two checks may find the same fault (a dangling `$ref` is seen when the files are merged
        // and again when the model follows it): keep one.
        let mut seen = HashSet::new();
        self.0
            .retain(|d| seen.insert((d.file.clone(), d.line, d.column, d.message.clone())));
        // Each check lists at most MAX_LISTED_PER_FILE of a file's faults; together they may list
        // more: fold those into the file's count too.
        let mut by_file: Vec<(String, Vec<Diagnostic>)> = Vec::new();
        for diagnostic in std::mem::take(&mut self.0) {
            match by_file.last_mut() {
                Some((file, list)) if *file == diagnostic.file => list.push(diagnostic),
                _ => by_file.push((diagnostic.file.clone(), vec![diagnostic])),
            }
        }
        for (file, list) in by_file {
            let mut unlisted = 0;
            for (i, diagnostic) in list.into_iter().enumerate() {
                if diagnostic.more > 0 || i >= MAX_LISTED_PER_FILE {
                    unlisted += diagnostic.count();
                } else {
                    self.0.push(diagnostic);
                }
            }
            if unlisted > 0 {
                self.0.push(Diagnostic::unlisted(file, unlisted));
            }
        }
    }
}

/// Prints the first [`MAX_SHOWN`] faults with their excerpts, then how many more there are.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = 0;
        for (i, diagnostic) in self.0.iter().take(MAX_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
            shown += diagnostic.count();
        }
        let rest = self.total() - shown;
        if rest > 0 {
            let faults = if rest == 1 { "fault" } else { "faults" };
            writeln!(
                f,
                "\n... and {} more {faults}, not shown; mend the ones above and run the generator again",
                thousands(rest as u64)
            )?;
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
