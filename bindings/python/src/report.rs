//! `fazhi.Report`: one county's itemized report.
//!
//! The headline numbers are attributes (points as floats, exact to a thousandth); the whole
//! report is `to_dict()` (plain Python objects) or `to_json()` (the same bytes as
//! `fazhi score --format json`; for a report scored from a file, `county.source` names it, as
//! the CLI's does).

use crate::convert::json_to_py;
use pyo3::prelude::*;

/// One county's report.
#[pyclass(module = "fazhi", name = "Report", frozen)]
pub struct PyReport {
    report: fazhi::Report,
    json: String,
}

impl PyReport {
    /// Wraps a library report (its JSON rendered once).
    pub fn new(report: fazhi::Report) -> PyReport {
        let json = fazhi::render::json(&report);
        PyReport { report, json }
    }
}

#[pymethods]
impl PyReport {
    /// The county's id.
    #[getter]
    fn county_id(&self) -> &str {
        &self.report.county.id
    }
    /// The county's name.
    #[getter]
    fn county_name(&self) -> &str {
        &self.report.county.name
    }
    /// The file the county was read from (None for a dict).
    #[getter]
    fn source(&self) -> Option<&str> {
        self.report.county.source.as_deref()
    }
    /// The final total in points (items + bonus − penalty).
    #[getter]
    fn total(&self) -> f64 {
        self.report.summary.total.as_f64()
    }
    /// The points of the indicator tree.
    #[getter]
    fn max(&self) -> f64 {
        self.report.summary.max.as_f64()
    }
    /// Bonus points (加分) after caps.
    #[getter]
    fn bonus(&self) -> f64 {
        self.report.summary.bonus.as_f64()
    }
    /// Penalty points (扣分) actually deducted.
    #[getter]
    fn penalty(&self) -> f64 {
        self.report.summary.penalty.as_f64()
    }
    /// Whether a veto (一票否决) disqualified the county.
    #[getter]
    fn vetoed(&self) -> bool {
        self.report.summary.vetoed
    }
    /// Share (0–1) of the tree's points whose items had data.
    #[getter]
    fn coverage(&self) -> f64 {
        self.report.summary.coverage
    }
    /// Pass line (达标线) id → whether it is reached.
    #[getter]
    fn passed(&self) -> std::collections::BTreeMap<String, bool> {
        self.report
            .summary
            .pass_lines
            .iter()
            .map(|p| (p.id.to_string(), p.reached))
            .collect()
    }
    /// sha256 of the rule set.
    #[getter]
    fn ruleset_hash(&self) -> &str {
        &self.report.ruleset.hash
    }
    /// sha256 of the county's canonical data.
    #[getter]
    fn data_hash(&self) -> &str {
        &self.report.county.data_hash
    }
    /// The itemized results (list of dicts: id, name, max, earned, lost, status, …).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &fazhi::render::to_json(&self.report.items))
    }
    /// The whole report as plain Python objects (dicts, lists, numbers, strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.json)
    }
    /// The whole report as JSON text, byte for byte what `fazhi score --format json` writes.
    fn to_json(&self) -> &str {
        &self.json
    }
    /// The report in Chinese Markdown, as `fazhi score` prints it.
    fn to_markdown(&self) -> String {
        fazhi::render::markdown(&self.report)
    }
    fn __repr__(&self) -> String {
        format!(
            "<fazhi.Report {} {}: {} / {}>",
            self.report.county.id,
            self.report.county.name,
            self.report.summary.total,
            self.report.summary.max
        )
    }
}
