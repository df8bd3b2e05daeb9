//! The spec read as operations with typed parameters: the one model every surface generator
//! (the Rust core, and later each binding) renders from, so that they agree by construction.

use anyhow::{Context, Result, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::spec::Spec;

/// Where a parameter travels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Location {
    Path,
    Query,
    Body,
}

/// The shape of a value, as far as the generators care.
#[derive(Clone, PartialEq, Debug)]
pub enum Shape {
    String,
    DateTime,
    Date,
    Int32,
    Int64,
    Number,
    Bool,
    /// A named enum of `components/schemas`.
    Enum(String),
    /// A named object of `components/schemas`.
    Object(String),
    Array(Box<Shape>),
}

/// Limits of a value that the client checks before sending.
#[derive(Clone, Default, Debug)]
pub struct Limits {
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// An integer `default` (what the server assumes when the parameter is left out).
    pub default: Option<i64>,
}

/// One parameter of an operation: a path or query parameter, or a property of the JSON body.
#[derive(Clone, Debug)]
pub struct Param {
    /// The wire name (`lastChangedFrom`).
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub shape: Shape,
    pub limits: Limits,
    pub description: Option<String>,
}

impl Param {
    /// The Rust (and Python) field name; matches typify's naming of body struct fields.
    pub fn snake(&self) -> String {
        snake_ident(&self.name)
    }
}

/// Splitting a long list into several requests (`x-npay-chunk` on the operation).
#[derive(Clone, Debug)]
pub struct Chunk {
    /// The body property holding the list.
    pub param: String,
    /// Items per request.
    pub size: u64,
}

/// A from/to pair whose span the client checks (`x-npay-date-range` on the operation).
#[derive(Clone, Debug)]
pub struct DateRange {
    pub from: String,
    pub to: String,
    pub max_hours: u64,
}

/// How to tell whether a mutation took effect by reading product orders (`x-npay-applied-when`).
#[derive(Clone, Debug)]
pub struct AppliedWhen {
    /// The parameter naming the product orders (a path id, a list of ids or of items with ids).
    pub ids: String,
    /// Dotted path in the product order detail.
    pub field: String,
    /// Values meaning "applied".
    pub values: Vec<String>,
}

/// How a response's payload is typed.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The 200 response schema (`LastChangedStatusesResponse`).
    pub schema: String,
    /// The shape of the payload a call returns: the schema's `data` when `wrapped`, else the
    /// schema itself.
    pub data: Shape,
    /// Whether the body is the `{timestamp, traceId, data}` envelope. Operations whose 200 schema
    /// has no `data` property (the settlement operations answer `{elements, pagination}`, as their
    /// Commerce twins do) return the whole body; their trace id comes from the response header.
    pub wrapped: bool,
}

/// One operation of the spec.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tag: Option<String>,
    pub params: Vec<Param>,
    /// The request body schema, if the operation has a JSON body.
    pub body_schema: Option<String>,
    /// How the 200 answer is read; `None` only for the unauthenticated token exchange, which is
    /// the core's own call and not part of any language's surface.
    pub envelope: Option<Envelope>,
    /// Reads may be retried freely; anything else only when provably not processed.
    pub read_only: bool,
    pub chunk: Option<Chunk>,
    pub date_range: Option<DateRange>,
    pub applied_when: Option<AppliedWhen>,
}

impl Operation {
    pub fn snake(&self) -> String {
        self.id.to_snake_case()
    }

    pub fn camel_type(&self) -> String {
        self.id.to_upper_camel_case()
    }
}

/// A named object schema used inside request bodies, with its properties as parameters.
#[derive(Clone, Debug)]
pub struct RequestObject {
    pub name: String,
    pub properties: Vec<Param>,
    /// Handwritten checks to run as well (`x-npay-rules`).
    pub rules: Vec<String>,
}

/// Rust field names: snake case, with a trailing `_` on keywords (as typify does).
pub fn snake_ident(name: &str) -> String {
    let snake = name.to_snake_case();
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
        "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
        "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try",
        "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    if KEYWORDS.contains(&snake.as_str()) { format!("{snake}_") } else { snake }
}

