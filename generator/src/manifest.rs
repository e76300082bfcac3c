//! The client's cargo features, one per API family, kept in a marked block of its `Cargo.toml`
//! `[features]` table: [`sync`] rewrites the block for the families of the spec, and
//! [`missing_and_extra`] says how a block differs from them.

/// The line that opens the block.
pub const BEGIN: &str = "# @generated families: begin";
/// The line that closes the block.
pub const END: &str = "# @generated families: end";

/// The block's lines between the markers: `full` enabling every family, then one feature per
/// family.
fn block(features: &[String]) -> String {
    let mut out = String::from("full = [");
    if !features.is_empty() {
        out.push('\n');
        for feature in features {
            out.push_str(&format!("    \"{feature}\",\n"));
        }
    }
    out.push_str("]\n");
    for feature in features {
        out.push_str(&format!("{feature} = []\n"));
    }
    out
}

/// Where the block's content starts and ends in `text` (after the begin line, at the end line).
fn find(text: &str) -> Result<(usize, usize), String> {
    let begin = line_start(text, BEGIN).ok_or_else(|| {
        format!("it has no line `{BEGIN}` (and `{END}`) in its [features] table, between which the generator writes one feature per API family")
    })?;
    let content = begin
        + text[begin..]
            .find('\n')
            .map_or(text.len() - begin, |n| n + 1);
    let end = line_start(&text[content..], END)
        .map(|n| content + n)
        .ok_or_else(|| format!("its line `{BEGIN}` has no line `{END}` after it"))?;
    Ok((content, end))
}

/// The offset of the line of `text` that is `line` (trailing blanks aside).
fn line_start(text: &str, line: &str) -> Option<usize> {
    let mut offset = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end() == line {
            return Some(offset);
        }
        offset += l.len();
    }
    None
}

/// `text` (a `Cargo.toml`) with its block listing `features`.
pub fn sync(text: &str, features: &[String]) -> Result<String, String> {
    let (start, end) = find(text)?;
    Ok(format!(
        "{}{}{}",
        &text[..start],
        block(features),
        &text[end..]
    ))
}

/// How a features block differs from the families of the spec.
#[derive(Debug, PartialEq, Eq)]
pub struct Stale {
    /// Families it lacks.
    pub missing: Vec<String>,
    /// Features it has that are no family.
    pub extra: Vec<String>,
}

/// How the block of `text` differs from the one for `features` (`None` when it is that one).
pub fn missing_and_extra(text: &str, features: &[String]) -> Result<Option<Stale>, String> {
    let (start, end) = find(text)?;
    let current = &text[start..end];
    if current == block(features) {
        return Ok(None);
    }
    let listed: Vec<&str> = current
        .lines()
        .filter_map(|l| l.split_once(" = []").map(|(name, _)| name.trim()))
        .filter(|name| *name != "full")
        .collect();
    let missing = features
        .iter()
        .filter(|f| !listed.contains(&f.as_str()))
        .cloned()
        .collect();
    let extra = listed
        .iter()
        .filter(|l| !features.iter().any(|f| f == *l))
        .map(|l| (*l).to_owned())
        .collect();
    Ok(Some(Stale { missing, extra }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"full\"]\n# @generated families: begin\nfull = []\n# @generated families: end\nregenerate = []\n";

    #[test]
    fn writes_the_block_and_sees_what_it_lacks() {
        let features = vec!["alerts".to_owned(), "workflows".to_owned()];
        let Stale { missing, extra } = missing_and_extra(MANIFEST, &features).unwrap().unwrap();
        assert_eq!(missing, features);
        assert!(extra.is_empty());
        let synced = sync(MANIFEST, &features).unwrap();
        assert!(synced.contains(
            "# @generated families: begin\nfull = [\n    \"alerts\",\n    \"workflows\",\n]\nalerts = []\nworkflows = []\n# @generated families: end\nregenerate = []\n"
        ));
        assert_eq!(missing_and_extra(&synced, &features).unwrap(), None);
        let Stale { missing, extra } = missing_and_extra(&synced, &features[..1]).unwrap().unwrap();
        assert!(missing.is_empty());
        assert_eq!(extra, vec!["workflows".to_owned()]);
    }

    #[test]
    fn a_manifest_without_markers_is_an_error() {
        let error = sync("[features]\n", &[]).unwrap_err();
        assert!(error.contains(BEGIN), "{error}");
        let error = sync(&format!("{BEGIN}\n"), &[]).unwrap_err();
        assert!(error.contains(END), "{error}");
    }
}
