//! UDP over `wasi:sockets@0.3`: the socket `net::udp` is written over.
//! Sending and receiving are async host calls.

use crate::bindings::wasi::sockets::types::UdpSocket as WasiUdp;
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::net::error::net_err;
use std::io;
use std::net::SocketAddr;

pub(crate) struct Socket(WasiUdp);

/// Binds to `addr`.
pub(crate) async fn bind(addr: SocketAddr) -> io::Result<Socket> {
    let socket = WasiUdp::create(family(&addr)).map_err(|e| net_err(e, "udp bind"))?;
    socket.bind(to_wasi(addr)).map_err(|e| net_err(e, &format!("udp bind {addr}")))?;
    Ok(Socket(socket))
}

impl Socket {
    pub(crate) fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.0.connect(to_wasi(addr)).map_err(|e| net_err(e, &format!("udp connect {addr}")))
    }

    pub(crate) fn disconnect(&self) -> io::Result<()> {
        self.0.disconnect().map_err(|e| net_err(e, "udp disconnect"))
    }

    /// Sends `buf` to `to`, or to the connected peer; `what` names the
    /// operation in errors.
    pub(crate) async fn send(&self, buf: &[u8], to: Option<SocketAddr>, what: &str) -> io::Result<usize> {
        self.0.send(buf.to_vec(), to.map(to_wasi)).await.map_err(|e| net_err(e, what))?;
        Ok(buf.len())
    }

    pub(crate) async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (data, from) = self.0.receive().await.map_err(|e| net_err(e, "udp receive"))?;
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        Ok((n, from_wasi(from)))
    }
}

crate::sys::sys_socket_options!(
    Socket,
    0,
    get_remote_address,
    get_local_address,
    get_unicast_hop_limit,
    set_unicast_hop_limit,
    get_receive_buffer_size,
    set_receive_buffer_size,
    get_send_buffer_size,
    set_send_buffer_size
);
