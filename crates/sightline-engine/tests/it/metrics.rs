//! The metric definitions, case by case: each `check` builds records,
//! computes one metric for one vendor and period, and compares the value
//! (and what was counted and skipped) with the figure written out here.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sightline_domain::{
    BackupJob, Certificate, Contract, Device, DeviceRole, MetricKey, Patch, PatchClass, Period, Provenance,
    RecordBatch, RestoreTest, Scope, Severity, SlaTarget, Status, Ticket, Vendor, VendorKind, Vulnerability,
};
use sightline_engine::{EngineInput, Settings, compute_metrics, status_for};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn provenance(id: &str) -> Provenance {
    Provenance { source_id: "acme-psa".into(), record_id: id.into(), fetched_at: at("2026-11-20T06:00:00Z") }
}

fn vendor() -> Vendor {
    Vendor { id: "acme".into(), name: "Acme IT".into(), kind: VendorKind::Msp, monthly_cost: None, last_review: None }
}

fn contract() -> Contract {
    let target = |priority: &str, respond, resolve, from: Option<&str>| SlaTarget {
        priority: priority.into(),
        respond_minutes: Some(respond),
        resolve_minutes: Some(resolve),
        effective_from: from.map(|day| day.parse::<NaiveDate>().unwrap()),
        clock: None,
    };
    Contract {
        vendor_id: "acme".into(),
        // P1's response target tightens from 30 to 15 minutes mid-October.
        sla: vec![
            target("P1", 30, 240, None),
            target("P1", 15, 240, Some("2026-10-15")),
            target("P3", 240, 2880, None),
        ],
        compliance_target_pct: 95.0,
        terms: Default::default(),
    }
}

/// A ticket created at `created`, answered and resolved the given minutes later.
fn ticket(id: &str, priority: Option<&str>, created: &str, respond: Option<i64>, resolve: Option<i64>) -> Ticket {
    let created_at = at(created);
    Ticket {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        summary: "Printer".into(),
        priority: priority.map(Into::into),
        created_at,
        first_response_at: respond.map(|minutes| created_at + Duration::minutes(minutes)),
        resolved_at: resolve.map(|minutes| created_at + Duration::minutes(minutes)),
        assignee: None,
        resolved_by: None,
        status: "Open".into(),
        reopened: None,
        vendor_reported_in_sla: None,
        paused_minutes: None,
        excluded_from_sla: false,
    }
}

struct Expect {
    value: Option<f64>,
    records: u64,
    skipped: u64,
}

fn expect(value: Option<f64>, records: u64, skipped: u64) -> Expect {
    Expect { value, records, skipped }
}

/// Computes `metric` for vendor `acme` in `period` at `now` and compares.
fn check(records: RecordBatch, metric: MetricKey, period: &str, now: &str, expected: Expect) {
    check_in("UTC", records, metric, period, now, expected);
}

/// [`check`] with the company in time zone `timezone`.
fn check_in(timezone: &str, records: RecordBatch, metric: MetricKey, period: &str, now: &str, expected: Expect) {
    let settings = Settings { timezone: timezone.into(), ..Settings::default() };
    let vendors = [vendor()];
    let contracts = [contract()];
    let input =
        EngineInput { vendors: &vendors, contracts: &contracts, sources: &[], records: &records, settings: &settings };
    let period: Period = period.parse().unwrap();
    let values = compute_metrics(input, &[period], at(now));
    let value =
        values.iter().find(|value| value.metric == metric && value.scope == Scope::Vendor("acme".into())).unwrap();
    let round = |value: Option<f64>| value.map(|value| (value * 1000.0).round() / 1000.0);
    assert_eq!(round(value.value), expected.value, "{metric:?} value");
    assert_eq!(value.provenance.records, expected.records, "{metric:?} records used");
    assert_eq!(value.provenance.skipped, expected.skipped, "{metric:?} records skipped");
    // The "all vendors" figure equals the only vendor's.
    let all = values.iter().find(|value| value.metric == metric && value.scope == Scope::All).unwrap();
    assert_eq!(round(all.value), expected.value, "{metric:?} for all vendors");
}

fn tickets(list: Vec<Ticket>) -> RecordBatch {
    RecordBatch { tickets: list, ..RecordBatch::default() }
}

const LATE_NOVEMBER: &str = "2026-11-30T00:00:00Z";

