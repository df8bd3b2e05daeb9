//! Python values to the JSON the core reads, and JSON answers back to Python values.
//!
//! Going in, every argument becomes the API's JSON: `None` → null (the core then names a missing
//! required value), `bool`/`int`/`float`/`str` as they are, lists and tuples element by element,
//! mappings key by key (keys must be strings), `Enum` members by their value, the generated models
//! through their `to_dict()` (camelCase keys), and date-times as ISO-8601 with milliseconds in KST
//! (`2026-11-27T14:03:11.120+09:00`): a naive `datetime` is read as KST, an aware one is converted
//! to it, a `date` becomes `2026-11-27`. Anything else — bytes, sets, NaN, an `int` beyond 64 bits,
//! an object without `to_dict` — is an `InvalidRequestError` naming the argument, raised before
//! anything is sent.
//!
//! Coming back, answers do not pass through here: they reach Python as lazy JSON (`node`). Only
//! the sandbox's control API answers are turned into dicts and lists, by `to_py`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{IntoPyDict, PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

use crate::error;

/// Deepest nesting accepted: the API's bodies are three levels deep; this only stops cycles.
const MAX_DEPTH: usize = 32;

struct Types {
    datetime: Py<PyType>,
    date: Py<PyType>,
    enum_: Py<PyType>,
    kst: Py<PyAny>,
}

static TYPES: PyOnceLock<Types> = PyOnceLock::new();

fn types(py: Python<'_>) -> PyResult<&Types> {
    TYPES.get_or_try_init(py, || {
        let datetime = py.import("datetime")?;
        let enum_ = py.import("enum")?;
        let hours = datetime.getattr("timedelta")?.call((), Some(&[("hours", 9)].into_py_dict(py)?))?;
        let kst = datetime.getattr("timezone")?.call1((hours, "KST"))?;
        Ok(Types {
            datetime: datetime.getattr("datetime")?.cast_into::<PyType>()?.unbind(),
            date: datetime.getattr("date")?.cast_into::<PyType>()?.unbind(),
            enum_: enum_.getattr("Enum")?.cast_into::<PyType>()?.unbind(),
            kst: kst.unbind(),
        })
    })
}

/// Why a value could not be converted: where, what, and the Python error behind it.
pub struct Invalid {
    pub path: String,
    pub message: String,
    pub cause: Option<PyErr>,
}

impl Invalid {
    fn new(path: &str, message: impl Into<String>) -> Self {
        Invalid { path: path.to_owned(), message: message.into(), cause: None }
    }

    fn caused(path: &str, message: impl Into<String>, cause: PyErr) -> Self {
        Invalid { path: path.to_owned(), message: message.into(), cause: Some(cause) }
    }

    /// The `InvalidRequestError` for this problem.
    pub fn into_py_err(self, py: Python<'_>) -> PyErr {
        error::invalid_request(py, &self.path, &self.message, self.cause)
    }
}

/// An operation's parameters (a mapping of camelCase names) as a JSON object.
pub fn params_to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = value.py();
    if value.is_none() {
        return Ok(Value::Object(Map::new()));
    }
    if !value.is_instance_of::<PyDict>() && value.cast::<PyMapping>().is_err() {
        return Err(Invalid::new("params", "must be a mapping of parameter names to values").into_py_err(py));
    }
    to_json(value, "", 0).map_err(|invalid| invalid.into_py_err(py))
}

