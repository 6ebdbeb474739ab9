//! `wasi:http` 0.3: the incoming body (a `stream<u8>` and a trailers
//! future), sending a body to the host, the client's `send` and the
//! handler export's plumbing.

use crate::bindings::wasi::http::client as wasi_client;
use crate::bindings::wasi::http::types::{Request as WasiRequest, Response as WasiResponse};
use crate::bindings::{wit_future, wit_stream};
use crate::http::body::{Inner, TrailersResult, content_length};
use crate::http::fields::{from_fields, head_fields, to_fields};
use crate::http::server::{IntoResponse, bad_request, request_head, response_fields, set_status, unsendable};
use crate::http::{Body, Error};
use crate::sys::stream::ByteReader;
use bytes::Bytes;
use futures_util::future::LocalBoxFuture;
use http::{HeaderMap, Request, Response};
use http_body::Frame;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use wit_bindgen::{FutureReader, StreamReader};

pub(crate) use crate::bindings::wasi::http::types::{
    ErrorCode, Fields, HeaderError, Method, Request as IncomingRequest, RequestOptions, Scheme,
};

/// A body's I/O error as the `error-code` the host gets.
fn io_to_code(e: &std::io::Error) -> ErrorCode {
    ErrorCode::InternalError(Some(e.to_string()))
}

/// The header list of `fields`.
pub(crate) fn entries(fields: &Fields) -> Vec<(String, Vec<u8>)> {
    fields.copy_all()
}

/// An incoming body (a handler's request, a client's response) as it is
/// read: its data stream, then its trailers.
pub(crate) struct Incoming {
    data: ByteReader,
    data_done: bool,
    /// The `content-length` the head announced, and the bytes seen so far:
    /// a body that ends short is an error, whatever the host reports.
    expected: Option<u64>,
    received: u64,
    trailers: Option<LocalBoxFuture<'static, TrailersResult>>,
    /// Our side of the `res` future passed to `consume-body`; dropped (which
    /// reports success) once the body has been read.
    _res: Option<wit_bindgen::FutureWriter<Result<(), ErrorCode>>>,
}

impl Incoming {
    /// Consumes `request`'s body from the host.
    pub(crate) fn from_request(request: WasiRequest, expected: Option<u64>) -> Incoming {
        let (res_tx, res_rx) = wit_future::new::<Result<(), ErrorCode>>(|| Ok(()));
        let (data, trailers) = WasiRequest::consume_body(request, res_rx);
        Incoming::new(data, trailers, res_tx, expected)
    }

    pub(crate) fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let inc = self;
        if !inc.data_done {
            let avail = ready!(inc.data.poll_fill_buf(cx)).map_err(Error::from)?.len();
            if avail > 0 {
                // Hand the filled buffer over without copying.
                let mut buf = Vec::new();
                let pos = inc.data.swap_buffer(&mut buf);
                inc.received += (buf.len() - pos) as u64;
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf).slice(pos..)))));
            }
            inc.data_done = true;
            if let Some(e) = crate::http::body::length_mismatch(inc.expected, inc.received) {
                inc.trailers = None;
                return Poll::Ready(Some(Err(e)));
            }
        }
        let Some(trailers) = inc.trailers.as_mut() else { return Poll::Ready(None) };
        let result = ready!(trailers.as_mut().poll(cx));
        inc.trailers = None;
        inc._res = None;
        match result {
            Ok(None) => Poll::Ready(None),
            Ok(Some(fields)) => Poll::Ready(Some(from_fields(&fields).map(Frame::trailers))),
            Err(code) => Poll::Ready(Some(Err(Error::from_code(code, "body")))),
        }
    }

    fn new(
        data: StreamReader<u8>,
        trailers: FutureReader<TrailersResult>,
        res: wit_bindgen::FutureWriter<Result<(), ErrorCode>>,
        expected: Option<u64>,
    ) -> Incoming {
        Incoming {
            data: ByteReader::new(data, None),
            data_done: false,
            expected,
            received: 0,
            trailers: Some(Box::pin(trailers.into_future())),
            _res: Some(res),
        }
    }
}

impl Body {
    /// Wraps the readable end of an incoming body.
    pub(crate) fn incoming(
        data: StreamReader<u8>,
        trailers: FutureReader<TrailersResult>,
        res: wit_bindgen::FutureWriter<Result<(), ErrorCode>>,
        headers: &HeaderMap,
    ) -> Body {
        Body { inner: Inner::Incoming(Incoming::new(data, trailers, res, content_length(headers))), content_type: None }
    }

