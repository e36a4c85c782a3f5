//! The subcommands of the `fazhi` binary, one module each.

pub mod common;
pub mod gap;
pub mod lint;
pub mod score;
pub mod synth;
