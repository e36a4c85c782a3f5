//! Step 4, evaluate: run one compiled rule against one county's data, on either of two
//! evaluators that give identical results: the rhai [`interpreter`] (the reference) and the
//! [`fast`] path (rules lowered to closures over the county's field slots, which falls back to
//! the interpreter for anything outside its subset). Each rule runs on its own: a rule that fails
//! (a limit, a bad result) fails alone, as an [`Outcome::Error`].
//!
//! What both evaluators share lives here, below them: the compiled rule they run
//! ([`CompiledRule`]), what a run gives ([`Outcome`], [`Run`]) and the sandbox's limit.

mod budget;
pub(crate) mod fast;
pub(crate) mod interpreter;

use crate::types::FieldPath;
use rhai::{Dynamic, EvalAltResult, AST};

/// The operations budget of one rule on one county, the same on both evaluators: the
/// interpreter stops a rule at the limit, and the fast path lowers only rules whose syntax tree
/// has at most this many nodes (it has no loops, so it cannot run more operations than nodes).
/// A rule that breaks the limit becomes an error on its own item.
///
/// Chosen from measurement (`budget::tests::shipped_rules_use_a_small_share_of_the_budget`):
/// the busiest rule of the shipped rule sets runs 65 operations (national-2021) and 67
/// (haiyan-2016) on the fixture counties and 200 synthetic ones each; 10,000 is a 150-fold
/// margin, and an endless loop stops after about 1 ms (it was 200,000, up to 25 ms).
pub(crate) const MAX_OPERATIONS: u64 = 10_000;

/// The sandbox's largest text (bytes), list (items) and map (entries), on both evaluators.
pub(crate) const MAX_SIZE: usize = 10_000;
// A records field holds at most as many records as a list holds items (`model::MAX_RECORDS`).
const _: () = assert!(crate::model::MAX_RECORDS == MAX_SIZE);

/// Whether a county value is larger than the sandbox's size limits as rhai measures them (a
/// text's bytes; a list's items, and the bytes of all its texts together).
pub(crate) fn over_size_limits(v: &crate::types::Value) -> bool {
    match v {
        crate::types::Value::Text(s) => s.len() > MAX_SIZE,
        crate::types::Value::List(l) => {
            l.len() > MAX_SIZE || l.iter().map(String::len).sum::<usize>() > MAX_SIZE
        }
        // issue 27 shape 5: the records and the texts inside them.
        crate::types::Value::Records(rs) => {
            rs.len() > MAX_SIZE || rs.iter().flat_map(|r| r.values()).any(over_size_limits)
        }
        _ => false,
    }
}

/// How the rules of a rule set are evaluated. Both give identical reports; the compiled path is
/// the default of [`RuleSet::score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evaluator {
    /// Every rule on the rhai interpreter (the reference; the engine before issue 7).
    Interpreter,
    /// Rules lowered to native closures over field slots; a rule outside the lowered subset, or
    /// one that meets something unusual for a county, runs on the interpreter.
    Compiled,
    /// The naive baseline of the benchmarks: one rhai scope per county and `eval_ast_with_scope`
    /// per item. Only [`RuleSet::evaluate_items`] offers it; elsewhere it means `Interpreter`.
    Naive,
}

/// One compiled expression with what it reads.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub ast: AST,
    pub inputs: Vec<FieldPath>,
    pub optional: Vec<FieldPath>,
    /// sha256 over everything that decides this rule's result for given data.
    pub hash: String,
    /// The dictionary slots of `inputs` (for the fast path).
    pub input_slots: Vec<usize>,
    /// The dictionary slots of `inputs` then `optional` (to gather the values a report shows).
    pub read_slots: Vec<usize>,
    /// Positions in `inputs` then `optional` of the fields the rule reads, in path order and each
    /// once: an item's inputs are listed in that order without sorting them per county.
    pub read_order: Vec<usize>,
    /// The rule lowered to closures, when it stays inside the subset the fast path knows.
    pub fast: Option<std::sync::Arc<fast::Program>>,
    /// An item's points as written, when the model scaled them (an area written as a share of
    /// the total, or 百分制 rescaling): the rule runs with `P` = these and its result is
    /// multiplied by `points / written` (`scoring::Runner::run`).
    pub written: Option<f64>,
    /// A penalty's rule: what it returns is deducted (its rescaling note says 扣, not 得).
    pub deducts: bool,
    // issue 27 shape 6: relative scores
    /// An item scored against the other counties of its group (`relative:`): its `ast` is a
    /// placeholder never run (`scoring::Runner` scores the block instead).
    pub relative: Option<std::sync::Arc<crate::relative::Relative>>,
    // issue 27 shape 5: records
    /// A records item (`each:`): the rule is run once per record and the results combined.
    pub each: Option<std::sync::Arc<EachRule>>,
}