#[test]
fn response_compliance() {
    let response = MetricKey::SlaResponseCompliancePct;
    check(tickets(vec![]), response, "2026-10", LATE_NOVEMBER, expect(None, 0, 0));
    check(
        tickets(vec![ticket("1", Some("P3"), "2026-10-05T09:00:00Z", Some(60), None)]),
        response,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(100.0), 1, 0),
    );
    // Answered exactly at the target counts as on time; a minute later does not.
    check(
        tickets(vec![
            ticket("1", Some("P3"), "2026-10-05T09:00:00Z", Some(240), None),
            ticket("2", Some("P3"), "2026-10-06T09:00:00Z", Some(241), None),
        ]),
        response,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(50.0), 2, 0),
    );
    // The target tightened on 15 October: 20 minutes was on time before, late after.
    check(
        tickets(vec![
            ticket("1", Some("P1"), "2026-10-10T09:00:00Z", Some(20), None),
            ticket("2", Some("P1"), "2026-10-20T09:00:00Z", Some(20), None),
        ]),
        response,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(50.0), 2, 0),
    );
    // No answer: missed once the target has passed, left out while ahead.
    check(
        tickets(vec![
            ticket("1", Some("P3"), "2026-11-29T12:00:00Z", None, None),
            ticket("2", Some("P3"), "2026-11-29T22:00:00Z", None, None),
            ticket("3", Some("P3"), "2026-11-02T09:00:00Z", Some(30), None),
        ]),
        response,
        "2026-11",
        LATE_NOVEMBER,
        expect(Some(50.0), 2, 0),
    );
    // A ticket with no priority cannot be judged: skipped and counted as such.
    check(
        tickets(vec![
            ticket("1", None, "2026-10-05T09:00:00Z", Some(10), None),
            ticket("2", Some("P3"), "2026-10-05T09:00:00Z", Some(10), None),
        ]),
        response,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(100.0), 1, 1),
    );
    // [start, end): created at the first instant counts, at the end does not.
    check(
        tickets(vec![
            ticket("1", Some("P3"), "2026-10-01T00:00:00Z", Some(10), None),
            ticket("2", Some("P3"), "2026-11-01T00:00:00Z", Some(999), None),
        ]),
        response,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(100.0), 1, 0),
    );
}

#[test]
fn months_follow_the_company_time_zone() {
    // 23:30 UTC on 30 September is already October in London (summer
    // time) but still September in UTC; 04:30 UTC on 1 November is still
    // October in New York.
    let batch = || {
        tickets(vec![
            ticket("1", Some("P3"), "2026-09-30T23:30:00Z", Some(10), None),
            ticket("2", Some("P3"), "2026-10-15T12:00:00Z", Some(10), None),
            ticket("3", Some("P3"), "2026-11-01T03:30:00Z", Some(10), None),
        ])
    };
    let opened = MetricKey::TicketsOpened;
    check_in("UTC", batch(), opened, "2026-10", LATE_NOVEMBER, expect(Some(1.0), 1, 0));
    check_in("Europe/London", batch(), opened, "2026-10", LATE_NOVEMBER, expect(Some(2.0), 2, 0));
    check_in("America/New_York", batch(), opened, "2026-10", LATE_NOVEMBER, expect(Some(2.0), 2, 0));
    check_in("America/New_York", batch(), opened, "2026-09", LATE_NOVEMBER, expect(Some(1.0), 1, 0));
}

#[test]
fn resolution_compliance_and_backlog() {
    let batch = || {
        tickets(vec![
            ticket("1", Some("P1"), "2026-10-01T09:00:00Z", Some(5), Some(200)),
            ticket("2", Some("P1"), "2026-10-02T09:00:00Z", Some(5), Some(300)),
            ticket("3", Some("P3"), "2026-10-30T09:00:00Z", Some(5), Some(60 * 24 * 10)),
            ticket("4", Some("P3"), "2026-09-01T09:00:00Z", Some(5), None),
        ])
    };
    check(batch(), MetricKey::SlaResolutionCompliancePct, "2026-10", LATE_NOVEMBER, expect(Some(33.333), 3, 0));
    // At the end of October tickets 3 and 4 are open; at the end of the
    // quarter only ticket 4 (ticket 3 was resolved on 9 November).
    check(batch(), MetricKey::BacklogOpen, "2026-10", LATE_NOVEMBER, expect(Some(2.0), 2, 0));
    check(batch(), MetricKey::BacklogOpen, "2026-Q4", "2027-01-05T00:00:00Z", expect(Some(1.0), 1, 0));
    // For the current period, the backlog is counted at now.
    check(batch(), MetricKey::BacklogOpen, "2026-11", "2026-11-05T00:00:00Z", expect(Some(2.0), 2, 0));
}

#[test]
fn first_response_median_interpolates() {
    let median = MetricKey::FirstResponseMedianMinutes;
    let day = |n: u32, minutes: Option<i64>| {
        ticket(&n.to_string(), Some("P3"), &format!("2026-10-{n:02}T09:00:00Z"), minutes, None)
    };
    check(tickets(vec![day(1, Some(10))]), median, "2026-10", LATE_NOVEMBER, expect(Some(10.0), 1, 0));
    check(
        tickets(vec![day(1, Some(10)), day(2, Some(40)), day(3, Some(20)), day(4, None)]),
        median,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(20.0), 3, 0),
    );
    check(
        tickets(vec![day(1, Some(10)), day(2, Some(40)), day(3, Some(20)), day(4, Some(30))]),
        median,
        "2026-10",
        LATE_NOVEMBER,
        expect(Some(25.0), 4, 0),
    );
}

