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
        additional_points: rules.additional_points(),
        written_out_of: rules.written_out_of(),
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
    // issue 27 shape 6: relative items are scored within the batch, so every county is read
    // before any is scored.
    if !rules.relative_fields().is_empty() {
        let read: Vec<Result<(CountyData, InputFile)>> = paths
            .par_iter()
            .map(|p| {
                let r = read_county(p, rules);
                tick();
                r
            })
            .collect();
        let (mut ok, mut failed) = (Vec::new(), Vec::new());
        for (p, r) in paths.iter().zip(read) {
            match r {
                Ok(x) => ok.push(x),
                Err(e) => failed.push(Failure::new(p, &e)),
            }
        }
        let dup = same_county(
            ok.iter()
                .map(|(c, f)| (c.info().id.as_str(), f.path.as_str())),
        );
        let mut kept = Vec::new();
        for (i, x) in ok.into_iter().enumerate() {
            match dup.get(&i) {
                Some(e) => failed.push(Failure {
                    path: x.1.path.clone(),
                    error: e.clone(),
                }),
                None => kept.push(x),
            }
        }
        let scored = (grouped(rules, kept).into_par_iter())
            .map(|(data, input)| {
                let mut report = rules.score(&data);
                report.county.source = Some(input.path.clone());
                (report, input)
            })
            .collect();
        return (scored, failed);
    }
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

/// The counties of a JSON text (an HTTP request body, say), as [`read_json_counties`] reads them.
#[derive(Debug)]
pub struct JsonCounties {
    /// The counties, in the order of the text.
    pub counties: Vec<CountyData>,
    /// Whether the text held one county object (answered with one report, not an array).
    pub one: bool,
}

/// The name diagnostics give a JSON text read by [`read_json_counties`].
pub const JSON_BODY: &str = "request body";

