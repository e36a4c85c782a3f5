//! Counterfactual search: the smallest change to one item's inputs that earns it full points, or,
//! where full points are out of reach, the most points reachable, found by evaluating the item's
//! real rule on modified data (never by reading the `target` hint alone).
//!
//! Only levers move (`lever:` in the dictionary, [`crate::levers`]): a context figure (`none`)
//! is never changed, a `raise` field only goes up, a `lower` field only down.
//!
//! How it searches, per input field that is a lever (within the dictionary's type and range):
//! - numbers move on a grid (counts by 1, percents and other numbers by 0.1) from the current
//!   value in the lever's direction; dates move by whole days within the county's assessment
//!   period (its `county.year` and the year after, when that year's reports are published);
//!   probes at offsets 1, 2, 4, 8… steps (to the bound, or 2^30 steps for an
//!   unbounded side) find a value that reaches the goal, and bisection between the last failing
//!   and the first reaching probe finds the smallest such move. When none reaches it on a
//!   bounded side, 32 evenly spaced probes across the range follow (a rule that pays only inside
//!   a window). Every value returned was evaluated; it is the smallest move when the rule is
//!   monotone in that input (rules in practice are) and still a verified, if larger, move when it
//!   is not;
//! - bools flip (in the lever's direction); enums try every allowed value; lists try the full
//!   allowed set and the current list plus one allowed value (`raise`), or less one (`lower`);
//!   texts are not searched (only the hint is tried, and the search says so);
//! - an absent optional input is supplied: its hint, or a search over its whole range;
//! - the item's `target` hint values are always tried too (when they go the lever's way).
//!
//! When no single change helps any more, every pair of lever fields is searched together (a
//! numerator and a denominator, a "0 of 0" catalogue): for each of the first field's probe values
//! the second field is searched as above. The search is *complete* for an item when every field
//! it reads was searched (no text) and at most two fields are levers (so every combination
//! the grid allows was within reach of the pair search); otherwise [`SearchNote::not_searched`]
//! says what was not.
//!
//! Fields combine greedily: each round applies the single-field change with the most points
//! (ties: a field the target hint names, then the smaller relative change, then the field
//! name), until the item earns full points or no single change helps; then every target value
//! not yet in place is tried at once (rules that need two figures together), and the rounds go
//! on from there. A missing optional number is searched from its target value on.

use super::entry::{Entry, Kind};
use super::levers::CountyLevers;
use super::{Change, Fix, Reach, SearchNote};
use crate::levers::Lever;
use crate::load::county::{check_value, CountyData, Datum};
use crate::model::{FieldSpec, FieldType};
use crate::types::Value;
use crate::types::{FieldPath, Points};
use crate::RuleSet;
use std::collections::BTreeMap;

/// Fields changed together, with their new values.
type Joint = Vec<(FieldPath, Value)>;

/// How many doublings a search on an unbounded side goes: up to 2^30 grid steps.
const MAX_DOUBLINGS: u32 = 30;

/// The farthest a search goes, in grid steps from the current value (and the largest current
/// value searched from): keeps every grid index far from overflow, whatever the ranges.
const MAX_GRID: i64 = 1 << 40;

/// The most combinations of lever values the search enumerates to prove that no change can raise
/// an entry's points.
const MAX_EXHAUSTIVE: usize = 4096;

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

/// Searches one entry's inputs (an item's, a penalty's, a bonus's, a veto's) on a working copy
/// of the county's data.
pub(crate) struct Searcher<'a> {
    rules: &'a RuleSet,
    entry: &'a Entry,
    levers: &'a CountyLevers,
    work: CountyData,
    max: Points,
    /// The assessment period as day numbers (first and last day), for date fields.
    period: Option<(i64, i64)>,
    /// Fields the rule divides by (a rate's denominator): never moved for this item.
    denominators: Vec<FieldPath>,
    /// How many times the rule was evaluated (for benchmarks and tests).
    pub(crate) evaluations: usize,
}

/// The outcome of a search: the chosen fix and the other single-field fixes that earn as much.
pub(crate) struct Found {
    pub fix: Fix,
    pub alternatives: Vec<Fix>,
    pub note: SearchNote,
}

impl<'a> Searcher<'a> {
    /// A searcher for `entry` whose rule reads `fields`, moving fields as `levers` allow. The
    /// working copy holds only those fields: the compile step has checked that a rule reads
    /// nothing else, so the entry scores the same, and each evaluation binds a few values
    /// instead of the whole county. Final answers are verified on the full data by the caller.
    pub(crate) fn new(
        rules: &'a RuleSet,
        data: &CountyData,
        entry: &'a Entry,
        levers: &'a CountyLevers,
    ) -> Self {
        let work = entry.work(data);
        let period = data.info().year.and_then(period_days);
        let denominators = match entry.kind {
            Kind::Item(pos) => rules
                .items()
                .nth(pos)
                .and_then(|n| n.leaf.as_ref())
                .map(|l| denominators(rules.fields(), &l.score))
                .unwrap_or_default(),
            Kind::Penalty(i) => rules
                .penalties()
                .get(i)
                .map(|p| denominators(rules.fields(), p.expression()))
                .unwrap_or_default(),
            Kind::Bonus(i) => rules
                .bonuses()
                .get(i)
                .map(|b| denominators(rules.fields(), &b.score))
                .unwrap_or_default(),
            Kind::Veto(i) => rules
                .vetoes()
                .get(i)
                .map(|v| denominators(rules.fields(), &v.when))
                .unwrap_or_default(),
        };
        Searcher {
            rules,
            entry,
            levers,
            work,
            max: entry.best,
            period,
            denominators,
            evaluations: 0,
        }
    }

    /// The entry's value on the working data (see [`Entry::value`]); `None` when the rule does
    /// not score.
    fn eval(&mut self) -> Option<Points> {
        self.evaluations += 1;
        self.entry.value(self.rules, &self.work)
    }

