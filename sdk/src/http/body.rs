//! `Body`: a streaming HTTP body of `Bytes` frames, written once over the
//! backend's incoming body (`sys::http::Incoming`); sending a body to the
//! host is the backend's (`into_wasi` on WASI 0.3, `send_wasi` on 0.2).

use super::error::{BoxError, Error};
use crate::sys::http::{ErrorCode, Fields, Incoming, IncomingRequest as WasiRequest};
use bytes::{Bytes, BytesMut};
use futures_channel::mpsc;
use futures_core::Stream;
use futures_util::stream::{BoxStream, IntoAsyncRead, MapErr};
use futures_util::{SinkExt, StreamExt, TryStreamExt};
use http::HeaderMap;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

pub(crate) type TrailersResult = Result<Option<Fields>, ErrorCode>;

/// A streaming HTTP body, implementing `http_body::Body` with `Bytes` data
/// frames and optional trailers.
///
/// Incoming bodies (a handler's request, a client's response) stream from
/// the host as they are read, in bounded memory. Outgoing bodies are built
/// from bytes or strings, a `Stream`, or a [`BodySender`] channel.
///
/// ```no_run
/// # async fn f(body: wasio::http::Body) -> Result<(), wasio::http::Error> {
/// let text = body.text().await?;
/// let reply = wasio::http::Body::from(format!("you said: {text}"));
/// # Ok(()) }
/// ```
pub struct Body {
    pub(crate) inner: Inner,
    /// The `content-type` this body's data has unless the message says
    /// otherwise (`Json`, `from_json`, text answers): added to the head as
    /// it goes to the host, with no header map built for it.
    pub(crate) content_type: Option<&'static str>,
}

