//! Guest-side tests of the `tokio-io` feature: tokio's traits and
//! `tokio-util` codecs on wasio byte streams (no tokio runtime).
#![cfg(feature = "tokio-io")]

use futures_util::{SinkExt, StreamExt};
use tokio_util::codec::{FramedRead, FramedWrite, LinesCodec};
use wasio::bindings::wit_stream;
use wasio::wit::{ByteReader, ByteWriter};

#[wasio::test]
async fn a_tokio_util_line_codec_runs_over_a_byte_stream() {
    let (tx, rx) = wit_stream::new::<u8>();
    let writer = wasio::spawn(async move {
        let mut lines = FramedWrite::new(ByteWriter::new(tx), LinesCodec::new());
        for i in 0..1000 {
            lines.send(format!("line {i}")).await?;
        }
        SinkExt::<String>::close(&mut lines).await
    });
    let got: Vec<String> =
        FramedRead::new(ByteReader::new(rx), LinesCodec::new()).map(|line| line.expect("a valid line")).collect().await;
    writer.await.unwrap().unwrap();
    assert_eq!(got.len(), 1000);
    assert_eq!(got[0], "line 0");
    assert_eq!(got[999], "line 999");
}

#[wasio::test]
async fn tokio_io_copy_moves_every_byte() {
    use tokio::io::AsyncWriteExt;
    let (src_tx, src_rx) = wit_stream::new::<u8>();
    let (dst_tx, dst_rx) = wit_stream::new::<u8>();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let expected = data.clone();
    let feed = wasio::spawn(async move {
        let mut tx = ByteWriter::new(src_tx);
        tx.write_all(&data).await?;
        tx.shutdown().await
    });
    let copy = wasio::spawn(async move {
        let (mut from, mut to) = (ByteReader::new(src_rx), ByteWriter::new(dst_tx));
        let n = tokio::io::copy(&mut from, &mut to).await?;
        to.shutdown().await?;
        std::io::Result::Ok(n)
    });
    let mut got = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut ByteReader::new(dst_rx), &mut got).await.unwrap();
    feed.await.unwrap().unwrap();
    assert_eq!(copy.await.unwrap().unwrap(), 300_000);
    assert!(got == expected, "copied bytes differ");
}
