//! What the company keeps on file beside the providers' records: actions
//! agreed on flags, documents a vendor gave (evidence) and the supplier
//! review log. The company's own words, never touched by a sync.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where an agreed action on a flag stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    /// The risk is accepted; a reason is required.
    Accepted,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] =
        [ActionStatus::Open, ActionStatus::InProgress, ActionStatus::Done, ActionStatus::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Accepted => "accepted",
        }
    }

    /// "in progress", "accepted risk".
    pub fn words(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in progress",
            ActionStatus::Done => "done",
            ActionStatus::Accepted => "accepted risk",
        }
    }

    /// `in_progress`, `in-progress` and `in progress` all read.
    pub fn parse(text: &str) -> Option<ActionStatus> {
        let text = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let text = if text == "accepted_risk" { "accepted".to_string() } else { text };
        ActionStatus::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Still to be done: open or in progress.
    pub fn is_pending(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

/// An action agreed on a flag: who owns it, by when, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub flag_id: String,
    pub owner: String,
    pub due: NaiveDate,
    pub status: ActionStatus,
    /// Why the risk is accepted (required then), or a note.
    pub reason: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A kind of document a vendor can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Soc2,
    Pentest,
    RestoreTest,
    CyberInsurance,
    Contract,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 5] = [
        EvidenceKind::Soc2,
        EvidenceKind::Pentest,
        EvidenceKind::RestoreTest,
        EvidenceKind::CyberInsurance,
        EvidenceKind::Contract,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Soc2 => "soc2",
            EvidenceKind::Pentest => "pentest",
            EvidenceKind::RestoreTest => "restore_test",
            EvidenceKind::CyberInsurance => "cyber_insurance",
            EvidenceKind::Contract => "contract",
        }
    }

    /// "SOC 2 report", as a sentence names it.
    pub fn plain_name(self) -> &'static str {
        match self {
            EvidenceKind::Soc2 => "SOC 2 report",
            EvidenceKind::Pentest => "penetration test report",
            EvidenceKind::RestoreTest => "restore test record",
            EvidenceKind::CyberInsurance => "cyber insurance certificate",
            EvidenceKind::Contract => "contract",
        }
    }

    /// `soc2`, `SOC 2`, `restore-test` all read.
    pub fn parse(text: &str) -> Option<EvidenceKind> {
        let text = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let text = match text.as_str() {
            "soc_2" => "soc2".to_string(),
            "penetration_test" | "pen_test" => "pentest".to_string(),
            "insurance" => "cyber_insurance".to_string(),
            _ => text,
        };
        EvidenceKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A document on file (its content stays in the cache; this is what the
/// engine and the screens need of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceDoc {
    pub id: i64,
    pub vendor_id: String,
    pub kind: EvidenceKind,
    pub title: String,
    /// The date the document is of (a SOC 2 report's period end, a test's date).
    pub issued: NaiveDate,
    pub expires: Option<NaiveDate>,
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    pub added_at: DateTime<Utc>,
}

/// One supplier review, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierReview {
    pub id: i64,
    pub vendor_id: String,
    pub reviewed_on: NaiveDate,
    pub reviewer: String,
    pub outcome: String,
    pub next_due: Option<NaiveDate>,
    /// When it was logged in Sightline: a report of an earlier period
    /// leaves it out.
    pub recorded_at: DateTime<Utc>,
}
