//! Writing and reading the raw records. One table per record type, keyed by
//! (source id, record id in that source), timestamps as Unix seconds.

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, Row, params};
use sightline_domain::{
    Account, Availability, BackupJob, Certificate, Change, ChangeOutcome, Device, DeviceRole, DomainPosture, Inventory,
    Patch, PatchClass, Provenance, RecordBatch, RecordKind, ResilienceTest, RestoreTest, Severity, Survey, Ticket,
    Vulnerability,
};

/// Tables holding records, each with `source_id` as its first key column.
pub(crate) const RECORD_TABLES: &[&str] = &[
    "tickets",
    "devices",
    "patches",
    "backup_jobs",
    "restore_tests",
    "resilience_tests",
    "certificates",
    "vulnerabilities",
    "changes",
    "surveys",
    "availability",
    "accounts",
    "domains",
];

/// Each record table's instant: the one from which the record can count
/// in a figure (a ticket from its creation, a device from its enrolment).
const INSTANTS: &[(&str, &str)] = &[
    ("tickets", "created_at"),
    ("devices", "enrolled_at"),
    ("patches", "missing_since"),
    ("backup_jobs", "started_at"),
    ("restore_tests", "tested_at"),
    ("resilience_tests", "tested_at"),
    ("certificates", "not_before"),
    ("vulnerabilities", "first_found"),
    ("changes", "implemented_at"),
    ("surveys", "responded_at"),
    ("availability", "window_start"),
    // An account is as it stood when the directory was read.
    ("accounts", "fetched_at"),
    // So is a domain as DNS and its registry published it.
    ("domains", "fetched_at"),
];

/// How many records a source holds, through each table's key.
pub(crate) fn count_source(conn: &Connection, source_id: &str) -> rusqlite::Result<u64> {
    let mut count = 0u64;
    for table in RECORD_TABLES {
        let mut statement = conn.prepare_cached(&format!("SELECT COUNT(*) FROM {table} WHERE source_id = ?1"))?;
        count += statement.query_row([source_id], |row| row.get::<_, i64>(0))? as u64;
    }
    Ok(count)
}

fn min_stamp(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let mut statement = conn.prepare_cached(sql)?;
    Ok(statement.query_row(params, |row| row.get::<_, Option<Stamp>>(0))?.map(|stamp| stamp.0))
}

/// The earliest instant of any record of a source.
pub(crate) fn earliest_of_source(conn: &Connection, source_id: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let mut earliest = None;
    for (table, column) in INSTANTS {
        let found = min_stamp(conn, &format!("SELECT MIN({column}) FROM {table} WHERE source_id = ?1"), [source_id])?;
        earliest = earliest.into_iter().chain(found).min();
    }
    Ok(earliest)
}

/// Keeps a copy of a source's stored records aside (in memory: the
/// store's `temp_store`), for [`earliest_difference`] once a full run has
/// replaced them.
pub(crate) fn set_aside(conn: &Connection, source_id: &str) -> rusqlite::Result<()> {
    for table in RECORD_TABLES {
        conn.execute(
            &format!("CREATE TEMP TABLE IF NOT EXISTS previous_{table} AS SELECT * FROM main.{table} WHERE 0"),
            [],
        )?;
        conn.execute(&format!("DELETE FROM previous_{table}"), [])?;
        conn.execute(
            &format!("INSERT INTO previous_{table} SELECT * FROM main.{table} WHERE source_id = ?1"),
            [source_id],
        )?;
    }
    Ok(())
}

