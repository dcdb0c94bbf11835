//! Metric keys (the contract with the UI, the PDF and the CLI's JSON),
//! their units and direction, and computed metric values with provenance.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Period, RecordKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    Minutes,
    Hours,
    Days,
    Count,
    /// An amount in the company's own currency.
    Money,
}

impl Unit {
    pub const ALL: [Unit; 6] = [Unit::Percent, Unit::Minutes, Unit::Hours, Unit::Days, Unit::Count, Unit::Money];

    /// `percent`, `minutes`, ... as `as_str` writes them.
    pub fn parse(text: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|unit| unit.as_str() == text)
    }

    /// A figure as an executive reads it, the one way every screen, the
    /// CLI, the charts and the board PDF write it: "78.4%", "41 min",
    /// "2 h 33 min", "5.3 h", "216 days", "1 day", "12", money "1,740".
    /// Halves round away from zero, as people round (3.25 h is "3.3 h").
    pub fn text(self, value: f64) -> String {
        if !value.is_finite() {
            return "no data".into();
        }
        match self {
            Unit::Percent => format!("{}%", fixed(value, 1)),
            Unit::Minutes if value.abs() >= 90.0 => {
                let minutes = value.abs().round() as i64;
                let sign = if value < 0.0 { "-" } else { "" };
                format!("{sign}{} h {:02} min", minutes / 60, minutes % 60)
            }
            Unit::Minutes => format!("{} min", fixed(value, 0)),
            Unit::Hours => format!("{} h", fixed(value, 1)),
            Unit::Days if fixed(value, 0) == "1" || fixed(value, 0) == "-1" => format!("{} day", fixed(value, 0)),
            Unit::Days => format!("{} days", fixed(value, 0)),
            Unit::Count => fixed(value, 0),
            Unit::Money => {
                let whole = fixed(value, 0);
                match whole.strip_prefix('-') {
                    Some(digits) => format!("-{}", thousands(digits.parse().unwrap_or_default())),
                    None => thousands(whole.parse().unwrap_or_default()),
                }
            }
        }
    }
}

/// "1,234,567".
pub fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `value` to `decimals` places, halves away from zero (as people round:
/// 3.25 is "3.3"), never "-0".
pub fn fixed(value: f64, decimals: usize) -> String {
    let power = 10f64.powi(decimals as i32);
    let rounded = (value * power).round() / power;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    format!("{rounded:.decimals$}")
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Days => "days",
            Unit::Count => "count",
            Unit::Money => "money",
        }
    }
}

/// Whether a larger value is better or worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    /// A volume (tickets raised) is neither good nor bad in itself.
    Neutral,
}

/// How a value stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    AtRisk,
    Missed,
    /// There is no target, or no value to compare with it.
    NoTarget,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::AtRisk => "at_risk",
            Status::Missed => "missed",
            Status::NoTarget => "no_target",
        }
    }
}

macro_rules! metric_keys {
    ($($variant:ident => $key:literal, $unit:ident, $direction:ident, [$($reads:ident),*], $name:literal;)*) => {
        /// The metrics Sightline computes, one definition for every vendor.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum MetricKey { $($variant,)* }

        impl MetricKey {
            pub const ALL: &'static [MetricKey] = &[$(MetricKey::$variant,)*];

            /// The stable key used in JSON, e.g. `sla_response_compliance_pct`.
            pub fn as_str(self) -> &'static str {
                match self { $(MetricKey::$variant => $key,)* }
            }

            pub fn unit(self) -> Unit {
                match self { $(MetricKey::$variant => Unit::$unit,)* }
            }

            pub fn direction(self) -> Direction {
                match self { $(MetricKey::$variant => Direction::$direction,)* }
            }

            /// The kinds of record the figure is computed from (beside the
            /// sources' sync times): all its drill-down, or a recomputation
            /// of it alone, needs to read.
            pub fn reads(self) -> &'static [RecordKind] {
                match self { $(MetricKey::$variant => &[$(RecordKind::$reads),*],)* }
            }

            /// What the metric measures, in words an executive uses.
            pub fn plain_name(self) -> &'static str {
                match self { $(MetricKey::$variant => $name,)* }
            }

            pub fn parse(text: &str) -> Option<MetricKey> {
                MetricKey::ALL.iter().copied().find(|key| key.as_str() == text)
            }
        }
    };
}

