//! Evidence on file (documents a vendor gave, kept inside the encrypted
//! cache), the supplier review log, and which documents the company
//! requires of every outside vendor.

use std::path::Path;

use chrono::NaiveDate;
use sightline_domain::{EvidenceDoc, EvidenceKind, SupplierReview};
use sightline_store::NewEvidence;

use crate::dto::{DocumentInput, DocumentRow, DocumentState, ReviewInput, ReviewRow};
use crate::error::ErrorCode;
use crate::report::write_whole;
use crate::{ApiError, Sightline};

/// A document larger than this is refused: evidence is a report, not an archive.
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

fn date(text: &str, what: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(format!("'{}' is not a date for {what}: write it as 2026-09-30", text.trim())))
}

fn optional_date(text: &Option<String>, what: &str) -> Result<Option<NaiveDate>, ApiError> {
    match text.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => date(text, what).map(Some),
    }
}

pub(crate) fn kind_of(text: &str) -> Result<EvidenceKind, ApiError> {
    EvidenceKind::parse(text).ok_or_else(|| {
        let known: Vec<&str> = EvidenceKind::ALL.iter().map(|kind| kind.as_str()).collect();
        ApiError::invalid(format!("'{text}' is not a kind of evidence: use one of {}", known.join(", ")))
    })
}

/// The document's standing today: current, expiring, expired or old.
fn standing(doc: &EvidenceDoc, today: NaiveDate, settings: &sightline_engine::Settings) -> (DocumentState, String) {
    match doc.expires {
        Some(expires) if expires < today => {
            (DocumentState::Expired, format!("expired on {}", expires.format("%-d %B %Y")))
        }
        Some(expires) if (expires - today).num_days() <= settings.evidence_expiry_warning_days => {
            (DocumentState::Expiring, format!("expires on {}", expires.format("%-d %B %Y")))
        }
        Some(expires) => (DocumentState::Current, format!("valid until {}", expires.format("%-d %B %Y"))),
        None if (today - doc.issued).num_days() > settings.evidence_max_age_days => {
            (DocumentState::Old, format!("{}, with no expiry date", sightline_engine::age_words(doc.issued, today)))
        }
        None => (DocumentState::Current, format!("dated {}, with no expiry date", doc.issued.format("%-d %B %Y"))),
    }
}

impl Sightline {
    /// Today on the company's calendar.
    fn today(&self) -> Result<NaiveDate, ApiError> {
        let settings = Sightline::settings(&self.store())?;
        Ok(self.now().with_timezone(&settings.tz()).date_naive())
    }

    fn vendor_name_of(&self, vendor_id: &str) -> Result<Option<String>, ApiError> {
        Ok(self.store().load_company()?.vendors.into_iter().find(|v| v.id == vendor_id).map(|v| v.name))
    }

