//! The subcommands of the `fazhi` binary, one module each.

pub mod common;
pub mod diff;
pub mod lint;
pub mod rank;
pub mod score;
pub mod synth;
pub mod verify;
