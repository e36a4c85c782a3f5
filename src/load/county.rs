//! County data: values with provenance, read from YAML or JSON (or built in code) and checked
//! against a rule set's data dictionary before anything is scored.

use crate::error::{did_you_mean, Diagnostic, Diagnostics, Error, Result};
use crate::model::{FieldSpec, FieldType};
use crate::types::{hex, FieldPath, Value};
use serde::{Deserialize, Serialize};
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Whether a figure is exact or a bound ("2700余件" is a lower bound).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    /// The figure as given.
    #[default]
    Exact,
    /// At least this much (以上, 余, 多).
    Lower,
    /// At most this much.
    Upper,
}

/// One value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Datum {
    /// The value.
    pub value: Value,
    /// Exact, or a lower/upper bound.
    #[serde(default, skip_serializing_if = "is_exact")]
    pub bound: Bound,
    /// The source document's key (shared text: a report repeats it with every item that reads
    /// the value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Arc<str>>,
    /// The sentence the value comes from (shared text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Arc<str>>,
    /// A note (how a value was derived; shared text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Arc<str>>,
}

fn is_exact(b: &Bound) -> bool {
    *b == Bound::Exact
}

impl Datum {
    /// A value with no provenance.
    pub fn new(value: Value) -> Self {
        Datum {
            value,
            bound: Bound::Exact,
            source: None,
            quote: None,
            note: None,
        }
    }
    /// The value as shown in reports: `≥2700` for a lower bound.
    pub fn display(&self) -> String {
        match self.bound {
            Bound::Exact => self.value.to_string(),
            Bound::Lower => format!("≥{}", self.value),
            Bound::Upper => format!("≤{}", self.value),
        }
    }
}

/// Who the data is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountyInfo {
    /// A stable id (`yuncheng-2018`).
    pub id: String,
    /// The county's name (`郓城县`).
    pub name: String,
    /// Province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The year the data describe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// `seed`, `synthetic`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Source documents by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A county's data, checked against a rule set's data dictionary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyData {
    /// Who it is about.
    pub info: CountyInfo,
    /// The values, by field.
    pub values: BTreeMap<FieldPath, Datum>,
    /// sha256 of the canonical content (independent of field order and file format).
    pub hash: String,
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
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        CountyData::from_str(&path.display().to_string(), &text, rules)
    }

    /// Parses county data from YAML or JSON text; `name` is used in error messages.
    pub fn from_str(name: &str, text: &str, rules: &crate::RuleSet) -> Result<CountyData> {
        let fields = rules.fields();
        let doc: Yaml = serde_yaml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            let loc = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            Error::Data(Diagnostics(vec![Diagnostic::error(
                name,
                loc,
                format!("not valid YAML or JSON: {}", strip_location(&e.to_string())),
            )]))
        })?;
        let mut diags = Vec::new();
        let Yaml::Mapping(top) = doc else {
            return Err(Error::Data(Diagnostics(vec![Diagnostic::error(
                name,
                (1, 1),
                "a county file is a mapping with `county:` and `data:`".into(),
            )])));
        };
        let mut info = None;
        let mut values = BTreeMap::new();
        for (k, v) in top {
            let key = yaml_key(&k);
            match key.as_str() {
                "county" => match serde_yaml::from_value::<CountyInfo>(v) {
                    Ok(i) => info = Some(i),
                    Err(e) => diags.push(
                        Diagnostic::error(
                            name,
                            find_key_line(text, "county"),
                            format!("`county:` header: {e}"),
                        )
                        .with_help("the header has id, name and optionally province, year, kind, sources, note"),
                    ),
                },
                "data" => walk_data(name, text, "", v, fields, &mut values, &mut diags),
                other => {
                    let mut d = Diagnostic::error(
                        name,
                        find_key_line(text, other),
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
                diags.push(Diagnostic::error(
                    name,
                    (1, 1),
                    "missing `county:` header (id and name)".into(),
                ));
                CountyInfo::default()
            }
        };
        if diags.is_empty() {
            Ok(CountyData::finish(info, values))
        } else {
            Err(Error::Data(Diagnostics(diags)))
        }
    }

    pub(crate) fn finish(info: CountyInfo, values: BTreeMap<FieldPath, Datum>) -> CountyData {
        // Rebuilt in one sorted pass: a map grown insert by insert leaves its nodes about half
        // full, which doubles the memory a national batch of counties holds.
        let values: BTreeMap<FieldPath, Datum> = values.into_iter().collect();
        let mut d = CountyData {
            info,
            values,
            hash: String::new(),
        };
        let canonical = serde_json::to_vec(&(&d.info, &d.values)).unwrap_or_default();
        d.hash = hex(&Sha256::digest(&canonical));
        d
    }

    /// The value of a field, if the county has it.
    pub fn get(&self, path: &str) -> Option<&Datum> {
        self.values.get(&FieldPath::new(path))
    }
}

