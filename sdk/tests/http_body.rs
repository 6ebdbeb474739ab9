//! Guest-side tests of `wasio::http::Body` and `IntoResponse`.

use bytes::Bytes;
use http_body::Body as _;
use wasio::http::{Body, Error, IntoResponse, StatusCode};

#[wasio::test]
async fn full_bodies_collect() -> Result<(), Error> {
    assert_eq!(Body::from("hello").text().await?, "hello");
    assert_eq!(Body::empty().bytes().await?, Bytes::new());
    assert!(Body::empty().is_end_stream());
    assert_eq!(Body::from(vec![1u8, 2, 3]).size_hint().exact(), Some(3));
    Ok(())
}

#[wasio::test]
async fn channel_bodies_carry_data_and_trailers() -> Result<(), Error> {
    let (mut tx, body) = Body::channel();
    wasio::spawn(async move {
        tx.send_data("a").await?;
        tx.send_data("b").await?;
        let mut t = http::HeaderMap::new();
        t.insert("x-end", "yes".parse().unwrap());
        tx.send_trailers(t).await
    });
    let (data, trailers) = body.collect_with_trailers().await?;
    assert_eq!(data, Bytes::from_static(b"ab"));
    assert_eq!(trailers.unwrap()["x-end"], "yes");
    Ok(())
}

#[wasio::test]
async fn stream_bodies_and_errors() {
    let s = futures_util::stream::iter(vec![Ok::<_, std::io::Error>("x"), Err(std::io::Error::other("boom"))]);
    let err = Body::from_stream(s).bytes().await.unwrap_err();
    assert!(err.to_string().contains("boom"));
    let (tx, body) = Body::channel();
    tx.abort(Error::msg("aborted")).await;
    assert!(body.text().await.unwrap_err().to_string().contains("aborted"));
}

#[wasio::test]
async fn into_response_maps_errors_to_500() {
    let r: Result<&str, Error> = Err(Error::msg("bad"));
    let resp = r.into_response();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(resp.into_body().text().await.unwrap(), "bad\n");
    let resp = Error::with_status(StatusCode::NOT_FOUND, "gone").into_response();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!((StatusCode::CREATED, "made").into_response().status(), StatusCode::CREATED);
}

#[cfg(feature = "json")]
#[wasio::test]
async fn json_round_trip() -> Result<(), Error> {
    let body = Body::from_json(&serde_json::json!({"n": 3}))?;
    let v: serde_json::Value = body.json().await?;
    assert_eq!(v["n"], 3);
    let bad: Result<serde_json::Value, Error> = Body::from("{").json().await;
    assert_eq!(bad.unwrap_err().status(), StatusCode::BAD_REQUEST);
    Ok(())
}