impl Spec {
    fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value> {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').context("only local $refs are supported")?;
                self.doc.pointer(pointer).with_context(|| format!("dangling $ref {reference}"))
            }
            None => Ok(value),
        }
    }

    fn is_enum(&self, name: &str) -> bool {
        self.enums.iter().any(|e| e.name == name)
    }

    /// The shape of a schema (a `$ref` to a named schema stays named).
    pub fn shape(&self, schema: &Value) -> Result<Shape> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name =
                reference.strip_prefix("#/components/schemas/").context("a schema $ref outside components/schemas")?;
            return Ok(if self.is_enum(name) { Shape::Enum(name.to_owned()) } else { Shape::Object(name.to_owned()) });
        }
        let format = schema.get("format").and_then(Value::as_str);
        Ok(match schema.get("type").and_then(Value::as_str) {
            Some("string") => match format {
                Some("date-time") => Shape::DateTime,
                Some("date") => Shape::Date,
                _ => Shape::String,
            },
            Some("integer") => {
                if format == Some("int32") {
                    Shape::Int32
                } else {
                    Shape::Int64
                }
            }
            Some("number") => Shape::Number,
            Some("boolean") => Shape::Bool,
            Some("array") => {
                Shape::Array(Box::new(self.shape(schema.get("items").context("an array without items")?)?))
            }
            other => bail!("unsupported schema type {other:?} (inline objects must be named schemas)"),
        })
    }

    fn param_of(
        &self,
        name: &str,
        location: Location,
        required: bool,
        schema: &Value,
        description: Option<&Value>,
    ) -> Result<Param> {
        let limits = Limits {
            minimum: schema.get("minimum").and_then(Value::as_i64),
            maximum: schema.get("maximum").and_then(Value::as_i64),
            min_length: schema.get("minLength").and_then(Value::as_u64),
            max_length: schema.get("maxLength").and_then(Value::as_u64),
            min_items: schema.get("minItems").and_then(Value::as_u64),
            max_items: schema.get("maxItems").and_then(Value::as_u64),
            default: schema.get("default").and_then(Value::as_i64),
        };
        let description = description.or(schema.get("description")).and_then(Value::as_str).map(str::to_owned);
        Ok(Param {
            name: name.to_owned(),
            location,
            required,
            shape: self.shape(schema).with_context(|| format!("parameter {name}"))?,
            limits,
            description,
        })
    }

    fn properties_of(&self, schema: &Value, location: Location) -> Result<Vec<Param>> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut params = Vec::new();
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let property_required = required.contains(&name.as_str());
            params.push(self.param_of(name, location, property_required, property, None)?);
        }
        Ok(params)
    }

    /// Every operation, in document order.
    pub fn model(&self) -> Result<Vec<Operation>> {
        let mut operations = Vec::new();
        for (path, method, op) in self.operations() {
            let id = op.get("operationId").and_then(Value::as_str).context("operationId")?.to_owned();
            let op_value = Value::Object(op.clone());
            let mut params = Vec::new();
            for parameter in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let parameter = self.resolve(parameter)?;
                let name = parameter["name"].as_str().context("parameter name")?;
                let location = match parameter["in"].as_str() {
                    Some("path") => Location::Path,
                    Some("query") => Location::Query,
                    other => bail!("{id}: parameter {name} in {other:?} is not supported"),
                };
                let required = parameter.get("required").and_then(Value::as_bool).unwrap_or(false);
                let schema = self.resolve(parameter.get("schema").context("parameter schema")?)?;
                let schema = if parameter["schema"].get("$ref").is_some() { &parameter["schema"] } else { schema };
                params.push(self.param_of(name, location, required, schema, parameter.get("description"))?);
            }
            let mut body_schema = None;
            if let Some(content) = op_value.pointer("/requestBody/content/application~1json") {
                let schema = &content["schema"];
                let name = schema["$ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .with_context(|| format!("{id}: the JSON request body must $ref a named schema"))?;
                params.extend(self.properties_of(self.resolve(schema)?, Location::Body)?);
                body_schema = Some(name.to_owned());
            }
            // An operation without authentication (`security: []`) is the token exchange the core
            // makes itself: it has no envelope and no public surface.
            let authenticated = op.get("security").and_then(Value::as_array).is_none_or(|s| !s.is_empty());
            let envelope = match op_value.pointer("/responses/200/content/application~1json/schema") {
                Some(schema) => {
                    let name = schema["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .with_context(|| format!("{id}: the 200 response must $ref a named schema"))?;
                    match self.resolve(schema)?.pointer("/properties/data") {
                        Some(data) => {
                            Some(Envelope { schema: name.to_owned(), data: self.shape(data)?, wrapped: true })
                        }
                        None if authenticated => {
                            Some(Envelope { schema: name.to_owned(), data: self.shape(schema)?, wrapped: false })
                        }
                        None => None,
                    }
                }
                None => None,
            };
            let chunk = op
                .get("x-npay-chunk")
                .map(|c| -> Result<Chunk> {
                    Ok(Chunk {
                        param: c["param"].as_str().context("x-npay-chunk.param")?.to_owned(),
                        size: c["size"].as_u64().context("x-npay-chunk.size")?,
                    })
                })
                .transpose()?;
            let date_range = op
                .get("x-npay-date-range")
                .map(|r| -> Result<DateRange> {
                    Ok(DateRange {
                        from: r["from"].as_str().context("x-npay-date-range.from")?.to_owned(),
                        to: r["to"].as_str().context("x-npay-date-range.to")?.to_owned(),
                        max_hours: r["maxHours"].as_u64().context("x-npay-date-range.maxHours")?,
                    })
                })
                .transpose()?;
            let applied_when = op
                .get("x-npay-applied-when")
                .map(|a| -> Result<AppliedWhen> {
                    Ok(AppliedWhen {
                        ids: a["ids"].as_str().context("x-npay-applied-when.ids")?.to_owned(),
                        field: a["field"].as_str().context("x-npay-applied-when.field")?.to_owned(),
                        values: a["in"]
                            .as_array()
                            .context("x-npay-applied-when.in")?
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect(),
                    })
                })
                .transpose()?;
            let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::to_owned);
            operations.push(Operation {
                read_only: method == "get" || op.get("x-npay-read-only").and_then(Value::as_bool) == Some(true),
                id,
                method: method.to_uppercase(),
                path: path.to_owned(),
                summary: text("summary"),
                description: text("description"),
                tag: op.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).map(str::to_owned),
                params,
                body_schema,
                envelope,
                chunk,
                date_range,
                applied_when,
            });
        }
        Ok(operations)
    }

    /// The named object schemas reachable from request bodies (e.g. each dispatch entry).
    pub fn request_objects(&self, operations: &[Operation]) -> Result<Vec<RequestObject>> {
        let mut names: Vec<String> = Vec::new();
        let mut queue: Vec<Shape> = operations.iter().flat_map(|o| o.params.iter().map(|p| p.shape.clone())).collect();
        while let Some(shape) = queue.pop() {
            match shape {
                Shape::Array(inner) => queue.push(*inner),
                Shape::Object(name) if !names.contains(&name) => {
                    let schema = self.doc.pointer(&format!("/components/schemas/{name}")).context("schema")?;
                    queue.extend(self.properties_of(schema, Location::Body)?.into_iter().map(|p| p.shape));
                    names.push(name);
                }
                _ => {}
            }
        }
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let schema = self.doc.pointer(&format!("/components/schemas/{name}")).context("schema")?;
                let rules = schema
                    .get("x-npay-rules")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default();
                Ok(RequestObject { properties: self.properties_of(schema, Location::Body)?, name, rules })
            })
            .collect()
    }
}

