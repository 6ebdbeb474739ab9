//! The seam between wasio's two backends: WASI 0.3 (`p3`, the default) and
//! WASI 0.2 (`p2`, feature `p2`). The public modules are written once over
//! the items below; each backend provides all of them, with the same
//! signatures. Selected here, once.
//!
//! Required items (both backends):
//! - `clock`: `mono_now() -> u64`, `mono_resolution() -> u64` (ns),
//!   `wall_now() -> (i64, u32)`, `wall_resolution() -> u64` (ns);
//! - `random`: `secure_bytes(u64)`, `secure_u64()`, `insecure_bytes(u64)`,
//!   `insecure_u64()`, `insecure_seed() -> (u64, u64)`;
//! - `environment`: `arguments()`, `variables()`, `initial_cwd()`;
//! - `exit(code) -> !`;
//! - `fs`: the `wasi:filesystem` types `fs` names (`Descriptor`,
//!   `DescriptorStat`, `ErrorCode`, flags, `Timestamp`), the `host!` call
//!   macro, `arg`, `preopened`, `code_name`/`message`, and the
//!   `FileReader`/`FileWriter`/`Entries` stream plumbing;
//! - `tcp`: `Socket` (addresses and options as `io::Result`s), `Reader`
//!   and `Writer` (a connection's two directions, with the `poll_*`
//!   methods `net::tcp`'s I/O traits forward to), `Connection` (the three
//!   together), `connect(SocketAddr)`, `bind(SocketAddr, backlog)` and
//!   `Listener` (`socket`, `poll_accept`);
//! - `udp`: `bind(SocketAddr)` and `Socket` (`connect`, `disconnect`,
//!   `send(buf, to, what)`, `recv_from`, addresses and options);
//! - `sockets`: the address types (`IpAddress`, `IpSocketAddress`, …),
//!   `lookup(host)`, `net_err(code, op)` and `lookup_err(code, host)`; on
//!   WASI 0.2 also `network()` and `until_ready` (the two-phase calls);
//! - `exports`: the `#[macro_export]` glue wasio's attribute macros expand
//!   to (`__main!`, `__test_harness!`, `__http_handler!`), and
//!   `exports::private`, the items only that glue calls (re-exported by
//!   `wasio::__private`);
//! - `stream`: the byte-stream plumbing the areas above share (WASI 0.3
//!   `ByteReader`/`ByteWriter` over `stream<u8>`; WASI 0.2
//!   `InputReader`/`OutputWriter`/`BufInput` over `wasi:io/streams`);
//! - `stdio`: `Input` (stdin, shared by every `Stdin` handle),
//!   `open_stdin()`, `refill(input, cx, buf)`, `Output` (stdout or stderr,
//!   with `is_closed`, `poll_write`/`poll_flush`/`poll_close`/`release`
//!   taking the calling handle's id) and `open_output(Which)`;
//! - `terminal`: `stdin()`, `stdout()`, `stderr()` (is it a terminal);
//! - `http`: the `wasi:http` types `http` names (`ErrorCode`, `Fields`,
//!   `HeaderError`, `Method`, `Scheme`, `RequestOptions`,
//!   `IncomingRequest`), `entries(&Fields)`, the incoming body `Incoming`
//!   (`from_request`, `poll_frame`), the way a `Body` goes to the host
//!   (`Body::into_wasi` on 0.3, `Body::send_wasi` on 0.2), `send(options,
//!   parts, body)` for the client, and `serve`, the handler export's
//!   plumbing (its signature follows the backend's export).
//!
//! Not yet behind this seam: the Component Model half of the executor
//! (`rt/executor/p3.rs` beside `rt/executor/p2.rs`) and the timer wait
//! (`rt/timer/p3.rs` beside `rt/timer/p2.rs`), each picked in `rt/` with the
//! hooks the shared task layer calls; the
//! WASI 0.3-only `wit` module and its `tokio-io` impls, and the one
//! `would-block` filesystem code only WASI 0.2 has (`fs/error.rs`).

/// `mod terminal` over a backend's `wasi:cli` bindings (the same
/// `terminal-*` interfaces in 0.2 and 0.3): `sys_terminal!(path, "0.3")`.
macro_rules! sys_terminal {
    ($cli:path, $ver:literal) => {
        #[doc = concat!("`wasi:cli/terminal-*` ", $ver, ": whether each standard stream is a terminal.")]
        pub(crate) mod terminal {
            use $cli as cli;

            pub(crate) fn stdin() -> bool {
                cli::terminal_stdin::get_terminal_stdin().is_some()
            }

            pub(crate) fn stdout() -> bool {
                cli::terminal_stdout::get_terminal_stdout().is_some()
            }

            pub(crate) fn stderr() -> bool {
                cli::terminal_stderr::get_terminal_stderr().is_some()
            }
        }
    };
}
pub(crate) use sys_terminal;

