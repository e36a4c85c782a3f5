//! Scoring counties: which evaluator runs the rules (the compiled fast path or the rhai
//! interpreter), batches across counties with rayon, and a streaming mode that keeps only each
//! county's summary (issue 7).

pub mod batch;
pub mod budget;
pub mod inputs;
mod relative;

use crate::aggregate::{self, Runs};
use crate::evaluate::fast::{self, Slots};
use crate::evaluate::interpreter::{self, BoundCounty};
use crate::evaluate::{CompiledRule, Evaluator};
use crate::evaluate::{Outcome, Run};
use crate::helpers;
use crate::load::county::CountyData;
use crate::par::*;
use crate::report::{Inputs, Report, Summary};
use crate::ruleset::RuleSet;
use crate::types::Points;
use rhai::{Dynamic, Scope};
use std::cell::OnceCell;
use std::rc::Rc;

/// One county's result without its itemized report (what ranking needs).
#[derive(Debug, Clone, PartialEq)]
pub struct CountySummary {
    /// The county's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its province, when given.
    pub province: Option<String>,
    /// Totals, veto, coverage and pass lines.
    pub summary: Summary,
}

/// How many counties the streaming mode holds at once.
const CHUNK: usize = 256;

impl RuleSet {
    /// Scores one county: every item, tree totals, vetoes, bonuses, penalties, pass lines and data
    /// checks. Never fails: a rule that breaks makes its own item an error.
    ///
    /// Rules run on the compiled fast path (see [`Evaluator`]) with the interpreter as fallback.
    pub fn score(&self, data: &CountyData) -> Report {
        self.score_with(data, Evaluator::Compiled)
    }

    /// Scores one county and also returns, per item (in [`RuleSet::items`] order), the unrounded
    /// share of its points the rule gave: its result clamped to `[0, points]` divided by the
    /// points (0 for items without data, failing items and zero-point items). Re-weighting
    /// analyses scale these shares instead of re-running the rules. Under a batch's budget when
    /// given; also returns the rules that hit the operations limit on this county.
    pub(crate) fn score_with_shares_budget(
        &self,
        data: &CountyData,
        b: Option<&budget::Budget>,
    ) -> (Report, Vec<f64>, Vec<usize>) {
        let mut runner = Runner::new(self, data, Evaluator::Compiled);
        if let Some(b) = b {
            runner = runner.with_budget(b);
        }
        let runs = Runs {
            items: self
                .items
                .iter()
                .map(|(i, r)| {
                    let run = runner.run(r, self.model.nodes[*i].points.as_f64());
                    (*i, run, runner.inputs(r))
                })
                .collect(),
            ..self.run_adjustments(&runner)
        };
        let shares = runs
            .items
            .iter()
            .map(|(i, run, _)| {
                let max = self.model.nodes[*i].points.as_f64();
                match run.outcome {
                    crate::evaluate::Outcome::Number(x) if max > 0.0 && !x.is_nan() => {
                        x.clamp(0.0, max) / max
                    }
                    _ => 0.0,
                }
            })
            .collect();
        let hits = runner.limit_hits();
        (aggregate::build(&self.model, data, runs), shares, hits)
    }

