//! Canonical ABI built-ins the executor calls directly, and the
//! `wasip3_task` C ABI through which bindings of any wit-bindgen version
//! register their waitables with the running executor.
//!
//! The `wasip3_task` layout below is the one documented in wit-bindgen 0.63's
//! `rt/async_support/cabi.rs` (versions 1–3). It is a shared C ABI, so it is
//! declared here rather than reached through private wit-bindgen modules.

use std::ffi::c_void;
use std::future::Future;

/// Declares wasm imports, with panicking stand-ins on non-wasm targets so the
/// crate still type-checks (e.g. for `cargo doc` on the host).
macro_rules! wasm_imports {
    (
        #[link(wasm_import_module = $module:literal)]
        $( #[link_name = $name:literal] fn $func:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?; )*
    ) => {
        #[cfg(target_family = "wasm")]
        #[link(wasm_import_module = $module)]
        unsafe extern "C" {
            $( #[link_name = $name] pub fn $func($($arg: $ty),*) $(-> $ret)?; )*
        }
        $(
            #[cfg(not(target_family = "wasm"))]
            #[allow(unused_variables, clippy::missing_safety_doc)]
            pub unsafe fn $func($($arg: $ty),*) $(-> $ret)? {
                unreachable!("wasio only runs inside a WebAssembly component")
            }
        )*
    };
}

wasm_imports! {
    #[link(wasm_import_module = "$root")]
    #[link_name = "[waitable-set-new]"] fn waitable_set_new() -> u32;
    #[link_name = "[waitable-set-drop]"] fn waitable_set_drop(set: u32);
    #[link_name = "[waitable-join]"] fn waitable_join(waitable: u32, set: u32);
    #[link_name = "[waitable-set-wait]"] fn waitable_set_wait(set: u32, payload: *mut [u32; 2]) -> u32;
    #[link_name = "[waitable-set-poll]"] fn waitable_set_poll(set: u32, payload: *mut [u32; 2]) -> u32;
    #[link_name = "[context-get-0]"] fn context_get() -> *mut u8;
    #[link_name = "[context-set-0]"] fn context_set(value: *mut u8);
    #[link_name = "[backpressure-inc]"] fn backpressure_inc();
    #[link_name = "[backpressure-dec]"] fn backpressure_dec();
}

#[cfg(target_family = "wasm")]
unsafe extern "C" {
    /// Defined (weakly, in C) by the wit-bindgen runtime: swaps the pointer to
    /// the current `wasip3_task` and returns the previous one.
    pub fn wasip3_task_set(ptr: *mut Wasip3Task) -> *mut Wasip3Task;
}

/// Host stand-in; see the wasm declaration.
///
/// # Safety
/// Never callable: wasio only runs inside a component.
#[cfg(not(target_family = "wasm"))]
pub unsafe fn wasip3_task_set(_ptr: *mut Wasip3Task) -> *mut Wasip3Task {
    unreachable!("wasio only runs inside a WebAssembly component")
}

/// No event (a fresh start or a `yield` coming back).
pub const EVENT_NONE: u32 = 0;
// Events 1..=5 (subtask, stream read/write, future read/write) all name a
// waitable and a code, and are delivered alike.
/// The host cancelled this task.
pub const EVENT_CANCEL: u32 = 6;

/// What an async-lifted export's callback tells the host to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackCode {
    /// The task is done.
    Exit,
    /// Call back soon with `EVENT_NONE`.
    Yield,
    /// Call back when the waitable set has an event.
    Wait(u32),
}

impl CallbackCode {
    pub fn encode(self) -> u32 {
        match self {
            CallbackCode::Exit => 0,
            CallbackCode::Yield => 1,
            CallbackCode::Wait(set) => 2 | (set << 4),
        }
    }
}

pub const WASIP3_TASK_V3: u32 = 3;

pub type RegisterFn = unsafe extern "C" fn(
    ptr: *mut c_void,
    waitable: u32,
    callback: unsafe extern "C" fn(*mut c_void, u32),
    callback_ptr: *mut c_void,
) -> *mut c_void;
pub type UnregisterFn = unsafe extern "C" fn(ptr: *mut c_void, waitable: u32) -> *mut c_void;

/// Version 1 of the task structure (`struct wasip3_task`).
#[repr(C)]
#[derive(Debug)]
pub struct Wasip3Task {
    pub version: u32,
    pub ptr: *mut c_void,
    pub waitable_register: RegisterFn,
    pub waitable_unregister: UnregisterFn,
}

/// `struct wasip3_task_vtable` (v2).
#[repr(C)]
#[derive(Debug)]
pub struct Wasip3TaskVtable {
    pub waitable_register: RegisterFn,
    pub waitable_unregister: UnregisterFn,
    pub clone: unsafe extern "C" fn(ptr: *mut c_void) -> *mut c_void,
    pub drop: unsafe extern "C" fn(ptr: *mut c_void),
}

/// A Rust-ABI hook that spawns a boxed future on the executor behind `ptr`.
pub type RustSpawnFn = unsafe fn(ptr: *mut c_void, task: Box<dyn Future<Output = ()>>);

/// `struct wasip3_task_vtable_v3`.
#[repr(C)]
#[allow(missing_debug_implementations)]
pub struct Wasip3TaskVtableV3 {
    pub v2: Wasip3TaskVtable,
    pub rust_spawn: Option<RustSpawnFn>,
}

/// `struct wasip3_task_v3`: the task structure wasio installs.
#[repr(C)]
#[allow(missing_debug_implementations)]
pub struct Wasip3TaskV3 {
    pub v1: Wasip3Task,
    pub vtable: &'static Wasip3TaskVtableV3,
}

/// Polls (`wait == false`) or waits on a waitable set, returning
/// `(event, waitable, code)`.
pub fn wait_or_poll(set: u32, wait: bool) -> (u32, u32, u32) {
    let mut payload = [0u32; 2];
    // SAFETY: `set` is a live waitable set owned by the caller and `payload`
    // is a valid, writable `[u32; 2]` for the duration of the call.
    let event =
        unsafe { if wait { waitable_set_wait(set, &mut payload) } else { waitable_set_poll(set, &mut payload) } };
    (event, payload[0], payload[1])
}
