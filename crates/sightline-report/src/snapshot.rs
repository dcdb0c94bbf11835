//! The data a board report is made from, frozen: everything the PDF shows
//! is in here, so a stored report can be explained (and compared with
//! another) long after the cache has moved on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One comparison of what a provider's tools report with what Sightline
/// measured itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportClaim {
    pub vendor: String,
    /// "Service levels", "Uptime", ...
    pub topic: String,
    pub claim: String,
    pub measured: String,
    /// agree, disagree or no_comparison.
    pub verdict: String,
    pub why: String,
}

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

/// One of the five most serious risks on the brief's grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefRisk {
    /// 1 to 5, as marked on the grid.
    pub number: u32,
    pub id: String,
    /// red or amber.
    pub severity: String,
    pub headline: String,
    /// 1 (possible) to 3 (almost certain), and its word.
    pub likelihood: u32,
    pub likelihood_text: String,
    /// 1 (low) to 3 (high), and its word.
    pub impact: u32,
    pub impact_text: String,
    /// new, worse, better or unchanged, since the last report.
    pub movement: String,
    /// "Head of IT, due 2 December 2026, in progress" or "No action agreed yet".
    pub action: String,
}

/// A risk's level when a report was made, for the next report's movement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskLevel {
    pub id: String,
    pub severity: String,
    /// The figure behind it, and whether higher is better, where it has one.
    pub figure: Option<f64>,
    pub higher_is_better: Option<bool>,
}

/// One enabled account of the company's directory, as a report saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub user: String,
    pub admin: bool,
    pub mfa: Option<bool>,
}

/// An action agreed on a risk, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportAction {
    pub flag_id: String,
    pub headline: String,
    pub owner: String,
    /// "31 January 2027".
    pub due: String,
    /// open, in_progress, done or accepted.
    pub status: String,
    /// "in progress", "accepted risk".
    pub status_text: String,
    pub reason: String,
    /// Past its due date and not done.
    pub overdue: bool,
    /// What became of it since the last report ("done", "still open,
    /// overdue since 2 December 2026", "the risk is no longer flagged").
    #[serde(default)]
    pub outcome: String,
}

/// A document on file, for the appendix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDocument {
    pub vendor: String,
    pub kind: String,
    pub title: String,
    pub issued: String,
    pub standing: String,
    /// met, at_risk or missed.
    pub status: String,
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
    /// The brief's five risks on the likelihood and impact grid.
    #[serde(default)]
    pub brief_risks: Vec<BriefRisk>,
    /// Every open risk's level, for the next report's movement.
    #[serde(default)]
    pub risk_levels: Vec<RiskLevel>,
    /// Decisions or money the board is asked for, one sentence each.
    #[serde(default)]
    pub asks: Vec<String>,
    /// Actions open or in progress, soonest due first.
    #[serde(default)]
    pub actions_due: Vec<ReportAction>,
    /// Every action as it stood when the report was made.
    #[serde(default)]
    pub actions: Vec<ReportAction>,
    /// The actions of the last report, with what became of them.
    #[serde(default)]
    pub actions_before: Vec<ReportAction>,
    /// Evidence on file, per vendor, for the appendix.
    #[serde(default)]
    pub documents: Vec<ReportDocument>,
    /// Each outside vendor's last supplier review, one sentence each.
    #[serde(default)]
    pub reviews: Vec<String>,
    pub open_red: u32,
    pub open_amber: u32,
    /// What changed since the previous report, one sentence each.
    pub changes: Vec<String>,
    /// The company directory's enabled accounts as read by the period's
    /// end (user, administrator, second factor), so that the next report
    /// can say who became an administrator and whose second factor went.
    #[serde(default)]
    pub directory: Vec<DirectoryEntry>,
    pub freshness: String,
    pub service_charts: Vec<ReportChart>,
    pub security_charts: Vec<ReportChart>,
    pub security_facts: Vec<String>,
    pub resilience_charts: Vec<ReportChart>,
    pub resilience_facts: Vec<String>,
    /// Claimed vs measured, vendor by vendor, disagreements first.
    #[serde(default)]
    pub claims: Vec<ReportClaim>,
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
