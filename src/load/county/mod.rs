//! County data: values with provenance, read from YAML or JSON (or built in code) and checked
//! against a rule set's data dictionary before anything is scored.

pub mod group;
use crate::error::{did_you_mean, Diagnostic, Diagnostics, Error, Result};
use crate::load::parse::{Kind, Node};
use crate::model::FieldSpec;
use crate::types::{hex, FieldPath};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub(crate) use super::value::{check_value, count_range_error, is_iso_date};
use super::value::{is_group, parse_leaf};
pub use super::value::{Bound, CountyInfo, Datum, MAX_EXACT_COUNT};

/// A county's data, checked against a rule set's data dictionary.
///
/// Read through [`CountyData::info`], [`CountyData::values`], [`CountyData::get`] and
/// [`CountyData::hash`]; changed only through [`CountyData::set`] and [`CountyData::remove`],
/// which check the value and keep the hash and the dense row the evaluator reads in step with
/// the values (issue 25: the fields were public, so a row kept beside them could go stale, and
/// every evaluation rebuilt it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyData {
    info: CountyInfo,
    /// Shared with the reports scored from these data (their items' inputs refer to them).
    values: Arc<BTreeMap<FieldPath, Datum>>,
    hash: String,
    /// The dense row the compiled evaluator reads, built the first time the county is scored
    /// under a dictionary and kept (see [`KeptRow`]).
    #[serde(skip)]
    row: KeptRow,
    // issue 27 shape 6: relative scores
    /// The counties this one is scored with (relative items compare with them); `None`: alone.
    /// Not part of the data or its hash; reports name it (`county.group`).
    #[serde(skip)]
    group: Option<Arc<group::Group>>,
}

/// The dense row of a county for one data dictionary, kept by the county data (issue 25).
///
/// The row's type belongs to the evaluator (`evaluate::fast::Dense`), which reads county data:
/// naming it here would make load and evaluate import each other, so it is kept as `Any` and
/// only the evaluator, which made it, reads it back. The dictionary is held (its shared list of
/// paths, compared by pointer) so a row is only ever reused for the dictionary it was built for.
#[derive(Clone, Default)]
struct KeptRow(std::sync::OnceLock<(Arc<[FieldPath]>, AnyRow)>);

/// A kept row, of the evaluator's type.
type AnyRow = Arc<dyn std::any::Any + Send + Sync>;

impl std::fmt::Debug for KeptRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "KeptRow(built)"
        } else {
            "KeptRow(none)"
        })
    }
}

impl PartialEq for KeptRow {
    /// A kept row is a cache of the values: it never makes two counties' data differ.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl CountyData {
    /// Builds county data in code and checks every value against the dictionary.
    ///
    /// ```
    /// # let rules = fazhi::RuleSet::builtin().unwrap();
    /// use fazhi::{CountyData, CountyInfo, Datum, FieldPath, Value};
    /// let info = CountyInfo { id: "x".into(), name: "某县".into(), ..Default::default() };
    /// let field = rules.fields().keys().next().unwrap().clone();
    /// let err = CountyData::new(info, [(FieldPath::new("no.such_field"), Datum::new(Value::Int(1)))], &rules);
    /// assert!(err.is_err());
    /// ```
    pub fn new(
        info: CountyInfo,
        values: impl IntoIterator<Item = (FieldPath, Datum)>,
        rules: &crate::RuleSet,
    ) -> Result<CountyData> {
        let fields = rules.fields();
        let mut diags = Vec::new();
        let mut out = BTreeMap::new();
        for (path, datum) in values {
            match fields.get_key_value(&path) {
                None => diags.push(unknown_field("<data>", (0, 0), path.as_str(), fields)),
                Some((field, spec)) => match check_value(&datum.value, spec) {
                    Ok(v) => {
                        out.insert(field.clone(), Datum { value: v, ..datum });
                    }
                    Err(m) => diags.push(Diagnostic::error(
                        crate::error::Code::InvalidValue,
                        "<data>",
                        (0, 0),
                        format!("field `{path}`: {m}"),
                    )),
                },
            }
        }
        if diags.is_empty() {
            Ok(CountyData::finish(info, out))
        } else {
            Err(Error::Data(Diagnostics(diags)))
        }
    }

