//! The risk rules: over metric values and records, each finds problems an
//! executive should hear about and says them in plain words: a headline with
//! the figure in it, why it matters, the evidence, and the question to put to
//! the provider. Pure, like the rest of the engine.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{
    Account, Direction, DomainPosture, EvidencePoint, FlagSeverity, Inventory, MetricKey, MetricValue, PatchClass,
    Period, RiskFlag, Scope, Service, Severity, Status, Unit, Vendor, VendorKind, Vulnerability,
};

use crate::EngineInput;
use crate::metrics::{Diagnostic, compute_metrics_with_diagnostics};
use crate::sla::{Clocks, judge};

/// Everything the engine computes: every metric for every period of the
/// history, the current flags, and the records it had to skip.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub values: Vec<MetricValue>,
    pub flags: Vec<RiskFlag>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The months and quarters from the first record (at most five years back)
/// up to the one containing `now`, on the company's calendar.
pub fn history_periods(input: EngineInput<'_>, now: DateTime<Utc>) -> Vec<Period> {
    let tz = input.settings.tz();
    let records = input.records;
    let earliest = records
        .tickets
        .iter()
        .map(|ticket| ticket.created_at)
        .chain(records.backups.iter().map(|job| job.started_at))
        .chain(records.patches.iter().map(|patch| patch.missing_since))
        .chain(records.vulnerabilities.iter().map(|vulnerability| vulnerability.first_found))
        .chain(records.surveys.iter().map(|survey| survey.responded_at))
        .chain(records.changes.iter().map(|change| change.implemented_at))
        .filter(|at| *at <= now)
        .min();
    periods_since(earliest, now, tz)
}

/// The months and quarters from the one holding `earliest` (at most five
/// years back; none: only the current ones) up to the one holding `now`.
pub fn periods_since(earliest: Option<DateTime<Utc>>, now: DateTime<Utc>, tz: sightline_domain::Tz) -> Vec<Period> {
    let earliest = earliest.filter(|at| *at <= now).unwrap_or(now).max(now - Duration::days(5 * 366));
    let mut periods = Vec::new();
    for first in [Period::month_of_in(earliest, tz), Period::quarter_of_in(earliest, tz)] {
        let last = match first {
            Period::Month { .. } => Period::month_of_in(now, tz),
            Period::Quarter { .. } => Period::quarter_of_in(now, tz),
        };
        let mut period = first;
        while period <= last {
            periods.push(period);
            period = period.next();
        }
    }
    periods
}

/// Computes every metric over the history and evaluates every rule.
pub fn assess(input: EngineInput<'_>, services: &[Service], now: DateTime<Utc>) -> Assessment {
    let periods = history_periods(input, now);
    let result = compute_metrics_with_diagnostics(input, &periods, now);
    let flags = evaluate_rules(input, services, &result.values, now);
    Assessment { values: result.values, flags, diagnostics: result.diagnostics }
}

/// Looks up metric values by scope, metric and period.
struct Values<'a> {
    by_key: HashMap<(&'a Scope, MetricKey, Period), &'a MetricValue>,
}

impl<'a> Values<'a> {
    fn new(values: &'a [MetricValue]) -> Values<'a> {
        Values { by_key: values.iter().map(|value| ((&value.scope, value.metric, value.period), value)).collect() }
    }

    fn get(&self, scope: &Scope, metric: MetricKey, period: Period) -> Option<&'a MetricValue> {
        self.by_key.get(&(scope, metric, period)).copied()
    }
}

fn evidence(value: &MetricValue) -> EvidencePoint {
    EvidencePoint { metric: value.metric, period: value.period, value: value.value, target: value.target }
}

/// The first CVE id in a title ("CVE-2026-31337 in ..."), if any.
fn cve_in(title: &str) -> Option<&str> {
    let at = title.find("CVE-")?;
    let rest = &title[at..];
    let end = rest[4..].find(|c: char| !(c.is_ascii_digit() || c == '-')).map_or(rest.len(), |end| end + 4);
    let cve = rest[..end].trim_end_matches('-');
    (cve.len() > 8 && cve[4..].contains('-')).then_some(cve)
}

/// "2 December 2026", on the company's calendar.
fn claim_date(at: DateTime<Utc>, tz: sightline_domain::Tz) -> String {
    at.with_timezone(&tz).format("%-d %B %Y").to_string()
}

fn pct(value: f64) -> String {
    Unit::Percent.text(value)
}

/// A share beside the target it is judged against: never reads the same
/// as a target it missed ("94.96%", not "95.0%").
fn pct_beside(value: f64, target: f64) -> String {
    Unit::Percent.text_beside(value, target)
}

pub(crate) fn plural(count: i64, one: &str, many: &str) -> String {
    if count == 1 { format!("1 {one}") } else { format!("{count} {many}") }
}

/// ": 3 outages, the longest 2 h 5 min on 12 November 2026", or nothing.
fn outage_words(outages: &[crate::Outage<'_>], tz: sightline_domain::Tz) -> String {
    match outages.iter().max_by_key(|outage| outage.seconds) {
        Some(longest) => format!(
            ": {}, the longest {} on {}",
            plural(outages.len() as i64, "outage", "outages"),
            crate::disputes::duration_words(longest.seconds as f64 / 60.0),
            claim_date(longest.start, tz)
        ),
        None => String::new(),
    }
}

/// Why an uptime below its target matters (vendor and service alike).
/// A domain whose registration runs out within this many days is flagged
/// amber, within the second red: registrars send their reminders to
/// whoever registered it, often a departed provider's address.
const DOMAIN_AMBER_DAYS: i64 = 60;
const DOMAIN_RED_DAYS: i64 = 14;

const UPTIME_WHY: &str = "While a service is down, staff cannot work and customers cannot reach the company. An \
                          uptime promise is worth only what is measured against it, by checks the provider does not \
                          run.";

/// "time watched" or, when the checks covered less than a week, "1 h
/// watched": a figure from an hour of checks says so.
fn watched_words(seconds: i64) -> String {
    if seconds >= 7 * 86_400 {
        "time watched".into()
    } else {
        format!("{} watched", crate::disputes::duration_words(seconds as f64 / 60.0))
    }
}

/// The records behind `outages`, as evidence names them.
fn outage_records(outages: &[crate::Outage<'_>]) -> Vec<String> {
    outages.iter().flat_map(|outage| outage.records.iter().map(|record| record_ref(&record.provenance))).collect()
}

/// How evidence names a record: `source:record`.
fn record_ref(provenance: &sightline_domain::Provenance) -> String {
    format!("{}:{}", provenance.source_id, provenance.record_id)
}

/// "Acme IT's", "Bluepeak IT Services'".
pub(crate) fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}'") } else { format!("{name}'s") }
}

