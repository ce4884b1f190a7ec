//! Whole-repository checks: `.env` files against `.gitignore` and git's index,
//! and each `Cargo.lock` against the RustSec advisory database.

pub mod audit;
pub mod dotenv;
pub mod gitindex;
