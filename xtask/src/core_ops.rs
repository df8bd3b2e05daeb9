//! The per-operation surface of the Rust core (`crates/npay-order/src/generated/operations.rs`):
//! for each operation a parameter type (constructor for the required parameters, a setter per
//! optional one, serde for the JSON path the bindings use), the checks of the spec's limits, and a
//! `Client` method that runs the generated progenitor call through the core's executor.

use std::fmt::Write;

use anyhow::Result;
use heck::ToSnakeCase;

use crate::model::{Location, Operation, Param, RequestObject, Shape};
use crate::output::RUST_BANNER;
use crate::spec::Spec;

/// Renders the core's generated operations module.
pub fn generate(spec: &Spec) -> Result<String> {
    let operations = spec.model()?;
    let objects = spec.request_objects(&operations)?;
    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! One parameter type and one `Client` method per operation of the spec.\n\n\
         use npay_order_api as api;\n\n\
         use crate::validate::{Checker, Validate};\n\
         use crate::{Client, Response, Result};\n\n",
    );
    let public: Vec<&Operation> = operations.iter().filter(|o| o.envelope.is_some()).collect();
    for op in &public {
        render_params(&mut out, op)?;
        render_method(&mut out, op)?;
    }
    for object in &objects {
        render_object_checks(&mut out, object)?;
    }
    render_json_dispatch(&mut out, &public)?;
    render_catalogue(&mut out, &operations)?;
    Ok(out)
}

/// The Rust type of a shape, as the generated API crate spells it.
fn rust_type(shape: &Shape) -> String {
    match shape {
        Shape::String => "String".into(),
        Shape::DateTime => "api::Timestamp".into(),
        Shape::Date => "chrono::NaiveDate".into(),
        Shape::Int32 => "i32".into(),
        Shape::Int64 => "i64".into(),
        Shape::Number => "f64".into(),
        Shape::Bool => "bool".into(),
        Shape::Enum(name) => format!("api::enums::{name}"),
        Shape::Object(name) => format!("api::types::{name}"),
        Shape::Array(inner) => format!("Vec<{}>", rust_type(inner)),
    }
}

/// How a field holds its value: typify keeps optional body arrays as (possibly empty) `Vec`s.
#[derive(Clone, Copy, PartialEq)]
enum Repr {
    Required,
    Optional,
    OptionalVec,
}

fn repr(param: &Param) -> Repr {
    match (param.required, &param.shape, param.location) {
        (true, _, _) | (_, _, Location::Path) => Repr::Required,
        (false, Shape::Array(_), Location::Body) => Repr::OptionalVec,
        _ => Repr::Optional,
    }
}

fn field_type(param: &Param) -> String {
    let ty = rust_type(&param.shape);
    match repr(param) {
        Repr::Required | Repr::OptionalVec => ty,
        Repr::Optional => format!("Option<{ty}>"),
    }
}

/// `Option<&T>` view of a field of `owner` (`self` or `p`).
fn as_option(owner: &str, param: &Param) -> String {
    let field = format!("{owner}.{}", param.snake());
    match repr(param) {
        Repr::Required => format!("Some(&{field})"),
        Repr::Optional => format!("{field}.as_ref()"),
        Repr::OptionalVec => format!("(!{field}.is_empty()).then_some(&{field})"),
    }
}

/// A convenient argument type for a value of `shape`, and the expression converting `arg` from it.
fn argument(shape: &Shape, arg: &str) -> (String, String) {
    match shape {
        Shape::String => ("impl Into<String>".into(), format!("{arg}.into()")),
        Shape::DateTime => ("impl Into<api::Timestamp>".into(), format!("{arg}.into()")),
        Shape::Array(inner) if **inner == Shape::String => (
            "impl IntoIterator<Item = impl Into<String>>".into(),
            format!("{arg}.into_iter().map(Into::into).collect()"),
        ),
        Shape::Array(inner) => {
            (format!("impl IntoIterator<Item = {}>", rust_type(inner)), format!("{arg}.into_iter().collect()"))
        }
        other => (rust_type(other), arg.to_owned()),
    }
}

fn doc(out: &mut String, indent: &str, text: &str) -> Result<()> {
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            writeln!(out, "{indent}///")?;
        } else {
            writeln!(out, "{indent}/// {line}")?;
        }
    }
    Ok(())
}

fn params_type(op: &Operation) -> String {
    format!("{}Params", op.camel_type())
}