fn device(id: &str, enrolled: &str, managed: bool) -> Device {
    Device {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        name: id.into(),
        role: DeviceRole::Workstation,
        managed,
        enrolled_at: at(enrolled),
        protection_ok: Some(true),
        last_seen: None,
        seen_by: Default::default(),
    }
}

fn patch(id: &str, device: &str, class: PatchClass, missing: &str, installed: Option<&str>) -> Patch {
    Patch {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        device_id: device.into(),
        title: "Security update".into(),
        class,
        missing_since: at(missing),
        installed_at: installed.map(at),
    }
}

#[test]
fn patch_compliance_at_the_period_end() {
    let metric = MetricKey::PatchCompliancePct;
    let batch = RecordBatch {
        devices: vec![
            device("d1", "2026-01-01T00:00:00Z", true),
            device("d2", "2026-01-01T00:00:00Z", true),
            device("d3", "2026-01-01T00:00:00Z", true),
            device("d4", "2026-01-01T00:00:00Z", true),
            // Not managed, and enrolled after October: neither counts.
            device("d5", "2026-01-01T00:00:00Z", false),
            device("d6", "2026-11-10T00:00:00Z", true),
        ],
        patches: vec![
            // Missing 15 days at the end of October: overdue.
            patch("p1", "d1", PatchClass::Critical, "2026-10-17T00:00:00Z", None),
            // Missing exactly 14 days: still within grace.
            patch("p2", "d2", PatchClass::Security, "2026-10-18T00:00:00Z", None),
            // Installed before the period end.
            patch("p3", "d3", PatchClass::Critical, "2026-09-01T00:00:00Z", Some("2026-10-20T00:00:00Z")),
            // Not a security patch.
            patch("p4", "d4", PatchClass::Other, "2026-08-01T00:00:00Z", None),
        ],
        ..RecordBatch::default()
    };
    check(batch.clone(), metric, "2026-10", LATE_NOVEMBER, expect(Some(75.0), 4, 0));
    // At the end of September d3's patch was 30 days overdue and d1's had
    // not been released yet: again one of four is non-compliant.
    check(batch.clone(), metric, "2026-09", LATE_NOVEMBER, expect(Some(75.0), 4, 0));
    check(RecordBatch::default(), metric, "2026-10", LATE_NOVEMBER, expect(None, 0, 0));
}

#[test]
fn vulnerabilities_backups_restores_and_certificates() {
    let vulnerability = |id: &str, severity, found: &str, fixed: Option<&str>| Vulnerability {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        asset: "srv-1".into(),
        title: "Remote code execution".into(),
        severity,
        first_found: at(found),
        fixed_at: fixed.map(at),
    };
    let batch = RecordBatch {
        vulnerabilities: vec![
            vulnerability("v1", Severity::Critical, "2026-10-01T00:00:00Z", None),
            vulnerability("v2", Severity::Critical, "2026-10-01T00:00:00Z", Some("2026-10-05T00:00:00Z")),
            vulnerability("v3", Severity::High, "2026-10-01T00:00:00Z", None),
            vulnerability("v4", Severity::Critical, "2026-11-03T00:00:00Z", None),
        ],
        ..RecordBatch::default()
    };
    check(batch, MetricKey::VulnsCriticalOpen, "2026-10", LATE_NOVEMBER, expect(Some(1.0), 1, 0));

    let job = |id: &str, system: &str, day: &str, succeeded| BackupJob {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        system: system.into(),
        started_at: at(day),
        succeeded,
    };
    let restore = |id: &str, system: &str, day: &str, succeeded| RestoreTest {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        system: system.into(),
        tested_at: at(day),
        succeeded,
    };
    let batch = RecordBatch {
        backups: vec![
            job("b1", "erp", "2026-01-01T01:00:00Z", true),
            job("b2", "erp", "2026-10-01T01:00:00Z", true),
            job("b3", "erp", "2026-10-02T01:00:00Z", false),
            job("b4", "files", "2026-10-10T01:00:00Z", true),
            job("b5", "erp", "2026-10-03T01:00:00Z", true),
            job("b6", "erp", "2026-10-04T01:00:00Z", true),
        ],
        restore_tests: vec![
            restore("r1", "erp", "2026-07-23T10:00:00Z", true),
            restore("r2", "erp", "2026-09-01T10:00:00Z", false),
        ],
        ..RecordBatch::default()
    };
    check(batch.clone(), MetricKey::BackupSuccessPct, "2026-10", LATE_NOVEMBER, expect(Some(80.0), 5, 0));
    // At the period end (1 November, 00:00) erp was last restored on
    // 23 July, 100 whole days before (the failed test in September does not
    // count); files was never tested but is protected only since 10 October
    // (22 days). The worst system is the value.
    check(batch, MetricKey::DaysSinceRestoreTest, "2026-10", LATE_NOVEMBER, expect(Some(100.0), 1, 0));

    let certificate = |id: &str, not_before: &str, not_after: &str| Certificate {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        host: "www.acme.example".into(),
        subject: "CN=www.acme.example".into(),
        issuer: "CN=Example CA".into(),
        not_before: at(not_before),
        not_after: at(not_after),
        trusted: Some(true),
        name_matches: Some(true),
    };
    let batch = RecordBatch {
        certificates: vec![
            certificate("c1", "2025-11-10T00:00:00Z", "2026-11-10T00:00:00Z"),
            certificate("c2", "2026-11-05T00:00:00Z", "2027-11-05T00:00:00Z"),
        ],
        ..RecordBatch::default()
    };
    // At the end of October (1 November) the old certificate expires in 9 days; in
    // November the renewed one is in place.
    check(batch.clone(), MetricKey::CertMinDaysToExpiry, "2026-10", LATE_NOVEMBER, expect(Some(9.0), 1, 0));
    check(batch, MetricKey::CertMinDaysToExpiry, "2026-11", "2026-11-20T00:00:00Z", expect(Some(350.0), 1, 0));
}

