//! The subcommands of the `fazhi` binary, one module each.

pub mod common;
pub mod lint;
pub mod score;
pub mod synth;
pub mod uncertainty;
pub mod whatif;
