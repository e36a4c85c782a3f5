//! Step 4, evaluate: run every compiled rule of a rule set against one county's data. Each rule
//! runs on its own: a rule that fails (a limit, a bad result) fails alone.

use super::{describe_error, from_dynamic, CompiledRule, Outcome, Run};
use crate::helpers;
use crate::load::county::CountyData;
use crate::types::Value;
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
    }
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