/// For a snapshot source (one that lists what is missing or open now,
/// with the time it looked rather than when the problem began), after a
/// full read has replaced its records, against the copy [`set_aside`]
/// kept: a record read again keeps the earliest time any read saw it, so
/// a missing update's age does not restart at every read (one closed
/// before and listed again is a new sighting, the closed one kept beside
/// it); and a record the
/// read no longer lists is closed at `at` (installed, fixed) and kept,
/// rather than forgotten, so past periods keep what was open in them.
pub(crate) fn settle_snapshot(conn: &Connection, source_id: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    for (table, first, closed, columns) in [
        ("patches", "missing_since", "installed_at", "fetched_at, vendor_id, device_id, title, class, missing_since"),
        ("vulnerabilities", "first_found", "fixed_at", "fetched_at, vendor_id, asset, title, severity, first_found"),
    ] {
        // Closed before and listed again: the closed stretch is kept under
        // its own id (`id@closed`), so the new sighting does not erase it.
        conn.execute(
            &format!(
                "INSERT OR IGNORE INTO main.{table} (source_id, record_id, {columns}, {closed})
                 SELECT source_id, record_id || '@' || {closed}, {columns}, {closed} FROM previous_{table} AS before
                 WHERE before.{closed} IS NOT NULL AND EXISTS (
                     SELECT 1 FROM main.{table} AS now
                     WHERE now.source_id = ?1 AND now.record_id = before.record_id AND now.{closed} IS NULL)"
            ),
            [source_id],
        )?;
        conn.execute(
            &format!(
                "UPDATE main.{table} SET {first} = before.{first} FROM previous_{table} AS before
                 WHERE main.{table}.source_id = ?1 AND before.record_id = main.{table}.record_id
                   AND before.{closed} IS NULL AND before.{first} < main.{table}.{first}"
            ),
            [source_id],
        )?;
        conn.execute(
            &format!(
                "INSERT INTO main.{table} (source_id, record_id, {columns}, {closed})
                 SELECT source_id, record_id, {columns}, COALESCE({closed}, ?2) FROM previous_{table} AS before
                 WHERE NOT EXISTS (SELECT 1 FROM main.{table} AS now
                                   WHERE now.source_id = ?1 AND now.record_id = before.record_id)"
            ),
            params![source_id, stamp(at)],
        )?;
    }
    Ok(())
}

/// For an incremental run: sets aside, as [`set_aside`] does for a whole
/// source, only the stored versions of the records `batch` brings, and
/// remembers which those are (`batch_keys`), so that
/// [`earliest_difference`] compares just them: records sent again
/// unchanged mark nothing out of date.
pub(crate) fn set_aside_batch(conn: &Connection, source_id: &str, batch: &RecordBatch) -> rusqlite::Result<()> {
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS batch_keys (tbl TEXT NOT NULL, record_id TEXT NOT NULL)", [])?;
    conn.execute("DELETE FROM batch_keys", [])?;
    {
        let mut insert = conn.prepare_cached("INSERT INTO batch_keys (tbl, record_id) VALUES (?1, ?2)")?;
        let mut add = |table: &str, provenances: &mut dyn Iterator<Item = &Provenance>| -> rusqlite::Result<()> {
            for provenance in provenances {
                insert.execute(params![table, provenance.record_id])?;
            }
            Ok(())
        };
        add("tickets", &mut batch.tickets.iter().map(|r| &r.provenance))?;
        add("devices", &mut batch.devices.iter().map(|r| &r.provenance))?;
        add("patches", &mut batch.patches.iter().map(|r| &r.provenance))?;
        add("backup_jobs", &mut batch.backups.iter().map(|r| &r.provenance))?;
        add("restore_tests", &mut batch.restore_tests.iter().map(|r| &r.provenance))?;
        add("resilience_tests", &mut batch.resilience_tests.iter().map(|r| &r.provenance))?;
        add("certificates", &mut batch.certificates.iter().map(|r| &r.provenance))?;
        add("vulnerabilities", &mut batch.vulnerabilities.iter().map(|r| &r.provenance))?;
        add("changes", &mut batch.changes.iter().map(|r| &r.provenance))?;
        add("surveys", &mut batch.surveys.iter().map(|r| &r.provenance))?;
        add("availability", &mut batch.availability.iter().map(|r| &r.provenance))?;
        add("accounts", &mut batch.accounts.iter().map(|r| &r.provenance))?;
        add("domains", &mut batch.domains.iter().map(|r| &r.provenance))?;
    }
    for table in RECORD_TABLES {
        conn.execute(
            &format!("CREATE TEMP TABLE IF NOT EXISTS previous_{table} AS SELECT * FROM main.{table} WHERE 0"),
            [],
        )?;
        conn.execute(&format!("DELETE FROM previous_{table}"), [])?;
        conn.execute(
            &format!(
                "INSERT INTO previous_{table} SELECT * FROM main.{table}
                 WHERE source_id = ?1 AND record_id IN (SELECT record_id FROM batch_keys WHERE tbl = ?2)"
            ),
            params![source_id, table],
        )?;
    }
    Ok(())
}