    /// Points with `field` set to `v` (restored afterwards).
    fn eval_with(&mut self, field: &FieldPath, v: &Value) -> Option<Points> {
        let old = set(&mut self.work, field, v.clone());
        let p = self.eval();
        match old {
            Some(d) => self.work.set_unchecked(field.clone(), d),
            None => self.work.remove_unchecked(field),
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
    /// points, starting from `earned`. Only levers move, in their direction.
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
            if current >= self.max {
                break;
            }
            if !self.joint_hint(fields, hint, &mut current, &mut changes)
                && !self.pairs(fields, &mut current, &mut changes)
            {
                break;
            }
        }
        // Short of the best: back to the county's values, and where every lever's domain is
        // finite and small, every combination is evaluated, so that "no change can raise the
        // score" is said only when it is proven, and a better combination is never missed.
        let enumerate = current < self.max;
        if enumerate {
            for c in changes.iter().rev() {
                match &c.from {
                    Some(v) => {
                        set(&mut self.work, &c.field, v.clone());
                    }
                    None => {
                        self.work.remove_unchecked(&c.field);
                    }
                }
            }
        }
        let (note, exhaustive) = self.note(fields, start, enumerate);
        if let Some((p, joint)) = exhaustive.filter(|(p, _)| *p > current) {
            let specs = self.rules.fields();
            changes = joint
                .into_iter()
                .map(|(f, v)| change(specs, &f, self.value_of(&f), v))
                .collect();
            current = p;
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
            note,
        }
    }

    /// What the search covered for an entry reading `fields`. `complete` (the report's "no
    /// change within the levers' ranges can raise the score") is set only when every lever has a
    /// finite domain in its direction (a bool, an enum, a count or date with a bound that way)
    /// and every combination of their values was evaluated without one earning more than
    /// `current`; otherwise `not_searched` says what the search did not cover.
    pub(crate) fn note(
        &mut self,
        fields: &[FieldPath],
        current: Points,
        enumerate: bool,
    ) -> (SearchNote, Option<(Points, Joint)>) {
        let specs = self.rules.fields();
        let mut note = SearchNote {
            complete: false,
            not_levers: Vec::new(),
            not_searched: Vec::new(),
            inferred: BTreeMap::new(),
        };
        let mut domains: Vec<(FieldPath, Vec<Value>)> = Vec::new();
        let mut finite = true;
        for f in fields {
            let Some(spec) = specs.get(f) else { continue };
            if let Some(i) = self.levers.inferred(f) {
                note.inferred.insert(f.clone(), i);
                if i == crate::levers::Inferred::Undecided {
                    note.not_searched.push(format!(
                        "字段 {f}（{}）未声明 lever，按本县其他数据单独改动它不影响得分，方向未能推断，未作调整",
                        spec.desc
                    ));
                    finite = false;
                }
            }
            // issue 27 shape 5: records are reviewed one by one; the search changes none, and
            // says so (never "no change can raise the score").
            if spec.ty == FieldType::Records {
                note.not_searched.push(format!(
                    "案卷评查：{f}（{}）逐份案卷的评查结果不由搜索改动（需逐份整改案卷）",
                    spec.desc
                ));
                finite = false;
                continue;
            }
            if self.lever(f, spec) == Lever::None {
                let undecided = self.levers.inferred(f) == Some(crate::levers::Inferred::Undecided);
                if self.denominators.contains(f) || !undecided {
                    note.not_levers.push(f.clone());
                }
                continue;
            }
            match self.domain(f, spec) {
                Some(d) => domains.push((f.clone(), d)),
                None => {
                    finite = false;
                    note.not_searched.push(match spec.ty {
                        FieldType::Text => format!("文本字段 {f}（{}）只试了目标值", spec.desc),
                        FieldType::Date if self.period.is_none() => format!(
                            "日期字段 {f}：县数据未给出年度（county.year），只在现有日期前后一年内搜索"
                        ),
                        _ if self.value_of(f).is_none() => {
                            format!("字段 {f}（{}）缺数据：只试了目标值和搜索网格上的取值", spec.desc)
                        }
                        FieldType::Percent | FieldType::Number => format!(
                            "{f}（{}）只在 0.1 的网格上搜索（倍增试探、二分），未穷举全部取值",
                            spec.desc
                        ),
                        _ => format!(
                            "{f}（{}）取值范围在可调方向上无上限或过大，只按倍增试探和二分搜索",
                            spec.desc
                        ),
                    });
                }
            }
        }
        let combos = domains
            .iter()
            .try_fold(1usize, |n, (_, d)| n.checked_mul(d.len().max(1)))
            .filter(|n| *n <= MAX_EXHAUSTIVE);
        let mut best = None;
        if finite && enumerate {
            match combos {
                Some(_) => {
                    note.complete = true;
                    best = self.best_combination(&domains, current);
                }
                None => note.not_searched.push(format!(
                    "{} 个可调字段的取值组合超过 {MAX_EXHAUSTIVE} 种，未穷举（已搜索单个字段和每两个字段同时改动）",
                    domains.len()
                )),
            }
        }
        (note, best)
    }

    /// Every value of `f` in its lever's direction (the current value first), when that domain
    /// is finite and small: a bool, an enum, a count or a date bounded that way. `None`
    /// otherwise (a percent or a number, a list, a text, a missing value, an open side).
    fn domain(&self, f: &FieldPath, spec: &FieldSpec) -> Option<Vec<Value>> {
        let from = self.value_of(f)?;
        let lever = self.lever(f, spec);
        let mut out = vec![from.clone()];
        match spec.ty {
            FieldType::Bool => out.extend(bool_moves(lever, Some(&from))),
            FieldType::Enum => out.extend(
                spec.values
                    .iter()
                    .flatten()
                    .map(|v| Value::Text(v.clone()))
                    .filter(|v| *v != from),
            ),
            FieldType::Count | FieldType::Date => {
                if spec.ty == FieldType::Date && self.period.is_none() {
                    return None;
                }
                let axis = Axis::new(spec, Some(&from), self.period)?;
                for (start, sign, span) in axis.directions(lever) {
                    let span = span.filter(|s| *s < MAX_EXHAUSTIVE as i64)?;
                    for k in 0..=span {
                        out.push(axis.value(start + sign * k)?);
                    }
                }
            }
            _ => return None,
        }
        Some(out)
    }