    /// Scores one county like [`RuleSet::score`], but takes an item's result from `reuse`
    /// when it returns one (called with the item's id and rule hash) and evaluates only the
    /// other items. Vetoes, bonuses, penalties and checks always run. The caller guarantees
    /// that a reused result came from the same rule hash and the same county data (this is
    /// what `analyse::change::rescore` checks); names, parents and texts are refreshed from this rule
    /// set, since the hash does not cover them.
    pub(crate) fn score_reusing<'r>(
        &self,
        data: &CountyData,
        reuse: &dyn Fn(&str, &str) -> Option<&'r crate::report::ItemScore>,
    ) -> (Report, usize) {
        let runner = Runner::new(self, data, Evaluator::Compiled);
        let mut reused = 0;
        let items = self
            .items
            .iter()
            .map(|(i, r)| {
                let node = &self.model.nodes[*i];
                // issue 27 shape 6: a relative item depends on the group too, never reused.
                let old = reuse(node.id.as_str(), &r.hash).filter(|_| r.relative.is_none());
                let score = match old {
                    Some(old) => {
                        reused += 1;
                        aggregate::refresh_item(&self.model, *i, old)
                    }
                    None => {
                        let run = runner.run(r, node.points.as_f64());
                        aggregate::item_score(&self.model, *i, run, runner.inputs(r), true)
                    }
                };
                (*i, score)
            })
            .collect();
        let runs = Runs {
            items: Vec::new(),
            ..self.run_adjustments(&runner)
        };
        (aggregate::assemble(&self.model, data, items, &runs), reused)
    }

    /// Runs vetoes, bonuses, penalties and checks (everything but the items).
    fn run_adjustments(&self, bound: &Runner) -> Runs {
        let p = |n: Points| n.as_f64();
        Runs {
            items: Vec::new(),
            explain: true,
            vetoes: self.vetoes.iter().map(|r| bound.run(r, 0.0)).collect(),
            bonuses: self
                .bonuses
                .iter()
                .zip(&self.model.bonuses)
                .map(|(r, b)| bound.run(r, p(b.cap)))
                .collect(),
            penalties: self
                .penalties
                .iter()
                .zip(&self.model.penalties)
                .map(|(r, x)| bound.run(r, x.cap.map_or(0.0, p)))
                .collect(),
            checks: self.checks.iter().map(|r| bound.run(r, 0.0)).collect(),
        }
    }

    /// Crate-internal hook for analyses that search over one item's inputs (the gap analysis
    /// rescoring counterfactuals): evaluates only the item at `pos` (its index among
    /// [`RuleSet::items`]) through the same evaluate and aggregate code as [`RuleSet::score`], so
    /// its `earned` equals that item's `earned` in a full report of the same data. Penalties,
    /// bonuses and totals are not computed; callers verify their final answers with a full
    /// [`RuleSet::score`]. `None` when `pos` is out of range.
    pub(crate) fn score_item(
        &self,
        data: &CountyData,
        pos: usize,
    ) -> Option<crate::report::ItemScore> {
        let (idx, rule) = self.items.get(pos)?;
        let runner = Runner::new(self, data, Evaluator::Compiled);
        let run = runner.run(rule, self.model.nodes[*idx].points.as_f64());
        Some(aggregate::item_score(
            &self.model,
            *idx,
            run,
            runner.inputs(rule),
            true,
        ))
    }

    /// Scores one county with the chosen evaluator (the report is the same either way).
    ///
    /// ```
    /// use fazhi::{Evaluator, RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let county = &fazhi::synth::generate(&rules, 1, 1)[0];
    /// assert_eq!(rules.score_with(county, Evaluator::Interpreter), rules.score_with(county, Evaluator::Compiled));
    /// # Ok::<(), fazhi::Error>(())
    /// ```
    pub fn score_with(&self, data: &CountyData, ev: Evaluator) -> Report {
        self.score_runner(data, Runner::new(self, data, ev), true)
    }

    /// A report whose summary, node and item points are those of [`RuleSet::score`], but whose
    /// items carry no explanation and no input values: for callers that keep only the summary
    /// or the area points (ranking, streaming summaries). Crate-internal, so such a report never
    /// reaches a user.
    pub(crate) fn score_lean(&self, data: &CountyData) -> Report {
        let runner = Runner::new(self, data, Evaluator::Compiled).quiet();
        self.score_runner(data, runner, false)
    }

    /// [`RuleSet::score_lean`] under a batch's budget; also returns the rules that hit the
    /// operations limit on this county.
    pub(crate) fn score_lean_budget(
        &self,
        data: &CountyData,
        b: &budget::Budget,
    ) -> (Report, Vec<usize>) {
        let runner = Runner::new(self, data, Evaluator::Compiled)
            .quiet()
            .with_budget(b);
        let report = self.score_runner_ref(data, &runner, false);
        (report, runner.limit_hits())
    }

    fn score_runner(&self, data: &CountyData, runner: Runner<'_>, explain: bool) -> Report {
        self.score_runner_ref(data, &runner, explain)
    }

    fn score_runner_ref(&self, data: &CountyData, runner: &Runner<'_>, explain: bool) -> Report {
        let p = |n: Points| n.as_f64();
        let runs = Runs {
            explain,
            items: self
                .items
                .iter()
                .map(|(i, r)| {
                    let run = runner.run(r, p(self.model.nodes[*i].points));
                    let inputs = if explain {
                        runner.inputs(r)
                    } else {
                        Inputs::default()
                    };
                    (*i, run, inputs)
                })
                .collect(),
            vetoes: self.vetoes.iter().map(|r| runner.run(r, 0.0)).collect(),
            bonuses: self
                .bonuses
                .iter()
                .zip(&self.model.bonuses)
                .map(|(r, b)| runner.run(r, p(b.cap)))
                .collect(),
            penalties: self
                .penalties
                .iter()
                .zip(&self.model.penalties)
                .map(|(r, x)| runner.run(r, x.cap.map_or(0.0, p)))
                .collect(),
            checks: self.checks.iter().map(|r| runner.run(r, 0.0)).collect(),
        };
        aggregate::build(&self.model, data, runs)
    }

    /// Scores many counties in parallel (rayon, every core), keeping every itemized report, in the
    /// order of `counties`.
    pub fn score_batch(&self, counties: &[CountyData]) -> Vec<Report> {
        counties.par_iter().map(|c| self.score(c)).collect()
    }

    /// Scores counties as they come, in parallel chunks, keeping only each one's summary: memory
    /// stays bounded by a chunk however many counties there are. In the order of `counties`.
    pub fn summarise<I>(&self, counties: I) -> Vec<CountySummary>
    where
        I: IntoIterator<Item = CountyData>,
    {
        let mut out = Vec::new();
        let mut it = counties.into_iter();
        loop {
            let chunk: Vec<CountyData> = it.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                return out;
            }
            out.par_extend(chunk.par_iter().map(|c| {
                let r = self.score_lean(c);
                CountySummary {
                    id: c.info().id.clone(),
                    name: c.info().name.clone(),
                    province: c.info().province.clone(),
                    summary: r.summary,
                }
            }));
        }
    }

    /// The raw result of every scored item, in tree order, without aggregation (for measuring
    /// evaluation alone): the number the rule returned (before clamping), or `None` when the item
    /// has no data or fails. Points only: the helpers word no notes (every evaluator alike).
    pub fn evaluate_items(&self, data: &CountyData, ev: Evaluator) -> Vec<Option<f64>> {
        self.evaluate_chosen(data, self.items.iter(), ev)
    }

    /// [`RuleSet::evaluate_items`] for some items only, given by their positions in
    /// [`RuleSet::items`] (positions out of range are skipped).
    pub fn evaluate_items_at(
        &self,
        data: &CountyData,
        positions: &[usize],
        ev: Evaluator,
    ) -> Vec<Option<f64>> {
        let chosen = positions.iter().filter_map(|k| self.items.get(*k));
        self.evaluate_chosen(data, chosen, ev)
    }

    fn evaluate_chosen<'r>(
        &'r self,
        data: &CountyData,
        chosen: impl Iterator<Item = &'r (usize, CompiledRule)>,
        ev: Evaluator,
    ) -> Vec<Option<f64>> {
        let number = |run: Run| match run.outcome {
            Outcome::Number(x) => Some(x),
            _ => None,
        };
        if ev == Evaluator::Naive {
            // As written, then on the model's scale (百分制, shares), as `Runner::run` does.
            let chosen: Vec<_> = chosen.collect();
            let factors: Vec<f64> = chosen
                .iter()
                .map(|(i, r)| match r.written {
                    Some(w) if w > 0.0 => self.model.nodes[*i].points.as_f64() / w,
                    _ => 1.0,
                })
                .collect();
            return self
                .naive_items(data, chosen.into_iter())
                .into_iter()
                .zip(factors)
                .map(|(run, k)| number(run).map(|x| x * k))
                .collect();
        }
        let runner = Runner::new(self, data, ev).quiet();
        chosen
            .map(|(i, r)| number(runner.run(r, self.model.nodes[*i].points.as_f64())))
            .collect()
    }

    /// The baseline: a fresh scope per county and `eval_ast_with_scope` per item.
    fn naive_items<'r>(
        &self,
        data: &CountyData,
        items: impl Iterator<Item = &'r (usize, CompiledRule)>,
    ) -> Vec<Run> {
        let mut scope = Scope::new();
        scope.push_constant_dynamic(
            "d",
            Dynamic::from_map(interpreter::county_map(&self.groups, data)),
        );
        scope.push("P", 0.0_f64);
        let present = Rc::new(interpreter::present(data));
        items
            .map(|(i, r)| {
                if r.inputs.iter().any(|f| !data.values().contains_key(f)) {
                    return Run {
                        outcome: Outcome::NoData(Vec::new()),
                        notes: Default::default(),
                    };
                }
                let max = r
                    .written
                    .unwrap_or_else(|| self.model.nodes[*i].points.as_f64());
                // issue 27 shape 5: a records item runs record by record (`r`), as scoring does.
                if r.each.is_some() {
                    return BoundCounty::new(&self.engine, &self.groups, data).run(r, max, false);
                }
                if let Some(rel) = &r.relative {
                    return relative::run(rel, max, data, false);
                }
                scope.set_value("P", max);
                helpers::start_item(max, data.info().year, &present, false);
                let before = scope.len();
                let result = self
                    .engine
                    .eval_ast_with_scope::<Dynamic>(&mut scope, &r.ast);
                scope.rewind(before);
                let notes = helpers::finish_item();
                let outcome = match result {
                    Ok(v) => crate::evaluate::from_dynamic(v),
                    Err(e) => Outcome::Error(crate::evaluate::describe_error(&e)),
                };
                Run { outcome, notes }
            })
            .collect()
    }
}

