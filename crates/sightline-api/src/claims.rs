//! The `claims` use case: every comparison Sightline can make between what
//! a provider's own tools report and what Sightline measured itself, per
//! vendor, for a month (by default the last complete one):
//!
//! - service levels: the provider's SLA verdict on each ticket against the
//!   contract's clock (the disputes);
//! - uptime: the provider's monitor against Sightline's own website checks
//!   (an outage the checks saw that the monitor does not show);
//! - patching: the provider's patch reports against weaknesses scanners
//!   still find where a fix was reported;
//! - certificates: what the provider reports against Sightline's check.
//!
//! Who measured is told by the source's kind: a kind that is a check of
//! Sightline's own (`SourceKind::probe`) is the measurement.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sightline_connectors::SourceKind;
use sightline_domain::{
    Availability, FlagState, MetricKey, Period, RecordBatch, RecordKind, RiskFlag, Scope, SourceInfo, Tz, Vendor,
};
use sightline_engine::{EngineInput, Outage, measured, uptime_pct};

use crate::dto::{ClaimRow, ClaimTopic, ClaimVerdict, ClaimsView, VendorClaims};
use crate::{ApiError, Sightline};

/// At most this many records are listed under a row.
const EVIDENCE: usize = 50;

/// Whether a source is one of Sightline's own checks.
fn own_check(sources: &HashMap<&str, &SourceInfo>, source_id: &str) -> bool {
    sources.get(source_id).and_then(|source| SourceKind::named(&source.kind)).is_some_and(SourceKind::probe)
}

/// "Acme IT's", "Bluepeak IT Services'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}'") } else { format!("{name}'s") }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 { format!("1 {one}") } else { format!("{count} {many}") }
}

fn row(topic: ClaimTopic, claim: String, measured: String, verdict: ClaimVerdict, why: String) -> ClaimRow {
    let topic_name = match topic {
        ClaimTopic::ServiceLevels => "Service levels",
        ClaimTopic::Uptime => "Uptime",
        ClaimTopic::Patching => "Patching",
        ClaimTopic::Certificates => "Certificates",
    };
    ClaimRow {
        topic,
        topic_name: topic_name.into(),
        claim,
        measured,
        verdict,
        why,
        evidence: Vec::new(),
        evidence_count: 0,
    }
}

fn with_evidence(mut row: ClaimRow, records: Vec<String>) -> ClaimRow {
    row.evidence_count = u32::try_from(records.len()).unwrap_or(u32::MAX);
    row.evidence = records.into_iter().take(EVIDENCE).collect();
    row
}

