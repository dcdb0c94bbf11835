//! The engine's results as the cache keeps them, so that screens and reports
//! read them instantly: every metric value, the flags with their history,
//! and the acknowledgements (user data, never deleted by a recomputation).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};
use sightline_domain::{
    Acknowledgement, EvidencePoint, FlagSeverity, FlagState, MetricKey, MetricProvenance, MetricValue, Period,
    RiskFlag, Scope, Status, StoredFlag,
};

use crate::records::{read_optional_stamp, read_stamp, stamp};

fn scope_text(scope: &Scope) -> &str {
    scope.id()
}

fn parse_scope(text: String) -> Scope {
    if text == "all" { Scope::All } else { Scope::Vendor(text) }
}

fn conversion_error(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, message.into())
}

fn status_from(text: &str) -> Option<Status> {
    [Status::Met, Status::AtRisk, Status::Missed, Status::NoTarget].into_iter().find(|status| status.as_str() == text)
}

pub(crate) fn replace(
    conn: &Connection,
    values: &[MetricValue],
    flags: &[StoredFlag],
    assessed_for: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM metric_values", [])?;
    insert_values(conn, values)?;
    replace_flags(conn, flags, assessed_for)
}

/// Replaces the stored values of `periods` with `values`; other periods'
/// stay as they are.
pub(crate) fn replace_values(conn: &Connection, periods: &[Period], values: &[MetricValue]) -> rusqlite::Result<()> {
    let mut delete = conn.prepare_cached("DELETE FROM metric_values WHERE period = ?1")?;
    for period in periods {
        delete.execute([period.to_string()])?;
    }
    insert_values(conn, values)
}

fn insert_values(conn: &Connection, values: &[MetricValue]) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO metric_values (scope, metric, period, value, target, status, previous, sources, records,
             skipped, oldest_fetched_at, skipped_reasons)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for value in values {
        statement.execute(params![
            scope_text(&value.scope),
            value.metric.as_str(),
            value.period.to_string(),
            value.value,
            value.target,
            value.status.as_str(),
            value.previous,
            value.provenance.sources.join(","),
            value.provenance.records as i64,
            value.provenance.skipped as i64,
            value.provenance.oldest_fetched_at.map(stamp),
            if value.provenance.skipped_reasons.is_empty() {
                "[]".to_string()
            } else {
                serde_json::to_string(&value.provenance.skipped_reasons).expect("reasons serialise")
            },
        ])?;
    }
    Ok(())
}