/// Runs rules for one county with one evaluator; the interpreter's county map is built only when
/// a rule needs it.
pub(crate) struct Runner<'a> {
    rules: &'a RuleSet,
    data: &'a CountyData,
    slots: Option<Slots<'a>>,
    bound: OnceCell<BoundCounty<'a>>,
    notes: bool,
    /// A batch's stopped rules, and the rules that hit the operations limit on this county.
    budget: Option<(&'a budget::Budget, std::cell::RefCell<Vec<usize>>)>,
}

impl<'a> Runner<'a> {
    pub(crate) fn new(rules: &'a RuleSet, data: &'a CountyData, ev: Evaluator) -> Self {
        let slots = (ev == Evaluator::Compiled).then(|| Slots::new(&rules.order, data));
        Runner {
            rules,
            data,
            slots,
            bound: OnceCell::new(),
            notes: true,
            budget: None,
        }
    }

    /// Runs under a batch's budget: stopped rules are not run, limit hits are recorded.
    pub(crate) fn with_budget(self, b: &'a budget::Budget) -> Self {
        Runner {
            budget: Some((b, Default::default())),
            ..self
        }
    }

    /// The rules that hit the operations limit on this county (keys of [`budget::key`]).
    pub(crate) fn limit_hits(&self) -> Vec<usize> {
        self.budget
            .as_ref()
            .map(|(_, h)| h.borrow().clone())
            .unwrap_or_default()
    }

