//! Why neither reactor imports `wasi:cli/environment`: the only reader of
//! the environment they link is the standard library's panic path, which
//! asks for `RUST_BACKTRACE` (`std::panic::get_backtrace_style`, called by
//! the panic and allocation-error hooks) through wasi-libc's `getenv`.
//! wasi-libc reaches the host through one undefined function,
//! `__wasm_import_environment_get_environment`, which the linker turns into
//! the `wasi:cli/environment#get-environment` import only if nothing defines
//! it. This defines it: the environment of a provider or policy component
//! is empty, by construction, in every host. (A panic then prints without
//! a backtrace, as it would with `RUST_BACKTRACE` unset.)
//!
//! The import test (`host-tests/tests/components.rs`) fails if a
//! toolchain renames the symbol and the import comes back.

/// wasi-libc's `wasip2_list_tuple2_string_string_t`: a pointer and a length.
#[repr(C)]
struct EnvironmentList {
    ptr: *const u8,
    len: usize,
}

/// Answers wasi-libc's `get-environment` with an empty list.
///
/// # Safety
/// Called by wasi-libc only, with `ret` pointing at its return area.
#[no_mangle]
unsafe extern "C" fn __wasm_import_environment_get_environment(ret: *mut EnvironmentList) {
    // An empty list: the length is 0, the pointer is never read.
    unsafe { ret.write(EnvironmentList { ptr: core::ptr::NonNull::<u8>::dangling().as_ptr(), len: 0 }) }
}
