//! The WASI 0.2 export glue that wasio's macros expand to
//! (`#[wasio::main]`, `#[wasio::test]`, `#[wasio::http::handler]`), and the
//! plumbing only this backend's glue calls (re-exported by `__private`).

/// Re-exported by `wasio::__private`.
pub mod private {
    pub use crate::rt::block_main;
    pub use wasip2;
}

/// Under `p2`: the `wasi:http/incoming-handler@0.2` export.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_handler {
    ($name:ident) => {
        #[doc(hidden)]
        struct __WasioHttpHandler;

        impl $crate::__private::wasip2::exports::http::incoming_handler::Guest for __WasioHttpHandler {
            fn handle(
                request: $crate::__private::wasip2::http::types::IncomingRequest,
                out: $crate::__private::wasip2::http::types::ResponseOutparam,
            ) {
                $crate::__private::serve_http(request, out, $name)
            }
        }

        $crate::__private::wasip2::http::proxy::export!(__WasioHttpHandler);

        /// The entry point of a `bin` target (unused by `wasmtime serve`).
        #[allow(dead_code)]
        #[cfg(not(test))]
        fn main() {}
    };
}

/// What `#[wasio::main]` adds under `p2`: a std `main` (which the
/// `wasm32-wasip2` target exports as `wasi:cli/run@0.2`) that blocks on the
/// user's `async fn`.
#[doc(hidden)]
#[macro_export]
macro_rules! __main {
    ($user:ident) => {
        #[cfg(not(test))]
        fn main() {
            $crate::__private::block_main($user())
        }
        #[cfg(test)]
        const _: () = {
            let _ = $user;
        };
    };
}

/// Under `p2` std's own test `main` runs the tests; each blocks on its body.
#[doc(hidden)]
#[macro_export]
macro_rules! __test_harness {
    () => {};
}
