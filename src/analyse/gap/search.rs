//! Counterfactual search: the smallest change to one item's inputs that earns it full points, or,
//! where full points are out of reach, the most points reachable, found by evaluating the item's
//! real rule on modified data (never by reading the `target` hint alone).
//!
//! How it searches, per input field (within the dictionary's type and range):
//! - numbers move on a grid (counts by 1, percents and other numbers by 0.1) up and down from
//!   the current value; probes at offsets 1, 2, 4, 8… steps (to the bound, or 2^30 steps for an
//!   unbounded side) find a value that reaches the goal, and bisection between the last failing
//!   and the first reaching probe finds the smallest such move. When none reaches it on a
//!   bounded side, 32 evenly spaced probes across the range follow (a rule that pays only inside
//!   a window). Every value returned was evaluated; it is the smallest move when the rule is
//!   monotone in that input (rules in practice are) and still a verified, if larger, move when it
//!   is not;
//! - bools flip; enums try every allowed value; lists try the hint, the full allowed set and the
//!   current list plus one allowed value; texts and dates try the hint;
//! - the item's `target` hint values are always tried too.
//!
//! Fields combine greedily: each round applies the single-field change with the most points
//! (ties: a field the target hint names, then the smaller relative change, then the field
//! name), until the item earns full points or no single change helps; then every target value
//! not yet in place is tried at once (rules that need two figures together), and the rounds go
//! on from there. A missing optional number is searched from its target value on.

use super::{Change, Fix, Reach};
use crate::load::county::{check_value, CountyData, Datum};
use crate::model::{FieldSpec, FieldType};
use crate::types::Value;
use crate::types::{FieldPath, Points};
use crate::{ItemStatus, RuleSet};
use std::collections::BTreeMap;

/// How many doublings a search on an unbounded side goes: up to 2^30 grid steps.
const MAX_DOUBLINGS: u32 = 30;

/// The farthest a search goes, in grid steps from the current value (and the largest current
/// value searched from): keeps every grid index far from overflow, whatever the ranges.
const MAX_GRID: i64 = 1 << 40;

/// Evenly spaced probes across a bounded side when the doubling probes find nothing.
const UNIFORM_PROBES: i64 = 32;

/// One candidate value for one field, with the points it earns (evaluated).
#[derive(Debug, Clone)]
struct Candidate {
    field: FieldPath,
    to: Value,
    points: Points,
    size: f64,
    lever: bool,
}

/// Searches one item's inputs on a working copy of the county's data.
pub(crate) struct Searcher<'a> {
    rules: &'a RuleSet,
    pos: usize,
    work: CountyData,
    max: Points,
    /// How many times the rule was evaluated (for benchmarks and tests).
    pub(crate) evaluations: usize,
}

/// The outcome of a search: the chosen fix and the other single-field fixes that earn as much.
pub(crate) struct Found {
    pub fix: Fix,
    pub alternatives: Vec<Fix>,
}

impl<'a> Searcher<'a> {
    /// A searcher for the item at `pos` (among [`RuleSet::items`]) whose rule reads `fields`.
    /// The working copy holds only those fields: the compile step has checked that a rule reads
    /// nothing else, so the item scores the same, and each evaluation binds a few values instead
    /// of the whole county. Final answers are verified on the full data by the caller.
    pub(crate) fn new(
        rules: &'a RuleSet,
        data: &CountyData,
        pos: usize,
        max: Points,
        fields: &[FieldPath],
    ) -> Self {
        let mut work = CountyData {
            info: data.info.clone(),
            values: BTreeMap::new(),
            hash: String::new(),
        };
        for f in fields {
            if let Some(d) = data.values.get(f) {
                work.values.insert(f.clone(), d.clone());
            }
        }
        Searcher {
            rules,
            pos,
            work,
            max,
            evaluations: 0,
        }
    }

    /// Points the item earns on the working data; `None` when the rule does not score.
    fn eval(&mut self) -> Option<Points> {
        self.evaluations += 1;
        let s = self.rules.score_item(&self.work, self.pos)?;
        (s.status == ItemStatus::Scored).then_some(s.earned)
    }

    /// Points with `field` set to `v` (restored afterwards).
    fn eval_with(&mut self, field: &FieldPath, v: &Value) -> Option<Points> {
        let old = set(&mut self.work, field, v.clone());
        let p = self.eval();
        match old {
            Some(d) => self.work.values.insert(field.clone(), d),
            None => self.work.values.remove(field),
        };
        p
    }

