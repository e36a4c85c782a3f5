//! A county's values and header, and how one value is read and checked against its field in the
//! data dictionary: shared by both county readers (the careful path in `county` and the one-pass
//! path in `fast`), which is why it is a module of its own (neither reader imports the other's
//! internals).

use crate::error::did_you_mean;
use crate::load::parse::{Kind, Node};
use crate::model::{FieldSpec, FieldType};
use crate::types::{FieldPath, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

pub(crate) fn is_group(path: &str, fields: &BTreeMap<FieldPath, FieldSpec>) -> bool {
    let p = format!("{path}.");
    fields
        .range(FieldPath::new(p.clone())..)
        .next()
        .is_some_and(|(f, _)| f.as_str().starts_with(&p))
}

/// A leaf: a bare value or a provenance record `{value, bound, source, quote, note}`.
/// `null` means the figure is not given (`Ok(None)`). An error comes with the place of the value
/// (or record key) that is wrong.
pub(crate) fn parse_leaf(
    v: &Node,
    spec: &FieldSpec,
) -> Result<Option<Datum>, ((usize, usize), String)> {
    let mut datum = Datum::new(Value::Bool(false));
    let raw = match &v.kind {
        Kind::Map(m) => {
            let mut value = None;
            for e in m {
                let text = || -> Result<Arc<str>, ((usize, usize), String)> {
                    match &e.value.kind {
                        Kind::Text(s) => Ok(Arc::from(s.as_str())),
                        _ => Err((
                            e.value.at,
                            format!("`{}` is text, found {}", e.key, e.value.describe()),
                        )),
                    }
                };
                match e.key.as_str() {
                    "value" => value = Some(&e.value),
                    "bound" => {
                        datum.bound = match &e.value.kind {
                            Kind::Text(s) if s == "exact" => Bound::Exact,
                            Kind::Text(s) if s == "lower" => Bound::Lower,
                            Kind::Text(s) if s == "upper" => Bound::Upper,
                            _ => {
                                return Err((
                                    e.value.at,
                                    format!(
                                        "`bound` is exact, lower or upper, found {}",
                                        e.value.describe()
                                    ),
                                ))
                            }
                        }
                    }
                    "source" => datum.source = Some(text()?),
                    "quote" => datum.quote = Some(text()?),
                    "note" => datum.note = Some(text()?),
                    other => {
                        let hint =
                            did_you_mean(other, ["value", "bound", "source", "quote", "note"])
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default();
                        return Err((e.key_at, format!(
                            "unknown key `{other}` in a value record{hint}; a record has value, bound, source, quote, note"
                        )));
                    }
                }
            }
            value.ok_or((v.at, "a value record needs `value:`".to_string()))?
        }
        _ => v,
    };
    if raw.kind == Kind::Null {
        return Ok(None);
    }
    datum.value = if spec.ty == FieldType::Records {
        records_value(raw, spec)?
    } else {
        node_to_value(raw, spec).map_err(|m| (raw.at, m))?
    };
    Ok(Some(datum))
}

// issue 27 shape 5: records
/// A `type: records` field's value: a list of mappings, each holding every sub-field of
/// `record_fields` (no other), each sub-value read and checked like a field's. The bound
/// (`max_records`) is checked before any record is read. An error comes with the place of the
/// list, the record, the key or the value that is wrong; records are counted from 1.
fn records_value(v: &Node, spec: &FieldSpec) -> Result<Value, ((usize, usize), String)> {
    let Kind::Seq(items) = &v.kind else {
        return Err((
            v.at,
            format!(
                "expected a list of records (记录列表), each a mapping of its sub-fields, found {}",
                v.describe()
            ),
        ));
    };
    let max = max_records(spec);
    if items.len() > max {
        return Err((v.at, too_many_records(items.len(), max)));
    }
    let subs = spec.record_fields.as_ref();
    let names = || {
        subs.map(|m| m.keys().map(String::as_str).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let Kind::Map(entries) = &item.kind else {
            return Err((
                item.at,
                format!(
                    "record {n} is a mapping of sub-fields ({}), found {}",
                    names(),
                    item.describe()
                ),
            ));
        };
        let mut record = crate::types::Record::new();
        for e in entries {
            let Some(sub) = subs.and_then(|m| m.get(&e.key)) else {
                let hint = subs
                    .and_then(|m| did_you_mean(&e.key, m.keys().map(String::as_str)))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err((
                    e.key_at,
                    format!(
                        "unknown sub-field `{}` in record {n}{hint}; its sub-fields are {}",
                        e.key,
                        names()
                    ),
                ));
            };
            if e.value.kind == Kind::Null {
                continue;
            }
            let value = node_to_value(&e.value, sub)
                .map_err(|m| (e.value.at, format!("record {n}, `{}`: {m}", e.key)))?;
            if record.insert(e.key.clone(), value).is_some() {
                return Err((e.key_at, format!("record {n} gives `{}` twice", e.key)));
            }
        }
        if let Some(lack) = subs.and_then(|m| m.keys().find(|k| !record.contains_key(*k))) {
            return Err((item.at, format!("record {n} lacks `{lack}`")));
        }
        out.push(record);
    }
    Ok(Value::Records(out))
}

/// The most records a `type: records` field may hold (its `max_records:`, else the default).
pub(crate) fn max_records(spec: &FieldSpec) -> usize {
    spec.max_records
        .unwrap_or(crate::model::DEFAULT_MAX_RECORDS)
        .min(crate::model::MAX_RECORDS)
}

/// The bound's message: it names the key that raises it.
fn too_many_records(n: usize, max: usize) -> String {
    format!(
        "holds {n} records, more than its `max_records: {max}` (raise `max_records` on the field in the rule set's fields dictionary, at most {})",
        crate::model::MAX_RECORDS
    )
}

/// Checks records built in code or read from JSON: the bound, then every record's sub-fields
/// (each present, none unknown, each value checked against its sub-field).
fn check_records(rs: &[crate::types::Record], spec: &FieldSpec) -> Result<(), String> {
    let max = max_records(spec);
    if rs.len() > max {
        return Err(too_many_records(rs.len(), max));
    }
    let Some(subs) = spec.record_fields.as_ref() else {
        return Err("a records field without `record_fields` cannot hold records".into());
    };
    for (i, r) in rs.iter().enumerate() {
        let n = i + 1;
        if let Some(k) = r.keys().find(|k| !subs.contains_key(*k)) {
            return Err(format!("unknown sub-field `{k}` in record {n}"));
        }
        for (k, sub) in subs {
            let Some(v) = r.get(k) else {
                return Err(format!("record {n} lacks `{k}`"));
            };
            check_value(v, sub).map_err(|m| format!("record {n}, `{k}`: {m}"))?;
        }
    }
    Ok(())
}

/// The largest whole number a count may hold: 2^53 − 1, the last integer from which every
/// smaller one is exact as a float (scores compute with f64; a count of 2^53 + 1 would silently
/// become 2^53).
pub const MAX_EXACT_COUNT: i64 = (1 << 53) - 1;

pub(crate) fn count_range_error(shown: &str) -> String {
    format!(
        "{shown} is beyond the range a count can hold exactly (−{MAX_EXACT_COUNT} to {MAX_EXACT_COUNT}, i.e. ±(2^53 − 1)); it is refused rather than rounded"
    )
}

pub(crate) fn node_to_value(v: &Node, spec: &FieldSpec) -> Result<Value, String> {
    let numeric = matches!(
        spec.ty,
        FieldType::Percent | FieldType::Number | FieldType::Count
    );
    let value = match (&v.kind, spec.ty) {
        (Kind::Int(i), FieldType::Count) => {
            if i.unsigned_abs() > MAX_EXACT_COUNT as u64 {
                return Err(count_range_error(&i.to_string()));
            }
            Value::Int(*i)
        }
        (Kind::UInt(u), FieldType::Count) => return Err(count_range_error(&u.to_string())),
        (Kind::Float(f), FieldType::Count) => {
            if !f.is_finite() || f.fract() != 0.0 {
                return Err(format!(
                    "expected a whole number (计数), found {}",
                    crate::load::parse::show_f64(*f)
                ));
            }
            if f.abs() > MAX_EXACT_COUNT as f64 {
                return Err(count_range_error(&crate::load::parse::show_f64(*f)));
            }
            Value::Int(*f as i64)
        }
        (Kind::Int(i), _) if numeric => Value::Number(*i as f64),
        (Kind::UInt(u), _) if numeric => Value::Number(*u as f64),
        (Kind::Float(f), _) if numeric => Value::Number(*f),
        (Kind::Bool(b), FieldType::Bool) => Value::Bool(*b),
        (Kind::Text(s), FieldType::Text | FieldType::Enum | FieldType::Date) => {
            Value::Text(s.clone())
        }
        (Kind::Seq(items), FieldType::List) => {
            let mut out = Vec::new();
            for it in items {
                match &it.kind {
                    Kind::Text(s) => out.push(s.clone()),
                    _ => return Err(format!("list items are texts, found {}", it.describe())),
                }
            }
            Value::List(out)
        }
        (_, ty) => {
            let mut msg = format!(
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
                    FieldType::Records => "list of records",
                },
                ty.zh(),
                v.describe()
            );
            if let Kind::Text(s) = &v.kind {
                if numeric && s.trim().trim_end_matches('%').parse::<f64>().is_ok() {
                    msg.push_str(&format!(
                        "; write the number without quotes: {}",
                        s.trim().trim_end_matches('%')
                    ));
                }
                if ty == FieldType::Bool
                    && matches!(
                        s.as_str(),
                        "yes"
                            | "no"
                            | "on"
                            | "off"
                            | "y"
                            | "n"
                            | "Yes"
                            | "No"
                            | "YES"
                            | "NO"
                            | "On"
                            | "Off"
                    )
                {
                    msg.push_str("; YAML 1.2 reads `yes`/`no`/`on`/`off`/`y`/`n` as text: write true or false");
                }
            }
            return Err(msg);
        }
    };
    check_value(&value, spec)
}

/// Checks (and normalises) a value against its field's type and range.
pub(crate) fn check_value(v: &Value, spec: &FieldSpec) -> Result<Value, String> {
    let v = match (spec.ty, v) {
        (FieldType::Percent | FieldType::Number, Value::Int(i)) => Value::Number(*i as f64),
        (FieldType::Count, Value::Number(f))
            if f.fract() == 0.0 && f.abs() <= MAX_EXACT_COUNT as f64 =>
        {
            Value::Int(*f as i64)
        }
        _ => v.clone(),
    };
    match (spec.ty, &v) {
        (FieldType::Percent | FieldType::Number, Value::Number(f)) => {
            if !f.is_finite() {
                return Err(format!("{f} is not a usable number"));
            }
        }
        (FieldType::Count, Value::Number(f)) => {
            return Err(if f.is_finite() && f.fract() == 0.0 {
                count_range_error(&crate::load::parse::show_f64(*f))
            } else {
                format!("expected a whole number (计数), found {f}")
            });
        }
        (FieldType::Count, Value::Int(i)) => {
            if i.unsigned_abs() > MAX_EXACT_COUNT as u64 {
                return Err(count_range_error(&i.to_string()));
            }
        }
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
        (FieldType::Records, Value::Records(rs)) => check_records(rs, spec)?,
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
