//! Figures by the contract: business-hours compliance, exclusions and
//! impossible dates named and left out, disputes with the provider's own
//! verdict in both directions, and service credits.

use chrono::{DateTime, Utc};
use sightline_domain::{
    BusinessHours, Contract, ContractTerms, MetricKey, Period, Provenance, RecordBatch, Scope, ServiceCredits,
    SlaClock, SlaTarget, Status, Ticket, Vendor, VendorKind,
};
use sightline_engine::{EngineInput, Settings, compute_metrics, disputes};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

const NOW: &str = "2026-12-05T12:00:00Z";

fn vendor() -> Vendor {
    Vendor {
        id: "northwind".into(),
        name: "Northwind IT".into(),
        kind: VendorKind::Msp,
        monthly_cost: Some(18_400.0),
        last_review: None,
    }
}

fn contract() -> Contract {
    let target = |priority: &str, respond, resolve, clock| SlaTarget {
        priority: priority.into(),
        respond_minutes: Some(respond),
        resolve_minutes: Some(resolve),
        effective_from: None,
        clock,
    };
    Contract {
        vendor_id: "northwind".into(),
        sla: vec![target("P1", 30, 240, Some(SlaClock::RoundTheClock)), target("P3", 60, 960, None)],
        compliance_target_pct: 95.0,
        terms: ContractTerms {
            hours: Some(BusinessHours::parse("Mon-Fri 08:00-17:00").unwrap()),
            holidays: vec!["2026-11-11".parse().unwrap()],
            credits: Some(ServiceCredits { percent_per_point: 1.0, cap_percent: 15.0 }),
            uptime_target_pct: None,
        },
    }
}

/// A P3 ticket (unless `priority` says otherwise) with its times.
fn ticket(id: &str, created: &str, answered: Option<&str>, fixed: Option<&str>, vendor_says: Option<bool>) -> Ticket {
    Ticket {
        provenance: Provenance { source_id: "psa".into(), record_id: id.into(), fetched_at: at(NOW) },
        vendor_id: "northwind".into(),
        summary: format!("Ticket {id}"),
        priority: Some("P3".into()),
        created_at: at(created),
        first_response_at: answered.map(at),
        resolved_at: fixed.map(at),
        assignee: None,
        resolved_by: None,
        status: "Closed".into(),
        reopened: None,
        vendor_reported_in_sla: vendor_says,
        paused_minutes: None,
        excluded_from_sla: false,
    }
}

/// November 2026 (UTC company; Monday 2, holiday Wednesday 11).
fn november() -> Vec<Ticket> {
    let mut excluded = ticket("4714", "2026-11-03T09:00:00Z", Some("2026-11-05T09:00:00Z"), None, None);
    excluded.excluded_from_sla = true;
    let mut no_priority = ticket("4716", "2026-11-03T10:00:00Z", Some("2026-11-03T10:05:00Z"), None, None);
    no_priority.priority = None;
    vec![
        // Opened Friday 16:45, answered Monday 08:40: 55 business minutes.
        ticket("4710", "2026-11-06T16:45:00Z", Some("2026-11-09T08:40:00Z"), Some("2026-11-09T12:00:00Z"), Some(true)),
        // Answered before it was opened: named, never counted as met.
        ticket("4711", "2026-11-04T10:00:00Z", Some("2026-11-04T09:00:00Z"), Some("2026-11-04T12:00:00Z"), None),
        // Closed two minutes after it was opened, no response recorded:
        // answered by the fix.
        ticket("4712", "2026-11-05T10:00:00Z", None, Some("2026-11-05T10:02:00Z"), None),
        // Marked within SLA by the provider, but answered after 2 business
        // hours (Tuesday 16:00 to Thursday 09:00, the Wednesday a holiday).
        ticket("4713", "2026-11-10T16:00:00Z", Some("2026-11-12T09:00:00Z"), Some("2026-11-12T10:00:00Z"), Some(true)),
        excluded,
        // Marked as missed by the provider, but on time by the contract.
        ticket("4715", "2026-11-16T09:00:00Z", Some("2026-11-16T09:30:00Z"), Some("2026-11-16T15:00:00Z"), Some(false)),
        no_priority,
    ]
}

fn input_with<'a>(
    vendors: &'a [Vendor],
    contracts: &'a [Contract],
    records: &'a RecordBatch,
    settings: &'a Settings,
) -> EngineInput<'a> {
    EngineInput { vendors, contracts, sources: &[], records, settings }
}

