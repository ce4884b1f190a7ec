//! Language front ends: each turns its AST into the language-neutral
//! [`facts`]. A front end never knows a rule.

pub mod facts;
pub mod js;
pub mod js_lex;
pub mod kept;
pub mod python;
pub mod python_select;
pub mod rust;
pub mod rust_items;
pub mod rust_select;

/// Stack the scan threads run with (the pool is built with it in `cli.rs`,
/// plus [`SCAN_STACK_MARGIN`]): the parsers recurse as deep as the code nests,
/// and a file that passed its front end's `too_deep` screen needs at most this.
/// Pages are touched only as deep as a file goes, and a thread keeps its stack
/// from file to file — growing a fresh stack per file made the kernel zero new
/// pages for every parse (half of the Rust pass on large files).
pub const PARSE_STACK: usize = 64 << 20;
/// What the scan code around a parse may use on top of [`PARSE_STACK`].
pub const SCAN_STACK_MARGIN: usize = 8 << 20;

/// Run `f` with at least `need` bytes of stack: on the current thread's stack
/// when that much is left (the scan threads), else on a new stack of that size
/// (a thread with a small stack: tests, library callers).
pub fn with_stack<R>(need: usize, f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(need, need, f)
}
