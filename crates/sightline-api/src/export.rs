//! Export: everything the cache holds, unencrypted, in files any tool
//! reads: every kind of record, the figures, the flags with their notes
//! and actions, the archived board packs, the documents on file and the
//! supplier review log. For leaving Sightline, or for another
//! tool; a backup (`backup.rs`) is the way to keep a copy.
//!
//! Tickets are written with the columns the CSV source reads (`id`,
//! `in_sla`, `on_hold_minutes`, `exclude_from_sla`), so an exported file
//! can be read back through a `csv` source.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ErrorCode;
use crate::{ApiError, Sightline};

/// What `export` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDone {
    pub dir: PathBuf,
    /// File names, with how many rows (or bytes, for PDFs) each holds.
    pub files: Vec<(String, u64)>,
    pub records: u64,
}

/// The file formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Result<ExportFormat, ApiError> {
        match text {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            other => Err(ApiError::invalid(format!("'{other}' is not an export format: use csv or json"))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// Column names the CSV source reads, where the record's own field is named
/// otherwise.
const CSV_SOURCE_NAMES: &[(&str, &str)] = &[
    ("record_id", "id"),
    ("vendor_reported_in_sla", "in_sla"),
    ("paused_minutes", "on_hold_minutes"),
    ("excluded_from_sla", "exclude_from_sla"),
];

fn write_failed(path: &Path, error: impl std::fmt::Display) -> ApiError {
    ApiError { code: ErrorCode::Storage, message: format!("could not write {}: {error}", path.display()) }
}

/// One record as a flat row: nested objects (provenance) are spread into
/// columns, lists and deeper values kept as JSON text.
fn flatten(value: Value) -> Map<String, Value> {
    let mut row = Map::new();
    if let Value::Object(fields) = value {
        for (name, field) in fields {
            match field {
                Value::Object(inner) => {
                    for (inner_name, inner_value) in inner {
                        row.insert(inner_name, inner_value);
                    }
                }
                other => {
                    row.insert(name, other);
                }
            }
        }
    }
    for (from, to) in CSV_SOURCE_NAMES {
        if let Some(value) = row.remove(*from) {
            row.insert((*to).to_string(), value);
        }
    }
    row
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Bool(yes) => if *yes { "yes" } else { "no" }.to_string(),
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    }
}

/// Writes `rows` to `dir/name.ext`; returns the number of rows. Nothing is
/// written for no rows in CSV (there would be no columns to name).
fn write_rows<T: Serialize>(
    dir: &Path,
    name: &str,
    format: ExportFormat,
    rows: &[T],
) -> Result<Option<String>, ApiError> {
    let file = format!("{name}.{}", format.extension());
    let path = dir.join(&file);
    match format {
        ExportFormat::Json => {
            let text = serde_json::to_vec_pretty(rows).map_err(|error| write_failed(&path, error))?;
            std::fs::write(&path, text).map_err(|error| write_failed(&path, error))?;
        }
        ExportFormat::Csv => {
            if rows.is_empty() {
                return Ok(None);
            }
            let flat: Vec<Map<String, Value>> = rows
                .iter()
                .map(|row| serde_json::to_value(row).map(flatten))
                .collect::<Result<_, _>>()
                .map_err(|error| write_failed(&path, error))?;
            let mut columns: Vec<String> = Vec::new();
            for row in &flat {
                for name in row.keys() {
                    if !columns.contains(name) {
                        columns.push(name.clone());
                    }
                }
            }
            let mut out = csv::Writer::from_path(&path).map_err(|error| write_failed(&path, error))?;
            out.write_record(&columns).map_err(|error| write_failed(&path, error))?;
            for row in &flat {
                let cells = columns.iter().map(|name| row.get(name).map(cell).unwrap_or_default());
                out.write_record(cells).map_err(|error| write_failed(&path, error))?;
            }
            out.flush().map_err(|error| write_failed(&path, error))?;
        }
    }
    Ok(Some(file))
}

impl Sightline {
    /// Writes everything the cache holds into `dir`, unencrypted: a new or
    /// empty folder (nothing already there is overwritten).
    pub fn export(&self, dir: &Path, format: ExportFormat) -> Result<ExportDone, ApiError> {
        if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(ApiError::invalid(format!(
                "{} is not empty: export into a new or empty folder, so that nothing there is overwritten",
                dir.display()
            )));
        }
        // Unencrypted: readable by the owner only.
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir.join("reports")).map_err(|error| write_failed(dir, error))?;
        builder.create(dir.join("evidence")).map_err(|error| write_failed(dir, error))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|error| write_failed(dir, error))?;
        }
        let mut files = Vec::new();
        let records = self.store().load_records()?;
        let mut add = |name: &str, written: Option<String>, count: usize| {
            if let Some(file) = written {
                files.push((file, count as u64));
            } else {
                files.push((format!("{name} (none)"), 0));
            }
        };
        macro_rules! kind {
            ($field:ident) => {
                add(
                    stringify!($field),
                    write_rows(dir, stringify!($field), format, &records.$field)?,
                    records.$field.len(),
                );
            };
        }
        kind!(tickets);
        kind!(devices);
        kind!(patches);
        kind!(backups);
        kind!(restore_tests);
        kind!(resilience_tests);
        kind!(certificates);
        kind!(vulnerabilities);
        kind!(changes);
        kind!(surveys);
        kind!(availability);
        kind!(accounts);
        kind!(domains);

        let figures = self.store().load_metric_values(&[])?;
        add("figures", write_rows(dir, "figures", format, &figures)?, figures.len());
        let risks = self.risks(true)?;
        add("flags", write_rows(dir, "flags", format, &risks)?, risks.len());
        let reports = self.reports()?;
        add("reports", write_rows(dir, "reports", format, &reports)?, reports.len());
        // The documents on file (each checked against its SHA-256 when
        // copied below) and the supplier review log.
        let documents = self.documents(None)?;
        add("documents", write_rows(dir, "documents", format, &documents)?, documents.len());
        let reviews = self.reviews(None)?;
        add("reviews", write_rows(dir, "reviews", format, &reviews)?, reviews.len());
        for report in &reports {
            // Each copy's SHA-256 is checked against the archive first.
            let (_, pdf) = self.open_report(report.id)?;
            let name = format!("reports/{}-{}.pdf", report.id, report.period);
            let path = dir.join(&name);
            std::fs::write(&path, &pdf).map_err(|error| write_failed(&path, error))?;
            files.push((name, pdf.len() as u64));
        }
        for document in &documents {
            let name = format!("evidence/{}-{}", document.id, document.file_name);
            self.save_document_copy(document.id, &dir.join(&name))?;
            files.push((name, document.bytes));
        }
        Ok(ExportDone { dir: dir.to_path_buf(), files, records: records.len() as u64 })
    }
}
