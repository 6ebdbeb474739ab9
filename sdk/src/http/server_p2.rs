//! The server side on WASI 0.2 (feature `p2`): `wasi:http/incoming-handler`
//! on `http` types. WASI 0.2 exports are synchronous, so the export call
//! blocks on the handler, on sending the response body, and on every task
//! the handler spawned — as on WASI 0.3, where such tasks keep the export
//! alive — and only then returns.

use super::body::Body;
use super::error::Error;
use super::fields::to_fields;
use super::server::{IntoResponse, request_head, response_fields};
use http::{Request, StatusCode};
use std::future::Future;
use wasip2::http::types::{ErrorCode, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};

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
    if parts.status != StatusCode::OK {
        response
            .set_status_code(parts.status.as_u16())
            .map_err(|()| Error::msg(format!("invalid status {}", parts.status.as_u16())))?;
    }
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
        let response = match request_from_wasi(request) {
            Ok(req) => handler(req).await.into_response(),
            Err(e) => (StatusCode::BAD_REQUEST, format!("bad request: {e}\n")).into_response(),
        };
        let (parts, body) = response.into_parts();
        let (head, body) = match response_head(&parts, &body) {
            Ok(head) => (head, body),
            // E.g. a header the host refuses: answer 500 instead of trapping.
            Err(e) => {
                let (parts, body) = (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response().into_parts();
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
