//! The spec's response schemas as data: what each property of each answer object is, whether the
//! spec requires it, whether it may be `null`, and whether it is essential.
//!
//! The tables themselves ([`crate::shapes`]) are generated from `openapi/npay-order.yaml`. Two
//! readers share them, which is why they live here and not in either: the core's tolerant reads
//! walk an answer that did not decode against them, and the sandbox uses them to shape its own
//! answers (for instance, to send absent optional fields as `null`).
//!
//! ```
//! use npay_order_api::shape::Kind;
//! let shape = npay_order_api::shapes::response_shape("listLastChangedStatuses").unwrap();
//! let data = shape.fields.iter().find(|f| f.name == "data").unwrap();
//! assert!(matches!(data.kind, Kind::Object(_)));
//! ```

/// The shape of a JSON object of the spec (a response schema).
#[derive(Debug)]
pub struct Shape {
    /// The schema's name.
    pub name: &'static str,
    /// Its properties, in byte order of their names.
    pub fields: &'static [Field],
    /// The position in `fields` of the property named by a key (use [`Shape::field_index`]).
    pub index: fn(&str) -> Option<usize>,
}

impl Shape {
    /// Whether a `format: date` value can occur anywhere in an answer of this shape.
    ///
    /// ```
    /// let shapes = npay_order_api::shapes::response_shape;
    /// assert!(shapes("listDailySettlements").unwrap().holds_dates());
    /// assert!(!shapes("queryProductOrders").unwrap().holds_dates());
    /// ```
    pub fn holds_dates(&self) -> bool {
        self.fields.iter().any(|field| field.kind.holds_dates())
    }

    /// The property named `name`, if the schema has one.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.field_index(name).map(|index| &self.fields[index])
    }

    /// The position in [`Shape::fields`] of the property named `name`, if the schema has one.
    ///
    /// ```
    /// let shape = npay_order_api::shapes::response_shape("queryProductOrders").unwrap();
    /// let data = shape.field_index("data").unwrap();
    /// assert_eq!(shape.fields[data].name, "data");
    /// assert_eq!(shape.field_index("dat"), None);
    /// ```
    pub fn field_index(&self, name: &str) -> Option<usize> {
        (self.index)(name)
    }
}

/// One property of a [`Shape`].
#[derive(Debug)]
pub struct Field {
    /// The JSON key.
    pub name: &'static str,
    /// What the property holds.
    pub kind: Kind,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Listed in `x-npay-essential`: without it the answer has no usable shape.
    pub essential: bool,
}

/// What a property holds.
#[derive(Debug)]
pub enum Kind {
    /// A string.
    String,
    /// A date-time (`format: date-time`).
    DateTime,
    /// A date (`format: date`).
    Date,
    /// An integer (`format: int32`).
    Int32,
    /// An integer (`format: int64`).
    Int64,
    /// A number (no property of today's spec is one).
    Number,
    /// A boolean.
    Boolean,
    /// A named open enum (any string is a value).
    Enum(&'static str),
    /// An object of the named shape.
    Object(&'static Shape),
    /// An array of the inner kind.
    Array(&'static Kind),
}

impl Kind {
    /// Whether a `format: date` value can occur in a value of this kind, at any depth.
    pub fn holds_dates(&self) -> bool {
        match self {
            Kind::Date => true,
            Kind::Object(shape) => shape.holds_dates(),
            Kind::Array(inner) => inner.holds_dates(),
            _ => false,
        }
    }
}
