//! An HTTP server component on wasio: `wasmtime serve` calls `handle` for
//! every request, many at once.

use wasio::http::{Body, IntoResponse, Request, Response, StatusCode};

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> Response<Body> {
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/") => "Hello from {{project-name}}!\n".into_response(),
        ("POST", "/echo") => Response::new(req.into_body()),
        _ => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

#[wasio::test]
async fn answers_hello_and_404() {
    let res = handle(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.into_body().text().await.unwrap(), "Hello from {{project-name}}!\n");
    let res = handle(Request::get("/nope").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
