//! What the sync engine writes and reads: applying one source's run in one
//! transaction, recording a failed run without touching the source's data,
//! watermarks, the sync log, source-defined SLA targets, and source
//! credentials kept in the cache where there is no keychain.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sightline_domain::{BusinessHours, RecordBatch, Secret, SlaTarget};

use crate::records::{self, Stamp, stamp};
use crate::{Company, Store, StoreError, bump_data_version, company};

/// What the sync engine remembers about a source between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// Where the next incremental run starts.
    pub watermark: Option<DateTime<Utc>>,
    pub last_full_at: Option<DateTime<Utc>>,
    /// A fingerprint of the source's settings at its last successful run:
    /// when they change, the next run reads everything again.
    pub settings: Option<String>,
    /// What a file source held at its last successful read (`sha256:` and
    /// the file's SHA-256): the same again means nothing changed.
    pub content: Option<String>,
}

/// One successful source run, to be applied whole.
#[derive(Debug)]
pub struct SourceRun<'a> {
    pub source_id: &'a str,
    pub batch: &'a RecordBatch,
    /// Replace every record of the source (true) or merge by record id.
    pub full: bool,
    pub watermark: Option<DateTime<Utc>>,
    /// SLA targets the source defines; `None` leaves the stored ones.
    pub sla: Option<&'a [SlaTarget]>,
    /// The business hours of the source's SLA calendar, stored with `sla`.
    pub sla_hours: Option<&'a BusinessHours>,
    pub settings: &'a str,
    /// What a file source held (see [`SyncState::content`]).
    pub content: Option<&'a str>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub requests: u32,
    pub warnings: &'a [String],
    /// The batch is a snapshot of what is missing or open now, its times
    /// when the source looked: on a full run a record read again keeps its
    /// earliest sighting and one no longer listed is closed at
    /// `finished_at` and kept (see `records::settle_snapshot`).
    pub snapshot: bool,
}

impl<'a> SourceRun<'a> {
    /// An incremental run that merges `batch` at `at` and says nothing
    /// more: how tests and benchmarks bring changed records in.
    pub fn merge(source_id: &'a str, batch: &'a RecordBatch, at: DateTime<Utc>) -> SourceRun<'a> {
        SourceRun {
            source_id,
            batch,
            full: false,
            watermark: None,
            sla: None,
            sla_hours: None,
            settings: "",
            content: None,
            started_at: at,
            finished_at: at,
            requests: 1,
            warnings: &[],
            snapshot: false,
        }
    }
}

/// One line of the sync log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncLogEntry {
    pub source_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub ok: bool,
    pub records: i64,
    pub full_read: Option<bool>,
    pub requests: Option<i64>,
    pub message: Option<String>,
    pub warnings: Vec<String>,
}

impl Store {
    /// Applies one source's run in one transaction: its records, its
    /// watermark, its success in the sync log. It lands whole or not at all.
    pub fn apply_source_run(&mut self, run: &SourceRun<'_>) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        // The figures to recompute start at the earliest record this run
        // adds, changes or removes (as it was and as it is).
        let changed = if run.full {
            records::set_aside(&tx, run.source_id)?;
            records::delete_source_records(&tx, run.source_id)?;
            records::insert_batch(&tx, run.batch)?;
            if run.snapshot {
                records::settle_snapshot(&tx, run.source_id, run.finished_at)?;
            }
            records::earliest_difference(&tx, run.source_id, false)?
        } else {
            // Only what the run added or changed: a record sent again as
            // it was marks nothing out of date.
            records::set_aside_batch(&tx, run.source_id, run.batch)?;
            records::insert_batch(&tx, run.batch)?;
            records::earliest_difference(&tx, run.source_id, true)?
        };
        // The source's freshness is a figure of the current period.
        let from = changed.into_iter().chain([run.finished_at]).min();
        let previous = load_state(&tx, run.source_id)?;
        let watermark = match (run.full, run.watermark, previous.watermark) {
            // A full read starts the watermark afresh.
            (true, new, _) => new,
            (false, new, old) => new.max(old),
        };
        let last_full_at = if run.full { Some(run.finished_at) } else { previous.last_full_at };
        let content = if run.full { run.content.map(str::to_string) } else { previous.content };
        tx.execute(
            "INSERT INTO sync_state (source_id, watermark, last_full_at, settings, content) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(source_id) DO UPDATE SET watermark = excluded.watermark,
                 last_full_at = excluded.last_full_at, settings = excluded.settings, content = excluded.content",
            params![run.source_id, watermark.map(stamp), last_full_at.map(stamp), run.settings, content],
        )?;
        if let Some(sla) = run.sla {
            tx.execute("DELETE FROM source_hours WHERE source_id = ?1", [run.source_id])?;
            if let Some(hours) = run.sla_hours {
                tx.execute(
                    "INSERT INTO source_hours (source_id, hours) VALUES (?1, ?2)",
                    params![run.source_id, hours.to_string()],
                )?;
            }
            tx.execute("DELETE FROM source_sla WHERE source_id = ?1", [run.source_id])?;
            for target in sla {
                tx.execute(
                    "INSERT OR REPLACE INTO source_sla (source_id, priority, respond_minutes, resolve_minutes)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![run.source_id, target.priority, target.respond_minutes, target.resolve_minutes],
                )?;
            }
        }
        tx.execute(
            "UPDATE sources SET last_success_at = ?2, last_attempt_at = ?2, last_error = NULL WHERE id = ?1",
            params![run.source_id, stamp(run.finished_at)],
        )?;
        let warnings =
            if run.warnings.is_empty() { None } else { Some(serde_json::to_string(run.warnings).unwrap_or_default()) };
        tx.execute(
            "INSERT INTO sync_log (source_id, started_at, finished_at, ok, records, message, full_read, requests, warnings)
             VALUES (?1, ?2, ?3, 1, ?4, NULL, ?5, ?6, ?7)",
            params![
                run.source_id,
                stamp(run.started_at),
                stamp(run.finished_at),
                run.batch.len() as i64,
                run.full,
                run.requests,
                warnings
            ],
        )?;
        if run.sla.is_some() {
            // A source's own SLA targets apply to every period.
            bump_data_version(&tx)?;
        }
        crate::source_records_changed(&tx, run.source_id, from)?;
        tx.commit()?;
        Ok(())
    }

