//! How much of an answer the client reads and keeps: [`BodyLimits`], set per client
//! ([`ClientBuilder::limits`](crate::ClientBuilder::limits)) or per call
//! ([`CallOptions::limits`](crate::CallOptions::limits)).

/// Bounds on the answers a call reads into memory. Binary answers (downloads) are streamed and
/// never held whole, so no limit applies to them.
///
/// ```
/// use secmaster::BodyLimits;
/// // Allow list answers of up to 64 MiB, taking up to 512 MiB once parsed.
/// let limits = BodyLimits {
///     max_answer_bytes: 64 << 20,
///     max_parsed_bytes: 512 << 20,
///     ..BodyLimits::default()
/// };
/// # let _ = limits;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Largest JSON or text success answer read, in bytes (default 16 MiB). A larger one is
    /// [`Error::TooLarge`](crate::Error::TooLarge): refused at once when its `Content-Length`
    /// says so, otherwise as soon as that many bytes have arrived.
    pub max_answer_bytes: u64,
    /// Largest memory a JSON answer may take once parsed, in bytes (default 128 MiB), as the
    /// parser counts it: each list item and map entry at twice its size (the spare room a growing
    /// list keeps), each string at its length. Parsing multiplies: ten MiB of `{},{},...` are
    /// 3.5 million list items, each as large as its type (hundreds of bytes), so the size of the
    /// text alone does not bound the memory.
    pub max_parsed_bytes: u64,
    /// Bytes of an error answer (or of a redirect) kept (default 64 KiB); the rest is not read.
    /// A cut error body is still an [`Error::Api`](crate::Error::Api), with
    /// [`ApiError::truncated`](crate::ApiError::truncated) set.
    pub max_error_bytes: u64,
}

impl BodyLimits {
    /// The default of [`BodyLimits::max_answer_bytes`]: SecMaster's largest pages (a thousand
    /// alerts of several KiB each) are a few MiB, so this leaves room without letting one answer
    /// take the memory of many.
    pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;
    /// The default of [`BodyLimits::max_parsed_bytes`]: eight times the default answer size,
    /// which real answers (mostly strings) stay well under. With the largest answer read and a
    /// list doubling its room at the last moment, a call then stays under about 256 MiB.
    pub const DEFAULT_MAX_PARSED_BYTES: u64 = 128 * 1024 * 1024;
    /// The default of [`BodyLimits::max_error_bytes`]: error bodies are a code and a sentence;
    /// more than this is a misbehaving server or proxy, and only an excerpt is shown anyway.
    pub const DEFAULT_MAX_ERROR_BYTES: u64 = 64 * 1024;
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_answer_bytes: Self::DEFAULT_MAX_ANSWER_BYTES,
            max_parsed_bytes: Self::DEFAULT_MAX_PARSED_BYTES,
            max_error_bytes: Self::DEFAULT_MAX_ERROR_BYTES,
        }
    }
}

/// `bytes` for a message: whole MiB or KiB when it is one, else the count of bytes.
pub(crate) fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(16 * 1024 * 1024), "16 MiB");
        assert_eq!(human_size(64 * 1024), "64 KiB");
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(human_size(1024 * 1024 + 1), "1048577 bytes");
    }
}
