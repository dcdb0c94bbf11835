//! The types that cross the IPC boundary and make up the CLI's JSON. Domain
//! types are converted into these explicitly; TypeScript bindings for them
//! are generated into `ui/src/ipc/bindings.ts`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A closed set of words that crosses the boundary as written here, so the
/// UI gets a union type rather than a string; `as_str` gives the word for
/// the report snapshot, whose archived JSON keeps plain strings.
macro_rules! words {
    ($(#[$doc:meta])* $name:ident from $domain:path { $($variant:ident = $word:literal),* $(,)? }) => {
        words! { $(#[$doc])* $name { $($variant = $word),* } }

        impl From<$domain> for $name {
            fn from(value: $domain) -> $name {
                match value { $(<$domain>::$variant => $name::$variant),* }
            }
        }
    };
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum $name { $(#[serde(rename = $word)] $variant),* }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }
        }
    };
}

words! {
    /// The unit of a figure.
    MetricUnit from sightline_domain::Unit {
        Percent = "percent", Minutes = "minutes", Hours = "hours", Days = "days", Count = "count", Money = "money",
    }
}

words! {
    /// `red`: act now; `amber`: watch.
    RiskSeverity from sightline_domain::FlagSeverity { Amber = "amber", Red = "red" }
}

words! {
    /// `new`: first seen in the last seven days; `returning`: seen again after it was resolved.
    RiskState from sightline_domain::FlagState {
        New = "new", Ongoing = "ongoing", Returning = "returning", Resolved = "resolved",
    }
}

words! {
    /// Where the action on a flag stands.
    ActionStatus from sightline_domain::ActionStatus {
        Open = "open", InProgress = "in_progress", Done = "done", Accepted = "accepted",
    }
}

words! {
    /// What a document on file is.
    DocumentKind from sightline_domain::EvidenceKind {
        Soc2 = "soc2", Pentest = "pentest", RestoreTest = "restore_test", CyberInsurance = "cyber_insurance",
        Contract = "contract",
    }
}

words! {
    /// What a vendor is.
    VendorKind from sightline_domain::VendorKind {
        Msp = "msp", Cloud = "cloud", Security = "security", Internal = "internal", Other = "other",
    }
}

words! {
    /// Where a document on file stands: `expiring` within the reminder
    /// window, `old` when it has no expiry and is older than the board expects.
    DocumentState { Current = "current", Expiring = "expiring", Expired = "expired", Old = "old" }
}

words! {
    /// The unit of a threshold on the Settings screen.
    ThresholdUnit { Percent = "percent", Points = "points", Days = "days", Hours = "hours", Weeks = "weeks" }
}

/// How a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MetricStatus {
    Met,
    AtRisk,
    Missed,
    NoTarget,
}

/// Which filter `kpis` applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KpiQuery {
    /// A vendor id, `all`, or none for every vendor and `all`.
    pub vendor: Option<String>,
    /// `2026-10` or `2026-Q3`; none for the current month.
    pub period: Option<String>,
}

/// One metric for one vendor and period: the CLI's `kpis --json` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KpiRow {
    /// Vendor id, or `all`.
    pub vendor: String,
    pub vendor_name: String,
    /// The metric key, e.g. `sla_response_compliance_pct`.
    pub metric: String,
    pub metric_name: String,
    /// `2026-10` or `2026-Q3`.
    pub period: String,
    pub value: Option<f64>,
    pub unit: MetricUnit,
    pub target: Option<f64>,
    pub status: MetricStatus,
    pub previous: Option<f64>,
    /// Source ids the value was computed from.
    pub sources: Vec<String>,
    pub records: u32,
    pub skipped: u32,
    /// The oldest fetched-at (RFC 3339) among the records used.
    pub fetched_at: Option<String>,
    /// Why records were left out, in words, with how many: "its first
    /// response is dated before it was opened" (3).
    pub skipped_reasons: Vec<SkippedReason>,
}

/// Records a figure left out for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkippedReason {
    pub reason: String,
    pub count: u32,
}

