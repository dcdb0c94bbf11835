//! The report archive: exported board reports, sealed. Rows are only ever
//! inserted (a trigger refuses updates); opening one checks its SHA-256.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::records::{Stamp, stamp};
use crate::{Store, StoreError};

/// A report's details, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReport {
    pub id: i64,
    pub period: String,
    pub created_at: DateTime<Utc>,
    pub paper: String,
    pub title: String,
    pub sha256: String,
    pub fingerprint: String,
    pub pages: u32,
    pub bytes: u64,
}

/// A report to archive.
#[derive(Debug)]
pub struct NewReport<'a> {
    pub period: &'a str,
    pub created_at: DateTime<Utc>,
    pub paper: &'a str,
    pub title: &'a str,
    pub fingerprint: &'a str,
    pub pages: u32,
    pub pdf: &'a [u8],
    pub snapshot: &'a str,
}

/// An archived report whose bytes no longer match the SHA-256 recorded
/// when it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tampered {
    pub expected: String,
    pub found: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const COLUMNS: &str = "id, period, created_at, paper, title, sha256, fingerprint, pages, length(pdf)";

fn row_to_report(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredReport> {
    Ok(StoredReport {
        id: row.get(0)?,
        period: row.get(1)?,
        created_at: row.get::<_, Stamp>(2)?.0,
        paper: row.get(3)?,
        title: row.get(4)?,
        sha256: row.get(5)?,
        fingerprint: row.get(6)?,
        pages: row.get(7)?,
        bytes: row.get::<_, i64>(8)? as u64,
    })
}

impl Store {
    /// Archives a report; returns its id.
    pub fn archive_report(&self, report: &NewReport<'_>) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO reports (period, created_at, paper, title, sha256, fingerprint, pages, pdf, snapshot)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                report.period,
                stamp(report.created_at),
                report.paper,
                report.title,
                sha256_hex(report.pdf),
                report.fingerprint,
                report.pages,
                report.pdf,
                report.snapshot
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every archived report, newest first.
    pub fn reports(&self) -> Result<Vec<StoredReport>, StoreError> {
        let mut statement = self.conn.prepare(&format!("SELECT {COLUMNS} FROM reports ORDER BY id DESC"))?;
        let rows = statement.query_map([], row_to_report)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One archived report with its PDF and snapshot, its SHA-256 checked:
    /// `Err(Tampered)` inside when the bytes changed since it was stored.
    #[allow(clippy::type_complexity)]
    pub fn open_report(
        &self,
        id: i64,
    ) -> Result<Option<Result<(StoredReport, Vec<u8>, String), Tampered>>, StoreError> {
        let found = self
            .conn
            .query_row(&format!("SELECT {COLUMNS}, pdf, snapshot FROM reports WHERE id = ?1"), [id], |row| {
                Ok((row_to_report(row)?, row.get::<_, Vec<u8>>(9)?, row.get::<_, String>(10)?))
            })
            .optional()?;
        Ok(found.map(|(report, pdf, snapshot)| {
            let found = sha256_hex(&pdf);
            if found == report.sha256 {
                Ok((report, pdf, snapshot))
            } else {
                Err(Tampered { expected: report.sha256, found })
            }
        }))
    }

    /// The snapshot of the newest report before `id` (or the newest of all).
    pub fn previous_report_snapshot(&self, before: Option<i64>) -> Result<Option<(StoredReport, String)>, StoreError> {
        let before = before.unwrap_or(i64::MAX);
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS}, snapshot FROM reports WHERE id < ?1 ORDER BY id DESC LIMIT 1"),
                [before],
                |row| Ok((row_to_report(row)?, row.get::<_, String>(9)?)),
            )
            .optional()?)
    }
}
