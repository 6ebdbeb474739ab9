//! The WASI 0.3 backend's items (see `sys`).

use crate::bindings::wasi;

/// `wasi:filesystem` 0.3: the bindings and stream plumbing `fs` uses.
/// The export glue of wasio's macros (`#[macro_export]`ed at the crate root).
pub(crate) mod exports;
pub(crate) mod fs;
/// `wasi:http`: bodies, the client, the handler export.
pub(crate) mod http;
/// `wasi:sockets`: addresses, name lookup, error codes.
pub(crate) mod sockets;
/// Standard input, output and error.
pub(crate) mod stdio;
/// Byte streams: the plumbing behind stdio, files, sockets and bodies.
pub(crate) mod stream;
pub(crate) mod tcp;
pub(crate) mod udp;

/// `wasi:clocks` 0.3.
pub(crate) mod clock {
    use super::wasi::clocks::{monotonic_clock, system_clock};
    pub(crate) use monotonic_clock::{get_resolution as mono_resolution, now as mono_now};

    pub(crate) fn wall_now() -> (i64, u32) {
        let i = system_clock::now();
        (i.seconds, i.nanoseconds)
    }

    pub(crate) fn wall_resolution() -> u64 {
        system_clock::get_resolution()
    }
}

/// `wasi:random` 0.3.
pub(crate) mod random {
    pub(crate) use super::wasi::random::insecure::{
        get_insecure_random_bytes as insecure_bytes, get_insecure_random_u64 as insecure_u64,
    };
    pub(crate) use super::wasi::random::insecure_seed::get_insecure_seed as insecure_seed;
    pub(crate) use super::wasi::random::random::{get_random_bytes as secure_bytes, get_random_u64 as secure_u64};
}

crate::sys::sys_terminal!(super::wasi::cli, "0.3");

/// `wasi:cli/environment` 0.3.
pub(crate) mod environment {
    pub(crate) use super::wasi::cli::environment::{
        get_arguments as arguments, get_environment as variables, get_initial_cwd as initial_cwd,
    };
}

/// `wasi:cli/exit` 0.3: codes modulo 256.
pub(crate) fn exit(code: i32) -> ! {
    let code = (code & 0xff) as u8;
    if code == 0 {
        wasi::cli::exit::exit(Ok(()));
    } else {
        wasi::cli::exit::exit_with_code(code);
    }
    // The host ends the instance inside the calls above.
    unreachable!("wasi:cli/exit returned")
}
