//! Step 4, evaluate: run every compiled rule of a rule set against one county's data. Each rule
//! runs on its own: a rule that fails (a limit, a bad result) fails alone.

use super::{describe_error, from_dynamic, CompiledRule, Outcome, Run};
use crate::helpers;
use crate::load::county::CountyData;
use crate::types::{Points, Value};
use rhai::{Dynamic, Engine, Map, Scope};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// One county bound for evaluation: `d` built once, shared by every rule.
pub(crate) struct BoundCounty<'a> {
    engine: &'a Engine,
    data: &'a CountyData,
    d: Dynamic,
    present: Rc<BTreeSet<String>>,
}

impl<'a> BoundCounty<'a> {
    pub(crate) fn new(engine: &'a Engine, groups: &[String], data: &'a CountyData) -> Self {
        BoundCounty {
            engine,
            data,
            d: Dynamic::from_map(county_map(groups, data))
                .into_read_only()
                .into_shared(),
            present: Rc::new(present(data)),
        }
    }

    /// Runs one rule whose maximum is `max` (bound as `P`); `notes`: word the helpers' notes.
    pub(crate) fn run(&self, rule: &CompiledRule, max: f64, notes: bool) -> Run {
        if let Some(run) = super::no_data(rule, self.data) {
            return run;
        }
        if let Some(each) = &rule.each {
            return self.run_each(rule, each, max, notes);
        }
        let mut scope = Scope::new();
        scope.push_constant_dynamic("d", self.d.clone());
        scope.push_constant("P", max);
        helpers::start_item(max, self.data.info().year, &self.present, notes);
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut scope, &rule.ast);
        let notes = helpers::finish_item();
        let outcome = match result {
            Ok(v) => from_dynamic(v),
            Err(e) => Outcome::Error(describe_error(&e)),
        };
        Run { outcome, notes }
    }
}

// issue 27 shape 5: records
impl BoundCounty<'_> {
    /// Runs a records item: its rule once per record (`r` the record, read-only; `P` the record
    /// points; `d` the county), each result clamped to [0, record points], then combined
    /// (average, min, sum capped at the record points, or the share meeting a bar) and scaled to
    /// the item's points `max` (× max / record points). No records (an empty list) is `no_data`
    /// naming the field; a record whose rule fails makes the item an error naming the record.
    fn run_each(&self, rule: &CompiledRule, each: &super::EachRule, max: f64, notes: bool) -> Run {
        use crate::model::Combine;
        use crate::words::notes::{Note, RecordRow};
        let fail = |m: String| Run {
            outcome: Outcome::Error(m),
            notes: Default::default(),
        };
        let records = match self.data.values().get(&each.field).map(|d| &d.value) {
            Some(Value::Records(rs)) if !rs.is_empty() => rs,
            Some(Value::Records(_)) | None => {
                return Run {
                    outcome: Outcome::NoData(vec![each.field.clone()]),
                    notes: Default::default(),
                }
            }
            Some(other) => return fail(format!("`{}` holds {other:?}, not records", each.field)),
        };
        let rp = each.points.unwrap_or(max);
        let mut rows: Vec<RecordRow> = Vec::with_capacity(records.len());
        for (i, rec) in records.iter().enumerate() {
            let label = each.label.as_ref().and_then(|(k, desc)| match rec.get(k) {
                Some(Value::Text(t)) => Some(std::sync::Arc::from(format!("{desc} {t}"))),
                _ => None,
            });
            let who = || match &label {
                Some(l) => format!("第{}份案卷（{l}）", i + 1),
                None => format!("第{}份案卷", i + 1),
            };
            let mut scope = Scope::new();
            scope.push_constant_dynamic("d", self.d.clone());
            scope.push_constant("P", rp);
            scope.push_constant_dynamic("r", record_map(rec).into_read_only());
            helpers::start_item(rp, self.data.info().year, &self.present, notes);
            let result = self
                .engine
                .eval_ast_with_scope::<Dynamic>(&mut scope, &rule.ast);
            let record_notes = helpers::finish_item();
            let x = match result.map(from_dynamic) {
                Ok(Outcome::Number(x)) => x,
                Ok(Outcome::Bool(b)) => {
                    return fail(format!(
                        "{}：the record rule returned {b}, not points; turn a condition into points with award(cond)",
                        who()
                    ))
                }
                Ok(Outcome::Error(m)) => return fail(format!("{}：{m}", who())),
                Ok(Outcome::NoData(_)) => return fail(format!("{}：no data", who())),
                // The operations limit keeps its opening words (a batch's budget finds it by
                // them), the record named after.
                Err(e) => {
                    let m = describe_error(&e);
                    return fail(if m.starts_with(super::OPS_LIMIT) {
                        format!("{m}（{}）", who())
                    } else {
                        format!("{}：{m}", who())
                    });
                }
            };
            let score = x.clamp(0.0, rp.max(0.0));
            rows.push(RecordRow {
                label,
                score,
                returned: (Points::from_f64(score) != Points::from_f64(x)).then_some(x),
                bound: rp,
                notes: record_notes,
            });
        }
        let n = rows.len() as f64;
        let scores = rows.iter().map(|r| r.score);
        let mut met = 0;
        let result = match each.combine {
            Combine::Average => scores.sum::<f64>() / n,
            Combine::Min => scores.fold(f64::INFINITY, f64::min),
            Combine::Sum => scores.sum::<f64>().min(rp),
            Combine::Share(bar) => {
                met = scores.filter(|s| Combine::meets(*s, bar)).count();
                rp * met as f64 / n
            }
        };
        let scaled = if rp > 0.0 { result * max / rp } else { 0.0 };
        let mut out = Run {
            outcome: Outcome::Number(scaled),
            notes: Default::default(),
        };
        if notes {
            out.notes.push(Note::Records {
                combine: each.combine,
                rows: rows.into(),
                rp,
                result,
                met,
                points: max,
                scaled,
            });
        }
        out
    }
}

