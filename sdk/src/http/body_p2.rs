//! [`Body`]'s WASI 0.2 side (feature `p2`): a handler's request body read
//! from an `incoming-body` (data stream, then the trailers future), and a
//! body sent into an `outgoing-body`.

use super::{Body, Error, TrailersResult};
use crate::io::stream_p2::{InputReader, OutputWriter};
use crate::rt::{Registration, ready, register_pollable, wait_until};
use bytes::Bytes;
use http_body::Frame;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasip2::http::types::{Fields, FutureTrailers, IncomingBody, IncomingRequest, IncomingResponse, OutgoingBody};
use wasip2::io::streams::StreamError;

/// What an incoming body belongs to (kept alive until the body is done).
enum Owner {
    Request(#[allow(dead_code)] IncomingRequest),
    Response(#[allow(dead_code)] IncomingResponse),
}

/// How much one read asks the host for.
const READ_CHUNK: u64 = 256 * 1024;

/// A request body being read. Fields drop in order: pollables and the data
/// stream before the body they belong to, the body before its request.
pub(crate) struct Incoming {
    waiting: Option<Registration>,
    data: InputReader,
    trailers: Option<FutureTrailers>,
    body: Option<IncomingBody>,
    /// The `content-length` the head announced, and the bytes seen so far.
    expected: Option<u64>,
    received: u64,
    _owner: Owner,
}

impl Incoming {
    /// Starts reading `request`'s body. A body the host cannot give (already
    /// consumed) reads as empty.
    pub(crate) fn from_request(request: IncomingRequest, expected: Option<u64>) -> Incoming {
        let body = request.consume().ok();
        Incoming::new(body, expected, Owner::Request(request))
    }

    /// Starts reading a client response's body.
    pub(crate) fn from_response(response: IncomingResponse, expected: Option<u64>) -> Incoming {
        let body = response.consume().ok();
        Incoming::new(body, expected, Owner::Response(response))
    }

    fn new(body: Option<IncomingBody>, expected: Option<u64>, owner: Owner) -> Incoming {
        let stream = body.as_ref().and_then(|b| b.stream().ok());
        let data = match stream {
            Some(s) => InputReader::new(s),
            None => InputReader::closed(),
        };
        Incoming { waiting: None, data, trailers: None, body, expected, received: 0, _owner: owner }
    }

    /// Nothing was read yet, so the data can move host to host.
    fn untouched(&self) -> bool {
        self.body.is_some() && self.received == 0
    }

    /// Moves the data into `out` with `splice` (host to host: no copy
    /// through the guest, and no guest memory), then gets the trailers.
    /// `Err` if the data fails, or its length differs from the
    /// `content-length`.
    async fn splice_into(&mut self, out: &OutputWriter) -> Result<Option<Fields>, ()> {
        let (Some(input), Some(output)) = (self.data.stream(), out.stream()) else { return Err(()) };
        // One pollable each way for the whole transfer (dropped before the
        // streams): room in the output, then input, then one `splice`.
        let (mut room, mut data) = (output.subscribe(), input.subscribe());
        loop {
            room = ready(room).await;
            data = ready(data).await;
            match output.splice(input, u64::MAX) {
                Ok(n) => self.received += n,
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(_)) => return Err(()),
            }
        }
        drop((room, data));
        if super::length_mismatch(self.expected, self.received).is_some() {
            return Err(());
        }
        // The data stream goes before the body may finish.
        self.data = InputReader::closed();
        let trailers = IncomingBody::finish(self.body.take().ok_or(())?);
        match wait_until(|| trailers.subscribe(), || trailers.get()).await {
            Ok(Ok(fields)) => Ok(fields),
            _ => Err(()),
        }
    }

    pub(crate) fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        if self.body.is_some() {
            match self.data.poll_chunk(cx, READ_CHUNK, "request body") {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => {
                    // The stream goes before the body it belongs to.
                    self.data = InputReader::closed();
                    self.body = None;
                    return Poll::Ready(Some(Err(Error::from(e))));
                }
                Poll::Ready(Ok(Some(chunk))) => {
                    self.received += chunk.len() as u64;
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))));
                }
                Poll::Ready(Ok(None)) => {
                    if let Some(e) = super::length_mismatch(self.expected, self.received) {
                        self.body = None;
                        return Poll::Ready(Some(Err(e)));
                    }
                    // The data stream is done (dropped): the body may finish.
                    self.trailers = self.body.take().map(IncomingBody::finish);
                }
            }
        }
        let Some(trailers) = &self.trailers else { return Poll::Ready(None) };
        let got = trailers.get();
        self.waiting = None;
        let result: TrailersResult = match got {
            None => {
                self.waiting = Some(register_pollable(trailers.subscribe(), cx.waker()));
                return Poll::Pending;
            }
            Some(Err(())) => Ok(None),
            Some(Ok(r)) => r,
        };
        self.trailers = None;
        match result {
            Ok(None) => Poll::Ready(None),
            Ok(Some(fields)) => Poll::Ready(Some(super::from_fields(&fields).map(Frame::trailers))),
            Err(code) => Poll::Ready(Some(Err(Error::from_code(code, "body")))),
        }
    }
}