/// The earliest instant of any record a full run added, removed or changed
/// in anything but when it was fetched, against the copy [`set_aside`]
/// kept (which it then empties): a file read again with one row changed
/// makes only that row's periods out of date, not the source's history.
///
/// `keyed`: compare only the records [`set_aside_batch`] noted.
pub(crate) fn earliest_difference(
    conn: &Connection,
    source_id: &str,
    keyed: bool,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let mut earliest = None;
    for (table, instant) in INSTANTS {
        let mut statement = conn.prepare_cached(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
        let columns: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(0))?
            // When it was read, and when a tool last heard from a device,
            // change at every read and say nothing of the past.
            .filter(|name| !matches!(name.as_deref(), Ok("fetched_at" | "last_seen_at")))
            .collect::<rusqlite::Result<_>>()?;
        let columns = columns.join(", ");
        let only = if keyed {
            format!(" AND record_id IN (SELECT record_id FROM batch_keys WHERE tbl = '{table}')")
        } else {
            String::new()
        };
        let now = format!("SELECT {columns} FROM main.{table} WHERE source_id = ?1{only}");
        let before = format!("SELECT {columns} FROM previous_{table}");
        if *instant == "fetched_at" {
            // A record as it stood when read (an account): any change counts
            // from the read that saw it.
            let sql = format!(
                "SELECT CASE WHEN EXISTS ({now} EXCEPT {before}) OR EXISTS ({before} EXCEPT {now})
                 THEN (SELECT MAX(fetched_at) FROM (SELECT fetched_at FROM main.{table} WHERE source_id = ?1{only}
                                                    UNION ALL SELECT fetched_at FROM previous_{table})) END"
            );
            let found = min_stamp(conn, &sql, [source_id])?;
            earliest = earliest.into_iter().chain(found).min();
            conn.execute(&format!("DELETE FROM previous_{table}"), [])?;
            continue;
        }
        for sql in [
            format!("SELECT MIN({instant}) FROM ({now} EXCEPT {before})"),
            format!("SELECT MIN({instant}) FROM ({before} EXCEPT {now})"),
        ] {
            let found = min_stamp(conn, &sql, [source_id])?;
            earliest = earliest.into_iter().chain(found).min();
        }
        conn.execute(&format!("DELETE FROM previous_{table}"), [])?;
    }
    Ok(earliest)
}

/// The earliest instant of any record in the cache, over the kinds the
/// history's periods are counted from.
pub(crate) fn earliest(conn: &Connection) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let mut earliest = None;
    for (table, column) in INSTANTS {
        if matches!(
            *table,
            "devices" | "certificates" | "restore_tests" | "resilience_tests" | "availability" | "accounts" | "domains"
        ) {
            continue;
        }
        let found = min_stamp(conn, &format!("SELECT MIN({column}) FROM {table}"), [])?;
        earliest = earliest.into_iter().chain(found).min();
    }
    Ok(earliest)
}

/// The earliest instant of any record in the batch.
pub(crate) fn earliest_in(batch: &RecordBatch) -> Option<DateTime<Utc>> {
    batch
        .tickets
        .iter()
        .map(|r| r.created_at)
        .chain(batch.devices.iter().map(|r| r.enrolled_at))
        .chain(batch.patches.iter().map(|r| r.missing_since))
        .chain(batch.backups.iter().map(|r| r.started_at))
        .chain(batch.restore_tests.iter().map(|r| r.tested_at))
        .chain(batch.resilience_tests.iter().map(|r| r.tested_at))
        .chain(batch.certificates.iter().map(|r| r.not_before))
        .chain(batch.vulnerabilities.iter().map(|r| r.first_found))
        .chain(batch.changes.iter().map(|r| r.implemented_at))
        .chain(batch.surveys.iter().map(|r| r.responded_at))
        .chain(batch.availability.iter().map(|r| r.window_start))
        .chain(batch.accounts.iter().map(|r| r.provenance.fetched_at))
        .min()
}

/// A UTC timestamp stored as Unix seconds.
pub(crate) struct Stamp(pub DateTime<Utc>);

impl FromSql for Stamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Stamp> {
        let seconds = i64::column_result(value)?;
        DateTime::from_timestamp(seconds, 0).map(Stamp).ok_or(FromSqlError::OutOfRange(seconds))
    }
}

pub(crate) fn stamp(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn optional_stamp(at: Option<DateTime<Utc>>) -> Option<i64> {
    at.map(stamp)
}

pub(crate) fn read_stamp(row: &Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    Ok(row.get::<_, Stamp>(index)?.0)
}

pub(crate) fn read_optional_stamp(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(row.get::<_, Option<Stamp>>(index)?.map(|stamp| stamp.0))
}

/// Parses a text column through one of the domain's `parse` functions.
fn read_enum<T>(row: &Row<'_>, index: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("unknown value '{text}'").into(),
        )
    })
}

