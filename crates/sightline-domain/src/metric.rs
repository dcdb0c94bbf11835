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
    /// "2 h 33 min", "2 h", "5.3 h", "216 days", "1 day", "1,234", money
    /// "1,740". Halves round away from zero, as people round (3.25 h is
    /// "3.3 h"); thousands are grouped; never "-0". The UI mirrors it
    /// (`ui/src/lib/format.ts`); both are tested against
    /// `tests/it/format-cases.json`.
    pub fn text(self, value: f64) -> String {
        if !value.is_finite() {
            return "no data".into();
        }
        match self {
            // A share short of 100 never reads "100.0%": 99.95 is "99.95%",
            // 99.999 "99.99%" (cut), as availability targets are written.
            Unit::Percent if value < 100.0 && fixed(value, 1) == "100.0" => {
                format!("{:.2}%", ((value * 100.0) + 1e-6).floor() / 100.0)
            }
            Unit::Percent => format!("{}%", grouped(&fixed(value, 1))),
            Unit::Minutes => {
                // Whole minutes first; hours and minutes from 90 on, never
                // days (a figure's minutes may be business minutes).
                let minutes = value.abs().round() as u64;
                let sign = if value < 0.0 && minutes > 0 { "-" } else { "" };
                match (minutes, minutes % 60) {
                    (0..90, _) => format!("{sign}{minutes} min"),
                    (_, 0) => format!("{sign}{} h", thousands(minutes / 60)),
                    (_, rest) => format!("{sign}{} h {rest} min", thousands(minutes / 60)),
                }
            }
            Unit::Hours => format!("{} h", grouped(&fixed(value, 1))),
            Unit::Days => {
                let whole = fixed(value, 0);
                let word = if whole == "1" || whole == "-1" { "day" } else { "days" };
                format!("{} {word}", grouped(&whole))
            }
            Unit::Count | Unit::Money => grouped(&fixed(value, 0)),
        }
    }
}

impl Unit {
    /// A figure written beside its target: as [`Unit::text`], with as many
    /// more decimals as it takes (up to three) that a figure that missed or
    /// beat its target never reads the same as the target: 94.96 beside 95
    /// is "94.96%", not "95.0%".
    pub fn text_beside(self, value: f64, target: f64) -> String {
        let text = self.text(value);
        if value == target || !value.is_finite() || !target.is_finite() || text != self.text(target) {
            return text;
        }
        (1..=3)
            .map(|decimals| (fixed(value, decimals), fixed(target, decimals)))
            .find(|(value, target)| value != target)
            .map_or(text, |(number, _)| {
                let number = grouped(&number);
                match self {
                    Unit::Percent => format!("{number}%"),
                    Unit::Minutes => format!("{number} min"),
                    Unit::Hours => format!("{number} h"),
                    Unit::Days => format!("{number} days"),
                    Unit::Count | Unit::Money => number,
                }
            })
    }
}

/// A figure beside its target, the unit written as a word as in
/// [`value_text`]: never the same text as a target it missed or beat
/// ([`Unit::text_beside`]); as [`value_text`] without a target.
pub fn value_beside(value: Option<f64>, target: Option<f64>, unit: &str) -> String {
    match (value, target.filter(|target| target.is_finite()), Unit::parse(unit)) {
        (Some(value), Some(target), Some(unit)) if value.is_finite() => unit.text_beside(value, target),
        _ => value_text(value, unit),
    }
}

/// A figure whose unit is written as a word (`percent`, `days`), as the
/// DTOs and the charts carry it: "no data" when missing; a unit Sightline
/// does not know is written after the number, to one place ("2.5 points").
pub fn value_text(value: Option<f64>, unit: &str) -> String {
    match (value, Unit::parse(unit)) {
        (None, _) => "no data".into(),
        (Some(value), Some(unit)) => unit.text(value),
        (Some(value), None) if !value.is_finite() => "no data".into(),
        (Some(value), None) => {
            let number = fixed(value, 1);
            let number = grouped(number.strip_suffix(".0").unwrap_or(&number));
            if unit.is_empty() { number } else { format!("{number} {unit}") }
        }
    }
}

/// Commas between the thousands of a written number: "-1234.5" is "-1,234.5".
fn grouped(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |rest| ("-", rest));
    let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(whole, fraction)| (whole, Some(fraction)));
    let mut out = String::from(sign);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
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

