#![no_main]
//! See botlint::fuzz::advisory for what it feeds and which invariants it checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| botlint::fuzz::advisory(data));
