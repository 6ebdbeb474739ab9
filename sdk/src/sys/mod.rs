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
//!   `send(buf, to, what)`, `recv_from`, addresses and options).
//!
//! Areas not yet behind this seam pick their backend file themselves
//! (`#[path = "…_p2.rs"]`, or an `_p2` sibling):
//! `io/{stdio,stream}`, `http/{body,client,server}`, `rt/executor/p2.rs`
//! and the export macros in `lib.rs`.

#[cfg(not(feature = "p2"))]
mod p3;
#[cfg(not(feature = "p2"))]
pub(crate) use p3::*;

#[cfg(feature = "p2")]
mod p2;
#[cfg(feature = "p2")]
pub(crate) use p2::*;
