//! The client side on WASI 0.2 (feature `p2`): `wasi:http/outgoing-handler`
//! on `http` types, with the same [`Client`] as on WASI 0.3.

use super::body::Body;
use super::client::Client;
use super::error::Error;
use super::fields::{from_fields, head_fields};
use super::server::method_to_wasi;
use http::{Request, Response};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{IncomingResponse, OutgoingRequest, Scheme};

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
        let body: Body = body.into();
        let req = OutgoingRequest::new(head_fields(&parts.headers, &body, None)?);
        super::client::set_request_head!(req, parts);
        let outgoing = req.body().map_err(|()| Error::msg("invalid request body"))?;
        let future = outgoing_handler::handle(req, self.options()?).map_err(|e| Error::from_code(e, "send"))?;
        crate::spawn(body.send_wasi(outgoing));
        // The wait borrows `future`, so it (with its pollable, a child of
        // `future`) is always dropped first, also half-way.
        let resp = match crate::rt::wait_until(|| future.subscribe(), || future.get()).await {
            Err(()) => Err(Error::msg("the response was taken twice")),
            Ok(Err(code)) => Err(Error::from_code(code, "send")),
            Ok(Ok(resp)) => Ok(resp),
        }?;
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
