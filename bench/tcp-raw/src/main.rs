//! `bench_tcp_raw ADDR`: the TCP echo server of `examples/tcp-echo`,
//! written on the raw `wasip3` bindings (wit-bindgen's executor and
//! `spawn_local`), as the benchmark baseline.

use wasip3::sockets::types::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, TcpSocket};
use wasip3::wit_bindgen::StreamResult;

struct Echo;

impl wasip3::exports::cli::run::Guest for Echo {
    async fn run() -> Result<(), ()> {
        let args = wasip3::cli::environment::get_arguments();
        let addr: std::net::SocketAddrV4 = args.get(1).and_then(|a| a.parse().ok()).ok_or(())?;
        let o = addr.ip().octets();
        let sock = TcpSocket::create(IpAddressFamily::Ipv4).map_err(|_| ())?;
        sock.bind(IpSocketAddress::Ipv4(Ipv4SocketAddress { port: addr.port(), address: (o[0], o[1], o[2], o[3]) }))
            .map_err(|_| ())?;
        let mut incoming = sock.listen().map_err(|_| ())?;
        println!("listening on {addr}");
        while let Some(conn) = incoming.next().await {
            wasip3::wit_bindgen::spawn_local(async move {
                let (mut rx, rx_done) = conn.receive();
                let (mut tx, tx_rx) = wasip3::wit_stream::new::<u8>();
                let tx_done = conn.send(tx_rx);
                let mut buf = Vec::with_capacity(64 * 1024);
                loop {
                    buf.clear();
                    let (result, b) = rx.read(buf).await;
                    buf = b;
                    if !buf.is_empty() {
                        let rest = tx.write_all(std::mem::take(&mut buf)).await;
                        if !rest.is_empty() {
                            break;
                        }
                        buf = Vec::with_capacity(64 * 1024);
                    }
                    if !matches!(result, StreamResult::Complete(_)) {
                        break;
                    }
                }
                drop(tx);
                let _ = rx_done.await;
                let _ = tx_done.await;
            });
        }
        Ok(())
    }
}

wasip3::cli::command::export!(Echo);

fn main() {}
