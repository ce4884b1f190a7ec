//! Language front ends: each turns its AST into the language-neutral
//! [`facts`]. A front end never knows a rule.

pub mod facts;
pub mod js;
pub mod python;
pub mod rust;