fn render_params(out: &mut String, op: &Operation) -> Result<()> {
    let name = params_type(op);
    writeln!(out, "/// Parameters of [`Client::{}`] (`{}`).", op.snake(), op.id)?;
    writeln!(out, "///\n/// Required parameters go to [`{name}::new`]; each optional one has a setter.")?;
    writeln!(out, "/// In JSON (the bindings' path) the keys are the API's camelCase names.")?;
    writeln!(out, "#[derive(Clone, Debug, PartialEq, serde::Deserialize)]")?;
    writeln!(out, "#[serde(deny_unknown_fields)]")?;
    writeln!(out, "#[non_exhaustive]")?;
    writeln!(out, "pub struct {name} {{")?;
    for param in &op.params {
        doc(out, "    ", param.description.as_deref().unwrap_or(&param.name))?;
        let default = if repr(param) == Repr::Required { "" } else { ", default" };
        writeln!(out, "    #[serde(rename = {:?}{default})]", param.name)?;
        writeln!(out, "    pub {}: {},", param.snake(), field_type(param))?;
    }
    writeln!(out, "}}\n")?;

    writeln!(out, "impl {name} {{")?;
    let required: Vec<&Param> = op.params.iter().filter(|p| repr(p) == Repr::Required).collect();
    writeln!(out, "    /// Parameters with every required value; optional ones start unset.")?;
    write!(out, "    pub fn new(")?;
    for (i, param) in required.iter().enumerate() {
        let (ty, _) = argument(&param.shape, &param.snake());
        write!(out, "{}{}: {ty}", if i > 0 { ", " } else { "" }, param.snake())?;
    }
    writeln!(out, ") -> Self {{")?;
    writeln!(out, "        Self {{")?;
    for param in &op.params {
        let value = match repr(param) {
            Repr::Required => argument(&param.shape, &param.snake()).1,
            Repr::Optional => "None".into(),
            Repr::OptionalVec => "Vec::new()".into(),
        };
        writeln!(out, "            {}: {value},", param.snake())?;
    }
    writeln!(out, "        }}\n    }}")?;
    for param in op.params.iter().filter(|p| repr(p) != Repr::Required) {
        let (ty, convert) = argument(&param.shape, "value");
        let assign = if repr(param) == Repr::Optional { format!("Some({convert})") } else { convert };
        writeln!(out)?;
        doc(out, "    ", &format!("Sets `{}`: {}", param.name, param.description.as_deref().unwrap_or("")))?;
        writeln!(out, "    pub fn {}(mut self, value: {ty}) -> Self {{", param.snake())?;
        writeln!(out, "        self.{} = {assign};\n        self\n    }}", param.snake())?;
    }
    writeln!(out, "}}\n")?;

    writeln!(out, "impl Validate for {name} {{")?;
    writeln!(out, "    #[allow(unused_variables)]\n    fn validate(&self, checker: &mut Checker) {{")?;
    render_checks(out, "self", &op.params, op.chunk.as_ref().map(|c| c.param.as_str()))?;
    if let Some(range) = &op.date_range {
        let from = op.params.iter().find(|p| p.name == range.from).expect("x-npay-date-range.from names a parameter");
        let to = op.params.iter().find(|p| p.name == range.to).expect("x-npay-date-range.to names a parameter");
        writeln!(
            out,
            "        checker.date_range({:?}, {}, {:?}, {}, {});",
            from.name,
            as_option("self", from),
            to.name,
            as_option("self", to),
            range.max_hours
        )?;
    }
    writeln!(out, "    }}\n}}\n")?;
    Ok(())
}