    /// Reads a county file (YAML or JSON) and checks it against the rule set's dictionary.
    pub fn from_file(path: impl AsRef<Path>, rules: &crate::RuleSet) -> Result<CountyData> {
        let path = path.as_ref();
        let text = crate::load::files::read_text(path)?;
        CountyData::from_str(&path.display().to_string(), &text, rules)
    }

    /// Parses county data from YAML or JSON text; `name` is used in error messages, and its
    /// extension decides the syntax (`.json`: JSON read by serde_json, RFC 8259 escapes included;
    /// anything else: YAML 1.2, of which JSON is a subset, so the same data give the same values
    /// and the same [`CountyData::hash`]).
    ///
    /// Errors ([`Error::Data`], every problem at once, each at the line and column the parser
    /// gives for the key or value): not valid YAML/JSON, a key written twice in any mapping (both
    /// lines named), an unknown top-level key or field (with a did-you-mean), a value of the wrong
    /// type or outside its field's range, a count that is not a whole number or lies beyond
    /// ±(2^53 − 1), where numbers stop being exact.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str, text: &str, rules: &crate::RuleSet) -> Result<CountyData> {
        CountyData::read(name, text, crate::load::parse::Syntax::of(name), rules)
    }

    /// Parses county data from JSON text whatever `name` is (a request body, say): the same
    /// reading as a `.json` file, so the same bytes give the same answer on every route
    /// (issue 23: an HTTP body with a C1 control character was read as YAML and refused).
    pub fn from_json_str(name: &str, text: &str, rules: &crate::RuleSet) -> Result<CountyData> {
        CountyData::read(name, text, crate::load::parse::Syntax::Json, rules)
    }

    fn read(
        name: &str,
        text: &str,
        syntax: crate::load::parse::Syntax,
        rules: &crate::RuleSet,
    ) -> Result<CountyData> {
        let too_deep = || match crate::load::files::too_deep(text) {
            Some(at) => Err(Error::Data(Diagnostics(vec![Diagnostic::error(
                crate::error::Code::Syntax,
                name,
                at,
                crate::load::files::too_deep_message(),
            )]))),
            None => Ok(()),
        };
        // YAML is checked against the nesting bound first (brackets inside plain text count
        // there, so the fast path could read a file the bound refuses); a JSON file the fast
        // path accepts is always within it (see `load::fast::MAX_GROUP_DEPTH`).
        if syntax == crate::load::parse::Syntax::Yaml {
            too_deep()?;
        }
        // Nearly every file is right: read it in one pass straight into checked values. A file
        // the fast path does not take as it is is read again below, with places, so every
        // problem is reported exactly as before (see `load::fast`).
        if let Some((info, values)) = crate::load::fast::county(text, syntax, rules.fields()) {
            return Ok(CountyData::with_hash(info, values));
        }
        if syntax == crate::load::parse::Syntax::Json {
            too_deep()?;
        }
        from_tree_as(name, text, syntax, rules)
    }

    pub(crate) fn finish(info: CountyInfo, values: BTreeMap<FieldPath, Datum>) -> CountyData {
        // Rebuilt in one sorted pass: a map grown insert by insert leaves its nodes about half
        // full, which doubles the memory a national batch of counties holds.
        CountyData::with_hash(info, values.into_iter().collect())
    }

    /// County data from values already built in one sorted pass, with their [`CountyData::hash`].
    pub(crate) fn with_hash(info: CountyInfo, values: BTreeMap<FieldPath, Datum>) -> CountyData {
        let mut d = CountyData {
            info,
            values: Arc::new(values),
            hash: String::new(),
            row: KeptRow::default(),
            group: None,
        };
        // The canonical form (compact JSON of header and values, in path order) is written
        // straight into the hash, in one pass, through a buffer so the hash takes whole blocks.
        let mut sink = std::io::BufWriter::with_capacity(8192, HashSink(Sha256::new()));
        // Writing these types into memory cannot fail: their keys are text and serde_json
        // writes any f64 (a non-finite one as `null`, though checked values are finite).
        let _ = serde_json::to_writer(&mut sink, &(&d.info, &*d.values));
        let digest = match sink.into_inner() {
            Ok(HashSink(h)) => h.finalize(),
            Err(_) => Sha256::digest(b""),
        };
        d.hash = hex(&digest);
        d
    }

    /// The value of a field, if the county has it.
    pub fn get(&self, path: &str) -> Option<&Datum> {
        self.values.get(path)
    }

    // issue 27 shape 6: relative scores
    /// The group of counties this county is scored with (see `relative.rs`); `None` when
    /// it is scored alone.
    pub fn group(&self) -> Option<&Arc<group::Group>> {
        self.group.as_ref()
    }

    /// These data scored within `group` (relative items compare with its other members).
    pub fn with_group(mut self, group: Arc<group::Group>) -> CountyData {
        self.group = Some(group);
        self
    }

    /// Who the data are about.
    pub fn info(&self) -> &CountyInfo {
        &self.info
    }

    /// Every value the county has, by field, in path order.
    pub fn values(&self) -> &BTreeMap<FieldPath, Datum> {
        &self.values
    }

    /// sha256 (hex) of the canonical content: header and values as compact JSON in path order,
    /// so independent of field order and file format.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Sets a field's value, checked against `rules`' data dictionary as a county file's value
    /// is; returns the value it replaces. The hash is recomputed.
    ///
    /// Errors: [`Error::Data`] when the field is not in the dictionary (with a did-you-mean) or
    /// the value does not fit it (type, range, enum values).
    ///
    /// ```
    /// # let rules = fazhi::RuleSet::builtin()?;
    /// use fazhi::{CountyData, Datum, Value};
    /// let mut c = CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
    /// let field = rules.fields().iter().find(|(_, s)| s.ty == fazhi::model::FieldType::Bool).unwrap().0.clone();
    /// let before = c.hash().to_string();
    /// c.set(field.as_str(), Datum::new(Value::Bool(true)), &rules)?;
    /// assert_eq!(c.get(field.as_str()).unwrap().value, Value::Bool(true));
    /// assert_ne!(c.hash(), before);
    /// assert!(c.set("no.such_field", Datum::new(Value::Int(1)), &rules).is_err());
    /// # Ok::<(), fazhi::Error>(())
    /// ```
    pub fn set(
        &mut self,
        path: &str,
        datum: Datum,
        rules: &crate::RuleSet,
    ) -> Result<Option<Datum>> {
        let fields = rules.fields();
        let Some((field, spec)) = fields.get_key_value(path) else {
            return Err(Error::Data(Diagnostics(vec![unknown_field(
                "<data>",
                (0, 0),
                path,
                fields,
            )])));
        };
        let value = check_value(&datum.value, spec).map_err(|m| {
            Error::Data(Diagnostics(vec![Diagnostic::error(
                crate::error::Code::InvalidValue,
                "<data>",
                (0, 0),
                format!("field `{path}`: {m}"),
            )]))
        })?;
        let old = self.set_unchecked(field.clone(), Datum { value, ..datum });
        self.rehash();
        Ok(old)
    }

    /// Removes a field's value (the county then has no data for it); returns it. The hash is
    /// recomputed.
    pub fn remove(&mut self, path: &str) -> Option<Datum> {
        let old = Arc::make_mut(&mut self.values).remove(path);
        if old.is_some() {
            self.row = KeptRow::default();
            self.rehash();
        }
        old
    }

    /// Replaces the header (who the data are about); the hash is recomputed.
    pub fn set_info(&mut self, info: CountyInfo) {
        self.info = info;
        self.rehash();
    }

    fn rehash(&mut self) {
        let values = std::mem::take(&mut self.values);
        let info = std::mem::take(&mut self.info);
        *self = CountyData::with_hash(info, Arc::unwrap_or_clone(values));
    }

    /// County data as given, unchecked, with their hash (tests).
    #[cfg(test)]
    pub(crate) fn unchecked(info: CountyInfo, values: BTreeMap<FieldPath, Datum>) -> CountyData {
        CountyData::with_hash(info, values)
    }

    /// A working copy of checked values, with no hash (see [`CountyData::set_unchecked`]).
    pub(crate) fn working(info: CountyInfo, values: BTreeMap<FieldPath, Datum>) -> CountyData {
        CountyData {
            info,
            values: Arc::new(values),
            hash: String::new(),
            row: KeptRow::default(),
            group: None,
        }
    }

    /// Sets a value without checking it or recomputing the hash: for the analyses' working
    /// copies of checked data (the gap search changes thousands of values and never reads the
    /// hash of a working copy). Drops the kept row.
    pub(crate) fn set_unchecked(&mut self, field: FieldPath, datum: Datum) -> Option<Datum> {
        self.row = KeptRow::default();
        Arc::make_mut(&mut self.values).insert(field, datum)
    }

    /// Removes a value without recomputing the hash (see [`CountyData::set_unchecked`]).
    pub(crate) fn remove_unchecked(&mut self, field: &FieldPath) -> Option<Datum> {
        self.row = KeptRow::default();
        Arc::make_mut(&mut self.values).remove(field)
    }

    /// The values, shared (the items of a report refer to them instead of copying them).
    pub(crate) fn shared_values(&self) -> &Arc<BTreeMap<FieldPath, Datum>> {
        &self.values
    }

    /// The dense row kept for the dictionary `order` (the rule set's shared list of paths), built
    /// by `build` when none is kept for it; a row for another dictionary is neither used nor
    /// replaced (the county scored under two rule sets keeps the first's).
    pub(crate) fn kept_row<T: std::any::Any + Send + Sync>(
        &self,
        order: &Arc<[FieldPath]>,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        if let Some((o, row)) = self.row.0.get() {
            if Arc::ptr_eq(o, order) {
                if let Ok(row) = Arc::clone(row).downcast::<T>() {
                    return row;
                }
            }
            return Arc::new(build());
        }
        let row = Arc::new(build());
        let erased: AnyRow = row.clone();
        let _ = self.row.0.set((Arc::clone(order), erased));
        row
    }
}

