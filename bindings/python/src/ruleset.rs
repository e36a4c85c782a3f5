//! `fazhi.RuleSet` (a compiled, immutable rule set shared by reference) and the module functions
//! `rank` and `diff`. The GIL is released while the library loads, scores, analyses and ranks.

use crate::convert::{county_input, county_inputs, json_to_py, lib, read_dict, CountyInput};
use crate::errors::{diagnostics, invalid};
use crate::report::PyReport;
use fazhi::analyse::change::{diff as fdiff, rank as frank};
use fazhi::analyse::gap::GapAnalysis;
use fazhi::analyse::policy::{
    audit::audit as faudit, scores::Batch, weights::Scenario, whatif::WhatIf,
};
use fazhi::scoring::batch;
use fazhi::{CountyData, RuleSet, RuleSource};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A compiled rule set: load once, score from any number of threads.
#[pyclass(module = "fazhi", name = "RuleSet", frozen)]
pub struct PyRuleSet {
    inner: Arc<RuleSet>,
    source: Arc<RuleSource>,
}

fn load(py: Python<'_>, source: RuleSource) -> PyResult<PyRuleSet> {
    let source = Arc::new(source);
    let src = source.clone();
    let rules = lib(py, py.allow_threads(move || RuleSet::load(&src)))?;
    Ok(PyRuleSet {
        inner: Arc::new(rules),
        source,
    })
}

/// Reads and scores one county; a file's report names it as `county.source` (as the CLI's).
fn score_one(rules: &RuleSet, input: CountyInput) -> fazhi::Result<fazhi::Report> {
    match input {
        CountyInput::Path(p) => batch::score_file(&p, rules).map(|(r, _)| r),
        CountyInput::Json(text) => read_dict(&text, |name, t| CountyData::from_str(name, t, rules))
            .map(|c| rules.score(&c)),
    }
}

fn read_one(rules: &RuleSet, input: CountyInput) -> fazhi::Result<CountyData> {
    match input {
        CountyInput::Path(p) => CountyData::from_file(&p, rules),
        CountyInput::Json(text) => read_dict(&text, |name, t| CountyData::from_str(name, t, rules)),
    }
}

#[pymethods]
impl PyRuleSet {
    /// Loads every `*.yaml`/`*.yml` file below `path`. Raises `RulesError` (with every
    /// diagnostic), `InvalidRequest` (no YAML files) or an `OSError`.
    #[staticmethod]
    fn load_dir(py: Python<'_>, path: PathBuf) -> PyResult<PyRuleSet> {
        let src = lib(py, RuleSource::from_dir(&path))?;
        load(py, src)
    }
    /// The built-in national rule set (indicators/national-2021).
    #[staticmethod]
    fn builtin(py: Python<'_>) -> PyResult<PyRuleSet> {
        load(py, RuleSet::builtin_source())
    }
    /// A rule set from memory: `{file name: YAML text}` (from a database, say).
    #[staticmethod]
    fn from_documents(py: Python<'_>, documents: BTreeMap<String, String>) -> PyResult<PyRuleSet> {
        load(py, RuleSource::from_documents(documents))
    }
    /// The rule set's id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    /// Its title.
    #[getter]
    fn title(&self) -> &str {
        self.inner.title()
    }
    /// Its version.
    #[getter]
    fn version(&self) -> &str {
        self.inner.version()
    }
    /// sha256 over the normalised rule files.
    #[getter]
    fn hash(&self) -> &str {
        self.inner.hash()
    }
    /// The points of the whole tree.
    #[getter]
    fn total_points(&self) -> f64 {
        self.inner.total_points().as_f64()
    }
    /// The 附加项 (加、扣分) inside `total_points`, or None: the areas add up to
    /// `total_points − additional_points` and the bonuses together count at most it.
    #[getter]
    fn additional_points(&self) -> Option<f64> {
        self.inner.additional_points().map(|p| p.as_f64())
    }
    /// 百分制 rescaling: the total the rule set is written out of (`total_points` is then the
    /// reported scale), or None.
    #[getter]
    fn written_out_of(&self) -> Option<f64> {
        self.inner.written_out_of().map(|p| p.as_f64())
    }
    /// The data dictionary's field paths.
    #[getter]
    fn fields(&self) -> Vec<String> {
        self.inner
            .fields()
            .keys()
            .map(|f| f.as_str().to_string())
            .collect()
    }
    /// Scores one county: a dict (`{"county": {...}, "data": {...}}`) or a path to a YAML/JSON
    /// file. Raises `DataError` when the data do not fit the dictionary, `OSError` when the file
    /// cannot be read.
    fn score(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<PyReport> {
        let input = county_input(data)?;
        let rules = self.inner.clone();
        let report = lib(py, py.allow_threads(move || score_one(&rules, input)))?;
        Ok(PyReport::new(report))
    }
    /// Every problem of the rule set's files, errors and warnings (list of dicts).
    fn lint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let src = self.source.clone();
        let diags = py.allow_threads(move || RuleSet::lint(&src));
        diagnostics(py, &diags.0)
    }
    /// Gap analysis of one county (dict or path) as a dict, the layout of
    /// `fazhi gap --format json`: distance to every pass line, plans, lost items and targets.
    fn gap<'py>(&self, py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let input = county_input(data)?;
        let rules = self.inner.clone();
        let text = lib(
            py,
            py.allow_threads(move || {
                read_one(&rules, input)
                    .map(|c| fazhi::render::to_json(&GapAnalysis::new(&rules, &c)))
            }),
        )?;
        json_to_py(py, &text)
    }
    fn __repr__(&self) -> String {
        format!(
            "<fazhi.RuleSet {} {} ({})>",
            self.inner.id(),
            self.inner.version(),
            self.inner.title()
        )
    }
}

