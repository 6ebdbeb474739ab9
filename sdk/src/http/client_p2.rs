//! The client side on WASI 0.2 (feature `p2`): `wasi:http/outgoing-handler`
//! on `http` types, with the same [`Client`] as on WASI 0.3.

use super::body::Body;
use super::client::Client;
use super::error::Error;
use super::fields::{from_fields, to_fields};
use super::server::method_to_wasi;
use crate::rt::{Registration, register_pollable};
use http::{Request, Response};
use std::task::Poll;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{FutureIncomingResponse, IncomingResponse, OutgoingRequest, Scheme};

/// A response on its way: its pollable goes before the future it belongs
/// to.
struct Pending {
    waiting: Option<Registration>,
    future: FutureIncomingResponse,
}

impl Client {
    /// Sends `request`; the response arrives as soon as its head does, its
    /// body streams, and the request body is sent by a task meanwhile.
    ///
    /// # Errors
    /// Invalid headers, and host errors (connection refused, timeouts, ...)
    /// with their WASI `error-code` kept ([`Error::code_name`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), wasio::http::Error> {
    /// let req = http::Request::put("http://127.0.0.1:8080/item").body("value")?;
    /// let status = wasio::http::Client::new().send(req).await?.status();
    /// # Ok(()) }
    /// ```
    pub async fn send<B: Into<Body>>(&self, request: Request<B>) -> Result<Response<Body>, Error> {
        let (parts, body) = request.into_parts();
        let req = OutgoingRequest::new(to_fields(&parts.headers)?);
        super::client::set_request_head!(req, parts);
        let outgoing = req.body().map_err(|()| Error::msg("invalid request body"))?;
        let future = outgoing_handler::handle(req, self.options()?).map_err(|e| Error::from_code(e, "send"))?;
        crate::spawn(body.into().send_wasi(outgoing));
        let mut pending = Pending { waiting: None, future };
        let resp = std::future::poll_fn(|cx| {
            let got = pending.future.get();
            pending.waiting = None;
            match got {
                None => {
                    pending.waiting = Some(register_pollable(pending.future.subscribe(), cx.waker()));
                    Poll::Pending
                }
                Some(Err(())) => Poll::Ready(Err(Error::msg("the response was taken twice"))),
                Some(Ok(Err(code))) => Poll::Ready(Err(Error::from_code(code, "send"))),
                Some(Ok(Ok(resp))) => Poll::Ready(Ok(resp)),
            }
        })
        .await?;
        response_from_wasi(resp)
    }
}

fn response_from_wasi(resp: IncomingResponse) -> Result<Response<Body>, Error> {
    let status = http::StatusCode::from_u16(resp.status())?;
    let headers = from_fields(&resp.headers())?;
    let mut r = Response::new(Body::response(resp, &headers));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    Ok(r)
}
