//! What the company keeps on file: actions agreed on flags (a log, so that
//! an older report can say what stood then), evidence documents with their
//! content, and the supplier review log. User data: no sync, recomputation
//! or company change deletes it; only the demo's own rows go with the demo.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sightline_domain::{Action, ActionStatus, EvidenceDoc, EvidenceKind, SupplierReview};

use crate::records::{read_stamp, stamp};
use crate::{Store, StoreError};

/// A document to put on file.
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    pub vendor_id: &'a str,
    pub kind: EvidenceKind,
    pub title: &'a str,
    pub issued: NaiveDate,
    pub expires: Option<NaiveDate>,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub added_at: DateTime<Utc>,
}

fn conversion(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, message.into())
}

fn read_date(row: &Row<'_>, index: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(index)?;
    text.parse().map_err(|_| conversion(index, format!("'{text}' is not a date")))
}

fn read_optional_date(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get::<_, Option<String>>(index)? {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| conversion(index, format!("'{text}' is not a date"))),
    }
}

const EVIDENCE_COLUMNS: &str =
    "id, vendor_id, kind, title, issued, expires, file_name, sha256, length(content), added_at";

fn evidence_row(row: &Row<'_>) -> rusqlite::Result<EvidenceDoc> {
    let kind: String = row.get(2)?;
    Ok(EvidenceDoc {
        id: row.get(0)?,
        vendor_id: row.get(1)?,
        kind: EvidenceKind::parse(&kind).ok_or_else(|| conversion(2, format!("'{kind}' is not a kind of evidence")))?,
        title: row.get(3)?,
        issued: read_date(row, 4)?,
        expires: read_optional_date(row, 5)?,
        file_name: row.get(6)?,
        sha256: row.get(7)?,
        bytes: row.get::<_, i64>(8)?.max(0) as u64,
        added_at: read_stamp(row, 9)?,
    })
}

/// Removes the demo's own rows (its planted actions, evidence and reviews).
pub(crate) fn clear_demo(conn: &Connection) -> rusqlite::Result<()> {
    for table in ["actions", "evidence", "supplier_reviews"] {
        conn.execute(&format!("DELETE FROM {table} WHERE demo = 1"), [])?;
    }
    Ok(())
}

impl Store {
    /// Records where an action on a flag stands now; earlier states stay in
    /// the log.
    pub fn record_action(&self, action: &Action, demo: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO actions (flag_id, owner, due, status, reason, recorded_at, demo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                action.flag_id,
                action.owner,
                action.due.to_string(),
                action.status.as_str(),
                action.reason,
                stamp(action.recorded_at),
                demo
            ],
        )?;
        Ok(())
    }

    /// Each flag's action as it stood at `at` (now when `None`).
    pub fn actions_at(&self, at: Option<DateTime<Utc>>) -> Result<HashMap<String, Action>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT flag_id, owner, due, status, reason, recorded_at FROM actions
             WHERE recorded_at <= ?1 ORDER BY recorded_at, id",
        )?;
        let rows = statement.query_map([at.map_or(i64::MAX, stamp)], |row| {
            let status: String = row.get(3)?;
            Ok(Action {
                flag_id: row.get(0)?,
                owner: row.get(1)?,
                due: read_date(row, 2)?,
                status: ActionStatus::parse(&status)
                    .ok_or_else(|| conversion(3, format!("'{status}' is not an action status")))?,
                reason: row.get(4)?,
                recorded_at: read_stamp(row, 5)?,
            })
        })?;
        let mut latest = HashMap::new();
        for row in rows {
            let action = row?;
            latest.insert(action.flag_id.clone(), action);
        }
        Ok(latest)
    }

    /// Puts a document on file, returning its id.
    pub fn add_evidence(&self, document: &NewEvidence<'_>, demo: bool) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO evidence (vendor_id, kind, title, issued, expires, file_name, content, sha256, added_at, demo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                document.vendor_id,
                document.kind.as_str(),
                document.title,
                document.issued.to_string(),
                document.expires.map(|day| day.to_string()),
                document.file_name,
                document.content,
                crate::sha256_hex(document.content),
                stamp(document.added_at),
                demo
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        crate::bump_version(&self.conn)?;
        Ok(id)
    }

    /// Every document on file (without its content), by vendor, kind and
    /// date, newest first within a kind.
    pub fn evidence(&self) -> Result<Vec<EvidenceDoc>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence ORDER BY vendor_id, kind, issued DESC, id DESC"
        ))?;
        let rows = statement.query_map([], evidence_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One document with its content, its SHA-256 checked by the caller.
    pub fn evidence_content(&self, id: i64) -> Result<Option<(EvidenceDoc, Vec<u8>)>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {EVIDENCE_COLUMNS}, content FROM evidence WHERE id = ?1"), [id], |row| {
                Ok((evidence_row(row)?, row.get::<_, Vec<u8>>(10)?))
            })
            .optional()?)
    }

    /// Takes a document off file (asked for by name, never as a side
    /// effect). Whether there was one.
    pub fn remove_evidence(&self, id: i64) -> Result<bool, StoreError> {
        let removed = self.conn.execute("DELETE FROM evidence WHERE id = ?1", [id])? > 0;
        crate::bump_version(&self.conn)?;
        Ok(removed)
    }

    /// Logs a supplier review, returning its id.
    pub fn add_review(&self, review: &SupplierReview, demo: bool) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO supplier_reviews (vendor_id, reviewed_on, reviewer, outcome, next_due, recorded_at, demo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                review.vendor_id,
                review.reviewed_on.to_string(),
                review.reviewer,
                review.outcome,
                review.next_due.map(|day| day.to_string()),
                stamp(review.recorded_at),
                demo
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        crate::bump_version(&self.conn)?;
        Ok(id)
    }

    /// The review log, newest first.
    pub fn reviews(&self) -> Result<Vec<SupplierReview>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, vendor_id, reviewed_on, reviewer, outcome, next_due, recorded_at FROM supplier_reviews
             ORDER BY reviewed_on DESC, id DESC",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(SupplierReview {
                id: row.get(0)?,
                vendor_id: row.get(1)?,
                reviewed_on: read_date(row, 2)?,
                reviewer: row.get(3)?,
                outcome: row.get(4)?,
                next_due: read_optional_date(row, 5)?,
                recorded_at: read_stamp(row, 6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
