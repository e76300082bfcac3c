//! Judging a text's nesting from its bytes, before any parser reads it.

use super::Pos;

/// The first place where a YAML text nests deeper than `limit` collections, judged from its
/// bytes alone, in one pass.
///
/// YAML parsers take time growing with the square of the depth of `[[[...]]]` (each token is
/// checked against every open level), so a text must be refused before a parser sees it. The
/// scan counts flow collections (`[`, `{`) where they can open one (not in quoted or plain text,
/// comments or block scalars) and block collections by their columns (a line indented under a
/// key or `-` that has no value on its line, and each `- `/`? ` of a compact `- - x`). It never
/// counts more levels than the text has, so a text it refuses is one the loader's exact check
/// would refuse too; it may count fewer (a block sequence written at its parent key's
/// indentation), which that exact check, on the parsed document, catches.
///
/// `limit` is in levels of nesting of the parsed value: a value at path `a.b` is 2 deep.
pub fn nesting_past(text: &str, limit: usize) -> Option<Pos> {
    let mut scan = DepthScan {
        limit,
        ..DepthScan::default()
    };
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(offset) = scan.line(line.as_bytes()) {
            return Some(Pos {
                line: index + 1,
                column: line[..offset].chars().count() + 1,
            });
        }
    }
    None
}

/// The state of [`nesting_past`] between lines.
#[derive(Default)]
struct DepthScan {
    limit: usize,
    /// Open flow collections.
    flow: usize,
    /// Columns of the open block collections, innermost last.
    blocks: Vec<usize>,
    /// The quote of a quoted scalar that goes on to the next line.
    quote: Option<u8>,
    /// In a block scalar (`|`, `>`): the column of its parent, which its lines are indented past.
    block_scalar: Option<usize>,
    /// Whether the last line ended with a node still to come (`key:`, `-`, an anchor): a line
    /// indented deeper then opens a level; otherwise it continues a plain scalar.
    opens: bool,
    /// In flow context, whether a quote here would start a quoted scalar (after `[`, `{`, `,`
    /// or `:`), rather than be a character of plain text.
    token_start: bool,
}

impl DepthScan {
    fn depth(&self) -> usize {
        self.blocks.len() + self.flow
    }

    /// Scans one line (without its line break); the byte offset where the nesting passes the
    /// limit, if it does.
    fn line(&mut self, line: &[u8]) -> Option<usize> {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let blank = line[indent..].iter().all(|b| b.is_ascii_whitespace());
        if let Some(parent) = self.block_scalar {
            if blank || indent > parent {
                return None;
            }
            self.block_scalar = None;
        }
        let mut i = 0;
        if let Some(quote) = self.quote {
            match quote_end(line, 0, quote) {
                Some(end) => {
                    self.quote = None;
                    i = end;
                }
                None => return None,
            }
            if self.flow == 0 {
                // The rest of a line that ends a multi-line quoted scalar holds no collection.
                self.opens = false;
                return None;
            }
        } else if self.flow == 0 {
            if blank || line[indent] == b'#' {
                return None;
            }
            if indent == 0 && (line.starts_with(b"---") || line.starts_with(b"...")) {
                self.blocks.clear();
                self.opens = false;
                return None;
            }
            while self.blocks.last().is_some_and(|&col| col > indent) {
                self.blocks.pop();
            }
            match self.blocks.last() {
                Some(&col) if col == indent => {}
                Some(_) if !self.opens => {
                    // Indented deeper under a value: a plain scalar's next line, text only.
                    return None;
                }
                _ => {
                    self.blocks.push(indent);
                    if self.depth() > self.limit {
                        return Some(indent);
                    }
                }
            }
            return self.block_content(line, indent);
        }
        self.flow_content(line, i)
    }