/// Whose disputes, for which period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeQuery {
    pub vendor: String,
    /// `2026-10` or `2026-Q3`; none for the current month.
    pub period: Option<String>,
}

/// Claimed vs measured: for each vendor, what its own tools report beside
/// what Sightline measured itself, for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ClaimsView {
    /// `2026-11`.
    pub period: String,
    /// `November 2026`.
    pub period_label: String,
    pub vendors: Vec<VendorClaims>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VendorClaims {
    pub vendor: String,
    pub vendor_name: String,
    pub rows: Vec<ClaimRow>,
}

/// What a comparison is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClaimTopic {
    /// The provider's own SLA verdicts vs the contract's clock.
    ServiceLevels,
    /// The provider's monitor vs Sightline's own checks.
    Uptime,
    /// The provider's patch reports vs what scanners still find.
    Patching,
    /// Certificates the provider reports vs what Sightline's check sees.
    Certificates,
}

/// Whether the claim and the measurement agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClaimVerdict {
    Agree,
    Disagree,
    /// Only one side is there to compare.
    NoComparison,
}

/// One comparison: the claim, the measurement, the verdict and the
/// records behind a disagreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ClaimRow {
    pub topic: ClaimTopic,
    /// "Service levels", "Uptime", ...
    pub topic_name: String,
    /// What the provider's tools say, in a sentence.
    pub claim: String,
    /// What Sightline measured, in a sentence.
    pub measured: String,
    pub verdict: ClaimVerdict,
    /// Why they differ, or why there is nothing to compare.
    pub why: String,
    /// The records behind a disagreement (`source:record`), at most 50.
    pub evidence: Vec<String>,
    /// How many records are behind it in all.
    pub evidence_count: u32,
}

/// The tickets a provider and Sightline judge differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Disputes {
    pub vendor: String,
    pub vendor_name: String,
    pub period: String,
    /// The count and what it means, in one sentence.
    pub summary: String,
    pub rows: Vec<DisputeRow>,
}

/// One disputed ticket: the CLI's `disputes --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisputeRow {
    pub source: String,
    /// The ticket's id in its source.
    pub ticket: String,
    pub summary: String,
    pub priority: String,
    /// RFC 3339.
    pub created_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    /// `24x7` or `business`.
    pub clock: String,
    /// Which target decides: `response` or `resolution`.
    pub target: String,
    pub target_minutes: u32,
    /// Minutes on the contract's clock, pause taken off.
    pub elapsed_minutes: f64,
    pub paused_minutes: u32,
    /// `met` or `missed`.
    pub vendor_says: String,
    pub sightline_says: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TileArea {
    ServiceLevels,
    SecurityHygiene,
    Resilience,
    Vendors,
}

/// Which way a figure moved since the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Better,
    Worse,
    Same,
    Unknown,
}

/// One Overview tile: an area of IT, its headline figure against target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Tile {
    pub area: TileArea,
    /// "Service levels".
    pub title: String,
    /// What the figure measures, in plain words.
    pub measure: String,
    /// The metric key behind the figure (none for the vendors tile).
    pub metric: Option<String>,
    pub value: Option<f64>,
    /// "78.4%", "216 days", "2 of 4".
    pub value_text: String,
    pub target: Option<f64>,
    /// "target 95.0% or more".
    pub target_text: String,
    pub status: MetricStatus,
    pub trend: Trend,
    /// "from 85.1% in October".
    pub trend_text: String,
    /// One more line of context: "Median first answer 41 min".
    pub detail: String,
    /// A one-line explanation of the term, for hover and focus.
    pub explanation: String,
    /// "as of 2 h ago".
    pub freshness_text: String,
    /// Where the figure came from: "bluepeak-psa, internal-desk; 3,120 records".
    pub provenance_text: String,
    pub fetched_at: Option<String>,
    /// The last twelve months as a small SVG line with the target (empty
    /// for the vendors tile): the same renderer as the board report.
    pub sparkline_svg: String,
}