#[wasio::test]
async fn errors_are_std_errors_that_box_and_keep_their_status() -> Result<(), Error> {
    fn send_sync_static<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    let e = Error::with_status(StatusCode::NOT_FOUND, "no such note");
    send_sync_static(&e);
    // Into tower/axum's BoxError and back, with the status kept.
    let boxed: Box<dyn std::error::Error + Send + Sync> = e.into();
    assert_eq!(boxed.to_string(), "no such note");
    let back = Error::from(boxed);
    assert_eq!(back.status(), StatusCode::NOT_FOUND);
    // A wrapped error is the source; a foreign boxed one too.
    let parse = "x".parse::<std::net::IpAddr>().unwrap_err();
    let e = Error::new(parse.clone());
    assert_eq!(std::error::Error::source(&e).map(|s| s.to_string()), Some(parse.to_string()));
    let e = Error::from(Box::<dyn std::error::Error + Send + Sync>::from(parse));
    assert!(std::error::Error::source(&e).is_some());
    assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // `?` conversions: a timeout is a 504, an io error a 500.
    let slow = wasio::time::timeout(std::time::Duration::ZERO, std::future::pending::<()>()).await;
    let e: Error = slow.unwrap_err().into();
    assert_eq!(e.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(e.into_response().status(), StatusCode::GATEWAY_TIMEOUT);
    let e: Error = std::io::Error::other("disk on fire").into();
    let resp = e.into_response();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(resp.into_body().text().await?, "disk on fire\n");
    Ok(())
}

#[wasio::test]
async fn json_and_text_responses_carry_their_content_type() -> Result<(), Error> {
    let r = (StatusCode::NOT_FOUND, String::from("gone")).into_response();
    assert_eq!((r.status(), r.body().content_type()), (StatusCode::NOT_FOUND, Some("text/plain; charset=utf-8")));
    assert_eq!("hi".into_response().body().content_type(), Some("text/plain; charset=utf-8"));
    let r = (StatusCode::CREATED, wasio::http::Json(serde_json::json!({"id": 7}))).into_response();
    assert_eq!((r.status(), r.body().content_type()), (StatusCode::CREATED, Some("application/json")));
    assert_eq!(r.into_body().text().await?, r#"{"id":7}"#);
    assert_eq!(Body::from_json(&[1, 2])?.content_type(), Some("application/json"));
    // Bytes, plain bodies and wrapped ones say nothing.
    assert_eq!(Body::from("x").content_type(), None);
    assert_eq!(bytes::Bytes::from_static(b"x").into_response().body().content_type(), None);
    Ok(())
}

#[wasio::test]
async fn readers_become_bodies_and_bodies_readers() -> Result<(), Error> {
    use futures_util::io::{AsyncBufReadExt, AsyncReadExt};
    // 200 KiB + 1 of patterned bytes through `from_reader` (several chunks).
    let data: Vec<u8> = (0..200 * 1024 + 1).map(|i| (i % 251) as u8).collect();
    let body = Body::from_reader(futures_util::io::Cursor::new(data.clone()));
    assert_eq!(body.size_hint().exact(), None);
    let mut chunks = 0;
    let mut stream = body.into_stream();
    let mut got = Vec::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = chunk?;
        assert!(!chunk.is_empty() && chunk.len() <= 64 * 1024);
        got.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!((got == data, chunks), (true, 4));
    // And back: a channel body read with `AsyncRead`, then line by line.
    let (mut tx, body) = Body::channel();
    wasio::spawn(async move {
        tx.send_data("line one\nline ").await?;
        tx.send_data("two\n").await
    });
    let mut text = String::new();
    body.into_reader().read_to_string(&mut text).await?;
    assert_eq!(text, "line one\nline two\n");
    let mut lines = Body::from("a\nb\n").into_reader().lines();
    assert_eq!(futures_util::StreamExt::next(&mut lines).await.transpose()?, Some("a".into()));
    // A body that fails mid-way is an io::Error with the body error inside.
    let (mut tx, body) = Body::channel();
    wasio::spawn(async move {
        tx.send_data("partial").await?;
        tx.abort(Error::msg("upstream went away")).await;
        Ok::<_, Error>(())
    });
    let mut out = Vec::new();
    let err = body.into_reader().read_to_end(&mut out).await.unwrap_err();
    assert_eq!((out.as_slice(), err.to_string().as_str()), (b"partial".as_slice(), "upstream went away"));
    // A reader error ends a `from_reader` body with that error.
    struct Broken;
    impl futures_io::AsyncRead for Broken {
        fn poll_read(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            _: &mut [u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            std::task::Poll::Ready(Err(std::io::Error::other("disk gone")))
        }
    }
    let err = Body::from_reader(Broken).bytes().await.unwrap_err();
    assert_eq!(err.to_string(), "disk gone");
    Ok(())
}

#[wasio::test]
async fn any_http_body_wraps_with_its_size_hint_and_trailers() -> Result<(), Error> {
    use http_body::Frame;
    // A fixed-size body keeps its exact size (the response's content-length).
    let body = Body::new(http_body_util::Full::new(Bytes::from_static(b"twelve bytes")));
    assert_eq!(body.size_hint().exact(), Some(12));
    assert!(!body.is_end_stream());
    assert_eq!(body.text().await?, "twelve bytes");
    assert!(Body::new(http_body_util::Empty::<Bytes>::new()).is_end_stream());
    // A streamed one keeps its frames and trailers, and its errors.
    let mut trailers = http::HeaderMap::new();
    trailers.insert("x-sum", "42".parse().unwrap());
    let frames = vec![
        Ok::<_, std::io::Error>(Frame::data(Bytes::from("a"))),
        Ok(Frame::data(Bytes::from("b"))),
        Ok(Frame::trailers(trailers)),
    ];
    let body = Body::new(http_body_util::StreamBody::new(futures_util::stream::iter(frames)));
    assert_eq!(body.size_hint().exact(), None);
    let (data, trailers) = body.collect_with_trailers().await?;
    assert_eq!((data, trailers.unwrap()["x-sum"].to_str().unwrap()), (Bytes::from("ab"), "42"));
    let failing = futures_util::stream::iter(vec![Err::<Frame<Bytes>, _>(std::io::Error::other("boom"))]);
    assert_eq!(Body::new(http_body_util::StreamBody::new(failing)).bytes().await.unwrap_err().to_string(), "boom");
    Ok(())
}

/// A tower service's answer through `call_service`: its trailers and its
/// size hint come through (what a fixed-size answer's `content-length` is
/// made from), and a service error is a 500 naming it.
#[cfg(feature = "tower")]
#[wasio::test]
async fn a_tower_services_answer_keeps_its_trailers_and_size() -> Result<(), Error> {
    use http_body::Frame;
    use std::task::{Context, Poll};

    #[derive(Clone)]
    struct Svc(bool);
    impl tower_service::Service<http::Request<Body>> for Svc {
        type Response = http::Response<
            http_body_util::StreamBody<
                futures_util::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, std::io::Error>>>,
            >,
        >;
        type Error = std::io::Error;
        type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, _: http::Request<Body>) -> Self::Future {
            if self.0 {
                return std::future::ready(Err(std::io::Error::other("service down")));
            }
            let mut t = http::HeaderMap::new();
            t.insert("x-sum", "42".parse().unwrap());
            let frames = vec![Ok(Frame::data(Bytes::from_static(b"ab"))), Ok(Frame::trailers(t))];
            std::future::ready(Ok(http::Response::new(http_body_util::StreamBody::new(futures_util::stream::iter(
                frames,
            )))))
        }
    }
    let req = || http::Request::new(Body::empty());
    let (data, trailers) =
        wasio::http::call_service(Svc(false), req()).await.into_body().collect_with_trailers().await?;
    assert_eq!(data, Bytes::from_static(b"ab"));
    assert_eq!(trailers.unwrap()["x-sum"], "42");
    let full = http_body_util::Full::new(Bytes::from_static(b"hello"));
    let svc = tower_service_fn(move || full.clone());
    let r = wasio::http::call_service(svc, req()).await;
    assert_eq!(r.body().size_hint().exact(), Some(5));
    let r = wasio::http::call_service(Svc(true), req()).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.into_body().text().await?, "service down\n");
    Ok(())
}

/// A service that answers every request with `make()`'s body.
#[cfg(feature = "tower")]
fn tower_service_fn<B, F: Fn() -> B + Clone>(
    make: F,
) -> impl tower_service::Service<
    http::Request<Body>,
    Response = http::Response<B>,
    Error = std::convert::Infallible,
    Future = std::future::Ready<Result<http::Response<B>, std::convert::Infallible>>,
> {
    #[derive(Clone)]
    struct Make<F>(F);
    impl<B, F: Fn() -> B> tower_service::Service<http::Request<Body>> for Make<F> {
        type Response = http::Response<B>;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<http::Response<B>, std::convert::Infallible>>;
        fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn call(&mut self, _: http::Request<Body>) -> Self::Future {
            std::future::ready(Ok(http::Response::new((self.0)())))
        }
    }
    Make(make)
}
