//! `wasi:http` 0.2: an incoming body (`incoming-body`: its input stream,
//! then its trailers), sending a body into an `outgoing-body`, the client
//! (`wasi:http/outgoing-handler`) and the handler export
//! (`wasi:http/incoming-handler`). WASI 0.2 exports are synchronous, so
//! the export call blocks on the handler, on sending the response body, and
//! on every task the handler spawned (as on WASI 0.3, where such tasks keep
//! the export alive), and only then returns.

use crate::http::body::{Inner, TrailersResult, content_length};
use crate::http::fields::{from_fields, head_fields, to_fields};
use crate::http::server::{IntoResponse, bad_request, request_head, response_fields, set_status, unsendable};
use crate::http::{Body, Error};
use crate::rt::{Registration, ready, register_pollable, wait_until};
use crate::sys::stream::{InputReader, OutputWriter};
use bytes::Bytes;
use http::{Request, Response};
use http_body::Frame;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    FutureTrailers, IncomingBody, IncomingResponse, OutgoingBody, OutgoingRequest, OutgoingResponse, ResponseOutparam,
};
use wasip2::io::streams::StreamError;

pub(crate) use wasip2::http::types::{ErrorCode, Fields, HeaderError, IncomingRequest, Method, RequestOptions, Scheme};

/// The header list of `fields`.
pub(crate) fn entries(fields: &Fields) -> Vec<(String, Vec<u8>)> {
    fields.entries()
}

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
        if crate::http::body::length_mismatch(self.expected, self.received).is_some() {
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
                    if let Some(e) = crate::http::body::length_mismatch(self.expected, self.received) {
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
            Ok(Some(fields)) => Poll::Ready(Some(from_fields(&fields).map(Frame::trailers))),
            Err(code) => Poll::Ready(Some(Err(Error::from_code(code, "body")))),
        }
    }
}

impl Body {
    /// This body's incoming side, if it is an incoming body nobody has read
    /// from yet (a request body is consumed from the host here).
    fn untouched_incoming(&mut self) -> Option<&mut Incoming> {
        if let Inner::Unread(request, expected) = &mut self.inner
            && let Some(request) = request.take()
        {
            self.inner = Inner::Incoming(Incoming::from_request(request, *expected));
        }
        match &mut self.inner {
            Inner::Incoming(incoming) if incoming.untouched() => Some(incoming),
            _ => None,
        }
    }

    /// The body of a client response, read as it arrives.
    pub(crate) fn response(response: IncomingResponse, headers: &http::HeaderMap) -> Body {
        Body { inner: Inner::Incoming(Incoming::from_response(response, content_length(headers))), content_type: None }
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
            let _ = finish(outgoing, trailers);
        }
    }
}

/// Sends `body` with `parts` through `wasi:http/outgoing-handler`; the
/// request body is sent by a task while the response arrives.
pub(crate) async fn send(
    options: Option<RequestOptions>,
    parts: http::request::Parts,
    body: Body,
) -> Result<Response<Body>, Error> {
    let req = OutgoingRequest::new(head_fields(&parts.headers, &body, None)?);
    crate::http::client::set_request_head!(req, parts);
    let outgoing = req.body().map_err(|()| Error::msg("invalid request body"))?;
    let future = outgoing_handler::handle(req, options).map_err(|e| Error::from_code(e, "send"))?;
    crate::spawn(body.send_wasi(outgoing));
    // The wait borrows `future`, so it (with its pollable, a child of
    // `future`) is always dropped first, also half-way.
    let resp = match wait_until(|| future.subscribe(), || future.get()).await {
        Err(()) => Err(Error::msg("the response was taken twice")),
        Ok(Err(code)) => Err(Error::from_code(code, "send")),
        Ok(Ok(resp)) => Ok(resp),
    }?;
    response_from_wasi(resp)
}

fn response_from_wasi(resp: IncomingResponse) -> Result<Response<Body>, Error> {
    let status = http::StatusCode::from_u16(resp.status())?;
    let headers = from_fields(&resp.headers())?;
    let mut r = Response::new(Body::response(resp, &headers));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    Ok(r)
}

/// Converts an incoming WASI 0.2 request to `http::Request<Body>`.
fn request_from_wasi(req: IncomingRequest) -> Result<Request<Body>, Error> {
    let parts = request_head(req.scheme(), req.authority(), req.path_with_query(), req.method(), &req.headers())?;
    let body = Body::request(req, &parts.headers);
    Ok(Request::from_parts(parts, body))
}

/// The head of `resp` as a WASI 0.2 response, with `content-length` for a
/// body held in memory.
fn response_head(parts: &http::response::Parts, body: &Body) -> Result<OutgoingResponse, Error> {
    let response = OutgoingResponse::new(response_fields(parts, body)?);
    set_status(parts.status, |code| response.set_status_code(code))?;
    Ok(response)
}

/// Runs `handler` for one `wasi:http/incoming-handler.handle` call. Used
/// by `#[wasio::http::handler]` under `p2`.
#[doc(hidden)]
pub fn serve<F, Fut, R>(request: IncomingRequest, out: ResponseOutparam, handler: F)
where
    F: FnOnce(Request<Body>) -> Fut,
    Fut: Future<Output = R>,
    R: IntoResponse,
{
    crate::rt::block_on_all(async move {
        // (Inline: an `async fn` wrapper around the handler call costs the
        // request about 900 guest instructions.)
        let response = match request_from_wasi(request) {
            Ok(req) => handler(req).await.into_response(),
            Err(e) => bad_request(e),
        };
        let (parts, body) = response.into_parts();
        let (head, body) = match response_head(&parts, &body) {
            Ok(head) => (head, body),
            Err(e) => {
                let (parts, body) = unsendable(e).into_parts();
                match response_head(&parts, &body) {
                    Ok(head) => (head, body),
                    Err(e) => {
                        ResponseOutparam::set(out, Err(ErrorCode::InternalError(Some(e.to_string()))));
                        return;
                    }
                }
            }
        };
        let Ok(outgoing) = head.body() else {
            ResponseOutparam::set(out, Err(ErrorCode::InternalError(Some("response body taken twice".into()))));
            return;
        };
        ResponseOutparam::set(out, Ok(head));
        body.send_wasi(outgoing).await;
    });
}

/// Finishes `body` after its stream is done, with `trailers`.
pub(crate) fn finish(body: OutgoingBody, trailers: Option<http::HeaderMap>) -> Result<(), Error> {
    let trailers = trailers.map(|t| to_fields(&t)).transpose()?;
    OutgoingBody::finish(body, trailers).map_err(|e| Error::from_code(e, "finishing the body"))
}