    fn known_vendor(&self, vendor_id: &str) -> Result<String, ApiError> {
        self.vendor_name_of(vendor_id)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "there is no vendor '{vendor_id}': sightline.toml's [[vendor]] ids are the names to use"
            ))
        })
    }

    /// Every document on file (one vendor's with `vendor`), newest first
    /// within each kind, each with its standing today.
    pub fn documents(&self, vendor: Option<&str>) -> Result<Vec<DocumentRow>, ApiError> {
        self.documents_at(vendor, self.now())
    }

    /// The documents on file dated by `at` (a period's end for its report;
    /// a document counts from its own date, as the rules count it), each
    /// with its standing on that day.
    pub(crate) fn documents_at(
        &self,
        vendor: Option<&str>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<DocumentRow>, ApiError> {
        let store = self.store();
        let settings = Sightline::settings(&store)?;
        let names: std::collections::HashMap<String, String> =
            store.load_company()?.vendors.into_iter().map(|v| (v.id, v.name)).collect();
        let today = sightline_engine::last_day(at, &settings);
        Ok(store
            .evidence()?
            .into_iter()
            .filter(|doc| vendor.is_none_or(|id| doc.vendor_id == id))
            .filter(|doc| doc.issued <= today)
            .map(|doc| {
                let (state, state_text) = standing(&doc, today, &settings);
                DocumentRow {
                    id: doc.id,
                    vendor: doc.vendor_id.clone(),
                    vendor_name: names.get(&doc.vendor_id).cloned().unwrap_or_else(|| doc.vendor_id.clone()),
                    kind: doc.kind.into(),
                    kind_text: doc.kind.plain_name().into(),
                    title: doc.title.clone(),
                    issued: doc.issued.to_string(),
                    expires: doc.expires.map(|day| day.to_string()),
                    file_name: doc.file_name.clone(),
                    bytes: doc.bytes,
                    sha256: doc.sha256.clone(),
                    state,
                    state_text,
                    added_at: doc.added_at.to_rfc3339(),
                }
            })
            .collect())
    }

    /// Puts a document on file: the file's bytes go into the encrypted
    /// cache (nothing is written anywhere in clear). The file is read
    /// whole before anything is stored.
    pub fn add_document(&self, input: &DocumentInput, file: &Path) -> Result<DocumentRow, ApiError> {
        let vendor_name = self.known_vendor(&input.vendor)?;
        let kind = kind_of(&input.kind)?;
        let issued = date(&input.issued, "the date of the document")?;
        let expires = optional_date(&input.expires, "its expiry")?;
        if issued > self.today()? {
            return Err(ApiError::invalid(format!(
                "the document is dated {issued}, which is in the future: give the date it was issued"
            )));
        }
        if expires.is_some_and(|expires| expires < issued) {
            return Err(ApiError::invalid(format!(
                "the document expires before it was issued ({} before {issued})",
                expires.unwrap_or(issued)
            )));
        }
        let unreadable = |error: std::io::Error| {
            ApiError::invalid(format!("{} cannot be read: {error}; nothing was put on file", file.display()))
        };
        let size = std::fs::metadata(file).map_err(unreadable)?.len();
        if size > MAX_DOCUMENT_BYTES {
            return Err(ApiError::invalid(format!(
                "{} is {} MB; a document on file may be at most {} MB",
                file.display(),
                size / (1024 * 1024),
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            )));
        }
        let content = std::fs::read(file).map_err(unreadable)?;
        if content.is_empty() {
            return Err(ApiError::invalid(format!("{} is empty; nothing was put on file", file.display())));
        }
        let file_name = file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let title = input
            .title
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(String::from)
            .unwrap_or_else(|| format!("{vendor_name} {} ({})", kind.plain_name(), issued.format("%B %Y")));
        let id = self.store().add_evidence(
            &NewEvidence {
                vendor_id: &input.vendor,
                kind,
                title: &title,
                issued,
                expires,
                file_name: &file_name,
                content: &content,
                added_at: self.now(),
            },
            false,
        )?;
        self.documents(None)?
            .into_iter()
            .find(|row| row.id == id)
            .ok_or_else(|| ApiError::not_found("the document just put on file could not be read back"))
    }

    /// Writes a document on file to `out`, its SHA-256 checked first.
    pub fn save_document_copy(&self, id: i64, out: &Path) -> Result<DocumentRow, ApiError> {
        let Some((doc, content)) = self.store().evidence_content(id)? else {
            return Err(ApiError::not_found(format!(
                "there is no document {id} on file: `sightline-cli evidence list` lists them"
            )));
        };
        if sightline_store::sha256_hex(&content) != doc.sha256 {
            return Err(ApiError {
                code: ErrorCode::ReportAltered,
                message: format!("document {id} has been altered since it was put on file; nothing was written"),
            });
        }
        write_whole(out, &content)?;
        self.documents(None)?
            .into_iter()
            .find(|row| row.id == id)
            .ok_or_else(|| ApiError::not_found(format!("document {id} disappeared while it was copied")))
    }

    /// Puts the file `choose` picks on file; none when nothing was picked.
    pub fn add_document_chosen(
        &self,
        input: &DocumentInput,
        choose: impl FnOnce() -> Option<std::path::PathBuf>,
    ) -> Result<Option<DocumentRow>, ApiError> {
        // The form is checked before the file dialog opens.
        self.known_vendor(&input.vendor)?;
        kind_of(&input.kind)?;
        date(&input.issued, "the date of the document")?;
        optional_date(&input.expires, "its expiry")?;
        match choose() {
            None => Ok(None),
            Some(file) => self.add_document(input, &file).map(Some),
        }
    }

    /// Writes a copy of a document on file where `choose` picks; none when
    /// nothing was picked.
    pub fn save_document_chosen(
        &self,
        id: i64,
        choose: impl FnOnce(&DocumentRow) -> Option<std::path::PathBuf>,
    ) -> Result<Option<String>, ApiError> {
        let Some(row) = self.documents(None)?.into_iter().find(|row| row.id == id) else {
            return Err(ApiError::not_found(format!("there is no document {id} on file")));
        };
        let Some(path) = choose(&row) else { return Ok(None) };
        self.save_document_copy(id, &path)?;
        Ok(Some(path.display().to_string()))
    }

    /// Takes a document off file, on request.
    /// An automatic backup is kept first: the document may be the only copy.
    pub fn remove_document(&self, id: i64) -> Result<(), ApiError> {
        if !self.store().evidence()?.iter().any(|doc| doc.id == id) {
            return Err(ApiError::not_found(format!(
                "there is no document {id} on file: `sightline-cli evidence list` lists them"
            )));
        }
        self.store().automatic_backup(&format!("before-remove-document-{id}"), self.now())?;
        if self.store().remove_evidence(id)? {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "there is no document {id} on file: `sightline-cli evidence list` lists them"
            )))
        }
    }

    /// Logs a supplier review.
    pub fn add_review(&self, input: &ReviewInput) -> Result<ReviewRow, ApiError> {
        let vendor_name = self.known_vendor(&input.vendor)?;
        let reviewed_on = date(&input.reviewed_on, "the review")?;
        let next_due = optional_date(&input.next_due, "the next review")?;
        if reviewed_on > self.today()? {
            return Err(ApiError::invalid(format!("the review is dated {reviewed_on}, which is in the future")));
        }
        if next_due.is_some_and(|next| next <= reviewed_on) {
            return Err(ApiError::invalid("the next review is due on or before this one: give a later date"));
        }
        let reviewer = input.reviewer.trim();
        let outcome = input.outcome.trim();
        if reviewer.is_empty() || outcome.is_empty() {
            return Err(ApiError::invalid("a review needs who reviewed (--by) and its outcome (--outcome)"));
        }
        let review = SupplierReview {
            id: 0,
            vendor_id: input.vendor.clone(),
            reviewed_on,
            reviewer: reviewer.into(),
            outcome: outcome.into(),
            next_due,
            recorded_at: self.now(),
        };
        let id = self.store().add_review(&review, false)?;
        Ok(review_row(&SupplierReview { id, ..review }, vendor_name))
    }

    /// The review log, newest first (one vendor's with `vendor`).
    pub fn reviews(&self, vendor: Option<&str>) -> Result<Vec<ReviewRow>, ApiError> {
        let store = self.store();
        let names: std::collections::HashMap<String, String> =
            store.load_company()?.vendors.into_iter().map(|v| (v.id, v.name)).collect();
        Ok(store
            .reviews()?
            .iter()
            .filter(|review| vendor.is_none_or(|id| review.vendor_id == id))
            .map(|review| {
                review_row(review, names.get(&review.vendor_id).cloned().unwrap_or_else(|| review.vendor_id.clone()))
            })
            .collect())
    }

    /// The documents the company requires of every outside vendor.
    pub fn required_evidence(&self) -> Result<Vec<String>, ApiError> {
        Ok(Sightline::settings(&self.store())?.required_evidence)
    }

    /// Sets the documents required of every outside vendor (none is allowed:
    /// then nothing is flagged for missing evidence).
    pub fn set_required_evidence(&self, kinds: &[String]) -> Result<Vec<String>, ApiError> {
        let mut parsed: Vec<EvidenceKind> = kinds.iter().map(|text| kind_of(text)).collect::<Result<_, _>>()?;
        parsed.sort();
        parsed.dedup();
        let words: Vec<String> = parsed.iter().map(|kind| kind.as_str().to_string()).collect();
        let text = serde_json::to_string(&words).map_err(|error| ApiError::invalid(error.to_string()))?;
        self.store().set_meta("required_evidence", &text)?;
        self.store().bump_data_version()?;
        Ok(words)
    }
}

fn review_row(review: &SupplierReview, vendor_name: String) -> ReviewRow {
    ReviewRow {
        id: review.id,
        vendor: review.vendor_id.clone(),
        vendor_name,
        reviewed_on: review.reviewed_on.to_string(),
        reviewed_on_text: review.reviewed_on.format("%-d %B %Y").to_string(),
        reviewer: review.reviewer.clone(),
        outcome: review.outcome.clone(),
        next_due: review.next_due.map(|day| day.to_string()),
    }
}