/// How fresh one source's data is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SourceFreshness {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub last_success_at: Option<String>,
    /// "35 min ago", "never".
    pub age_text: String,
    /// Hours since the last successful sync, at now.
    pub staleness_hours: Option<f64>,
    pub stale: bool,
    pub last_error: Option<String>,
}

/// The Overview screen: "is IT OK?".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Overview {
    pub company: String,
    pub demo: bool,
    /// `2026-11`.
    pub period: String,
    /// "November 2026 (to date)".
    pub period_label: String,
    /// RFC 3339 of the moment the figures were computed for.
    pub now: String,
    /// "Red", "Amber" or "Green" as a sentence: "Needs attention: 3 of 4 areas are off target".
    pub headline: String,
    pub status: MetricStatus,
    pub tiles: Vec<Tile>,
    /// "Data as of 07:50 today; every source synced in the last 2 hours".
    pub freshness_line: String,
    /// Where the figures shown are older results served while new ones
    /// are worked out in the background: "Figures worked out at 06:10 UTC
    /// today; up-to-date ones are on their way." `None` when they are
    /// current.
    pub figures_as_of: Option<String>,
    pub sources: Vec<SourceFreshness>,
    /// The five most serious open flags.
    pub top_risks: Vec<RiskRow>,
    /// How many flags are open, red and amber.
    pub open_red: u32,
    pub open_amber: u32,
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckReport {
    pub data_dir: String,
    pub cache_file: String,
    pub cache_bytes: u32,
    pub schema_version: u32,
    /// "OS keychain" or "passphrase (Argon2id)".
    pub key_mode: String,
    /// Whether every page was read and found intact: `None` when the
    /// quick check did not read them (`check --full` does).
    pub integrity_ok: Option<bool>,
    pub problems: Vec<String>,
    pub company: String,
    pub demo: bool,
    pub records: u32,
    pub sources: Vec<SourceFreshness>,
}

/// One figure behind a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EvidenceRow {
    pub metric: String,
    pub metric_name: String,
    pub period: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub unit: MetricUnit,
}

/// An executive's note on a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AcknowledgementRow {
    pub note: String,
    /// RFC 3339.
    pub at: String,
}

/// The action agreed on a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionRow {
    pub owner: String,
    /// `2027-01-31`.
    pub due: String,
    pub status: ActionStatus,
    /// "in progress", "accepted risk".
    pub status_text: String,
    /// Why the risk is accepted, or a note.
    pub reason: Option<String>,
    /// RFC 3339.
    pub recorded_at: String,
}

/// A change to a flag's action: only what is given changes (a first
/// action needs an owner and a due date).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionInput {
    pub owner: Option<String>,
    /// `2027-01-31`.
    pub due: Option<String>,
    /// A String in Rust: the API also takes the CLI's spellings
    /// (`in-progress`, `accepted risk`).
    #[ts(as = "Option<ActionStatus>")]
    pub status: Option<String>,
    pub reason: Option<String>,
}

/// A risk flag: the CLI's `risks --json` row and the Risks screen's item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskRow {
    /// Stable across recomputations: `rule:subject`.
    pub id: String,
    pub rule: String,
    pub severity: RiskSeverity,
    pub vendor: Option<String>,
    pub vendor_name: Option<String>,
    pub headline: String,
    pub why: String,
    pub question: String,
    pub evidence: Vec<EvidenceRow>,
    /// Records behind the flag, as `source:record`.
    pub records: Vec<String>,
    /// RFC 3339.
    pub first_seen: String,
    pub last_seen: String,
    pub resolved_at: Option<String>,
    pub state: RiskState,
    pub acknowledged: Option<AcknowledgementRow>,
    /// Who owns the response to it, by when, and where it stands.
    pub action: Option<ActionRow>,
    /// On the board's grid: `possible`, `likely` or `almost certain`.
    pub likelihood: String,
    /// `low`, `medium` or `high`.
    pub impact: String,
}