/// One vendor's records, grouped once so that each rule looks only at them.
#[derive(Default)]
struct VendorRecords<'a> {
    tickets: Vec<&'a sightline_domain::Ticket>,
    patches: Vec<&'a sightline_domain::Patch>,
    vulnerabilities: Vec<&'a sightline_domain::Vulnerability>,
    backups: Vec<&'a sightline_domain::BackupJob>,
}

fn group_by_vendor(records: &sightline_domain::RecordBatch) -> HashMap<&str, VendorRecords<'_>> {
    let mut groups: HashMap<&str, VendorRecords> = HashMap::new();
    for ticket in &records.tickets {
        groups.entry(&ticket.vendor_id).or_default().tickets.push(ticket);
    }
    for patch in &records.patches {
        groups.entry(&patch.vendor_id).or_default().patches.push(patch);
    }
    for vulnerability in &records.vulnerabilities {
        groups.entry(&vulnerability.vendor_id).or_default().vulnerabilities.push(vulnerability);
    }
    for job in &records.backups {
        groups.entry(&job.vendor_id).or_default().backups.push(job);
    }
    groups
}

struct Rules<'a> {
    input: EngineInput<'a>,
    by_vendor: HashMap<&'a str, VendorRecords<'a>>,
    none: VendorRecords<'a>,
    services: &'a [Service],
    values: Values<'a>,
    now: DateTime<Utc>,
    /// The current month (to date) and the last complete month.
    current: Period,
    last_complete: Period,
    flags: Vec<RiskFlag>,
    clocks: Clocks,
}

/// Evaluates every rule. `values` must hold the months up to the current
/// one (as [`assess`] computes them).
pub fn evaluate_rules(
    input: EngineInput<'_>,
    services: &[Service],
    values: &[MetricValue],
    now: DateTime<Utc>,
) -> Vec<RiskFlag> {
    let tz = input.settings.tz();
    let current = Period::month_of_in(now, tz);
    let mut rules = Rules {
        input,
        by_vendor: group_by_vendor(input.records),
        none: VendorRecords::default(),
        services,
        values: Values::new(values),
        now,
        current,
        last_complete: current.previous(),
        flags: Vec::new(),
        clocks: Clocks::new(input.contracts, input.records, tz, now),
    };
    for vendor in input.vendors {
        let scope = Scope::Vendor(vendor.id.clone());
        rules.sla_below_target(vendor, &scope);
        rules.worsening(vendor, &scope);
        rules.patches(vendor, &scope);
        rules.vulnerabilities(vendor, &scope);
        rules.backups(vendor);
        rules.restore_and_resilience_tests(vendor, &scope);
        rules.backlog(vendor, &scope);
        rules.key_person(vendor, &scope);
        rules.supplier_review(vendor);
        rules.reported_sla(vendor);
        rules.uptime(vendor, &scope);
    }
    rules.service_uptime();
    rules.certificates();
    rules.domains();
    rules.coverage();
    rules.fixed_claims();
    rules.identity();
    rules.single_vendor_services();
    rules.stale_sources();
    let mut flags = rules.flags;
    flags.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    flags
}

