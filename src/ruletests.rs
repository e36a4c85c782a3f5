//! Tests kept beside a rule set (docs/FORMAT.md, "Tests beside the rules"): counties with the
//! results they must get, so that a rule change that breaks a hand-checked result fails at once.
//!
//! A rule set's folder may hold a `tests/` folder of YAML files, each a list of cases:
//!
//! ```yaml
//! tests:
//!   - name: 郓城县 2018：出庭应诉率100%
//!     county: ../../../fixtures/counties/yuncheng-2018.yaml   # a county file, beside this one
//!     expect:
//!       items: { "6.2.1": 14 }          # 机关负责人出庭应诉率100% → deduct_below(100, 100, 1, 1) = P
//!       explanation: { "6.2.1": ["100达到100"] }
//! ```
//!
//! `county:` is a path (relative to the test file) or the county itself inline (`county:` and
//! `data:` as in a county file). `expect:` may name the total, items, bonuses, penalties (the
//! points each gives or takes), pass lines (reached or not), the veto, and parts an item's
//! explanation must contain. The `tests/` folder is not part of the rules: loading skips it and
//! the rule set's hash does not change with it.
//!
//! [`run`] scores every case and lists each mismatch; the CLI's `fazhi test [RULES_DIR]` prints
//! them and `fazhi diff OLD NEW` lists the tests of OLD that NEW breaks ([`broken_by`]).

use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::load::parse::{self, Syntax};
use crate::report::{ItemStatus, Report};
use crate::types::Points;
use crate::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the folder, inside a rule set's folder, that holds its tests.
pub const TESTS_DIR: &str = "tests";

/// One test file: a list of cases.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The cases.
    pub tests: Vec<TestCase>,
}

/// One case: a county and what it must get.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// What the case checks, in words (shown with every mismatch).
    pub name: String,
    /// The county: a county file's path relative to the test file, or the county inline
    /// (`county:` and `data:` as in a county file).
    pub county: CountySource,
    /// The results it must get.
    #[serde(default)]
    pub expect: Expect,
}

/// Where a case's county comes from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum CountySource {
    /// A county file, relative to the test file.
    File(String),
    /// The county file's content, inline (`county:` and `data:`).
    Inline(serde_json::Map<String, serde_json::Value>),
}

/// The results a case must get; what is left out is not checked. Points are compared to the
/// thousandth (as reports give them).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The total (after bonuses, penalties and zeroing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// Items' earned points by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<String, f64>,
    /// Items' status by id: `scored`, `no_data` or `error`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status: BTreeMap<String, ItemStatus>,
    /// 加分: the points each bonus gives, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bonuses: BTreeMap<String, f64>,
    /// 扣分: the points each penalty takes, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub penalties: BTreeMap<String, f64>,
    /// 达标线: whether each pass line is reached, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pass_lines: BTreeMap<String, bool>,
    /// 一票否决: whether a veto disqualified the county.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vetoed: Option<bool>,
    /// Parts an item's explanation must contain, by item id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub explanation: BTreeMap<String, Vec<String>>,
}

/// One expectation not met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// What was checked: `total`, `item`, `status`, `bonus`, `penalty`, `pass_line`, `vetoed`,
    /// `explanation`.
    pub what: String,
    /// The indicator, bonus, penalty or pass line id (none for the total and the veto).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the case expects.
    pub expected: String,
    /// What the rule set gave.
    pub got: String,
    /// The item's (or bonus's, penalty's) explanation, to see why.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub explanation: String,
}

/// One case's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The test file, as given (relative to the rule set's folder).
    pub file: String,
    /// The case's name.
    pub name: String,
    /// The county could not be read (the case fails).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every expectation not met.
    pub mismatches: Vec<Mismatch>,
}

impl CaseResult {
    /// Whether every expectation was met.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.mismatches.is_empty()
    }
}

/// Every case of a rule set's tests.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// The cases in file order.
    pub cases: Vec<CaseResult>,
}

impl TestRun {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(CaseResult::passed)
    }
    /// The cases that failed.
    pub fn failed(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed())
    }
}

