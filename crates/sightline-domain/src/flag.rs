//! Risk flags: what a rule found, in words an executive can repeat, with
//! the evidence behind it, and the flag's life across recomputations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{MetricKey, Period};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagSeverity {
    Amber,
    Red,
}

impl FlagSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagSeverity::Amber => "amber",
            FlagSeverity::Red => "red",
        }
    }

    pub fn parse(text: &str) -> Option<FlagSeverity> {
        [FlagSeverity::Amber, FlagSeverity::Red].into_iter().find(|severity| severity.as_str() == text)
    }
}

/// One figure behind a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidencePoint {
    pub metric: MetricKey,
    pub period: Period,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

/// What a rule found, as computed now. Its `id` (rule and subject) is
/// stable, so the same problem keeps its identity across recomputations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskFlag {
    /// `rule:subject`, e.g. `sla_below_target:bluepeak:response`.
    pub id: String,
    pub rule: String,
    /// The vendor concerned, if any.
    pub vendor: Option<String>,
    pub severity: FlagSeverity,
    /// At most 120 characters, with the figure in it.
    pub headline: String,
    pub why: String,
    pub question: String,
    pub evidence: Vec<EvidencePoint>,
    /// Record ids in their sources (`source:record`).
    pub records: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagState {
    /// First seen in the last seven days.
    New,
    Ongoing,
    /// Seen again after it had been resolved.
    Returning,
    Resolved,
}

impl FlagState {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagState::New => "new",
            FlagState::Ongoing => "ongoing",
            FlagState::Returning => "returning",
            FlagState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<FlagState> {
        [FlagState::New, FlagState::Ongoing, FlagState::Returning, FlagState::Resolved]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A private note an executive attached to a flag. User data: it survives
/// every sync, recomputation and upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A flag as the cache keeps it: the latest finding and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFlag {
    pub flag: RiskFlag,
    pub state: FlagState,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Whether it has ever been resolved and come back.
    pub returned: bool,
}
