//! `import fazhi`: Python bindings of the fazhi rules engine (PyO3, abi3: one wheel for every
//! CPython ≥ 3.9).
//!
//! This file only registers the classes, functions and exceptions; each wrapped type has its own
//! file (`ruleset.rs`, `report.rs`), conversions live in `convert.rs` and the exception classes in
//! `errors.rs`. Everything goes through `fazhi`'s public API, so a report's `to_json()` is the
//! same bytes as `fazhi score --format json`.

mod convert;
mod errors;
mod report;
mod ruleset;

use pyo3::prelude::*;

/// The Python module `fazhi`.
#[pymodule]
fn fazhi(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<ruleset::PyRuleSet>()?;
    m.add_class::<report::PyReport>()?;
    m.add_function(wrap_pyfunction!(ruleset::rank, m)?)?;
    m.add_function(wrap_pyfunction!(ruleset::diff, m)?)?;
    m.add_function(wrap_pyfunction!(ruleset::whatif, m)?)?;
    m.add_function(wrap_pyfunction!(ruleset::audit, m)?)?;
    m.add("FazhiError", py.get_type::<errors::FazhiError>())?;
    m.add("RulesError", py.get_type::<errors::RulesError>())?;
    m.add("DataError", py.get_type::<errors::DataError>())?;
    m.add("ScenarioError", py.get_type::<errors::ScenarioError>())?;
    m.add("InvalidRequest", py.get_type::<errors::InvalidRequest>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ENGINE_VERSION", ::fazhi::EngineInfo::current().version)?;
    Ok(())
}
