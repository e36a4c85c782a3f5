//! `fazhi schema`: JSON Schemas of rule files and county files, for editors and validators.

use super::common::*;
use std::path::Path;

/// Which schema to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The rule-file format (derived from the loader's types).
    Rules,
    /// County files for a rule set's data dictionary.
    County,
    /// Test files kept beside a rule set (its `tests/` folder).
    Tests,
}

/// Prints (or writes atomically to `out`) the schema as pretty JSON.
pub fn run(which: Which, rules: Option<&Path>, out: Option<&Path>) -> u8 {
    let schema = match which {
        Which::Rules => fazhi::schema::rules(),
        Which::Tests => fazhi::schema::tests(),
        Which::County => match load(rules) {
            Ok(r) => fazhi::schema::county(&r),
            Err(code) => return code,
        },
    };
    let text = fazhi::render::to_json(&schema);
    match write_output(out, &text) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