/// "2 outages, the longest 45 min on 12 November" or "no outages".
fn outage_words(outages: &[Outage<'_>], tz: Tz) -> String {
    match outages.iter().max_by_key(|outage| outage.seconds) {
        Some(longest) => format!(
            "{}, the longest {} on {}",
            plural(outages.len(), "outage", "outages"),
            sightline_engine::duration_words(longest.seconds as f64 / 60.0),
            longest.start.with_timezone(&tz).format("%-d %B")
        ),
        None => "no outages".into(),
    }
}

fn outage_records(outages: &[&Outage<'_>]) -> Vec<String> {
    outages
        .iter()
        .flat_map(|outage| outage.records.iter())
        .map(|record| format!("{}:{}", record.provenance.source_id, record.provenance.record_id))
        .collect()
}

/// What the claims view of an ended period was worked out from: while these
/// stay the same, so does the view. This process's writes of records, the
/// company or the settings move the data version; working the results out
/// again, `assessed_for`; any write by another process (the CLI from cron),
/// `outside_writes`. The time zone is read from `sightline.toml` too.
#[derive(Debug, Clone, PartialEq)]
struct Basis {
    data: DataStamp,
    period: Period,
}

/// The state of the cache a view was worked out from, whatever its period.
#[derive(Debug, Clone, PartialEq)]
struct DataStamp {
    data_version: i64,
    assessed_for: Option<String>,
    outside_writes: i64,
    timezone: String,
}

/// Claims views already served, for their basis. Screens ask for the same
/// month again and again; working one out reads the month's records.
#[derive(Debug, Default)]
pub(crate) struct Served(Vec<(Basis, ClaimsView)>);

impl Served {
    /// Views for a handful of periods: the months a user steps through.
    const KEPT: usize = 6;

    fn get(&self, basis: &Basis) -> Option<ClaimsView> {
        self.0.iter().find(|(kept, _)| kept == basis).map(|(_, view)| view.clone())
    }

    /// Keeps `view`, dropping those worked out from older data.
    fn keep(&mut self, basis: Basis, view: &ClaimsView) {
        self.0.retain(|(kept, _)| kept.data == basis.data && kept.period != basis.period);
        if self.0.len() >= Served::KEPT {
            self.0.remove(0);
        }
        self.0.push((basis, view.clone()));
    }
}

impl Sightline {
    /// Claimed vs measured for `period` (a month or quarter; by default the
    /// last complete month), every vendor with something to compare.
    /// The patching and certificate rows read the flags as they stood at
    /// the period's end, worked out again as the board report does, so the
    /// screen and the report of a period say the same; for the period under
    /// way, the flags open now.
    pub fn claims(&self, period: Option<&str>) -> Result<ClaimsView, ApiError> {
        self.assessed_for_reading()?;
        let now = self.now();
        let basis = {
            let store = self.store();
            let tz = Sightline::settings(&store)?.tz();
            let period = match period {
                Some(text) => self.parse_period(Some(text))?,
                None => Period::month_of_in(now, tz).previous(),
            };
            let data = DataStamp {
                data_version: store.data_version()?,
                assessed_for: store.meta("assessed_for")?,
                outside_writes: store.outside_writes()?,
                timezone: tz.name().to_string(),
            };
            Basis { data, period }
        };
        let period = basis.period;
        // Only an ended period's view is kept: one under way is judged as
        // of now, which moves.
        let ended = period.end() <= now;
        let served = || self.claims_served.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if ended && let Some(view) = served().get(&basis) {
            return Ok(view);
        }
        let flags: Vec<RiskFlag> = if ended {
            // Straight from the stored figures of ended periods, which are
            // current after the check above: a desktop serving results that
            // are only old does not recompute the period under way here.
            crate::assessment::flags_at(&self.store(), period.end())?.1
        } else {
            self.store()
                .load_flags()?
                .into_iter()
                .filter(|stored| stored.state != FlagState::Resolved)
                .map(|stored| stored.flag)
                .collect()
        };
        let view = self.claims_with(period, &flags)?;
        if ended {
            served().keep(basis, &view);
        }
        Ok(view)
    }

    /// Claimed vs measured for `period`, beside `flags` (those open at the
    /// time the view is of).
    pub(crate) fn claims_with(&self, period: Period, flags: &[RiskFlag]) -> Result<ClaimsView, ApiError> {
        let store = self.store();
        let settings = Sightline::settings(&store)?;
        let tz = settings.tz();
        let (start, end) = (period.start_in(tz), period.end_in(tz));
        let company = store.load_company()?;
        let sources: HashMap<&str, &SourceInfo> =
            company.sources.iter().map(|source| (source.id.as_str(), source)).collect();
        let window = sightline_store::RecordWindow { from: start, to: end };
        let uptime = store.load_records_of(window, &[RecordKind::Availability, RecordKind::Certificate], None)?;
        let values = store.load_metric_values(&[period])?;
        let open_flags = |vendor: &str, rule: &dyn Fn(&str) -> bool| -> Vec<&RiskFlag> {
            flags.iter().filter(|flag| flag.vendor.as_deref() == Some(vendor) && rule(&flag.rule)).collect()
        };
        // The period's tickets in one read, split by vendor: one query per
        // vendor costs 30 ms each at design scale.
        let mut tickets: HashMap<&str, Vec<sightline_domain::Ticket>> = HashMap::new();
        for ticket in store.load_records_of(window, &[RecordKind::Ticket], None)?.tickets {
            let vendor = company.vendors.iter().find(|vendor| vendor.id == ticket.vendor_id);
            if let Some(vendor) = vendor.filter(|_| ticket.created_at >= start && ticket.created_at < end) {
                tickets.entry(vendor.id.as_str()).or_default().push(ticket);
            }
        }
        let scanners = company.sources.iter().any(|source| matches!(source.kind.as_str(), "defender" | "tenable"));

        let mut vendors = Vec::new();
        for vendor in &company.vendors {
            let mut rows = Vec::new();
            let records =
                RecordBatch { tickets: tickets.remove(vendor.id.as_str()).unwrap_or_default(), ..Default::default() };
            if let Some(row) = self.service_levels(&company, &settings, vendor, &records, period) {
                rows.push(row);
            }
            let windows: Vec<&Availability> =
                uptime.availability.iter().filter(|window| window.vendor_id == vendor.id).collect();
            if let Some(row) = uptime_row(vendor, &windows, &sources, start, end, tz) {
                rows.push(row);
            }
            let compliance = values
                .iter()
                .find(|value| {
                    value.metric == MetricKey::PatchCompliancePct && value.scope == Scope::Vendor(vendor.id.clone())
                })
                .and_then(|value| value.value);
            let contradicted = open_flags(&vendor.id, &|rule| rule == "fixed_claim_contradicted");
            if let Some(row) = patching_row(vendor, compliance, &contradicted, scanners) {
                rows.push(row);
            }
            let certificate_flags = open_flags(&vendor.id, &|rule| rule.starts_with("certificate_"));
            if let Some(row) = certificates_row(vendor, &uptime, &sources, &certificate_flags) {
                rows.push(row);
            }
            if !rows.is_empty() {
                vendors.push(VendorClaims { vendor: vendor.id.clone(), vendor_name: vendor.name.clone(), rows });
            }
        }
        Ok(ClaimsView { period: period.to_string(), period_label: period.label(), vendors })
    }

    fn service_levels(
        &self,
        company: &sightline_store::Company,
        settings: &sightline_engine::Settings,
        vendor: &Vendor,
        records: &RecordBatch,
        period: Period,
    ) -> Option<ClaimRow> {
        if records.tickets.is_empty() {
            return None;
        }
        let with_verdict: Vec<bool> =
            records.tickets.iter().filter_map(|ticket| ticket.vendor_reported_in_sla).collect();
        if with_verdict.is_empty() {
            return Some(row(
                ClaimTopic::ServiceLevels,
                format!("{} gives no SLA verdict of its own on its tickets", vendor.name),
                format!("Sightline judged {} by the contract", plural(records.tickets.len(), "ticket", "tickets")),
                ClaimVerdict::NoComparison,
                "Its tool does not say whether each ticket met its target, so there is nothing to compare; the \
                 service-level figures are Sightline's own."
                    .into(),
            ));
        }
        // Its own contract only: the SLA clocks of the others are not laid
        // out for nothing (a second a quarter at design scale).
        let contracts: Vec<sightline_domain::Contract> =
            company.contracts.iter().filter(|contract| contract.vendor_id == vendor.id).cloned().collect();
        let input = EngineInput {
            vendors: &company.vendors,
            contracts: &contracts,
            sources: &company.sources,
            records,
            settings,
        };
        let disputes = sightline_engine::disputes(input, &vendor.id, period, self.now());
        let said_met = with_verdict.iter().filter(|met| **met).count();
        let marked_met_late = disputes.iter().filter(|dispute| dispute.vendor_says_met).count();
        let marked_late_met = disputes.len() - marked_met_late;
        let by_contract = said_met + marked_late_met - marked_met_late;
        let claim = format!("{} marks {said_met} of {} tickets within SLA", vendor.name, with_verdict.len());
        let measured = format!("By the contract's clock, {by_contract} of them were");
        if disputes.is_empty() {
            return Some(row(
                ClaimTopic::ServiceLevels,
                claim,
                measured,
                ClaimVerdict::Agree,
                "Sightline agrees with the provider's verdict on every ticket it can judge.".into(),
            ));
        }
        let mut sides = Vec::new();
        if marked_met_late > 0 {
            sides.push(format!(
                "{} marked within SLA {} late by the contract",
                plural(marked_met_late, "ticket", "tickets"),
                if marked_met_late == 1 { "was" } else { "were" }
            ));
        }
        if marked_late_met > 0 {
            sides.push(format!(
                "{} marked late {} on time by the contract",
                plural(marked_late_met, "ticket", "tickets"),
                if marked_late_met == 1 { "was" } else { "were" }
            ));
        }
        let evidence = disputes.iter().map(|dispute| format!("{}:{}", dispute.source_id, dispute.ticket)).collect();
        Some(with_evidence(
            row(ClaimTopic::ServiceLevels, claim, measured, ClaimVerdict::Disagree, format!("{}.", sides.join("; "))),
            evidence,
        ))
    }
}

/// The provider's monitors against Sightline's own checks.
fn uptime_row(
    vendor: &Vendor,
    windows: &[&Availability],
    sources: &HashMap<&str, &SourceInfo>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: Tz,
) -> Option<ClaimRow> {
    let (checks, monitors): (Vec<&Availability>, Vec<&Availability>) =
        windows.iter().partition(|window| own_check(sources, &window.provenance.source_id));
    let checked_seen = measured(checks.iter().copied(), start, end);
    let monitored_seen = measured(monitors.iter().copied(), start, end);
    let (checked, check_outages) = (checked_seen.pct, checked_seen.outages);
    let (monitored, monitor_outages) = (monitored_seen.pct, monitored_seen.outages);
    let monitor_names: Vec<&str> = {
        let mut names: Vec<&str> = monitors
            .iter()
            .filter_map(|window| sources.get(window.provenance.source_id.as_str()).map(|source| source.name.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let claim = |pct: f64| {
        format!(
            "{} {} the services up {} of the time, {}",
            monitor_names.join(" and "),
            if monitor_names.len() == 1 { "reports" } else { "report" },
            uptime_pct(pct),
            outage_words(&monitor_outages, tz)
        )
    };
    let check = |pct: f64| {
        format!("Sightline's own checks: up {} of the time, {}", uptime_pct(pct), outage_words(&check_outages, tz))
    };
    match (monitored, checked) {
        (None, None) => None,
        (Some(monitored), None) => Some(row(
            ClaimTopic::Uptime,
            claim(monitored),
            "Sightline does not check these services itself".into(),
            ClaimVerdict::NoComparison,
            "Add a website check (kind = \"http\") of the services to measure their uptime independently.".into(),
        )),
        (None, Some(checked)) => Some(row(
            ClaimTopic::Uptime,
            format!("{} own monitor is not connected", possessive(&vendor.name)),
            check(checked),
            ClaimVerdict::NoComparison,
            "Connect the provider's monitor (UptimeRobot, Uptime Kuma or Prometheus) to compare what it reports."
                .into(),
        )),
        (Some(monitored), Some(checked)) => {
            // An outage Sightline saw that no monitor window shows as down
            // at any moment of it.
            // ... while the monitor was watching: time it has no window for
            // is not held against it.
            let unreported: Vec<&Outage> = check_outages
                .iter()
                .filter(|outage| {
                    let watched = monitors
                        .iter()
                        .any(|window| window.window_start < outage.end && outage.start < window.window_end);
                    watched && !monitor_outages.iter().any(|seen| seen.start < outage.end && outage.start < seen.end)
                })
                .collect();
            let gap = monitored - checked;
            let verdict =
                if unreported.is_empty() && gap <= 0.1 { ClaimVerdict::Agree } else { ClaimVerdict::Disagree };
            let why = match unreported.iter().max_by_key(|outage| outage.seconds) {
                Some(longest) => format!(
                    "{} Sightline's checks saw {} not in the provider's monitor, the longest {} on {} ({}).",
                    plural(unreported.len(), "outage", "outages"),
                    if unreported.len() == 1 { "is" } else { "are" },
                    sightline_engine::duration_words(longest.seconds as f64 / 60.0),
                    longest.start.with_timezone(&tz).format("%-d %B from %H:%M"),
                    longest.monitor
                ),
                None if gap > 0.1 => format!(
                    "The provider's monitor shows the services up {} points more of the time than Sightline's checks.",
                    format!("{gap:.2}").trim_end_matches('0').trim_end_matches('.')
                ),
                None => "The monitor and Sightline's checks saw the same outages.".into(),
            };
            Some(with_evidence(
                row(ClaimTopic::Uptime, claim(monitored), check(checked), verdict, why),
                outage_records(&unreported),
            ))
        }
    }
}

/// The provider's patch reports against weaknesses scanners still find.
fn patching_row(
    vendor: &Vendor,
    compliance: Option<f64>,
    contradicted: &[&RiskFlag],
    scanners: bool,
) -> Option<ClaimRow> {
    let compliance = compliance?;
    let claim = format!(
        "{} patch reports: {} of computers up to date",
        possessive(&vendor.name),
        sightline_domain::Unit::Percent.text(compliance)
    );
    if !scanners {
        return Some(row(
            ClaimTopic::Patching,
            claim,
            "No vulnerability scanner of the company's own is connected".into(),
            ClaimVerdict::NoComparison,
            "Connect Microsoft Defender or Tenable to check the patch reports against what a scanner finds.".into(),
        ));
    }
    if contradicted.is_empty() {
        return Some(row(
            ClaimTopic::Patching,
            claim,
            "Scanners find no weakness the provider reports fixed".into(),
            ClaimVerdict::Agree,
            "Every fix the provider reports is borne out by the scanners.".into(),
        ));
    }
    let evidence = contradicted.iter().flat_map(|flag| flag.records.iter().cloned()).collect();
    let first = &contradicted[0].headline;
    Some(with_evidence(
        row(
            ClaimTopic::Patching,
            claim,
            format!(
                "Scanners still find {} the provider reports fixed",
                plural(contradicted.len(), "weakness", "weaknesses")
            ),
            ClaimVerdict::Disagree,
            format!("{first}."),
        ),
        evidence,
    ))
}

/// Certificates the provider reports against Sightline's own check.
fn certificates_row(
    vendor: &Vendor,
    records: &RecordBatch,
    sources: &HashMap<&str, &SourceInfo>,
    flags: &[&RiskFlag],
) -> Option<ClaimRow> {
    let (checked, reported): (Vec<_>, Vec<_>) = records
        .certificates
        .iter()
        .filter(|certificate| certificate.vendor_id == vendor.id)
        .partition(|certificate| own_check(sources, &certificate.provenance.source_id));
    let hosts = |list: &[&sightline_domain::Certificate]| {
        let mut hosts: Vec<&str> = list.iter().map(|certificate| certificate.host.as_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        hosts.len()
    };
    if checked.is_empty() {
        return None;
    }
    let measured = if flags.is_empty() {
        format!("Sightline's check of {}: every certificate valid", plural(hosts(&checked), "site", "sites"))
    } else {
        format!(
            "Sightline's check of {}: {}",
            plural(hosts(&checked), "site", "sites"),
            plural(flags.len(), "problem", "problems")
        )
    };
    let evidence: Vec<String> = flags.iter().flat_map(|flag| flag.records.iter().cloned()).collect();
    if reported.is_empty() {
        let why = match flags.first() {
            Some(first) => format!("{}.", first.headline),
            None => "Nothing to hold against anyone: Sightline's own check found every certificate in order.".into(),
        };
        return Some(with_evidence(
            row(
                ClaimTopic::Certificates,
                format!("{} tools report no certificates", possessive(&vendor.name)),
                measured,
                ClaimVerdict::NoComparison,
                why,
            ),
            evidence,
        ));
    }
    let verdict = if flags.is_empty() { ClaimVerdict::Agree } else { ClaimVerdict::Disagree };
    let why = match flags.first() {
        Some(first) => format!("{}.", first.headline),
        None => "The certificates the provider reports are those Sightline sees.".into(),
    };
    Some(with_evidence(
        row(
            ClaimTopic::Certificates,
            format!(
                "{} tools report {}",
                possessive(&vendor.name),
                plural(hosts(&reported), "certificate", "certificates")
            ),
            measured,
            verdict,
            why,
        ),
        evidence,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_served_again_is_worked_out_again_once_the_data_changes() {
        let now: DateTime<Utc> = "2026-11-22T08:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = crate::open_for_test(dir.path(), now);
        app.ensure_demo().unwrap();
        let names =
            |view: &ClaimsView| view.vendors.iter().map(|vendor| vendor.vendor_name.clone()).collect::<Vec<_>>();

        let first = app.claims(Some("2026-10")).unwrap();
        assert!(names(&first).contains(&"Stratus Cloud Hosting".to_string()), "{:?}", names(&first));
        assert_eq!(app.claims(Some("2026-10")).unwrap(), first, "served again as it was");
        assert_eq!(app.claims_served.lock().unwrap().0.len(), 1);

        // A vendor renamed is a change of the company: the view follows it.
        let mut company = app.store().load_company().unwrap();
        let stratus = company.vendors.iter_mut().find(|vendor| vendor.id == "stratus").unwrap();
        stratus.name = "Stratus Hosting Ltd".into();
        app.store().replace_company(&company).unwrap();
        let after = app.claims(Some("2026-10")).unwrap();
        assert!(names(&after).contains(&"Stratus Hosting Ltd".to_string()), "{:?}", names(&after));
        assert!(!names(&after).contains(&"Stratus Cloud Hosting".to_string()));
        assert_eq!(app.claims_served.lock().unwrap().0.len(), 1, "the older view is dropped");
    }
}