impl<'a> Rules<'a> {
    fn of(&self, vendor_id: &str) -> &VendorRecords<'a> {
        self.by_vendor.get(vendor_id).unwrap_or(&self.none)
    }

    fn vendor_name<'v>(&'v self, id: &'v str) -> &'v str {
        self.input.vendors.iter().find(|vendor| vendor.id == id).map_or(id, |vendor| vendor.name.as_str())
    }

    #[allow(clippy::too_many_arguments)]
    fn raise(
        &mut self,
        rule: &str,
        subject: &str,
        vendor: Option<&str>,
        severity: FlagSeverity,
        headline: String,
        why: &str,
        question: String,
        evidence: Vec<EvidencePoint>,
        records: Vec<String>,
    ) {
        self.flags.push(RiskFlag {
            id: format!("{rule}:{subject}"),
            rule: rule.into(),
            vendor: vendor.map(Into::into),
            severity,
            headline,
            why: why.into(),
            question,
            evidence,
            records,
        });
    }

    fn sla_below_target(&mut self, vendor: &Vendor, scope: &Scope) {
        let month = self.last_complete;
        for (metric, kind) in
            [(MetricKey::SlaResponseCompliancePct, "response"), (MetricKey::SlaResolutionCompliancePct, "resolution")]
        {
            let Some(value) = self.values.get(scope, metric, month) else { continue };
            let (Some(figure), Some(target)) = (value.value, value.target) else { continue };
            if figure >= target || value.provenance.records < 5 {
                continue;
            }
            let severity = if target - figure > self.input.settings.sla_red_margin_points {
                FlagSeverity::Red
            } else {
                FlagSeverity::Amber
            };
            let (did, missed) = match kind {
                "response" => ("answered", "answered late"),
                _ => ("fixed", "fixed late"),
            };
            let headline = format!(
                "{} {did} {} of tickets on time in {}; the contract promises {}",
                vendor.name,
                pct_beside(figure, target),
                month.label(),
                pct(target)
            );
            let question = format!(
                "Why were {} of tickets {missed} in {}, and what will bring it back above {} next month?",
                pct(100.0 - figure),
                month.label(),
                pct(target)
            );
            self.raise(
                "sla_below_target",
                &format!("{}:{kind}", vendor.id),
                Some(&vendor.id),
                severity,
                headline,
                "Service levels are what the company pays for. When they slip, staff wait longer with their work \
                 stopped, and the contract's service credits may be owed.",
                question,
                vec![evidence(value)],
                Vec::new(),
            );
        }
    }

    /// Measured availability of a provider's services below its contract's
    /// uptime (or the company's own target where the contract names none)
    /// in the last complete month, with the outages behind it.
    fn uptime(&mut self, vendor: &Vendor, scope: &Scope) {
        let month = self.last_complete;
        let Some(value) = self.values.get(scope, MetricKey::AvailabilityPct, month) else { return };
        let (Some(figure), Some(target)) = (value.value, value.target) else { return };
        if figure >= target {
            return;
        }
        let contracted = self
            .input
            .contracts
            .iter()
            .any(|contract| contract.vendor_id == vendor.id && contract.terms.uptime_target_pct.is_some());
        let tz = self.input.settings.tz();
        let windows = self.input.records.availability.iter().filter(|window| window.vendor_id == vendor.id);
        let seen = crate::uptime::measured(windows, month.start_in(tz), month.end_in(tz));
        let outages = seen.outages;
        let promise = if contracted { "the contract promises" } else { "the company's target is" };
        let headline = format!(
            "{} services were up {} of the {} in {}; {promise} {}{}",
            possessive(&vendor.name),
            crate::uptime::uptime_pct(figure),
            watched_words(seen.watched_seconds),
            month.label(),
            crate::uptime::uptime_pct(target),
            outage_words(&outages, tz)
        );
        let question = match outages.iter().max_by_key(|outage| outage.seconds) {
            Some(longest) => format!(
                "What caused the {} in {} (the longest {} on {}), and what will keep the services up to {}?",
                plural(outages.len() as i64, "outage", "outages"),
                month.label(),
                crate::disputes::duration_words(longest.seconds as f64 / 60.0),
                claim_date(longest.start, tz),
                crate::uptime::uptime_pct(target)
            ),
            None => format!(
                "Why were the services down {} of the time in {}, and what will keep them up to {}?",
                crate::uptime::uptime_pct(100.0 - figure),
                month.label(),
                crate::uptime::uptime_pct(target)
            ),
        };
        let severity = if target - figure > 0.5 { FlagSeverity::Red } else { FlagSeverity::Amber };
        self.raise(
            "uptime_below_target",
            &vendor.id,
            Some(&vendor.id),
            severity,
            headline,
            UPTIME_WHY,
            question,
            vec![evidence(value)],
            outage_records(&outages),
        );
    }

    /// A business service with an uptime target of its own, measured by
    /// the probes and monitors that watch it, below that target in the
    /// last complete month.
    fn service_uptime(&mut self) {
        let month = self.last_complete;
        let tz = self.input.settings.tz();
        for service in self.services {
            let Some(target) = service.uptime_target_pct else { continue };
            if service.monitor_sources.is_empty() {
                continue;
            }
            let windows = self
                .input
                .records
                .availability
                .iter()
                .filter(|window| service.watched_by(&window.provenance.source_id, &window.monitor));
            let seen = crate::uptime::measured(windows, month.start_in(tz), month.end_in(tz));
            let (Some(figure), outages) = (seen.pct, seen.outages) else {
                continue;
            };
            if figure >= target {
                continue;
            }
            let vendor_id = (service.vendor_ids.len() == 1).then(|| service.vendor_ids[0].clone());
            let severity = if target - figure > 0.5 { FlagSeverity::Red } else { FlagSeverity::Amber };
            self.raise(
                "uptime_below_target",
                &format!("service:{}", service.id),
                vendor_id.as_deref(),
                severity,
                format!(
                    "{} was up {} of the {} in {}; its target is {}{}",
                    service.name,
                    crate::uptime::uptime_pct(figure),
                    watched_words(seen.watched_seconds),
                    month.label(),
                    crate::uptime::uptime_pct(target),
                    outage_words(&outages, tz)
                ),
                UPTIME_WHY,
                format!(
                    "What kept {} down {} of the time in {}, and what will bring it up to {}?",
                    service.name,
                    crate::uptime::uptime_pct(100.0 - figure),
                    month.label(),
                    crate::uptime::uptime_pct(target)
                ),
                Vec::new(),
                outage_records(&outages),
            );
        }
    }

    /// A metric worse three months running, or heading across its target
    /// within the horizon at its current rate.
    fn worsening(&mut self, vendor: &Vendor, scope: &Scope) {
        const WATCHED: &[MetricKey] = &[
            MetricKey::SlaResponseCompliancePct,
            MetricKey::SlaResolutionCompliancePct,
            MetricKey::FirstResponseMedianMinutes,
            MetricKey::ResolutionMedianHours,
            MetricKey::PatchCompliancePct,
            MetricKey::BackupSuccessPct,
            MetricKey::ChangeSuccessPct,
            MetricKey::CsatPct,
            MetricKey::AvailabilityPct,
        ];
        let months: Vec<Period> = (0..6).rev().map(|back| self.last_complete.shift(-back)).collect();
        for &metric in WATCHED {
            let series: Vec<(Period, &MetricValue)> = months
                .iter()
                .filter_map(|&month| self.values.get(scope, metric, month).map(|value| (month, value)))
                .filter(|(_, value)| value.value.is_some() && value.provenance.records >= 5)
                .collect();
            if series.len() < 4 {
                continue;
            }
            let worse = |a: f64, b: f64| match metric.direction() {
                Direction::HigherIsBetter => b < a,
                Direction::LowerIsBetter => b > a,
                Direction::Neutral => false,
            };
            let figures: Vec<f64> = series.iter().map(|(_, value)| value.value.expect("filtered")).collect();
            let last_four = &figures[figures.len() - 4..];
            let three_running = last_four.windows(2).all(|pair| worse(pair[0], pair[1]));
            let (last_month, last_value) = *series.last().expect("at least four");
            let latest = figures[figures.len() - 1];
            let name = metric.plain_name().to_lowercase();
            let evidence_points = series.iter().map(|(_, value)| evidence(value)).collect();
            if three_running {
                let headline = format!(
                    "{}: {name} got worse three months running, to {} in {}",
                    vendor.name,
                    metric.unit().text(latest),
                    last_month.label()
                );
                self.raise(
                    "worsening",
                    &format!("{}:{}", vendor.id, metric.as_str()),
                    Some(&vendor.id),
                    FlagSeverity::Amber,
                    headline,
                    "A figure that keeps sliding usually keeps sliding until someone acts. Catching it before it \
                     crosses the contract's line is cheaper than recovering after.",
                    format!(
                        "What changed three months ago that made {name} worse, and what is the plan to reverse it?"
                    ),
                    evidence_points,
                    Vec::new(),
                );
                continue;
            }
            // At this rate: a straight line through the last six months.
            let (Some(target), Status::Met) = (last_value.target, last_value.status) else { continue };
            let horizon_months = self.input.settings.trend_horizon_weeks as f64 * 7.0 / 30.44;
            let Some(projected) = crate::stats::linear_projection(&figures, horizon_months) else { continue };
            let crosses = match metric.direction() {
                Direction::HigherIsBetter => projected < target,
                Direction::LowerIsBetter => projected > target,
                Direction::Neutral => false,
            };
            if crosses && worse(figures[0], latest) {
                let headline = format!(
                    "{}: at this rate, {name} will miss its target of {} within {} weeks",
                    vendor.name,
                    metric.unit().text(target),
                    self.input.settings.trend_horizon_weeks
                );
                self.raise(
                    "worsening",
                    &format!("{}:{}", vendor.id, metric.as_str()),
                    Some(&vendor.id),
                    FlagSeverity::Amber,
                    headline,
                    "The figure still meets its target, but the trend of the last six months points below it. \
                     Asking now costs less than a missed target later.",
                    format!("The trend in {name} points below target within two months: what will stop it?"),
                    evidence_points,
                    Vec::new(),
                );
            }
        }
    }

    fn patches(&mut self, vendor: &Vendor, scope: &Scope) {
        let settings = self.input.settings;
        if let Some(value) = self.values.get(scope, MetricKey::PatchCompliancePct, self.current)
            && let Some(figure) = value.value
            && figure < settings.patch_target_pct
        {
            let severity = if figure < settings.patch_red_pct { FlagSeverity::Red } else { FlagSeverity::Amber };
            self.raise(
                "patch_compliance",
                &vendor.id,
                Some(&vendor.id),
                severity,
                format!(
                    "Only {} of {} devices have their security updates on time; the target is {}",
                    pct_beside(figure, settings.patch_target_pct),
                    possessive(&vendor.name),
                    pct(settings.patch_target_pct)
                ),
                "Unpatched systems are how most attackers get in: the Equifax breach came through a server left \
                 unpatched for two months after the fix was published.",
                format!(
                    "Which {} devices are behind on security updates, why, and by when will they be patched?",
                    vendor.name
                ),
                vec![evidence(value)],
                Vec::new(),
            );
        }
        let grace = settings.patch_grace_days;
        let overdue: Vec<_> = self
            .of(&vendor.id)
            .patches
            .iter()
            .copied()
            .filter(|patch| patch.class == PatchClass::Critical)
            .filter(|patch| patch.missing_since <= self.now && patch.installed_at.is_none_or(|at| at >= self.now))
            .filter(|patch| (self.now - patch.missing_since).num_days() > grace)
            .collect();
        if let Some(oldest) = overdue.iter().map(|patch| (self.now - patch.missing_since).num_days()).max() {
            let value = self.values.get(scope, MetricKey::CriticalPatchMaxAgeDays, self.current);
            let devices =
                overdue.iter().map(|patch| patch.device_id.as_str()).collect::<std::collections::BTreeSet<_>>();
            self.raise(
                "critical_patch_overdue",
                &vendor.id,
                Some(&vendor.id),
                FlagSeverity::Red,
                format!(
                    "{} has left a critical security update uninstalled for {} days on {}; the limit is {grace}",
                    vendor.name,
                    oldest,
                    plural(devices.len() as i64, "device", "devices")
                ),
                "A critical update closes a hole that attackers already know about. Every day it waits is a day \
                 the hole is open.",
                format!(
                    "Why are critical updates still missing after {oldest} days, and when will every device have them?"
                ),
                value.map(evidence).into_iter().collect(),
                overdue.iter().map(|patch| record_ref(&patch.provenance)).collect(),
            );
        }
    }

    fn vulnerabilities(&mut self, vendor: &Vendor, scope: &Scope) {
        let deadline = self.input.settings.vuln_critical_deadline_days;
        let overdue: Vec<_> = self
            .of(&vendor.id)
            .vulnerabilities
            .iter()
            .copied()
            .filter(|v| v.severity == Severity::Critical)
            .filter(|v| v.first_found <= self.now && v.fixed_at.is_none_or(|fixed| fixed >= self.now))
            .filter(|v| (self.now - v.first_found).num_days() > deadline)
            .collect();
        let Some(oldest) = overdue.iter().map(|v| (self.now - v.first_found).num_days()).max() else { return };
        let count = overdue.len() as i64;
        self.raise(
            "critical_vulnerability_overdue",
            &vendor.id,
            Some(&vendor.id),
            FlagSeverity::Red,
            format!(
                "{} has {} open for {oldest} days; the deadline is {deadline} days",
                vendor.name,
                plural(count, "critical security weakness", "critical security weaknesses"),
            ),
            "Critical weaknesses are the ones attackers exploit first, often within days of being published. \
             Leaving one open past its deadline is an open door.",
            format!(
                "What is stopping the fix for the {}, and what protects the system until then?",
                plural(count, "critical weakness", "critical weaknesses")
            ),
            self.values.get(scope, MetricKey::VulnsOverdue, self.current).map(evidence).into_iter().collect(),
            overdue.iter().map(|v| record_ref(&v.provenance)).collect(),
        );
    }

    fn backups(&mut self, vendor: &Vendor) {
        let max_gap = Duration::hours(self.input.settings.backup_max_gap_hours);
        // Systems backed up in the last 30 days are still protected.
        let mut last_success: BTreeMap<&str, Option<DateTime<Utc>>> = BTreeMap::new();
        for job in self.of(&vendor.id).backups.iter().copied().filter(|job| job.started_at <= self.now) {
            if job.started_at < self.now - Duration::days(30) {
                continue;
            }
            let entry = last_success.entry(job.system.as_str()).or_insert(None);
            if job.succeeded {
                *entry = Some(entry.map_or(job.started_at, |last| last.max(job.started_at)));
            }
        }
        let mut raised = Vec::new();
        for (system, last) in last_success {
            let gap_hours = last.map(|last| (self.now - last).num_hours());
            if gap_hours.is_none_or(|hours| hours > max_gap.num_hours()) {
                raised.push((system.to_string(), gap_hours));
            }
        }
        for (system, gap_hours) in raised {
            let since = match gap_hours {
                Some(hours) => format!("for {hours} hours"),
                None => "in the last 30 days".into(),
            };
            self.raise(
                "backup_missing",
                &format!("{}:{}", vendor.id, system.to_lowercase().replace(' ', "-")),
                Some(&vendor.id),
                FlagSeverity::Red,
                format!("No successful backup of {system} {since} ({})", vendor.name),
                "If this system failed or were encrypted by ransomware today, everything since its last good backup \
                 would be lost.",
                format!("Why have the backups of {system} failed, and when will a good one be confirmed?"),
                Vec::new(),
                Vec::new(),
            );
        }
    }

    fn restore_and_resilience_tests(&mut self, vendor: &Vendor, scope: &Scope) {
        let settings = self.input.settings;
        if let Some(value) = self.values.get(scope, MetricKey::DaysSinceRestoreTest, self.current)
            && let Some(days) = value.value
            && days > settings.restore_test_amber_days
        {
            let severity = if days > settings.restore_test_red_days { FlagSeverity::Red } else { FlagSeverity::Amber };
            self.raise(
                "restore_test_overdue",
                &vendor.id,
                Some(&vendor.id),
                severity,
                format!(
                    "{} has not proven a backup can be restored for {} days; good practice is every {}",
                    vendor.name, days, settings.restore_test_amber_days
                ),
                "A backup that has never been restored is a hope, not a plan: in many ransomware cases the backups \
                 turned out to be incomplete or unusable on the day they were needed.",
                format!("When will {} restore a test system from backup, and can we see the result?", vendor.name),
                vec![evidence(value)],
                Vec::new(),
            );
        }
        let has_backups = !self.of(&vendor.id).backups.is_empty();
        if !has_backups {
            return;
        }
        let value = self.values.get(scope, MetricKey::DaysSinceResilienceTest, self.current);
        let days = value.and_then(|value| value.value);
        if days.is_none_or(|days| days > settings.resilience_test_amber_days) {
            let headline = match days {
                Some(days) => format!("{} last tested failing over to a backup site {days} days ago", vendor.name),
                None => format!("{} has no failover test on record", vendor.name),
            };
            self.raise(
                "resilience_test_overdue",
                &vendor.id,
                Some(&vendor.id),
                FlagSeverity::Amber,
                headline,
                "Failover plans that are not rehearsed tend to fail when they are needed: a twice-yearly test shows \
                 the business can keep running if a site is lost.",
                format!("When is {} next failover test, and what did the last one find?", possessive(&vendor.name)),
                value.map(evidence).into_iter().collect(),
                Vec::new(),
            );
        }
    }

    fn backlog(&mut self, vendor: &Vendor, scope: &Scope) {
        let settings = self.input.settings;
        let open_at = |at: DateTime<Utc>| {
            self.of(&vendor.id)
                .tickets
                .iter()
                .filter(|t| t.created_at < at && t.resolved_at.is_none_or(|r| r >= at))
                .count() as f64
        };
        let now_open = open_at(self.now);
        let before = open_at(self.now - Duration::weeks(4));
        let value = self.values.get(scope, MetricKey::BacklogOpen, self.current);
        if before >= 5.0 && now_open > before * (1.0 + settings.backlog_growth_pct / 100.0) {
            self.raise(
                "backlog_growing",
                &vendor.id,
                Some(&vendor.id),
                FlagSeverity::Amber,
                format!("{} open tickets grew from {} to {} in four weeks", possessive(&vendor.name), before, now_open),
                "A growing queue means requests arrive faster than they are resolved; waits get longer until the \
                 provider adds people or fixes the causes.",
                format!("Why is {} backlog growing, and what is the plan to bring it down?", possessive(&vendor.name)),
                value.map(evidence).into_iter().collect(),
                Vec::new(),
            );
        }
        let aged = self.values.get(scope, MetricKey::BacklogAged30d, self.current);
        if let (Some(aged_value), Some(open)) = (aged.and_then(|v| v.value), value.and_then(|v| v.value))
            && open >= 10.0
            && aged_value / open * 100.0 > settings.backlog_aged_share_pct
        {
            self.raise(
                "backlog_aged",
                &vendor.id,
                Some(&vendor.id),
                FlagSeverity::Amber,
                format!(
                    "{} of {} {} open tickets have waited more than 30 days",
                    aged_value,
                    possessive(&vendor.name),
                    open
                ),
                "Old tickets are often the awkward ones that never get done, and each is someone still waiting.",
                format!("What is blocking {} oldest tickets?", possessive(&vendor.name)),
                aged.map(evidence).into_iter().collect(),
                Vec::new(),
            );
        }
    }

    fn key_person(&mut self, vendor: &Vendor, scope: &Scope) {
        let settings = self.input.settings;
        let month = self.last_complete;
        let Some(value) = self.values.get(scope, MetricKey::KeyPersonSharePct, month) else { return };
        let Some(share) = value.value else { return };
        if value.provenance.records < settings.key_person_min_tickets || share <= settings.key_person_amber_pct {
            return;
        }
        let severity = if share > settings.key_person_red_pct { FlagSeverity::Red } else { FlagSeverity::Amber };
        self.raise(
            "key_person",
            &vendor.id,
            Some(&vendor.id),
            severity,
            format!("One engineer fixed {} of {} tickets in {}", pct(share), possessive(&vendor.name), month.label()),
            "When one person does most of the work, their holiday, illness or resignation stalls support, and \
             what they know is written down nowhere else.",
            format!(
                "Who covers when this engineer is away, and what is {} doing to spread the knowledge?",
                vendor.name
            ),
            vec![evidence(value)],
            Vec::new(),
        );
    }

    fn supplier_review(&mut self, vendor: &Vendor) {
        if vendor.kind == VendorKind::Internal {
            return;
        }
        let limit = self.input.settings.supplier_review_days;
        let days = vendor.last_review.map(|day| (self.now.date_naive() - day).num_days());
        if days.is_some_and(|days| days <= limit) {
            return;
        }
        let headline = match days {
            Some(days) => {
                format!("No supplier review of {} for {days} days; reviews are due every {limit}", vendor.name)
            }
            None => format!("No supplier review of {} is on record", vendor.name),
        };
        self.raise(
            "supplier_review_overdue",
            &vendor.id,
            Some(&vendor.id),
            FlagSeverity::Amber,
            headline,
            "A regular review is where performance, cost, security and the contract's fit are checked. Without it, \
             problems and price creep go unchallenged.",
            format!("When is the next review with {}, and who from our side attends?", vendor.name),
            Vec::new(),
            Vec::new(),
        );
    }

    /// The provider's own SLA verdicts against Sightline's reading of the
    /// same tickets on the contract's clock, for the last complete month.
    /// The flag lists the disputed tickets (`disputes` gives each with its
    /// times and reasons).
    fn reported_sla(&mut self, vendor: &Vendor) {
        let tz = self.input.settings.tz();
        let month = self.last_complete;
        let (start, end) = (month.start_in(tz), month.end_in(tz));
        let cutoff = end.min(self.now);
        let Some(contract) = self.input.contracts.iter().find(|contract| contract.vendor_id == vendor.id) else {
            return;
        };
        let (mut reported_met, mut computed_met, mut counted) = (0u32, 0u32, 0u32);
        let mut disputed = Vec::new();
        for ticket in self.of(&vendor.id).tickets.iter().copied() {
            if ticket.created_at < start || ticket.created_at >= end {
                continue;
            }
            let Some(reported) = ticket.vendor_reported_in_sla else { continue };
            let judged = judge(ticket, Some(contract), &self.clocks);
            // Only tickets Sightline can judge by the contract count: one
            // still running, left out of the SLA, or with impossible dates
            // is neither for nor against the provider.
            let Ok(Some(met)) = judged.verdict_at(cutoff) else { continue };
            counted += 1;
            reported_met += u32::from(reported);
            computed_met += u32::from(met);
            if met != reported {
                disputed.push(format!("{}:{}", ticket.provenance.source_id, ticket.provenance.record_id));
            }
        }
        if counted < 10 {
            return;
        }
        let reported = reported_met as f64 * 100.0 / counted as f64;
        let computed = computed_met as f64 * 100.0 / counted as f64;
        if (reported - computed).abs() <= self.input.settings.reported_sla_tolerance_points {
            return;
        }
        let count = disputed.len();
        self.raise(
            "reported_sla_mismatch",
            &vendor.id,
            Some(&vendor.id),
            FlagSeverity::Amber,
            format!(
                "{} says {} of {} tickets met the SLA; by the contract {} did ({} disputed)",
                vendor.name,
                pct(reported),
                month.label(),
                pct(computed),
                count
            ),
            "The provider's report and the raw tickets, timed on the contract's own clock, disagree. Reports that \
             look better than the underlying records are how problems stay hidden until they become incidents.",
            format!("How does {} decide a ticket met its SLA, and why does that differ on these tickets?", vendor.name),
            Vec::new(),
            disputed,
        );
    }

    fn certificates(&mut self) {
        let settings = self.input.settings;
        let mut current: BTreeMap<&str, &sightline_domain::Certificate> = BTreeMap::new();
        for certificate in self.input.records.certificates.iter().filter(|cert| cert.not_before <= self.now) {
            let slot = current.entry(certificate.host.as_str()).or_insert(certificate);
            if certificate.not_before > slot.not_before {
                *slot = certificate;
            }
        }
        // What a browser would show, each its own flag: a certificate it
        // does not trust, one for another name, one that has expired, and
        // (ahead of time) one about to expire.
        let mut found = Vec::new();
        for certificate in current.values() {
            let host = certificate.host.as_str();
            let record = record_ref(&certificate.provenance);
            let vendor_id = certificate.vendor_id.clone();
            if certificate.trusted == Some(false) {
                found.push((
                    "certificate_untrusted",
                    vendor_id.clone(),
                    host.to_string(),
                    FlagSeverity::Red,
                    format!("Browsers warn visitors away from {host}: its certificate's issuer is not trusted"),
                    record.clone(),
                ));
            }
            if certificate.name_matches == Some(false) {
                found.push((
                    "certificate_wrong_name",
                    vendor_id.clone(),
                    host.to_string(),
                    FlagSeverity::Red,
                    format!("Browsers warn visitors away from {host}: its certificate is for another name"),
                    record.clone(),
                ));
            }
            let days = (certificate.not_after - self.now).num_seconds().div_euclid(86_400);
            if days < 0 {
                found.push((
                    "certificate_expired",
                    vendor_id,
                    host.to_string(),
                    FlagSeverity::Red,
                    format!(
                        "The certificate for {host} expired {} ago: browsers warn visitors away",
                        plural(-days, "day", "days")
                    ),
                    record,
                ));
            } else if days as f64 <= settings.cert_amber_days {
                let severity =
                    if days as f64 <= settings.cert_red_days { FlagSeverity::Red } else { FlagSeverity::Amber };
                found.push((
                    "certificate_expiring",
                    vendor_id,
                    host.to_string(),
                    severity,
                    format!(
                        "The certificate for {host} expires in {} ({})",
                        plural(days, "day", "days"),
                        certificate.not_after.format("%-d %B")
                    ),
                    record,
                ));
            }
        }
        let details: BTreeMap<String, (String, String)> = current
            .values()
            .map(|certificate| (certificate.host.clone(), (certificate.issuer.clone(), certificate.subject.clone())))
            .collect();
        for (rule, vendor_id, host, severity, headline, record) in found {
            let vendor = self.vendor_name(&vendor_id).to_string();
            let (issuer, subject) = details.get(&host).cloned().unwrap_or_default();
            let (why, question) = match rule {
                "certificate_untrusted" => (
                    "A browser shows \"Your connection is not private\" and most visitors turn back; systems that \
                     connect to it refuse, or have been set to ignore such warnings, which lets an impostor in too.",
                    format!(
                        "When will {vendor} replace the certificate on {host}, issued by {issuer}, with one from an \
                         authority browsers trust?"
                    ),
                ),
                "certificate_wrong_name" => (
                    "A certificate proves a site is who it says it is only for the names written in it; for any \
                     other name browsers warn that the site may be an impostor.",
                    format!("When will {vendor} put a certificate for {host} on it? The one there is for {subject}."),
                ),
                "certificate_expired" => (
                    "An expired certificate proves nothing: browsers warn visitors away and connections from other \
                     systems fail until it is renewed.",
                    format!("Who at {vendor} renews the certificate for {host} today, and why was it missed?"),
                ),
                _ => (
                    "When a website's certificate expires, browsers warn visitors away and connections from other \
                     systems fail: an outage that is entirely predictable.",
                    format!("Who at {vendor} renews the certificate for {host}, and is renewal automatic?"),
                ),
            };
            self.raise(rule, &host, Some(&vendor_id), severity, headline, why, question, Vec::new(), vec![record]);
        }
    }

    /// Each domain as last read: who may send e-mail as it, and when its
    /// registration runs out.
    fn domains(&mut self) {
        let mut current: BTreeMap<&str, &DomainPosture> = BTreeMap::new();
        for posture in self.input.records.domains.iter().filter(|posture| posture.provenance.fetched_at <= self.now) {
            let slot = current.entry(posture.domain.as_str()).or_insert(posture);
            if posture.provenance.fetched_at > slot.provenance.fetched_at {
                *slot = posture;
            }
        }
        for posture in current.into_values() {
            let domain = posture.domain.as_str();
            let vendor = self.vendor_name(&posture.vendor_id).to_string();
            let record = record_ref(&posture.provenance);
            if let Some(spoofing) = posture.spoofing() {
                let severity =
                    if spoofing.severe(!posture.spf.is_empty()) { FlagSeverity::Red } else { FlagSeverity::Amber };
                self.raise(
                    "email_spoofable",
                    domain,
                    Some(&posture.vendor_id),
                    severity,
                    format!("Anyone can send e-mail as {domain}: {}", spoofing.reason()),
                    "Mail that only looks as if it came from the company is how most payment fraud starts: a \
                     supplier's bank details \"changed\", an urgent transfer \"from the CEO\". A DMARC policy of \
                     quarantine or reject tells receivers to stop such mail; none asks them to deliver it.",
                    if spoofing == sightline_domain::Spoofing::SpfAllowsAll {
                        format!("When will {vendor} remove \"+all\" from {domain}'s SPF record?")
                    } else {
                        format!(
                            "When will {vendor} set {domain}'s DMARC policy to quarantine, then reject, once the \
                             company's own mail is seen to pass?"
                        )
                    },
                    Vec::new(),
                    vec![record.clone()],
                );
            }
            let Some(expires_at) = posture.expires_at else { continue };
            let days = (expires_at - self.now).num_seconds().div_euclid(86_400);
            let (rule, severity, headline) = if expires_at <= self.now {
                let ago = (self.now - expires_at).num_days();
                (
                    "domain_expired",
                    FlagSeverity::Red,
                    format!(
                        "The registration of {domain} ran out {}: its website and e-mail stop",
                        if ago == 0 { "today".to_string() } else { format!("{} ago", plural(ago, "day", "days")) }
                    ),
                )
            } else if days <= DOMAIN_AMBER_DAYS {
                (
                    "domain_expiring",
                    if days <= DOMAIN_RED_DAYS { FlagSeverity::Red } else { FlagSeverity::Amber },
                    format!(
                        "The registration of {domain} runs out {} ({})",
                        if days == 0 { "today".to_string() } else { format!("in {}", plural(days, "day", "days")) },
                        expires_at.format("%-d %B %Y")
                    ),
                )
            } else {
                continue;
            };
            let registrar = posture.registrar.as_deref().map_or(String::new(), |name| format!(" with {name}"));
            self.raise(
                rule,
                domain,
                Some(&posture.vendor_id),
                severity,
                headline,
                "When a domain's registration lapses, its website and e-mail stop, and after a grace period \
                 anyone can buy it and receive the company's mail.",
                format!("Who at {vendor} renews {domain}{registrar}, and is renewal automatic?"),
                Vec::new(),
                vec![record],
            );
        }
    }

    fn single_vendor_services(&mut self) {
        for service in self.services.iter().filter(|service| service.critical && service.vendor_ids.len() == 1) {
            let vendor_id = service.vendor_ids[0].clone();
            let vendor = self.vendor_name(&vendor_id).to_string();
            self.raise(
                "single_vendor_service",
                &service.id,
                Some(&vendor_id),
                FlagSeverity::Amber,
                format!("{} depends on {vendor} alone, with no alternative recorded", service.name),
                "If that provider fails, is breached or goes out of business, the service stops with it: the Target \
                 breach began with one supplier's access.",
                format!("If {vendor} could not deliver {} tomorrow, what would we do?", service.name),
                Vec::new(),
                Vec::new(),
            );
        }
    }

    /// Computers one kind of tool sees and another does not, company-wide:
    /// what endpoint protection misses is unprotected, what the management
    /// tool misses is unpatched, what the scanner misses is unexamined.
    fn coverage(&mut self) {
        let groups = crate::coverage::group(&self.input.records.devices);
        let (machines, tools) = crate::coverage::machines(&groups, self.now);
        if tools.len() < 2 {
            return;
        }
        let value = self.values.get(&Scope::All, MetricKey::AgentCoveragePct, self.current);
        for (tool, severity, what, why, question) in [
            (
                Inventory::Protection,
                FlagSeverity::Red,
                "have no endpoint protection: it does not see them",
                "A computer endpoint protection does not see is not protected: malware on it goes unnoticed, and it \
                 is the way in an attacker looks for.",
                "Why are these computers missing from endpoint protection, and when will each be protected?",
            ),
            (
                Inventory::Management,
                FlagSeverity::Red,
                "are not in the provider's management tool: nobody patches or watches them",
                "A computer the provider's tools do not manage gets no security updates and no monitoring, while the \
                 provider's reports say nothing about it.",
                "Who looks after these computers, and will the provider bring them under management?",
            ),
            (
                Inventory::Scanner,
                FlagSeverity::Amber,
                "are never scanned for weaknesses",
                "The weakness figures only cover computers the scanner sees; a computer it misses can carry known \
                 holes that no report shows.",
                "Why does the scanner not reach these computers, and when will it?",
            ),
        ] {
            if !tools.contains(tool) {
                continue;
            }
            let missing: Vec<&crate::coverage::Machine> =
                machines.iter().filter(|machine| !machine.seen_by.contains(tool)).collect();
            if missing.is_empty() {
                continue;
            }
            let mut names: Vec<&str> = missing.iter().map(|machine| machine.name()).collect();
            names.sort_unstable();
            let shown = if names.len() > 5 {
                format!("{} and {} more", names[..5].join(", "), names.len() - 5)
            } else {
                names.join(", ")
            };
            // The vendor whose management tool holds the computers, if they
            // are all one vendor's; several vendors' share the flag.
            let vendors: std::collections::BTreeSet<&str> = missing
                .iter()
                .flat_map(|machine| machine.records())
                .filter(|device| device.seen_by == Inventory::Management)
                .map(|device| device.vendor_id.as_str())
                .collect();
            let vendor = if vendors.len() == 1 { vendors.first().map(|id| id.to_string()) } else { None };
            self.raise(
                "coverage_gap",
                tool.as_str(),
                vendor.as_deref(),
                severity,
                format!("{} {what} ({shown})", plural(missing.len() as i64, "computer", "computers")),
                why,
                question.to_string(),
                value.map(evidence).into_iter().collect(),
                missing
                    .iter()
                    .flat_map(|machine| machine.records())
                    .map(|device| record_ref(&device.provenance))
                    .collect(),
            );
        }
    }

    /// A weakness one source reports fixed that another still finds open
    /// on the same computer (matched by name and CVE): the claim is wrong,
    /// or the fix did not hold.
    fn fixed_claims(&mut self) {
        let now = self.now;
        let open_now = |v: &&Vulnerability| v.first_found <= now && v.fixed_at.is_none_or(|fixed| fixed > now);
        let mut open: HashMap<(String, &str), Vec<&Vulnerability>> = HashMap::new();
        for found in self.input.records.vulnerabilities.iter().filter(open_now) {
            if let Some(cve) = cve_in(&found.title) {
                open.entry((crate::coverage::machine_key(&found.asset), cve)).or_default().push(found);
            }
        }
        for claim in &self.input.records.vulnerabilities {
            let (Some(fixed), Some(cve)) = (claim.fixed_at, cve_in(&claim.title)) else { continue };
            if fixed > now {
                continue;
            }
            let machine = crate::coverage::machine_key(&claim.asset);
            let Some(still) = open.get(&(machine, cve)).and_then(|found| {
                // Found before the claimed fix, and read after it: a scan
                // older than the fix proves nothing.
                found.iter().find(|other| {
                    other.provenance.source_id != claim.provenance.source_id
                        && other.first_found <= fixed
                        && other.provenance.fetched_at > fixed
                })
            }) else {
                continue;
            };
            let source_name = |id: &str| {
                self.input.sources.iter().find(|source| source.id == id).map_or(id.to_string(), |s| s.name.clone())
            };
            let found_by = source_name(&still.provenance.source_id);
            let vendor = self.vendor_name(&claim.vendor_id).to_string();
            self.raise(
                "fixed_claim_contradicted",
                &format!("{}:{}", claim.provenance.source_id, claim.provenance.record_id),
                Some(&claim.vendor_id),
                FlagSeverity::Red,
                format!(
                    "{vendor} reports {cve} on {} fixed on {}, but {found_by} still finds it there",
                    claim.asset,
                    claim_date(fixed, self.input.settings.tz())
                ),
                "A weakness reported fixed but still present is worse than one reported open: nobody is working on \
                 it, and the reports say the door is shut.",
                format!(
                    "Was the fix for {cve} on {} applied and checked, and why does {found_by} still find it?",
                    claim.asset
                ),
                Vec::new(),
                vec![record_ref(&claim.provenance), record_ref(&still.provenance)],
            );
        }
    }

    /// The company's own directory: administrators and provider staff
    /// without a second factor, coverage under its target, dormant
    /// accounts left enabled. Each names the accounts.
    fn identity(&mut self) {
        // The directory as read; a read after this assessment's moment says
        // nothing about then.
        let accounts: Vec<&Account> = self
            .input
            .records
            .accounts
            .iter()
            .filter(|account| account.enabled && account.provenance.fetched_at <= self.now)
            .collect();
        if accounts.is_empty() {
            return;
        }
        let names = |list: &[&Account]| {
            let mut users: Vec<&str> = list.iter().map(|account| account.user.as_str()).collect();
            users.sort_unstable();
            if users.len() > 5 {
                format!("{} and {} more", users[..5].join(", "), users.len() - 5)
            } else {
                users.join(", ")
            }
        };
        let refs = |list: &[&Account]| list.iter().map(|account| record_ref(&account.provenance)).collect();

        let admins: Vec<&Account> =
            accounts.iter().copied().filter(|a| a.admin && a.mfa_registered == Some(false)).collect();
        if !admins.is_empty() {
            self.raise(
                "admin_without_mfa",
                "directory",
                None,
                FlagSeverity::Red,
                format!(
                    "{} no second sign-in factor (MFA): {}",
                    plural(admins.len() as i64, "administrator account has", "administrator accounts have"),
                    names(&admins)
                ),
                "An administrator's password alone is one phishing e-mail away from the keys to the whole company. \
                 A second factor stops almost every such attack.",
                "Who holds these administrator accounts, and when will each have a second factor or be removed?"
                    .to_string(),
                self.values
                    .get(&Scope::All, MetricKey::AdminsWithoutMfa, self.current)
                    .map(evidence)
                    .into_iter()
                    .collect(),
                refs(&admins),
            );
        }

        let mut providers: BTreeMap<&str, Vec<&Account>> = BTreeMap::new();
        for account in accounts.iter().copied().filter(|a| a.mfa_registered == Some(false)) {
            if let Some(provider) = account.provider.as_deref() {
                providers.entry(provider).or_default().push(account);
            }
        }
        for (provider, list) in providers {
            let name = self.vendor_name(provider).to_string();
            self.raise(
                "provider_account_without_mfa",
                provider,
                Some(provider),
                FlagSeverity::Red,
                format!(
                    "{} of {} staff {} no second factor in the company's directory: {}",
                    plural(list.len() as i64, "account", "accounts"),
                    possessive(&name),
                    if list.len() == 1 { "has" } else { "have" },
                    names(&list)
                ),
                "Providers' accounts are a favourite way in: one breached provider reaches every customer whose \
                 directory trusts its staff's passwords alone.",
                format!("Will {name} register a second factor on these accounts, or remove the ones no longer needed?"),
                self.values
                    .get(&Scope::All, MetricKey::ProviderAccountsWithoutMfa, self.current)
                    .map(evidence)
                    .into_iter()
                    .collect(),
                refs(&list),
            );
        }

        if let Some(coverage) = self.values.get(&Scope::All, MetricKey::MfaCoveragePct, self.current) {
            let severity = match coverage.status {
                Status::Missed => Some(FlagSeverity::Red),
                Status::AtRisk => Some(FlagSeverity::Amber),
                _ => None,
            };
            if let (Some(severity), Some(figure), Some(target)) = (severity, coverage.value, coverage.target) {
                let without: Vec<&Account> =
                    accounts.iter().copied().filter(|a| a.mfa_registered == Some(false)).collect();
                self.raise(
                    "mfa_coverage",
                    "directory",
                    None,
                    severity,
                    format!(
                        "Only {} of the company's accounts have a second sign-in factor; the target is {}",
                        pct_beside(figure, target),
                        pct(target)
                    ),
                    "Every account without a second factor can be taken over with a guessed or phished password.",
                    format!(
                        "When will the {} without a second factor have one?",
                        plural(without.len() as i64, "account", "accounts")
                    ),
                    vec![evidence(coverage)],
                    refs(&without),
                );
            }
        }

        let days = self.input.settings.dormant_account_days;
        let dormant: Vec<&Account> = accounts
            .iter()
            .copied()
            .filter(|a| a.last_sign_in.or(a.created_at).is_some_and(|last| self.now - last > Duration::days(days)))
            .collect();
        if !dormant.is_empty() {
            self.raise(
                "dormant_account",
                "directory",
                None,
                FlagSeverity::Amber,
                format!(
                    "{} still enabled but not signed in for over {days} days: {}",
                    plural(dormant.len() as i64, "account is", "accounts are"),
                    names(&dormant)
                ),
                "An account nobody uses is one nobody would notice being used by someone else: leavers' and former \
                 engineers' accounts are a common way in.",
                "Are these accounts still needed, and if not, when will they be disabled?".to_string(),
                self.values
                    .get(&Scope::All, MetricKey::DormantAccountsEnabled, self.current)
                    .map(evidence)
                    .into_iter()
                    .collect(),
                refs(&dormant),
            );
        }
    }

    fn stale_sources(&mut self) {
        let settings = self.input.settings;
        for source in self.input.sources {
            let hours = source.last_success_at.map(|at| (self.now - at).num_seconds() as f64 / 3600.0);
            if hours.is_some_and(|hours| hours <= settings.stale_amber_hours) {
                continue;
            }
            let severity = if hours.is_none_or(|hours| hours > settings.stale_red_hours) {
                FlagSeverity::Red
            } else {
                FlagSeverity::Amber
            };
            let vendor = self.vendor_name(&source.vendor_id).to_string();
            let headline = match hours {
                Some(hours) if hours >= 48.0 => {
                    format!(
                        "{} has not synced for {} days: {} figures are out of date",
                        source.name,
                        (hours / 24.0).floor(),
                        possessive(&vendor)
                    )
                }
                Some(hours) => format!(
                    "{} has not synced for {hours:.0} hours: {} figures are out of date",
                    source.name,
                    possessive(&vendor)
                ),
                None => format!("{} has never synced: there are no figures from it for {vendor}", source.name),
            };
            let mut why = String::from(
                "Decisions made on old figures can be wrong; a problem that started since the last sync does not \
                 show yet.",
            );
            if let Some(error) = &source.last_error {
                why.push_str(&format!(" The last attempt failed: {error}."));
            }
            self.raise(
                "stale_source",
                &source.id,
                Some(&source.vendor_id),
                severity,
                headline,
                &why,
                format!("Is {} still reachable with the credentials we hold?", source.name),
                Vec::new(),
                Vec::new(),
            );
        }
    }
}