/// What to sync: every configured source, or one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncQuery {
    /// A source id; none for every source.
    pub source: Option<String>,
    /// Read everything again rather than only what changed.
    pub full: bool,
    /// Apply a read that holds far fewer records than the cache; such a
    /// read is held otherwise.
    #[serde(default)]
    pub accept_shrink: bool,
    /// Only the checks Sightline makes itself (websites, certificates).
    #[serde(default)]
    pub probes_only: bool,
}

/// A running source's progress, for a progress bar or a progress line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub source: String,
    /// connecting, fetching, applying, done or failed.
    pub phase: String,
    pub records: u32,
    pub pages: u32,
}

/// How one source's sync ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSourceResult {
    pub source: String,
    pub ok: bool,
    pub records: u32,
    /// Whether every record was read (rather than only changes).
    pub full: bool,
    /// Why the run was full or incremental.
    pub reason: String,
    pub requests: u32,
    pub pages: u32,
    /// Why it failed and what to do; none when it worked.
    pub error: Option<String>,
    /// Records left out, one phrase each (e.g. a bad CSV row).
    pub warnings: Vec<String>,
    /// The read was held because it had far fewer records than the cache:
    /// nothing was replaced until the user accepts it (`accept_shrink`).
    pub held: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSummary {
    pub sources: Vec<SyncSourceResult>,
    /// What to know that is not a failure: a source kept in the cache
    /// though gone from the configuration.
    pub notices: Vec<String>,
    /// Ids of the sources kept in the cache though gone from the
    /// configuration: each can be forgotten (`forget_source`).
    pub kept_sources: Vec<String>,
}

/// Which board report to make.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportQuery {
    /// `2026-Q3` or `2026-10`; none for the last full quarter.
    pub period: Option<String>,
    /// `a4` or `us-letter`; none for A4.
    pub paper: Option<String>,
}

/// A report in the archive (never its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ArchivedReport {
    #[ts(type = "number")]
    pub id: i64,
    pub period: String,
    pub title: String,
    /// RFC 3339.
    pub created_at: String,
    pub paper: String,
    /// SHA-256 of the PDF, checked whenever it is opened.
    pub sha256: String,
    /// SHA-256 of the data snapshot, printed in the report's appendix.
    pub fingerprint: String,
    pub pages: u32,
    pub bytes: u32,
    /// `checked`, `unsigned` (made before signing) or `failed`.
    pub signature: String,
    /// "Signature checked: ..." or what failed, in words.
    pub signature_text: String,
}

/// What got better and what got worse between two archived reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportComparison {
    pub from: ArchivedReport,
    pub to: ArchivedReport,
    pub better: Vec<String>,
    pub worse: Vec<String>,
    pub new_risks: Vec<String>,
    pub resolved_risks: Vec<String>,
}

/// A vendor or "all vendors", for a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// A measure, for a picker: its key, plain name and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MetricChoice {
    pub metric: String,
    /// "How fast urgent tickets get a first answer".
    pub name: String,
    pub explanation: String,
    pub unit: MetricUnit,
    /// The area it belongs to, from the catalogue: Service levels, Security hygiene, Identity and access,
    /// Resilience or Vendors.
    pub area: String,
}

/// One cell of the vendor scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScoreCell {
    pub metric: String,
    /// "78.4%" or "—".
    pub value_text: String,
    /// "target 95.0%" or empty.
    pub target_text: String,
    pub status: MetricStatus,
}

/// One vendor's row on the scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VendorScore {
    pub rank: u32,
    pub vendor: String,
    pub name: String,
    /// "Managed service provider".
    pub kind: String,
    /// "4,200 a month" or empty.
    pub cost_text: String,
    /// "Bluepeak IT Services: off target on answered on time; otherwise on target."
    pub summary: String,
    pub cells: Vec<ScoreCell>,
    pub open_red: u32,
    pub open_amber: u32,
}

/// The Vendors screen: every vendor side by side on Sightline's own figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Scorecard {
    pub period: String,
    pub period_label: String,
    pub columns: Vec<MetricChoice>,
    pub rows: Vec<VendorScore>,
    /// Vendors compared on first answers in time, as SVG (empty with fewer
    /// than two measured vendors).
    pub comparison_svg: String,
}