/// The county's data as nested rhai maps (`d`), with every group of the dictionary present.
pub(crate) fn county_map(groups: &[String], data: &CountyData) -> Map {
    let mut root = Tree::default();
    for g in groups {
        insert(&mut root, g, None);
    }
    for (path, datum) in data.values() {
        insert(&mut root, path.as_str(), Some(to_dynamic(&datum.value)));
    }
    to_map(root)
}

/// The fields the county has (what `has()` tests).
pub(crate) fn present(data: &CountyData) -> BTreeSet<String> {
    data.values()
        .keys()
        .map(|k| k.as_str().to_string())
        .collect()
}

/// A tree of groups and values, turned into nested rhai maps once per county.
#[derive(Default)]
struct Tree(BTreeMap<String, Slot>);

enum Slot {
    Group(Tree),
    Value(Dynamic),
}

/// Inserts a value at a dotted path, creating groups (a `None` value creates only the groups of
/// the path: used to pre-create every group so optional reads never hit `()`).
fn insert(root: &mut Tree, path: &str, value: Option<Dynamic>) {
    let segs: Vec<&str> = path.split('.').collect();
    let groups = if value.is_some() {
        &segs[..segs.len() - 1]
    } else {
        &segs[..]
    };
    let mut t = root;
    for g in groups {
        let slot =
            t.0.entry((*g).to_string())
                .or_insert_with(|| Slot::Group(Tree::default()));
        if !matches!(slot, Slot::Group(_)) {
            *slot = Slot::Group(Tree::default());
        }
        let Slot::Group(inner) = slot else { return };
        t = inner;
    }
    if let (Some(k), Some(v)) = (segs.last(), value) {
        t.0.insert((*k).to_string(), Slot::Value(v));
    }
}

fn to_map(t: Tree) -> Map {
    t.0.into_iter()
        .map(|(k, v)| {
            let v = match v {
                Slot::Group(g) => Dynamic::from_map(to_map(g)),
                Slot::Value(v) => v,
            };
            (k.into(), v)
        })
        .collect()
}

fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Int(i) => Dynamic::from_int(*i),
        Value::Number(f) => Dynamic::from_float(*f),
        Value::Text(s) => Dynamic::from(s.clone()),
        Value::List(items) => {
            Dynamic::from_array(items.iter().map(|s| Dynamic::from(s.clone())).collect())
        }
        // issue 27 shape 5: records, as an array of maps.
        Value::Records(rs) => Dynamic::from_array(rs.iter().map(record_map).collect()),
    }
}

/// One record as a rhai map (`r` in `record_score`).
pub(crate) fn record_map(r: &crate::types::Record) -> Dynamic {
    Dynamic::from_map(
        r.iter()
            .map(|(k, v)| (k.as_str().into(), to_dynamic(v)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_builds_nested_groups() {
        let mut t = Tree::default();
        insert(&mut t, "a.b", None);
        insert(&mut t, "a.b.c", Some(Dynamic::from_int(3)));
        let m = to_map(t);
        let a = m["a"].clone_cast::<Map>();
        let b = a["b"].clone_cast::<Map>();
        assert_eq!(b["c"].as_int().unwrap(), 3);
    }

    #[test]
    fn results_are_classified() {
        assert_eq!(from_dynamic(Dynamic::from_float(2.5)), Outcome::Number(2.5));
        assert!(
            matches!(from_dynamic(Dynamic::from_float(f64::NAN)), Outcome::Error(m) if m.contains("NaN"))
        );
        assert!(
            matches!(from_dynamic(Dynamic::from("x".to_string())), Outcome::Error(m) if m.contains("text"))
        );
    }
}
