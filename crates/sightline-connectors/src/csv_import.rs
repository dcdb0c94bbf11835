//! CSV import, for internal tools and spreadsheets. One file holds one kind
//! of record; the first line names the columns (any order, case and spaces
//! ignored). A bad row is reported by its line number and skipped; the rest
//! is imported. Every run reads the whole file; a file whose SHA-256 is
//! that of the last successful read is reported unchanged, not parsed.
//!
//! Columns (required in bold in the README; here: `*`):
//! - tickets: id, created_at*, summary, priority, first_response_at,
//!   resolved_at, assignee, resolved_by, status, reopened, in_sla,
//!   on_hold_minutes (whole minutes the resolution clock stood still, 0 or
//!   more), exclude_from_sla (yes leaves the ticket out of compliance;
//!   empty or missing is no)
//! - devices: id, name*, role (workstation|server|network), managed,
//!   enrolled_at, protection_ok, critical_patch_missing_since, last_seen,
//!   seen_by (management|protection|scanner: which kind of tool the export
//!   comes from; empty or missing is management)
//! - backups: id, system*, date*, succeeded*, type (backup|restore_test|resilience_test)
//! - vulnerabilities: id, asset*, title*, severity* (low|medium|high|critical), first_found*, fixed_at
//! - changes: id, title*, implemented_at*, outcome* (successful|failed|rolled_back), emergency
//! - surveys: id, responded_at*, satisfied*
//!
//! Times are RFC 3339 (`2026-10-01T09:30:00Z`), or `2026-10-01 09:30[:00]`
//! or `2026-10-01`, read as UTC. Yes/no columns take yes, no, true, false,
//! y, n, 1, 0.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};
use sightline_domain::{
    BackupJob, Change, ChangeOutcome, Device, DeviceRole, Inventory, Patch, PatchClass, Provenance, RecordBatch, ResilienceTest,
    RestoreTest, Severity, Survey, Ticket, Vulnerability,
};

use crate::priority::Unmapped;
use crate::{
    FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, PRIORITY_MAP, Progress, ProgressSink, SourceSpec,
    map_priority,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "csv",
    display_name: "CSV file",
    secret_form: None,
    incremental: false,
    probe: false,
    fields: &[
        Field {
            key: "path",
            label: "CSV file",
            hint: "The full path of the file on this computer, such as C:\\Reports\\tickets.csv or /Users/you/tickets.csv.",
            required: true,
            on_form: true,
            form: FieldForm::Path,
        },
        Field {
            key: "record",
            label: "What the file holds",
            hint: "Sightline reads every row as one of these.",
            required: true,
            on_form: true,
            form: FieldForm::Choice(&[
                ("tickets", "Tickets (requests for help)"),
                ("devices", "Computers and their updates"),
                ("backups", "Backup runs and restore tests"),
                ("vulnerabilities", "Security weaknesses"),
                ("changes", "Changes to systems"),
                ("surveys", "Satisfaction surveys"),
            ]),
        },
        PRIORITY_MAP,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

/// Which kind of record a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvRecord {
    Tickets,
    Devices,
    Backups,
    Vulnerabilities,
    Changes,
    Surveys,
}

impl CsvRecord {
    /// The record kind a source's `record` setting names (checked when the
    /// configuration is read).
    pub fn named(name: &str) -> Option<CsvRecord> {
        Some(match name {
            "tickets" => CsvRecord::Tickets,
            "devices" => CsvRecord::Devices,
            "backups" => CsvRecord::Backups,
            "vulnerabilities" => CsvRecord::Vulnerabilities,
            "changes" => CsvRecord::Changes,
            "surveys" => CsvRecord::Surveys,
            _ => return None,
        })
    }
}

/// The columns each record kind must have.
pub fn required_columns(record: CsvRecord) -> &'static [&'static str] {
    match record {
        CsvRecord::Tickets => &["created_at"],
        CsvRecord::Devices => &["name"],
        CsvRecord::Backups => &["system", "date", "succeeded"],
        CsvRecord::Vulnerabilities => &["asset", "title", "severity", "first_found"],
        CsvRecord::Changes => &["title", "implemented_at", "outcome"],
        CsvRecord::Surveys => &["responded_at", "satisfied"],
    }
}