/// A contracted response and resolution target for one priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TargetRow {
    pub priority: String,
    /// "first answer within 30 min".
    pub respond_text: String,
    /// "fixed within 4 h".
    pub resolve_text: String,
    /// "since 1 January 2026" or "since the contract began".
    pub since_text: String,
    /// "in business hours" or "round the clock".
    pub clock_text: String,
}

/// One vendor's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VendorPage {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub period: String,
    pub period_label: String,
    pub cost_text: String,
    /// "Last supplier review 14 March 2026 (255 days ago: overdue, the
    /// company reviews every 120 days)" or "No supplier review recorded".
    pub review_text: String,
    pub review_overdue: bool,
    /// The supplier review log, newest first.
    pub reviews: Vec<ReviewRow>,
    /// Documents on file (SOC 2 report, penetration test, ...), newest
    /// first within each kind.
    pub documents: Vec<DocumentRow>,
    pub targets: Vec<TargetRow>,
    pub compliance_target_text: String,
    pub rank: u32,
    /// How many vendors the rank is out of.
    pub vendor_count: u32,
    pub summary: String,
    pub metrics: Vec<KpiRow>,
    /// What each of `metrics` means, in the same order.
    pub measures: Vec<MetricChoice>,
    pub risks: Vec<RiskRow>,
    /// The period's tickets on which the provider's own SLA verdict and
    /// the contract's disagree.
    pub disputes: Disputes,
    /// The contract's business hours ("Mon-Fri 08:00-18:00 Europe/London")
    /// or "Round the clock", and its holidays and service credits in words.
    pub hours_text: String,
    pub credits_text: String,
    pub sources: Vec<SourceFreshness>,
    /// Twelve months of first answers in time against the target, as SVG.
    pub trend_svg: String,
    /// The chart in one sentence, for its alternative text.
    pub trend_summary: String,
    /// The contract as written in `sightline.toml` (for the demo company,
    /// as the cache holds it), to fill the contract form.
    pub contract: ContractInput,
    /// Whether the contract can be changed here: false for the demo
    /// company, which has no `sightline.toml`.
    pub contract_editable: bool,
}

/// One contracted target as the contract form edits it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SlaTargetInput {
    /// P1, P2, P3 or P4.
    pub priority: String,
    /// Minutes to the first answer; none for no answer time.
    pub respond_minutes: Option<u32>,
    /// Minutes to the fix; none for no fix time.
    pub resolve_minutes: Option<u32>,
    /// `24x7`, `business`, or empty for the contract's default (business
    /// hours when it has them, else round the clock).
    pub clock: String,
    /// `2026-07-01`, the day from which the target applies; empty for
    /// since the contract began.
    pub effective_from: String,
}

/// A vendor's contract as the vendor page edits it; written to `sightline.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ContractInput {
    /// Share of requests that must meet their times, e.g. 95; none for the
    /// default.
    pub compliance_target_pct: Option<f64>,
    /// "Mon-Fri 08:00-18:00"; empty for round the clock.
    pub hours: String,
    /// `2026-12-25`, one a day, on which the business clock stands still.
    pub holidays: Vec<String>,
    pub sla: Vec<SlaTargetInput>,
    /// Service credits: the share of the monthly cost credited per point
    /// below the compliance target. Both credit fields none: no credits.
    pub credit_percent_per_point: Option<f64>,
    /// At most this share of the monthly cost a month.
    pub credit_cap_percent: Option<f64>,
}

/// Which trend to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrendQuery {
    /// A metric key; none for first answers in time.
    pub metric: Option<String>,
    /// A vendor id or `all`; none for all vendors.
    pub vendor: Option<String>,
    /// `month` (the last twelve) or `quarter` (the last eight); none for months.
    pub granularity: Option<String>,
}

/// One period on a trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrendPeriod {
    /// `2026-10` or `2026-Q3`.
    pub period: String,
    /// "October 2026".
    pub label: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub target_text: String,
    pub status: MetricStatus,
    pub records: u32,
    /// "bluepeak-psa; fetched 22 Nov 07:50".
    pub provenance_text: String,
}

