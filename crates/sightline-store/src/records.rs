//! Writing and reading the raw records. One table per record type, keyed by
//! (source id, record id in that source), timestamps as Unix seconds.

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, Row, params};
use sightline_domain::{
    Availability, BackupJob, Certificate, Change, ChangeOutcome, Device, DeviceRole, Patch, PatchClass, Provenance,
    RecordBatch, ResilienceTest, RestoreTest, Severity, Survey, Ticket, Vulnerability,
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
];

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
             enrolled_at, protection_ok)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
             window_end, up_seconds, down_seconds)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
        ])?;
    }
    Ok(())
}

fn load<T>(conn: &Connection, sql: &str, map: impl Fn(&Row<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<Vec<T>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([], map)?;
    rows.collect()
}

/// Reads every record in the cache.
pub(crate) fn load_batch(conn: &Connection) -> rusqlite::Result<RecordBatch> {
    let tickets = load(
        conn,
        "SELECT source_id, record_id, fetched_at, vendor_id, summary, priority, created_at,
                first_response_at, resolved_at, assignee, resolved_by, status, reopened, vendor_in_sla,
                paused_minutes, excluded_from_sla
         FROM tickets ORDER BY created_at, source_id, record_id",
        |row| {
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
        },
    )?;
    let devices = load(
        conn,
        "SELECT source_id, record_id, fetched_at, vendor_id, name, role, managed, enrolled_at, protection_ok
         FROM devices ORDER BY source_id, record_id",
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
            })
        },
    )?;
    let patches = load(
        conn,
        "SELECT source_id, record_id, fetched_at, vendor_id, device_id, title, class, missing_since, installed_at
         FROM patches ORDER BY source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, system, started_at, succeeded
         FROM backup_jobs ORDER BY started_at, source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, system, tested_at, succeeded
         FROM restore_tests ORDER BY tested_at, source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, name, tested_at, succeeded
         FROM resilience_tests ORDER BY tested_at, source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, host, subject, issuer, not_before, not_after,
                trusted, name_matches
         FROM certificates ORDER BY host, not_before, source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, asset, title, severity, first_found, fixed_at
         FROM vulnerabilities ORDER BY first_found, source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, title, implemented_at, outcome, emergency
         FROM changes ORDER BY implemented_at, source_id, record_id",
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
        "SELECT source_id, record_id, fetched_at, vendor_id, responded_at, satisfied
         FROM surveys ORDER BY responded_at, source_id, record_id",
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Survey { provenance, vendor_id, responded_at: read_stamp(row, 4)?, satisfied: row.get(5)? })
        },
    )?;
    let availability = load(
        conn,
        "SELECT source_id, record_id, fetched_at, vendor_id, monitor, window_start, window_end, up_seconds, down_seconds
         FROM availability ORDER BY window_start, source_id, record_id",
        |row| {
            let (provenance, vendor_id) = read_provenance(row)?;
            Ok(Availability {
                provenance,
                vendor_id,
                monitor: row.get(4)?,
                window_start: read_stamp(row, 5)?,
                window_end: read_stamp(row, 6)?,
                up_seconds: row.get(7)?,
                down_seconds: row.get(8)?,
            })
        },
    )?;
    Ok(RecordBatch {
        availability,
        tickets,
        devices,
        patches,
        backups,
        restore_tests,
        resilience_tests,
        certificates,
        vulnerabilities,
        changes,
        surveys,
    })
}
