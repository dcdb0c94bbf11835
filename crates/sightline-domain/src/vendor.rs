//! Vendors, their contracts and per-priority SLA targets, the business
//! services that depend on them, and the sources their data comes from.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// What a vendor does for the company; internal IT is a "vendor" too so
/// that it is measured by the same definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorKind {
    Msp,
    Cloud,
    Security,
    Internal,
    Other,
}

impl VendorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VendorKind::Msp => "msp",
            VendorKind::Cloud => "cloud",
            VendorKind::Security => "security",
            VendorKind::Internal => "internal",
            VendorKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<VendorKind> {
        [VendorKind::Msp, VendorKind::Cloud, VendorKind::Security, VendorKind::Internal, VendorKind::Other]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vendor {
    /// Lowercase slug, unique within a company.
    pub id: String,
    pub name: String,
    pub kind: VendorKind,
    pub monthly_cost: Option<f64>,
    /// The last recorded supplier review.
    pub last_review: Option<NaiveDate>,
}

/// A contracted response and resolution target for one priority. Targets
/// change over time; each carries the date from which it applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaTarget {
    /// Contract priority, e.g. "P1".
    pub priority: String,
    pub respond_minutes: Option<i64>,
    pub resolve_minutes: Option<i64>,
    /// `None` means "since the start of the contract".
    pub effective_from: Option<NaiveDate>,
    /// Which clock the targets run on; `None` is the contract's default
    /// (business hours when the contract has them, else round the clock).
    #[serde(default)]
    pub clock: Option<SlaClock>,
}

/// The clock an SLA target is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SlaClock {
    /// Every minute counts.
    #[serde(rename = "24x7")]
    RoundTheClock,
    /// Only minutes inside the contract's business hours, outside holidays.
    #[serde(rename = "business")]
    Business,
}

impl SlaClock {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaClock::RoundTheClock => "24x7",
            SlaClock::Business => "business",
        }
    }

    pub fn parse(text: &str) -> Option<SlaClock> {
        [SlaClock::RoundTheClock, SlaClock::Business].into_iter().find(|clock| clock.as_str() == text)
    }
}

/// Service credits a contract pays when compliance falls below its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceCredits {
    /// Share of the monthly cost credited per percentage point of
    /// compliance below the target.
    pub percent_per_point: f64,
    /// At most this share of the monthly cost per month.
    pub cap_percent: f64,
}

/// One stretch of business hours on some days of the week, e.g. Mon-Fri
/// 08:00-18:00. An end at or before the start runs past midnight into the
/// next day (22:00-06:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HoursSpan {
    /// Monday first.
    pub days: [bool; 7],
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A contract's business hours in the company's time zone: one or more
/// spans, written `Mon-Fri 08:00-18:00` or `Mon-Fri 08:00-18:00, Sat
/// 09:00-13:00`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BusinessHours {
    pub spans: Vec<HoursSpan>,
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl BusinessHours {
    /// Reads `Mon-Fri 08:00-18:00[, Sat 09:00-13:00 ...]`; the error says
    /// what is wrong in words.
    pub fn parse(text: &str) -> Result<BusinessHours, String> {
        let example = "write it as \"Mon-Fri 08:00-18:00\" (several spans separated by commas)";
        let mut spans = Vec::new();
        for part in text.split(',').map(str::trim) {
            let (days_text, times_text) =
                part.split_once(' ').ok_or_else(|| format!("'{part}' has no days and times: {example}"))?;
            let day = |name: &str| {
                DAY_NAMES
                    .iter()
                    .position(|day| day.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| format!("'{name}' is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun"))
            };
            let mut days = [false; 7];
            for range in days_text.split('+') {
                match range.split_once('-') {
                    Some((from, to)) => {
                        let (from, to) = (day(from)?, day(to)?);
                        let mut at = from;
                        loop {
                            days[at] = true;
                            if at == to {
                                break;
                            }
                            at = (at + 1) % 7;
                        }
                    }
                    None => days[day(range)?] = true,
                }
            }
            let (start, end) = times_text
                .trim()
                .split_once('-')
                .ok_or_else(|| format!("'{times_text}' is not a time range: {example}"))?;
            let time = |text: &str| {
                let text = text.trim();
                if text == "24:00" {
                    return Ok(NaiveTime::MIN);
                }
                NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("'{text}' is not a time such as 08:00"))
            };
            let (start, end) = (time(start)?, time(end)?);
            spans.push(HoursSpan { days, start, end });
        }
        if spans.is_empty() {
            return Err(format!("no hours given: {example}"));
        }
        Ok(BusinessHours { spans })
    }
}

impl std::fmt::Display for BusinessHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, span) in self.spans.iter().enumerate() {
            if n > 0 {
                write!(f, ", ")?;
            }
            // Runs of consecutive days, Monday first: Mon-Fri, Mon-Wed+Fri.
            let mut runs = Vec::new();
            let mut day = 0;
            while day < 7 {
                if span.days[day] {
                    let from = day;
                    while day + 1 < 7 && span.days[day + 1] {
                        day += 1;
                    }
                    runs.push(if from == day {
                        DAY_NAMES[from].to_string()
                    } else {
                        format!("{}-{}", DAY_NAMES[from], DAY_NAMES[day])
                    });
                }
                day += 1;
            }
            let end =
                if span.end == NaiveTime::MIN { "24:00".to_string() } else { span.end.format("%H:%M").to_string() };
            write!(f, "{} {}-{}", runs.join("+"), span.start.format("%H:%M"), end)?;
        }
        Ok(())
    }
}

