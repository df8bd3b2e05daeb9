//! Human and machine output: tables that align Korean text (comfy-table measures display
//! width), JSON lines for streams.

use comfy_table::{ContentArrangement, Table};
use serde_json::Value;

/// A table with a header, for human output.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.set_content_arrangement(ContentArrangement::Disabled).set_header(header);
    table
}

/// Prints one JSON value on one line (NDJSON).
pub fn json_line(value: &Value) {
    println!("{value}");
}

/// A JSON value's text for a table cell (`-` when absent).
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
