//! The exception classes and the one mapping from `fazhi::Error` to them.
//!
//! `FazhiError` is the base; `RulesError`, `DataError`, `ScenarioError` and `InvalidRequest`
//! derive from it. Each instance carries `.diagnostics`: a list of dicts with `severity`, `file`,
//! `line`, `column`, `message` and `help` (None when there is nothing specific to say), the same
//! fields as the CLI's `file:line:col: error: message` and the HTTP service's error bodies;
//! `str(e)` is that compiler-style text. I/O failures are Python's own `OSError` subclasses
//! (`FileNotFoundError`, `PermissionError`, …) with `.filename` set.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

create_exception!(
    fazhi,
    FazhiError,
    PyException,
    "Base class of fazhi's errors; `.diagnostics` lists every problem as dicts."
);
create_exception!(
    fazhi,
    RulesError,
    FazhiError,
    "The rule set has errors (YAML, unknown keys, points that do not add up, rhai syntax, …)."
);
create_exception!(
    fazhi,
    DataError,
    FazhiError,
    "A county's data does not fit the rule set's data dictionary."
);
create_exception!(
    fazhi,
    ScenarioError,
    FazhiError,
    "A weighting scenario does not fit its rule set."
);
create_exception!(
    fazhi,
    InvalidRequest,
    FazhiError,
    "A request that makes no sense (an empty folder, a value of the wrong kind, …)."
);

/// The diagnostics as a list of dicts.
pub fn diagnostics<'py>(
    py: Python<'py>,
    diags: &[fazhi::Diagnostic],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for d in diags {
        let dict = PyDict::new(py);
        dict.set_item(
            "severity",
            match d.severity {
                fazhi::Severity::Error => "error",
                fazhi::Severity::Warning => "warning",
            },
        )?;
        dict.set_item("code", d.code.as_str())?;
        dict.set_item("file", &d.file)?;
        dict.set_item("line", d.line)?;
        dict.set_item("column", d.column)?;
        dict.set_item("message", &d.message)?;
        dict.set_item("help", d.help.as_deref())?;
        list.append(dict)?;
    }
    Ok(list)
}

/// The Python exception for a library error.
pub fn to_py(py: Python<'_>, err: fazhi::Error) -> PyErr {
    let text = err.to_string();
    let exc = match &err {
        fazhi::Error::Io { path, source } => {
            let kind = std::io::Error::new(source.kind(), source.to_string());
            let e = PyErr::from(kind);
            let value = e.value(py);
            let _ = value.setattr("filename", path.display().to_string());
            if let Some(code) = source.raw_os_error() {
                let _ = value.setattr("errno", code);
            }
            return e;
        }
        // One class per kind, as the HTTP service's `error.kind` (`fazhi::ErrorKind`).
        _ => match err.kind() {
            fazhi::ErrorKind::Rules => RulesError::new_err(text),
            fazhi::ErrorKind::Data => DataError::new_err(text),
            fazhi::ErrorKind::Scenario => ScenarioError::new_err(text),
            _ => InvalidRequest::new_err(text),
        },
    };
    if let Ok(list) = diagnostics(py, err.diagnostics()) {
        let _ = exc.value(py).setattr("diagnostics", list);
    }
    exc
}

/// An `InvalidRequest` with no diagnostics.
pub fn invalid(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py(py, fazhi::Error::Invalid(message.into()))
}
