//! Metric definitions and their computation per scope (each vendor, and all
//! vendors together) and period. "In the period" means [start, end); values
//! "at the period end" are taken at the end, or at `now` for a period that
//! has not ended yet.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{
    Contract, MetricKey, MetricProvenance, MetricValue, PatchClass, Period, Provenance,
    RecordBatch, Scope, Severity, Status, Ticket, Vendor,
};

use crate::Settings;
use crate::stats::percentile;

/// Everything the engine computes from.
#[derive(Debug, Clone, Copy)]
pub struct EngineInput<'a> {
    pub vendors: &'a [Vendor],
    pub contracts: &'a [Contract],
    pub records: &'a RecordBatch,
    pub settings: &'a Settings,
}

/// Every metric for every vendor and for all vendors together, for each of
/// `periods`, with the previous period's value alongside.
pub fn compute_metrics(
    input: EngineInput<'_>,
    periods: &[Period],
    now: DateTime<Utc>,
) -> Vec<MetricValue> {
    let mut scopes: Vec<Scope> = input
        .vendors
        .iter()
        .map(|vendor| Scope::Vendor(vendor.id.clone()))
        .collect();
    scopes.push(Scope::All);
    let contracts: HashMap<&str, &Contract> = input
        .contracts
        .iter()
        .map(|contract| (contract.vendor_id.as_str(), contract))
        .collect();
    let mut values = Vec::new();
    for &period in periods {
        for scope in &scopes {
            let context = Context {
                input,
                contracts: &contracts,
                scope,
                now,
            };
            for &metric in MetricKey::ALL {
                let current = context.compute(metric, period);
                let previous = context.compute(metric, period.previous());
                let target = target_for(metric, scope, input.contracts, input.settings);
                values.push(MetricValue {
                    scope: scope.clone(),
                    metric,
                    period,
                    value: current.value,
                    target,
                    status: status_for(metric, current.value, target, input.settings),
                    previous: previous.value,
                    provenance: current.tally.into_provenance(),
                });
            }
        }
    }
    values
}

/// The target that applies to `metric` for `scope`: the vendor's contract
/// where it sets one, otherwise the company-wide setting.
pub fn target_for(
    metric: MetricKey,
    scope: &Scope,
    contracts: &[Contract],
    settings: &Settings,
) -> Option<f64> {
    let contract = match scope {
        Scope::Vendor(id) => contracts.iter().find(|contract| &contract.vendor_id == id),
        Scope::All => None,
    };
    match metric {
        MetricKey::SlaResponseCompliancePct | MetricKey::SlaResolutionCompliancePct => Some(
            contract.map_or(settings.default_compliance_target_pct, |contract| {
                contract.compliance_target_pct
            }),
        ),
        MetricKey::PatchCompliancePct => Some(settings.patch_target_pct),
        MetricKey::VulnsCriticalOpen => Some(0.0),
        MetricKey::BackupSuccessPct => Some(settings.backup_target_pct),
        MetricKey::DaysSinceRestoreTest => Some(settings.restore_test_amber_days),
        MetricKey::CertMinDaysToExpiry => Some(settings.cert_amber_days),
        MetricKey::FirstResponseMedianMinutes | MetricKey::BacklogOpen => None,
    }
}

