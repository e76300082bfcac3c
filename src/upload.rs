//! Files to upload: from a path (streamed, reopened for a retry), from bytes, or from a one-shot
//! stream.

use crate::error::Error;
use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};
use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

type ByteChunks = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;
type ProgressFn = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// Size of the reads from a file being uploaded: memory stays at a few times this per upload,
/// whatever the file's size. Each read is a trip to tokio's blocking pool, so smaller reads cost
/// throughput (64 KiB ran at 0.8x curl's speed, 1 MiB at curl's; see BENCHMARKS.md).
const READ_CHUNK: usize = 1024 * 1024;

/// A file to send: a multipart part (e.g. `uploadFile`) or a binary body.
///
/// ```no_run
/// use secmaster::UploadFile;
/// let from_disk = UploadFile::from_path("workflow.json");
/// let in_memory = UploadFile::from_bytes("workflow.json", br#"{"name":"Test"}"#.to_vec());
/// let watched = UploadFile::from_path("big.zip").on_progress(|sent, total| {
///     eprintln!("{sent} of {total:?} bytes");
/// });
/// # let _ = (from_disk, in_memory, watched);
/// ```
pub struct UploadFile {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    progress: Option<ProgressFn>,
}

enum Source {
    Path(PathBuf),
    Bytes(Bytes),
    /// Taken by the first attempt; a request with such a body is never retried.
    Stream(Arc<Mutex<Option<ByteChunks>>>, Option<u64>),
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("UploadFile");
        match &self.source {
            Source::Path(path) => s.field("path", path),
            Source::Bytes(bytes) => s.field("bytes", &bytes.len()),
            Source::Stream(_, len) => s.field("stream_len", len),
        };
        s.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl UploadFile {
    /// The file at `path`, read in chunks while it is sent; its file name is the part's file name.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        UploadFile {
            source: Source::Path(path),
            file_name,
            content_type: None,
            progress: None,
        }
    }

    /// Content held in memory, sent under `file_name`.
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        UploadFile {
            source: Source::Bytes(bytes.into()),
            file_name: Some(file_name.into()),
            content_type: None,
            progress: None,
        }
    }

    /// Content read from a stream, sent once: a request with a stream body is not retried.
    /// Give `len` when known, so the request carries a `Content-Length`.
    pub fn from_stream<S>(file_name: impl Into<String>, len: Option<u64>, stream: S) -> Self
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        UploadFile {
            source: Source::Stream(Arc::new(Mutex::new(Some(Box::pin(stream)))), len),
            file_name: Some(file_name.into()),
            content_type: None,
            progress: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Calls `progress(bytes_sent, total)` as the content goes out (from the start again on a
    /// retry).
    pub fn on_progress(
        mut self,
        progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Whether the content can be sent again for a retry.
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream(..))
    }

    pub(crate) fn content_type_or_default(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or("application/octet-stream")
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// A body for one attempt, and its length when known. Opens the file anew each time.
    pub(crate) async fn body<E>(&self) -> Result<(reqwest::Body, Option<u64>), Error<E>> {
        let (chunks, len): (ByteChunks, Option<u64>) =
            match &self.source {
                Source::Path(path) => {
                    let io_error = |source| Error::Io {
                        path: path.clone(),
                        source,
                    };
                    let file = tokio::fs::File::open(path).await.map_err(io_error)?;
                    let len = file.metadata().await.map_err(io_error)?.len();
                    let stream = tokio_util::io::ReaderStream::with_capacity(file, READ_CHUNK);
                    (Box::pin(stream), Some(len))
                }
                Source::Bytes(bytes) => {
                    let len = bytes.len() as u64;
                    let chunks: Vec<std::io::Result<Bytes>> = chunk_bytes(bytes.clone());
                    (Box::pin(futures_util::stream::iter(chunks)), Some(len))
                }
                Source::Stream(slot, len) => {
                    let taken = slot.lock().map(|mut s| s.take()).unwrap_or(None);
                    match taken {
                        Some(stream) => (stream, *len),
                        None => return Err(Error::invalid(
                            "a streamed upload was already sent; a stream can be sent only once",
                        )),
                    }
                }
            };
        let chunks = match &self.progress {
            None => chunks,
            Some(progress) => {
                let progress = Arc::clone(progress);
                let mut sent = 0u64;
                Box::pin(chunks.inspect_ok(move |chunk| {
                    sent += chunk.len() as u64;
                    progress(sent, len);
                }))
            }
        };
        Ok((reqwest::Body::wrap_stream(chunks.into_stream()), len))
    }
}

/// Splits in-memory content so that progress is reported as it goes out.
fn chunk_bytes(bytes: Bytes) -> Vec<std::io::Result<Bytes>> {
    let mut chunks = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        let end = (offset + READ_CHUNK).min(bytes.len());
        chunks.push(Ok(bytes.slice(offset..end)));
        offset = end;
    }
    chunks
}
