//! The limits on what the generator reads, so that a hostile or mistaken spec is refused at once,
//! with a message naming the limit, the file and how to mend it, rather than taking minutes or
//! every byte of memory.
//!
//! Time and memory of the generator grow linearly with the spec; these bounds keep the largest
//! spec it accepts to a few seconds and well under a GiB (BENCHMARKS.md, "Generator: hostile
//! specs"). They are about five times what SecMaster needs: the whole API is 396 operations and
//! 10,671 items in 1.4 MB of YAML (28 files), its largest family file about 100 KB, nested at
//! most 12 levels. They also take the generation bench's synthetic spec at its largest
//! (`cargo bench -p secmaster-codegen --bench generate -- --ops 2000`): 2,000 operations and 18,847
//! items in nine files of 1.9 MB, or 1.8 MB as the one file given to the peer generator
//! (`merged.yaml`), under the 4 MiB of one file.

/// Largest spec file, in bytes (4 MiB). Checked before the file is read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Largest spec, all files together, in bytes (8 MiB). Checked before the files are read.
pub const MAX_TOTAL_BYTES: u64 = 8 * 1024 * 1024;

/// Most operations of one spec, all files together. Counted as soon as a file's YAML is read,
/// before the document is checked or modelled.
pub const MAX_OPERATIONS: usize = 2_000;

/// Most items of the client a spec makes: types, struct fields, enum variants, operations, their
/// parameters, form fields and answers, and the features named in the gates of shared types (a
/// type several API families use is compiled when any of them is, and names each in its
/// `#[cfg(any(...))]`; past [`MAX_GATED_FAMILIES`] families, the type shares one
/// gate with the others so widely used). Emitting and formatting take time and memory with
/// each (a few kilobytes of Rust an item), so the model is refused before anything is emitted.
/// A few bytes of YAML can make an item (`S1: {type: string, enum: [a]}` makes two), so the
/// size limits alone would let a spec make a client of 40 MB.
pub const MAX_ITEMS: usize = 50_000;

/// Most API families a shared type's own feature gate names. A type that more families reach is
/// wide: it is compiled, with the other wide types, when any family that reaches one of them
/// is, behind one gate for all of them. This is no limit on the spec but on how the client is
/// written: without it the gates would grow with families times types (1,000 families sharing
/// a chain of 10,000 types made 600 MB of `cfg` attributes in 290 s).
pub const MAX_GATED_FAMILIES: usize = 8;

/// Deepest nesting of mappings and lists a spec may have. Real specs stay far below; the bound
/// keeps every recursive reader (serde, the checks, the model) far from the end of its stack.
/// A file nested deeper is refused from a scan of its bytes, before any YAML parser reads it
/// (their time grows with the square of the nesting of `[[[...]]]`).
pub const MAX_DEPTH: usize = 64;

/// Faults of one kind listed one by one per file; beyond these, one more fault says how many
/// there were (so that a file of a million faults does not take a million messages' memory).
pub const MAX_LISTED_PER_FILE: usize = 100;

/// Faults printed with their excerpts; the rest are counted ("and 1,234 more faults").
pub const MAX_SHOWN: usize = 50;

/// `n` with thousands separated by commas (`1,234,567`), for limits and counts in messages.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(c);
    }
    text
}

/// A size in bytes as people read it: `4 MiB`, `1.5 MiB`, `12 KiB`, `300 bytes`.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KIB {
        format!("{} KiB", (bytes + KIB / 2) / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(size(MAX_FILE_BYTES), "4 MiB");
        assert_eq!(size(53_057_834), "50.6 MiB");
        assert_eq!(size(12_300), "12 KiB");
        assert_eq!(size(300), "300 bytes");
    }
}
