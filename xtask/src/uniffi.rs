//! The Kotlin and Swift (uniffi) binding: its generated surface, and its test step.
//!
//! `outputs` renders, from the spec:
//! * `bindings/uniffi/src/generated.rs`: one async method per public operation on `Client` and
//!   on `RawClient` (path parameters first, then the others, optional ones with defaults), one
//!   `uniffi::Record` per object schema the operations take or return, one open enum per enum
//!   schema they use, and one pager object per iterator of the contract;
//! * the glue that turns each pager into the language's sequence: `Iterators.kt` (a `Flow`) and
//!   `Iterators.swift` (an `AsyncSequence`).
//!
//! The Kotlin and Swift sources themselves are written by `uniffi-bindgen` from the built
//! library: Kotlin during the Maven build (`bindings/kotlin/pom.xml`), Swift checked in by the
//! crate's `swift-sources` program and compared by [`test`].

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::model::{Location, Operation, Param, Shape, snake_ident};
use crate::output::{Output, RUST_BANNER};
use crate::spec::{EnumDef, Spec};

/// The generated Rust module of the uniffi crate.
const RUST_PATH: &str = "bindings/uniffi/src/generated.rs";
/// The Kotlin package (must match `package_name` in `bindings/uniffi/uniffi.toml`).
const KOTLIN_PACKAGE: &str = "npay.order";
const KOTLIN_ITERATORS: &str = "bindings/kotlin/src/main/kotlin/npay/order/Iterators.kt";
const SWIFT_ITERATORS: &str = "bindings/swift/Sources/NpayOrder/Iterators.swift";

/// The uniffi binding's generated files.
pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let surface = Surface::read(spec)?;
    Ok(vec![
        Output { path: RUST_PATH.into(), contents: surface.render_rust()? },
        Output { path: KOTLIN_ITERATORS.into(), contents: surface.render_kotlin()? },
        Output { path: SWIFT_ITERATORS.into(), contents: surface.render_swift()? },
    ])
}

// ---------------------------------------------------------------------------------------------
// The surface: what the spec offers, read once.

/// One property of an object schema.
struct Field {
    wire: String,
    shape: Shape,
    required: bool,
    description: Option<String>,
    deprecated: bool,
}

/// A named object schema used by an operation.
struct Record {
    name: String,
    description: Option<String>,
    fields: Vec<Field>,
}

/// An iterator of the contract over one operation.
struct IteratorDef {
    name: String,
    operation: String,
    /// `LastChangedStatusesPager`.
    pager: String,
    /// The record of each item.
    item: String,
}

struct Surface<'a> {
    operations: Vec<Operation>,
    records: Vec<Record>,
    enums: Vec<&'a EnumDef>,
    iterators: Vec<IteratorDef>,
}

