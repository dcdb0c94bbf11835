//! The data a board report is made from, frozen: everything the PDF shows
//! is in here, so a stored report can be explained (and compared with
//! another) long after the cache has moved on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One of the four areas on the summary page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTile {
    pub title: String,
    pub figure: String,
    pub target: String,
    /// met, at_risk, missed or no_target.
    pub status: String,
    pub trend: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRisk {
    pub id: String,
    /// red or amber.
    pub severity: String,
    pub headline: String,
    pub why: String,
    pub question: String,
    pub vendor: String,
    pub first_seen: String,
}

/// A chart placed in a section: its SVG and what it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportChart {
    /// The file name the template loads (`charts/3.svg`).
    pub file: String,
    #[serde(skip)]
    pub svg: String,
    pub caption: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardCell {
    pub value: String,
    pub target: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardRow {
    pub rank: u32,
    pub vendor: String,
    pub kind: String,
    pub monthly_cost: String,
    pub summary: String,
    pub cells: Vec<ScorecardCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportNote {
    pub headline: String,
    pub note: String,
    pub at: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    pub meaning: String,
}

/// Where one figure in the report came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceRow {
    pub figure: String,
    pub vendor: String,
    pub value: String,
    pub sources: String,
    pub records: u32,
    pub fetched_at: String,
    /// Records left out and why: "2 (1 dated answered before opened, ...)";
    /// empty when none were.
    #[serde(default)]
    pub left_out: String,
}

/// Everything in one board report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSnapshot {
    pub company: String,
    pub demo: bool,
    /// `2026-Q3`.
    pub period: String,
    /// "Q3 2026 (July to September)".
    pub period_label: String,
    /// "24 November 2026".
    pub prepared_on: String,
    /// Overall status: met, at_risk or missed, and the sentence for it.
    pub status: String,
    pub headline: String,
    pub tiles: Vec<ReportTile>,
    /// The five most serious open risks.
    pub top_risks: Vec<ReportRisk>,
    /// Every risk open when the report was made, by id and headline: what
    /// "new" and "no longer flagged" are measured against.
    #[serde(default)]
    pub open_risks: Vec<(String, String)>,
    pub open_red: u32,
    pub open_amber: u32,
    /// What changed since the previous report, one sentence each.
    pub changes: Vec<String>,
    pub freshness: String,
    pub service_charts: Vec<ReportChart>,
    pub security_charts: Vec<ReportChart>,
    pub security_facts: Vec<String>,
    pub resilience_charts: Vec<ReportChart>,
    pub resilience_facts: Vec<String>,
    pub scorecard_columns: Vec<String>,
    pub scorecard: Vec<ScorecardRow>,
    pub notes: Vec<ReportNote>,
    pub definitions: Vec<Definition>,
    pub provenance: Vec<ProvenanceRow>,
    /// Figures by `vendor/metric`, for comparing two reports.
    pub figures: Vec<(String, String, Option<f64>)>,
    /// The minisign public key that signs the report, printed in the
    /// appendix so that a reader can check the PDF's signature. Empty (and
    /// left out of the JSON, so that older snapshots keep their
    /// fingerprint) for reports made before signing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signing_key: String,
    /// The SHA-256 of this snapshot (with this field empty), printed in
    /// the appendix.
    pub fingerprint: String,
}

/// The snapshot's SHA-256, over its JSON with the fingerprint left empty
/// (charts included, by their SVG), in hex.
pub fn fingerprint(snapshot: &ReportSnapshot) -> String {
    let mut unsigned = snapshot.clone();
    unsigned.fingerprint.clear();
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(&unsigned).unwrap_or_default());
    for chart in unsigned.service_charts.iter().chain(&unsigned.security_charts).chain(&unsigned.resilience_charts) {
        hasher.update(chart.svg.as_bytes());
    }
    hex::encode(hasher.finalize())
}