    /// Points only: the helpers word no notes (for callers that keep no explanation).
    pub(crate) fn quiet(self) -> Self {
        Runner {
            notes: false,
            ..self
        }
    }

    /// The values a rule reads (required and optional) that the county has, with provenance:
    /// the county's values shared, not copied (issue 25).
    pub(crate) fn inputs(&self, rule: &CompiledRule) -> Inputs {
        let n = rule.inputs.len();
        let field = |k: usize| {
            if k < n {
                &rule.inputs[k]
            } else {
                &rule.optional[k - n]
            }
        };
        let values = self.data.shared_values();
        if rule.read_order.is_empty() {
            // A rule compiled without its read order: listed as written, sorted by `shared`.
            return Inputs::shared(
                values,
                rule.inputs.iter().chain(&rule.optional),
                false,
                false,
            );
        }
        // In path order already (`read_order`, fixed when the rule was compiled).
        let fields = rule.read_order.iter().map(|k| field(*k));
        match &self.slots {
            // Which values the county has is in the dense row's tags: no lookup by text.
            Some(slots) if rule.read_slots.len() == n + rule.optional.len() => {
                let present = (rule.read_order.iter())
                    .filter(|k| slots.has(rule.read_slots[**k]))
                    .map(|k| field(*k));
                Inputs::shared(values, present, true, true)
            }
            _ => Inputs::shared(values, fields, false, true),
        }
    }