/// The test files of the rule set in `rules_dir` (its `tests/` folder, `*.yaml`/`*.yml`, in
/// name order), read and typed. No folder: no files. A file that does not read is an error
/// naming its line and column.
pub fn load(rules_dir: &Path) -> Result<Vec<(PathBuf, TestFile)>> {
    let dir = rules_dir.join(TESTS_DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for path in crate::load::files::walk(&dir, &["yaml", "yml"])? {
        let text = crate::load::files::read_text(&path)?;
        let name = path.display().to_string();
        let file: TestFile = parse::typed(&name, &text, Syntax::Yaml)
            .map_err(|d| Error::Rules(crate::error::Diagnostics(vec![d])))?;
        out.push((path, file));
    }
    Ok(out)
}

/// Runs every test of the rule set in `rules_dir` against `rules` (usually the rule set of that
/// folder; [`broken_by`] runs them against another).
pub fn run(rules: &RuleSet, rules_dir: &Path) -> Result<TestRun> {
    let mut cases = Vec::new();
    for (path, file) in load(rules_dir)? {
        let shown = path
            .strip_prefix(rules_dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        for case in &file.tests {
            cases.push(run_case(rules, &path, &shown, case));
        }
    }
    Ok(TestRun { cases })
}

/// The tests of the rule set in `old_dir` that pass with `old` and fail with `new`.
pub fn broken_by(old: &RuleSet, new: &RuleSet, old_dir: &Path) -> Result<Vec<CaseResult>> {
    let before = run(old, old_dir)?;
    let after = run(new, old_dir)?;
    Ok(before
        .cases
        .into_iter()
        .zip(after.cases)
        .filter(|(b, a)| b.passed() && !a.passed())
        .map(|(_, a)| a)
        .collect())
}

fn run_case(rules: &RuleSet, path: &Path, shown: &str, case: &TestCase) -> CaseResult {
    let mut result = CaseResult {
        file: shown.to_string(),
        name: case.name.clone(),
        error: None,
        mismatches: Vec::new(),
    };
    let county = match &case.county {
        CountySource::File(f) => {
            let p = path.parent().unwrap_or(Path::new(".")).join(f);
            CountyData::from_file(&p, rules)
        }
        CountySource::Inline(v) => CountyData::from_str(
            &format!("{shown}#{}.json", case.name),
            &serde_json::Value::Object(v.clone()).to_string(),
            rules,
        ),
    };
    match county {
        Ok(c) => result.mismatches = compare(&rules.score(&c), &case.expect),
        Err(e) => result.error = Some(e.to_string()),
    }
    result
}

fn pts(x: f64) -> Points {
    Points::from_f64(x)
}

/// Every expectation of `want` that `r` does not meet.
pub fn compare(r: &Report, want: &Expect) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut miss = |what: &str, id: Option<&str>, expected: String, got: String, why: &str| {
        out.push(Mismatch {
            what: what.into(),
            id: id.map(str::to_string),
            expected,
            got,
            explanation: why.to_string(),
        })
    };
    if let Some(t) = want.total {
        if pts(t) != r.summary.total {
            miss(
                "total",
                None,
                pts(t).to_string(),
                r.summary.total.to_string(),
                "",
            );
        }
    }
    for (id, want_pts) in &want.items {
        match r.item(id) {
            Some(i) if i.earned == pts(*want_pts) => {}
            Some(i) => miss(
                "item",
                Some(id),
                pts(*want_pts).to_string(),
                i.earned.to_string(),
                &i.explanation.to_string(),
            ),
            None => miss(
                "item",
                Some(id),
                pts(*want_pts).to_string(),
                "no such item".into(),
                "",
            ),
        }
    }
    for (id, st) in &want.status {
        match r.item(id) {
            Some(i) if i.status == *st => {}
            Some(i) => miss(
                "status",
                Some(id),
                format!("{st:?}"),
                format!("{:?}", i.status),
                &i.explanation.to_string(),
            ),
            None => miss(
                "status",
                Some(id),
                format!("{st:?}"),
                "no such item".into(),
                "",
            ),
        }
    }
    for (what, list, want) in [
        ("bonus", &r.bonuses, &want.bonuses),
        ("penalty", &r.penalties, &want.penalties),
    ] {
        for (id, want_pts) in want {
            match list.iter().find(|b| b.id.as_str() == id) {
                Some(b) if b.points == pts(*want_pts) => {}
                Some(b) => miss(
                    what,
                    Some(id),
                    pts(*want_pts).to_string(),
                    b.points.to_string(),
                    &b.detail,
                ),
                None => miss(
                    what,
                    Some(id),
                    pts(*want_pts).to_string(),
                    format!("no such {what}"),
                    "",
                ),
            }
        }
    }
    for (id, reached) in &want.pass_lines {
        match r.summary.pass_lines.iter().find(|p| p.id.as_str() == id) {
            Some(p) if p.reached == *reached => {}
            Some(p) => miss(
                "pass_line",
                Some(id),
                reached.to_string(),
                p.reached.to_string(),
                &p.reasons.join("；"),
            ),
            None => miss(
                "pass_line",
                Some(id),
                reached.to_string(),
                "no such pass line".into(),
                "",
            ),
        }
    }
    if let Some(v) = want.vetoed {
        if v != r.summary.vetoed {
            miss(
                "vetoed",
                None,
                v.to_string(),
                r.summary.vetoed.to_string(),
                "",
            );
        }
    }
    for (id, parts) in &want.explanation {
        let text = r
            .item(id)
            .map_or(String::new(), |i| i.explanation.to_string());
        for part in parts {
            if !text.contains(part.as_str()) {
                miss(
                    "explanation",
                    Some(id),
                    format!("contains \"{part}\""),
                    if text.is_empty() {
                        "no explanation".into()
                    } else {
                        "not found".into()
                    },
                    &text,
                );
            }
        }
    }
    out
}
