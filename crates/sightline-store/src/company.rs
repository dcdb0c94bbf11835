//! The company's own setup as the cache mirrors it: vendors, contracts and
//! their SLA targets, business services, and sources with their sync state.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};
use sightline_domain::{Contract, Service, SlaClock, SlaTarget, SourceInfo, Vendor, VendorKind};

use crate::records::{Stamp, stamp};

/// Everything about the company that is not a synced record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Company {
    pub name: String,
    /// True for the built-in demo company.
    pub demo: bool,
    pub vendors: Vec<Vendor>,
    pub contracts: Vec<Contract>,
    pub services: Vec<Service>,
    pub sources: Vec<SourceInfo>,
}

fn date_text(day: Option<NaiveDate>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}

fn parse_date(text: String) -> Option<NaiveDate> {
    text.parse().ok()
}

pub(crate) fn replace(conn: &Connection, company: &Company) -> rusqlite::Result<()> {
    for table in ["service_vendors", "services", "sla_targets", "contracts", "vendors", "sources"] {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    for (key, value) in [("company_name", company.name.as_str()), ("demo", if company.demo { "1" } else { "0" })] {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
    }
    for vendor in &company.vendors {
        conn.execute(
            "INSERT INTO vendors (id, name, kind, monthly_cost, last_review) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                vendor.id,
                vendor.name,
                vendor.kind.as_str(),
                vendor.monthly_cost,
                vendor.last_review.map(|day| day.to_string())
            ],
        )?;
    }
    for contract in &company.contracts {
        conn.execute(
            "INSERT INTO contracts (vendor_id, compliance_target_pct, terms) VALUES (?1, ?2, ?3)",
            params![
                contract.vendor_id,
                contract.compliance_target_pct,
                serde_json::to_string(&contract.terms).expect("contract terms always serialise")
            ],
        )?;
        for target in &contract.sla {
            conn.execute(
                "INSERT INTO sla_targets (vendor_id, priority, effective_from, respond_minutes, resolve_minutes, clock)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    contract.vendor_id,
                    target.priority,
                    date_text(target.effective_from),
                    target.respond_minutes,
                    target.resolve_minutes,
                    target.clock.map(SlaClock::as_str)
                ],
            )?;
        }
    }
    for service in &company.services {
        conn.execute(
            "INSERT INTO services (id, name, critical, uptime_target_pct, monitor_sources)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                service.id,
                service.name,
                service.critical,
                service.uptime_target_pct,
                serde_json::to_string(&service.monitor_sources).expect("a list of ids always serialises")
            ],
        )?;
        for vendor_id in &service.vendor_ids {
            conn.execute(
                "INSERT INTO service_vendors (service_id, vendor_id) VALUES (?1, ?2)",
                params![service.id, vendor_id],
            )?;
        }
    }
    for source in &company.sources {
        conn.execute(
            "INSERT INTO sources (id, kind, vendor_id, name, demo, last_success_at, last_attempt_at, last_error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                source.id,
                source.kind,
                source.vendor_id,
                source.name,
                source.demo,
                source.last_success_at.map(stamp),
                source.last_attempt_at.map(stamp),
                source.last_error
            ],
        )?;
    }
    Ok(())
}

pub(crate) fn record_sync_success(
    conn: &Connection,
    source_id: &str,
    records: usize,
    finished_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sources SET last_success_at = ?2, last_attempt_at = ?2, last_error = NULL WHERE id = ?1",
        params![source_id, stamp(finished_at)],
    )?;
    conn.execute(
        "INSERT INTO sync_log (source_id, started_at, finished_at, ok, records, message) VALUES (?1, ?2, ?2, 1, ?3, NULL)",
        params![source_id, stamp(finished_at), records as i64],
    )?;
    Ok(())
}

pub(crate) fn load(conn: &Connection) -> rusqlite::Result<Company> {
    let meta = |key: &str| -> rusqlite::Result<Option<String>> {
        let mut statement = conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
        let mut rows = statement.query([key])?;
        rows.next()?.map(|row| row.get(0)).transpose()
    };
    let name = meta("company_name")?.unwrap_or_default();
    let demo = meta("demo")?.as_deref() == Some("1");

    let mut statement = conn.prepare("SELECT id, name, kind, monthly_cost, last_review FROM vendors ORDER BY id")?;
    let vendors = statement
        .query_map([], |row| {
            let kind: String = row.get(2)?;
            Ok(Vendor {
                id: row.get(0)?,
                name: row.get(1)?,
                kind: VendorKind::parse(&kind).unwrap_or(VendorKind::Other),
                monthly_cost: row.get(3)?,
                last_review: row.get::<_, Option<String>>(4)?.and_then(parse_date),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut statement =
        conn.prepare("SELECT vendor_id, compliance_target_pct, terms FROM contracts ORDER BY vendor_id")?;
    let mut contracts = statement
        .query_map([], |row| {
            let terms: String = row.get(2)?;
            let terms = serde_json::from_str(&terms).map_err(|error| {
                rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(error))
            })?;
            Ok(Contract { vendor_id: row.get(0)?, sla: Vec::new(), compliance_target_pct: row.get(1)?, terms })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut statement = conn.prepare(
        "SELECT vendor_id, priority, effective_from, respond_minutes, resolve_minutes, clock FROM sla_targets
         ORDER BY vendor_id, priority, effective_from",
    )?;
    let targets = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                SlaTarget {
                    priority: row.get(1)?,
                    effective_from: parse_date(row.get(2)?),
                    respond_minutes: row.get(3)?,
                    resolve_minutes: row.get(4)?,
                    clock: row.get::<_, Option<String>>(5)?.as_deref().and_then(SlaClock::parse),
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (vendor_id, target) in targets {
        if let Some(contract) = contracts.iter_mut().find(|contract| contract.vendor_id == vendor_id) {
            contract.sla.push(target);
        }
    }

    let mut statement =
        conn.prepare("SELECT id, name, critical, uptime_target_pct, monitor_sources FROM services ORDER BY id")?;
    let mut services = statement
        .query_map([], |row| {
            let monitor_sources: String = row.get(4)?;
            Ok(Service {
                id: row.get(0)?,
                name: row.get(1)?,
                critical: row.get(2)?,
                vendor_ids: Vec::new(),
                uptime_target_pct: row.get(3)?,
                monitor_sources: serde_json::from_str(&monitor_sources).map_err(|error| {
                    rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(error))
                })?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut statement =
        conn.prepare("SELECT service_id, vendor_id FROM service_vendors ORDER BY service_id, vendor_id")?;
    let links = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (service_id, vendor_id) in links {
        if let Some(service) = services.iter_mut().find(|service| service.id == service_id) {
            service.vendor_ids.push(vendor_id);
        }
    }

    let mut statement = conn.prepare(
        "SELECT id, kind, vendor_id, name, demo, last_success_at, last_attempt_at, last_error FROM sources ORDER BY id",
    )?;
    let sources = statement
        .query_map([], |row| {
            Ok(SourceInfo {
                id: row.get(0)?,
                kind: row.get(1)?,
                vendor_id: row.get(2)?,
                name: row.get(3)?,
                demo: row.get(4)?,
                last_success_at: row.get::<_, Option<Stamp>>(5)?.map(|stamp| stamp.0),
                last_attempt_at: row.get::<_, Option<Stamp>>(6)?.map(|stamp| stamp.0),
                last_error: row.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    Ok(Company { name, demo, vendors, contracts, services, sources })
}