    /// Fills missing fields with the target hint's values (the "supply the data" counterfactual).
    /// `None` when the hint does not cover every missing field or a hint value does not fit.
    pub(crate) fn supply(
        &mut self,
        missing: &[FieldPath],
        hint: &BTreeMap<FieldPath, Value>,
    ) -> Option<Fix> {
        let fields = self.rules.fields();
        let mut changes = Vec::new();
        for f in missing {
            let v = check_value(hint.get(f)?, fields.get(f)?).ok()?;
            changes.push(change(fields, f, None, v));
        }
        for c in &changes {
            set(&mut self.work, &c.field, c.to.clone());
        }
        let earned = self.eval()?;
        Some(Fix {
            reach: if earned == self.max {
                Reach::Full
            } else {
                Reach::Partial
            },
            changes,
            earned,
            gain: earned,
        })
    }

    /// Searches the item's inputs (`fields`, in rule order) for the smallest change to full
    /// points, starting from `earned`.
    pub(crate) fn search(
        &mut self,
        fields: &[FieldPath],
        hint: &BTreeMap<FieldPath, Value>,
        earned: Points,
    ) -> Found {
        let start = earned;
        let mut current = earned;
        let mut changes: Vec<Change> = Vec::new();
        let mut alternatives = Vec::new();
        let mut first = true;
        loop {
            self.rounds(
                fields,
                hint,
                &mut current,
                &mut changes,
                &mut alternatives,
                &mut first,
                start,
            );
            if current >= self.max || !self.joint_hint(fields, hint, &mut current, &mut changes) {
                break;
            }
        }
        let any = !changes.is_empty();
        Found {
            fix: Fix {
                reach: reach(current, self.max, any),
                changes,
                earned: current,
                gain: current - start,
            },
            alternatives,
        }
    }

    /// Single-field rounds: each applies the best single change, until full points or no change
    /// helps. The first round's other single changes that earn as much become `alternatives`.
    #[allow(clippy::too_many_arguments)]
    fn rounds(
        &mut self,
        fields: &[FieldPath],
        hint: &BTreeMap<FieldPath, Value>,
        current: &mut Points,
        changes: &mut Vec<Change>,
        alternatives: &mut Vec<Fix>,
        first: &mut bool,
        start: Points,
    ) {
        let specs = self.rules.fields();
        while *current < self.max {
            let mut best: Vec<Candidate> = Vec::new();
            for f in fields {
                if changes.iter().any(|c| &c.field == f) {
                    continue;
                }
                let Some(spec) = specs.get(f) else { continue };
                let lever = hint.is_empty() || hint.contains_key(f);
                if let Some(c) = self.best_for_field(f, spec, hint.get(f), *current, lever) {
                    best.push(c);
                }
            }
            best.sort_by(|a, b| {
                b.points
                    .cmp(&a.points)
                    .then(b.lever.cmp(&a.lever))
                    .then(a.size.total_cmp(&b.size))
                    .then(a.field.cmp(&b.field))
            });
            let Some(chosen) = best.first().cloned() else {
                return;
            };
            if std::mem::take(first) {
                *alternatives = best[1..]
                    .iter()
                    .filter(|c| c.points == chosen.points)
                    .map(|c| Fix {
                        reach: reach(c.points, self.max, true),
                        changes: vec![change(
                            specs,
                            &c.field,
                            self.value_of(&c.field),
                            c.to.clone(),
                        )],
                        earned: c.points,
                        gain: c.points - start,
                    })
                    .collect();
            }
            changes.push(change(
                specs,
                &chosen.field,
                self.value_of(&chosen.field),
                chosen.to.clone(),
            ));
            set(&mut self.work, &chosen.field, chosen.to);
            *current = chosen.points;
        }
    }

    /// When no single change helps any more: every target value not yet in place, at once (a
    /// rule that needs two figures together, such as trained and total officers). Applied and
    /// `true` when it earns more; otherwise the data are left as they were.
    fn joint_hint(
        &mut self,
        fields: &[FieldPath],
        hint: &BTreeMap<FieldPath, Value>,
        current: &mut Points,
        changes: &mut Vec<Change>,
    ) -> bool {
        let specs = self.rules.fields();
        let joint: Vec<(FieldPath, Value)> = fields
            .iter()
            .filter(|f| !changes.iter().any(|c| &c.field == *f))
            .filter_map(|f| {
                let v = check_value(hint.get(f)?, specs.get(f)?).ok()?;
                (self.value_of(f).as_ref() != Some(&v)).then(|| (f.clone(), v))
            })
            .collect();
        if joint.len() < 2 {
            return false;
        }
        let old: Vec<Option<Datum>> = joint
            .iter()
            .map(|(f, v)| set(&mut self.work, f, v.clone()))
            .collect();
        match self.eval() {
            Some(p) if p > *current => {
                for ((f, v), o) in joint.into_iter().zip(old) {
                    changes.push(change(specs, &f, o.map(|d| d.value), v));
                }
                *current = p;
                true
            }
            _ => {
                for ((f, _), o) in joint.iter().zip(old) {
                    match o {
                        Some(d) => self.work.values.insert(f.clone(), d),
                        None => self.work.values.remove(f),
                    };
                }
                false
            }
        }
    }

