//! Vendors, their contracts and per-priority SLA targets, the business
//! services that depend on them, and the sources their data comes from.

use chrono::{DateTime, NaiveDate, Utc};
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    pub vendor_id: String,
    pub sla: Vec<SlaTarget>,
    /// Share of tickets that must meet their response and resolution
    /// targets, e.g. 95.0.
    pub compliance_target_pct: f64,
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
}

/// A business service (e-mail, finance system, website) and the vendors it
/// depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub critical: bool,
    pub vendor_ids: Vec<String>,
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
        }
    }

    #[test]
    fn target_for_picks_the_latest_effective_target() {
        let contract = Contract {
            vendor_id: "acme".into(),
            sla: vec![target(30, None), target(15, Some("2026-07-01")), target(10, Some("2027-01-01"))],
            compliance_target_pct: 95.0,
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
}