/// Any supported Python value as JSON; `path` names it in errors (`dispatchProductOrders[2].dispatchDate`).
pub fn to_json(value: &Bound<'_, PyAny>, path: &str, depth: usize) -> Result<Value, Invalid> {
    let py = value.py();
    if depth > MAX_DEPTH {
        return Err(Invalid::new(path, "nested too deeply (is there a cycle?)"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::Number(n.into()));
        }
        return Err(Invalid::new(path, format!("the integer {} does not fit in 64 bits", short_repr(value))));
    }
    if let Ok(float) = value.cast::<PyFloat>() {
        return Number::from_f64(float.value())
            .map(Value::Number)
            .ok_or_else(|| Invalid::new(path, "must be a finite number"));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return text
            .to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|e| Invalid::caused(path, "is not valid text", e));
    }
    let types = types(py).map_err(|e| Invalid::caused(path, "cannot load the datetime module", e))?;
    // `datetime` is a subclass of `date`: test it first.
    if value.is_instance(types.datetime.bind(py)).unwrap_or(false) {
        return datetime_to_json(value, types, path);
    }
    if value.is_instance(types.date.bind(py)).unwrap_or(false) {
        return call_str(value, "isoformat", path).map(Value::String);
    }
    if value.is_instance(types.enum_.bind(py)).unwrap_or(false) {
        let inner = value.getattr("value").map_err(|e| Invalid::caused(path, "an Enum member without a value", e))?;
        return to_json(&inner, path, depth + 1);
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return mapping_to_json(dict.items().into_any(), path, depth);
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter().map_err(|e| Invalid::caused(path, "cannot iterate", e))?.enumerate() {
            let item = item.map_err(|e| Invalid::caused(path, "cannot iterate", e))?;
            items.push(to_json(&item, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(to_dict) = value.getattr("to_dict")
        && to_dict.is_callable()
    {
        let dict = to_dict.call0().map_err(|e| Invalid::caused(path, "to_dict() failed", e))?;
        return to_json(&dict, path, depth + 1);
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        let items = mapping.items().map_err(|e| Invalid::caused(path, "cannot read the mapping", e))?;
        return mapping_to_json(items.into_any(), path, depth);
    }
    let type_name = value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned());
    Err(Invalid::new(
        path,
        format!(
            "a value of type {type_name} cannot be sent (expected str, int, float, bool, datetime, a list, a dict or a model)"
        ),
    ))
}

fn mapping_to_json(items: Bound<'_, PyAny>, path: &str, depth: usize) -> Result<Value, Invalid> {
    let mut map = Map::new();
    for pair in items.try_iter().map_err(|e| Invalid::caused(path, "cannot read the mapping", e))? {
        let pair = pair.map_err(|e| Invalid::caused(path, "cannot read the mapping", e))?;
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            pair.extract().map_err(|e| Invalid::caused(path, "cannot read the mapping", e))?;
        let key = match key.cast::<PyString>() {
            Ok(key) => key.to_cow().map_err(|e| Invalid::caused(path, "a key is not valid text", e))?.into_owned(),
            Err(_) => return Err(Invalid::new(path, format!("keys must be strings, not {}", short_repr(&key)))),
        };
        let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        map.insert(key, to_json(&value, &inner, depth + 1)?);
    }
    Ok(Value::Object(map))
}

/// `2026-11-27T14:03:11.120+09:00`: naive means KST; aware values are converted to KST.
fn datetime_to_json(value: &Bound<'_, PyAny>, types: &Types, path: &str) -> Result<Value, Invalid> {
    let py = value.py();
    let kst = types.kst.bind(py);
    let offset = value.call_method0("utcoffset").map_err(|e| Invalid::caused(path, "cannot read the time zone", e))?;
    let in_kst = if offset.is_none() {
        value
            .call_method(
                "replace",
                (),
                Some(
                    &[("tzinfo", kst)]
                        .into_py_dict(py)
                        .map_err(|e| Invalid::caused(path, "cannot set the time zone", e))?,
                ),
            )
            .map_err(|e| Invalid::caused(path, "cannot set the time zone", e))?
    } else {
        value.call_method1("astimezone", (kst,)).map_err(|e| Invalid::caused(path, "cannot convert to KST", e))?
    };
    let text = in_kst
        .call_method(
            "isoformat",
            (),
            Some(&[("timespec", "milliseconds")].into_py_dict(py).map_err(|e| Invalid::caused(path, "isoformat", e))?),
        )
        .and_then(|s| s.extract::<String>())
        .map_err(|e| Invalid::caused(path, "cannot format the date-time", e))?;
    Ok(Value::String(text))
}

fn call_str(value: &Bound<'_, PyAny>, method: &str, path: &str) -> Result<String, Invalid> {
    value
        .call_method0(method)
        .and_then(|s| s.extract::<String>())
        .map_err(|e| Invalid::caused(path, format!("{method}() failed"), e))
}

/// A value's `repr`, cut short: errors name the value without flooding the message.
fn short_repr(value: &Bound<'_, PyAny>) -> String {
    let text = value.repr().map(|r| r.to_string()).unwrap_or_else(|_| "?".to_owned());
    if text.chars().count() > 60 { format!("{}…", text.chars().take(60).collect::<String>()) } else { text }
}

/// A JSON value as Python dicts, lists, strings, numbers, booleans and `None`.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(PyErr::from)
}
