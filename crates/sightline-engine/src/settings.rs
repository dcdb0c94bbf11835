//! Thresholds and company-wide targets, with the defaults the product
//! promises. Contract targets (per vendor) take precedence where they exist.

use serde::{Deserialize, Serialize};
use sightline_domain::Tz;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The company's time zone: months and quarters follow its calendar.
    pub timezone: String,
    /// SLA compliance target for "all vendors" and vendors with no contract.
    pub default_compliance_target_pct: f64,
    /// Below target by more than this many points is red, not amber.
    pub sla_red_margin_points: f64,
    /// A missing critical or security patch older than this makes a device
    /// non-compliant, and a missing critical one raises a red flag.
    pub patch_grace_days: i64,
    pub patch_target_pct: f64,
    pub patch_red_pct: f64,
    /// Deadlines for fixing vulnerabilities.
    pub vuln_critical_deadline_days: i64,
    pub vuln_high_deadline_days: i64,
    pub backup_target_pct: f64,
    pub backup_red_pct: f64,
    /// A protected system with no successful backup for this long is red.
    pub backup_max_gap_hours: i64,
    pub restore_test_amber_days: f64,
    pub restore_test_red_days: f64,
    pub resilience_test_amber_days: f64,
    pub cert_amber_days: f64,
    pub cert_red_days: f64,
    /// The share of computers every kind of tool must see.
    pub coverage_target_pct: f64,
    pub coverage_red_pct: f64,
    /// The share of enabled accounts that must have a second factor.
    pub mfa_target_pct: f64,
    pub mfa_red_pct: f64,
    /// An enabled account with no sign-in for this long is dormant.
    pub dormant_account_days: i64,
    pub change_success_target_pct: f64,
    pub csat_target_pct: f64,
    pub availability_target_pct: f64,
    pub key_person_amber_pct: f64,
    pub key_person_red_pct: f64,
    /// Key-person shares over fewer resolved tickets are not judged.
    pub key_person_min_tickets: u64,
    pub backlog_growth_pct: f64,
    pub backlog_aged_share_pct: f64,
    pub supplier_review_days: i64,
    pub stale_amber_hours: f64,
    pub stale_red_hours: f64,
    /// A linear trend that crosses its target within this many weeks is flagged.
    pub trend_horizon_weeks: i64,
    /// Points by which a provider's own SLA figure may differ from Sightline's.
    pub reported_sla_tolerance_points: f64,
    /// Documents every outside vendor must have on file (evidence kinds).
    pub required_evidence: Vec<String>,
    /// A document with no expiry date counts as out of date after this.
    pub evidence_max_age_days: i64,
    /// A document expiring within this many days is flagged ahead.
    pub evidence_expiry_warning_days: i64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timezone: "UTC".into(),
            default_compliance_target_pct: 95.0,
            sla_red_margin_points: 10.0,
            patch_grace_days: 14,
            patch_target_pct: 95.0,
            patch_red_pct: 85.0,
            vuln_critical_deadline_days: 15,
            vuln_high_deadline_days: 30,
            backup_target_pct: 98.0,
            backup_red_pct: 90.0,
            backup_max_gap_hours: 24,
            restore_test_amber_days: 90.0,
            restore_test_red_days: 180.0,
            resilience_test_amber_days: 180.0,
            cert_amber_days: 30.0,
            cert_red_days: 7.0,
            coverage_target_pct: 98.0,
            coverage_red_pct: 90.0,
            mfa_target_pct: 98.0,
            mfa_red_pct: 90.0,
            dormant_account_days: 90,
            change_success_target_pct: 90.0,
            csat_target_pct: 85.0,
            availability_target_pct: 99.5,
            key_person_amber_pct: 50.0,
            key_person_red_pct: 70.0,
            key_person_min_tickets: 20,
            backlog_growth_pct: 20.0,
            backlog_aged_share_pct: 10.0,
            supplier_review_days: 120,
            stale_amber_hours: 48.0,
            stale_red_hours: 168.0,
            trend_horizon_weeks: 8,
            reported_sla_tolerance_points: 5.0,
            required_evidence: vec!["soc2".into(), "pentest".into()],
            evidence_max_age_days: 365,
            evidence_expiry_warning_days: 30,
        }
    }
}

impl Settings {
    /// The company's time zone; UTC when the setting is not a known zone
    /// (the config loader rejects unknown zones before they get here).
    pub fn tz(&self) -> Tz {
        self.timezone.parse().unwrap_or(Tz::UTC)
    }
}
