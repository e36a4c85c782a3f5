//! Conversions at the boundary: Python inputs to county data, library JSON to Python objects.
//!
//! County data cross as JSON text (a dict is dumped with Python's `json` module; a path is read
//! by the library), so the library's own reader checks them and its diagnostics name the field.

use crate::errors::{invalid, to_py};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::path::PathBuf;

/// A county as the caller gave it: a file to read, or a mapping already in memory.
pub enum CountyInput {
    /// A YAML or JSON file (`str` or `os.PathLike`).
    Path(PathBuf),
    /// A dict dumped as JSON text.
    Json(String),
}

/// Reads `obj`: a `dict` (`{"county": {...}, "data": {...}}`), or a path (`str`/`os.PathLike`).
pub fn county_input(obj: &Bound<'_, PyAny>) -> PyResult<CountyInput> {
    let py = obj.py();
    if obj.is_instance_of::<PyDict>() {
        let json = py.import("json")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("allow_nan", false)?;
        let text = json
            .call_method("dumps", (obj,), Some(&kwargs))
            .map_err(|e| {
                invalid(
                    py,
                    format!("the county dict cannot be written as JSON: {e}"),
                )
            })?;
        return Ok(CountyInput::Json(text.extract()?));
    }
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        return Ok(CountyInput::Path(obj.extract::<PathBuf>()?));
    }
    Err(invalid(
        py,
        format!(
            "a county is a dict ({{\"county\": …, \"data\": …}}) or a path to a YAML/JSON file, not {}",
            obj.get_type().name()?
        ),
    ))
}

/// The name a dict's diagnostics carry in place of a file name.
pub const DICT_SOURCE: &str = "<dict>";

/// Runs `read` on a dict's JSON text and drops the line and column from its diagnostics.
///
/// Those positions would point into the JSON text the binding wrote from the dict, which the
/// caller never sees; the message's field path (`litigation.head_appearance_rate`) is the
/// place that means something in a dict, so `line` and `column` are 0 (unknown) instead.
pub fn read_dict<T>(
    text: &str,
    read: impl FnOnce(&str, &str) -> fazhi::Result<T>,
) -> fazhi::Result<T> {
    read(DICT_SOURCE, text).map_err(|mut e| {
        if let fazhi::Error::Rules(d) | fazhi::Error::Data(d) | fazhi::Error::Scenario(d) = &mut e {
            for diag in d.0.iter_mut().filter(|diag| diag.file == DICT_SOURCE) {
                diag.line = 0;
                diag.column = 0;
            }
        }
        e
    })
}

/// Reads several counties from a list (or any iterable) of dicts and paths.
pub fn county_inputs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<CountyInput>> {
    let py = obj.py();
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyString>() {
        return Err(invalid(
            py,
            "pass a list of counties (dicts or paths), even for one",
        ));
    }
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        out.push(county_input(&item?)?);
    }
    Ok(out)
}

/// Parses library JSON text into Python objects with Python's `json` module (so numbers and key
/// order are exactly the CLI's).
pub fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// Maps a library result to a Python one.
pub fn lib<T>(py: Python<'_>, r: fazhi::Result<T>) -> PyResult<T> {
    r.map_err(|e| to_py(py, e))
}