/// Scores and ranks counties (a list of dicts and/or paths) as a dict, the layout of
/// `fazhi rank --format json`. Equal totals share a rank (1, 2, 2, 4). With paths only, files
/// that cannot be read are listed under `failures` as the CLI lists them; a dict that does not
/// fit raises `DataError`.
#[pyfunction]
pub fn rank<'py>(
    py: Python<'py>,
    rules: &PyRuleSet,
    counties: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let inputs = county_inputs(counties)?;
    let r = rules.inner.clone();
    let text = if inputs.iter().all(|i| matches!(i, CountyInput::Path(_))) {
        let paths: Vec<PathBuf> = inputs
            .into_iter()
            .filter_map(|i| match i {
                CountyInput::Path(p) => Some(p),
                CountyInput::Json(_) => None,
            })
            .collect();
        py.allow_threads(move || fazhi::render::to_json(&frank::rank_files(&r, &paths, &|| {})))
    } else {
        lib(
            py,
            py.allow_threads(move || {
                // Relative items (issue 27) are ranked within the counties given; a file's
                // report names it as `county.source`.
                let sources: Vec<Option<String>> = (inputs.iter())
                    .map(|i| match i {
                        CountyInput::Path(p) => Some(p.display().to_string()),
                        CountyInput::Json(_) => None,
                    })
                    .collect();
                let data = inputs
                    .into_iter()
                    .map(|i| read_one(&r, i))
                    .collect::<fazhi::Result<Vec<_>>>()?;
                let reports = (r.with_group(data)?.iter().zip(sources))
                    .map(|(c, source)| {
                        let mut report = r.score(c);
                        report.county.source = source;
                        report
                    })
                    .collect();
                Ok(fazhi::render::to_json(&frank::rank_reports(&r, reports)))
            }),
        )?
    };
    json_to_py(py, &text)
}