pub(crate) enum Inner {
    Empty,
    Full(Option<Bytes>),
    Incoming(Incoming),
    /// A handler's request whose body nobody has read yet: `consume-body`
    /// is called on the first read, so a handler that never reads its
    /// request body costs no body handles at all.
    Unread(Option<WasiRequest>, Option<u64>),
    Stream(BoxStream<'static, Result<Frame<Bytes>, Error>>),
    /// Any `http_body::Body` (see [`Body::new`]).
    Http(Pin<Box<dyn http_body::Body<Data = Bytes, Error = Error> + Send>>),
}

pin_project_lite::pin_project! {
    /// An `http_body::Body` with its data as `Bytes` and its error as [`Error`].
    struct MapBody<B> {
        #[pin]
        inner: B,
    }
}

impl<B> http_body::Body for MapBody<B>
where
    B: http_body::Body,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let frame = ready!(self.project().inner.poll_frame(cx));
        Poll::Ready(frame.map(|f| f.map(|f| f.map_data(Into::into)).map_err(|e| Error::from(e.into()))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The error for a body that ended after `received` bytes when its
/// `content-length` announced `expected`; `None` if they agree.
pub(crate) fn length_mismatch(expected: Option<u64>, received: u64) -> Option<Error> {
    expected
        .filter(|n| *n != received)
        .map(|n| Error::msg(format!("body ended after {received} of the {n} bytes its content-length announced")))
}

/// The `content-length` a head announces, if valid.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.inner {
            Inner::Empty => "empty",
            Inner::Full(_) => "full",
            Inner::Incoming(_) | Inner::Unread(..) => "incoming",
            Inner::Stream(_) => "stream",
            Inner::Http(_) => "http-body",
        };
        f.debug_struct("Body").field("kind", &kind).finish()
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl Body {
    /// An empty body.
    ///
    /// ```no_run
    /// let b = wasio::http::Body::empty();
    /// ```
    pub fn empty() -> Body {
        Body { inner: Inner::Empty, content_type: None }
    }

    /// A body streamed from `stream`'s chunks.
    ///
    /// ```no_run
    /// use futures_util::stream;
    /// let chunks = stream::iter(vec![Ok::<_, std::io::Error>("a"), Ok("b")]);
    /// let body = wasio::http::Body::from_stream(chunks);
    /// ```
    pub fn from_stream<S, B, E>(stream: S) -> Body
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<Error>,
    {
        Body {
            inner: Inner::Stream(stream.map(|r| r.map(|b| Frame::data(b.into())).map_err(Into::into)).boxed()),
            content_type: None,
        }
    }

    /// Wraps any `http_body::Body` (an axum or hyper body, `http_body_util`'s
    /// `Full` or `StreamBody`, a tower-http body): its frames, trailers and
    /// size hint carry over, so a body of known size is sent with
    /// `content-length`.
    ///
    /// ```no_run
    /// let body = wasio::http::Body::new(http_body_util::Full::new(bytes::Bytes::from("hi")));
    /// ```
    pub fn new<B>(body: B) -> Body
    where
        B: http_body::Body + Send + 'static,
        B::Data: Into<Bytes>,
        B::Error: Into<BoxError>,
    {
        Body { inner: Inner::Http(Box::pin(MapBody { inner: body })), content_type: None }
    }

    /// A body streamed from `reader` in chunks of up to 64 KiB, read as the
    /// peer takes them (a file served in one line); a read error ends the
    /// body with that error.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let file = wasio::fs::File::open("/data/report.pdf").await?;
    /// let body = wasio::http::Body::from_reader(file);
    /// # Ok(()) }
    /// ```
    pub fn from_reader<R: futures_io::AsyncRead + Send + 'static>(reader: R) -> Body {
        const CHUNK: usize = 64 * 1024;
        let chunks = futures_util::stream::unfold(Some(Box::pin(reader)), |reader| async move {
            let mut reader = reader?;
            let mut buf = vec![0u8; CHUNK];
            match futures_util::io::AsyncReadExt::read(&mut reader, &mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), Some(reader)))
                }
                Err(e) => Some((Err(Error::from(e)), None)),
            }
        });
        Body::from_stream(chunks)
    }

    /// The body as a byte reader (`AsyncRead` and `AsyncBufRead`; trailers
    /// are dropped): an upload goes to a file with `futures_util::io::copy`.
    ///
    /// ```no_run
    /// # async fn f(body: wasio::http::Body) -> std::io::Result<()> {
    /// let mut file = wasio::fs::File::create("/data/upload.bin").await?;
    /// futures_util::io::copy(body.into_reader(), &mut file).await?;
    /// # Ok(()) }
    /// ```
    pub fn into_reader(self) -> BodyReader {
        let to_io: fn(Error) -> std::io::Error = std::io::Error::other;
        BodyReader(self.into_stream().map_err(to_io).into_async_read())
    }

    /// A body fed through a channel: the [`BodySender`] can live in another
    /// task (e.g. one spawned by a handler that has already returned its
    /// response). Sending waits while the peer is not reading.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), wasio::http::Error> {
    /// let (mut tx, body) = wasio::http::Body::channel();
    /// wasio::spawn(async move {
    ///     tx.send_data("chunk 1\n").await?;
    ///     tx.send_trailers(http::HeaderMap::new()).await
    /// });
    /// # Ok(()) }
    /// ```
    pub fn channel() -> (BodySender, Body) {
        let (tx, rx) = mpsc::channel(1);
        (BodySender { tx }, Body { inner: Inner::Stream(rx.boxed()), content_type: None })
    }

    /// All data frames joined (trailers are dropped).
    ///
    /// ```no_run
    /// # async fn f(body: wasio::http::Body) -> Result<(), wasio::http::Error> {
    /// let bytes = body.bytes().await?;
    /// # Ok(()) }
    /// ```
    pub async fn bytes(self) -> Result<Bytes, Error> {
        Ok(self.collect_with_trailers().await?.0)
    }

    /// All data frames joined, and the trailers if any.
    ///
    /// ```no_run
    /// # async fn f(body: wasio::http::Body) -> Result<(), wasio::http::Error> {
    /// let (data, trailers) = body.collect_with_trailers().await?;
    /// # Ok(()) }
    /// ```
    pub async fn collect_with_trailers(mut self) -> Result<(Bytes, Option<HeaderMap>), Error> {
        if let Inner::Full(b) = &mut self.inner {
            return Ok((b.take().unwrap_or_default(), None));
        }
        let mut buf = BytesMut::new();
        let mut trailers = None;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_frame_inner(cx)).await {
            match frame?.into_data() {
                Ok(data) => buf.extend_from_slice(&data),
                Err(frame) => trailers = frame.into_trailers().ok(),
            }
        }
        Ok((buf.freeze(), trailers))
    }

    /// The body as UTF-8 text.
    ///
    /// ```no_run
    /// # async fn f(body: wasio::http::Body) -> Result<(), wasio::http::Error> {
    /// let text = body.text().await?;
    /// # Ok(()) }
    /// ```
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.to_vec()).map_err(|e| Error::with_status(http::StatusCode::BAD_REQUEST, e))
    }

    /// The body parsed as JSON (feature `json`).
    ///
    /// ```ignore
    /// let value: serde_json::Value = body.json().await?;
    /// ```
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::with_status(http::StatusCode::BAD_REQUEST, e))
    }

    /// A JSON body (feature `json`), sent with `content-type:
    /// application/json` unless the request or response names another.
    ///
    /// ```ignore
    /// let body = wasio::http::Body::from_json(&serde_json::json!({"ok": true}))?;
    /// ```
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    pub fn from_json<T: serde::Serialize>(value: &T) -> Result<Body, Error> {
        Ok(Body::from(serde_json::to_vec(value)?).with_content_type("application/json"))
    }

    /// This body with `content_type` as the message's `content-type` unless
    /// its headers name one.
    pub(crate) fn with_content_type(mut self, content_type: &'static str) -> Body {
        self.content_type = Some(content_type);
        self
    }

    /// The `content-type` this body goes out with when its request or
    /// response names none in its headers: `application/json` for
    /// [`Body::from_json`] and `Json`, `text/plain; charset=utf-8` for a
    /// `&str` or `String` answer, else `None`. It is added to the head as
    /// the message goes to the host, so it is not in `headers()`.
    ///
    /// ```no_run
    /// use wasio::http::IntoResponse;
    /// let r = "hi".into_response();
    /// assert_eq!(r.body().content_type(), Some("text/plain; charset=utf-8"));
    /// ```
    pub fn content_type(&self) -> Option<&'static str> {
        self.content_type
    }

    /// The data chunks as a `Stream` (trailers are dropped).
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// # async fn f(body: wasio::http::Body) -> Result<(), wasio::http::Error> {
    /// let mut chunks = body.into_stream();
    /// while let Some(chunk) = chunks.next().await {
    ///     let chunk = chunk?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn into_stream(self) -> BodyStream {
        BodyStream { body: self }
    }

    /// The body of a handler's request, consumed from the host when first
    /// read.
    pub(crate) fn request(request: WasiRequest, headers: &HeaderMap) -> Body {
        Body { inner: Inner::Unread(Some(request), content_length(headers)), content_type: None }
    }

    pub(crate) fn poll_frame_inner(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        if let Inner::Unread(request, expected) = &mut this.inner
            && let Some(request) = request.take()
        {
            this.inner = Inner::Incoming(Incoming::from_request(request, *expected));
        }
        match &mut this.inner {
            // (Consumed above: the request is always there.)
            Inner::Unread(..) => Poll::Ready(None),
            Inner::Empty => Poll::Ready(None),
            Inner::Full(b) => Poll::Ready(b.take().filter(|b| !b.is_empty()).map(|b| Ok(Frame::data(b)))),
            Inner::Stream(s) => s.as_mut().poll_next(cx),
            Inner::Http(b) => b.as_mut().poll_frame(cx),
            Inner::Incoming(inc) => inc.poll_frame(cx),
        }
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        self.poll_frame_inner(cx)
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Empty => true,
            Inner::Full(b) => b.as_ref().is_none_or(|b| b.is_empty()),
            Inner::Http(b) => b.is_end_stream(),
            _ => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Empty => SizeHint::with_exact(0),
            Inner::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Http(b) => b.size_hint(),
            _ => SizeHint::default(),
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Body {
        Body { inner: Inner::Full(Some(b)), content_type: None }
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Body {
        Body::from(Bytes::from(v))
    }
}

impl From<String> for Body {
    fn from(s: String) -> Body {
        Body::from(Bytes::from(s))
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Body {
        Body::from(Bytes::from_static(s.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(s: &'static [u8]) -> Body {
        Body::from(Bytes::from_static(s))
    }
}

impl From<()> for Body {
    fn from((): ()) -> Body {
        Body::empty()
    }
}

/// The data chunks of a [`Body`] as a `Stream` (see [`Body::into_stream`]).
///
/// ```no_run
/// # fn f(body: wasio::http::Body) { let _s: wasio::http::BodyStream = body.into_stream(); }
/// ```
#[derive(Debug)]
pub struct BodyStream {
    body: Body,
}

impl Stream for BodyStream {
    type Item = Result<Bytes, Error>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match ready!(Pin::new(&mut this.body).poll_frame_inner(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Poll::Ready(Some(Ok(data)));
                    }
                }
            }
        }
    }
}

/// A [`Body`] read as bytes (see [`Body::into_reader`]); a body error is
/// an `io::Error` of kind `Other` with the [`Error`] as its source.
///
/// ```no_run
/// use futures_util::io::AsyncReadExt;
/// # async fn f(body: wasio::http::Body) -> std::io::Result<()> {
/// let mut text = String::new();
/// body.into_reader().read_to_string(&mut text).await?;
/// # Ok(()) }
/// ```
pub struct BodyReader(IntoAsyncRead<IoStream>);

/// The chunks of a [`BodyStream`] with `io::Error`s, for `IntoAsyncRead`.
type IoStream = MapErr<BodyStream, fn(Error) -> std::io::Error>;

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader").finish_non_exhaustive()
    }
}

