//! Rules over what the company keeps on file (evidence a vendor gave), and
//! where each flag sits on the board's grid of likelihood and impact.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sightline_domain::{EvidenceDoc, EvidenceKind, FlagSeverity, RiskFlag, Vendor, VendorKind};

use crate::Settings;
use crate::rules::{plural, possessive};

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    use chrono::Datelike;
    let months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() { months - 1 } else { months }
}

/// "14 months old", or "30 days old" under two months.
pub fn age_words(from: NaiveDate, to: NaiveDate) -> String {
    let months = months_between(from, to);
    if months >= 2 { format!("{months} months old") } else { format!("{} days old", (to - from).num_days()) }
}

/// Flags for documents the company requires of every outside vendor
/// (`settings.required_evidence`): none on file, the latest expired or
/// expiring soon, or (with no expiry date) older than
/// `evidence_max_age_days`. A document counts from its own date (the day
/// it was issued), whenever it was put on file: a past period's report
/// (`now` its end) sees the documents dated by then, and a document dated
/// later waits for a later report.
pub fn evidence_flags(
    vendors: &[Vendor],
    documents: &[EvidenceDoc],
    settings: &Settings,
    now: DateTime<Utc>,
) -> Vec<RiskFlag> {
    let today = last_day(now, settings);
    let required: Vec<EvidenceKind> =
        settings.required_evidence.iter().filter_map(|text| EvidenceKind::parse(text)).collect();
    let mut flags = Vec::new();
    for vendor in vendors.iter().filter(|vendor| vendor.kind != VendorKind::Internal) {
        for kind in &required {
            let latest = documents
                .iter()
                .filter(|doc| doc.vendor_id == vendor.id && doc.kind == *kind && doc.issued <= today)
                .max_by_key(|doc| (doc.issued, doc.id));
            let name = kind.plain_name();
            let (severity, headline) = match latest {
                None => (FlagSeverity::Amber, format!("No {name} from {} is on file", vendor.name)),
                Some(doc) => match doc.expires {
                    Some(expires) if expires < today => (
                        FlagSeverity::Red,
                        format!(
                            "{} {name} on file expired on {} ({} ago)",
                            possessive(&vendor.name),
                            expires.format("%-d %B %Y"),
                            plural((today - expires).num_days(), "day", "days")
                        ),
                    ),
                    Some(expires) if (expires - today).num_days() <= settings.evidence_expiry_warning_days => (
                        FlagSeverity::Amber,
                        match (expires - today).num_days() {
                            0 => format!("{} {name} on file expires today", possessive(&vendor.name)),
                            days => format!(
                                "{} {name} on file expires in {} ({})",
                                possessive(&vendor.name),
                                plural(days, "day", "days"),
                                expires.format("%-d %B %Y")
                            ),
                        },
                    ),
                    Some(_) => continue,
                    None if (today - doc.issued).num_days() > settings.evidence_max_age_days => (
                        FlagSeverity::Amber,
                        format!("{} {name} on file is {}", possessive(&vendor.name), age_words(doc.issued, today)),
                    ),
                    None => continue,
                },
            };
            flags.push(RiskFlag {
                id: format!("evidence_on_file:{}:{}", vendor.id, kind.as_str()),
                rule: "evidence_on_file".into(),
                vendor: Some(vendor.id.clone()),
                severity,
                headline,
                why: format!(
                    "The company requires a current {name} from every outside provider. It is independent evidence \
                     that the provider's own controls work; without it, the provider's word is all there is."
                ),
                question: format!("When will {} send its current {name}?", vendor.name),
                evidence: Vec::new(),
                records: latest.map(|doc| vec![format!("evidence:{}", doc.id)]).unwrap_or_default(),
            });
        }
    }
    flags
}

/// The company's calendar day that `at` ends: the day itself for a moment
/// in it, and for a period's end (midnight after its last day) that last
/// day.
pub fn last_day(at: DateTime<Utc>, settings: &Settings) -> NaiveDate {
    (at - chrono::Duration::seconds(1)).with_timezone(&settings.tz()).date_naive()
}

/// How bad it would be if a flag's risk came to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Oversight weakens: reviews, paperwork, stale figures.
    Low,
    /// Work is slowed or disrupted: late answers, backlogs, one person.
    Medium,
    /// Data lost, systems down or a breach.
    High,
}