    /// Starts sending this body to the host: the stream and trailers future
    /// for `request.new`/`response.new`, and the task that feeds them.
    ///
    /// The returned future feeds the stream and the trailers; the caller
    /// runs it as (part of) a task, which keeps the export alive until the
    /// body is sent. If the peer goes away, writes stop and the body (and
    /// whatever it was producing) is dropped.
    pub(crate) fn into_wasi(
        self,
    ) -> (Option<StreamReader<u8>>, FutureReader<TrailersResult>, Option<LocalBoxFuture<'static, ()>>) {
        let (trailers_tx, trailers_rx) = wit_future::new::<TrailersResult>(|| Ok(None));
        if let Inner::Empty = self.inner {
            drop(trailers_tx);
            return (None, trailers_rx, None);
        }
        let (mut data_tx, data_rx) = wit_stream::new::<u8>();
        if let Inner::Full(b) = self.inner {
            // In memory: one write, no trailers.
            let data = b.unwrap_or_default();
            let feed = async move {
                let result = if data.is_empty() || data_tx.write_all(Vec::from(data)).await.is_empty() {
                    Ok(None)
                } else {
                    Err(io_to_code(&std::io::Error::new(
                        std::io::ErrorKind::BrokenPipe,
                        "the peer stopped reading the body",
                    )))
                };
                drop(data_tx);
                let _ = trailers_tx.write(result).await;
            };
            return (Some(data_rx), trailers_rx, Some(Box::pin(feed) as LocalBoxFuture<'static, ()>));
        }
        let feed = async move {
            let mut body = self;
            let mut trailers = None;
            let outcome: Result<(), ErrorCode> = loop {
                match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame_inner(cx)).await {
                    None => break Ok(()),
                    Some(Err(e)) => break Err(ErrorCode::InternalError(Some(e.to_string()))),
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(data) => {
                            if data.is_empty() {
                                continue;
                            }
                            let rest = data_tx.write_all(Vec::from(data)).await;
                            if !rest.is_empty() {
                                break Err(io_to_code(&std::io::Error::new(
                                    std::io::ErrorKind::BrokenPipe,
                                    "the peer stopped reading the body",
                                )));
                            }
                        }
                        Err(frame) => trailers = frame.into_trailers().ok(),
                    },
                }
            };
            drop(body);
            drop(data_tx);
            let result = match (outcome, trailers) {
                (Err(code), _) => Err(code),
                (Ok(()), None) => Ok(None),
                (Ok(()), Some(map)) => match to_fields(&map) {
                    Ok(fields) => Ok(Some(fields)),
                    Err(e) => Err(ErrorCode::InternalError(Some(e.to_string()))),
                },
            };
            let _ = trailers_tx.write(result).await;
        };
        (Some(data_rx), trailers_rx, Some(Box::pin(feed)))
    }
}

/// Sends `body` with `parts` through `wasi:http/client.send`.
pub(crate) async fn send(
    options: Option<RequestOptions>,
    parts: http::request::Parts,
    body: Body,
) -> Result<Response<Body>, Error> {
    let fields = head_fields(&parts.headers, &body, None)?;
    let (contents, trailers, feed) = body.into_wasi();
    let (req, sent) = WasiRequest::new(fields, contents, trailers, options);
    // One task feeds the body, then keeps our end of "request
    // transmitted" open until the host is done sending: dropping it
    // early can make the host abandon the exchange.
    crate::spawn(async move {
        if let Some(feed) = feed {
            feed.await;
        }
        let _ = sent.await;
    });
    crate::http::client::set_request_head!(req, parts);
    let resp = wasi_client::send(req).await.map_err(|e| Error::from_code(e, "send"))?;
    response_from_wasi(resp)
}

fn response_from_wasi(resp: WasiResponse) -> Result<Response<Body>, Error> {
    let status = http::StatusCode::from_u16(resp.get_status_code())?;
    let headers = from_fields(&resp.get_headers())?;
    let (res_tx, res_rx) = wit_future::new::<Result<(), ErrorCode>>(|| Ok(()));
    let (data, trailers) = WasiResponse::consume_body(resp, res_rx);
    let mut r = Response::new(Body::incoming(data, trailers, res_tx, &headers));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    Ok(r)
}

/// Converts an incoming WASI request to `http::Request<Body>` (its body is
/// consumed from the host when first read).
fn request_from_wasi(req: WasiRequest) -> Result<Request<Body>, Error> {
    let parts = request_head(
        req.get_scheme(),
        req.get_authority(),
        req.get_path_with_query(),
        req.get_method(),
        &req.get_headers(),
    )?;
    let body = Body::request(req, &parts.headers);
    Ok(Request::from_parts(parts, body))
}

/// Converts `http::Response<Body>` to a WASI response, starting its body.
fn response_to_wasi(resp: Response<Body>) -> Result<WasiResponse, Error> {
    let (parts, body) = resp.into_parts();
    let fields = response_fields(&parts, &body)?;
    let (contents, trailers, feed) = body.into_wasi();
    let (response, done) = WasiResponse::new(fields, contents, trailers);
    // One task feeds the body, then keeps "response transmitted" open until
    // the host is done.
    crate::spawn(async move {
        if let Some(feed) = feed {
            feed.await;
        }
        let _ = done.await;
    });
    set_status(parts.status, |code| response.set_status_code(code))?;
    Ok(response)
}

/// Runs `handler` for one `wasi:http/handler.handle` call. Used by
/// `#[wasio::http::handler]`.
#[doc(hidden)]
pub async fn serve<F, Fut, R>(request: WasiRequest, handler: F) -> Result<WasiResponse, ErrorCode>
where
    F: FnOnce(Request<Body>) -> Fut,
    Fut: Future<Output = R>,
    R: IntoResponse,
{
    // (Inline: an `async fn` wrapper around the handler call costs the
    // request about 900 guest instructions.)
    let response = match request_from_wasi(request) {
        Ok(req) => handler(req).await.into_response(),
        Err(e) => bad_request(e),
    };
    match response_to_wasi(response) {
        Ok(r) => Ok(r),
        Err(e) => response_to_wasi(unsendable(e)).map_err(|e| ErrorCode::InternalError(Some(e.to_string()))),
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] Incoming);