impl futures_io::AsyncRead for BodyReader {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_read(cx, out)
    }
}

impl futures_io::AsyncBufRead for BodyReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<&[u8]>> {
        Pin::new(&mut self.get_mut().0).poll_fill_buf(cx)
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        Pin::new(&mut self.0).consume(amt)
    }
}

/// The sending side of [`Body::channel`].
///
/// ```no_run
/// # async fn f(mut tx: wasio::http::BodySender) -> Result<(), wasio::http::Error> {
/// tx.send_data("more").await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct BodySender {
    tx: mpsc::Sender<Result<Frame<Bytes>, Error>>,
}

impl BodySender {
    /// Sends a data chunk; waits while the receiver is behind.
    ///
    /// # Errors
    /// When the body was dropped (e.g. the client went away).
    ///
    /// ```no_run
    /// # async fn f(mut tx: wasio::http::BodySender) -> Result<(), wasio::http::Error> {
    /// tx.send_data(bytes::Bytes::from_static(b"x")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_data(&mut self, data: impl Into<Bytes>) -> Result<(), Error> {
        self.tx.send(Ok(Frame::data(data.into()))).await.map_err(|_| Error::msg("the body receiver is gone"))
    }

    /// Sends the trailers, ending the body.
    ///
    /// ```no_run
    /// # async fn f(mut tx: wasio::http::BodySender) -> Result<(), wasio::http::Error> {
    /// let mut t = http::HeaderMap::new();
    /// t.insert("x-checksum", "abc".parse().unwrap());
    /// tx.send_trailers(t).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_trailers(mut self, trailers: HeaderMap) -> Result<(), Error> {
        self.tx.send(Ok(Frame::trailers(trailers))).await.map_err(|_| Error::msg("the body receiver is gone"))
    }

    /// Sends every frame of `body` (data and trailers), then ends: a body
    /// piped through, e.g. to echo a request.
    ///
    /// # Errors
    /// An error of `body`, or the receiver being gone.
    ///
    /// ```no_run
    /// # async fn f(tx: wasio::http::BodySender, body: wasio::http::Body) -> Result<(), wasio::http::Error> {
    /// tx.send_body(body).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_body(mut self, mut body: Body) -> Result<(), Error> {
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame_inner(cx)).await {
            self.tx.send(frame).await.map_err(|_| Error::msg("the body receiver is gone"))?;
        }
        Ok(())
    }

    /// Ends the body with an error (the peer sees the transfer fail).
    ///
    /// ```no_run
    /// # async fn f(tx: wasio::http::BodySender) {
    /// tx.abort(wasio::http::Error::msg("backend failed")).await;
    /// # }
    /// ```
    pub async fn abort(mut self, error: Error) {
        let _ = self.tx.send(Err(error)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::Body;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Any split of a body into chunks, with or without trailers, arrives
    /// whole through a `Body::channel`; collected on wasio's executor.
    #[wasio::test]
    async fn channel_bodies_arrive_whole() {
        let chunks = prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..20);
        let cases = (chunks, any::<bool>());
        let mut runner = TestRunner::new(Config { cases: 300, failure_persistence: None, ..Config::default() });
        runner
            .run(&cases, |(chunks, with_trailers)| {
                let expected: Vec<u8> = chunks.concat();
                let (got, trailers) = crate::block_on(async move {
                    let (mut tx, body) = Body::channel();
                    crate::spawn(async move {
                        for c in chunks {
                            tx.send_data(c).await.unwrap();
                        }
                        if with_trailers {
                            let mut t = http::HeaderMap::new();
                            t.insert("x-sum", "1".parse().unwrap());
                            tx.send_trailers(t).await.unwrap();
                        }
                    });
                    body.collect_with_trailers().await.unwrap()
                });
                prop_assert_eq!(&got[..], &expected[..]);
                prop_assert_eq!(trailers.is_some(), with_trailers);
                Ok(())
            })
            .unwrap();
    }
}