#[test]
fn compliance_on_the_business_clock_names_what_it_leaves_out() {
    let (vendors, contracts, settings) = ([vendor()], [contract()], Settings::default());
    let records = RecordBatch { tickets: november(), ..RecordBatch::default() };
    let input = input_with(&vendors, &contracts, &records, &settings);
    let values = compute_metrics(input, &["2026-11".parse::<Period>().unwrap()], at(NOW));
    let value = |metric: MetricKey| {
        values
            .iter()
            .find(|value| value.metric == metric && value.scope == Scope::Vendor("northwind".into()))
            .unwrap()
            .clone()
    };
    let response = value(MetricKey::SlaResponseCompliancePct);
    // 4710, 4712, 4715 on time; 4713 late.
    assert_eq!(response.value, Some(75.0));
    assert_eq!((response.provenance.records, response.provenance.skipped), (4, 3));
    assert_eq!(
        response.provenance.skipped_reasons,
        vec![
            ("it has no priority the contract knows, so its SLA cannot be judged".to_string(), 1),
            ("its first response is dated before it was opened".to_string(), 1),
            ("the provider's tool marks it as outside the SLA".to_string(), 1),
        ]
    );
    // First answers on the contract's clock: 55, 2, 120, 1080 (the excluded
    // ticket still describes the service), 30 and 5.
    let median = value(MetricKey::FirstResponseMedianMinutes);
    assert_eq!(median.value, Some(42.5));
    assert_eq!(median.provenance.skipped_reasons, vec![("its first response is dated before it was opened".into(), 1)]);

    // 20 points below 95% on response: 20% of 18,400, capped at 15%.
    let credit = value(MetricKey::ServiceCreditOwed);
    assert_eq!((credit.value, credit.target, credit.status), (Some(2760.0), Some(0.0), Status::Missed));
}

#[test]
fn disputes_list_exactly_the_disagreeing_tickets_with_reasons() {
    let (vendors, contracts, settings) = ([vendor()], [contract()], Settings::default());
    let records = RecordBatch { tickets: november(), ..RecordBatch::default() };
    let input = input_with(&vendors, &contracts, &records, &settings);
    let found = disputes(input, "northwind", "2026-11".parse().unwrap(), at(NOW));
    let rows: Vec<(&str, bool, bool, i64, f64, &str)> = found
        .iter()
        .map(|d| {
            (
                d.ticket.as_str(),
                d.vendor_says_met,
                d.sightline_says_met,
                d.target_minutes,
                d.elapsed_minutes,
                d.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "4713",
                true,
                false,
                60,
                120.0,
                "Northwind IT marks it within SLA, but it was answered after 2 h in business hours; the P3 target is 1 h."
            ),
            (
                "4715",
                false,
                true,
                960,
                360.0,
                "Northwind IT marks it as missing its SLA, but it was fixed after 6 h in business hours, within the P3 \
                 target of 16 h."
            ),
        ]
    );
    // 4710 was answered the next working morning inside hours: the provider
    // says met, and so does the contract; no dispute.
    assert!(found.iter().all(|d| d.ticket != "4710"));
}

#[test]
fn without_credit_terms_or_before_the_month_ends_nothing_is_owed() {
    let (vendors, settings) = ([vendor()], Settings::default());
    let mut plain = contract();
    plain.terms.credits = None;
    let records = RecordBatch { tickets: november(), ..RecordBatch::default() };
    let contracts = [plain];
    let values = compute_metrics(
        input_with(&vendors, &contracts, &records, &settings),
        &["2026-11".parse::<Period>().unwrap()],
        at(NOW),
    );
    let credit = values.iter().find(|v| v.metric == MetricKey::ServiceCreditOwed && v.scope != Scope::All).unwrap();
    assert_eq!((credit.value, credit.target, credit.status), (None, None, Status::NoTarget));

    let contracts = [contract()];
    let values = compute_metrics(
        input_with(&vendors, &contracts, &records, &settings),
        &["2026-11".parse::<Period>().unwrap()],
        at("2026-11-20T12:00:00Z"),
    );
    let credit = values.iter().find(|v| v.metric == MetricKey::ServiceCreditOwed && v.scope != Scope::All).unwrap();
    assert_eq!(credit.value, None);
}

#[test]
fn the_records_behind_a_figure_name_those_it_left_out() {
    let (vendors, contracts, settings) = ([vendor()], [contract()], Settings::default());
    let records = RecordBatch { tickets: november(), ..RecordBatch::default() };
    let input = input_with(&vendors, &contracts, &records, &settings);
    let traced = sightline_engine::records_behind(
        input,
        MetricKey::SlaResponseCompliancePct,
        &Scope::Vendor("northwind".into()),
        "2026-11".parse().unwrap(),
        at(NOW),
    );
    let mut rows: Vec<(&str, Option<bool>, Option<&str>)> =
        traced.iter().map(|r| (r.record_id.as_str(), r.met, r.left_out)).collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            ("4710", Some(true), None),
            ("4711", None, Some("its first response is dated before it was opened")),
            ("4712", Some(true), None),
            ("4713", Some(false), None),
            ("4714", None, Some("the provider's tool marks it as outside the SLA")),
            ("4715", Some(true), None),
            ("4716", None, Some("it has no priority the contract knows, so its SLA cannot be judged")),
        ]
    );
}
