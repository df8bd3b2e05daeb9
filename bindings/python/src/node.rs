//! Answers as lazy JSON: Python gets the data without paying to convert all of it.
//!
//! A call's `data` (or an iterator's page) is serialised once from the core's typed answer into a
//! [`Tape`] (or, for a large answer of a blocking call, read from its body), which stays in Rust; Python receives it *shallowly*: scalars as
//! `str`/`int`/`float`/`bool`/`None`, arrays as `list`s, and every JSON object as a [`JsonNode`] —
//! a handle that converts one member when asked (`get`) or the whole subtree (`to_py`). The
//! generated models read their fields through it on first access, so an answer of 300 product
//! orders costs a few hundred small objects until the caller reads it, instead of tens of
//! thousands of dicts and strings. Nothing here is public API: the models are.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::tape::{Node, Tape};

/// One JSON object of an answer: `get(key)` gives a member (objects inside it as `JsonNode`s
/// again), `to_py()` / `get_py(key)` the whole subtree as dicts and lists.
#[pyclass(module = "npay_order._native", name = "JsonNode", frozen)]
pub struct JsonNode {
    /// The whole answer, alive while any part of it is referenced.
    tape: Arc<Tape>,
    /// Where this object is in it.
    index: usize,
}

#[pymethods]
impl JsonNode {
    /// The member `key` (shallowly converted), or `None` when absent or null: like `dict.get`.
    fn get<'py>(&self, py: Python<'py>, key: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        let key = key.to_cow()?;
        match self.tape.get(self.index, &key) {
            Some(value) => shallow(py, &self.tape, value),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The whole subtree as Python dicts, lists and scalars, in the shape `to_dict()` gives:
    /// members that are null are left out.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        deep(py, &self.tape, self.index)
    }

    /// The member `key` converted whole, like `to_py`; `None` when absent or null.
    fn get_py<'py>(&self, py: Python<'py>, key: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        let key = key.to_cow()?;
        match self.tape.get(self.index, &key) {
            Some(value) => deep(py, &self.tape, value),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// Whether the answer this object belongs to was read straight from its body, while the
    /// core decoded it (a large answer of a blocking call), rather than from the typed answer:
    /// for tests, which check that both read the same.
    #[getter]
    fn _read_from_body(&self) -> bool {
        self.tape.read_from_body()
    }

    fn __repr__(&self) -> String {
        format!("<JsonNode: an object with {} keys>", self.tape.members(self.index).count())
    }
}

fn scalar<'py>(py: Python<'py>, tape: &Tape, node: Node) -> PyResult<Bound<'py, PyAny>> {
    Ok(match node {
        Node::Null => py.None().into_bound(py),
        Node::Bool(flag) => flag.into_pyobject(py)?.to_owned().into_any(),
        Node::Int(n) => n.into_pyobject(py)?.into_any(),
        Node::UInt(n) => n.into_pyobject(py)?.into_any(),
        Node::Float(n) => n.into_pyobject(py)?.into_any(),
        Node::Str(span) | Node::KeyText(span) => PyString::new(py, tape.text(span)).into_any(),
        Node::Key(name) => PyString::new(py, name).into_any(),
        // Containers are handled by the callers.
        Node::Array { .. } | Node::Object { .. } => py.None().into_bound(py),
    })
}

/// The node at `index`: scalars converted, arrays as lists of shallow items, objects as
/// [`JsonNode`]s sharing the tape.
fn shallow<'py>(py: Python<'py>, tape: &Arc<Tape>, index: usize) -> PyResult<Bound<'py, PyAny>> {
    match tape.node(index) {
        Node::Array { .. } => {
            let list = PyList::empty(py);
            for item in tape.items(index) {
                list.append(shallow(py, tape, item)?)?;
            }
            Ok(list.into_any())
        }
        Node::Object { .. } => Ok(Bound::new(py, JsonNode { tape: tape.clone(), index })?.into_any()),
        node => scalar(py, tape, node),
    }
}

/// The node at `index` and everything inside it as dicts (without their null members), lists
/// and scalars.
fn deep<'py>(py: Python<'py>, tape: &Tape, index: usize) -> PyResult<Bound<'py, PyAny>> {
    match tape.node(index) {
        Node::Array { .. } => {
            let list = PyList::empty(py);
            for item in tape.items(index) {
                list.append(deep(py, tape, item)?)?;
            }
            Ok(list.into_any())
        }
        Node::Object { .. } => {
            let dict = PyDict::new(py);
            for (name, value) in tape.members(index) {
                if !matches!(tape.node(value), Node::Null) {
                    dict.set_item(name, deep(py, tape, value)?)?;
                }
            }
            Ok(dict.into_any())
        }
        node => scalar(py, tape, node),
    }
}

/// A whole answer for Python, shallowly (see the module's documentation).
pub fn to_py(py: Python<'_>, tape: Tape) -> PyResult<Bound<'_, PyAny>> {
    shallow(py, &Arc::new(tape), 0)
}