/// Where a measure belongs: the Overview's areas, the report's sections
/// and the Trends screen's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    ServiceLevels,
    Security,
    Resilience,
    Vendors,
    Identity,
}

impl Area {
    pub const ALL: [Area; 5] = [Area::ServiceLevels, Area::Security, Area::Resilience, Area::Vendors, Area::Identity];

    /// As the screens and the report name it.
    pub fn name(self) -> &'static str {
        match self {
            Area::ServiceLevels => "Service levels",
            Area::Security => "Security hygiene",
            Area::Resilience => "Resilience",
            Area::Vendors => "Vendors",
            Area::Identity => "Identity and access",
        }
    }
}

/// What the records behind a figure are, and so what its drill-down lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listing {
    /// Tickets, with the wait for a first answer.
    TicketsAnswered,
    /// Tickets, with the time to fix.
    TicketsFixed,
    /// Tickets, with their status.
    TicketsOpen,
    /// Managed devices.
    Devices,
    /// Computers as the tools see them, matched by name: which tools see
    /// each, its protection and when it was last heard from.
    Computers,
    /// Missing updates, by device.
    MissingUpdates,
    Vulnerabilities,
    Backups,
    RestoreTests,
    ResilienceTests,
    Certificates,
    Changes,
    Surveys,
    Availability,
    /// The sources themselves (their last refresh).
    Sources,
    /// Sign-in accounts in the company's own directory.
    Accounts,
}

/// The metric catalogue: one entry per measure, with everything its
/// readers need (the engine computes it; the screens, the CLI and the
/// report show it). An entry cannot leave a part out: the macro takes every
/// part by position.
///
/// `Variant => "key", unit, better direction, area, drill-down listing,
/// [record kinds read], "plain name", "plain definition";`. The definition
/// names thresholds as `{setting_key}`; readers fill in the settings in
/// force ([`MetricKey::definition_with`]), so no default is written in.
/// Its target and status rule are the engine's `target_for` and
/// `status_for`, exhaustive matches beside its computation.
macro_rules! metric_keys {
    ($($variant:ident => $key:literal, $unit:ident, $direction:ident, $area:ident, $listing:ident,
       [$($reads:ident),*], $name:literal, $definition:literal;)*) => {
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

            pub fn area(self) -> Area {
                match self { $(MetricKey::$variant => Area::$area,)* }
            }

            /// What the figure's drill-down lists.
            pub fn listing(self) -> Listing {
                match self { $(MetricKey::$variant => Listing::$listing,)* }
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

            /// What the figure means, with `{setting_key}` where a
            /// threshold goes: see [`MetricKey::definition_with`].
            pub fn definition(self) -> &'static str {
                match self { $(MetricKey::$variant => $definition,)* }
            }

            pub fn parse(text: &str) -> Option<MetricKey> {
                MetricKey::ALL.iter().copied().find(|key| key.as_str() == text)
            }
        }
    };
}