#[test]
fn statuses_follow_the_thresholds() {
    let settings = Settings::default();
    let check = |metric, value: f64, target: f64, expected: Status| {
        assert_eq!(
            status_for(metric, Some(value), Some(target), &settings),
            expected,
            "{metric:?} {value} vs {target}"
        );
    };
    check(MetricKey::SlaResponseCompliancePct, 95.0, 95.0, Status::Met);
    check(MetricKey::SlaResponseCompliancePct, 85.0, 95.0, Status::AtRisk);
    check(MetricKey::SlaResponseCompliancePct, 84.9, 95.0, Status::Missed);
    check(MetricKey::PatchCompliancePct, 90.0, 95.0, Status::AtRisk);
    check(MetricKey::PatchCompliancePct, 84.0, 95.0, Status::Missed);
    check(MetricKey::CertMinDaysToExpiry, 31.0, 30.0, Status::Met);
    check(MetricKey::CertMinDaysToExpiry, 30.0, 30.0, Status::AtRisk);
    check(MetricKey::CertMinDaysToExpiry, 7.0, 30.0, Status::Missed);
    check(MetricKey::CertMinDaysToExpiry, -2.0, 30.0, Status::Missed);
    check(MetricKey::DaysSinceRestoreTest, 90.0, 90.0, Status::Met);
    check(MetricKey::DaysSinceRestoreTest, 180.0, 90.0, Status::AtRisk);
    check(MetricKey::DaysSinceRestoreTest, 181.0, 90.0, Status::Missed);
    check(MetricKey::VulnsCriticalOpen, 1.0, 0.0, Status::AtRisk);
    assert_eq!(status_for(MetricKey::BacklogOpen, Some(3.0), None, &settings), Status::NoTarget);
    assert_eq!(status_for(MetricKey::PatchCompliancePct, None, Some(95.0), &settings), Status::NoTarget);
}

#[test]
fn every_value_carries_the_previous_period_and_its_target() {
    let settings = Settings::default();
    let vendors = [vendor()];
    let contracts = [contract()];
    let records = tickets(vec![
        ticket("1", Some("P3"), "2026-09-05T09:00:00Z", Some(300), None),
        ticket("2", Some("P3"), "2026-10-05T09:00:00Z", Some(30), None),
    ]);
    let input =
        EngineInput { vendors: &vendors, contracts: &contracts, sources: &[], records: &records, settings: &settings };
    let values = compute_metrics(input, &["2026-10".parse().unwrap()], at(LATE_NOVEMBER));
    let value = values
        .iter()
        .find(|v| v.metric == MetricKey::SlaResponseCompliancePct && v.scope == Scope::Vendor("acme".into()))
        .unwrap();
    assert_eq!((value.value, value.previous, value.target), (Some(100.0), Some(0.0), Some(95.0)));
    assert_eq!(value.status, Status::Met);
    assert_eq!(value.provenance.sources, ["acme-psa"]);
    assert_eq!(value.provenance.oldest_fetched_at, Some(at("2026-11-20T06:00:00Z")));
    // Nine metrics for the vendor and nine for all vendors together.
    assert_eq!(values.len(), 2 * MetricKey::ALL.len());
}