    fn value_of(&self, f: &FieldPath) -> Option<Value> {
        self.work.values.get(f).map(|d| d.value.clone())
    }

    /// The best change of one field: full points with the smallest move if any move reaches
    /// them, else the most points with the smallest move; `None` when nothing beats `current`.
    fn best_for_field(
        &mut self,
        f: &FieldPath,
        spec: &FieldSpec,
        hint: Option<&Value>,
        current: Points,
        lever: bool,
    ) -> Option<Candidate> {
        let from = self.value_of(f);
        let mut cands: Vec<(Value, Points)> = Vec::new();
        if let Some(h) = hint.and_then(|h| check_value(h, spec).ok()) {
            if Some(&h) != from.as_ref() {
                if let Some(p) = self.eval_with(f, &h) {
                    cands.push((h, p));
                }
            }
        }
        match (&from, spec.ty) {
            (Some(v), t) if t.is_numeric() => {
                if let Some(x) = v.as_f64() {
                    cands.extend(self.numeric(f, spec, x, current));
                }
            }
            // A missing number: from the target value on, up or down.
            (None, t) if t.is_numeric() => {
                if let Some(x) = hint.and_then(|h| check_value(h, spec).ok()?.as_f64()) {
                    cands.extend(self.numeric(f, spec, x, current));
                }
            }
            (Some(Value::Bool(b)), _) => {
                let v = Value::Bool(!b);
                if let Some(p) = self.eval_with(f, &v) {
                    cands.push((v, p));
                }
            }
            (Some(cur), FieldType::Enum) => {
                for v in spec.values.iter().flatten() {
                    let v = Value::Text(v.clone());
                    if &v != cur {
                        if let Some(p) = self.eval_with(f, &v) {
                            cands.push((v, p));
                        }
                    }
                }
            }
            (Some(Value::List(cur)), FieldType::List) => {
                let allowed = spec.values.clone().unwrap_or_default();
                let mut tries = Vec::new();
                if !allowed.is_empty() {
                    tries.push(allowed.clone());
                }
                for a in allowed.iter().filter(|a| !cur.contains(a)) {
                    let mut l = cur.clone();
                    l.push(a.clone());
                    tries.push(l);
                }
                for l in tries {
                    let v = Value::List(l);
                    if let Some(p) = self.eval_with(f, &v) {
                        cands.push((v, p));
                    }
                }
            }
            _ => {}
        }
        cands
            .into_iter()
            .filter(|(_, p)| *p > current)
            .map(|(to, points)| Candidate {
                size: size(spec, from.as_ref(), &to),
                field: f.clone(),
                to,
                points,
                lever,
            })
            .min_by(|a, b| b.points.cmp(&a.points).then(a.size.total_cmp(&b.size)))
    }

    /// Numeric search up and down from `x`: the smallest move to full points in each direction,
    /// or, when neither reaches them, the smallest move to the most points seen.
    fn numeric(
        &mut self,
        f: &FieldPath,
        spec: &FieldSpec,
        x: f64,
        current: Points,
    ) -> Vec<(Value, Points)> {
        let grid = Grid::for_spec(spec);
        let (lo, hi) = spec.bounds();
        let g = x * grid.per_unit;
        if !g.is_finite() || g.abs() > MAX_GRID as f64 {
            return Vec::new(); // beyond any figure a county reports; nothing sensible to search
        }
        let on_grid = (g - g.round()).abs() < 1e-6;
        let (up, down) = if on_grid {
            (g.round() as i64 + 1, g.round() as i64 - 1)
        } else {
            (g.ceil() as i64, g.floor() as i64)
        };
        let n_hi = hi.map(|h| (h * grid.per_unit + 1e-6).floor() as i64);
        let n_lo = lo.map(|l| (l * grid.per_unit - 1e-6).ceil() as i64);
        let dirs = [
            (up, 1i64, n_hi.map(|h| h.saturating_sub(up))),
            (down, -1i64, n_lo.map(|l| down.saturating_sub(l))),
        ];
        let mut out = Vec::new();
        let mut best_seen: Vec<(usize, Points)> = Vec::new();
        for (i, &(start, sign, span)) in dirs.iter().enumerate() {
            if span.is_some_and(|s| s < 0) {
                continue;
            }
            let mut probe = |s: &mut Self, k: i64| {
                let v = grid.value(start + sign * k, spec.ty);
                s.eval_with(f, &v).unwrap_or(Points::ZERO)
            };
            match self.direction(&mut probe, span, self.max) {
                Ok((k, p)) => out.push((grid.value(start + sign * k, spec.ty), p)),
                Err(seen) if seen > current => best_seen.push((i, seen)),
                Err(_) => {}
            }
        }
        if out.is_empty() {
            if let Some(&(i, goal)) = best_seen.iter().max_by_key(|(i, p)| (*p, usize::MAX - i)) {
                let (start, sign, span) = dirs[i];
                let mut probe = |s: &mut Self, k: i64| {
                    let v = grid.value(start + sign * k, spec.ty);
                    s.eval_with(f, &v).unwrap_or(Points::ZERO)
                };
                if let Ok((k, p)) = self.direction(&mut probe, span, goal) {
                    out.push((grid.value(start + sign * k, spec.ty), p));
                }
            }
        }
        out
    }

