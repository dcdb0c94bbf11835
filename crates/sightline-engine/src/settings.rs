//! Thresholds and company-wide targets, with the defaults the product
//! promises. Contract targets (per vendor) take precedence where they exist.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// SLA compliance target for "all vendors" and vendors with no contract.
    pub default_compliance_target_pct: f64,
    /// Below target by more than this many points is red, not amber.
    pub sla_red_margin_points: f64,
    /// A missing critical or security patch older than this makes a device
    /// non-compliant.
    pub patch_grace_days: i64,
    pub patch_target_pct: f64,
    pub patch_red_pct: f64,
    pub backup_target_pct: f64,
    pub backup_red_pct: f64,
    pub restore_test_amber_days: f64,
    pub restore_test_red_days: f64,
    pub cert_amber_days: f64,
    pub cert_red_days: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            default_compliance_target_pct: 95.0,
            sla_red_margin_points: 10.0,
            patch_grace_days: 14,
            patch_target_pct: 95.0,
            patch_red_pct: 85.0,
            backup_target_pct: 98.0,
            backup_red_pct: 90.0,
            restore_test_amber_days: 90.0,
            restore_test_red_days: 180.0,
            cert_amber_days: 30.0,
            cert_red_days: 7.0,
        }
    }
}
