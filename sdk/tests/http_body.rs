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