impl<'a> Surface<'a> {
    fn read(spec: &'a Spec) -> Result<Self> {
        let operations: Vec<Operation> = spec.model()?.into_iter().filter(|o| o.envelope.is_some()).collect();
        let mut queue: Vec<Shape> = Vec::new();
        for op in &operations {
            queue.extend(op.params.iter().map(|p| p.shape.clone()));
            queue.extend(op.envelope.iter().map(|e| e.data.clone()));
        }
        let mut objects = BTreeSet::new();
        let mut enum_names = BTreeSet::new();
        while let Some(shape) = queue.pop() {
            match shape {
                Shape::Array(inner) => queue.push(*inner),
                Shape::Enum(name) => {
                    enum_names.insert(name);
                }
                Shape::Object(name) if !objects.contains(&name) => {
                    queue.extend(object_fields(spec, &name)?.into_iter().map(|f| f.shape));
                    objects.insert(name);
                }
                _ => {}
            }
        }
        let records = objects
            .into_iter()
            .map(|name| -> Result<Record> {
                let schema = schema(spec, &name)?;
                Ok(Record {
                    description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
                    fields: object_fields(spec, &name)?,
                    name,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let enums = spec.enums.iter().filter(|e| enum_names.contains(&e.name)).collect();
        let iterators = crate::model::ITERATORS
            .iter()
            .map(|it| (it.name, it.operation))
            .map(|(name, operation)| -> Result<IteratorDef> {
                let op = operations.iter().find(|o| o.id == *operation)
                    .with_context(|| format!("iterator {name}: no operation {operation}"))?;
                let Some(Shape::Object(data)) = op.envelope.as_ref().map(|e| &e.data) else {
                    bail!("iterator {name}: the data of {operation} is not an object");
                };
                let record = records.iter().find(|r| &r.name == data).context("data record")?;
                let lists: Vec<&str> = record.fields.iter().filter_map(|f| match &f.shape {
                    Shape::Array(inner) => match inner.as_ref() {
                        Shape::Object(item) => Some(item.as_str()),
                        _ => None,
                    },
                    _ => None,
                }).collect();
                let [item] = lists.as_slice() else {
                    bail!("iterator {name}: the data of {operation} must hold exactly one list of objects, found {lists:?}");
                };
                Ok(IteratorDef {
                    pager: format!("{}Pager", name.trim_start_matches("iter")),
                    name: (*name).to_owned(),
                    operation: (*operation).to_owned(),
                    item: (*item).to_owned(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let surface = Surface { operations, records, enums, iterators };
        surface.check_names()?;
        Ok(surface)
    }

    /// Every exported type name must be unique: records, enums, response records and pagers
    /// share one namespace in Kotlin and Swift, with the handwritten types.
    fn check_names(&self) -> Result<()> {
        const HANDWRITTEN: &[&str] = &[
            "Client",
            "RawClient",
            "ClientConfig",
            "Environment",
            "ResponseMeta",
            "NpayError",
            "InvalidInput",
            "Timestamp",
            "Sandbox",
            "SandboxEvent",
            "SandboxFaults",
            "SandboxStats",
            "CreatedOrders",
        ];
        let mut seen: BTreeSet<String> = HANDWRITTEN.iter().map(|s| (*s).to_owned()).collect();
        let generated = self
            .records
            .iter()
            .map(|r| r.name.clone())
            .chain(self.enums.iter().map(|e| e.name.clone()))
            .chain(self.operations.iter().map(response_record))
            .chain(self.iterators.iter().map(|i| i.pager.clone()));
        for name in generated {
            if !seen.insert(name.clone()) {
                bail!(
                    "uniffi: the type name {name} is used twice (schema, `…Response` record, pager or handwritten type)"
                );
            }
        }
        Ok(())
    }
}

fn schema<'s>(spec: &'s Spec, name: &str) -> Result<&'s Value> {
    spec.doc.pointer(&format!("/components/schemas/{name}")).with_context(|| format!("no schema {name}"))
}

fn object_fields(spec: &Spec, name: &str) -> Result<Vec<Field>> {
    Ok(spec
        .object(name)?
        .properties
        .into_iter()
        .map(|p| Field {
            shape: p.shape,
            required: p.required,
            description: p.description,
            deprecated: p.deprecated,
            wire: p.name,
        })
        .collect())
}

fn response_record(op: &Operation) -> String {
    format!("{}Response", op.camel_type())
}

// ---------------------------------------------------------------------------------------------
// Rust: bindings/uniffi/src/generated.rs

/// The Rust type of a shape in the uniffi crate.
fn rust_type(shape: &Shape) -> String {
    match shape {
        Shape::String | Shape::Date => "String".into(),
        Shape::DateTime => "crate::Timestamp".into(),
        Shape::Int32 => "i32".into(),
        Shape::Int64 => "i64".into(),
        Shape::Number => "f64".into(),
        Shape::Bool => "bool".into(),
        Shape::Enum(name) | Shape::Object(name) => name.clone(),
        Shape::Array(inner) => format!("Vec<{}>", rust_type(inner)),
    }
}

/// How an optional value is held: lists as (possibly empty) lists, others as `Option`.
#[derive(Clone, Copy, PartialEq)]
enum Repr {
    Required,
    Optional,
    OptionalList,
}

fn repr(required: bool, shape: &Shape) -> Repr {
    match (required, shape) {
        (true, _) => Repr::Required,
        (false, Shape::Array(_)) => Repr::OptionalList,
        (false, _) => Repr::Optional,
    }
}

fn held_type(repr: Repr, shape: &Shape) -> String {
    match repr {
        Repr::Required | Repr::OptionalList => rust_type(shape),
        Repr::Optional => format!("Option<{}>", rust_type(shape)),
    }
}

/// Writes `text` as doc comments. uniffi copies them into Kotlin and Swift block comments, where
/// a `*/` of the spec's prose (`initial*/remain*`) would end the comment early.
fn doc(out: &mut String, indent: &str, text: &str) -> Result<()> {
    let text = text.replace("*/", "* /");
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

/// An operation's parameters in the order of the foreign signature: path parameters, the other
/// required ones, then the optional ones (which get defaults).
fn ordered_params(op: &Operation) -> Vec<&Param> {
    let rank = |p: &Param| match (p.location, p.required) {
        (Location::Path, _) => 0,
        (_, true) => 1,
        (_, false) => 2,
    };
    let mut params: Vec<&Param> = op.params.iter().collect();
    params.sort_by_key(|p| rank(p));
    params
}

fn param_repr(param: &Param) -> Repr {
    repr(param.required || param.location == Location::Path, &param.shape)
}

/// `a: T, b: Option<U>` of a signature.
fn signature(params: &[&Param]) -> String {
    params
        .iter()
        .map(|p| format!("{}: {}", p.snake(), held_type(param_repr(p), &p.shape)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `#[uniffi::method(default(…))]` for the optional parameters, if any.
fn defaults_attribute(params: &[&Param]) -> Option<String> {
    let defaults: Vec<String> = params
        .iter()
        .filter_map(|p| match param_repr(p) {
            Repr::Required => None,
            Repr::Optional => Some(format!("{} = None", p.snake())),
            Repr::OptionalList => Some(format!("{} = []", p.snake())),
        })
        .collect();
    (!defaults.is_empty()).then(|| format!("#[uniffi::method(default({}))]", defaults.join(", ")))
}

fn arguments(params: &[&Param]) -> String {
    params.iter().map(|p| p.snake()).collect::<Vec<_>>().join(", ")
}

fn params_fn(op: &Operation) -> String {
    format!("{}_params", op.snake())
}

fn data_type(op: &Operation) -> String {
    rust_type(&op.envelope.as_ref().expect("public operations have an envelope").data)
}

/// What a call returns, for the docs: the envelope's `data`, or the whole body of an operation
/// without an envelope (the settlement reads).
fn payload(op: &Operation) -> &'static str {
    match op.envelope.as_ref().is_some_and(|e| e.wrapped) {
        true => "the response's `data`",
        false => "the response body (the operation has no envelope)",
    }
}

fn operation_doc(out: &mut String, op: &Operation, returns: &str) -> Result<()> {
    if let Some(summary) = &op.summary {
        doc(out, "    ", summary)?;
        writeln!(out, "    ///")?;
    }
    if let Some(description) = &op.description {
        doc(out, "    ", description)?;
        writeln!(out, "    ///")?;
    }
    writeln!(out, "    /// `{} {}` (operationId `{}`). {returns}", op.method, op.path, op.id)?;
    let params = ordered_params(op);
    if !params.is_empty() {
        writeln!(out, "    ///\n    /// Parameters (the API's names):")?;
        for param in params {
            let text =
                param.description.as_deref().unwrap_or("").lines().next().unwrap_or("").trim().replace("*/", "* /");
            let optional = if param_repr(param) == Repr::Required { "" } else { " (optional)" };
            writeln!(out, "    /// * `{}`{optional}: {text}", param.name)?;
        }
    }
    Ok(())
}

impl Surface<'_> {
    fn render_rust(&self) -> Result<String> {
        let mut out = String::from(RUST_BANNER);
        out.push_str(
            "//! The per-operation surface of the Kotlin and Swift binding: `Client` and `RawClient`\n\
             //! methods, the records and open enums of the spec, and the iterators' pagers.\n\n\
             use std::sync::Arc;\n\n\
             use crate::error::NpayError;\n\
             use crate::json::Params;\n\
             use crate::{Client, RawClient};\n\n",
        );
        for op in &self.operations {
            self.render_params_fn(&mut out, op)?;
        }
        self.render_client(&mut out)?;
        self.render_raw_client(&mut out)?;
        self.render_iterators(&mut out)?;
        for record in &self.records {
            render_record(&mut out, record)?;
        }
        for def in &self.enums {
            render_enum(&mut out, def)?;
        }
        render_sandbox_events(&mut out)?;
        Ok(out)
    }

    fn render_params_fn(&self, out: &mut String, op: &Operation) -> Result<()> {
        let params = ordered_params(op);
        writeln!(out, "/// The parameters of `{}` as the core's JSON object.", op.id)?;
        writeln!(out, "fn {}({}) -> Result<Params, NpayError> {{", params_fn(op), signature(&params))?;
        writeln!(out, "    let params = Params::new();")?;
        for param in &params {
            let put = match param_repr(param) {
                Repr::Required => "put",
                Repr::Optional => "put_opt",
                Repr::OptionalList => "put_list",
            };
            writeln!(out, "    let params = params.{put}({:?}, &{})?;", param.name, param.snake())?;
        }
        writeln!(out, "    Ok(params)\n}}\n")?;
        Ok(())
    }

    fn render_client(&self, out: &mut String) -> Result<()> {
        writeln!(out, "#[uniffi::export(async_runtime = \"tokio\")]\nimpl Client {{")?;
        for op in &self.operations {
            let params = ordered_params(op);
            operation_doc(out, op, &format!("Returns {}.", payload(op)))?;
            if let Some(defaults) = defaults_attribute(&params) {
                writeln!(out, "    {defaults}")?;
            }
            writeln!(
                out,
                "    pub async fn {}(&self, {}) -> Result<{}, NpayError> {{",
                op.snake(),
                signature(&params),
                data_type(op)
            )?;
            writeln!(out, "        self.call({:?}, {}({})?).await", op.id, params_fn(op), arguments(&params))?;
            writeln!(out, "    }}\n")?;
        }
        writeln!(out, "}}\n")?;
        Ok(())
    }

    fn render_raw_client(&self, out: &mut String) -> Result<()> {
        for op in &self.operations {
            writeln!(out, "/// The response of `{}`: its `data` and the HTTP status, headers and trace id.", op.id)?;
            writeln!(out, "#[derive(Clone, Debug, PartialEq, uniffi::Record)]")?;
            writeln!(out, "pub struct {} {{", response_record(op))?;
            let mut payload = payload(op).to_owned();
            payload[..1].make_ascii_uppercase();
            writeln!(out, "    /// {payload}.\n    pub data: {},", data_type(op))?;
            writeln!(out, "    /// Status, headers and trace id.\n    pub meta: crate::ResponseMeta,")?;
            writeln!(out, "}}\n")?;
        }
        writeln!(out, "#[uniffi::export(async_runtime = \"tokio\")]\nimpl RawClient {{")?;
        for op in &self.operations {
            let params = ordered_params(op);
            operation_doc(out, op, &format!("Returns `data` and `meta` as [`{}`].", response_record(op)))?;
            if let Some(defaults) = defaults_attribute(&params) {
                writeln!(out, "    {defaults}")?;
            }
            writeln!(
                out,
                "    pub async fn {}(&self, {}) -> Result<{}, NpayError> {{",
                op.snake(),
                signature(&params),
                response_record(op)
            )?;
            writeln!(
                out,
                "        let (data, meta) = self.call({:?}, {}({})?).await?;",
                op.id,
                params_fn(op),
                arguments(&params)
            )?;
            writeln!(out, "        Ok({} {{ data, meta }})", response_record(op))?;
            writeln!(out, "    }}\n")?;
        }
        writeln!(out, "}}\n")?;
        Ok(())
    }

    fn render_iterators(&self, out: &mut String) -> Result<()> {
        writeln!(out, "#[uniffi::export]\nimpl Client {{")?;
        for iterator in &self.iterators {
            let op = self.operations.iter().find(|o| o.id == iterator.operation).expect("checked in Surface::read");
            let params = ordered_params(op);
            writeln!(
                out,
                "    /// Every `{}` of `{}`, page by page: ranges longer than the API allows are",
                iterator.item, op.id
            )?;
            writeln!(
                out,
                "    /// split into windows, `more` and `pagination` are followed, and each item comes once."
            )?;
            writeln!(
                out,
                "    /// Takes the parameters of `{}`; nothing is sent before the first `nextPage()`.",
                op.id
            )?;
            if let Some(defaults) = defaults_attribute(&params) {
                writeln!(out, "    {defaults}")?;
            }
            writeln!(
                out,
                "    pub fn {}(&self, {}) -> Result<Arc<{}>, NpayError> {{",
                iterator.name.to_snake_case(),
                signature(&params),
                iterator.pager
            )?;
            writeln!(
                out,
                "        let pager = crate::pager::Pager::new(self, {:?}, {:?}, {}({})?)?;",
                iterator.name,
                op.id,
                params_fn(op),
                arguments(&params)
            )?;
            writeln!(out, "        Ok(Arc::new({}(pager)))", iterator.pager)?;
            writeln!(out, "    }}\n")?;
        }
        writeln!(out, "}}\n")?;
        for iterator in &self.iterators {
            writeln!(
                out,
                "/// The pages of `{}` (made by `Client.{}`).",
                iterator.operation,
                iterator.name.to_lower_camel_case()
            )?;
            writeln!(out, "#[derive(uniffi::Object)]\npub struct {}(crate::pager::Pager);\n", iterator.pager)?;
            writeln!(out, "#[uniffi::export(async_runtime = \"tokio\")]\nimpl {} {{", iterator.pager)?;
            writeln!(out, "    /// The next page of items not returned before; `null`/`nil` when the range is done.")?;
            writeln!(out, "    pub async fn next_page(&self) -> Result<Option<Vec<{}>>, NpayError> {{", iterator.item)?;
            writeln!(out, "        self.0.next_page().await\n    }}\n}}\n")?;
        }
        Ok(())
    }
}

/// `SandboxEvent`: the sandbox's control events (`npay_sandbox_control::EVENTS`), for its helper.
fn render_sandbox_events(out: &mut String) -> Result<()> {
    writeln!(
        out,
        "/// What buyers, couriers and time do to a product order (`POST product-orders/{{id}}/events/{{event}}`)."
    )?;
    writeln!(out, "#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]\npub enum SandboxEvent {{")?;
    for (name, doc) in npay_sandbox_control::EVENTS {
        writeln!(out, "    /// {doc}\n    {},", name.to_upper_camel_case())?;
    }
    writeln!(
        out,
        "}}\n\nimpl SandboxEvent {{\n    /// The event's name in the control API's path.\n    pub fn path(self) -> &'static str {{\n        match self {{"
    )?;
    for (name, _) in npay_sandbox_control::EVENTS {
        writeln!(out, "            SandboxEvent::{} => {name:?},", name.to_upper_camel_case())?;
    }
    writeln!(out, "        }}\n    }}\n}}")?;
    Ok(())
}

fn render_record(out: &mut String, record: &Record) -> Result<()> {
    doc(out, "", record.description.as_deref().unwrap_or(&record.name))?;
    writeln!(out, "#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, uniffi::Record)]")?;
    writeln!(out, "pub struct {} {{", record.name)?;
    for field in &record.fields {
        let mut text = field.description.clone().unwrap_or_else(|| format!("`{}`", field.wire));
        if field.deprecated {
            text.push_str("\n\nDeprecated.");
        }
        doc(out, "    ", &text)?;
        let held = repr(field.required, &field.shape);
        match held {
            Repr::Required => writeln!(out, "    #[serde(rename = {:?})]", field.wire)?,
            Repr::Optional => {
                writeln!(
                    out,
                    "    #[serde(rename = {:?}, default, skip_serializing_if = \"Option::is_none\")]",
                    field.wire
                )?;
                writeln!(out, "    #[uniffi(default = None)]")?;
            }
            Repr::OptionalList => {
                writeln!(
                    out,
                    "    #[serde(rename = {:?}, default, deserialize_with = \"crate::json::list_or_empty\", skip_serializing_if = \"Vec::is_empty\")]",
                    field.wire
                )?;
                writeln!(out, "    #[uniffi(default = [])]")?;
            }
        }
        writeln!(out, "    pub {}: {},", snake_ident(&field.wire), held_type(held, &field.shape))?;
    }
    writeln!(out, "}}\n")?;
    writeln!(out, "#[uniffi::export]\nimpl {} {{", record.name)?;
    writeln!(out, "    /// The record as the API's JSON (camelCase keys).")?;
    writeln!(out, "    pub fn to_json(&self) -> String {{\n        crate::json::encode(self)\n    }}\n}}\n")?;
    Ok(())
}

fn render_enum(out: &mut String, def: &EnumDef) -> Result<()> {
    writeln!(out, "crate::open_enum! {{")?;
    doc(out, "    ", def.description.as_deref().unwrap_or(&def.name))?;
    writeln!(out, "    {} {{", def.name)?;
    let mut seen = BTreeSet::new();
    for value in &def.values {
        let variant = match def.varnames.get(value) {
            Some(name) => name.clone(),
            None => crate::enums::variant_name(value),
        };
        if variant.is_empty() || variant == "Unrecognized" || !seen.insert(variant.clone()) {
            bail!(
                "enum {}: value {value:?} gives the unusable variant name {variant:?}; name it in x-npay-enum-varnames",
                def.name
            );
        }
        let label = def.labels.get(value).map_or_else(|| format!("`{value}`"), |label| format!("`{value}`: {label}"));
        doc(out, "        ", &label)?;
        writeln!(out, "        {variant} => {value:?},")?;
    }
    writeln!(out, "    }}\n}}\n")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The sequences of each language.

impl Surface<'_> {
    fn render_kotlin(&self) -> Result<String> {
        let mut out = String::from(
            "// @generated by `cargo xtask generate` from openapi/npay-order.yaml. Do not edit by hand.\n",
        );
        writeln!(out, "// Each pager of the contract's iterators as a Kotlin Flow.\n")?;
        writeln!(out, "package {KOTLIN_PACKAGE}\n")?;
        writeln!(out, "import kotlinx.coroutines.flow.Flow\n")?;
        for iterator in &self.iterators {
            writeln!(
                out,
                "/** Every item of every page of `{}`, fetched as the flow is collected. */",
                iterator.operation
            )?;
            writeln!(
                out,
                "fun {}.asFlow(): Flow<{}> = pagerFlow {{ nextPage() }}\n",
                iterator.pager,
                iterator.item.to_upper_camel_case()
            )?;
        }
        Ok(out.trim_end().to_owned() + "\n")
    }

    fn render_swift(&self) -> Result<String> {
        let mut out = String::from(
            "// @generated by `cargo xtask generate` from openapi/npay-order.yaml. Do not edit by hand.\n",
        );
        writeln!(out, "// Each pager of the contract's iterators as a Swift AsyncSequence.\n")?;
        for iterator in &self.iterators {
            let item = iterator.item.to_upper_camel_case();
            writeln!(
                out,
                "/// Every item of every page of `{}`, fetched as the sequence is iterated.",
                iterator.operation
            )?;
            writeln!(out, "extension {}: AsyncSequence {{", iterator.pager)?;
            writeln!(out, "    public typealias Element = {item}\n")?;
            writeln!(out, "    public func makeAsyncIterator() -> PageIterator<{item}> {{")?;
            writeln!(out, "        PageIterator(nextPage: {{ try await self.nextPage() }})")?;
            writeln!(out, "    }}\n}}\n")?;
        }
        Ok(out.trim_end().to_owned() + "\n")
    }
}

// ---------------------------------------------------------------------------------------------
// The Swift sources (made from the built library).

/// Regenerates the checked-in Swift sources from the library (`generate` runs this after writing
/// the other outputs, since uniffi makes the Swift from the built library, not from the spec).
/// The library is built first: `swift-sources` reads the cdylib beside it, and building that
/// program alone does not rebuild the library from the `generated.rs` just written.
pub fn write_swift(root: &Path) -> Result<()> {
    build_library(root)?;
    crate::test::cargo(root, &["run", "--quiet", "-p", "npay-order-uniffi", "--bin", "swift-sources"])
}

/// Checks the Swift sources the way [`write_swift`] would write them.
pub fn check_swift(root: &Path) -> Result<()> {
    build_library(root)?;
    crate::test::cargo(root, &["run", "--quiet", "-p", "npay-order-uniffi", "--bin", "swift-sources", "--", "--check"])
}

fn build_library(root: &Path) -> Result<()> {
    crate::test::cargo(root, &["build", "--quiet", "-p", "npay-order-uniffi", "--lib"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate::spec::SPEC_PATH))
            .expect("the spec loads")
    }

    #[test]
    fn every_public_operation_is_a_method_of_client_and_of_raw_client() {
        let spec = spec();
        let rust = Surface::read(&spec).unwrap().render_rust().unwrap();
        let public: Vec<Operation> = spec.model().unwrap().into_iter().filter(|o| o.envelope.is_some()).collect();
        assert_eq!(
            public.len(),
            spec.operations().len() - 1,
            "issueToken is internal, every other operation is public"
        );
        for op in &public {
            let method = format!("pub async fn {}(&self", op.snake());
            assert_eq!(rust.matches(&method).count(), 2, "{} on Client and RawClient", op.id);
        }
        assert!(!rust.contains("fn issue_token"), "the token call is the core's");
    }

    #[test]
    fn optional_parameters_get_defaults_and_come_after_the_required_ones() {
        let spec = spec();
        let rust = Surface::read(&spec).unwrap().render_rust().unwrap();
        let signature = rust.lines().find(|l| l.contains("pub async fn list_last_changed_statuses")).unwrap();
        assert!(
            signature
                .contains("(&self, last_changed_from: crate::Timestamp, last_changed_to: Option<crate::Timestamp>"),
            "{signature}"
        );
        assert!(rust.contains("#[uniffi::method(default(last_changed_to = None"), "optional arguments default to None");
    }

    #[test]
    fn prose_cannot_close_the_foreign_block_comments() {
        let mut out = String::new();
        doc(&mut out, "", "initial*/remain* fields").unwrap();
        assert_eq!(out, "/// initial* /remain* fields\n");
    }
}