/// The first four columns of every record table.
fn read_provenance(row: &Row<'_>) -> rusqlite::Result<(Provenance, String)> {
    Ok((Provenance { source_id: row.get(0)?, record_id: row.get(1)?, fetched_at: read_stamp(row, 2)? }, row.get(3)?))
}

/// Deletes every record that came from `source_id`.
pub(crate) fn delete_source_records(conn: &Connection, source_id: &str) -> rusqlite::Result<()> {
    for table in RECORD_TABLES {
        conn.execute(&format!("DELETE FROM {table} WHERE source_id = ?1"), [source_id])?;
    }
    Ok(())
}

/// Inserts (or replaces, by key) every record of the batch.
pub(crate) fn insert_batch(conn: &Connection, batch: &RecordBatch) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO tickets (source_id, record_id, fetched_at, vendor_id, summary, priority,
             created_at, first_response_at, resolved_at, assignee, resolved_by, status, reopened, vendor_in_sla,
             paused_minutes, excluded_from_sla)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    for ticket in &batch.tickets {
        let p = &ticket.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            ticket.vendor_id,
            ticket.summary,
            ticket.priority,
            stamp(ticket.created_at),
            optional_stamp(ticket.first_response_at),
            optional_stamp(ticket.resolved_at),
            ticket.assignee,
            ticket.resolved_by,
            ticket.status,
            ticket.reopened,
            ticket.vendor_reported_in_sla,
            ticket.paused_minutes,
            ticket.excluded_from_sla,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO devices (source_id, record_id, fetched_at, vendor_id, name, role, managed,
             enrolled_at, protection_ok, last_seen_at, inventory)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for device in &batch.devices {
        let p = &device.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            device.vendor_id,
            device.name,
            device.role.as_str(),
            device.managed,
            stamp(device.enrolled_at),
            device.protection_ok,
            optional_stamp(device.last_seen),
            device.seen_by.as_str(),
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO patches (source_id, record_id, fetched_at, vendor_id, device_id, title, class,
             missing_since, installed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for patch in &batch.patches {
        let p = &patch.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            patch.vendor_id,
            patch.device_id,
            patch.title,
            patch.class.as_str(),
            stamp(patch.missing_since),
            optional_stamp(patch.installed_at),
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO backup_jobs (source_id, record_id, fetched_at, vendor_id, system, started_at, succeeded)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for job in &batch.backups {
        let p = &job.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            job.vendor_id,
            job.system,
            stamp(job.started_at),
            job.succeeded,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO restore_tests (source_id, record_id, fetched_at, vendor_id, system, tested_at, succeeded)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for test in &batch.restore_tests {
        let p = &test.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            test.vendor_id,
            test.system,
            stamp(test.tested_at),
            test.succeeded,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO resilience_tests (source_id, record_id, fetched_at, vendor_id, name, tested_at, succeeded)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for test in &batch.resilience_tests {
        let p = &test.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            test.vendor_id,
            test.name,
            stamp(test.tested_at),
            test.succeeded,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO certificates (source_id, record_id, fetched_at, vendor_id, host, subject, issuer,
             not_before, not_after, trusted, name_matches)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for certificate in &batch.certificates {
        let p = &certificate.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            certificate.vendor_id,
            certificate.host,
            certificate.subject,
            certificate.issuer,
            stamp(certificate.not_before),
            stamp(certificate.not_after),
            certificate.trusted,
            certificate.name_matches,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO vulnerabilities (source_id, record_id, fetched_at, vendor_id, asset, title, severity,
             first_found, fixed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for vulnerability in &batch.vulnerabilities {
        let p = &vulnerability.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            vulnerability.vendor_id,
            vulnerability.asset,
            vulnerability.title,
            vulnerability.severity.as_str(),
            stamp(vulnerability.first_found),
            optional_stamp(vulnerability.fixed_at),
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO changes (source_id, record_id, fetched_at, vendor_id, title, implemented_at, outcome, emergency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for change in &batch.changes {
        let p = &change.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            change.vendor_id,
            change.title,
            stamp(change.implemented_at),
            change.outcome.as_str(),
            change.emergency,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO surveys (source_id, record_id, fetched_at, vendor_id, responded_at, satisfied)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for survey in &batch.surveys {
        let p = &survey.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            survey.vendor_id,
            stamp(survey.responded_at),
            survey.satisfied,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO availability (source_id, record_id, fetched_at, vendor_id, monitor, window_start,
             window_end, up_seconds, down_seconds, status, latency_ms, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for sample in &batch.availability {
        let p = &sample.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            sample.vendor_id,
            sample.monitor,
            stamp(sample.window_start),
            stamp(sample.window_end),
            sample.up_seconds,
            sample.down_seconds,
            sample.status,
            sample.latency_ms,
            sample.detail,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO accounts (source_id, record_id, fetched_at, vendor_id, user, display_name, enabled,
             admin, mfa_registered, last_sign_in, created_at, provider)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for account in &batch.accounts {
        let p = &account.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            account.vendor_id,
            account.user,
            account.display_name,
            account.enabled,
            account.admin,
            account.mfa_registered,
            optional_stamp(account.last_sign_in),
            optional_stamp(account.created_at),
            account.provider,
        ])?;
    }

    let mut statement = conn.prepare_cached(
        // A domain read again without its registry's answer (a run that
        // is not a complete reading) keeps the expiry it had.
        "INSERT INTO domains (source_id, record_id, fetched_at, vendor_id, domain, spf, dmarc,
             mail_servers, expires_at, registrar)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (source_id, record_id) DO UPDATE SET
             fetched_at = excluded.fetched_at, vendor_id = excluded.vendor_id, domain = excluded.domain,
             spf = excluded.spf, dmarc = excluded.dmarc, mail_servers = excluded.mail_servers,
             expires_at = COALESCE(excluded.expires_at, domains.expires_at),
             registrar = COALESCE(excluded.registrar, domains.registrar)",
    )?;
    for posture in &batch.domains {
        let p = &posture.provenance;
        statement.execute(params![
            p.source_id,
            p.record_id,
            stamp(p.fetched_at),
            posture.vendor_id,
            posture.domain,
            text_list(&posture.spf),
            text_list(&posture.dmarc),
            text_list(&posture.mail_servers),
            optional_stamp(posture.expires_at),
            posture.registrar,
        ])?;
    }
    Ok(())
}

/// A list of strings as one column: a JSON array.
fn text_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// A column [`text_list`] wrote.
fn read_text_list(row: &Row<'_>, index: usize) -> rusqlite::Result<Vec<String>> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text)
        .map_err(|error| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(error)))
}

/// Which records to read: those of some kinds only, of one vendor only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted<'a> {
    pub kinds: &'a [RecordKind],
    pub vendor: Option<&'a str>,
}

impl Wanted<'_> {
    pub const EVERYTHING: Wanted<'static> = Wanted { kinds: &RecordKind::ALL, vendor: None };
}

/// The rows of `sql` (nothing, without a query, when its kind is not
/// wanted), with `:vendor` bound to the wanted vendor.
fn load<T>(
    conn: &Connection,
    kind: RecordKind,
    wanted: Wanted<'_>,
    sql: &str,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    if !wanted.kinds.contains(&kind) {
        return Ok(Vec::new());
    }
    let mut statement = conn.prepare(sql)?;
    match wanted.vendor {
        Some(vendor) => statement.query_map(rusqlite::named_params! { ":vendor": vendor }, map)?.collect(),
        None => statement.query_map([], map)?.collect(),
    }
}

/// Each monitor's latest window from `source_id`.
pub(crate) fn latest_windows(conn: &Connection, source_id: &str) -> rusqlite::Result<Vec<Availability>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {AVAILABILITY_COLUMNS}
         FROM availability AS a
         WHERE source_id = ?1
           AND window_start = (SELECT MAX(window_start) FROM availability AS b
                               WHERE b.source_id = a.source_id AND b.monitor = a.monitor)
         ORDER BY monitor"
    ))?;
    let rows = statement.query_map([source_id], read_availability)?;
    rows.collect()
}

/// The availability columns `AVAILABILITY_COLUMNS` selects, as a record.
fn read_availability(row: &Row<'_>) -> rusqlite::Result<Availability> {
    let (provenance, vendor_id) = read_provenance(row)?;
    Ok(Availability {
        provenance,
        vendor_id,
        monitor: row.get(4)?,
        window_start: read_stamp(row, 5)?,
        window_end: read_stamp(row, 6)?,
        up_seconds: row.get(7)?,
        down_seconds: row.get(8)?,
        status: row.get(9)?,
        latency_ms: row.get(10)?,
        detail: row.get(11)?,
    })
}

/// What [`read_availability`] reads, in its order.
const AVAILABILITY_COLUMNS: &str = "source_id, record_id, fetched_at, vendor_id, monitor, window_start, window_end, \
                                    up_seconds, down_seconds, status, latency_ms, detail";

/// The instants [from, to) whose periods are being computed: the records
/// read are those any figure of those periods, or any rule at their end,
/// can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The filter of each table for a window, as SQL over Unix seconds (two
/// integers, nothing from outside; `None` reads every row), and for one
/// vendor, bound as `:vendor`.
struct Filter {
    window: Option<(i64, i64)>,
    vendor: bool,
}

impl Filter {
    /// ` WHERE` and the conditions, or nothing when there are none.
    fn clause(&self, window: Option<String>) -> String {
        let conditions: Vec<String> =
            window.into_iter().chain(self.vendor.then(|| "vendor_id = :vendor".into())).collect();
        if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) }
    }

    /// ` AND` the vendor's condition, after a condition of the window.
    fn and_vendor(&self) -> &'static str {
        if self.vendor { " AND vendor_id = :vendor" } else { "" }
    }

    /// Rows whose instant lies in the window.
    fn during(&self, column: &str) -> String {
        self.clause(self.window.map(|(from, to)| format!("{column} >= {from} AND {column} < {to}")))
    }

    /// Availability windows that reach into the window: started in it or
    /// up to a day before (a window is at most a day long), so that an
    /// outage running into the period is seen to have begun before it.
    fn reaching(&self, column: &str) -> String {
        self.clause(self.window.map(|(from, to)| format!("{column} >= {} AND {column} < {to}", from - 86_400)))
    }

    /// Rows open at some instant of the window: begun before its end and
    /// not ended before its start.
    fn open_during(&self, begins: &str, ends: &str) -> String {
        self.clause(self.window.map(|(from, to)| format!("{begins} < {to} AND ({ends} IS NULL OR {ends} >= {from})")))
    }

    /// Every row (of the vendor).
    fn every(&self) -> String {
        self.clause(None)
    }
}

/// Every ticket any figure of the window can use: created in it, or open
/// at some instant of it. Three disjoint sets of keys, each found in an
/// index alone (`wanted`, kept apart so that SQLite cannot fold it back
/// into one scan), then each row read once by its key: a month of a million
/// tickets reads that month's and the open ones. (Asked for directly,
/// SQLite read the row behind every index entry it scanned before testing
/// `created_at`: for a quarter early in five years, a million rows read for
/// fifty thousand kept, 1.2 s instead of 0.3 s.)
fn ticket_filter(filter: &Filter, columns: &str) -> String {
    match filter.window {
        None => format!("SELECT {columns} FROM tickets{}", filter.every()),
        Some((from, to)) => format!(
            "WITH wanted AS MATERIALIZED (
                 SELECT source_id, record_id FROM tickets INDEXED BY tickets_by_resolved
                     WHERE resolved_at IS NULL AND created_at < {to}
                 UNION ALL SELECT source_id, record_id FROM tickets INDEXED BY tickets_by_resolved
                     WHERE resolved_at >= {from} AND created_at < {to}
                 UNION ALL SELECT source_id, record_id FROM tickets INDEXED BY tickets_by_created
                     WHERE created_at >= {from} AND created_at < {to} AND resolved_at < {from})
             SELECT {columns} FROM wanted CROSS JOIN tickets USING (source_id, record_id){}",
            filter.clause(None)
        ),
    }
}

/// Backup jobs in the window, and every system's first job before it (a
/// system is protected from its first backup on).
fn backup_filter(filter: &Filter, columns: &str) -> String {
    let vendor = filter.and_vendor();
    match filter.window {
        None => format!("SELECT {columns} FROM backup_jobs{}", filter.every()),
        Some((from, to)) => format!(
            "SELECT {columns} FROM backup_jobs INDEXED BY backup_jobs_by_started
                 WHERE started_at >= {from} AND started_at < {to}{vendor}
             UNION ALL SELECT {columns} FROM backup_jobs
                 WHERE started_at < {from}{vendor} AND (vendor_id, system, started_at) IN
                     (SELECT vendor_id, system, MIN(started_at) FROM backup_jobs INDEXED BY backup_jobs_by_system
                      GROUP BY vendor_id, system)"
        ),
    }
}

/// Sorts by an instant, then by source and record id: the order every
/// reader of the batch gets, whatever order SQLite returned.
fn by_time<T>(mut items: Vec<T>, at: impl Fn(&T) -> DateTime<Utc>, provenance: impl Fn(&T) -> &Provenance) -> Vec<T> {
    items.sort_unstable_by(|a, b| {
        let (pa, pb) = (provenance(a), provenance(b));
        at(a).cmp(&at(b)).then_with(|| pa.source_id.cmp(&pb.source_id)).then_with(|| pa.record_id.cmp(&pb.record_id))
    });
    items
}

/// Reads every record in the cache, or only those a window's figures use.
/// The columns [`read_ticket`] reads, in its order.
const TICKET_COLUMNS: &str = "source_id, record_id, fetched_at, vendor_id, summary, priority, created_at,
    first_response_at, resolved_at, assignee, resolved_by, status, reopened, vendor_in_sla,
    paused_minutes, excluded_from_sla";

fn read_ticket(row: &Row<'_>) -> rusqlite::Result<Ticket> {
    let (provenance, vendor_id) = read_provenance(row)?;
    Ok(Ticket {
        provenance,
        vendor_id,
        summary: row.get(4)?,
        priority: row.get(5)?,
        created_at: read_stamp(row, 6)?,
        first_response_at: read_optional_stamp(row, 7)?,
        resolved_at: read_optional_stamp(row, 8)?,
        assignee: row.get(9)?,
        resolved_by: row.get(10)?,
        status: row.get(11)?,
        reopened: row.get(12)?,
        vendor_reported_in_sla: row.get(13)?,
        paused_minutes: row.get(14)?,
        excluded_from_sla: row.get(15)?,
    })
}

/// One vendor's tickets created in `window`, through the creation index,
/// in the order a full load gives them.
pub(crate) fn tickets_created(
    conn: &Connection,
    vendor_id: &str,
    window: RecordWindow,
) -> rusqlite::Result<Vec<Ticket>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_by_created
         WHERE created_at >= ?1 AND created_at < ?2 AND vendor_id = ?3"
    ))?;
    let rows = statement.query_map(params![stamp(window.from), stamp(window.to), vendor_id], read_ticket)?;
    rows.collect()
}

