//! Whole-repository checks: `.env` files against `.gitignore` and git's index.

pub mod dotenv;
pub mod gitindex;