    /// The combination of the domains' values that earns the most, when it earns more than
    /// `current` (ties: the fewest fields changed, then the first in enumeration order, which
    /// tries values nearest the current ones first).
    fn best_combination(
        &mut self,
        domains: &[(FieldPath, Vec<Value>)],
        current: Points,
    ) -> Option<(Points, Joint)> {
        let mut idx = vec![0usize; domains.len()];
        let mut best: Option<(Points, usize, Vec<usize>)> = None;
        loop {
            // Next combination (the first, all current values, is skipped).
            let mut k = 0;
            while k < idx.len() {
                idx[k] += 1;
                if idx[k] < domains[k].1.len() {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
            if k == idx.len() {
                break;
            }
            let old: Vec<Option<Datum>> = domains
                .iter()
                .zip(&idx)
                .map(|((f, d), &i)| set(&mut self.work, f, d[i].clone()))
                .collect();
            let p = self.eval();
            for ((f, _), o) in domains.iter().zip(old) {
                match o {
                    Some(d) => self.work.set_unchecked(f.clone(), d),
                    None => self.work.remove_unchecked(f),
                };
            }
            let Some(p) = p.filter(|p| *p > current) else {
                continue;
            };
            let moved = idx.iter().filter(|i| **i > 0).count();
            let better = best
                .as_ref()
                .is_none_or(|(bp, bm, _)| p > *bp || (p == *bp && moved < *bm));
            if better {
                best = Some((p, moved, idx.clone()));
            }
        }
        best.map(|(p, _, idx)| {
            let joint = domains
                .iter()
                .zip(&idx)
                .filter(|(_, i)| **i > 0)
                .map(|((f, d), &i)| (f.clone(), d[i].clone()))
                .collect();
            (p, joint)
        })
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
                let named = hint.is_empty() || hint.contains_key(f);
                if let Some(c) = self.best_for_field(f, spec, hint.get(f), *current, named) {
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

    /// When no single change helps any more: every target value not yet in place (and going the
    /// lever's way), at once (a rule that needs two figures together, such as trained and total
    /// officers). Applied and `true` when it earns more; otherwise the data are left as they were.
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
                let spec = specs.get(f)?;
                let v = check_value(hint.get(f)?, spec).ok()?;
                let from = self.value_of(f);
                (from.as_ref() != Some(&v)
                    && moves_allowed(self.lever(f, spec), spec, from.as_ref(), &v))
                .then(|| (f.clone(), v))
            })
            .collect();
        if joint.len() < 2 {
            return false;
        }
        self.apply_if_better(joint, current, changes)
    }

    /// Sets every `(field, value)` and keeps them when the item earns more than `current`.
    fn apply_if_better(
        &mut self,
        joint: Vec<(FieldPath, Value)>,
        current: &mut Points,
        changes: &mut Vec<Change>,
    ) -> bool {
        let specs = self.rules.fields();
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
                        Some(d) => self.work.set_unchecked(f.clone(), d),
                        None => self.work.remove_unchecked(f),
                    };
                }
                false
            }
        }
    }

    /// Every pair of lever fields not yet changed, searched together: for each value the first
    /// field's search probes (its candidate values, in its lever's direction), the second field
    /// is searched alone. The pair earning the most (then the smaller moves) is applied; `true`
    /// when one earns more than `current`.
    fn pairs(
        &mut self,
        fields: &[FieldPath],
        current: &mut Points,
        changes: &mut Vec<Change>,
    ) -> bool {
        let specs = self.rules.fields();
        let open: Vec<(&FieldPath, &FieldSpec)> = fields
            .iter()
            .filter(|f| !changes.iter().any(|c| &c.field == *f))
            .filter_map(|f| Some((f, specs.get(f)?)))
            .filter(|(f, s)| self.lever(f, s) != Lever::None && s.ty != FieldType::Text)
            .collect();
        let mut best: Option<(Points, f64, Joint)> = None;
        for (i, &(a, sa)) in open.iter().enumerate() {
            for &(b, sb) in &open[i + 1..] {
                for va in self.probe_values(a, sa) {
                    let old = set(&mut self.work, a, va.clone());
                    let found = self.best_for_field(b, sb, None, *current, true);
                    match old {
                        Some(d) => self.work.set_unchecked(a.clone(), d),
                        None => self.work.remove_unchecked(a),
                    };
                    let Some(c) = found else { continue };
                    let sz = size(sa, self.value_of(a).as_ref(), &va) + c.size;
                    let better = best
                        .as_ref()
                        .is_none_or(|(p, s, _)| c.points > *p || (c.points == *p && sz < *s));
                    if better {
                        best = Some((c.points, sz, vec![(a.clone(), va), (b.clone(), c.to)]));
                    }
                }
            }
        }
        let Some((p, _, joint)) = best.filter(|(p, _, _)| *p > *current) else {
            return false;
        };
        // The probes of the first field are coarse (doubling steps): with the second field in
        // place, search the first one's smallest move to the same points, then the second's.
        let Ok([(a, va), (b, vb)]) = <[(FieldPath, Value); 2]>::try_from(joint) else {
            return false;
        };
        let va = self.refine(&a, va, &b, &vb, p, *current);
        let vb = self.refine(&b, vb, &a, &va, p, *current);
        self.apply_if_better(vec![(a, va), (b, vb)], current, changes)
    }

    /// With `other` set to `ov`, the smallest move of `f` that still earns `goal` (else `v`).
    fn refine(
        &mut self,
        f: &FieldPath,
        v: Value,
        other: &FieldPath,
        ov: &Value,
        goal: Points,
        current: Points,
    ) -> Value {
        let Some(spec) = self.rules.fields().get(f) else {
            return v;
        };
        let old = set(&mut self.work, other, ov.clone());
        let found = self.best_for_field(f, spec, None, current, true);
        match old {
            Some(d) => self.work.set_unchecked(other.clone(), d),
            None => self.work.remove_unchecked(other),
        };
        found.filter(|c| c.points >= goal).map_or(v, |c| c.to)
    }

    /// The values the pair search tries for a field: its lever's direction on its grid at
    /// doubling offsets (1, 2, 4… steps, and the bound), every other enum value, the list with
    /// one value more (or less), the flipped bool; a missing field is supplied.
    fn probe_values(&self, f: &FieldPath, spec: &FieldSpec) -> Vec<Value> {
        let from = self.value_of(f);
        probe_values(spec, from.as_ref(), self.period, self.lever(f, spec))
    }

    /// A field's lever for this entry: `none` for a denominator of the rule, else the county's
    /// (declared, or inferred from the rules that read it).
    fn lever(&self, f: &FieldPath, _spec: &FieldSpec) -> Lever {
        if self.denominators.contains(f) {
            Lever::None
        } else {
            self.levers.lever(f)
        }
    }

    fn value_of(&self, f: &FieldPath) -> Option<Value> {
        self.work.values().get(f).map(|d| d.value.clone())
    }

    /// The best change of one field, in its lever's direction: full points with the smallest
    /// move if any move reaches them, else the most points with the smallest move; `None` when
    /// nothing beats `current` or the field is not a lever.
    fn best_for_field(
        &mut self,
        f: &FieldPath,
        spec: &FieldSpec,
        hint: Option<&Value>,
        current: Points,
        named: bool,
    ) -> Option<Candidate> {
        let lever = self.lever(f, spec);
        if lever == Lever::None {
            return None;
        }
        let from = self.value_of(f);
        let mut cands: Vec<(Value, Points)> = Vec::new();
        if let Some(h) = hint.and_then(|h| check_value(h, spec).ok()) {
            if Some(&h) != from.as_ref() && moves_allowed(lever, spec, from.as_ref(), &h) {
                if let Some(p) = self.eval_with(f, &h) {
                    cands.push((h, p));
                }
            }
        }
        match spec.ty {
            t if t.is_numeric() || t == FieldType::Date => {
                // A missing value is searched from the hint (both ways) or over the whole range.
                let origin = from.clone().or_else(|| {
                    hint.and_then(|h| check_value(h, spec).ok())
                        .or_else(|| Axis::floor(spec, self.period))
                });
                if let Some(axis) = Axis::new(spec, origin.as_ref(), self.period) {
                    let lever = if from.is_none() { None } else { Some(lever) };
                    cands.extend(self.along(f, &axis, lever, current, origin.is_some()));
                }
            }
            FieldType::Bool => {
                for v in bool_moves(lever, from.as_ref()) {
                    if let Some(p) = self.eval_with(f, &v) {
                        cands.push((v, p));
                    }
                }
            }
            FieldType::Enum => {
                for v in spec.values.iter().flatten() {
                    let v = Value::Text(v.clone());
                    if Some(&v) != from.as_ref() {
                        if let Some(p) = self.eval_with(f, &v) {
                            cands.push((v, p));
                        }
                    }
                }
            }
            FieldType::List => {
                for v in list_moves(spec, lever, from.as_ref()) {
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
                lever: named,
            })
            .min_by(|a, b| b.points.cmp(&a.points).then(a.size.total_cmp(&b.size)))
    }

    /// Search along a numeric or date axis from its origin, in the lever's direction (`None`:
    /// both ways, for a missing value): the smallest move to full points in each direction, or,
    /// when none reaches them, the smallest move to the most points seen. With
    /// `include_origin`, the origin itself (a supplied value) is a candidate too.
    fn along(
        &mut self,
        f: &FieldPath,
        axis: &Axis,
        lever: Option<Lever>,
        current: Points,
        include_origin: bool,
    ) -> Vec<(Value, Points)> {
        let mut out = Vec::new();
        if include_origin && self.value_of(f).is_none() {
            if let Some(v) = axis.value(axis.origin) {
                if let Some(p) = self.eval_with(f, &v) {
                    out.push((v, p));
                }
            }
        }
        let dirs: Vec<(i64, i64, Option<i64>)> = match lever {
            Some(l) => axis.directions(l),
            None => {
                let mut d = axis.directions(Lever::Raise);
                d.extend(axis.directions(Lever::Lower));
                d
            }
        };
        let mut best_seen: Vec<(usize, Points)> = Vec::new();
        let mut hits = Vec::new();
        for (i, &(start, sign, span)) in dirs.iter().enumerate() {
            let mut probe = |s: &mut Self, k: i64| match axis.value(start + sign * k) {
                Some(v) => s.eval_with(f, &v).unwrap_or(Points::ZERO),
                None => Points::ZERO,
            };
            match self.direction(&mut probe, span, self.max) {
                Ok((k, p)) => hits.extend(axis.value(start + sign * k).map(|v| (v, p))),
                Err(seen) if seen > current => best_seen.push((i, seen)),
                Err(_) => {}
            }
        }
        if hits.is_empty() {
            if let Some(&(i, goal)) = best_seen.iter().max_by_key(|(i, p)| (*p, usize::MAX - i)) {
                let (start, sign, span) = dirs[i];
                let mut probe = |s: &mut Self, k: i64| match axis.value(start + sign * k) {
                    Some(v) => s.eval_with(f, &v).unwrap_or(Points::ZERO),
                    None => Points::ZERO,
                };
                if let Ok((k, p)) = self.direction(&mut probe, span, goal) {
                    hits.extend(axis.value(start + sign * k).map(|v| (v, p)));
                }
            }
        }
        out.extend(hits);
        out
    }

    /// Cheaper partial moves of a one-field fix (for plans under a cost file): for every points
    /// level between `earned` and `full` that the doubling probes pass, and for every `goals`
    /// level (what a pass line's total or area share needs), the smallest move of `field` in its
    /// lever's direction that reaches it, with its points. At most 12 levels.
    pub(crate) fn ladder(
        &mut self,
        field: &FieldPath,
        earned: Points,
        full: Points,
        goals: &[Points],
    ) -> Vec<(Value, Points)> {
        let Some(spec) = self.rules.fields().get(field) else {
            return Vec::new();
        };
        let lever = self.lever(field, spec);
        let from = self.value_of(field);
        let Some(axis) = Axis::new(spec, from.as_ref(), self.period) else {
            return Vec::new();
        };
        let Some(&(start, sign, span)) = axis.directions(lever).first() else {
            return Vec::new();
        };
        let mut probe = |s: &mut Self, k: i64| match axis.value(start + sign * k) {
            Some(v) => s.eval_with(field, &v).unwrap_or(Points::ZERO),
            None => Points::ZERO,
        };
        let mut levels: Vec<Points> = goals.to_vec();
        let limit = span.unwrap_or((1i64 << MAX_DOUBLINGS) - 1).min(MAX_GRID);
        let mut k = 0i64;
        loop {
            levels.push(probe(self, k));
            if k >= limit {
                break;
            }
            k = (2 * k + 1).min(limit);
        }
        levels.retain(|l| *l > earned && *l < full);
        levels.sort();
        levels.dedup();
        levels.truncate(12);
        let mut out: Vec<(Value, Points)> = Vec::new();
        for goal in levels {
            if let Ok((k, p)) = self.direction(&mut probe, span, goal) {
                if let Some(v) = axis.value(start + sign * k) {
                    if p < full && !out.iter().any(|(w, _)| *w == v) {
                        out.push((v, p));
                    }
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

/// The values a probe of `spec` tries from `from` in `lever`'s direction: on its grid at
/// doubling offsets (1, 2, 4… steps, and the bound), every other enum value, the list with one
/// value more (or less), the flipped bool. Empty for a text or a non-lever.
pub(crate) fn probe_values(
    spec: &FieldSpec,
    from: Option<&Value>,
    period: Option<(i64, i64)>,
    lever: Lever,
) -> Vec<Value> {
    let mut out = Vec::new();
    if lever == Lever::None {
        return out;
    }
    match spec.ty {
        t if t.is_numeric() || t == FieldType::Date => {
            out.extend(axis_values(spec, from, period, lever, |span| {
                let limit = span.unwrap_or((1i64 << MAX_DOUBLINGS) - 1).min(MAX_GRID);
                let mut ks = vec![0i64];
                let mut k = 0i64;
                while k < limit {
                    k = (2 * k + 1).min(limit);
                    ks.push(k);
                }
                ks
            }))
        }
        FieldType::Bool => out.extend(bool_moves(lever, from)),
        FieldType::Enum => out.extend(
            spec.values
                .iter()
                .flatten()
                .map(|v| Value::Text(v.clone()))
                .filter(|v| Some(v) != from),
        ),
        FieldType::List => out.extend(list_moves(spec, lever, from)),
        _ => {}
    }
    out
}

/// Evenly spaced values across a bounded side of a numeric or date field, in `lever`'s
/// direction (the probes the search adds when doubling finds nothing: a rule that pays only
/// inside a window).
pub(crate) fn uniform_values(
    spec: &FieldSpec,
    from: Option<&Value>,
    period: Option<(i64, i64)>,
    lever: Lever,
) -> Vec<Value> {
    if !(spec.ty.is_numeric() || spec.ty == FieldType::Date) {
        return Vec::new();
    }
    axis_values(spec, from, period, lever, |span| match span {
        Some(s) => {
            let limit = s.min(MAX_GRID);
            (1..=UNIFORM_PROBES)
                .map(|j| limit * j / UNIFORM_PROBES)
                .collect()
        }
        None => Vec::new(),
    })
}

/// The values of a numeric or date field at the grid offsets `offsets(span)` gives for each
/// direction `lever` allows (`span`: the steps to the bound, `None` on an open side).
fn axis_values(
    spec: &FieldSpec,
    from: Option<&Value>,
    period: Option<(i64, i64)>,
    lever: Lever,
    offsets: impl Fn(Option<i64>) -> Vec<i64>,
) -> Vec<Value> {
    let Some(axis) = Axis::new(spec, from, period) else {
        return Vec::new();
    };
    axis.directions(lever)
        .into_iter()
        .flat_map(|(start, sign, span)| {
            offsets(span)
                .into_iter()
                .filter_map(|k| axis.value(start + sign * k))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A numeric or date field as points on a line: whole numbers for counts, tenths for percents
/// and other numbers, days for dates; with the field's bounds (a date's: the assessment period).
struct Axis {
    kind: AxisKind,
    /// The index of the origin (the current value, rounded onto the grid).
    origin: i64,
    /// The first index above the origin and the first below it.
    up: i64,
    down: i64,
    lo: Option<i64>,
    hi: Option<i64>,
}

#[derive(Clone, Copy, PartialEq)]
enum AxisKind {
    Count,
    Tenths,
    Days,
}

/// 1970-01-01, day 0 of date axes.
const EPOCH: jiff::civil::Date = jiff::civil::Date::constant(1970, 1, 1);

fn day_number(s: &str) -> Option<i64> {
    let d: jiff::civil::Date = s.parse().ok()?;
    Some(i64::from((d - EPOCH).get_days()))
}

fn date_of(n: i64) -> Option<String> {
    let d = EPOCH
        .checked_add(jiff::Span::new().try_days(n).ok()?)
        .ok()?;
    Some(d.to_string())
}

/// The assessment period of a county whose data describe `year`, as day numbers: the year itself
/// and the year after (when that year's reports are due and published).
pub(crate) fn period_days(year: i32) -> Option<(i64, i64)> {
    let first = jiff::civil::Date::new(i16::try_from(year).ok()?, 1, 1).ok()?;
    let last = jiff::civil::Date::new(i16::try_from(year + 1).ok()?, 12, 31).ok()?;
    Some((
        i64::from((first - EPOCH).get_days()),
        i64::from((last - EPOCH).get_days()),
    ))
}

impl Axis {
    fn new(spec: &FieldSpec, origin: Option<&Value>, period: Option<(i64, i64)>) -> Option<Axis> {
        if spec.ty == FieldType::Date {
            let o = match origin? {
                Value::Text(s) => day_number(s)?,
                _ => return None,
            };
            // Without a county year, a year either side of the current date.
            let (lo, hi) = period.unwrap_or((o - 366, o + 366));
            return Some(Axis {
                kind: AxisKind::Days,
                origin: o,
                up: o + 1,
                down: o - 1,
                lo: Some(lo),
                hi: Some(hi),
            });
        }
        let kind = if spec.ty == FieldType::Count {
            AxisKind::Count
        } else {
            AxisKind::Tenths
        };
        let per_unit = if kind == AxisKind::Count { 1.0 } else { 10.0 };
        let g = origin?.as_f64()? * per_unit;
        if !g.is_finite() || g.abs() > MAX_GRID as f64 {
            return None; // beyond any figure a county reports; nothing sensible to search
        }
        let on_grid = (g - g.round()).abs() < 1e-6;
        let (up, down) = if on_grid {
            (g.round() as i64 + 1, g.round() as i64 - 1)
        } else {
            (g.ceil() as i64, g.floor() as i64)
        };
        let (lo, hi) = spec.bounds();
        Some(Axis {
            kind,
            origin: g.round() as i64,
            up,
            down,
            lo: lo.map(|l| (l * per_unit - 1e-6).ceil() as i64),
            hi: hi.map(|h| (h * per_unit + 1e-6).floor() as i64),
        })
    }

    /// The lowest value of a field, where a search for a missing value with no hint starts: the
    /// lower bound (0 when open), the first day of the assessment period.
    fn floor(spec: &FieldSpec, period: Option<(i64, i64)>) -> Option<Value> {
        match spec.ty {
            FieldType::Date => date_of(period?.0).map(Value::Text),
            FieldType::Count => Some(Value::Int(spec.bounds().0.unwrap_or(0.0).max(0.0) as i64)),
            t if t.is_numeric() => Some(Value::Number(spec.bounds().0.unwrap_or(0.0))),
            _ => None,
        }
    }

    /// `(first index, sign, span to the bound)` of each direction the lever allows (`None` span:
    /// open); a direction already past its bound is left out.
    fn directions(&self, lever: Lever) -> Vec<(i64, i64, Option<i64>)> {
        let up = (self.up, 1i64, self.hi.map(|h| h.saturating_sub(self.up)));
        let down = (
            self.down,
            -1i64,
            self.lo.map(|l| self.down.saturating_sub(l)),
        );
        let dirs = match lever {
            Lever::Raise => vec![up],
            Lever::Lower => vec![down],
            Lever::None => Vec::new(),
        };
        dirs.into_iter()
            .filter(|(_, _, span)| !span.is_some_and(|s| s < 0))
            .collect()
    }

    fn value(&self, n: i64) -> Option<Value> {
        match self.kind {
            AxisKind::Count => Some(Value::Int(n)),
            AxisKind::Tenths => Some(Value::Number(n as f64 / 10.0)),
            AxisKind::Days => date_of(n).map(Value::Text),
        }
    }
}

/// Whether setting a field from `from` to `to` goes its lever's way (a missing value may be
/// supplied at any value of a lever).
fn moves_allowed(lever: Lever, spec: &FieldSpec, from: Option<&Value>, to: &Value) -> bool {
    if lever == Lever::None {
        return false;
    }
    let Some(from) = from else { return true };
    match (from, to) {
        (a, b) if a.as_f64().is_some() && b.as_f64().is_some() => {
            lever.allows(a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0))
        }
        (Value::Bool(a), Value::Bool(b)) => {
            lever.allows(f64::from(u8::from(*a)), f64::from(u8::from(*b)))
        }
        (Value::List(a), Value::List(b)) => match lever {
            Lever::Raise => a.iter().all(|x| b.contains(x)),
            Lever::Lower => b.iter().all(|x| a.contains(x)),
            Lever::None => false,
        },
        (Value::Text(a), Value::Text(b)) if spec.ty == FieldType::Date => {
            match (day_number(a), day_number(b)) {
                (Some(a), Some(b)) => lever.allows(a as f64, b as f64),
                _ => false,
            }
        }
        _ => true, // enums and texts have no order
    }
}

/// The bool a lever may move to: `raise` false (or missing) → true, `lower` true → false.
fn bool_moves(lever: Lever, from: Option<&Value>) -> Vec<Value> {
    match (lever, from) {
        (Lever::Raise, Some(Value::Bool(true))) | (Lever::Lower, Some(Value::Bool(false))) => {
            Vec::new()
        }
        (Lever::Raise, _) => vec![Value::Bool(true)],
        (Lever::Lower, _) => vec![Value::Bool(false)],
        (Lever::None, _) => Vec::new(),
    }
}

/// The lists a lever may move to: `raise` the full allowed set and the current list plus each
/// missing allowed value; `lower` the empty list and the current list less each value.
fn list_moves(spec: &FieldSpec, lever: Lever, from: Option<&Value>) -> Vec<Value> {
    let cur: Vec<String> = match from {
        Some(Value::List(l)) => l.clone(),
        _ => Vec::new(),
    };
    let mut tries: Vec<Vec<String>> = Vec::new();
    match lever {
        Lever::Raise => {
            let allowed = spec.values.clone().unwrap_or_default();
            if !allowed.is_empty() {
                tries.push(allowed.clone());
            }
            for a in allowed.iter().filter(|a| !cur.contains(a)) {
                let mut l = cur.clone();
                l.push(a.clone());
                tries.push(l);
            }
        }
        Lever::Lower => {
            tries.push(Vec::new());
            for i in 0..cur.len() {
                let mut l = cur.clone();
                l.remove(i);
                tries.push(l);
            }
        }
        Lever::None => {}
    }
    tries.dedup();
    tries
        .into_iter()
        .filter(|l| from.is_none() || l != &cur)
        .map(Value::List)
        .collect()
}

/// The fields a rule divides by: a field given as the argument the helper registry marks as a
/// rate's denominator ([`crate::helpers::registry::Gap::Denominator`]: `pct`, `pct_or`,
/// `ratio_or`, `proportional(done, total)`), or as the right operand of `/`. Found by walking
/// the rule's syntax tree as the compiler parses it (`fields` resolves `d.a.b`). A rate is
/// improved through its numerator, never by moving its denominator (fewer cases filed, more
/// concluded). A rule that does not parse divides by nothing (lint has refused it).
pub(crate) fn denominators(fields: &BTreeMap<FieldPath, FieldSpec>, expr: &str) -> Vec<FieldPath> {
    use rhai::{ASTNode, Expr};
    let Ok(ast) = rhai::Engine::new_raw().compile(expr) else {
        return Vec::new();
    };
    let field = |e: &Expr| -> Option<FieldPath> {
        let Expr::Dot(b, _, _) = e else { return None };
        if !matches!(&b.lhs, Expr::Variable(v, _, _) if v.1.as_str() == "d") {
            return None;
        }
        let mut chain = Vec::new();
        crate::compile::chain(&b.rhs, &mut chain);
        match crate::compile::resolve(&chain, fields) {
            crate::compile::Resolved::Field(f) => Some(FieldPath::new(f)),
            _ => None,
        }
    };
    let mut out: Vec<FieldPath> = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        // A call standing as the rule's whole statement is a statement node.
        let call = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(f, _))) => Some(f),
            Some(ASTNode::Stmt(rhai::Stmt::FnCall(f, _))) => Some(f),
            _ => None,
        };
        if let Some(f) = call {
            let k = crate::helpers::registry::denominator(f.name.as_str(), f.args.len());
            if let Some(d) = k.and_then(|k| f.args.get(k)).and_then(field) {
                out.push(d);
            }
        }
        true
    });
    out.sort();
    out.dedup();
    out
}

/// Sets a field's value on working data, keeping the datum's provenance; returns the old datum.
pub(crate) fn set(data: &mut CountyData, field: &FieldPath, v: Value) -> Option<Datum> {
    let new = match data.values().get(field) {
        Some(d) => Datum {
            value: v,
            bound: crate::Bound::Exact,
            ..d.clone()
        },
        None => Datum::new(v),
    };
    data.set_unchecked(field.clone(), new)
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
pub(crate) fn size(spec: &FieldSpec, from: Option<&Value>, to: &Value) -> f64 {
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
        one_item_levers(score, "raise")
    }

    fn one_item_levers(score: &str, n_lever: &str) -> RuleSet {
        let doc = format!(
            "ruleset: {{id: t, title: t, version: '1', total_points: 4}}\n\
             fields: {{x.rate: {{type: percent, desc: 比率}}, x.n: {{type: count, desc: 件数, lever: {n_lever}}}}}\n\
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
        let sim = super::super::entry::Sim::new(rules, &data);
        let levers = CountyLevers::new(&sim, None);
        let mut s = Searcher::new(rules, &data, &sim.entries[0], &levers);
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
        let rules = one_item_levers("deduct_each(max(d.x.n - 3, 0), 0.5)", "lower");
        let (found, _) = searched(&rules, 50.0, 10);
        assert_eq!(found.fix.changes[0].field.as_str(), "x.n");
        assert_eq!(found.fix.changes[0].to, Value::Int(3));
        assert_eq!(found.fix.earned, Points::from_f64(4.0));
        // Declared `raise`, the same count is never lowered: nothing helps. A count raised has
        // no upper bound, so the search cannot be exhaustive and does not claim to be; the rate
        // (no lever declared) changes nothing alone, so its direction is undecided.
        let rules = one_item_levers("deduct_each(max(d.x.n - 3, 0), 0.5)", "raise");
        let (found, _) = searched(&rules, 50.0, 10);
        assert_eq!(found.fix.reach, Reach::None);
        assert!(!found.note.complete);
        assert!(found.note.not_searched.iter().any(|s| s.contains("x.rate")));
        // Declared `none` (a context figure), it is never changed and named as context.
        let rules = one_item_levers("deduct_each(max(d.x.n - 3, 0), 0.5)", "none");
        let (found, _) = searched(&rules, 50.0, 10);
        assert!(found.fix.changes.is_empty());
        assert_eq!(found.note.not_levers, [FieldPath::new("x.n")]);
    }

    #[test]
    fn a_rate_improves_through_its_numerator_not_its_denominator() {
        // rate = n / 20 (as a share of 20 cases filed, a context figure): 10/20 = 50% earns
        // 0; ≥ 90% earns 4. The only lever is the numerator: x.n 10 → 18 (18/20 = 90%).
        let rules = one_item_levers("if d.x.n * 100 / 20 >= 90 { P } else { 0 }", "raise");
        let (found, _) = searched(&rules, 0.0, 10);
        assert_eq!(found.fix.changes.len(), 1);
        assert_eq!(found.fix.changes[0].to, Value::Int(18));
    }

    #[test]
    fn fields_read_together_are_changed_together() {
        // Full points only when both figures change at once: rate ≥ 90 AND n ≥ 5; from
        // (50, 0) neither single change earns anything, the pair search finds (90, 5).
        let rules = one_item("if d.x.rate >= 90.0 && d.x.n >= 5 { P } else { 0 }");
        let (found, _) = searched(&rules, 50.0, 0);
        assert_eq!(found.fix.reach, Reach::Full);
        let to: BTreeMap<&str, Value> = found
            .fix
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.to.clone()))
            .collect();
        assert_eq!(to["x.rate"], Value::Number(90.0));
        assert_eq!(to["x.n"], Value::Int(5));
    }

    #[test]
    fn axis_values_are_exact_decimals_and_days() {
        let pct = spec("{type: percent, desc: x}");
        let g = Axis::new(&pct, Some(&Value::Number(91.3)), None).unwrap();
        assert_eq!(g.value(950), Some(Value::Number(95.0)));
        assert_eq!(g.value(999), Some(Value::Number(99.9)));
        // 91.3 is on the grid: the first probe up is 91.4, down 91.2; 0–100 is 0..=1000.
        assert_eq!((g.up, g.down, g.lo, g.hi), (914, 912, Some(0), Some(1000)));
        let c = Axis::new(&spec("{type: count, desc: x}"), Some(&Value::Int(7)), None).unwrap();
        assert_eq!(c.value(7), Some(Value::Int(7)));
        let d = spec("{type: date, desc: x}");
        let period = period_days(2020);
        let a = Axis::new(&d, Some(&Value::Text("2021-03-31".into())), period).unwrap();
        assert_eq!(a.value(a.origin), Some(Value::Text("2021-03-31".into())));
        assert_eq!(a.value(a.down), Some(Value::Text("2021-03-30".into())));
        // The assessment period of 2020 data: 2020-01-01 .. 2021-12-31 (366 + 365 days).
        let (lo, hi) = period.unwrap();
        assert_eq!(hi - lo, 366 + 365 - 1);
        assert_eq!(a.value(lo), Some(Value::Text("2020-01-01".into())));
        assert_eq!(a.value(hi), Some(Value::Text("2021-12-31".into())));
    }

    #[test]
    fn dates_are_searched_day_by_day_within_the_period() {
        // Published on or before 2021-03-31 earns 4; the county published on 2021-06-20 (year
        // 2020): the search walks earlier (a date's default lever is `lower`) and finds the
        // deadline itself, 81 days earlier.
        let doc = "ruleset: {id: t, title: t, version: '1', total_points: 4}\n\
             fields: {x.on: {type: date, desc: 公开日期}}\n\
             indicators:\n  - id: '1'\n    name: 领域\n    points: 4\n    children:\n\
             \x20     - {id: '1.1', name: 项, points: 4, inputs: [x.on], score: 'if d.x.on <= \"2021-03-31\" { P } else { 0 }'}\n";
        let rules = RuleSet::load(&crate::RuleSource::from_documents([("r.yaml", doc)])).unwrap();
        let info = crate::CountyInfo {
            id: "c".into(),
            name: "县".into(),
            year: Some(2020),
            ..Default::default()
        };
        let values = [(
            FieldPath::new("x.on"),
            Datum::new(Value::Text("2021-06-20".into())),
        )];
        let data = CountyData::new(info, values, &rules).unwrap();
        let fields = [FieldPath::new("x.on")];
        let sim = super::super::entry::Sim::new(&rules, &data);
        let levers = CountyLevers::new(&sim, data.info().year.and_then(period_days));
        let mut s = Searcher::new(&rules, &data, &sim.entries[0], &levers);
        let found = s.search(&fields, &BTreeMap::new(), Points::ZERO);
        assert_eq!(found.fix.reach, Reach::Full);
        assert_eq!(found.fix.changes[0].to, Value::Text("2021-03-31".into()));
        // No lever declared: the rule rewards an earlier date, so the lever is inferred `lower`.
        assert_eq!(
            found.note.inferred.get(&FieldPath::new("x.on")),
            Some(&crate::levers::Inferred::Lower)
        );
    }

    #[test]
    fn denominators_are_found_in_rate_helpers_and_divisions() {
        let fields: BTreeMap<FieldPath, FieldSpec> = [
            "review.corrected",
            "review.decided",
            "a.done",
            "a.total",
            "a.rate",
            "a.x",
            "b.y",
            "x.n",
            "x.cases",
        ]
        .into_iter()
        .map(|f| (FieldPath::new(f), spec("{type: number, desc: x}")))
        .collect();
        let d = |e: &str| -> Vec<String> {
            denominators(&fields, e)
                .iter()
                .map(|f| f.as_str().to_string())
                .collect()
        };
        assert_eq!(
            d("tiers_below(pct_or(d.review.corrected, d.review.decided, 0), [[15, P]])"),
            ["review.decided"]
        );
        assert_eq!(d("proportional(d.a.done, d.a.total)"), ["a.total"]);
        assert_eq!(
            d("if d.x.n * 100 / d.x.cases >= 90 { P } else { 0 }"),
            ["x.cases"]
        );
        assert_eq!(d("proportional_rate(d.a.rate)"), Vec::<String>::new());
        assert_eq!(d("P / 2 + pct(max(d.a.x, 1), d.b.y)"), ["b.y"]);
        // From the syntax tree, not the text: a name inside a string is no call, a `let` and
        // a multi-line rule are read like any other.
        assert_eq!(
            d("if \"pct(d.a.x, d.b.y)\" == \"\" { 0 } else { 1 }"),
            Vec::<String>::new()
        );
        assert_eq!(
            d("let r = ratio_or(d.a.done, d.a.total, 0);\nr * 10"),
            ["a.total"]
        );
        // `ratio` is no rate helper for the gap search (the registry marks none of its
        // arguments), and an undeclared field is nothing.
        assert_eq!(
            d("ratio(d.a.done, d.a.total) + pct(d.a.x, d.no.such)"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn levers_limit_bools_and_lists() {
        let l = spec("{type: list, desc: x, values: [a, b, c]}");
        let cur = Value::List(vec!["a".into()]);
        let up = list_moves(&l, Lever::Raise, Some(&cur));
        assert!(up.contains(&Value::List(vec!["a".into(), "b".into()])));
        assert!(up
            .iter()
            .all(|v| matches!(v, Value::List(x) if x.contains(&"a".to_string()))));
        let down = list_moves(&l, Lever::Lower, Some(&cur));
        assert_eq!(down, [Value::List(vec![])]);
        assert_eq!(bool_moves(Lever::Raise, Some(&Value::Bool(true))), []);
        assert_eq!(
            bool_moves(Lever::Raise, Some(&Value::Bool(false))),
            [Value::Bool(true)]
        );
        assert_eq!(bool_moves(Lever::Lower, None), [Value::Bool(false)]);
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
