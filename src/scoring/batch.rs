//! Reading and scoring many county files at once, with provenance: every file's path and sha256
//! travel with the result, and a file that cannot be read or does not fit the dictionary is
//! reported beside the others instead of stopping the batch.

use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::report::{Failure, InputFile, Report, RuleSetInfo};
use crate::ruleset::RuleSet;
use crate::types::hex;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The header of a rule set as reports carry it.
pub(crate) fn ruleset_info(rules: &RuleSet) -> RuleSetInfo {
    RuleSetInfo {
        id: rules.id().to_string(),
        title: rules.title().to_string(),
        version: rules.version().to_string(),
        hash: rules.hash().to_string(),
        total_points: rules.total_points(),
    }
}

/// The county data files named by `args`: files as they are, folders expanded to every
/// `*.yaml`, `*.yml` and `*.json` file below them, sorted by path. Fails only when an argument
/// does not exist or a folder cannot be listed.
pub fn data_files(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for a in args {
        let meta = std::fs::metadata(a).map_err(|source| Error::Io {
            path: a.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(a, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(a.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for e in std::fs::read_dir(dir).map_err(io)? {
        let path = e.map_err(io)?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one county file, checks it against the rule set's dictionary, and hashes its bytes.
pub fn read_county(path: &Path, rules: &RuleSet) -> Result<(CountyData, InputFile)> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    let text = String::from_utf8(bytes.clone()).map_err(|_| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is not UTF-8"),
    })?;
    let data = CountyData::from_str(&name, &text, rules)?;
    let input = InputFile {
        path: name,
        sha256: hex(&Sha256::digest(&bytes)),
    };
    Ok((data, input))
}

/// Scores one county file; the report names the file as its `county.source`.
pub fn score_file(path: &Path, rules: &RuleSet) -> Result<(Report, InputFile)> {
    let (data, input) = read_county(path, rules)?;
    let mut report = rules.score(&data);
    report.county.source = Some(input.path.clone());
    Ok((report, input))
}

/// Scores many county files in parallel (rayon). Results keep the order of `paths`; files that
/// fail are returned as [`Failure`]s and the rest are scored. `tick` is called once per file as
/// it finishes, from any thread (for a progress bar; pass `&|| {}` for none).
pub fn score_files(
    rules: &RuleSet,
    paths: &[PathBuf],
    tick: &(dyn Fn() + Sync),
) -> (Vec<(Report, InputFile)>, Vec<Failure>) {
    let results: Vec<Result<(Report, InputFile)>> = paths
        .par_iter()
        .map(|p| {
            let r = score_file(p, rules);
            tick();
            r
        })
        .collect();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (p, r) in paths.iter().zip(results) {
        match r {
            Ok(x) => ok.push(x),
            Err(e) => failed.push(Failure::new(p, &e)),
        }
    }
    (ok, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_argument_is_an_io_error_naming_it() {
        let e = data_files(&[PathBuf::from("/no/such/dir")]).unwrap_err();
        assert!(e.to_string().contains("/no/such/dir"), "{e}");
    }

    #[test]
    fn folders_expand_to_sorted_data_files() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.yaml", "a.json", "c.txt", "sub/d.yml"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let files = data_files(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.json", "b.yaml", "sub/d.yml"]);
    }
}
