//! # fazhi (法治)
//!
//! A rules engine that scores Chinese cities and counties against the rule-of-law government
//! demonstration indicator system (法治政府建设示范指标体系). Indicator systems are YAML rule sets
//! whose scoring rules are [rhai](https://rhai.rs) expressions (format: `docs/FORMAT.md`); the
//! engine checks and compiles them once and scores county data into itemized reports.
//!
//! Data flows one way: **load** (YAML → typed model) → **check** (lint) → **compile** (rhai ASTs,
//! once) → **evaluate** (one county, itemized) → **aggregate** (tree totals, veto, bonus, pass
//! lines) → **analyse** ([`analyse::gap`]: what a county lost and the cheapest way to the pass
//! line) → **render** (JSON, Markdown, CSV).
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

mod aggregate;
pub mod analyse;
mod authoring;
mod check;
mod compile;
mod data;
mod error;
mod eval;
mod fast;
mod helpers;
mod load;
pub mod model;
pub mod numeric;
pub mod render;
mod report;
mod ruleset;
mod scoring;
pub mod synth;
mod types;
mod yaml_keys;

pub use data::{Bound, CountyData, CountyInfo, Datum, Value};
pub use error::{Diagnostic, Diagnostics, Error, Result, Severity};
pub use load::RuleSource;
pub use report::*;
pub use ruleset::RuleSet;
pub use scoring::{CountySummary, Evaluator};
pub use types::{FieldPath, IndicatorId, Points};
