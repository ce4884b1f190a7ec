#![no_main]
//! See botlint::fuzz::secrets for what it feeds and which invariants it checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| botlint::fuzz::secrets(data));