    /// The smallest offset `k` in `0..=span` (unbounded when `None`) whose probe reaches `goal`,
    /// with its points; `Err(most points seen)` when no probe does.
    fn direction(
        &mut self,
        probe: &mut impl FnMut(&mut Self, i64) -> Points,
        span: Option<i64>,
        goal: Points,
    ) -> Result<(i64, Points), Points> {
        let limit = span.unwrap_or((1i64 << MAX_DOUBLINGS) - 1).min(MAX_GRID);
        let mut fail = -1i64; // offset -1 is the current value, which is below the goal
        let mut seen = Points::ZERO;
        let mut k = 0i64;
        let mut hit = None;
        loop {
            let p = probe(self, k);
            if p >= goal {
                hit = Some((k, p));
                break;
            }
            seen = seen.max(p);
            fail = k;
            if k >= limit {
                break;
            }
            k = (2 * k + 1).min(limit);
        }
        // Doubling probes crowd near the current value; on a bounded side, also probe evenly
        // across the range, so a rule that pays only inside a window (not monotone) is found.
        if hit.is_none() && span.is_some() && limit > 2 * UNIFORM_PROBES {
            let mut prev = -1i64;
            for j in 1..=UNIFORM_PROBES {
                let k = limit * j / UNIFORM_PROBES;
                let p = probe(self, k);
                if p >= goal {
                    hit = Some((k, p));
                    fail = prev;
                    break;
                }
                seen = seen.max(p);
                prev = k;
            }
        }
        let Some((mut ok, mut ok_p)) = hit else {
            return Err(seen);
        };
        while ok - fail > 1 {
            let mid = fail + (ok - fail) / 2;
            let p = probe(self, mid);
            if p >= goal {
                ok = mid;
                ok_p = p;
            } else {
                fail = mid;
            }
        }
        Ok((ok, ok_p))
    }
}

/// The grid numbers move on: whole numbers for counts, tenths otherwise.
struct Grid {
    per_unit: f64,
}

impl Grid {
    fn for_spec(spec: &FieldSpec) -> Grid {
        Grid {
            per_unit: if spec.ty == FieldType::Count {
                1.0
            } else {
                10.0
            },
        }
    }
    fn value(&self, n: i64, ty: FieldType) -> Value {
        if ty == FieldType::Count {
            Value::Int(n)
        } else {
            Value::Number(n as f64 / self.per_unit)
        }
    }
}

/// Sets a field's value on working data, keeping the datum's provenance; returns the old datum.
pub(crate) fn set(data: &mut CountyData, field: &FieldPath, v: Value) -> Option<Datum> {
    let new = match data.values.get(field) {
        Some(d) => Datum {
            value: v,
            bound: crate::Bound::Exact,
            ..d.clone()
        },
        None => Datum::new(v),
    };
    data.values.insert(field.clone(), new)
}

fn reach(points: Points, max: Points, changed: bool) -> Reach {
    if points >= max {
        Reach::Full
    } else if changed {
        Reach::Partial
    } else {
        Reach::None
    }
}

pub(crate) fn change(
    fields: &BTreeMap<FieldPath, FieldSpec>,
    f: &FieldPath,
    from: Option<Value>,
    to: Value,
) -> Change {
    let spec = fields.get(f);
    Change {
        field: f.clone(),
        desc: spec.map(|s| s.desc.clone()).unwrap_or_default(),
        unit: spec.map(|s| s.unit_label().to_string()).unwrap_or_default(),
        from,
        to,
    }
}

