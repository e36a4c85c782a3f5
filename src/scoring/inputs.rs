//! Every county of a command line's arguments: county files, folders of them, and county tables
//! (`.xlsx`, `.csv`, one county per row), each with the input it came from.

use super::batch;
use crate::error::Result;
use crate::load::county::CountyData;
use crate::report::{Failure, InputFile};
use crate::RuleSet;
use std::path::PathBuf;

/// The counties read from some inputs, each with its input, and the inputs that failed.
pub type Counties = (Vec<(CountyData, InputFile)>, Vec<Failure>);

/// Every county named by `args`: county files as they are, folders expanded to their county
/// files (`*.yaml`, `*.yml`, `*.json`, as [`batch::data_files`]),
/// and county tables (`.xlsx`, `.xlsm`, `.csv`) one county per row. Each county travels with its
/// input: a file's path and sha256, or for a table row `table.xlsx#台账!5` and the table's
/// sha256. What cannot be read is a [`Failure`](Failure) naming the file
/// or the row, and the rest are returned, in the order given.
///
/// # Errors
/// [`Error::Io`] when an argument does not exist or a folder cannot be listed.
pub fn read_counties(args: &[PathBuf], rules: &RuleSet) -> Result<Counties> {
    use crate::par::*;
    let paths = batch::data_files(args)?;
    let read: Vec<Vec<Result<(CountyData, InputFile), Failure>>> = paths
        .par_iter()
        .map(|p| {
            let name = p.display().to_string();
            if crate::sheet::is_table(p) {
                match crate::sheet::read_table(p, rules) {
                    Ok(t) => t
                        .rows
                        .into_iter()
                        .map(|row| {
                            let path = format!("{name}#{}", row.at);
                            match row.data {
                                Ok(d) => Ok((
                                    d,
                                    InputFile {
                                        path,
                                        sha256: t.sha256.clone(),
                                    },
                                )),
                                Err(e) => Err(Failure {
                                    path,
                                    error: e.to_string(),
                                }),
                            }
                        })
                        .collect(),
                    Err(e) => vec![Err(Failure::new(p, &e))],
                }
            } else {
                vec![batch::read_county(p, rules).map_err(|e| Failure::new(p, &e))]
            }
        })
        .collect();
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for r in read.into_iter().flatten() {
        match r {
            Ok(x) => ok.push(x),
            Err(f) => failed.push(f),
        }
    }
    Ok((batch::grouped(rules, ok), failed))
}