impl Serialize for BusinessHours {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BusinessHours {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<BusinessHours, D::Error> {
        let text = String::deserialize(deserializer)?;
        BusinessHours::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The terms of a contract beyond its targets: when its business clock
/// runs, and what it pays when targets are missed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContractTerms {
    /// `None`: round the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<BusinessHours>,
    /// Days on which the business clock stands still.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<ServiceCredits>,
    /// The share of time the provider's services must be up, e.g. 99.9
    /// (none: the company's own setting applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime_target_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    pub vendor_id: String,
    pub sla: Vec<SlaTarget>,
    /// Share of tickets that must meet their response and resolution
    /// targets, e.g. 95.0.
    pub compliance_target_pct: f64,
    #[serde(default)]
    pub terms: ContractTerms,
}

impl Contract {
    /// The target for `priority` that applied at `at`: among the targets
    /// for that priority already in effect, the one that started last.
    pub fn target_for(&self, priority: &str, at: DateTime<Utc>) -> Option<&SlaTarget> {
        let day = at.date_naive();
        self.sla
            .iter()
            .filter(|target| target.priority == priority)
            .filter(|target| target.effective_from.is_none_or(|from| from <= day))
            .max_by_key(|target| target.effective_from)
    }

    /// The clock a target runs on: its own, else business hours when the
    /// contract has them, else round the clock.
    pub fn clock_of(&self, target: Option<&SlaTarget>) -> SlaClock {
        match target.and_then(|target| target.clock) {
            Some(clock) => clock,
            None if self.terms.hours.is_some() => SlaClock::Business,
            None => SlaClock::RoundTheClock,
        }
    }
}

/// A business service (e-mail, finance system, website) and the vendors it
/// depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub critical: bool,
    pub vendor_ids: Vec<String>,
    /// The share of time the service must be up, e.g. 99.9, where the
    /// company has said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime_target_pct: Option<f64>,
    /// The probes and monitors whose records say whether the service is
    /// up: a source id (all it watches) or `source-id:monitor` (one of its
    /// monitors, such as one address of a website check).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitor_sources: Vec<String>,
}

impl Service {
    /// Whether a record of `monitor` from `source_id` says whether the
    /// service is up.
    pub fn watched_by(&self, source_id: &str, monitor: &str) -> bool {
        self.monitor_sources.iter().any(|entry| match entry.split_once(':') {
            Some((source, one)) => source == source_id && one == monitor,
            None => entry == source_id,
        })
    }
}

/// A configured source of records and how fresh its data is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub id: String,
    /// connectwise, ninjaone, csv, tls, demo, ...
    pub kind: String,
    pub vendor_id: String,
    pub name: String,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub demo: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn target(respond: i64, from: Option<&str>) -> SlaTarget {
        SlaTarget {
            priority: "P1".into(),
            respond_minutes: Some(respond),
            resolve_minutes: None,
            effective_from: from.map(|day| day.parse().unwrap()),
            clock: None,
        }
    }

    #[test]
    fn target_for_picks_the_latest_effective_target() {
        let contract = Contract {
            vendor_id: "acme".into(),
            sla: vec![target(30, None), target(15, Some("2026-07-01")), target(10, Some("2027-01-01"))],
            compliance_target_pct: 95.0,
            terms: ContractTerms::default(),
        };
        let check = |at: DateTime<Utc>, expected: Option<i64>| {
            let got = contract.target_for("P1", at).and_then(|t| t.respond_minutes);
            assert_eq!(got, expected, "at {at}");
        };
        check(Utc.with_ymd_and_hms(2026, 6, 30, 23, 59, 0).unwrap(), Some(30));
        check(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap(), Some(15));
        check(Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap(), Some(10));
        assert!(contract.target_for("P2", Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()).is_none());
    }

    #[test]
    fn business_hours_read_and_write_back() {
        let check = |text: &str, written: &str| {
            let hours = BusinessHours::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
            assert_eq!(hours.to_string(), written, "{text}");
        };
        check("Mon-Fri 08:00-18:00", "Mon-Fri 08:00-18:00");
        check("mon-fri 08:00-17:30, Sat 09:00-13:00", "Mon-Fri 08:00-17:30, Sat 09:00-13:00");
        check("Mon-Sun 22:00-06:00", "Mon-Sun 22:00-06:00");
        check("Mon-Fri 18:00-00:00", "Mon-Fri 18:00-24:00");
        check("Fri-Mon 00:00-24:00", "Mon+Fri-Sun 00:00-24:00");
        check("Mon+Wed 08:00-12:00", "Mon+Wed 08:00-12:00");
        assert_eq!(
            BusinessHours::parse("Mon-Fry 08:00-18:00").unwrap_err(),
            "'Fry' is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun"
        );
        assert_eq!(BusinessHours::parse("Mon-Fri 8am-6pm").unwrap_err(), "'8am' is not a time such as 08:00");
    }
}