    /// Records a failed run: the source's records stay as they were.
    pub fn record_sync_failure(
        &self,
        source_id: &str,
        message: &str,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE sources SET last_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
            params![source_id, stamp(finished_at), message],
        )?;
        tx.execute(
            "INSERT INTO sync_log (source_id, started_at, finished_at, ok, records, message) VALUES (?1, ?2, ?3, 0, 0, ?4)",
            params![source_id, stamp(started_at), stamp(finished_at), message],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn sync_states(&self) -> Result<HashMap<String, SyncState>, StoreError> {
        let mut statement =
            self.conn.prepare("SELECT source_id, watermark, last_full_at, settings, content FROM sync_state")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                SyncState {
                    watermark: row.get::<_, Option<Stamp>>(1)?.map(|stamp| stamp.0),
                    last_full_at: row.get::<_, Option<Stamp>>(2)?.map(|stamp| stamp.0),
                    settings: row.get(3)?,
                    content: row.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest `limit` runs, newest first.
    pub fn sync_log(&self, limit: usize) -> Result<Vec<SyncLogEntry>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT source_id, started_at, finished_at, ok, records, full_read, requests, message, warnings
             FROM sync_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([limit as i64], |row| {
            let warnings: Option<String> = row.get(8)?;
            Ok(SyncLogEntry {
                source_id: row.get(0)?,
                started_at: row.get::<_, Stamp>(1)?.0,
                finished_at: row.get::<_, Stamp>(2)?.0,
                ok: row.get(3)?,
                records: row.get(4)?,
                full_read: row.get(5)?,
                requests: row.get(6)?,
                message: row.get(7)?,
                warnings: warnings.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// SLA targets the sources themselves define, by source id.
    pub fn source_sla(&self) -> Result<HashMap<String, Vec<SlaTarget>>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT source_id, priority, respond_minutes, resolve_minutes FROM source_sla ORDER BY source_id, priority",
        )?;
        let mut targets: HashMap<String, Vec<SlaTarget>> = HashMap::new();
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                SlaTarget {
                    priority: row.get(1)?,
                    respond_minutes: row.get(2)?,
                    resolve_minutes: row.get(3)?,
                    effective_from: None,
                    clock: None,
                },
            ))
        })?;
        for row in rows {
            let (source_id, target) = row?;
            targets.entry(source_id).or_default().push(target);
        }
        Ok(targets)
    }

    /// The business hours of the SLA calendars sources define, by source id.
    pub fn source_hours(&self) -> Result<HashMap<String, BusinessHours>, StoreError> {
        let mut statement = self.conn.prepare("SELECT source_id, hours FROM source_hours ORDER BY source_id")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut found = HashMap::new();
        for row in rows {
            let (source_id, text) = row?;
            // Written by Display, so it reads back; a row that somehow does
            // not is left out rather than failing every sync.
            if let Ok(hours) = BusinessHours::parse(&text) {
                found.insert(source_id, hours);
            }
        }
        Ok(found)
    }

    /// Makes the cache hold the company a configuration file describes.
    /// Demo data is cleared first; sources no longer configured lose their
    /// records; sources still configured keep their records and sync state.
    /// Acknowledgements are never touched.
    pub fn configure_company(&mut self, company: &Company) -> Result<(), StoreError> {
        let was_demo = self.meta("demo")?.as_deref() == Some("1");
        let tx = self.conn.transaction()?;
        if was_demo {
            crate::clear_everything(&tx)?;
        }
        let existing = company::load(&tx)?.sources;
        let mut merged = company.clone();
        for source in &mut merged.sources {
            if let Some(old) = existing.iter().find(|old| old.id == source.id) {
                source.last_success_at = old.last_success_at;
                source.last_attempt_at = old.last_attempt_at;
                source.last_error = old.last_error.clone();
            }
        }
        // A source gone from the configuration keeps its records (history
        // a provider may no longer hold, or a mistyped file) until it is
        // forgotten on purpose (`forget_source`).
        for old in &existing {
            if !merged.sources.iter().any(|source| source.id == old.id) {
                merged.sources.push(old.clone());
            }
        }
        let changed = was_demo || company::load(&tx)? != merged;
        if changed {
            company::replace(&tx, &merged)?;
            bump_data_version(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A file source read again and found as it was at its last successful
    /// read: nothing is written but the run itself (its log line and the
    /// source's freshness), so nothing but the current period is
    /// recomputed. Returns the records the source keeps.
    pub fn record_unchanged_run(
        &mut self,
        source_id: &str,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let kept: i64 = tx
            .query_row("SELECT records FROM source_counts WHERE source_id = ?1", [source_id], |row| row.get(0))
            .optional()?
            .unwrap_or(0);
        tx.execute(
            "UPDATE sync_state SET last_full_at = ?2 WHERE source_id = ?1",
            params![source_id, stamp(finished_at)],
        )?;
        tx.execute(
            "UPDATE sources SET last_success_at = ?2, last_attempt_at = ?2, last_error = NULL WHERE id = ?1",
            params![source_id, stamp(finished_at)],
        )?;
        tx.execute(
            "INSERT INTO sync_log (source_id, started_at, finished_at, ok, records, message, full_read, requests, warnings)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, 1, 0, NULL)",
            params![
                source_id,
                stamp(started_at),
                stamp(finished_at),
                kept,
                "unchanged since the last sync: nothing was written"
            ],
        )?;
        // The source's freshness is a figure of the current period.
        crate::mark_dirty(&tx, crate::Dirty::From(finished_at))?;
        tx.commit()?;
        Ok(kept as u64)
    }

    /// Records a source holds in the cache, as kept by every write of its
    /// records.
    pub fn source_record_count(&self, source_id: &str) -> Result<u64, StoreError> {
        let kept: Option<i64> = self
            .conn
            .query_row("SELECT records FROM source_counts WHERE source_id = ?1", [source_id], |row| row.get(0))
            .optional()?;
        Ok(kept.unwrap_or(0) as u64)
    }

    /// Removes a source no longer in the configuration, with its records,
    /// watermark and SLA targets, in one transaction. Returns how many
    /// records went. A source still configured is refused: its next sync
    /// would only bring them back.
    pub fn forget_source(&mut self, source_id: &str) -> Result<u64, StoreError> {
        let count = self.source_record_count(source_id)?;
        let tx = self.conn.transaction()?;
        records::delete_source_records(&tx, source_id)?;
        tx.execute("DELETE FROM source_counts WHERE source_id = ?1", [source_id])?;
        for table in ["sync_state", "source_sla", "source_hours", "source_secrets"] {
            tx.execute(&format!("DELETE FROM {table} WHERE source_id = ?1"), [source_id])?;
        }
        tx.execute("DELETE FROM sources WHERE id = ?1", [source_id])?;
        bump_data_version(&tx)?;
        tx.commit()?;
        Ok(count)
    }

    /// A source's credentials kept in the cache (passphrase mode only).
    pub fn source_secret(&self, source_id: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT secret FROM source_secrets WHERE source_id = ?1", [source_id], |row| {
                row.get::<_, String>(0)
            })
            .optional()?
            .map(Secret::new))
    }

    pub fn set_source_secret(&self, source_id: &str, secret: &Secret) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO source_secrets (source_id, secret) VALUES (?1, ?2)
             ON CONFLICT(source_id) DO UPDATE SET secret = excluded.secret",
            params![source_id, secret.expose()],
        )?;
        Ok(())
    }

    /// Returns whether there was one.
    pub fn delete_source_secret(&self, source_id: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM source_secrets WHERE source_id = ?1", [source_id])? > 0)
    }
}

fn load_state(conn: &Connection, source_id: &str) -> rusqlite::Result<SyncState> {
    conn.query_row(
        "SELECT watermark, last_full_at, settings, content FROM sync_state WHERE source_id = ?1",
        [source_id],
        |row| {
            Ok(SyncState {
                watermark: row.get::<_, Option<Stamp>>(0)?.map(|stamp| stamp.0),
                last_full_at: row.get::<_, Option<Stamp>>(1)?.map(|stamp| stamp.0),
                settings: row.get(2)?,
                content: row.get(3)?,
            })
        },
    )
    .optional()
    .map(Option::unwrap_or_default)
}