/// Replaces the stored flags and says when they were assessed.
pub(crate) fn replace_flags(
    conn: &Connection,
    flags: &[StoredFlag],
    assessed_for: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM flags", [])?;
    let mut statement = conn.prepare_cached(
        "INSERT INTO flags (id, rule, vendor_id, severity, headline, why, question, evidence, records, state,
             first_seen, last_seen, resolved_at, returned)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for stored in flags {
        let flag = &stored.flag;
        statement.execute(params![
            flag.id,
            flag.rule,
            flag.vendor,
            flag.severity.as_str(),
            flag.headline,
            flag.why,
            flag.question,
            serde_json::to_string(&flag.evidence).expect("evidence serialises"),
            serde_json::to_string(&flag.records).expect("record ids serialise"),
            stored.state.as_str(),
            stamp(stored.first_seen),
            stamp(stored.last_seen),
            stored.resolved_at.map(stamp),
            stored.returned,
        ])?;
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('assessed_for', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [assessed_for.to_rfc3339()],
    )?;
    Ok(())
}

fn metric_value(row: &Row<'_>) -> rusqlite::Result<MetricValue> {
    let metric: String = row.get(1)?;
    let period: String = row.get(2)?;
    let status: String = row.get(5)?;
    let sources: String = row.get(7)?;
    Ok(MetricValue {
        scope: parse_scope(row.get(0)?),
        metric: MetricKey::parse(&metric).ok_or_else(|| conversion_error(1, format!("unknown metric {metric}")))?,
        period: period.parse::<Period>().map_err(|error| conversion_error(2, error.to_string()))?,
        value: row.get(3)?,
        target: row.get(4)?,
        status: status_from(&status).ok_or_else(|| conversion_error(5, format!("unknown status {status}")))?,
        previous: row.get(6)?,
        provenance: MetricProvenance {
            sources: if sources.is_empty() { Vec::new() } else { sources.split(',').map(Into::into).collect() },
            records: row.get::<_, i64>(8)? as u64,
            skipped: row.get::<_, i64>(9)? as u64,
            skipped_reasons: serde_json::from_str(&row.get::<_, String>(11)?)
                .map_err(|error| conversion_error(11, error.to_string()))?,
            oldest_fetched_at: read_optional_stamp(row, 10)?,
        },
    })
}

/// Stored values for the periods given (all periods when empty).
pub(crate) fn load_values(conn: &Connection, periods: &[Period]) -> rusqlite::Result<Vec<MetricValue>> {
    const COLUMNS: &str =
        "SELECT scope, metric, period, value, target, status, previous, sources, records, skipped, oldest_fetched_at,
                skipped_reasons
         FROM metric_values";
    if periods.is_empty() {
        let mut statement = conn.prepare(&format!("{COLUMNS} ORDER BY period, scope, metric"))?;
        return statement.query_map([], metric_value)?.collect();
    }
    let mut values = Vec::new();
    let mut statement = conn.prepare_cached(&format!("{COLUMNS} WHERE period = ?1 ORDER BY scope, metric"))?;
    for period in periods {
        for value in statement.query_map([period.to_string()], metric_value)? {
            values.push(value?);
        }
    }
    Ok(values)
}

pub(crate) fn load_flags(conn: &Connection) -> rusqlite::Result<Vec<StoredFlag>> {
    let mut statement = conn.prepare(
        "SELECT id, rule, vendor_id, severity, headline, why, question, evidence, records, state, first_seen,
                last_seen, resolved_at, returned
         FROM flags
         ORDER BY state = 'resolved', severity = 'red' DESC, id",
    )?;
    let flags = statement.query_map([], |row| {
        let severity: String = row.get(3)?;
        let evidence: String = row.get(7)?;
        let records: String = row.get(8)?;
        let state: String = row.get(9)?;
        let evidence: Vec<EvidencePoint> =
            serde_json::from_str(&evidence).map_err(|error| conversion_error(7, error.to_string()))?;
        let records: Vec<String> =
            serde_json::from_str(&records).map_err(|error| conversion_error(8, error.to_string()))?;
        Ok(StoredFlag {
            flag: RiskFlag {
                id: row.get(0)?,
                rule: row.get(1)?,
                vendor: row.get(2)?,
                severity: FlagSeverity::parse(&severity)
                    .ok_or_else(|| conversion_error(3, format!("unknown severity {severity}")))?,
                headline: row.get(4)?,
                why: row.get(5)?,
                question: row.get(6)?,
                evidence,
                records,
            },
            state: FlagState::parse(&state).ok_or_else(|| conversion_error(9, format!("unknown state {state}")))?,
            first_seen: read_stamp(row, 10)?,
            last_seen: read_stamp(row, 11)?,
            resolved_at: read_optional_stamp(row, 12)?,
            returned: row.get(13)?,
        })
    })?;
    flags.collect()
}

pub(crate) fn acknowledge(conn: &Connection, flag_id: &str, note: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO acknowledgements (flag_id, note, acknowledged_at) VALUES (?1, ?2, ?3)",
        params![flag_id, note, stamp(at)],
    )?;
    Ok(())
}

/// The latest acknowledgement of each flag.
pub(crate) fn acknowledgements(conn: &Connection) -> rusqlite::Result<HashMap<String, Acknowledgement>> {
    let mut statement =
        conn.prepare("SELECT flag_id, note, acknowledged_at FROM acknowledgements ORDER BY acknowledged_at, id")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, Acknowledgement { note: row.get(1)?, at: read_stamp(row, 2)? }))
    })?;
    let mut latest = HashMap::new();
    for row in rows {
        let (flag_id, acknowledgement) = row?;
        latest.insert(flag_id, acknowledgement);
    }
    Ok(latest)
}