/// One `checker` call per constraint of the spec.
fn render_checks(out: &mut String, owner: &str, params: &[Param], chunked: Option<&str>) -> Result<()> {
    for param in params {
        let value = as_option(owner, param);
        let name = &param.name;
        let l = &param.limits;
        let opt = |v: Option<i64>| v.map_or("None".to_owned(), |v| format!("Some({v})"));
        let optu = |v: Option<u64>| v.map_or("None".to_owned(), |v| format!("Some({v})"));
        match &param.shape {
            Shape::Int32 | Shape::Int64 if l.minimum.is_some() || l.maximum.is_some() => {
                writeln!(
                    out,
                    "        checker.int({name:?}, {value}.map(|v| i64::from(*v)), {}, {});",
                    opt(l.minimum),
                    opt(l.maximum)
                )?;
            }
            Shape::String if l.min_length.is_some() || l.max_length.is_some() => {
                writeln!(
                    out,
                    "        checker.text({name:?}, {value}.map(String::as_str), {}, {});",
                    optu(l.min_length),
                    optu(l.max_length)
                )?;
            }
            Shape::Enum(_) => writeln!(out, "        checker.known({name:?}, {value});")?,
            Shape::Object(_) => writeln!(out, "        checker.nested({name:?}, {value});")?,
            Shape::Array(inner) => {
                let max = if chunked == Some(name.as_str()) { None } else { l.max_items };
                if l.min_items.is_some() || max.is_some() {
                    writeln!(
                        out,
                        "        checker.items({name:?}, {value}.map(Vec::len), {}, {});",
                        optu(l.min_items),
                        optu(max)
                    )?;
                }
                match **inner {
                    Shape::Enum(_) => {
                        writeln!(out, "        checker.each_known({name:?}, {value}.map(Vec::as_slice));")?
                    }
                    Shape::Object(_) => {
                        writeln!(out, "        checker.each_nested({name:?}, {value}.map(Vec::as_slice));")?
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn render_object_checks(out: &mut String, object: &RequestObject) -> Result<()> {
    writeln!(out, "impl Validate for api::types::{} {{", object.name)?;
    writeln!(out, "    #[allow(unused_variables)]\n    fn validate(&self, checker: &mut Checker) {{")?;
    render_checks(out, "self", &object.properties, None)?;
    for rule in &object.rules {
        writeln!(out, "        crate::rules::{}(self, checker);", rule.to_snake_case())?;
    }
    writeln!(out, "    }}\n}}\n")?;
    Ok(())
}

fn data_type(op: &Operation) -> String {
    rust_type(&op.envelope.as_ref().expect("public operations have an envelope").data)
}

fn render_method(out: &mut String, op: &Operation) -> Result<()> {
    let params = params_type(op);
    let data = data_type(op);
    let snake = op.snake();
    let once = if op.chunk.is_some() { format!("{snake}_once") } else { snake.clone() };
    writeln!(out, "impl Client {{")?;
    if let Some(summary) = &op.summary {
        doc(out, "    ", summary)?;
        writeln!(out, "    ///")?;
    }
    if let Some(description) = &op.description {
        doc(out, "    ", description)?;
        writeln!(out, "    ///")?;
    }
    writeln!(
        out,
        "    /// `{} {}` (operationId `{}`, group {}). Checks every limit of the spec before sending;",
        op.method,
        op.path,
        op.id,
        op.tag.as_deref().unwrap_or("-")
    )?;
    let envelope = op.envelope.as_ref().expect("public operations have an envelope");
    if envelope.wrapped {
        writeln!(out, "    /// returns the `data` of [`api::types::{}`].", envelope.schema)?;
    } else {
        writeln!(
            out,
            "    /// returns the whole body, [`api::types::{}`] (it has no envelope: the trace id is the header's).",
            envelope.schema
        )?;
    }
    if let Some(chunk) = &op.chunk {
        writeln!(
            out,
            "    ///\n    /// More than {} `{}` are sent as several requests, one after another, and their results",
            chunk.size, chunk.param
        )?;
        writeln!(out, "    /// merged; see [`crate::chunk`] for what happens when a later request fails.")?;
    }
    writeln!(out, "    pub async fn {snake}(&self, params: {params}) -> Result<Response<{data}>> {{")?;
    writeln!(out, "        crate::validate::check(&params)?;")?;
    if let Some(chunk) = &op.chunk {
        let field =
            op.params.iter().find(|p| p.name == chunk.param).expect("x-npay-chunk.param names a body property").snake();
        writeln!(
            out,
            "        crate::chunk::in_chunks(params, {}, |p| &mut p.{field}, |p| self.{once}(p)).await",
            chunk.size
        )?;
        writeln!(out, "    }}\n")?;
        writeln!(out, "    async fn {once}(&self, params: {params}) -> Result<Response<{data}>> {{")?;
    }
    if let Some(applied) = &op.applied_when {
        let param =
            op.params.iter().find(|p| p.name == applied.ids).expect("x-npay-applied-when.ids names a parameter");
        let ids = match param.shape {
            Shape::Array(_) => format!("crate::chunk::ids_of(&params.{})", param.snake()),
            _ => format!("vec![params.{}.clone()]", param.snake()),
        };
        writeln!(out, "        let ids = {ids};")?;
        let values: Vec<String> = applied.values.iter().map(|v| format!("{v:?}")).collect();
        writeln!(
            out,
            "        let applied_when = crate::reconcile::AppliedWhen {{ field: {:?}, values: &[{}] }};",
            applied.field,
            values.join(", ")
        )?;
    }
    writeln!(out, "        let outcome = self")?;
    writeln!(
        out,
        "            .execute({:?}, {}, move |api| {{",
        op.id,
        if op.read_only { "crate::Effect::Read" } else { "crate::Effect::Mutation" }
    )?;
    writeln!(out, "                let p = params.clone();")?;
    writeln!(out, "                async move {{")?;
    writeln!(out, "                    #[allow(unused_mut)]")?;
    writeln!(out, "                    let mut call = api.{snake}();")?;
    for param in op.params.iter().filter(|p| p.location != Location::Body) {
        match repr(param) {
            Repr::Required => writeln!(out, "                    call = call.{0}(p.{0});", param.snake())?,
            _ => writeln!(
                out,
                "                    if let Some(value) = p.{0} {{\n                        call = call.{0}(value);\n                    }}",
                param.snake()
            )?,
        }
    }
    if let Some(body) = &op.body_schema {
        writeln!(out, "                    call = call.body(api::types::{body} {{")?;
        for param in op.params.iter().filter(|p| p.location == Location::Body) {
            writeln!(out, "                        {0}: p.{0},", param.snake())?;
        }
        writeln!(out, "                    }});")?;
    }
    writeln!(out, "                    call.send().await")?;
    writeln!(out, "                }}\n            }})\n            .await;")?;
    if op.applied_when.is_some() {
        writeln!(out, "        let response = match outcome {{")?;
        writeln!(
            out,
            "            Err(error) if error.may_have_been_applied() => return crate::reconcile::settle(self, ids, &applied_when, error).await,"
        )?;
        writeln!(out, "            other => other?,\n        }};")?;
    } else {
        writeln!(out, "        let response = outcome?;")?;
    }
    if envelope.wrapped {
        writeln!(out, "        Ok(response.map_envelope(|e| (e.data, e.trace_id, e.timestamp)))")?;
    } else {
        writeln!(out, "        Ok(response)")?;
    }
    writeln!(out, "    }}\n}}\n")?;
    Ok(())
}

fn render_json_dispatch(out: &mut String, ops: &[&Operation]) -> Result<()> {
    writeln!(out, "impl Client {{")?;
    writeln!(out, "    /// Calls the operation `operation_id` with its parameters as a JSON object (camelCase keys)")?;
    writeln!(
        out,
        "    /// and returns its `data` still typed, behind `erased_serde` ([`crate::json::Data`]): the path"
    )?;
    writeln!(out, "    /// the language bindings take, serialising it straight into their own objects.")?;
    writeln!(
        out,
        "    pub async fn call_data(&self, operation_id: &str, params: serde_json::Value) -> Result<Response<crate::json::Data>> {{"
    )?;
    writeln!(out, "        match operation_id {{")?;
    for op in ops {
        let call = format!("self.{}(crate::json::params(operation_id, params)?)", op.snake());
        if op.envelope.as_ref().is_some_and(|envelope| envelope.wrapped) {
            // The body's `data` member is the data: a binding may read it from the body itself.
            writeln!(out, "            {:?} => {{", op.id)?;
            writeln!(out, "                let tap = crate::json::check_instead_of_decoding(operation_id);")?;
            writeln!(out, "                Ok(crate::json::erase_checked(tap, {call}.await?))")?;
            writeln!(out, "            }}")?;
        } else {
            writeln!(out, "            {:?} => Ok(crate::json::erase({call}.await?)),", op.id)?;
        }
    }
    writeln!(out, "            _ => Err(crate::NpayError::unknown_operation(operation_id)),")?;
    writeln!(out, "        }}\n    }}\n")?;
    writeln!(out, "    /// [`Client::call_data`] with the `data` as a JSON value.")?;
    writeln!(
        out,
        "    pub async fn call_json(&self, operation_id: &str, params: serde_json::Value) -> Result<Response<serde_json::Value>> {{"
    )?;
    writeln!(out, "        crate::json::data_to_value(self.call_data(operation_id, params).await?)")?;
    writeln!(out, "    }}\n}}\n")?;
    Ok(())
}

fn render_catalogue(out: &mut String, ops: &[Operation]) -> Result<()> {
    writeln!(
        out,
        "/// Every operation of the spec (`issueToken` included): id, method, path and whether it only reads."
    )?;
    writeln!(out, "pub const OPERATIONS: &[crate::OperationInfo] = &[")?;
    for op in ops {
        writeln!(
            out,
            "    crate::OperationInfo {{ id: {:?}, method: {:?}, path: {:?}, read_only: {} }},",
            op.id, op.method, op.path, op.read_only
        )?;
    }
    writeln!(out, "];")?;
    Ok(())
}