// issue 27 shape 5: records
/// How a records item runs: the field whose records are scored one by one, the points of one
/// record (`P` in `record_score`; `None`: the item's written points), how the records' scores
/// are combined, and the sub-field that names a record in the report (the first `text`
/// sub-field in name order, with its description), if any.
#[derive(Debug, Clone)]
pub(crate) struct EachRule {
    pub field: FieldPath,
    pub points: Option<f64>,
    pub combine: crate::model::Combine,
    pub label: Option<(String, std::sync::Arc<str>)>,
}

impl CompiledRule {
    /// Adds the fast path (issue 7): the slots of the inputs and the lowered program.
    pub(crate) fn with_fast_path(mut self, slots: &fast::SlotMap) -> Self {
        let input_slots: Option<Vec<usize>> = self
            .inputs
            .iter()
            .map(|f| slots.get(f.as_str()).copied())
            .collect();
        let read_slots: Option<Vec<usize>> = self
            .inputs
            .iter()
            .chain(&self.optional)
            .map(|f| slots.get(f.as_str()).copied())
            .collect();
        let all: Vec<&FieldPath> = self.inputs.iter().chain(&self.optional).collect();
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|a, b| all[*a].cmp(all[*b]).then(a.cmp(b)));
        order.dedup_by(|a, b| all[*a] == all[*b]);
        self.read_order = order;
        if let (Some(input_slots), Some(read_slots)) = (input_slots, read_slots) {
            self.input_slots = input_slots;
            self.read_slots = read_slots;
            // A rule larger than the operations budget is left to the interpreter, which
            // counts its operations (so the limit is enforced identically).
            let mut nodes = 0_u64;
            self.ast.walk(&mut |_| {
                nodes += 1;
                true
            });
            if nodes <= MAX_OPERATIONS {
                self.fast = fast::lower(&self.ast, slots).map(std::sync::Arc::new);
            }
        }
        self
    }
}

/// `NoData` naming the inputs of `rule` that `data` lacks, when it lacks any.
pub(crate) fn no_data(rule: &CompiledRule, data: &crate::CountyData) -> Option<Run> {
    let missing: Vec<_> = rule
        .inputs
        .iter()
        .filter(|f| !data.values().contains_key(*f))
        .cloned()
        .collect();
    (!missing.is_empty()).then(|| Run {
        outcome: Outcome::NoData(missing),
        notes: Default::default(),
    })
}

/// What one rule gave for one county.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// The expression returned a number.
    Number(f64),
    /// The expression returned a bool.
    Bool(bool),
    /// Required inputs missing; not evaluated.
    NoData(Vec<crate::types::FieldPath>),
    /// The expression failed or returned something unusable.
    Error(String),
}

/// A rule's outcome and the helpers' notes.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub outcome: Outcome,
    pub notes: crate::helpers::core::Notes,
}

pub(crate) fn from_dynamic(v: Dynamic) -> Outcome {
    if let Ok(f) = v.as_float() {
        if f.is_nan() {
            return Outcome::Error("the rule returned NaN (not a number)".into());
        }
        if f.is_infinite() {
            return Outcome::Error(format!("the rule returned {f}"));
        }
        return Outcome::Number(f);
    }
    if let Ok(i) = v.as_int() {
        return Outcome::Number(i as f64);
    }
    if let Ok(b) = v.as_bool() {
        return Outcome::Bool(b);
    }
    let shown = if v.is_string() {
        format!("the text \"{v}\"")
    } else if v.is_unit() {
        "nothing (())".to_string()
    } else {
        format!("a value of type {}", v.type_name())
    };
    Outcome::Error(format!("the rule returned {shown}, not a number"))
}

/// How the error of a rule stopped at its operations limit begins.
pub(crate) const OPS_LIMIT: &str = "the rule ran more than ";

pub(crate) fn describe_error(e: &EvalAltResult) -> String {
    match e {
        EvalAltResult::ErrorTooManyOperations(pos) => format!(
            "{OPS_LIMIT}{MAX_OPERATIONS} operations and was stopped (an endless loop?) at {pos}"
        ),
        EvalAltResult::ErrorStackOverflow(pos) => {
            format!("the rule called functions too deeply and was stopped at {pos}")
        }
        other => format!("the rule failed: {other}"),
    }
}
