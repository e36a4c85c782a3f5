//! `fazhi template`.

use super::common::*;
use std::path::{Path, PathBuf};

/// Writes the input workbook of the rule set's dictionary to `out`, filled with the counties of
/// `data` when any are given.
pub fn run(rules: Option<&Path>, out: &Path, data: &[PathBuf]) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let counties: Vec<fazhi::CountyData> = if data.is_empty() {
        Vec::new()
    } else {
        match read_counties(&rules, data) {
            Ok(c) => c.into_iter().map(|(d, _)| d).collect(),
            Err(code) => return code,
        }
    };
    write_workbook(Some(out), super::common::xlsx::template(&rules, &counties))
}
