//! Procedural macros for wasio. Use them through the `wasio` crate:
//! `#[wasio::main]`.

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use syn::{ItemFn, ReturnType, parse_macro_input, spanned::Spanned};

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
    if !attr.is_empty() {
        return syn::Error::new(proc_macro2::TokenStream::from(attr).span(), "#[wasio::main] takes no arguments")
            .to_compile_error()
            .into();
    }
    let func = parse_macro_input!(item as ItemFn);
    if func.sig.asyncness.is_none() {
        return syn::Error::new(func.sig.fn_token.span(), "#[wasio::main] needs an `async fn`")
            .to_compile_error()
            .into();
    }
    if !func.sig.inputs.is_empty() || !func.sig.generics.params.is_empty() {
        return syn::Error::new(func.sig.inputs.span(), "#[wasio::main] takes `async fn main()` with no parameters")
            .to_compile_error()
            .into();
    }
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

        #[doc(hidden)]
        struct __WasioMain;

        impl ::wasio::bindings::run::exports::wasi::cli::run::Guest for __WasioMain {
            async fn run() -> ::core::result::Result<(), ()> {
                let out = ::wasio::__private::run_main(#user_name()).await;
                ::wasio::__private::main_result(out).await
            }
        }

        ::wasio::bindings::run::__export_run!(__WasioMain);

        /// The WASI 0.2 entry point of a `bin` target; hosts run the
        /// `wasi:cli/run@0.3` export instead.
        #[allow(dead_code)]
        fn main() {}
    }
    .into()
}