/// Reads one county object, an array of them, or `{"counties": [...]}` from JSON text: one
/// reading for every shape (issue 23). Each county is read as JSON (as a `.json` file is, by
/// [`CountyData::from_json_str`]) from its own bytes in the text, never re-serialised, with the
/// same duplicate-key rule; every diagnostic is named [`JSON_BODY`] and its line and column point
/// into `text` as given; a county of a batch is named `counties[i]: ` at the start of the
/// message. At most [`crate::MAX_DIAGNOSTICS_PER_FILE`] diagnostics, then one more with the count.
///
/// # Errors
/// [`Error::Data`] for text that is not JSON or counties that do not fit the dictionary;
/// [`Error::Invalid`] for JSON of another shape, no counties, or more than `max_counties`.
///
/// ```
/// let rules = fazhi::RuleSet::builtin()?;
/// let one = r#"{"county": {"id": "x", "name": "某县"}, "data": {}}"#;
/// let read = fazhi::scoring::batch::read_json_counties(&format!("[{one}, {one}]"), &rules, 10)?;
/// assert_eq!((read.counties.len(), read.one), (2, false));
/// let err = fazhi::scoring::batch::read_json_counties(&format!("[{one}, {one}]"), &rules, 1);
/// assert!(err.unwrap_err().to_string().contains("--max-counties"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn read_json_counties(
    text: &str,
    rules: &RuleSet,
    max_counties: usize,
) -> Result<JsonCounties> {
    use serde_json::value::RawValue;
    let syntax_error = |e: serde_json::Error| {
        Error::Data(crate::Diagnostics(vec![crate::Diagnostic::error(
            crate::error::Code::Syntax,
            JSON_BODY,
            (e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
        .with_help("send one county object ({\"county\": …, \"data\": …}), an array of them, or {\"counties\": [...]}")]))
    };
    let body = text.trim_start_matches('\u{feff}');
    let list: Vec<&RawValue> = match body.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str(body).map_err(syntax_error)?,
        Some(b'{') => {
            let top: TopKeys = serde_json::from_str(body).map_err(syntax_error)?;
            let batch = top.0.iter().any(|(k, _)| k == "counties")
                && !top.0.iter().any(|(k, _)| k == "data");
            if !batch {
                // One county: read from the text itself, as a `.json` file is.
                let county = CountyData::from_json_str(JSON_BODY, text, rules)?;
                return Ok(JsonCounties {
                    counties: vec![county],
                    one: true,
                });
            }
            if top.0.iter().filter(|(k, _)| k == "counties").count() > 1 {
                return Err(Error::Invalid(
                    "the key `counties` is written twice; write it once".into(),
                ));
            }
            let raw = top
                .0
                .into_iter()
                .find(|(k, _)| k == "counties")
                .map(|(_, v)| v);
            match raw.map(|r| serde_json::from_str::<Vec<&RawValue>>(r.get())) {
                Some(Ok(items)) => items,
                _ => {
                    return Err(Error::Invalid(
                        "`counties` must be an array of county objects".into(),
                    ))
                }
            }
        }
        _ => {
            // Not an object or array: a syntax error has its place; valid JSON is the wrong shape.
            serde_json::from_str::<&RawValue>(body).map_err(syntax_error)?;
            return Err(Error::Invalid(
                "the body must be a county object, an array of them, or {\"counties\": [...]}"
                    .into(),
            ));
        }
    };
    if list.is_empty() {
        return Err(Error::Invalid("no counties in the request".into()));
    }
    if list.len() > max_counties {
        return Err(Error::Invalid(format!(
            "the request holds {} counties, more than the limit of {max_counties}; send fewer per request or start the server with a larger --max-counties",
            list.len()
        )));
    }
    let mut out = Vec::with_capacity(list.len());
    let mut diags = Vec::new();
    let mut places = Places::new(text);
    for (i, item) in list.iter().enumerate() {
        crate::cancel::check()?;
        let (line, column) = places.at(item.get());
        match CountyData::from_json_str(JSON_BODY, item.get(), rules) {
            Ok(c) => out.push(c),
            Err(e) => diags.extend(e.diagnostics().iter().map(|d| {
                let mut d = d.clone();
                // Places in the county's own bytes, moved to where they sit in the text.
                if d.line == 1 {
                    d.column += column - 1;
                }
                if d.line > 0 {
                    d.line += line - 1;
                }
                d.message = format!("counties[{i}]: {}", d.message);
                d
            })),
        }
    }
    if diags.is_empty() {
        Ok(JsonCounties {
            counties: out,
            one: false,
        })
    } else {
        Err(Error::Data(crate::Diagnostics(diags).capped()))
    }
}

/// The keys of a JSON object in order (a key written twice stays twice), values as raw slices.
struct TopKeys<'a>(Vec<(std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for TopKeys<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = TopKeys<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<TopKeys<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
                    let v: &'de serde_json::value::RawValue = a.next_value()?;
                    out.push((k, v));
                }
                Ok(TopKeys(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// The 1-based line and character column of slices of `text`, asked for in order: one pass
/// over the text however many counties it holds.
struct Places<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> Places<'a> {
    fn new(text: &'a str) -> Self {
        Places {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    fn at(&mut self, part: &str) -> (usize, usize) {
        let to = (part.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .min(self.text.len());
        if let Some(between) = self.text.get(self.offset..to) {
            for c in between.chars() {
                if c == '\n' {
                    self.line += 1;
                    self.column = 1;
                } else {
                    self.column += 1;
                }
            }
            self.offset = to;
        }
        (self.line, self.column)
    }
}

// issue 27 shape 6: relative scores
/// The counties read together, each with the group of all of them (relative items are scored
/// within the batch, see [`crate::relative`]). Unchanged when the rule set has no relative
/// item, or when a county id comes twice (the callers refuse that batch, naming the inputs).
pub fn grouped(
    rules: &RuleSet,
    counties: Vec<(CountyData, InputFile)>,
) -> Vec<(CountyData, InputFile)> {
    let fields = rules.relative_fields();
    if fields.is_empty() {
        return counties;
    }
    let refs: Vec<&CountyData> = counties.iter().map(|(c, _)| c).collect();
    match crate::relative::Group::build(&fields, &refs) {
        Ok(g) => {
            let g = std::sync::Arc::new(g);
            (counties.into_iter())
                .map(|(c, f)| (c.with_group(g.clone()), f))
                .collect()
        }
        Err(_) => counties,
    }
}
