//! Reading and scoring many county files at once, with provenance: every file's path and sha256
//! travel with the result, and a file that cannot be read or does not fit the dictionary is
//! reported beside the others instead of stopping the batch.

use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::load::files;
use crate::par::*;
use crate::report::{Failure, InputFile, Report, RuleSetInfo};
use crate::ruleset::RuleSet;
use crate::types::hex;
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

/// The provenance of a result computed under `rules` from `inputs`: the rule set's id, title,
/// version and sha256, this engine's name and version, and every input's path and sha256.
/// Used by outputs that carry no report of their own (what-if and uncertainty as HTML).
pub fn provenance(rules: &RuleSet, inputs: Vec<InputFile>) -> crate::report::Provenance {
    crate::report::Provenance {
        ruleset: ruleset_info(rules),
        engine: crate::report::EngineInfo::current(),
        inputs,
    }
}

/// The county data files named by `args`: files as they are, folders expanded to every
/// `*.yaml`, `*.yml` and `*.json` file below them (sorted by path; see [`files::walk`]: each
/// folder entered once, symlink loops skipped). A file named twice (by two arguments, or by a
/// symlink and its target, compared by device and inode) is listed once, under its first path.
///
/// # Errors
/// [`Error::Io`] naming an argument that does not exist or a folder that cannot be listed.
pub fn data_files(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in args {
        let meta = std::fs::metadata(a).map_err(|source| Error::Io {
            path: a.clone(),
            source,
        })?;
        let found = if meta.is_dir() {
            files::walk(a, &["yaml", "yml", "json"])?
        } else {
            vec![a.clone()]
        };
        for f in found {
            let fresh = files::FileId::of(&f).map_or(true, |id| seen.insert(id));
            if fresh {
                out.push(f);
            }
        }
    }
    Ok(out)
}

/// Files of one batch that give the same county id: for each such file (by its position in
/// `counties`, pairs of county id and file path), the error that names the other files. A batch
/// scores neither of them: two files for one county are usually an old and a corrected copy, and
/// ranking whichever sorts first would be a silent guess (issue 18).
///
/// ```
/// let e = fazhi::scoring::batch::same_county([("a", "x.yaml"), ("b", "y.yaml"), ("a", "z.yaml")]);
/// assert_eq!(e.len(), 2);
/// assert!(e[&0].contains("z.yaml") && e[&2].contains("x.yaml"));
/// ```
pub fn same_county<'a>(
    counties: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> std::collections::BTreeMap<usize, String> {
    let mut by_id: std::collections::HashMap<&str, Vec<(usize, &str)>> = Default::default();
    for (i, (id, path)) in counties.into_iter().enumerate() {
        by_id.entry(id).or_default().push((i, path));
    }
    let mut out = std::collections::BTreeMap::new();
    for (id, files) in by_id.into_iter().filter(|(_, f)| f.len() > 1) {
        for (i, _) in &files {
            let others: Vec<&str> = files
                .iter()
                .filter(|(j, _)| j != i)
                .map(|(_, p)| *p)
                .collect();
            out.insert(
                *i,
                format!(
                    "county id `{id}` is also given by {}: neither file is scored; keep one file per county (remove or rename the other, or give it its own `county.id`)",
                    others.join(", ")
                ),
            );
        }
    }
    out
}

/// Reads one county file, checks it against the rule set's dictionary, and hashes its bytes.
pub fn read_county(path: &Path, rules: &RuleSet) -> Result<(CountyData, InputFile)> {
    let bytes = files::read_bytes(path)?;
    let name = path.display().to_string();
    let sha256 = hex(&Sha256::digest(&bytes));
    let text = files::decode(path, bytes)?;
    let data = CountyData::from_str(&name, &text, rules)?;
    let input = InputFile { path: name, sha256 };
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
    let scored: Vec<(usize, &str, &str)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.as_ref()
                .ok()
                .map(|(rep, f)| (i, rep.county.id.as_str(), f.path.as_str()))
        })
        .collect();
    let dup = same_county(scored.iter().map(|(_, id, p)| (*id, *p)));
    let dup: std::collections::BTreeMap<usize, String> =
        dup.into_iter().map(|(k, v)| (scored[k].0, v)).collect();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (i, (p, r)) in paths.iter().zip(results).enumerate() {
        match (r, dup.get(&i)) {
            (Ok(x), None) => ok.push(x),
            (Ok(_), Some(e)) => failed.push(Failure {
                path: p.display().to_string(),
                error: e.clone(),
            }),
            (Err(e), _) => failed.push(Failure::new(p, &e)),
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