impl Body {
    /// This body's incoming side, if it is an incoming body nobody has read
    /// from yet (a request body is consumed from the host here).
    fn untouched_incoming(&mut self) -> Option<&mut Incoming> {
        if let super::Inner::Unread(request, expected) = &mut self.inner
            && let Some(request) = request.take()
        {
            self.inner = super::Inner::Incoming(Incoming::from_request(request, *expected));
        }
        match &mut self.inner {
            super::Inner::Incoming(incoming) if incoming.untouched() => Some(incoming),
            _ => None,
        }
    }

    /// The body of a client response, read as it arrives.
    pub(crate) fn response(response: IncomingResponse, headers: &http::HeaderMap) -> Body {
        Body {
            inner: super::Inner::Incoming(Incoming::from_response(response, super::content_length(headers))),
            content_type: None,
        }
    }

    /// Sends this body into `outgoing`: its data through the body's stream,
    /// then its trailers. If the body fails or the peer goes away, the
    /// outgoing body is dropped unfinished, so the peer sees the transfer
    /// fail.
    pub(crate) async fn send_wasi(self, outgoing: OutgoingBody) {
        /// The stream must go before the body it belongs to, also when this
        /// future is dropped half-way: fields drop in declaration order.
        struct Sending {
            writer: OutputWriter,
            outgoing: Option<OutgoingBody>,
        }
        let Ok(stream) = outgoing.write() else { return };
        let mut sending = Sending { writer: OutputWriter::new(stream), outgoing: Some(outgoing) };
        let writer = &mut sending.writer;
        let mut body = self;
        if let Some(incoming) = body.untouched_incoming() {
            // An incoming body passed on as it is (an echo, a proxy): host
            // to host.
            let spliced = incoming.splice_into(writer).await;
            drop(body);
            let ok = spliced.is_ok() && writer.flush("response body").await.is_ok();
            writer.close();
            if let (true, Ok(trailers), Some(outgoing)) = (ok, spliced, sending.outgoing.take()) {
                let _ = OutgoingBody::finish(outgoing, trailers);
            }
            return;
        }
        let mut trailers = None;
        let mut ok = true;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame_inner(cx)).await {
            let Ok(frame) = frame else {
                ok = false;
                break;
            };
            match frame.into_data() {
                Ok(data) => {
                    if writer.write_all(&data, "response body").await.is_err() {
                        ok = false;
                        break;
                    }
                }
                Err(frame) => trailers = frame.into_trailers().ok(),
            }
        }
        drop(body);
        ok = ok && writer.flush("response body").await.is_ok();
        // The stream goes before the body is finished.
        writer.close();
        if ok && let Some(outgoing) = sending.outgoing.take() {
            let _ = crate::http::server_p2::finish(outgoing, trailers);
        }
    }
}
