//! Procedural macros for wasio. Use them through the `wasio` crate:
//! `#[wasio::main]` and `#[wasio::test]`.

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use std::sync::atomic::{AtomicBool, Ordering};
use syn::{ItemFn, ReturnType, spanned::Spanned};

/// Parses the item under `#[wasio::<what>]`: an `async fn` without
/// parameters or generics, and no attribute arguments.
fn parse_async_fn(attr: TokenStream, item: TokenStream, what: &str) -> syn::Result<ItemFn> {
    if !attr.is_empty() {
        let msg = format!("#[wasio::{what}] takes no arguments");
        return Err(syn::Error::new(proc_macro2::TokenStream::from(attr).span(), msg));
    }
    let func: ItemFn = syn::parse(item)?;
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new(func.sig.fn_token.span(), format!("#[wasio::{what}] needs an `async fn`")));
    }
    if !func.sig.inputs.is_empty() || !func.sig.generics.params.is_empty() {
        let msg = format!("#[wasio::{what}] functions take no parameters");
        return Err(syn::Error::new(func.sig.inputs.span(), msg));
    }
    Ok(func)
}

/// Marks `async fn main()` as the program's entry point: the component
/// exports `wasi:cli/run@0.3` and runs `main` on wasio's executor.
///
/// `main` may return `()` or `Result<(), E>` with `E: Debug`; an `Err` is
/// printed to stderr as `Error: {e:?}` and the program exits non-zero. When
/// `main` returns, tasks it spawned are cancelled and stdout/stderr are
/// flushed.
///
/// ```ignore
/// #[wasio::main]
/// async fn main() -> Result<(), std::io::Error> {
///     println!("hello");
///     Ok(())
/// }
/// ```
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match parse_async_fn(attr, item, "main") {
        Ok(f) => f,
        Err(e) => return e.to_compile_error().into(),
    };
    let user_name = format_ident!("__wasio_user_{}", func.sig.ident);
    let attrs = &func.attrs;
    let vis = &func.vis;
    let body = &func.block;
    let output = match &func.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };
    quote! {
        #(#attrs)*
        #vis async fn #user_name() -> #output #body

        ::wasio::__main!(#user_name);
    }
    .into()
}

/// Set once the harness export has been emitted in this crate (each test
/// target is its own compiler run, with a fresh copy of this flag).
static HARNESS_EMITTED: AtomicBool = AtomicBool::new(false);

/// Marks an `async fn` as a test that runs on wasio's executor under
/// `cargo test --target wasm32-wasip2` (with `wasmtime run` as the cargo
/// runner).
///
/// The test may return `()` or `Result<(), E>` with `E: Debug`; an `Err`
/// fails it, as does a panic. The first `#[wasio::test]` of a test target
/// also makes the test binary export `wasi:cli/run@0.3`, through which
/// `wasmtime run` starts the test harness inside an async task, where
/// wasio can block on each test.
///
/// ```ignore
/// #[wasio::test]
/// async fn sleeps() {
///     wasio::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// ```
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match parse_async_fn(attr, item, "test") {
        Ok(f) => f,
        Err(e) => return e.to_compile_error().into(),
    };
    let name = &func.sig.ident;
    let attrs = &func.attrs;
    let vis = &func.vis;
    let body = &func.block;
    let output = match &func.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };
    let harness = if HARNESS_EMITTED.swap(true, Ordering::SeqCst) {
        quote!()
    } else {
        quote! {
            ::wasio::__test_harness!();
        }
    };
    quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() {
            async fn body() -> #output #body
            ::wasio::__private::run_test(body())
        }
        #harness
    }
    .into()
}

/// Marks `async fn handle(req: wasio::http::Request<Body>) -> impl
/// IntoResponse` as the component's `wasi:http/handler@0.3` export.
///
/// ```ignore
/// #[wasio::http::handler]
/// async fn handle(_req: wasio::http::Request<wasio::http::Body>) -> &'static str {
///     "hello\n"
/// }
/// ```
#[proc_macro_attribute]
pub fn http_handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match export_fn(attr, item, "handler", |sig| sig.asyncness.is_some() && sig.inputs.len() == 1) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let name = &func.sig.ident;
    quote! {
        #func

        ::wasio::__http_handler!(#name);
    }
    .into()
}

/// Serves the tower `Service` that `fn app() -> S` builds (an axum
/// `Router`, with its `State`) as the component's HTTP handler (feature
/// `tower`). `app` runs once per instance, on its first request; each
/// request gets a clone of the service.
///
/// ```ignore
/// use axum::{Router, routing::get};
///
/// #[wasio::http::service]
/// fn app() -> Router {
///     Router::new().route("/", get(|| async { "hello\n" }))
/// }
/// ```
#[proc_macro_attribute]
pub fn http_service(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match export_fn(attr, item, "service", |sig| sig.asyncness.is_none() && sig.inputs.is_empty()) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let name = &func.sig.ident;
    quote! {
        #func

        #[doc(hidden)]
        async fn __wasio_serve_service(
            request: ::wasio::http::Request<::wasio::http::Body>,
        ) -> ::wasio::http::Response<::wasio::http::Body> {
            ::wasio::__private::serve_service(#name, request).await
        }

        ::wasio::__http_handler!(__wasio_serve_service);
    }
    .into()
}

/// The function under `#[wasio::http::<which>]`: no attribute arguments,
/// and a signature `fits` accepts; else the compile error that says what
/// is needed.
fn export_fn(
    attr: TokenStream,
    item: TokenStream,
    which: &str,
    fits: impl Fn(&syn::Signature) -> bool,
) -> Result<ItemFn, TokenStream> {
    if !attr.is_empty() {
        let msg = format!("#[wasio::http::{which}] takes no arguments");
        return Err(syn::Error::new(proc_macro2::TokenStream::from(attr).span(), msg).to_compile_error().into());
    }
    let func: ItemFn = syn::parse(item).map_err(|e| TokenStream::from(e.to_compile_error()))?;
    if !fits(&func.sig) {
        let needs = match which {
            "handler" => "`async fn(Request<Body>) -> impl IntoResponse`",
            _ => "`fn() -> impl tower::Service<Request<Body>> + Clone` (not async)",
        };
        let msg = format!("#[wasio::http::{which}] needs {needs}");
        return Err(syn::Error::new(func.sig.fn_token.span(), msg).to_compile_error().into());
    }
    Ok(func)
}
