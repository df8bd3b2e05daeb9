//! Human and machine output: tables that align Korean text (comfy-table measures display
//! width), JSON lines for streams, CSV for the list-like verbs.

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

/// An optional value's text for a table cell (`-` when absent).
pub fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// CSV to stdout, header first; absent values are empty cells.
pub struct Csv {
    writer: csv::Writer<std::io::Stdout>,
}

impl Csv {
    /// Starts the CSV with its header row.
    pub fn new(header: &[&str]) -> anyhow::Result<Csv> {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(std::io::stdout());
        writer.write_record(header)?;
        Ok(Csv { writer })
    }

    /// One row.
    pub fn row<I, S>(&mut self, cells: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.writer.write_record(cells)?;
        Ok(())
    }

    /// Flushes what is written.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

/// How the list-like verbs print (`--json` is global, `--csv` their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Csv,
}

impl Format {
    /// The format `--json` and `--csv` ask for (both at once is an error).
    pub fn of(json: bool, csv: bool) -> anyhow::Result<Format> {
        match (json, csv) {
            (true, true) => anyhow::bail!("--json and --csv exclude each other"),
            (true, false) => Ok(Format::Json),
            (false, true) => Ok(Format::Csv),
            (false, false) => Ok(Format::Human),
        }
    }
}