/// The Trends screen: one measure over time, against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrendView {
    pub metric: MetricChoice,
    pub vendor: Choice,
    pub granularity: String,
    /// "Answered on time was below target in 5 of the last 12 months; 78.4% in November 2026."
    pub summary: String,
    pub svg: String,
    pub periods: Vec<TrendPeriod>,
    pub metrics: Vec<MetricChoice>,
    pub vendors: Vec<Choice>,
}

/// Which figure to open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrilldownQuery {
    pub metric: String,
    /// A vendor id or `all`.
    pub vendor: Option<String>,
    pub period: String,
}

/// One record behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrilldownRow {
    /// `source:record`.
    pub id: String,
    /// One cell per column, already in words.
    pub cells: Vec<String>,
    /// Whether this record met its target, where the measure judges records one by one.
    pub met: Option<bool>,
}

/// The records behind one figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Drilldown {
    /// "Answered on time, Bluepeak IT Services, October 2026".
    pub title: String,
    /// "412 tickets; 322 met the target, 90 did not."
    pub summary: String,
    pub value_text: String,
    pub columns: Vec<String>,
    pub rows: Vec<DrilldownRow>,
    /// Records behind the figure (rows may be fewer: the first 500 are listed).
    pub total: u32,
    /// Of `total`, the records the figure leaves out (no priority, excluded
    /// by the contract, impossible dates); their last cell gives the reason.
    pub left_out: u32,
}

/// A kind of source the Sources screen can add, and what it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceKindChoice {
    /// `connectwise`, `csv`, ...
    pub kind: String,
    pub name: String,
    /// The settings the form asks for besides id, vendor and name, in order.
    pub fields: Vec<SourceField>,
    /// "PUBLIC_KEY:PRIVATE_KEY", when it needs credentials.
    pub secret_form: Option<String>,
}

/// How the form asks for a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum FieldInput {
    /// A web address.
    Url,
    Text,
    /// A file on this computer.
    File,
    /// Several entries, one per line.
    Lines,
    /// One of `choices`.
    Choice,
}

/// One setting on the source form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceField {
    /// The key in `sightline.toml` and in [`SourceInput::settings`].
    pub key: String,
    pub label: String,
    pub hint: String,
    pub required: bool,
    pub input: FieldInput,
    /// For a choice: the values (`id`) and what the form shows (`name`).
    pub choices: Vec<Choice>,
}

/// A configured source, as the Sources screen shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceRow {
    pub settings: SourceInput,
    pub kind_name: String,
    pub vendor_name: String,
    pub secret_form: Option<String>,
    /// Whether credentials are stored (they are never shown).
    pub has_secret: bool,
    /// "35 min ago", "never".
    pub last_sync_text: String,
    pub last_error: Option<String>,
    pub records: u32,
}

/// A source as entered on the Sources screen; written to `sightline.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceInput {
    pub id: String,
    pub kind: String,
    pub vendor: String,
    pub name: Option<String>,
    /// The kind's form settings by key ([`SourceField::key`]); several
    /// entries (a `lines` setting) one per line. Empty leaves a setting out.
    pub settings: BTreeMap<String, String>,
}

/// A vendor as entered on the Sources screen; written to `sightline.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct VendorInput {
    pub id: String,
    pub name: String,
    /// A String in Rust: `save_vendor` checks it and names the words it takes.
    #[ts(as = "VendorKind")]
    pub kind: String,
    pub monthly_cost: Option<f64>,
    /// `2026-03-14`.
    pub last_review: Option<String>,
}

/// The Sources screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SourcesView {
    pub company: String,
    pub demo: bool,
    /// Whether `sightline.toml` exists.
    pub configured: bool,
    pub config_path: String,
    /// What is wrong with `sightline.toml`, in plain words, when it has problems.
    pub config_problem: Option<String>,
    pub vendors: Vec<VendorInput>,
    pub sources: Vec<SourceRow>,
    pub kinds: Vec<SourceKindChoice>,
}

