//! # fazhi (法治)
//!
//! A rules engine that scores Chinese cities and counties against the rule-of-law government
//! demonstration indicator system (法治政府建设示范指标体系). Indicator systems are YAML rule sets
//! whose scoring rules are [rhai](https://rhai.rs) expressions (format: `docs/FORMAT.md`); the
//! engine checks and compiles them once and scores county data into itemized reports.
//!
//! # How the code is laid out
//!
//! Data flows one way, and the modules follow it; each stage imports only stages above it in
//! this list (never one below), so there is no import circle:
//!
//! | stage | module | what it does |
//! |---|---|---|
//! | (shared) | `types`, `error`, [`model`] | ids, [`Points`], [`FieldPath`], [`Value`]; typed errors; the rule set's typed model |
//! | load | `load`, [`sheet`] | rule files → [`model`] ([`RuleSource`]); county files → [`CountyData`]; county tables (`.xlsx`, `.csv`, one row per county) → [`CountyData`] |
//! | check | `check`, `rule_lint`, `ranges` | lint: points add up, fields declared, ids unique; texts among an enum's or list's values, calls against the helper table; score ranges proven ([`RuleSet::lint`]) |
//! | compile | `compile`, `helpers` | rhai ASTs once per rule, with the helper functions (`tiers`, `pct`, …) |
//! | evaluate | `evaluate` | one rule on one county: the rhai interpreter and the fast path ([`Evaluator`]) |
//! | aggregate | `aggregate`, [`RuleSet`], `scoring` | tree totals, veto, bonus, penalty, pass lines → [`Report`]; [`scoring::batch`] scores many files with their hashes |
//! | analyse | [`analyse`] | one room per user (below) |
//! | render | [`render`] | every output format, one module per format (Excel workbooks in `render::xlsx`, feature `xlsx`) |
//!
//! [`synth`] generates synthetic county data for tests and benchmarks.
//!
//! # Entry points by user
//!
//! - **Assessment systems that embed fazhi**: [`RuleSet::load_dir`] / [`RuleSet::builtin`],
//!   [`CountyData::from_file`], [`RuleSet::score`] → [`Report`], [`render::json`].
//! - **The county and its evaluator** ([`analyse::gap`]): [`analyse::gap::GapAnalysis::new`]
//!   (what was lost, what would bring it back, the plan to each pass line),
//!   [`render::gap_markdown`].
//! - **The evaluator when rules change** ([`analyse::change`]): [`scoring::batch::score_files`],
//!   [`analyse::change::rank`], [`analyse::change::diff`], [`analyse::change::rescore`],
//!   [`analyse::change::verify`].
//! - **The rule author**: [`RuleSet::lint`] (every problem, and the score ranges proven),
//!   [`ruletests::run`] (the tests kept beside the rule set, `fazhi test`).
//! - **The policy designer** ([`analyse::policy`]): [`analyse::policy::weights`] (scenario files),
//!   [`analyse::policy::whatif`], [`analyse::policy::uncertainty`] (rank intervals and Sobol
//!   indices).
//!
//! ```
//! use fazhi::{CountyData, RuleSet};
//!
//! // The built-in national rule set (indicators/national-2021), compiled into the library.
//! let rules = RuleSet::builtin()?;
//! let field = rules.fields().keys().next().unwrap().clone();
//! let yaml = "county: {id: demo, name: 示例县}\ndata: {}\n";
//! let county = CountyData::from_str("demo.yaml", yaml, &rules)?;
//! let report = rules.score(&county);
//! assert_eq!(report.summary.max, rules.total_points());
//! // No data at all: every item is `no_data` and scores nothing (无佐证材料不得分).
//! assert_eq!(report.summary.scored, 0);
//! println!("{}", fazhi::render::markdown(&report));
//! # let _ = field;
//! # Ok::<(), fazhi::Error>(())
//! ```

#![warn(missing_docs)]

// Shared below every stage.
mod cancel;
mod error;
pub mod levers;
pub mod model;
pub mod numeric;
mod par;
mod types;
mod words;

// The pipeline, in the order data flows.
mod load;
pub mod sheet;
mod yaml_keys;

mod authoring;
mod check;
mod rescale;
// issue 27 shape 6: relative scores
pub mod relative;

mod compile;
mod helpers;
mod ranges;
mod rule_lint;

mod evaluate;

mod aggregate;
mod report;
mod ruleset;
pub mod scoring;

pub mod analyse;

pub mod render;

// JSON Schemas of rule files and county files, for editors and validators.
pub mod ruletests;
#[cfg(feature = "schema")]
pub mod schema;

// Synthetic county data for tests and benchmarks.
pub mod synth;

pub use cancel::{Cancel, Cancelled};
pub use error::{
    Code, Diagnostic, Diagnostics, Error, ErrorKind, Result, Severity, MAX_DIAGNOSTICS_PER_FILE,
};
pub use evaluate::Evaluator;
pub use load::county::{Bound, CountyData, CountyInfo, Datum, MAX_EXACT_COUNT};
pub use load::files;
pub use load::RuleSource;
// The report, item by item (a chosen list, as rhai and ripgrep keep theirs: what is not named
// here is not part of the public surface).
pub use report::{
    AdjustmentResult, CheckResult, ConditionStatus, CountyRef, EngineInfo, Explanation, Failure,
    InputFile, Inputs, ItemScore, ItemStatus, NodeScore, PartsOutcome, PassResult, Provenance,
    Report, RuleError, RuleSetInfo, Summary, VetoResult, REPORT_SCHEMA,
};
pub use ruleset::RuleSet;
pub use scoring::CountySummary;
pub use types::{FieldPath, IndicatorId, Points, Value};
// issue 27 shape 5: records (a records item's records, and one record's values).
pub use report::RecordScore;
pub use types::Record;