metric_keys! {
    TicketsOpened => "tickets_opened", Count, Neutral, [Ticket],
        "Tickets raised";
    TicketsClosed => "tickets_closed", Count, Neutral, [Ticket],
        "Tickets resolved";
    FirstResponseMedianMinutes => "first_response_median_minutes", Minutes, LowerIsBetter, [Ticket],
        "Typical wait for a first answer";
    FirstResponseP90Minutes => "first_response_p90_minutes", Minutes, LowerIsBetter, [Ticket],
        "Longest wait for a first answer, leaving out the slowest 10%";
    ResolutionMedianHours => "resolution_median_hours", Hours, LowerIsBetter, [Ticket],
        "Typical time to fix";
    ResolutionP90Hours => "resolution_p90_hours", Hours, LowerIsBetter, [Ticket],
        "Longest time to fix, leaving out the slowest 10%";
    SlaResponseCompliancePct => "sla_response_compliance_pct", Percent, HigherIsBetter, [Ticket],
        "Tickets answered on time";
    SlaResolutionCompliancePct => "sla_resolution_compliance_pct", Percent, HigherIsBetter, [Ticket],
        "Tickets fixed on time";
    ServiceCreditOwed => "service_credit_owed", Money, LowerIsBetter, [Ticket],
        "Service credits the contract says are owed";
    BacklogOpen => "backlog_open", Count, LowerIsBetter, [Ticket],
        "Tickets still open";
    BacklogAged30d => "backlog_aged_30d", Count, LowerIsBetter, [Ticket],
        "Tickets open for more than 30 days";
    ReopenedPct => "reopened_pct", Percent, LowerIsBetter, [Ticket],
        "Fixed tickets that had to be reopened";
    KeyPersonSharePct => "key_person_share_pct", Percent, LowerIsBetter, [Ticket],
        "Share of tickets fixed by the single busiest engineer";
    PatchCompliancePct => "patch_compliance_pct", Percent, HigherIsBetter, [Device, Patch],
        "Devices with security updates on time";
    CriticalPatchMaxAgeDays => "critical_patch_max_age_days", Days, LowerIsBetter, [Device, Patch],
        "Days the oldest missing critical update has been waiting";
    VulnsCriticalOpen => "vulns_critical_open", Count, LowerIsBetter, [Vulnerability],
        "Critical security weaknesses still open";
    VulnsHighOpen => "vulns_high_open", Count, LowerIsBetter, [Vulnerability],
        "High-risk security weaknesses still open";
    VulnsOverdue => "vulns_overdue", Count, LowerIsBetter, [Vulnerability],
        "Security weaknesses open past their deadline";
    BackupSuccessPct => "backup_success_pct", Percent, HigherIsBetter, [Backup],
        "Backups that completed";
    DaysSinceRestoreTest => "days_since_restore_test", Days, LowerIsBetter, [Backup, RestoreTest],
        "Days since a backup was last proven to restore";
    DaysSinceResilienceTest => "days_since_resilience_test", Days, LowerIsBetter, [ResilienceTest],
        "Days since the last failover test";
    CertMinDaysToExpiry => "cert_min_days_to_expiry", Days, HigherIsBetter, [Certificate],
        "Days until the next website certificate expires";
    ChangeSuccessPct => "change_success_pct", Percent, HigherIsBetter, [Change],
        "Changes made without failure or rollback";
    CsatPct => "csat_pct", Percent, HigherIsBetter, [Survey],
        "Staff satisfaction with support";
    AvailabilityPct => "availability_pct", Percent, HigherIsBetter, [Availability],
        "Time the monitored services were up";
    SourceStalenessHours => "source_staleness_hours", Hours, LowerIsBetter, [],
        "Hours since the data was last refreshed";
}

/// Who a metric value is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Vendor(String),
    /// Every vendor together, internal IT included.
    All,
}

impl Scope {
    /// The vendor id, or `all`.
    pub fn id(&self) -> &str {
        match self {
            Scope::Vendor(id) => id,
            Scope::All => "all",
        }
    }
}

/// Which records a value was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MetricProvenance {
    /// Source ids, sorted.
    pub sources: Vec<String>,
    /// Records that went into the value.
    pub records: u64,
    /// Records in scope that lacked what the metric needs.
    pub skipped: u64,
    /// Why they were skipped, in words, with how many for each reason.
    #[serde(default)]
    pub skipped_reasons: Vec<(String, u64)>,
    /// The oldest fetched-at among the records used.
    pub oldest_fetched_at: Option<DateTime<Utc>>,
}

/// One metric for one scope and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    pub scope: Scope,
    pub metric: MetricKey,
    pub period: Period,
    /// `None` when no record could be used.
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub status: Status,
    pub previous: Option<f64>,
    pub provenance: MetricProvenance,
}
