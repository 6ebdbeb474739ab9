//! `Send` and `Sync` for wasio's own handles on a component without threads.
//!
//! A `wasm32-wasip2` component built without the `atomics` target feature
//! has one thread and no shared memory: no value can be seen by two threads
//! at once, so `Send` and `Sync` hold for every value. axum's `Handler`,
//! tower's boxed services and `hyper`'s `Body` ask for them, so wasio's
//! handles (files, sockets, bodies, task handles) and the futures that await
//! them implement both **only under that `cfg`**. A build with `atomics`
//! (shared-memory threads) drops the impls and any code that needs them
//! stops compiling instead of becoming unsound. The Component Model's
//! cooperative `thread.*` built-ins switch threads only at explicit calls,
//! never in the middle of a reference count or a `RefCell` borrow, so these
//! impls stay sound with them too. User-supplied values keep their own
//! bounds: constructors that take a user's body, stream or reader ask for
//! `Send`. See docs/DESIGN-NOTES.md, "Send on a single-threaded component".

/// `unsafe impl Send + Sync` for wasio-owned types, only where the target
/// has no shared-memory threads (see the module docs).
macro_rules! unthreaded_send_sync {
    ($($(#[$generics:meta])? [$($g:tt)*] $ty:ty),* $(,)?) => {$(
        // SAFETY: without the `atomics` target feature a component has a
        // single thread of execution and no shared memory, so the value is
        // never accessed from two threads (module `rt::unthreaded`).
        #[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
        unsafe impl<$($g)*> Send for $ty {}
        // SAFETY: as above: no second thread can hold a reference.
        #[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
        unsafe impl<$($g)*> Sync for $ty {}
    )*};
}
pub(crate) use unthreaded_send_sync;
