//! The demo company's planted problems show up in the metrics, and the
//! healthy parts stay healthy.

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{MetricKey, Period, RecordBatch, Scope, Severity};
use sightline_engine::{EngineInput, Settings, compute_metrics, records_behind};

const NOW: &str = "2026-11-22T08:00:00Z";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)
}

struct Demo {
    company: sightline_demo::DemoCompany,
    records: sightline_domain::RecordBatch,
}

fn demo() -> Demo {
    let company = sightline_demo::generate(now());
    let mut records = sightline_domain::RecordBatch::default();
    for (_, batch) in &company.batches {
        records.extend(batch.clone());
    }
    Demo { company, records }
}

fn metric(demo: &Demo, vendor: &str, key: MetricKey, period: &str) -> f64 {
    let settings = Settings::default();
    let input = EngineInput {
        vendors: &demo.company.vendors,
        contracts: &demo.company.contracts,
        sources: &demo.company.sources,
        records: &demo.records,
        settings: &settings,
    };
    let period: Period = period.parse().unwrap();
    let scope = if vendor == "all" { Scope::All } else { Scope::Vendor(vendor.into()) };
    compute_metrics(input, &[period], now())
        .into_iter()
        .find(|value| value.metric == key && value.scope == scope)
        .and_then(|value| value.value)
        .unwrap()
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[test]
fn the_generator_is_deterministic() {
    let a = sightline_demo::generate(now());
    let b = sightline_demo::generate(now());
    assert_eq!(a.batches, b.batches);
    let records: usize = a.batches.iter().map(|(_, batch)| batch.len()).sum();
    assert_eq!(records, 18_058);
}

#[test]
fn the_msp_response_sla_slips_month_after_month() {
    let demo = demo();
    let months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"];
    let values: Vec<f64> = months
        .iter()
        .map(|month| round(metric(&demo, "bluepeak", MetricKey::SlaResponseCompliancePct, month)))
        .collect();
    assert_eq!(values, [99.3, 98.7, 94.4, 92.7, 88.2, 75.2]);
    // Healthy until July; since then under the 95% target and falling each
    // month: worse three complete months running by October.
    assert!(values[..2].iter().all(|value| *value >= 95.0));
    assert!(values[2..].iter().all(|value| *value < 95.0));
    assert!(values[2..].windows(2).all(|pair| pair[1] < pair[0]));
}

#[test]
fn the_other_planted_problems_show() {
    let demo = demo();
    // A certificate expiring in 12 days.
    assert_eq!(metric(&demo, "internal", MetricKey::CertMinDaysToExpiry, "2026-11"), 12.0);
    // No restore test for over 200 days.
    assert_eq!(metric(&demo, "stratus", MetricKey::DaysSinceRestoreTest, "2026-11"), 215.0);
    // Patch compliance under 90% at the hosting vendor, healthy at the MSP.
    assert_eq!(round(metric(&demo, "stratus", MetricKey::PatchCompliancePct, "2026-11")), 78.9);
    assert!(metric(&demo, "bluepeak", MetricKey::PatchCompliancePct, "2026-11") >= 95.0);
    // A critical vulnerability open for 45 days.
    assert_eq!(metric(&demo, "stratus", MetricKey::VulnsCriticalOpen, "2026-11"), 1.0);
    let open_critical: Vec<i64> = demo
        .records
        .vulnerabilities
        .iter()
        .filter(|vulnerability| vulnerability.severity == Severity::Critical && vulnerability.fixed_at.is_none())
        .map(|vulnerability| (now() - vulnerability.first_found).num_days())
        .collect();
    // And the one Defender still finds after the MSP called it fixed.
    assert_eq!(open_critical, [45, 14]);
    // One engineer closes about 70% of the MSP's tickets over the last year.
    let year_ago = now() - Duration::days(365);
    let resolved: Vec<&str> = demo
        .records
        .tickets
        .iter()
        .filter(|ticket| ticket.vendor_id == "bluepeak" && ticket.resolved_at.is_some_and(|at| at >= year_ago))
        .filter_map(|ticket| ticket.resolved_by.as_deref())
        .collect();
    let share =
        resolved.iter().filter(|name| **name == sightline_demo::KEY_ENGINEER).count() as f64 / resolved.len() as f64;
    assert!((0.66..=0.74).contains(&share), "key-person share {share}");
}

#[test]
fn the_healthy_parts_stay_healthy() {
    let demo = demo();
    for vendor in ["stratus", "sentinel"] {
        assert_eq!(metric(&demo, vendor, MetricKey::SlaResponseCompliancePct, "2026-10"), 100.0, "{vendor}");
    }
    assert!(metric(&demo, "stratus", MetricKey::BackupSuccessPct, "2026-10") >= 98.0);
    assert!(metric(&demo, "bluepeak", MetricKey::SlaResolutionCompliancePct, "2026-10") >= 95.0);
}

#[test]
fn the_msp_is_held_to_its_business_hours_and_owes_credits() {
    let demo = demo();
    let settings = Settings::default();
    let input = EngineInput {
        vendors: &demo.company.vendors,
        contracts: &demo.company.contracts,
        sources: &demo.company.sources,
        records: &demo.records,
        settings: &settings,
    };
    // October's disputes are real ones: the MSP marks late tickets as met.
    let october = sightline_engine::disputes(input, "bluepeak", "2026-10".parse().unwrap(), now());
    let verdicts: Vec<(bool, bool)> = october.iter().map(|d| (d.vendor_says_met, d.sightline_says_met)).collect();
    assert_eq!(verdicts.len(), 16);
    assert_eq!(
        october[0].reason,
        "Bluepeak IT Services marks it within SLA, but it was fixed after 87 h 47 min in business hours; the P4 target \
         is 45 h."
    );
    assert!(verdicts.iter().all(|verdict| *verdict == (true, false)));
    // Tickets opened after hours and answered the next working morning
    // inside their business-hours target are on time, not disputes.
    let october_span: (DateTime<Utc>, DateTime<Utc>) =
        ("2026-10-01T00:00:00Z".parse().unwrap(), "2026-11-01T00:00:00Z".parse().unwrap());
    let next_morning: Vec<&str> = demo
        .records
        .tickets
        .iter()
        .filter(|t| t.vendor_id == "bluepeak" && t.priority.as_deref() == Some("P3"))
        .filter(|t| t.created_at >= october_span.0 && t.created_at < october_span.1)
        .filter(|t| t.first_response_at.is_some_and(|at| at.date_naive() > t.created_at.date_naive()))
        .filter(|t| t.first_response_at.is_some_and(|at| (at - t.created_at).num_minutes() > 240))
        .filter(|t| t.vendor_reported_in_sla == Some(true))
        .map(|t| t.provenance.record_id.as_str())
        .filter(|id| october.iter().all(|d| d.ticket != *id))
        .collect();
    assert_eq!(next_morning.len(), 22);
    // Credits for October: 1% of 14,500 for each of the 6.76 points below 95%.
    assert_eq!(metric(&demo, "bluepeak", MetricKey::ServiceCreditOwed, "2026-10"), 980.88);
    // The holiday's Monday stood still on the business clock.
    assert_eq!(sightline_demo::msp_holiday(now()).to_string(), "2026-09-07");
}

/// A figure, and the records behind it, come out the same from its own
/// kinds of record of its own vendor as from every record: what lets the
/// drill-down (and any recomputation of one figure) read only those.
#[test]
fn a_figure_needs_only_the_kinds_of_record_it_names() {
    let demo = demo();
    let settings = Settings::default();
    fn input<'a>(demo: &'a Demo, settings: &'a Settings, records: &'a RecordBatch) -> EngineInput<'a> {
        EngineInput {
            vendors: &demo.company.vendors,
            contracts: &demo.company.contracts,
            sources: &demo.company.sources,
            records,
            settings,
        }
    }
    let periods: Vec<Period> = ["2026-10", "2026-Q2"].iter().map(|period| period.parse().unwrap()).collect();
    let full = compute_metrics(input(&demo, &settings, &demo.records), &periods, now());
    let mut scopes: Vec<Scope> = demo.company.vendors.iter().map(|vendor| Scope::Vendor(vendor.id.clone())).collect();
    scopes.push(Scope::All);
    let mut traced = 0;
    for &metric in MetricKey::ALL {
        let own = demo.records.only(metric.reads(), None);
        let from_own = compute_metrics(input(&demo, &settings, &own), &periods, now());
        for value in full.iter().filter(|value| value.metric == metric) {
            let again = from_own
                .iter()
                .find(|other| other.metric == metric && other.scope == value.scope && other.period == value.period);
            assert_eq!(again, Some(value), "{} for {:?}", metric.as_str(), value.scope);
        }
        for scope in &scopes {
            let vendor = match scope {
                Scope::Vendor(id) => Some(id.as_str()),
                Scope::All => None,
            };
            let narrow = demo.records.only(metric.reads(), vendor);
            for &period in &periods {
                let everything = records_behind(input(&demo, &settings, &demo.records), metric, scope, period, now());
                let narrowed = records_behind(input(&demo, &settings, &narrow), metric, scope, period, now());
                assert_eq!(narrowed, everything, "{} for {scope:?} in {period}", metric.as_str());
                traced += everything.len();
            }
        }
    }
    // The comparison is over real lists, not empty ones.
    assert_eq!(traced, 23_494);
}