/// Every column a record kind reads; others are ignored.
pub fn known_columns(record: CsvRecord) -> &'static [&'static str] {
    match record {
        CsvRecord::Tickets => &[
            "id",
            "created_at",
            "summary",
            "priority",
            "first_response_at",
            "resolved_at",
            "assignee",
            "resolved_by",
            "status",
            "reopened",
            "in_sla",
            "on_hold_minutes",
            "exclude_from_sla",
        ],
        CsvRecord::Devices => {
            &[
                "id",
                "name",
                "role",
                "managed",
                "enrolled_at",
                "protection_ok",
                "critical_patch_missing_since",
                "last_seen",
                "seen_by",
            ]
        }
        CsvRecord::Backups => &["id", "system", "date", "succeeded", "type"],
        CsvRecord::Vulnerabilities => &["id", "asset", "title", "severity", "first_found", "fixed_at"],
        CsvRecord::Changes => &["id", "title", "implemented_at", "outcome", "emergency"],
        CsvRecord::Surveys => &["id", "responded_at", "satisfied"],
    }
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let path = source.path("path").unwrap_or_default();
    let record = source.text("record").and_then(CsvRecord::named).unwrap_or(CsvRecord::Tickets);
    let bytes = tokio::fs::read(&path).await.map_err(|error| {
        FetchError::new(
            &source.id,
            FetchErrorKind::Io,
            format!("could not read the CSV file {}: {error}", path.display()),
        )
    })?;
    let content = format!("sha256:{}", hex::encode(Sha256::digest(&bytes)));
    if request.known_content == Some(content.as_str()) {
        return Ok(Fetched { full: true, pages: 1, content: Some(content), unchanged: true, ..Fetched::default() });
    }
    let mut fetched = import(request, record, &path, &bytes)?;
    fetched.content = Some(content);
    progress(Progress::fetching(&source.id, fetched.batch.len(), 1));
    Ok(fetched)
}

/// One row, by normalised column name.
struct Row<'a> {
    values: HashMap<&'a str, &'a str>,
}

impl Row<'_> {
    fn text(&self, column: &str) -> Option<&str> {
        self.values.get(column).copied().map(str::trim).filter(|value| !value.is_empty())
    }

    fn required(&self, column: &str) -> Result<&str, String> {
        self.text(column).ok_or_else(|| format!("`{column}` is empty"))
    }

    fn time(&self, column: &str) -> Result<Option<DateTime<Utc>>, String> {
        self.text(column).map(|text| parse_time(text).ok_or_else(|| bad(column, text, "a date"))).transpose()
    }

    fn required_time(&self, column: &str) -> Result<DateTime<Utc>, String> {
        self.time(column)?.ok_or_else(|| format!("`{column}` is empty"))
    }

    fn flag(&self, column: &str) -> Result<Option<bool>, String> {
        self.text(column).map(|text| parse_flag(text).ok_or_else(|| bad(column, text, "yes or no"))).transpose()
    }

    /// A whole number of minutes, 0 or more.
    fn minutes(&self, column: &str) -> Result<Option<i64>, String> {
        self.text(column)
            .map(|text| {
                text.parse::<i64>()
                    .ok()
                    .filter(|minutes| *minutes >= 0)
                    .ok_or_else(|| bad(column, text, "a whole number of minutes (0 or more)"))
            })
            .transpose()
    }
}