/// A writer that hashes what it is given (for [`CountyData::hash`]).
struct HashSink(Sha256);

impl std::io::Write for HashSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The careful path of [`CountyData::from_str`]: the document as a tree with the place of every
/// key and value, then every check, each problem reported at its line and column.
#[cfg(test)]
pub(crate) fn from_tree(name: &str, text: &str, rules: &crate::RuleSet) -> Result<CountyData> {
    from_tree_as(name, text, crate::load::parse::Syntax::of(name), rules)
}

fn from_tree_as(
    name: &str,
    text: &str,
    syntax: crate::load::parse::Syntax,
    rules: &crate::RuleSet,
) -> Result<CountyData> {
    let fields = rules.fields();
    let doc =
        crate::load::parse::tree(name, text, syntax).map_err(|d| Error::Data(Diagnostics(d)))?;
    let mut diags = Vec::new();
    let Kind::Map(top) = doc.kind else {
        return Err(Error::Data(Diagnostics(vec![Diagnostic::error(
            crate::error::Code::Syntax,
            name,
            doc.at,
            format!(
                "a county file is a mapping with `county:` and `data:`, found {}",
                doc.describe()
            ),
        )])));
    };
    // fazhi's own report (`score --format json`) saved beside county files: say what it is
    // instead of listing its every key as unknown (found by a new-user trial).
    let has = |k: &str| top.iter().any(|e| e.key == k);
    if has("engine") && has("summary") && !has("data") {
        return Err(Error::Data(Diagnostics(vec![Diagnostic::error(
            crate::error::Code::UnknownKey,
            name,
            doc.at,
            "this is a fazhi report (it has `engine:` and `summary:`), not county data (`county:` and `data:`)".into(),
        )
        .with_help(
            "score, rank and gap read county files: keep reports in another folder; `fazhi verify REPORT.json` checks a report",
        )])));
    }
    let mut info = None;
    let mut values = BTreeMap::new();
    for e in top {
        match e.key.as_str() {
            "county" => match county_info(&e.value) {
                Ok(i) => info = Some(i),
                Err((at, m)) => {
                    // The header's own problems: a key it does not have, one it needs, or a
                    // value of the wrong kind.
                    let code = if m.starts_with("unknown key") {
                        crate::error::Code::UnknownKey
                    } else if m.starts_with("missing") {
                        crate::error::Code::MissingKey
                    } else {
                        crate::error::Code::InvalidValue
                    };
                    diags.push(
                        Diagnostic::error(code, name, at, format!("`county:` header: {m}"))
                            .with_help("the header has id, name and optionally province, year, kind, sources, note"),
                    )
                }
            },
            "data" => walk_data(name, "", &e.value, fields, &mut values, &mut diags),
            other => {
                let mut d = Diagnostic::error(
                    crate::error::Code::UnknownKey,
                    name,
                    e.key_at,
                    format!("unknown top-level key `{other}`"),
                );
                d = d.with_help(match did_you_mean(other, ["county", "data"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "a county file has `county:` and `data:`".into(),
                });
                diags.push(d);
            }
        }
    }
    let info = match info {
        Some(i) => i,
        None => {
            if !diags.iter().any(|d| d.message.starts_with("`county:`")) {
                diags.push(Diagnostic::error(
                    crate::error::Code::MissingKey,
                    name,
                    (1, 1),
                    "missing `county:` header (id and name)".into(),
                ));
            }
            CountyInfo::default()
        }
    };
    if diags.is_empty() {
        Ok(CountyData::finish(info, values))
    } else {
        Err(Error::Data(Diagnostics(diags).capped()))
    }
}

/// The `county:` header, read field by field so that each problem has its place.
fn county_info(n: &Node) -> Result<CountyInfo, ((usize, usize), String)> {
    let Kind::Map(m) = &n.kind else {
        return Err((n.at, format!("expected a mapping, found {}", n.describe())));
    };
    let text = |v: &Node, key: &str| match &v.kind {
        Kind::Text(s) => Ok(s.clone()),
        _ => Err((v.at, format!("`{key}` is text, found {}", v.describe()))),
    };
    let mut info = CountyInfo::default();
    let (mut id, mut name) = (false, false);
    for e in m {
        let v = &e.value;
        match e.key.as_str() {
            "id" => {
                info.id = text(v, "id")?;
                id = true;
            }
            "name" => {
                info.name = text(v, "name")?;
                name = true;
            }
            "province" => info.province = Some(text(v, "province")?),
            "kind" => info.kind = Some(text(v, "kind")?),
            "note" => info.note = Some(text(v, "note")?),
            "year" => {
                info.year = Some(match v.kind {
                    Kind::Int(y) => {
                        i32::try_from(y).map_err(|_| (v.at, format!("`year` {y} is not a year")))?
                    }
                    _ => {
                        return Err((
                            v.at,
                            format!("`year` is a whole number, found {}", v.describe()),
                        ))
                    }
                })
            }
            "sources" => {
                let Kind::Map(src) = &v.kind else {
                    return Err((
                        v.at,
                        format!(
                            "`sources` is a mapping of key → document, found {}",
                            v.describe()
                        ),
                    ));
                };
                for s in src {
                    info.sources.insert(s.key.clone(), text(&s.value, &s.key)?);
                }
            }
            other => {
                let hint = did_you_mean(
                    other,
                    ["id", "name", "province", "year", "kind", "sources", "note"],
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                return Err((e.key_at, format!("unknown key `{other}`{hint}")));
            }
        }
    }
    if !id || !name {
        let missing = if id { "name" } else { "id" };
        return Err((n.at, format!("missing `{missing}`")));
    }
    Ok(info)
}

fn unknown_field(
    file: &str,
    loc: (usize, usize),
    path: &str,
    fields: &BTreeMap<FieldPath, FieldSpec>,
) -> Diagnostic {
    let d = Diagnostic::error(
        crate::error::Code::UnknownKey,
        file,
        loc,
        format!("unknown field `{path}`: it is not in the rule set's data dictionary"),
    );
    match did_you_mean(path, fields.keys().map(|f| f.as_str())) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => {
            d.with_help("county data may only hold fields the rule set declares under `fields:`")
        }
    }
}

fn walk_data(
    file: &str,
    prefix: &str,
    v: &Node,
    fields: &BTreeMap<FieldPath, FieldSpec>,
    out: &mut BTreeMap<FieldPath, Datum>,
    diags: &mut Vec<Diagnostic>,
) {
    let Kind::Map(map) = &v.kind else {
        diags.push(Diagnostic::error(
            crate::error::Code::InvalidValue,
            file,
            v.at,
            format!(
                "`{}` must be a mapping of fields, found {}",
                if prefix.is_empty() { "data" } else { prefix },
                v.describe()
            ),
        ));
        return;
    };
    for e in map {
        let path = if prefix.is_empty() {
            e.key.clone()
        } else {
            format!("{prefix}.{}", e.key)
        };
        // The dictionary's own key is kept, so the engine can match values to slots by identity.
        if let Some((field, spec)) = fields.get_key_value(&FieldPath::new(path.clone())) {
            match parse_leaf(&e.value, spec) {
                Ok(Some(d)) => {
                    if out.insert(field.clone(), d).is_some() {
                        diags.push(Diagnostic::error(
                            crate::error::Code::DuplicateKey,
                            file,
                            e.key_at,
                            format!("field `{path}` is given twice (once as `{path}`, once inside its group)"),
                        ).with_help("write each field once"));
                    }
                }
                Ok(None) => {}
                Err((at, m)) => diags.push(Diagnostic::error(
                    crate::error::Code::InvalidValue,
                    file,
                    at,
                    format!("field `{path}`: {m}"),
                )),
            }
        } else if is_group(&path, fields) && matches!(e.value.kind, Kind::Map(_)) {
            walk_data(file, &path, &e.value, fields, out, diags);
        } else if diags.len() < crate::error::MAX_DIAGNOSTICS_PER_FILE {
            diags.push(unknown_field(file, e.key_at, &path, fields));
        } else {
            // Past the cap only the count is kept: no did-you-mean search over the dictionary.
            diags.push(Diagnostic::error(
                crate::error::Code::UnknownKey,
                file,
                e.key_at,
                String::new(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::value::node_to_value;
    use crate::types::Value;

    fn spec(y: &str) -> FieldSpec {
        crate::load::parse::typed_for_tests(y).unwrap()
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_iso_date("2020-02-29"));
        assert!(!is_iso_date("2021-02-29"));
        assert!(!is_iso_date("2021-13-01"));
        assert!(!is_iso_date("20210101"));
    }

    #[test]
    fn values_follow_type_and_range() {
        let pct = spec("{type: percent, desc: x}");
        assert!(check_value(&Value::Number(100.5), &pct)
            .unwrap_err()
            .contains("above"));
        assert_eq!(
            check_value(&Value::Int(90), &pct).unwrap(),
            Value::Number(90.0)
        );
        assert!(check_value(&Value::Number(f64::NAN), &pct).is_err());
        let cnt = spec("{type: count, desc: x}");
        assert!(check_value(&Value::Int(-1), &cnt)
            .unwrap_err()
            .contains("below"));
        assert!(node_to_value(&crate::load::parse::tree_for_tests("2.5"), &cnt).is_err());
        // 95 and 95.0 are the same count; 2^53 − 1 is the largest, 2^53 and beyond are refused.
        let n = |t: &str| node_to_value(&crate::load::parse::tree_for_tests(t), &cnt);
        assert_eq!(n("95").unwrap(), Value::Int(95));
        assert_eq!(n("95.0").unwrap(), Value::Int(95));
        assert_eq!(n("9007199254740991").unwrap(), Value::Int(9007199254740991));
        for big in [
            "9007199254740992",
            "9007199254740993",
            "1.0e19",
            "18446744073709551615",
            "1e30",
            "99999999999999999999",
        ] {
            assert!(n(big).unwrap_err().contains("±(2^53 − 1)"), "{big}");
        }
        assert!(check_value(&Value::Int(i64::MAX), &cnt)
            .unwrap_err()
            .contains("±(2^53 − 1)"));
        assert!(check_value(&Value::Number(1e30), &cnt)
            .unwrap_err()
            .contains("±(2^53 − 1)"));
        assert!(check_value(&Value::Number(2.5), &cnt)
            .unwrap_err()
            .contains("whole number"));
        let en = spec("{type: enum, desc: x, values: [a, b]}");
        assert!(check_value(&Value::Text("c".into()), &en).is_err());
    }

    #[test]
    fn provenance_records_and_bounds() {
        let cnt = spec("{type: count, desc: x}");
        let d = parse_leaf(
            &crate::load::parse::tree_for_tests(
                "{value: 2700, bound: lower, source: '001', quote: 调解纠纷2700余件}",
            ),
            &cnt,
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.display(), "≥2700");
        assert!(
            parse_leaf(&crate::load::parse::tree_for_tests("{valeu: 1}"), &cnt)
                .unwrap_err()
                .1
                .contains("did you mean `value`")
        );
    }
}