    pub(crate) fn run(&self, rule: &CompiledRule, max: f64) -> Run {
        let m = &self.rules.model;
        // The rule sees its written points and its result is rescaled: an item under an area
        // written as a share of the total (`written`), or 百分制 rescaling (`scale`).
        let (p, k) = match rule.written {
            Some(w) if w > 0.0 => (w, max / w),
            _ if m.scale != 1.0 => (max / m.scale, m.scale),
            _ => return self.run_written(rule, max),
        };
        let mut run = self.run_written(rule, p);
        if let crate::evaluate::Outcome::Number(x) = &mut run.outcome {
            let written = *x;
            *x = written * k;
            if self.notes {
                use crate::words::notes::Note;
                run.notes.push(if m.shares {
                    Note::ShareScaled {
                        written: p,
                        got: written,
                        max,
                        scaled: *x,
                    }
                } else {
                    Note::Percent {
                        whole: m.written_total.as_f64(),
                        got: written,
                        scaled: *x,
                        deducts: rule.deducts,
                    }
                });
            }
        }
        run
    }

    /// Runs a rule as it is written (`max`: its points as written).
    fn run_written(&self, rule: &CompiledRule, max: f64) -> Run {
        // Work no longer wanted stops before the next rule (the caller's `Cancel::run` drops
        // the report).
        if crate::cancel::stopped() {
            return Run {
                outcome: Outcome::Error("cancelled".into()),
                notes: Default::default(),
            };
        }
        let Some((b, hits)) = &self.budget else {
            return self.run_free(rule, max);
        };
        let key = budget::key(rule);
        if b.is_stopped(key) {
            // A county without the rule's inputs has no data for it, stopped or not: coverage
            // means the same as in `score` (issue 23).
            if let Some(run) = crate::evaluate::no_data(rule, self.data) {
                return run;
            }
            return Run {
                outcome: Outcome::Error(budget::stopped_message()),
                notes: Default::default(),
            };
        }
        let run = self.run_free(rule, max);
        if matches!(&run.outcome, Outcome::Error(m) if m.starts_with(crate::evaluate::OPS_LIMIT)) {
            hits.borrow_mut().push(key);
        }
        run
    }

    fn run_free(&self, rule: &CompiledRule, max: f64) -> Run {
        // issue 27 shape 6: relative scores, from the county's group.
        if let Some(rel) = &rule.relative {
            return relative::run(rel, max, self.data, self.notes);
        }
        if let (Some(slots), Some(program)) = (&self.slots, &rule.fast) {
            if slots.reads_big(&rule.read_slots) {
                return self.interpret(rule, max);
            }
            if let Some(missing) = slots.missing(&rule.input_slots, &rule.inputs) {
                return Run {
                    outcome: Outcome::NoData(missing),
                    notes: Default::default(),
                };
            }
            if let Some(run) = fast::run(program, slots, max, self.notes) {
                return run;
            }
        }
        self.interpret(rule, max)
    }

    fn interpret(&self, rule: &CompiledRule, max: f64) -> Run {
        self.bound
            .get_or_init(|| BoundCounty::new(&self.rules.engine, &self.rules.groups, self.data))
            .run(rule, max, self.notes)
    }
}