/// Met, at risk or missed, with the thresholds the risk rules use.
pub fn status_for(
    metric: MetricKey,
    value: Option<f64>,
    target: Option<f64>,
    settings: &Settings,
) -> Status {
    let (Some(value), Some(target)) = (value, target) else {
        return Status::NoTarget;
    };
    let higher_is_better = |red_below: f64| {
        if value >= target {
            Status::Met
        } else if value >= red_below {
            Status::AtRisk
        } else {
            Status::Missed
        }
    };
    match metric {
        MetricKey::SlaResponseCompliancePct | MetricKey::SlaResolutionCompliancePct => {
            higher_is_better(target - settings.sla_red_margin_points)
        }
        MetricKey::PatchCompliancePct => higher_is_better(settings.patch_red_pct),
        MetricKey::BackupSuccessPct => higher_is_better(settings.backup_red_pct),
        // A certificate "expiring in 30 days" is already amber; at 7 or
        // fewer, or expired, it is red.
        MetricKey::CertMinDaysToExpiry => {
            if value > target {
                Status::Met
            } else if value > settings.cert_red_days {
                Status::AtRisk
            } else {
                Status::Missed
            }
        }
        MetricKey::DaysSinceRestoreTest => {
            if value <= target {
                Status::Met
            } else if value <= settings.restore_test_red_days {
                Status::AtRisk
            } else {
                Status::Missed
            }
        }
        // Any open critical weakness needs attention; it turns red as a risk
        // flag once it is past its deadline.
        MetricKey::VulnsCriticalOpen => {
            if value <= target {
                Status::Met
            } else {
                Status::AtRisk
            }
        }
        MetricKey::FirstResponseMedianMinutes | MetricKey::BacklogOpen => Status::NoTarget,
    }
}

/// Which records went into a value.
#[derive(Debug, Default)]
struct Tally {
    sources: BTreeSet<String>,
    records: u64,
    skipped: u64,
    oldest: Option<DateTime<Utc>>,
}

impl Tally {
    fn used(&mut self, provenance: &Provenance) {
        self.records += 1;
        if !self.sources.contains(&provenance.source_id) {
            self.sources.insert(provenance.source_id.clone());
        }
        self.oldest = Some(self.oldest.map_or(provenance.fetched_at, |oldest| {
            oldest.min(provenance.fetched_at)
        }));
    }

    fn skipped(&mut self) {
        self.skipped += 1;
    }

    fn into_provenance(self) -> MetricProvenance {
        MetricProvenance {
            sources: self.sources.into_iter().collect(),
            records: self.records,
            skipped: self.skipped,
            oldest_fetched_at: self.oldest,
        }
    }
}

struct Computed {
    value: Option<f64>,
    tally: Tally,
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().div_euclid(86_400) as f64
}

struct Context<'a> {
    input: EngineInput<'a>,
    contracts: &'a HashMap<&'a str, &'a Contract>,
    scope: &'a Scope,
    now: DateTime<Utc>,
}

#[derive(Clone, Copy)]
enum SlaKind {
    Response,
    Resolution,
}

