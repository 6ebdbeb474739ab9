//! The WASI 0.2 backend's items (see `sys`).

/// `wasi:filesystem` 0.2: the bindings and stream plumbing `fs` uses.
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

/// `wasi:clocks` 0.2.
pub(crate) mod clock {
    pub(crate) use wasip2::clocks::monotonic_clock::{now as mono_now, resolution as mono_resolution};
    use wasip2::clocks::wall_clock;

    pub(crate) fn wall_now() -> (i64, u32) {
        let d = wall_clock::now();
        (i64::try_from(d.seconds).unwrap_or(i64::MAX), d.nanoseconds)
    }

    pub(crate) fn wall_resolution() -> u64 {
        let d = wall_clock::resolution();
        d.seconds.saturating_mul(1_000_000_000).saturating_add(u64::from(d.nanoseconds))
    }
}

/// `wasi:random` 0.2.
pub(crate) mod random {
    pub(crate) use wasip2::random::insecure::{
        get_insecure_random_bytes as insecure_bytes, get_insecure_random_u64 as insecure_u64,
    };
    pub(crate) use wasip2::random::insecure_seed::insecure_seed;
    pub(crate) use wasip2::random::random::{get_random_bytes as secure_bytes, get_random_u64 as secure_u64};
}

crate::sys::sys_terminal!(wasip2::cli, "0.2");

/// `wasi:cli/environment` 0.2.
pub(crate) mod environment {
    pub(crate) use wasip2::cli::environment::{get_arguments as arguments, get_environment as variables, initial_cwd};
}

/// WASI 0.2 has no exit code but success or failure (`exit-with-code` is
/// unstable and not linked by default): std's exit, through libc, reports
/// any non-zero code as failure.
pub(crate) fn exit(code: i32) -> ! {
    std::process::exit(code & 0xff)
}