/// One property of an object schema of `components/schemas`, as every renderer reads it.
#[derive(Clone, Debug)]
pub struct Property {
    /// The JSON key.
    pub name: String,
    /// What it holds; `allOf: [$ref]` (how the spec attaches a description or `deprecated` to a
    /// reference) reads as its one member.
    pub shape: Shape,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Listed in the schema's `x-npay-essential`.
    pub essential: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The property's own description.
    pub description: Option<String>,
    /// The description of the schema it refers to (by `$ref`, or through a one-member `allOf`).
    pub referenced_description: Option<String>,
}

/// An object schema of `components/schemas`: the one reading of it every renderer shares.
#[derive(Clone, Debug)]
pub struct ObjectSchema {
    pub name: String,
    pub description: Option<String>,
    pub properties: Vec<Property>,
}

impl Spec {
    /// The object schema `name`, its properties in document order.
    pub fn object(&self, name: &str) -> Result<ObjectSchema> {
        let schema =
            self.doc.pointer(&format!("/components/schemas/{name}")).with_context(|| format!("no schema {name}"))?;
        let names = |key: &str| -> Vec<&str> {
            schema
                .get(key)
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        let required = names("required");
        let essential = names("x-npay-essential");
        let declared = schema.get("properties").and_then(Value::as_object);
        if let Some(stray) = essential.iter().find(|key| declared.is_none_or(|p| !p.contains_key(**key))) {
            bail!("{name}: x-npay-essential lists {stray:?}, which is not a property");
        }
        let mut properties = Vec::new();
        for (key, property) in declared.into_iter().flatten() {
            let target = match property.get("allOf").and_then(Value::as_array) {
                Some(all) if all.len() == 1 => &all[0],
                Some(all) => bail!("{name}.{key}: allOf with {} members is not supported", all.len()),
                None => property,
            };
            let referenced = target
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.doc.pointer(r.strip_prefix('#')?))
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            properties.push(Property {
                name: key.clone(),
                shape: self.shape(target).with_context(|| format!("{name}.{key}"))?,
                required: required.contains(&key.as_str()),
                nullable: property.get("nullable").and_then(Value::as_bool).unwrap_or(false),
                essential: essential.contains(&key.as_str()),
                deprecated: property.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
                description: property.get("description").and_then(Value::as_str).map(str::to_owned),
                referenced_description: referenced,
            });
        }
        Ok(ObjectSchema {
            name: name.to_owned(),
            description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
            properties,
        })
    }
}