/// What changed between two rule sets, as a dict (the layout of `fazhi diff --format json`);
/// with `data` (a list of paths), how every county's score moved.
#[pyfunction]
#[pyo3(signature = (old, new, data = None))]
pub fn diff<'py>(
    py: Python<'py>,
    old: &PyRuleSet,
    new: &PyRuleSet,
    data: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut paths = Vec::new();
    if let Some(d) = data {
        for i in county_inputs(d)? {
            match i {
                CountyInput::Path(p) => paths.push(p),
                CountyInput::Json(_) => {
                    return Err(invalid(
                        py,
                        "diff reads counties from files (it names them in its output): pass paths",
                    ))
                }
            }
        }
    }
    let (o, n) = (old.inner.clone(), new.inner.clone());
    let text = py.allow_threads(move || {
        let d = if paths.is_empty() {
            fdiff::diff_rules(&o, &n)
        } else {
            fdiff::diff_files(&o, &n, &paths, &|| {})
        };
        fazhi::render::to_json(&d)
    });
    json_to_py(py, &text)
}

/// Compares the rule set's weights with a weighting scenario on every county (a list of dicts
/// and/or paths), as a dict: the layout of `fazhi whatif --format json`. The scenario is a path
/// to its YAML file or a dict of the same document. Raises `ScenarioError` (with diagnostics)
/// when the scenario does not fit the rule set, `DataError` for a county that does not fit.
#[pyfunction]
pub fn whatif<'py>(
    py: Python<'py>,
    rules: &PyRuleSet,
    scenario: &Bound<'py, PyAny>,
    counties: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let scenario = county_input(scenario)?;
    let inputs = county_inputs(counties)?;
    if inputs.is_empty() {
        return Err(invalid(py, "no counties given"));
    }
    let r = rules.inner.clone();
    let text = lib(
        py,
        py.allow_threads(move || {
            let scenario = read_scenario(&r, scenario)?;
            let batch = evaluate_all(&r, inputs)?;
            Ok(fazhi::render::to_json(&WhatIf::compare(
                &r, &batch, &scenario,
            )))
        }),
    )?;
    json_to_py(py, &text)
}

/// Every county read (the first that does not fit is the error) and evaluated once.
fn evaluate_all(r: &RuleSet, inputs: Vec<CountyInput>) -> fazhi::Result<Batch> {
    let data = inputs
        .into_iter()
        .map(|i| read_one(r, i))
        .collect::<fazhi::Result<Vec<_>>>()?;
    // Relative items (issue 27) are scored within the counties given.
    Ok(Batch::evaluate(r, &r.with_group(data)?))
}

/// A scenario from a path to its YAML file or from a dict of the same document.
fn read_scenario(r: &RuleSet, input: CountyInput) -> fazhi::Result<Scenario> {
    match input {
        CountyInput::Path(p) => Scenario::from_file(&p, r),
        CountyInput::Json(text) => read_dict(&text, |name, t| Scenario::from_str(name, t, r)),
    }
}

/// The statistical audit of the indicator system on a batch of counties (a list of dicts and/or
/// paths), as a dict: the layout of `fazhi audit --format json` (`items[]` with `id` and
/// `corr_with_total`, `areas[]` with `id` and `cronbach_alpha`, `remove_one[]` with `id` and
/// `mean_abs_rank_shift`, `influence[]` with `id`, `declared_share` and `effect`; undefined
/// figures are `None`). With `scenario` (a path or a dict), its weighting is audited instead of
/// the rule set's. Raises `ScenarioError` or `DataError` (with diagnostics) for input that does
/// not fit the rule set.
#[pyfunction]
#[pyo3(signature = (rules, counties, scenario = None))]
pub fn audit<'py>(
    py: Python<'py>,
    rules: &PyRuleSet,
    counties: &Bound<'py, PyAny>,
    scenario: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let scenario = scenario.map(county_input).transpose()?;
    let inputs = county_inputs(counties)?;
    if inputs.is_empty() {
        return Err(invalid(py, "no counties given"));
    }
    let r = rules.inner.clone();
    let text = lib(
        py,
        py.allow_threads(move || {
            let scenario = scenario.map(|s| read_scenario(&r, s)).transpose()?;
            let batch = evaluate_all(&r, inputs)?;
            Ok(fazhi::render::to_json(&faudit(
                &r,
                &batch,
                scenario.as_ref(),
            )?))
        }),
    )?;
    json_to_py(py, &text)
}