fn bad(column: &str, text: &str, wanted: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    format!("`{column}` is '{shown}', not {wanted}")
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(|day| day.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// The line on which a quoted value opens and never closes, if one does.
/// In CSV a quote toggles "inside a value" (a doubled quote toggles twice),
/// so an odd number of quotes leaves the file inside a value at its end,
/// and the last quote that opened one is where the damage began.
fn unclosed_quote(bytes: &[u8]) -> Option<usize> {
    let mut inside = false;
    let mut line = 1;
    let mut opened_on = 1;
    for &byte in bytes {
        match byte {
            b'"' => {
                inside = !inside;
                if inside {
                    opened_on = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    inside.then_some(opened_on)
}

fn normalise(column: &str) -> String {
    column.trim().trim_start_matches('\u{feff}').to_ascii_lowercase().replace([' ', '-'], "_")
}

/// Parses the whole file: the header must hold the required columns; each
/// bad row becomes a warning naming its line.
pub(crate) fn import(
    request: &FetchRequest<'_>,
    record: CsvRecord,
    path: &Path,
    bytes: &[u8],
) -> Result<Fetched, FetchError> {
    let source_id = request.source.id.as_str();
    let file = path.display();
    if let Some(line) = unclosed_quote(bytes) {
        return Err(FetchError::bad_response(
            source_id,
            format!(
                "{file} line {line}: a quote opens here and is never closed, so every row after it would be read as \
                 one value; nothing was imported and the previous data was kept. Close the quote (or double a quote \
                 inside a value: \"\") and sync again"
            ),
        ));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| {
            FetchError::bad_response(source_id, format!("could not read the header line of {file}: {error}"))
        })?
        .iter()
        .map(normalise)
        .collect();
    let missing: Vec<&str> = required_columns(record)
        .iter()
        .copied()
        .filter(|column| !headers.iter().any(|header| header == column))
        .collect();
    if !missing.is_empty() {
        return Err(FetchError::bad_response(
            source_id,
            format!(
                "{file} has no column {}: its first line must name the columns ({})",
                missing.iter().map(|column| format!("`{column}`")).collect::<Vec<_>>().join(", "),
                known_columns(record).join(", ")
            ),
        ));
    }

    let mut fetched = Fetched { full: true, pages: 1, ..Fetched::default() };
    let mut unmapped = Unmapped::default();
    let mut record_row = csv::StringRecord::new();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut lines = Lines::default();
    let mut rows = 0usize;
    loop {
        match reader.read_record(&mut record_row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, |position| lines.at(bytes, position.byte()));
                fetched.warnings.push(format!("{file} line {line}: could not be read ({error}); skipped"));
                continue;
            }
        }
        let line = record_row.position().map_or(0, |position| lines.at(bytes, position.byte()));
        if record_row.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        if record_row.len() != headers.len() {
            fetched.warnings.push(format!(
                "{file} line {line}: has {} values where the header names {} columns; skipped",
                record_row.len(),
                headers.len()
            ));
            continue;
        }
        let row = Row { values: headers.iter().map(String::as_str).zip(record_row.iter()).collect() };
        let record_id = row.text("id").map_or_else(|| format!("line-{line}"), str::to_string);
        if let Some(first) = seen_ids.insert(record_id.clone(), line) {
            fetched
                .warnings
                .push(format!("{file} line {line}: the id '{record_id}' was already used on line {first}; skipped"));
            continue;
        }
        let provenance = Provenance { source_id: source_id.to_string(), record_id, fetched_at: request.now };
        rows += 1;
        let tickets_before = fetched.batch.tickets.len();
        if let Err(problem) = push_row(request, record, &row, provenance, &mut fetched.batch) {
            fetched.warnings.push(format!("{file} line {line}: {problem}; skipped"));
        }
        if let Some(ticket) = fetched.batch.tickets.get(tickets_before) {
            unmapped.note(row.text("priority"), ticket.priority.as_ref());
        }
    }
    fetched.warnings.extend(unmapped.warnings("CSV", source_id));
    // A file none of whose rows can be read has changed shape: replacing
    // the source's records with nothing would lose them all.
    if rows > 0 && fetched.batch.is_empty() {
        let first = fetched.warnings.first().cloned().unwrap_or_default();
        return Err(FetchError::bad_response(
            source_id,
            format!("no row of {file} could be read (the first problem: {first}); the previous data was kept"),
        ));
    }
    Ok(fetched)
}

/// Finds the 1-based line of a byte offset. The csv crate's own line count
/// skips blank lines, which would point a user at the wrong row. Offsets
/// only grow, so it counts each newline once.
#[derive(Debug, Default)]
struct Lines {
    offset: usize,
    line: u64,
}

impl Lines {
    fn at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut end = (offset as usize).min(bytes.len());
        // A record's position is where the reader started, before blank lines.
        while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
            end += 1;
        }
        if end < self.offset {
            *self = Lines::default();
        }
        self.line += bytes[self.offset..end].iter().filter(|byte| **byte == b'\n').count() as u64;
        self.offset = end;
        self.line + 1
    }
}

fn push_row(
    request: &FetchRequest<'_>,
    record: CsvRecord,
    row: &Row<'_>,
    provenance: Provenance,
    batch: &mut RecordBatch,
) -> Result<(), String> {
    let vendor_id = request.source.vendor.clone();
    match record {
        CsvRecord::Tickets => {
            let created_at = row.required_time("created_at")?;
            let first_response_at = row.time("first_response_at")?;
            let resolved_at = row.time("resolved_at")?;
            let priority = row.text("priority");
            batch.tickets.push(Ticket {
                provenance,
                vendor_id,
                summary: row.text("summary").unwrap_or_default().to_string(),
                priority: priority.and_then(|name| map_priority(request.source.priority_map(), name)),
                created_at,
                first_response_at,
                resolved_at,
                assignee: row.text("assignee").map(str::to_string),
                resolved_by: row.text("resolved_by").map(str::to_string),
                status: row
                    .text("status")
                    .unwrap_or(if resolved_at.is_some() { "Resolved" } else { "Open" })
                    .to_string(),
                reopened: row.flag("reopened")?,
                vendor_reported_in_sla: row.flag("in_sla")?,
                paused_minutes: row.minutes("on_hold_minutes")?,
                excluded_from_sla: row.flag("exclude_from_sla")?.unwrap_or(false),
            });
        }
        CsvRecord::Devices => {
            let role = match row.text("role") {
                None => DeviceRole::Workstation,
                Some(text) => DeviceRole::parse(&text.to_ascii_lowercase())
                    .ok_or_else(|| bad("role", text, "workstation, server or network"))?,
            };
            let missing_since = row.time("critical_patch_missing_since")?;
            let device_id = provenance.record_id.clone();
            // Everything about the device is read before anything is kept.
            let device = Device {
                provenance: provenance.clone(),
                vendor_id: vendor_id.clone(),
                name: row.required("name")?.to_string(),
                role,
                managed: row.flag("managed")?.unwrap_or(true),
                enrolled_at: row.time("enrolled_at")?.unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
                protection_ok: row.flag("protection_ok")?,
                last_seen: row.time("last_seen")?,
                seen_by: match row.text("seen_by") {
                    None => Inventory::Management,
                    Some(text) => Inventory::parse(&text.to_ascii_lowercase())
                        .ok_or_else(|| bad("seen_by", text, "management, protection or scanner"))?,
                },
            };
            if let Some(missing_since) = missing_since {
                batch.patches.push(Patch {
                    provenance: Provenance { record_id: format!("{device_id}:critical"), ..provenance.clone() },
                    vendor_id: vendor_id.clone(),
                    device_id,
                    title: "Critical updates missing".into(),
                    class: PatchClass::Critical,
                    missing_since,
                    installed_at: None,
                });
            }
            batch.devices.push(device);
        }
        CsvRecord::Backups => {
            let system = row.required("system")?.to_string();
            let at = row.required_time("date")?;
            let succeeded = row.flag("succeeded")?.ok_or("`succeeded` is empty")?;
            match row.text("type").map(str::to_ascii_lowercase).as_deref() {
                None | Some("backup") => {
                    batch.backups.push(BackupJob { provenance, vendor_id, system, started_at: at, succeeded });
                }
                Some("restore_test" | "restore test" | "restore") => {
                    batch.restore_tests.push(RestoreTest { provenance, vendor_id, system, tested_at: at, succeeded });
                }
                Some("resilience_test" | "resilience test" | "failover") => {
                    batch.resilience_tests.push(ResilienceTest {
                        provenance,
                        vendor_id,
                        name: system,
                        tested_at: at,
                        succeeded,
                    });
                }
                Some(other) => return Err(bad("type", other, "backup, restore_test or resilience_test")),
            }
        }
        CsvRecord::Vulnerabilities => {
            let severity_text = row.required("severity")?;
            batch.vulnerabilities.push(Vulnerability {
                provenance,
                vendor_id,
                asset: row.required("asset")?.to_string(),
                title: row.required("title")?.to_string(),
                severity: Severity::parse(&severity_text.to_ascii_lowercase())
                    .ok_or_else(|| bad("severity", severity_text, "low, medium, high or critical"))?,
                first_found: row.required_time("first_found")?,
                fixed_at: row.time("fixed_at")?,
            });
        }
        CsvRecord::Changes => {
            let outcome_text = row.required("outcome")?;
            let outcome = ChangeOutcome::parse(&outcome_text.to_ascii_lowercase().replace([' ', '-'], "_"))
                .ok_or_else(|| bad("outcome", outcome_text, "successful, failed or rolled_back"))?;
            batch.changes.push(Change {
                provenance,
                vendor_id,
                title: row.required("title")?.to_string(),
                implemented_at: row.required_time("implemented_at")?,
                outcome,
                emergency: row.flag("emergency")?.unwrap_or(false),
            });
        }
        CsvRecord::Surveys => {
            batch.surveys.push(Survey {
                provenance,
                vendor_id,
                responded_at: row.required_time("responded_at")?,
                satisfied: row.flag("satisfied")?.ok_or("`satisfied` is empty")?,
            });
        }
    }
    Ok(())
}