/// How big a change is, to compare moves of different fields: a number's move relative to its
/// range (or to its magnitude when the range is open), one for a bool, enum, text or date, and
/// the number of values added or removed relative to the allowed set for a list.
fn size(spec: &FieldSpec, from: Option<&Value>, to: &Value) -> f64 {
    match (from, to) {
        (Some(a), b) if a.as_f64().is_some() && b.as_f64().is_some() => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            let scale = match spec.bounds() {
                (Some(lo), Some(hi)) if hi > lo => hi - lo,
                _ => a.abs().max(b.abs()).max(1.0),
            };
            (b - a).abs() / scale
        }
        (Some(Value::List(a)), Value::List(b)) => {
            let diff = a.iter().filter(|x| !b.contains(x)).count()
                + b.iter().filter(|x| !a.contains(x)).count();
            let n = spec.values.as_ref().map_or(a.len().max(b.len()), Vec::len);
            diff as f64 / n.max(1) as f64
        }
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(y: &str) -> FieldSpec {
        crate::load::parse::typed_for_tests(y).unwrap()
    }

    fn one_item(score: &str) -> RuleSet {
        let doc = format!(
            "ruleset: {{id: t, title: t, version: '1', total_points: 4}}\n\
             fields: {{x.rate: {{type: percent, desc: 比率}}, x.n: {{type: count, desc: 件数}}}}\n\
             indicators:\n  - id: '1'\n    name: 领域\n    points: 4\n    children:\n\
             \x20     - {{id: '1.1', name: 项, points: 4, inputs: [x.rate, x.n], score: '{score}'}}\n"
        );
        RuleSet::load(&crate::RuleSource::from_documents([("r.yaml", doc)])).unwrap()
    }

    fn searched(rules: &RuleSet, rate: f64, n: i64) -> (Found, usize) {
        let info = crate::CountyInfo {
            id: "c".into(),
            name: "县".into(),
            ..Default::default()
        };
        let values = [
            (FieldPath::new("x.rate"), Datum::new(Value::Number(rate))),
            (FieldPath::new("x.n"), Datum::new(Value::Int(n))),
        ];
        let data = CountyData::new(info, values, rules).unwrap();
        let fields = [FieldPath::new("x.rate"), FieldPath::new("x.n")];
        let earned = rules.score(&data).items[0].earned;
        let mut s = Searcher::new(rules, &data, 0, Points::from_f64(4.0), &fields);
        let found = s.search(&fields, &BTreeMap::new(), earned);
        (found, s.evaluations)
    }

    #[test]
    fn bisection_finds_tier_edges_in_few_evaluations() {
        let rules = one_item("tiers(d.x.rate, [[95, P], [90, 2]])");
        let (found, evals) = searched(&rules, 91.3, 0);
        assert_eq!(found.fix.reach, Reach::Full);
        assert_eq!(found.fix.changes[0].to, Value::Number(95.0));
        // The count does not matter to this rule: its search ends at 2^30 without success.
        assert!(evals < 150, "{evals} evaluations");
    }

    #[test]
    fn lower_is_better_counts_search_downward() {
        let rules = one_item("deduct_each(max(d.x.n - 3, 0), 0.5)");
        let (found, _) = searched(&rules, 50.0, 10);
        assert_eq!(found.fix.changes[0].field.as_str(), "x.n");
        assert_eq!(found.fix.changes[0].to, Value::Int(3));
        assert_eq!(found.fix.earned, Points::from_f64(4.0));
    }

    #[test]
    fn grid_values_are_exact_decimals() {
        let g = Grid::for_spec(&spec("{type: percent, desc: x}"));
        assert_eq!(g.value(950, FieldType::Percent), Value::Number(95.0));
        assert_eq!(g.value(999, FieldType::Percent), Value::Number(99.9));
        let c = Grid::for_spec(&spec("{type: count, desc: x}"));
        assert_eq!(c.value(7, FieldType::Count), Value::Int(7));
    }

    #[test]
    fn sizes_compare_moves() {
        let pct = spec("{type: percent, desc: x}");
        let s = size(&pct, Some(&Value::Number(90.0)), &Value::Number(95.0));
        assert!((s - 0.05).abs() < 1e-12);
        let cnt = spec("{type: count, desc: x}");
        assert_eq!(size(&cnt, Some(&Value::Int(2)), &Value::Int(0)), 1.0);
        let list = spec("{type: list, desc: x, values: [a, b, c, d]}");
        let l = |v: &[&str]| Value::List(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(size(&list, Some(&l(&["a"])), &l(&["a", "b"])), 0.25);
        assert_eq!(size(&pct, None, &Value::Number(1.0)), 1.0);
    }
}