/// One iterator every language offers over a paged operation.
#[derive(Clone, Copy, Debug)]
pub struct IteratorDef {
    /// Its name in the contract (`iterLastChangedStatuses`).
    pub name: &'static str,
    /// The operation it pages through.
    pub operation: &'static str,
    /// The schema of one item.
    pub item: &'static str,
    /// Parameters the pager sets itself, which the iterator method therefore hides.
    pub hidden: &'static [&'static str],
}

/// The iterators of the contract: the one list every renderer reads. The core drives them
/// (`npay_order::json::ITERATORS`, whose names and operations a test below keeps equal).
pub const ITERATORS: &[IteratorDef] = &[
    IteratorDef {
        name: "iterLastChangedStatuses",
        operation: "listLastChangedStatuses",
        item: "LastChangedStatus",
        hidden: &["moreSequence"],
    },
    IteratorDef {
        name: "iterSearchProductOrders",
        operation: "searchProductOrders",
        item: "SearchProductOrderContent",
        hidden: &["page"],
    },
];

#[cfg(test)]
mod iterator_tests {
    use super::ITERATORS;

    #[test]
    fn the_iterators_are_the_ones_the_core_drives() {
        let core = include_str!("../../crates/npay-order/src/json.rs");
        let start = core.find("pub const ITERATORS").expect("the core declares its iterators");
        let declared = &core[start..start + core[start..].find("];").expect("a list")];
        let pairs: Vec<(String, String)> = declared
            .split("(\"")
            .skip(1)
            .map(|pair| {
                let mut parts =
                    pair.split('"').filter(|p| p.chars().all(|c| c.is_ascii_alphanumeric()) && !p.is_empty());
                (parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned())
            })
            .collect();
        let ours: Vec<(String, String)> =
            ITERATORS.iter().map(|i| (i.name.to_owned(), i.operation.to_owned())).collect();
        assert_eq!(pairs, ours);
    }
}
