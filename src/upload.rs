//! Files to upload: from a path (streamed, reopened for a retry when it is a regular file), from
//! bytes, or from a one-shot stream; and the checks that content goes out whole, as announced.

use crate::activity::{Activity, SourceFailure};
use crate::error::Error;
use bytes::Bytes;
use futures_util::{ready, Stream, TryStreamExt};
use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

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
    ///
    /// A regular file is sent with its length and reopened for a retry. Anything else a path can
    /// name (a pipe such as `/dev/stdin` or `<(command)`, a device) and a file that reports no
    /// size (as `/proc` files do) is read to its end as it is sent, without a length, and sent
    /// only once.
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
    /// Give `len` when known, so the request carries a `Content-Length`; the stream must then
    /// give exactly that many bytes (otherwise the request is cut off and the call fails with
    /// [`Error::InvalidInput`](crate::Error::InvalidInput)).
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

    /// Whether the content can be sent again for a retry: content in memory and regular files
    /// can; a stream, and a path that is not a regular file (a pipe such as `/dev/stdin` or
    /// `<(...)`, a device), are read once.
    pub fn is_replayable(&self) -> bool {
        match &self.source {
            Source::Path(path) => std::fs::metadata(path).map_or(true, |m| m.is_file()),
            Source::Bytes(_) => true,
            Source::Stream(..) => false,
        }
    }

    pub(crate) fn content_type_or_default(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or("application/octet-stream")
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// A body for one attempt, reporting to `activity` as it goes out. Opens the file anew each
    /// time.
    ///
    /// A file's length comes from the file system only for a regular file that reports some
    /// bytes; a pipe or device (whose reported size is 0 or meaningless) and a `/proc` file
    /// (which reports 0 yet has content) are sent without a length, in chunks, as far as they
    /// go. A length given is held to: content that ends early or runs on is an error that cuts
    /// the request off, never a request that looks whole with other content than the source's.
    pub(crate) async fn body<E>(&self, activity: &Arc<Activity>) -> Result<AttemptBody, Error<E>> {
        let (chunks, len, replayable, what): (ByteChunks, Option<u64>, bool, Described) =
            match &self.source {
                Source::Path(path) => {
                    let io_error = |source| Error::Io {
                        path: path.clone(),
                        source,
                    };
                    let file = tokio::fs::File::open(path).await.map_err(io_error)?;
                    let metadata = file.metadata().await.map_err(io_error)?;
                    let regular = metadata.is_file();
                    let len = (regular && metadata.len() > 0).then_some(metadata.len());
                    let stream = tokio_util::io::ReaderStream::with_capacity(file, READ_CHUNK);
                    (
                        Box::pin(stream),
                        len,
                        regular,
                        Described::Path(path.clone()),
                    )
                }
                Source::Bytes(bytes) => {
                    let len = bytes.len() as u64;
                    let chunks: Vec<std::io::Result<Bytes>> = chunk_bytes(bytes.clone());
                    (
                        Box::pin(futures_util::stream::iter(chunks)),
                        Some(len),
                        true,
                        self.described(),
                    )
                }
                Source::Stream(slot, len) => {
                    let taken = slot.lock().map(|mut s| s.take()).unwrap_or(None);
                    match taken {
                        Some(stream) => (stream, *len, false, self.described()),
                        None => return Err(Error::invalid(
                            "a streamed upload was already sent; a stream can be sent only once",
                        )),
                    }
                }
            };
        let chunks: ByteChunks = Box::pin(Checked::new(chunks, len, what, Arc::clone(activity)));
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
        Ok(AttemptBody {
            body: reqwest::Body::wrap_stream(chunks.into_stream()),
            len,
            replayable,
        })
    }

    fn described(&self) -> Described {
        Described::Named(
            self.file_name
                .clone()
                .unwrap_or_else(|| "without a file name".to_owned()),
        )
    }
}

/// One attempt's body for an [`UploadFile`].
pub(crate) struct AttemptBody {
    pub(crate) body: reqwest::Body,
    /// The length, when known and to be announced.
    pub(crate) len: Option<u64>,
    /// Whether the content can be put on another attempt.
    pub(crate) replayable: bool,
}

/// Where content came from, for messages.
enum Described {
    Path(PathBuf),
    Named(String),
}

/// The content as it goes out: counted against the length announced, reported to the
/// attempt's [`Activity`], and failing (which cuts the request off) when it breaks that length.
struct Checked {
    inner: ByteChunks,
    declared: Option<u64>,
    sent: u64,
    what: Described,
    activity: Arc<Activity>,
    done: bool,
}

impl Checked {
    fn new(
        inner: ByteChunks,
        declared: Option<u64>,
        what: Described,
        activity: Arc<Activity>,
    ) -> Self {
        activity.stream_opened();
        Checked {
            inner,
            declared,
            sent: 0,
            what,
            activity,
            done: false,
        }
    }

    /// Records why the content cannot go out as announced, and ends the stream with an error.
    fn fail(&mut self, problem: Problem) -> Poll<Option<std::io::Result<Bytes>>> {
        self.done = true;
        let cut = "the request was cut off, not sent as if whole";
        let failure = match (&self.what, problem) {
            (Described::Path(path), problem) => {
                let source = match problem {
                    Problem::Longer(declared) => std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("the file grew past the {declared} bytes it had when the upload started; {cut}"),
                    ),
                    Problem::Shorter(declared) => std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "the file ended after {} bytes, before the {declared} it had when the upload started; {cut}",
                            self.sent
                        ),
                    ),
                    Problem::Read(e) => e,
                };
                SourceFailure::Io {
                    path: path.clone(),
                    source,
                }
            }
            (Described::Named(name), problem) => SourceFailure::Invalid(match problem {
                Problem::Longer(declared) => format!(
                    "the upload `{name}` gave more than the {declared} bytes it declared; {cut}"
                ),
                Problem::Shorter(declared) => format!(
                    "the upload `{name}` ended after {} bytes, before the {declared} it declared; {cut}",
                    self.sent
                ),
                Problem::Read(e) => format!("the upload `{name}` failed while it was being sent: {e}"),
            }),
        };
        self.activity.record_failure(failure);
        Poll::Ready(Some(Err(std::io::Error::other(
            "the upload's content broke off",
        ))))
    }
}

enum Problem {
    /// More than the declared length.
    Longer(u64),
    /// Less than the declared length.
    Shorter(u64),
    /// The source failed.
    Read(std::io::Error),
}

impl Stream for Checked {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match ready!(self.inner.as_mut().poll_next(cx)) {
            Some(Ok(chunk)) => {
                self.sent += chunk.len() as u64;
                if let Some(declared) = self.declared.filter(|d| self.sent > *d) {
                    return self.fail(Problem::Longer(declared));
                }
                self.activity.touch();
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(e)) => self.fail(Problem::Read(e)),
            None => {
                if let Some(declared) = self.declared.filter(|d| self.sent < *d) {
                    return self.fail(Problem::Shorter(declared));
                }
                self.done = true;
                self.activity.stream_finished();
                Poll::Ready(None)
            }
        }
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