/// What "Test connection" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionTest {
    pub ok: bool,
    /// "Connected: read 120 tickets in 2 pages." or what failed and what to do.
    pub message: String,
}

/// A threshold or company-wide target the Settings screen can change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ThresholdRow {
    pub key: String,
    pub name: String,
    pub explanation: String,
    pub value: f64,
    pub default: f64,
    pub unit: ThresholdUnit,
}

/// The Settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingsView {
    pub timezone: String,
    /// `a4` or `us-letter`.
    pub paper: String,
    /// Minutes without use before the window locks; 0 never locks.
    pub lock_minutes: u32,
    pub data_dir: String,
    pub cache_file: String,
    /// "OS keychain" or "passphrase (Argon2id)".
    pub key_mode: String,
    pub thresholds: Vec<ThresholdRow>,
    /// Days after the last backup before Settings reminds to make one.
    pub backup_reminder_days: u32,
    pub backup: BackupStatus,
    /// The minisign public key that signs board reports; none until the
    /// first report is made.
    pub signing_key: Option<String>,
    /// The documents every outside vendor must have on file (kinds).
    pub required_evidence: Vec<String>,
    /// Every kind of document, for the choice.
    pub evidence_kinds: Vec<Choice>,
}

/// When the company's data was last backed up, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupStatus {
    /// "Last backed up on 3 December 2026 (2 days ago)." or "Never backed up."
    pub text: String,
    /// The last backup is older than the reminder setting, or there is none.
    pub due: bool,
    /// Automatic backups kept in the data folder's backups/.
    pub automatic: u32,
}

/// What a backup or a restore from the desktop did, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupOutcome {
    pub summary: String,
}

/// What the Settings screen saves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingsInput {
    pub timezone: String,
    pub paper: String,
    pub lock_minutes: u32,
    /// Threshold key and value; keys not listed keep their value.
    pub thresholds: Vec<ThresholdValue>,
    /// Days after the last backup before Settings reminds; none keeps it.
    #[serde(default)]
    pub backup_reminder_days: Option<u32>,
    /// The documents every outside vendor must have on file; none keeps them.
    #[serde(default)]
    pub required_evidence: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ThresholdValue {
    pub key: String,
    pub value: f64,
}

/// What the lock screen needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LockInfo {
    pub idle_minutes: u32,
    /// Unlocking asks for the passphrase (no OS keychain).
    pub needs_passphrase: bool,
}

/// A document on file for a vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentRow {
    #[ts(type = "number")]
    pub id: i64,
    pub vendor: String,
    pub vendor_name: String,
    pub kind: DocumentKind,
    /// "SOC 2 report".
    pub kind_text: String,
    pub title: String,
    /// `2026-09-30`.
    pub issued: String,
    pub expires: Option<String>,
    pub file_name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub sha256: String,
    pub state: DocumentState,
    /// "expired on 3 March 2026".
    pub state_text: String,
    /// RFC 3339.
    pub added_at: String,
}

/// A document to put on file (its file is chosen apart).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentInput {
    pub vendor: String,
    /// A String in Rust: the API also takes the CLI's spellings (`pen test`, `insurance`).
    #[ts(as = "DocumentKind")]
    pub kind: String,
    /// A title; made from the vendor, kind and date when empty.
    pub title: Option<String>,
    /// `2026-09-30`.
    pub issued: String,
    pub expires: Option<String>,
}

/// One supplier review in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewRow {
    #[ts(type = "number")]
    pub id: i64,
    pub vendor: String,
    pub vendor_name: String,
    /// `2026-09-30`.
    pub reviewed_on: String,
    /// "30 September 2026".
    pub reviewed_on_text: String,
    pub reviewer: String,
    pub outcome: String,
    pub next_due: Option<String>,
}

/// A supplier review to log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewInput {
    pub vendor: String,
    /// `2026-09-30`.
    pub reviewed_on: String,
    pub reviewer: String,
    pub outcome: String,
    pub next_due: Option<String>,
}