/// How near the risk is to coming to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// A trend heading for a target, not there yet.
    Possible,
    /// Past an amber threshold.
    Likely,
    /// Past a red threshold: it is happening.
    Almost,
}

impl Impact {
    pub fn words(self) -> &'static str {
        match self {
            Impact::Low => "low",
            Impact::Medium => "medium",
            Impact::High => "high",
        }
    }
}

impl Likelihood {
    pub fn words(self) -> &'static str {
        match self {
            Likelihood::Possible => "possible",
            Likelihood::Likely => "likely",
            Likelihood::Almost => "almost certain",
        }
    }
}

/// Each rule's impact, with why: the one place that says it. A rule not
/// listed here fails the engine's tidy test.
pub const RULE_IMPACT: &[(&str, Impact)] = &[
    ("backup_missing", Impact::High),
    ("restore_test_overdue", Impact::High),
    ("resilience_test_overdue", Impact::High),
    ("critical_patch_overdue", Impact::High),
    ("critical_vulnerability_overdue", Impact::High),
    ("coverage_gap", Impact::High),
    ("uptime_below_target", Impact::High),
    ("fixed_claim_contradicted", Impact::High),
    ("admin_without_mfa", Impact::High),
    ("provider_account_without_mfa", Impact::High),
    ("mfa_coverage", Impact::High),
    ("dormant_account", Impact::Medium),
    ("patch_compliance", Impact::High),
    ("certificate_expiring", Impact::High),
    ("certificate_expired", Impact::High),
    ("certificate_untrusted", Impact::High),
    ("certificate_wrong_name", Impact::High),
    ("email_spoofable", Impact::High),
    ("domain_expiring", Impact::High),
    ("domain_expired", Impact::High),
    ("single_vendor_service", Impact::High),
    ("sla_below_target", Impact::Medium),
    ("worsening", Impact::Medium),
    ("backlog_aged", Impact::Medium),
    ("backlog_growing", Impact::Medium),
    ("key_person", Impact::Medium),
    ("reported_sla_mismatch", Impact::Medium),
    ("evidence_on_file", Impact::Medium),
    ("supplier_review_overdue", Impact::Low),
    ("stale_source", Impact::Low),
];

/// Where a flag sits on the board's grid: its rule's impact, and a
/// likelihood from how far past its thresholds it is (red: it is
/// happening; amber: likely; a trend not yet past its target: possible).
pub fn grid_place(flag: &RiskFlag) -> (Likelihood, Impact) {
    let impact = RULE_IMPACT.iter().find(|(rule, _)| *rule == flag.rule).map_or(Impact::Medium, |(_, impact)| *impact);
    let likelihood = match (flag.severity, flag.rule.as_str()) {
        (FlagSeverity::Red, _) => Likelihood::Almost,
        (FlagSeverity::Amber, "worsening") => Likelihood::Possible,
        (FlagSeverity::Amber, _) => Likelihood::Likely,
    };
    (likelihood, impact)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule the engine raises has its impact in `RULE_IMPACT`.
    #[test]
    fn every_rule_has_an_impact() {
        let source = include_str!("rules.rs");
        let mut rules: Vec<&str> = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("self.raise(") {
            rest = &rest[at + "self.raise(".len()..];
            let quoted = rest.trim_start();
            if let Some(name) = quoted.strip_prefix('"').and_then(|tail| tail.split('"').next()) {
                rules.push(name);
            }
        }
        rules.push("evidence_on_file");
        // Certificate and domain expiry rules are raised through a table or
        // a binding of their own.
        let source = include_str!("rules.rs");
        for name in [
            "certificate_untrusted",
            "certificate_wrong_name",
            "certificate_expired",
            "domain_expired",
            "domain_expiring",
        ] {
            assert!(source.contains(&format!("\"{name}\"")), "{name} is no longer raised");
            rules.push(name);
        }
        assert!(rules.len() >= 20, "found {rules:?}");
        for rule in rules {
            assert!(RULE_IMPACT.iter().any(|(known, _)| *known == rule), "the rule {rule} has no impact");
        }
    }

    #[test]
    fn months_are_counted_by_the_calendar() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(months_between(day(2025, 9, 30), day(2026, 12, 6)), 14);
        assert_eq!(age_words(day(2025, 9, 30), day(2026, 12, 6)), "14 months old");
        assert_eq!(age_words(day(2026, 11, 6), day(2026, 12, 6)), "30 days old");
    }
}