    /// The nodes of a block line from `i`: `- `, keys, and the value after them.
    fn block_content(&mut self, line: &[u8], mut i: usize) -> Option<usize> {
        self.opens = false;
        // Whether the node at `i` is the first on its line (its column was counted already) or
        // follows a `- `/`? ` (a collection there opens a level of its own).
        let mut first = true;
        loop {
            i = skip_properties(line, i);
            let Some(&b) = line.get(i) else {
                self.opens = true;
                return None;
            };
            match b {
                b'#' => {
                    self.opens = true;
                    return None;
                }
                b'-' | b'?' if line.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\t') => {
                    if !first {
                        self.blocks.push(i);
                        if self.depth() > self.limit {
                            return Some(i);
                        }
                    }
                    first = false;
                    i = skip_spaces(line, i + 1);
                }
                b'[' | b'{' => return self.flow_content(line, i),
                b'|' | b'>' => {
                    self.block_scalar = Some(self.blocks.last().copied().unwrap_or(0));
                    return None;
                }
                b'\'' | b'"' => {
                    let Some(end) = quote_end(line, i + 1, b) else {
                        self.quote = Some(b);
                        return None;
                    };
                    return self.after_key(line, skip_spaces(line, end), i, first);
                }
                _ => {
                    let end = plain_key_end(line, i);
                    return self.after_key(line, end, i, first);
                }
            }
        }
    }

    /// After a scalar that started at `start` and ends at `end`: if a `:` follows, it was a key,
    /// and its value starts after it.
    fn after_key(&mut self, line: &[u8], end: usize, start: usize, first: bool) -> Option<usize> {
        let is_key = line.get(end) == Some(&b':')
            && line.get(end + 1).is_none_or(|c| *c == b' ' || *c == b'\t');
        if !is_key {
            return None;
        }
        if !first {
            self.blocks.push(start);
            if self.depth() > self.limit {
                return Some(start);
            }
        }
        let i = skip_properties(line, skip_spaces(line, end + 1));
        match line.get(i) {
            None | Some(b'#') => {
                self.opens = true;
                None
            }
            Some(b'[' | b'{') => self.flow_content(line, i),
            Some(b'|' | b'>') => {
                self.block_scalar = Some(self.blocks.last().copied().unwrap_or(0));
                None
            }
            Some(&q @ (b'\'' | b'"')) => {
                if quote_end(line, i + 1, q).is_none() {
                    self.quote = Some(q);
                }
                None
            }
            Some(_) => None,
        }
    }

    /// Flow context from `i` (at a bracket, or inside a collection opened on an earlier line).
    fn flow_content(&mut self, line: &[u8], mut i: usize) -> Option<usize> {
        while let Some(&b) = line.get(i) {
            match b {
                b'[' | b'{' => {
                    self.flow += 1;
                    if self.depth() > self.limit {
                        return Some(i);
                    }
                    self.token_start = true;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.token_start = false;
                    if self.flow == 0 {
                        // Back in block context; what may follow on the line (`: value` of a
                        // flow key, a comment) opens nothing the scan needs.
                        self.opens = false;
                        return None;
                    }
                }
                b',' | b':' => self.token_start = true,
                b'#' if i == 0 || line[i - 1] == b' ' || line[i - 1] == b'\t' => return None,
                b'\'' | b'"' if self.token_start => {
                    self.token_start = false;
                    match quote_end(line, i + 1, b) {
                        Some(end) => {
                            i = end;
                            continue;
                        }
                        None => {
                            self.quote = Some(b);
                            return None;
                        }
                    }
                }
                b' ' | b'\t' => {}
                _ => self.token_start = false,
            }
            i += 1;
        }
        None
    }
}

/// The offset just past the quote closing a quoted scalar whose text starts at `i`, if it closes
/// on this line.
fn quote_end(line: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    while let Some(&b) = line.get(i) {
        match b {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && line.get(i + 1) == Some(&b'\'') => i += 2,
            _ if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_spaces(line: &[u8], mut i: usize) -> usize {
    while line.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    i
}

/// Past the anchors (`&a`) and tags (`!!map`) at `i`, and the spaces after them.
fn skip_properties(line: &[u8], mut i: usize) -> usize {
    i = skip_spaces(line, i);
    while matches!(line.get(i), Some(b'&' | b'!')) {
        while line.get(i).is_some_and(|b| *b != b' ' && *b != b'\t') {
            i += 1;
        }
        i = skip_spaces(line, i);
    }
    i
}

/// Where a plain scalar starting at `i` ends: at `: ` (or `:` ending the line) if it is a key,
/// at ` #` (a comment) or at the end of the line.
fn plain_key_end(line: &[u8], mut i: usize) -> usize {
    while let Some(&b) = line.get(i) {
        match b {
            b':' if line.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\t') => return i,
            b'#' if i > 0 && (line[i - 1] == b' ' || line[i - 1] == b'\t') => return line.len(),
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_judged_from_the_bytes() {
        let past = |text: &str, limit| nesting_past(text, limit).map(|p| (p.line, p.column));
        // `a` is level 1, each bracket one more.
        assert_eq!(past("a: [[[1]]]\n", 3), Some((1, 6)));
        assert_eq!(past("a: [[[1]]]\n", 4), None);
        assert_eq!(past("a: {b: {c: 1}}\n", 2), Some((1, 8)));
        assert_eq!(past("a:\n  b:\n    c: 1\n", 2), Some((3, 5)));
        assert_eq!(past("a:\n  b:\n    c: 1\n", 3), None);
        assert_eq!(past("a:\n  - - - x\n", 3), Some((2, 7)));
        // A sequence at its key's indentation is not counted (the loader's exact check is).
        assert_eq!(past("a:\n- - - x\n", 3), None);
        assert_eq!(past("- a: 1\n  b:\n    - x\n", 2), Some((3, 5)));
        assert_eq!(past("- a: 1\n  b:\n    - x\n", 3), None);
        // Siblings and the lines of a plain scalar are not deeper.
        assert_eq!(past("a:\n  b: 1\n  c: 2\nd: 3\n", 2), None);
        assert_eq!(past("a: some text\n   [[[ more text\n", 1), None);
        // Brackets in text: quotes (also over lines), comments, block scalars, plain scalars.
        let text = "a: '[[['\nb: \"[[[\\\" [[[\"\nc: x [[[\nd: 1 # [[[\ne: |\n  [[[\n  {{{\nf: [ 'x]'\n  , \"[[\n  [[\" ]\ng: 'it''s [[['\n";
        assert_eq!(past(text, 2), None);
        assert_eq!(past("- [[x]]\n", 2), Some((1, 4)));
        // Anchors and tags before a value.
        assert_eq!(past("a: &x !!seq [[1]]\n", 2), Some((1, 14)));
        assert_eq!(past("a: &x\n  b: 1\n", 1), Some((2, 3)));
    }
}