impl Context<'_> {
    fn in_scope(&self, vendor_id: &str) -> bool {
        match self.scope {
            Scope::Vendor(id) => id == vendor_id,
            Scope::All => true,
        }
    }

    /// The moment "at the period end" means: the end, or now if sooner.
    fn cutoff(&self, period: Period) -> DateTime<Utc> {
        period.end().min(self.now)
    }

    fn compute(&self, metric: MetricKey, period: Period) -> Computed {
        match metric {
            MetricKey::SlaResponseCompliancePct => self.sla_compliance(period, SlaKind::Response),
            MetricKey::SlaResolutionCompliancePct => {
                self.sla_compliance(period, SlaKind::Resolution)
            }
            MetricKey::FirstResponseMedianMinutes => self.first_response_median(period),
            MetricKey::BacklogOpen => self.backlog_open(period),
            MetricKey::PatchCompliancePct => self.patch_compliance(period),
            MetricKey::VulnsCriticalOpen => self.vulns_open(period, Severity::Critical),
            MetricKey::BackupSuccessPct => self.backup_success(period),
            MetricKey::DaysSinceRestoreTest => self.days_since_restore_test(period),
            MetricKey::CertMinDaysToExpiry => self.cert_min_days(period),
        }
    }

    fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.input
            .records
            .tickets
            .iter()
            .filter(|ticket| self.in_scope(&ticket.vendor_id))
    }

    /// Share of tickets created in the period that met their target. A
    /// ticket with no response (or resolution) counts as missed once its
    /// target has passed by the cutoff, and is left out while it is ahead.
    fn sla_compliance(&self, period: Period, kind: SlaKind) -> Computed {
        let cutoff = self.cutoff(period);
        let mut tally = Tally::default();
        let (mut met, mut counted) = (0u64, 0u64);
        for ticket in self
            .tickets()
            .filter(|ticket| period.contains(ticket.created_at))
        {
            let Some(priority) = ticket.priority.as_deref() else {
                tally.skipped();
                continue;
            };
            let target = self
                .contracts
                .get(ticket.vendor_id.as_str())
                .and_then(|contract| contract.target_for(priority, ticket.created_at));
            let (minutes, done_at) = match kind {
                SlaKind::Response => (
                    target.and_then(|t| t.respond_minutes),
                    ticket.first_response_at,
                ),
                SlaKind::Resolution => (target.and_then(|t| t.resolve_minutes), ticket.resolved_at),
            };
            let Some(minutes) = minutes else { continue };
            let deadline = ticket.created_at + Duration::minutes(minutes);
            match done_at {
                Some(done_at) => {
                    counted += 1;
                    if done_at <= deadline {
                        met += 1;
                    }
                }
                None if deadline <= cutoff => counted += 1,
                None => continue,
            }
            tally.used(&ticket.provenance);
        }
        Computed {
            value: share(met, counted),
            tally,
        }
    }

    fn first_response_median(&self, period: Period) -> Computed {
        let mut tally = Tally::default();
        let mut minutes = Vec::new();
        for ticket in self
            .tickets()
            .filter(|ticket| period.contains(ticket.created_at))
        {
            if let Some(responded) = ticket.first_response_at {
                minutes.push((responded - ticket.created_at).num_seconds() as f64 / 60.0);
                tally.used(&ticket.provenance);
            }
        }
        Computed {
            value: percentile(&mut minutes, 50.0),
            tally,
        }
    }

    fn backlog_open(&self, period: Period) -> Computed {
        let cutoff = self.cutoff(period);
        let mut tally = Tally::default();
        let mut open = 0u64;
        for ticket in self.tickets().filter(|ticket| ticket.created_at < cutoff) {
            if ticket.resolved_at.is_none_or(|resolved| resolved >= cutoff) {
                open += 1;
                tally.used(&ticket.provenance);
            }
        }
        Computed {
            value: Some(open as f64),
            tally,
        }
    }

    /// Share of managed devices with no critical or security patch missing
    /// for longer than the grace period, at the cutoff.
    fn patch_compliance(&self, period: Period) -> Computed {
        let cutoff = self.cutoff(period);
        let grace = Duration::days(self.input.settings.patch_grace_days);
        let mut overdue: BTreeSet<(&str, &str)> = BTreeSet::new();
        for patch in &self.input.records.patches {
            let security = matches!(patch.class, PatchClass::Critical | PatchClass::Security);
            let missing_at_cutoff =
                patch.missing_since <= cutoff && patch.installed_at.is_none_or(|at| at > cutoff);
            if security && missing_at_cutoff && cutoff - patch.missing_since > grace {
                overdue.insert((
                    patch.provenance.source_id.as_str(),
                    patch.device_id.as_str(),
                ));
            }
        }
        let mut tally = Tally::default();
        let (mut compliant, mut total) = (0u64, 0u64);
        for device in self
            .input
            .records
            .devices
            .iter()
            .filter(|device| self.in_scope(&device.vendor_id))
        {
            if !device.managed || device.enrolled_at > cutoff {
                continue;
            }
            total += 1;
            tally.used(&device.provenance);
            let key = (
                device.provenance.source_id.as_str(),
                device.provenance.record_id.as_str(),
            );
            if !overdue.contains(&key) {
                compliant += 1;
            }
        }
        Computed {
            value: share(compliant, total),
            tally,
        }
    }

    fn vulns_open(&self, period: Period, severity: Severity) -> Computed {
        let cutoff = self.cutoff(period);
        let mut tally = Tally::default();
        let mut open = 0u64;
        for vulnerability in &self.input.records.vulnerabilities {
            if !self.in_scope(&vulnerability.vendor_id) || vulnerability.severity != severity {
                continue;
            }
            if vulnerability.first_found < cutoff
                && vulnerability.fixed_at.is_none_or(|fixed| fixed >= cutoff)
            {
                open += 1;
                tally.used(&vulnerability.provenance);
            }
        }
        Computed {
            value: Some(open as f64),
            tally,
        }
    }

    fn backup_success(&self, period: Period) -> Computed {
        let cutoff = self.cutoff(period);
        let mut tally = Tally::default();
        let (mut succeeded, mut total) = (0u64, 0u64);
        for job in self
            .input
            .records
            .backups
            .iter()
            .filter(|job| self.in_scope(&job.vendor_id))
        {
            if period.start() <= job.started_at && job.started_at < cutoff {
                total += 1;
                succeeded += u64::from(job.succeeded);
                tally.used(&job.provenance);
            }
        }
        Computed {
            value: share(succeeded, total),
            tally,
        }
    }

    /// Per protected system (every system with a backup by the cutoff), days
    /// since its last successful restore test; a system never tested counts
    /// from its first backup. The worst system is the value.
    fn days_since_restore_test(&self, period: Period) -> Computed {
        let cutoff = self.cutoff(period);
        let mut tally = Tally::default();
        let mut first_backup: BTreeMap<(&str, &str), DateTime<Utc>> = BTreeMap::new();
        for job in self
            .input
            .records
            .backups
            .iter()
            .filter(|job| self.in_scope(&job.vendor_id))
        {
            if job.started_at <= cutoff {
                let first = first_backup
                    .entry((job.vendor_id.as_str(), job.system.as_str()))
                    .or_insert(job.started_at);
                *first = (*first).min(job.started_at);
            }
        }
        let mut last_test: BTreeMap<(&str, &str), DateTime<Utc>> = BTreeMap::new();
        for test in self
            .input
            .records
            .restore_tests
            .iter()
            .filter(|test| self.in_scope(&test.vendor_id))
        {
            if test.succeeded && test.tested_at <= cutoff {
                let last = last_test
                    .entry((test.vendor_id.as_str(), test.system.as_str()))
                    .or_insert(test.tested_at);
                *last = (*last).max(test.tested_at);
                tally.used(&test.provenance);
            }
        }
        let worst = first_backup
            .iter()
            .map(|(system, first)| days_between(*last_test.get(system).unwrap_or(first), cutoff))
            .chain(last_test.values().map(|last| days_between(*last, cutoff)))
            .max_by(f64::total_cmp);
        Computed {
            value: worst,
            tally,
        }
    }

    /// For each host, the certificate in place at the cutoff (the latest
    /// issued by then); the smallest days to expiry among them.
    fn cert_min_days(&self, period: Period) -> Computed {
        let cutoff = self.cutoff(period);
        let mut current: BTreeMap<&str, &sightline_domain::Certificate> = BTreeMap::new();
        for certificate in self
            .input
            .records
            .certificates
            .iter()
            .filter(|cert| self.in_scope(&cert.vendor_id))
        {
            if certificate.not_before > cutoff {
                continue;
            }
            let slot = current
                .entry(certificate.host.as_str())
                .or_insert(certificate);
            if certificate.not_before > slot.not_before {
                *slot = certificate;
            }
        }
        let mut tally = Tally::default();
        let mut smallest: Option<f64> = None;
        for certificate in current.values() {
            tally.used(&certificate.provenance);
            let days = days_between(cutoff, certificate.not_after);
            smallest = Some(smallest.map_or(days, |smallest| smallest.min(days)));
        }
        Computed {
            value: smallest,
            tally,
        }
    }
}