/// Every ticket of one source.
pub(crate) fn tickets_of_source(conn: &Connection, source_id: &str) -> rusqlite::Result<Vec<Ticket>> {
    let mut statement = conn.prepare(&format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE source_id = ?1"))?;
    let rows = statement.query_map([source_id], read_ticket)?;
    rows.collect()
}

pub(crate) fn load_batch(
    conn: &Connection,
    window: Option<RecordWindow>,
    wanted: Wanted<'_>,
) -> rusqlite::Result<RecordBatch> {
    let filter =
        Filter { window: window.map(|window| (stamp(window.from), stamp(window.to))), vendor: wanted.vendor.is_some() };
    let tickets = load(conn, RecordKind::Ticket, wanted, &ticket_filter(&filter, TICKET_COLUMNS), read_ticket)?;
    let devices = load(
        conn,
        RecordKind::Device,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, name, role, managed, enrolled_at, protection_ok,
                    last_seen_at, inventory
             FROM devices{} ORDER BY source_id, record_id",
            filter.every()
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Device {
                provenance,
                vendor_id,
                name: row.get(4)?,
                role: read_enum(row, 5, DeviceRole::parse)?,
                managed: row.get(6)?,
                enrolled_at: read_stamp(row, 7)?,
                protection_ok: row.get(8)?,
                last_seen: read_optional_stamp(row, 9)?,
                seen_by: read_enum(row, 10, Inventory::parse)?,
            })
        },
    )?;
    let patches = load(
        conn,
        RecordKind::Patch,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, device_id, title, class, missing_since, installed_at
         FROM patches{}",
            filter.open_during("missing_since", "installed_at")
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Patch {
                provenance,
                vendor_id,
                device_id: row.get(4)?,
                title: row.get(5)?,
                class: read_enum(row, 6, PatchClass::parse)?,
                missing_since: read_stamp(row, 7)?,
                installed_at: read_optional_stamp(row, 8)?,
            })
        },
    )?;
    let backups = load(
        conn,
        RecordKind::Backup,
        wanted,
        &backup_filter(&filter, "source_id, record_id, fetched_at, vendor_id, system, started_at, succeeded"),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(BackupJob {
                provenance,
                vendor_id,
                system: row.get(4)?,
                started_at: read_stamp(row, 5)?,
                succeeded: row.get(6)?,
            })
        },
    )?;
    let restore_tests = load(
        conn,
        RecordKind::RestoreTest,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, system, tested_at, succeeded FROM restore_tests{}",
            filter.every()
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(RestoreTest {
                provenance,
                vendor_id,
                system: row.get(4)?,
                tested_at: read_stamp(row, 5)?,
                succeeded: row.get(6)?,
            })
        },
    )?;
    let resilience_tests = load(
        conn,
        RecordKind::ResilienceTest,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, name, tested_at, succeeded FROM resilience_tests{}",
            filter.every()
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(ResilienceTest {
                provenance,
                vendor_id,
                name: row.get(4)?,
                tested_at: read_stamp(row, 5)?,
                succeeded: row.get(6)?,
            })
        },
    )?;
    let certificates = load(
        conn,
        RecordKind::Certificate,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, host, subject, issuer, not_before, not_after,
                    trusted, name_matches
             FROM certificates{} ORDER BY host, not_before, source_id, record_id",
            filter.every()
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Certificate {
                provenance,
                vendor_id,
                host: row.get(4)?,
                subject: row.get(5)?,
                issuer: row.get(6)?,
                not_before: read_stamp(row, 7)?,
                not_after: read_stamp(row, 8)?,
                trusted: row.get(9)?,
                name_matches: row.get(10)?,
            })
        },
    )?;
    let vulnerabilities = load(
        conn,
        RecordKind::Vulnerability,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, asset, title, severity, first_found, fixed_at
             FROM vulnerabilities{}",
            filter.open_during("first_found", "fixed_at")
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Vulnerability {
                provenance,
                vendor_id,
                asset: row.get(4)?,
                title: row.get(5)?,
                severity: read_enum(row, 6, Severity::parse)?,
                first_found: read_stamp(row, 7)?,
                fixed_at: read_optional_stamp(row, 8)?,
            })
        },
    )?;
    let changes = load(
        conn,
        RecordKind::Change,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, title, implemented_at, outcome, emergency
             FROM changes{}",
            filter.during("implemented_at")
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Change {
                provenance,
                vendor_id,
                title: row.get(4)?,
                implemented_at: read_stamp(row, 5)?,
                outcome: read_enum(row, 6, ChangeOutcome::parse)?,
                emergency: row.get(7)?,
            })
        },
    )?;
    let surveys = load(
        conn,
        RecordKind::Survey,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, responded_at, satisfied FROM surveys{}",
            filter.during("responded_at")
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Survey { provenance, vendor_id, responded_at: read_stamp(row, 4)?, satisfied: row.get(5)? })
        },
    )?;
    let availability = load(
        conn,
        RecordKind::Availability,
        wanted,
        &format!("SELECT {AVAILABILITY_COLUMNS} FROM availability{}", filter.reaching("window_start")),
        read_availability,
    )?;
    // Accounts are as the directory stood when read: every one is read.
    let accounts = load(
        conn,
        RecordKind::Account,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, user, display_name, enabled, admin, mfa_registered,
                    last_sign_in, created_at, provider
             FROM accounts{} ORDER BY source_id, record_id",
            filter.every()
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Account {
                provenance,
                vendor_id,
                user: row.get(4)?,
                display_name: row.get(5)?,
                enabled: row.get(6)?,
                admin: row.get(7)?,
                mfa_registered: row.get(8)?,
                last_sign_in: read_optional_stamp(row, 9)?,
                created_at: read_optional_stamp(row, 10)?,
                provider: row.get(11)?,
            })
        },
    )?;
    // A domain is as DNS published it when read: every one is read.
    let domains = load(
        conn,
        RecordKind::Domain,
        wanted,
        &format!(
            "SELECT source_id, record_id, fetched_at, vendor_id, domain, spf, dmarc, mail_servers, expires_at,
                    registrar
             FROM domains{} ORDER BY domain, source_id, record_id",
            filter.every()
        ),
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(DomainPosture {
                provenance,
                vendor_id,
                domain: row.get(4)?,
                spf: read_text_list(row, 5)?,
                dmarc: read_text_list(row, 6)?,
                mail_servers: read_text_list(row, 7)?,
                expires_at: read_optional_stamp(row, 8)?,
                registrar: row.get(9)?,
            })
        },
    )?;
    Ok(RecordBatch {
        accounts,
        domains,
        availability: by_time(availability, |sample| sample.window_start, |sample| &sample.provenance),
        tickets: by_time(tickets, |ticket| ticket.created_at, |ticket| &ticket.provenance),
        devices,
        patches: by_time(patches, |patch| patch.missing_since, |patch| &patch.provenance),
        backups: by_time(backups, |job| job.started_at, |job| &job.provenance),
        restore_tests: by_time(restore_tests, |test| test.tested_at, |test| &test.provenance),
        resilience_tests: by_time(resilience_tests, |test| test.tested_at, |test| &test.provenance),
        certificates,
        vulnerabilities: by_time(vulnerabilities, |found| found.first_found, |found| &found.provenance),
        changes: by_time(changes, |change| change.implemented_at, |change| &change.provenance),
        surveys: by_time(surveys, |survey| survey.responded_at, |survey| &survey.provenance),
    })
}
