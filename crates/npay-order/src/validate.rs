//! Checking parameters against the spec's limits before anything is sent. The generated
//! `Validate` impls say *what* to check (from the spec); this module says *how*.

use npay_order_api::{OpenEnum, Timestamp};

use crate::error::{InvalidInput, NpayError, Result};

/// Something whose every limit can be checked without the network.
pub trait Validate {
    /// Records every problem in `checker`.
    fn validate(&self, checker: &mut Checker);
}

/// Collects the problems of one set of parameters, with the path of each (`dispatchProductOrders[2].trackingNumber`).
#[derive(Default)]
pub struct Checker {
    prefix: String,
    problems: Vec<InvalidInput>,
}

/// Validates `value`, failing with every problem found.
pub fn check(value: &impl Validate) -> Result<()> {
    let mut checker = Checker::default();
    value.validate(&mut checker);
    if checker.problems.is_empty() { Ok(()) } else { Err(NpayError::InvalidRequest(checker.problems)) }
}

impl Checker {
    /// Records a problem with `name`.
    pub fn problem(&mut self, name: &str, message: impl Into<String>) {
        self.problems.push(InvalidInput::new(format!("{}{name}", self.prefix), message));
    }

    /// An integer within `[min, max]`.
    pub fn int(&mut self, name: &str, value: Option<i64>, min: Option<i64>, max: Option<i64>) {
        let Some(value) = value else { return };
        if !(min.is_some_and(|min| value < min) || max.is_some_and(|max| value > max)) {
            return;
        }
        // Worded only for a value out of range: every valid call would pay for the text.
        let bounds = match (min, max) {
            (Some(min), Some(max)) => format!("{min}..={max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => return, // no bound, so never out of range (checked above)
        };
        self.problem(name, format!("{value} is out of range: must be {bounds}"));
    }

    /// A text whose length (in characters) is within `[min, max]`.
    pub fn text(&mut self, name: &str, value: Option<&str>, min: Option<u64>, max: Option<u64>) {
        let Some(value) = value else { return };
        let length = value.chars().count() as u64;
        if min.is_some_and(|min| length < min) {
            self.problem(name, format!("must have at least {} characters", min.unwrap_or_default()));
        }
        if max.is_some_and(|max| length > max) {
            self.problem(name, format!("has {length} characters; at most {} are allowed", max.unwrap_or_default()));
        }
    }

    /// A list whose length is within `[min, max]`.
    pub fn items(&mut self, name: &str, length: Option<usize>, min: Option<u64>, max: Option<u64>) {
        let Some(length) = length.map(|l| l as u64) else { return };
        if min.is_some_and(|min| length < min) {
            self.problem(name, format!("needs at least {} item(s)", min.unwrap_or_default()));
        }
        if max.is_some_and(|max| length > max) {
            self.problem(name, format!("has {length} items; at most {} are allowed", max.unwrap_or_default()));
        }
    }

    /// A value the API accepts: not one this SDK does not know.
    pub fn known<E: OpenEnum>(&mut self, name: &str, value: Option<&E>) {
        if let Some(value) = value.filter(|v| !v.is_known()) {
            self.problem(name, format!("{:?} is not one of {}", value.as_str(), E::VALUES.join(", ")));
        }
    }

    /// Every value of a list is known.
    pub fn each_known<E: OpenEnum>(&mut self, name: &str, values: Option<&[E]>) {
        for (i, value) in values.unwrap_or_default().iter().enumerate() {
            self.known(&format!("{name}[{i}]"), Some(value));
        }
    }

    /// A nested object, checked with its own rules.
    pub fn nested<V: Validate>(&mut self, name: &str, value: Option<&V>) {
        let Some(value) = value else { return };
        let inner = format!("{}{name}.", self.prefix);
        let outer = std::mem::replace(&mut self.prefix, inner);
        value.validate(self);
        self.prefix = outer;
    }

    /// Every object of a list.
    pub fn each_nested<V: Validate>(&mut self, name: &str, values: Option<&[V]>) {
        for (i, value) in values.unwrap_or_default().iter().enumerate() {
            self.nested(&format!("{name}[{i}]"), Some(value));
        }
    }

    /// `from ≤ to` and a span of at most `max_hours`.
    pub fn date_range(
        &mut self,
        from_name: &str,
        from: Option<&Timestamp>,
        to_name: &str,
        to: Option<&Timestamp>,
        max_hours: u64,
    ) {
        let (Some(from), Some(to)) = (from, to) else { return };
        let span = to.timestamp_millis() - from.timestamp_millis();
        if span < 0 {
            self.problem(to_name, format!("{to} is before {from_name} {from}"));
        } else if span > (max_hours as i64) * 3_600_000 {
            self.problem(
                to_name,
                format!(
                    "the range from {from_name} spans more than {max_hours} hours (use the iterator, which splits it)"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_problems(value: i64, min: Option<i64>, max: Option<i64>) -> Vec<String> {
        let mut checker = Checker::default();
        checker.int("limitCount", Some(value), min, max);
        checker.problems.into_iter().map(|p| format!("{}: {}", p.name, p.message)).collect()
    }

    #[test]
    fn an_integer_out_of_range_names_its_bounds_and_one_within_them_is_no_problem() {
        assert_eq!(int_problems(301, Some(1), Some(300)), ["limitCount: 301 is out of range: must be 1..=300"]);
        assert_eq!(int_problems(0, Some(1), None), ["limitCount: 0 is out of range: must be at least 1"]);
        assert_eq!(int_problems(9, None, Some(8)), ["limitCount: 9 is out of range: must be at most 8"]);
        assert!(int_problems(300, Some(1), Some(300)).is_empty());
        assert!(int_problems(i64::MIN, None, None).is_empty(), "no bound, no problem");
    }
}
