//! botlint: a static security linter for trading-bot repositories.
//!
//! Layers, each using only the ones below it (see DESIGN.md):
//! `cli` → `scan` → (`secrets`, `repo`, `report`, `suppress`) →
//! (`classify`, `config`, `finding`, `source`, `walk`, `rules`).

pub mod baseline;
pub mod checks;
pub mod classify;
pub mod cli;
pub mod config;
pub mod finding;
pub mod fuzz;
pub mod generated;
pub mod keyword_pass;
pub mod keywords;
pub mod lang;
pub mod prefilter;
pub mod queue;
pub mod repo;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secrets;
pub mod source;
pub mod suppress;
pub mod walk;

/// For randomized tests: a xorshift generator from `seed` (not zero); each
/// call gives a number below its argument.
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
