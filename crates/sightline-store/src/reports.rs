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

/// Where the next entry joins the chain: its id and the hash of the entry
/// before it (empty for the first signed entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub next_id: i64,
    pub previous_entry: String,
}

/// The signed part of a new entry, made by the caller from the head.
#[derive(Debug)]
pub struct EntrySeal<'a> {
    pub head: &'a ChainHead,
    pub entry_hash: &'a str,
    /// The PDF's minisign signature (the `.minisig` file's text).
    pub signature: &'a str,
    /// The minisign signature of `entry_hash`.
    pub entry_signature: &'a str,
}

/// One archive entry as the chain check reads it.
#[derive(Debug, Clone)]
pub struct ChainEntry {
    pub id: i64,
    pub period: String,
    pub created_at: DateTime<Utc>,
    pub sha256: String,
    pub fingerprint: String,
    pub pdf: Vec<u8>,
    pub snapshot: String,
    pub previous_entry: Option<String>,
    pub entry_hash: Option<String>,
    pub signature: Option<String>,
    pub entry_signature: Option<String>,
}

/// The text an entry's hash is taken over: every field that identifies
/// the entry (the PDF's and the data snapshot's SHA-256 among them), and
/// the hash of the one before it.
pub fn entry_text(
    id: i64,
    period: &str,
    created_at: DateTime<Utc>,
    pdf_sha256: &str,
    snapshot: &str,
    fingerprint: &str,
    previous: &str,
) -> String {
    format!(
        "sightline archive entry v1\nid {id}\nperiod {period}\ncreated {}\npdf-sha256 {pdf_sha256}\nsnapshot-sha256 {}\nfingerprint {fingerprint}\nprevious {previous}\n",
        created_at.to_rfc3339(),
        sha256_hex(snapshot.as_bytes())
    )
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

/// The newest entry's id and hash, as the next entry's link.
fn head_of(conn: &rusqlite::Connection) -> rusqlite::Result<ChainHead> {
    let (last_id, last_hash): (Option<i64>, Option<String>) = conn
        .query_row("SELECT id, entry_hash FROM reports ORDER BY id DESC LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?
        .unwrap_or((None, None));
    Ok(ChainHead { next_id: last_id.unwrap_or(0) + 1, previous_entry: last_hash.unwrap_or_default() })
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
    /// Where the next archived report joins the chain.
    pub fn chain_head(&self) -> Result<ChainHead, StoreError> {
        Ok(head_of(&self.conn)?)
    }

    /// Archives a report, sealed into the chain at `seal.head`; returns its
    /// id. Refused when another report joined the chain since the head was
    /// read: the caller makes the seal again.
    pub fn archive_report(&mut self, report: &NewReport<'_>, seal: &EntrySeal<'_>) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        let head = head_of(&tx)?;
        if &head != seal.head {
            return Err(StoreError::ArchiveMoved);
        }
        tx.execute(
            "INSERT INTO reports (id, period, created_at, paper, title, sha256, fingerprint, pages, pdf, snapshot,
                                  previous_entry, entry_hash, signature, entry_signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                head.next_id,
                report.period,
                stamp(report.created_at),
                report.paper,
                report.title,
                sha256_hex(report.pdf),
                report.fingerprint,
                report.pages,
                report.pdf,
                report.snapshot,
                head.previous_entry,
                seal.entry_hash,
                seal.signature,
                seal.entry_signature,
            ],
        )?;
        // The newest entry's hash, so that removing the last entry is seen too.
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('archive_head', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [seal.entry_hash],
        )?;
        tx.commit()?;
        Ok(head.next_id)
    }

    /// Every archive entry, oldest first, with its bytes: for the chain check.
    pub fn chain_entries(&self) -> Result<Vec<ChainEntry>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, period, created_at, sha256, fingerprint, pdf, snapshot, previous_entry, entry_hash, signature,
                    entry_signature
             FROM reports ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(ChainEntry {
                id: row.get(0)?,
                period: row.get(1)?,
                created_at: row.get::<_, Stamp>(2)?.0,
                sha256: row.get(3)?,
                fingerprint: row.get(4)?,
                pdf: row.get(5)?,
                snapshot: row.get(6)?,
                previous_entry: row.get(7)?,
                entry_hash: row.get(8)?,
                signature: row.get(9)?,
                entry_signature: row.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A report's PDF signature (the `.minisig` text), where it has one.
    pub fn report_signature(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT signature FROM reports WHERE id = ?1", [id], |row| row.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
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
}