pub(crate) fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn yaml_key(k: &Yaml) -> String {
    match k {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// The first line (and column) where `key:` is written, for messages about data files.
pub(crate) fn find_key_line(text: &str, key: &str) -> (usize, usize) {
    let last = key.rsplit('.').next().unwrap_or(key);
    let candidates = [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("{last}:"),
        format!("\"{last}\":"),
    ];
    for c in &candidates {
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start().trim_start_matches("- ");
            if t.starts_with(c.as_str()) {
                return (i + 1, line.len() - line.trim_start().len() + 1);
            }
        }
    }
    (0, 0)
}

fn unknown_field(
    file: &str,
    loc: (usize, usize),
    path: &str,
    fields: &BTreeMap<FieldPath, FieldSpec>,
) -> Diagnostic {
    let d = Diagnostic::error(
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
    text: &str,
    prefix: &str,
    v: Yaml,
    fields: &BTreeMap<FieldPath, FieldSpec>,
    out: &mut BTreeMap<FieldPath, Datum>,
    diags: &mut Vec<Diagnostic>,
) {
    let Yaml::Mapping(map) = v else {
        diags.push(Diagnostic::error(
            file,
            find_key_line(text, if prefix.is_empty() { "data" } else { prefix }),
            format!(
                "`{}` must be a mapping of fields",
                if prefix.is_empty() { "data" } else { prefix }
            ),
        ));
        return;
    };
    for (k, v) in map {
        let key = yaml_key(&k);
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        // Where the key is written, found only for a message (a scan of the whole text).
        let loc = || find_key_line(text, &path);
        // The dictionary's own key is kept, so the engine can match values to slots by identity.
        if let Some((field, spec)) = fields.get_key_value(&FieldPath::new(path.clone())) {
            match parse_leaf(v, spec) {
                Ok(Some(d)) => {
                    if out.insert(field.clone(), d).is_some() {
                        diags.push(Diagnostic::error(
                            file,
                            loc(),
                            format!("field `{path}` is given twice"),
                        ));
                    }
                }
                Ok(None) => {}
                Err(m) => diags.push(Diagnostic::error(
                    file,
                    loc(),
                    format!("field `{path}`: {m}"),
                )),
            }
        } else if is_group(&path, fields) && matches!(v, Yaml::Mapping(_)) {
            walk_data(file, text, &path, v, fields, out, diags);
        } else {
            diags.push(unknown_field(file, loc(), &path, fields));
        }
    }
}

fn is_group(path: &str, fields: &BTreeMap<FieldPath, FieldSpec>) -> bool {
    let p = format!("{path}.");
    fields
        .range(FieldPath::new(p.clone())..)
        .next()
        .is_some_and(|(f, _)| f.as_str().starts_with(&p))
}

/// A leaf: a bare value or a provenance record `{value, bound, source, quote, note}`.
/// `null` means the figure is not given (`Ok(None)`).
fn parse_leaf(v: Yaml, spec: &FieldSpec) -> Result<Option<Datum>, String> {
    let mut datum = Datum::new(Value::Bool(false));
    let raw = match v {
        Yaml::Mapping(m) => {
            let mut value = None;
            for (k, v) in m {
                let key = yaml_key(&k);
                match key.as_str() {
                    "value" => value = Some(v),
                    "bound" => {
                        datum.bound = serde_yaml::from_value(v)
                            .map_err(|_| "`bound` is exact, lower or upper".to_string())?
                    }
                    "source" => datum.source = Some(yaml_text(&v).into()),
                    "quote" => datum.quote = Some(yaml_text(&v).into()),
                    "note" => datum.note = Some(yaml_text(&v).into()),
                    other => {
                        let hint =
                            did_you_mean(other, ["value", "bound", "source", "quote", "note"])
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default();
                        return Err(format!(
                            "unknown key `{other}` in a value record{hint}; a record has value, bound, source, quote, note"
                        ));
                    }
                }
            }
            value.ok_or("a value record needs `value:`")?
        }
        other => other,
    };
    if raw.is_null() {
        return Ok(None);
    }
    datum.value = yaml_to_value(&raw, spec)?;
    Ok(Some(datum))
}

fn yaml_text(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn describe(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => format!("the text \"{s}\""),
        Yaml::Bool(b) => format!("the bool {b}"),
        Yaml::Number(n) => format!("the number {n}"),
        Yaml::Sequence(_) => "a list".into(),
        Yaml::Mapping(_) => "a mapping".into(),
        Yaml::Null => "nothing".into(),
        Yaml::Tagged(_) => "a tagged value".into(),
    }
}

fn yaml_to_value(v: &Yaml, spec: &FieldSpec) -> Result<Value, String> {
    let value = match (spec.ty, v) {
        (FieldType::Percent | FieldType::Number | FieldType::Count, Yaml::Number(n)) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if spec.ty == FieldType::Count {
                if !f.is_finite() || f.fract() != 0.0 {
                    return Err(format!("expected a whole number (计数), found {n}"));
                }
                Value::Int(f as i64)
            } else {
                Value::Number(f)
            }
        }
        (FieldType::Bool, Yaml::Bool(b)) => Value::Bool(*b),
        (FieldType::Text | FieldType::Enum | FieldType::Date, Yaml::String(s)) => {
            Value::Text(s.clone())
        }
        (FieldType::List, Yaml::Sequence(items)) => {
            let mut out = Vec::new();
            for it in items {
                match it {
                    Yaml::String(s) => out.push(s.clone()),
                    other => {
                        return Err(format!("list items are texts, found {}", describe(other)))
                    }
                }
            }
            Value::List(out)
        }
        (ty, other) => {
            return Err(format!(
                "expected a {} ({}), found {}",
                match ty {
                    FieldType::Percent => "percent (a number 0–100)",
                    FieldType::Count => "count (a whole number ≥ 0)",
                    FieldType::Number => "number",
                    FieldType::Bool => "bool (true/false)",
                    FieldType::Date => "date (\"YYYY-MM-DD\")",
                    FieldType::Text => "text",
                    FieldType::Enum => "text value",
                    FieldType::List => "list of texts",
                },
                ty.zh(),
                describe(other)
            ))
        }
    };
    check_value(&value, spec)
}

/// Checks (and normalises) a value against its field's type and range.
pub(crate) fn check_value(v: &Value, spec: &FieldSpec) -> Result<Value, String> {
    let v = match (spec.ty, v) {
        (FieldType::Percent | FieldType::Number, Value::Int(i)) => Value::Number(*i as f64),
        (FieldType::Count, Value::Number(f)) if f.fract() == 0.0 && f.is_finite() => {
            Value::Int(*f as i64)
        }
        _ => v.clone(),
    };
    match (spec.ty, &v) {
        (FieldType::Percent | FieldType::Number, Value::Number(f))
        | (FieldType::Count, Value::Number(f)) => {
            if !f.is_finite() {
                return Err(format!("{f} is not a usable number"));
            }
        }
        (FieldType::Count, Value::Int(_)) => {}
        (FieldType::Bool, Value::Bool(_)) => {}
        (FieldType::Text, Value::Text(_)) => {}
        (FieldType::Date, Value::Text(s)) => {
            if !is_iso_date(s) {
                return Err(format!("\"{s}\" is not a date written as YYYY-MM-DD"));
            }
        }
        (FieldType::Enum, Value::Text(s)) => {
            if let Some(vals) = &spec.values {
                if !vals.contains(s) {
                    return Err(format!("\"{s}\" is not one of {}", vals.join(", ")));
                }
            }
        }
        (FieldType::List, Value::List(items)) => {
            if let Some(vals) = &spec.values {
                if let Some(bad) = items.iter().find(|i| !vals.contains(i)) {
                    return Err(format!("\"{bad}\" is not one of {}", vals.join(", ")));
                }
            }
        }
        (ty, other) => return Err(format!("a {} field cannot hold {other:?}", ty.zh())),
    }
    if let Some(x) = v.as_f64() {
        let (lo, hi) = spec.bounds();
        let unit = spec.unit_label();
        if let Some(lo) = lo.filter(|lo| x < *lo) {
            return Err(format!("{x}{unit} is below the allowed minimum {lo}{unit}"));
        }
        if let Some(hi) = hi.filter(|hi| x > *hi) {
            return Err(format!("{x}{unit} is above the allowed maximum {hi}{unit}"));
        }
    }
    Ok(v)
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD` (the `jiff` crate decides).
pub(crate) fn is_iso_date(s: &str) -> bool {
    crate::helpers::dates::parse_date(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(y: &str) -> FieldSpec {
        serde_yaml::from_str(y).unwrap()
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
        assert!(yaml_to_value(&serde_yaml::from_str("2.5").unwrap(), &cnt).is_err());
        let en = spec("{type: enum, desc: x, values: [a, b]}");
        assert!(check_value(&Value::Text("c".into()), &en).is_err());
    }

    #[test]
    fn provenance_records_and_bounds() {
        let cnt = spec("{type: count, desc: x}");
        let d = parse_leaf(
            serde_yaml::from_str(
                "{value: 2700, bound: lower, source: '001', quote: 调解纠纷2700余件}",
            )
            .unwrap(),
            &cnt,
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.display(), "≥2700");
        assert!(
            parse_leaf(serde_yaml::from_str("{valeu: 1}").unwrap(), &cnt)
                .unwrap_err()
                .contains("did you mean `value`")
        );
    }
}
