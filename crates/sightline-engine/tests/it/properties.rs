//! Properties that hold for any records: percentages stay in [0, 100],
//! adding a compliant ticket never lowers compliance, and the same input
//! always gives the same output.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use sightline_domain::{
    Contract, MetricKey, Period, Provenance, RecordBatch, Scope, SlaTarget, Ticket, Unit, Vendor, VendorKind,
};
use sightline_engine::{EngineInput, Settings, compute_metrics};

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

fn ticket(index: usize, created_offset_min: i64, respond: Option<i64>, resolve: Option<i64>, priority: u8) -> Ticket {
    let created_at = base() + Duration::minutes(created_offset_min);
    Ticket {
        provenance: Provenance {
            source_id: "acme-psa".into(),
            record_id: format!("T{index}"),
            fetched_at: base() + Duration::days(60),
        },
        vendor_id: "acme".into(),
        summary: "ticket".into(),
        priority: match priority {
            0 => None,
            1 => Some("P1".into()),
            _ => Some("P3".into()),
        },
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

fn arb_tickets() -> impl Strategy<Value = Vec<Ticket>> {
    prop::collection::vec(
        (0i64..60 * 24 * 45, prop::option::of(0i64..600), prop::option::of(0i64..6000), 0u8..3),
        0..60,
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(index, (created, respond, resolve, priority))| ticket(index, created, respond, resolve, priority))
            .collect()
    })
}

fn compute(tickets: Vec<Ticket>) -> Vec<sightline_domain::MetricValue> {
    let vendors = [Vendor {
        id: "acme".into(),
        name: "Acme".into(),
        kind: VendorKind::Msp,
        monthly_cost: None,
        last_review: None,
    }];
    let contracts = [Contract {
        vendor_id: "acme".into(),
        sla: vec![
            SlaTarget {
                priority: "P1".into(),
                respond_minutes: Some(15),
                resolve_minutes: Some(240),
                effective_from: None,
                clock: None,
            },
            SlaTarget {
                priority: "P3".into(),
                respond_minutes: Some(240),
                resolve_minutes: Some(2880),
                effective_from: None,
                clock: None,
            },
        ],
        compliance_target_pct: 95.0,
        terms: Default::default(),
    }];
    let records = RecordBatch { tickets, ..RecordBatch::default() };
    let settings = Settings::default();
    let input =
        EngineInput { vendors: &vendors, contracts: &contracts, sources: &[], records: &records, settings: &settings };
    let periods: [Period; 2] = ["2026-10".parse().unwrap(), "2026-Q4".parse().unwrap()];
    compute_metrics(input, &periods, base() + Duration::days(40))
}

fn response_compliance(values: &[sightline_domain::MetricValue]) -> Option<f64> {
    values
        .iter()
        .find(|value| {
            value.metric == MetricKey::SlaResponseCompliancePct
                && value.scope == Scope::Vendor("acme".into())
                && value.period.to_string() == "2026-10"
        })
        .and_then(|value| value.value)
}

proptest! {
    #[test]
    fn percentages_stay_between_0_and_100(tickets in arb_tickets()) {
        for value in compute(tickets) {
            if value.metric.unit() == Unit::Percent
                && let Some(figure) = value.value
            {
                prop_assert!((0.0..=100.0).contains(&figure), "{:?} = {}", value.metric, figure);
            }
        }
    }

    #[test]
    fn a_compliant_ticket_never_lowers_compliance(tickets in arb_tickets(), offset in 0i64..60 * 24 * 30) {
        let before = response_compliance(&compute(tickets.clone()));
        let mut more = tickets;
        more.push(ticket(10_000, offset, Some(1), Some(10), 2));
        let after = response_compliance(&compute(more)).expect("the added ticket counts");
        prop_assert!(before.is_none_or(|before| after >= before - 1e-9), "{before:?} -> {after}");
    }

    #[test]
    fn the_same_input_gives_the_same_output(tickets in arb_tickets()) {
        prop_assert_eq!(compute(tickets.clone()), compute(tickets));
    }
}

proptest! {
    #[test]
    fn flags_are_deterministic(tickets in arb_tickets()) {
        let assess = |tickets: Vec<Ticket>| {
            let vendors = [Vendor { id: "acme".into(), name: "Acme".into(), kind: VendorKind::Msp, monthly_cost: None, last_review: None }];
            let contracts = [Contract {
                vendor_id: "acme".into(),
                sla: vec![SlaTarget { priority: "P3".into(), respond_minutes: Some(240), resolve_minutes: Some(2880), effective_from: None, clock: None }],
                compliance_target_pct: 95.0,
                terms: Default::default(),
            }];
            let records = RecordBatch { tickets, ..RecordBatch::default() };
            let settings = Settings::default();
            let input = EngineInput { vendors: &vendors, contracts: &contracts, sources: &[], records: &records, settings: &settings };
            sightline_engine::assess(input, &[], base() + Duration::days(40))
        };
        let first = assess(tickets.clone());
        let second = assess(tickets);
        prop_assert_eq!(first.flags, second.flags);
        prop_assert_eq!(first.values, second.values);
    }
}