/// A socket's addresses, TTL and buffer sizes as `io::Result`s, for the
/// TCP and UDP sockets of both backends (whose WASI resources name the
/// getters differently): `sys_socket_options!(Type, field,
/// get_remote_address, get_local_address, get_hop_limit, set_hop_limit,
/// get_receive_buffer_size, set_receive_buffer_size, get_send_buffer_size,
/// set_send_buffer_size)`; with `tcp get_keep_alive_enabled` before the
/// type, also keep-alive and the listen backlog.
macro_rules! sys_socket_options {
    (tcp $keepalive:ident, $ty:ty, $field:tt, $($rest:tt)*) => {
        impl $ty {
            pub(crate) fn keepalive(&self) -> std::io::Result<bool> {
                self.$field.$keepalive().map_err(|e| crate::net::error::net_err(e, "keep-alive"))
            }

            pub(crate) fn set_keepalive(&self, on: bool) -> std::io::Result<()> {
                self.$field.set_keep_alive_enabled(on).map_err(|e| crate::net::error::net_err(e, "keep-alive"))
            }

            /// Idle time and interval in nanoseconds.
            pub(crate) fn set_keepalive_params(&self, idle: u64, interval: u64, count: u32) -> std::io::Result<()> {
                use crate::net::error::net_err;
                self.$field.set_keep_alive_idle_time(idle).map_err(|e| net_err(e, "keep-alive idle"))?;
                self.$field.set_keep_alive_interval(interval).map_err(|e| net_err(e, "keep-alive interval"))?;
                self.$field.set_keep_alive_count(count).map_err(|e| net_err(e, "keep-alive count"))
            }

            pub(crate) fn set_backlog(&self, backlog: u64) -> std::io::Result<()> {
                self.$field.set_listen_backlog_size(backlog).map_err(|e| crate::net::error::net_err(e, "listen backlog"))
            }
        }
        crate::sys::sys_socket_options!($ty, $field, $($rest)*);
    };
    ($ty:ty, $field:tt, $remote:ident, $local:ident, $get_hops:ident, $set_hops:ident, $get_rcv:ident, $set_rcv:ident, $get_snd:ident, $set_snd:ident) => {
        impl $ty {
            pub(crate) fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                self.$field
                    .$remote()
                    .map(crate::net::addr::from_wasi)
                    .map_err(|e| crate::net::error::net_err(e, "peer address"))
            }

            pub(crate) fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                self.$field
                    .$local()
                    .map(crate::net::addr::from_wasi)
                    .map_err(|e| crate::net::error::net_err(e, "local address"))
            }

            pub(crate) fn ttl(&self) -> std::io::Result<u32> {
                self.$field.$get_hops().map(u32::from).map_err(|e| crate::net::error::net_err(e, "hop limit"))
            }

            pub(crate) fn set_ttl(&self, ttl: u32) -> std::io::Result<()> {
                self.$field
                    .$set_hops(crate::net::error::hop_limit(ttl)?)
                    .map_err(|e| crate::net::error::net_err(e, "hop limit"))
            }

            pub(crate) fn recv_buffer_size(&self) -> std::io::Result<u64> {
                self.$field.$get_rcv().map_err(|e| crate::net::error::net_err(e, "receive buffer size"))
            }

            pub(crate) fn set_recv_buffer_size(&self, size: u64) -> std::io::Result<()> {
                self.$field.$set_rcv(size).map_err(|e| crate::net::error::net_err(e, "receive buffer size"))
            }

            pub(crate) fn send_buffer_size(&self) -> std::io::Result<u64> {
                self.$field.$get_snd().map_err(|e| crate::net::error::net_err(e, "send buffer size"))
            }

            pub(crate) fn set_send_buffer_size(&self, size: u64) -> std::io::Result<()> {
                self.$field.$set_snd(size).map_err(|e| crate::net::error::net_err(e, "send buffer size"))
            }
        }
    };
}
pub(crate) use sys_socket_options;

#[cfg(not(feature = "p2"))]
mod p3;
#[cfg(not(feature = "p2"))]
pub(crate) use p3::*;

#[cfg(feature = "p2")]
mod p2;
#[cfg(feature = "p2")]
pub(crate) use p2::*;
