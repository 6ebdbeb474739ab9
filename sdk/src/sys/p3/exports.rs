//! The WASI 0.3 export glue that wasio's macros expand to
//! (`#[wasio::main]`, `#[wasio::test]`, `#[wasio::http::handler]`), and the
//! plumbing only this backend's glue calls (re-exported by `__private`).

/// Re-exported by `wasio::__private`.
pub mod private {
    pub use crate::rt::run_test_harness;
}

/// What `#[wasio::http::handler]` adds next to the user's handler: the
/// `wasi:http/handler@0.3` export.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_handler {
    ($name:ident) => {
        #[doc(hidden)]
        struct __WasioHttpHandler;

        impl $crate::bindings::http_service::exports::wasi::http::handler::Guest for __WasioHttpHandler {
            async fn handle(
                request: $crate::bindings::wasi::http::types::Request,
            ) -> ::core::result::Result<
                $crate::bindings::wasi::http::types::Response,
                $crate::bindings::wasi::http::types::ErrorCode,
            > {
                $crate::__private::serve_http(request, $name).await
            }
        }

        $crate::bindings::http_service::__export_http_service!(__WasioHttpHandler);

        /// The WASI 0.2 entry point of a `bin` target: a host that calls
        /// it instead of the handler gets an error naming the export.
        #[allow(dead_code)]
        #[cfg(not(test))]
        fn main() {
            $crate::__private::wrong_entry_point("wasi:http/handler@0.3.0#handle")
        }
    };
}

/// What `#[wasio::main]` adds next to the user's `async fn`: the
/// `wasi:cli/run@0.3` export running it on wasio's executor.
#[doc(hidden)]
#[macro_export]
macro_rules! __main {
    ($user:ident) => {
        #[doc(hidden)]
        struct __WasioMain;

        impl $crate::bindings::run::exports::wasi::cli::run::Guest for __WasioMain {
            async fn run() -> ::core::result::Result<(), ()> {
                let out = $crate::__private::run_main($user()).await;
                $crate::__private::main_result(out).await
            }
        }

        // In test builds `#[wasio::test]`'s harness provides the export;
        // `main` (and what only it calls) still counts as used.
        #[cfg(not(test))]
        $crate::bindings::run::__export_run!(__WasioMain);
        #[cfg(test)]
        const _: () = {
            let _ = $user;
        };

        /// The WASI 0.2 entry point of a `bin` target; hosts run the
        /// `wasi:cli/run@0.3` export instead, and one that calls this gets
        /// an error naming it.
        #[allow(dead_code)]
        #[cfg(not(test))]
        fn main() {
            $crate::__private::wrong_entry_point("wasi:cli/run@0.3.0#run")
        }
    };
}

/// The test harness export the first `#[wasio::test]` adds: libtest runs
/// inside an async `wasi:cli/run@0.3` task, where tests may block.
#[doc(hidden)]
#[macro_export]
macro_rules! __test_harness {
    () => {
        // Test builds only: a normal build of a bin with tests keeps
        // `#[wasio::main]`'s export.
        #[cfg(test)]
        #[allow(clippy::undocumented_unsafe_blocks)]
        const _: () = {
            struct __WasioTestHarness;
            impl $crate::bindings::run::exports::wasi::cli::run::Guest for __WasioTestHarness {
                async fn run() -> ::core::result::Result<(), ()> {
                    $crate::__private::run_test_harness()
                }
            }
            $crate::bindings::run::__export_run!(__WasioTestHarness);
        };
    };
}
