//! The subcommands of the `fazhi` binary, one module each.

pub mod audit;
pub mod common;
pub mod diff;
pub mod gap;
pub mod lint;
pub mod output;
pub mod rank;
pub mod schema;
pub mod score;
#[cfg(feature = "serve")]
pub mod serve;
pub mod synth;
pub mod template;
pub mod test;
pub mod uncertainty;
pub mod verify;
pub mod whatif;