impl MetricKey {
    /// The definition with each `{setting_key}` replaced by `setting`'s
    /// answer; `None` when it names a threshold `setting` does not know.
    pub fn definition_with(self, setting: impl Fn(&str) -> Option<String>) -> Option<String> {
        let mut out = String::new();
        let mut rest = self.definition();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}')? + open;
            out.push_str(&rest[..open]);
            out.push_str(&setting(&rest[open + 1..close])?);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

metric_keys! {
    TicketsOpened => "tickets_opened", Count, Neutral,
        ServiceLevels, TicketsAnswered, [Ticket],
        "Tickets raised",
        "Requests for help raised with the provider in the period.";
    TicketsClosed => "tickets_closed", Count, Neutral,
        ServiceLevels, TicketsAnswered, [Ticket],
        "Tickets resolved",
        "Requests the provider marked as fixed in the period.";
    FirstResponseMedianMinutes => "first_response_median_minutes", Minutes, LowerIsBetter,
        ServiceLevels, TicketsAnswered, [Ticket],
        "Typical wait for a first answer",
        "Half of the requests raised got a first answer within this time (the median).";
    FirstResponseP90Minutes => "first_response_p90_minutes", Minutes, LowerIsBetter,
        ServiceLevels, TicketsAnswered, [Ticket],
        "Longest wait for a first answer, leaving out the slowest 10%",
        "Nine in ten requests got a first answer within this time.";
    ResolutionMedianHours => "resolution_median_hours", Hours, LowerIsBetter,
        ServiceLevels, TicketsFixed, [Ticket],
        "Typical time to fix",
        "Half of the requests fixed were fixed within this time of being raised.";
    ResolutionP90Hours => "resolution_p90_hours", Hours, LowerIsBetter,
        ServiceLevels, TicketsFixed, [Ticket],
        "Longest time to fix, leaving out the slowest 10%",
        "Nine in ten requests fixed were fixed within this time.";
    SlaResponseCompliancePct => "sla_response_compliance_pct", Percent, HigherIsBetter,
        ServiceLevels, TicketsAnswered, [Ticket],
        "Tickets answered on time",
        "Of requests whose priority has a contracted answer time, the share answered in time, timed on the \
         contract's clock (its business hours and holidays, time on hold left out). A request with no answer \
         counts as late once its time has passed; one fixed with no answer recorded was answered by the fix. \
         Requests the provider's tool excludes from the SLA, or whose dates cannot be right, are left out and \
         named.";
    SlaResolutionCompliancePct => "sla_resolution_compliance_pct", Percent, HigherIsBetter,
        ServiceLevels, TicketsFixed, [Ticket],
        "Tickets fixed on time",
        "Of requests whose priority has a contracted time to fix, the share fixed in time, timed on the \
         contract's clock as answers are. A request not yet fixed counts as late once its time has passed.";
    ServiceCreditOwed => "service_credit_owed", Money, LowerIsBetter,
        ServiceLevels, TicketsAnswered, [Ticket],
        "Service credits the contract says are owed",
        "What the contract's credit terms say the provider owes back for missing its targets: a share of the \
         monthly cost for each point of compliance below the target, up to the contract's cap.";
    BacklogOpen => "backlog_open", Count, LowerIsBetter,
        ServiceLevels, TicketsOpen, [Ticket],
        "Tickets still open",
        "Requests raised and not yet fixed at the end of the period.";
    BacklogAged30d => "backlog_aged_30d", Count, LowerIsBetter,
        ServiceLevels, TicketsOpen, [Ticket],
        "Tickets open for more than 30 days",
        "Of those, requests waiting for more than 30 days.";
    ReopenedPct => "reopened_pct", Percent, LowerIsBetter,
        ServiceLevels, TicketsFixed, [Ticket],
        "Fixed tickets that had to be reopened",
        "Fixed requests that came back because the fix did not hold.";
    KeyPersonSharePct => "key_person_share_pct", Percent, LowerIsBetter,
        Vendors, TicketsFixed, [Ticket],
        "Share of tickets fixed by the single busiest engineer",
        "The share of fixes made by the single busiest engineer: a high share means the service depends on \
         one person.";
    PatchCompliancePct => "patch_compliance_pct", Percent, HigherIsBetter,
        Security, Devices, [Device, Patch],
        "Devices with security updates on time",
        "Managed computers with no critical or security update missing for more than {patch_grace_days} days.";
    CriticalPatchMaxAgeDays => "critical_patch_max_age_days", Days, LowerIsBetter,
        Security, MissingUpdates, [Device, Patch],
        "Days the oldest missing critical update has been waiting",
        "How long the oldest missing critical update has been waiting.";
    AgentCoveragePct => "agent_coverage_pct", Percent, HigherIsBetter,
        Security, Computers, [Device],
        "Computers every security tool can see",
        "Of all the computers any tool reports, the share seen by every kind of tool in use (the provider's \
         management tool, endpoint protection, the vulnerability scanner), matched by name. A computer one of \
         them misses is not patched, protected or scanned by it. Needs two kinds of tool to compare.";
    EndpointsUnprotected => "endpoints_unprotected", Count, LowerIsBetter,
        Security, Computers, [Device],
        "Computers without working endpoint protection",
        "Computers whose endpoint protection reports a problem, and, where an endpoint protection console is \
         connected, computers it does not see at all.";
    DevicesNotSeen30d => "devices_not_seen_30d", Count, LowerIsBetter,
        Security, Computers, [Device],
        "Computers silent for more than 30 days",
        "Computers no tool has heard from in the 30 days before the period's end: lost, retired without a record, \
         or with a broken agent that no longer reports.";
    VulnsCriticalOpen => "vulns_critical_open", Count, LowerIsBetter,
        Security, Vulnerabilities, [Vulnerability],
        "Critical security weaknesses still open",
        "Known critical security weaknesses not yet fixed.";
    VulnsHighOpen => "vulns_high_open", Count, LowerIsBetter,
        Security, Vulnerabilities, [Vulnerability],
        "High-risk security weaknesses still open",
        "Known high-risk security weaknesses not yet fixed.";
    VulnsOverdue => "vulns_overdue", Count, LowerIsBetter,
        Security, Vulnerabilities, [Vulnerability],
        "Security weaknesses open past their deadline",
        "Weaknesses open past their deadline (critical {vuln_critical_deadline_days} days, high \
         {vuln_high_deadline_days} days).";
    MfaCoveragePct => "mfa_coverage_pct", Percent, HigherIsBetter,
        Identity, Accounts, [Account],
        "Accounts protected by a second factor",
        "Of the enabled accounts in the company's own directory, the share with a second sign-in factor (MFA) \
         registered. Accounts whose registration the directory does not report are left out and counted.";
    AdminsWithoutMfa => "admins_without_mfa", Count, LowerIsBetter,
        Identity, Accounts, [Account],
        "Administrator accounts without a second factor",
        "Enabled accounts holding an administrator role with no second sign-in factor registered: one stolen \
         password opens everything they can reach.";
    AdminAccounts => "admin_accounts", Count, LowerIsBetter,
        Identity, Accounts, [Account],
        "Administrator accounts",
        "Enabled accounts holding an administrator role in the company's directory. Each is a key to the whole \
         company: fewer is safer.";
    DormantAccountsEnabled => "dormant_accounts_enabled", Count, LowerIsBetter,
        Identity, Accounts, [Account],
        "Enabled accounts nobody uses",
        "Enabled accounts with no sign-in for more than {dormant_account_days} days, such as a former employee's \
         or engineer's account left open.";
    ProviderAccountsWithoutMfa => "provider_accounts_without_mfa", Count, LowerIsBetter,
        Identity, Accounts, [Account],
        "Provider staff accounts without a second factor",
        "Enabled accounts in the company's directory that belong to a provider's staff (by their sign-in domain) \
         with no second sign-in factor registered.";
    BackupSuccessPct => "backup_success_pct", Percent, HigherIsBetter,
        Resilience, Backups, [Backup],
        "Backups that completed",
        "Backup runs that completed without error.";
    DaysSinceRestoreTest => "days_since_restore_test", Days, LowerIsBetter,
        Resilience, RestoreTests, [Backup, RestoreTest],
        "Days since a backup was last proven to restore",
        "Days since someone proved a backup can actually be restored, for the system tested longest ago.";
    DaysSinceResilienceTest => "days_since_resilience_test", Days, LowerIsBetter,
        Resilience, ResilienceTests, [ResilienceTest],
        "Days since the last failover test",
        "Days since the last failover or disaster-recovery exercise.";
    CertMinDaysToExpiry => "cert_min_days_to_expiry", Days, HigherIsBetter,
        Security, Certificates, [Certificate],
        "Days until the next website certificate expires",
        "Days until the next website certificate expires; after that, browsers warn visitors away.";
    ChangeSuccessPct => "change_success_pct", Percent, HigherIsBetter,
        Resilience, Changes, [Change],
        "Changes made without failure or rollback",
        "Changes to live systems made without failing or being rolled back.";
    CsatPct => "csat_pct", Percent, HigherIsBetter,
        Vendors, Surveys, [Survey],
        "Staff satisfaction with support",
        "Staff who said they were satisfied when asked after a request.";
    AvailabilityPct => "availability_pct", Percent, HigherIsBetter,
        Resilience, Availability, [Availability],
        "Time the monitored services were up",
        "Share of the monitored time the services were up, as their monitors and Sightline's own checks saw it.";
    Outages => "outages", Count, LowerIsBetter,
        Resilience, Availability, [Availability],
        "Outages of the monitored services",
        "Times a monitored service went down; checks that failed one after another count as one outage, and \
         one outage several monitors saw (beginning within 15 minutes of each other) counts once.";
    OutageMttrMinutes => "outage_mttr_minutes", Minutes, LowerIsBetter,
        Resilience, Availability, [Availability],
        "Average time to restore a service after an outage",
        "Average minutes from a check first finding a service down to a check finding it up again.";
    SourceStalenessHours => "source_staleness_hours", Hours, LowerIsBetter,
        Vendors, Sources, [],
        "Hours since the data was last refreshed",
        "Hours since Sightline last refreshed the data from the provider's tool.";
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
