//! Benchmark: every metric and flag for 20 vendors over 60 months, from
//! 1,000,000 tickets and matching device, patch, backup and vulnerability
//! records. Run with `cargo bench -p sightline-engine`; it prints the median
//! of several runs. The budget is 2 s on a 2-core machine.

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sightline_domain::{
    BackupJob, BusinessHours, Contract, Device, DeviceRole, Patch, PatchClass, Provenance, RecordBatch, RestoreTest,
    Severity, SlaClock, SlaTarget, SourceInfo, Ticket, Vendor, VendorKind, Vulnerability,
};
use sightline_engine::{
    EngineInput, Settings, assess, compute_metrics_with_diagnostics, evaluate_rules, history_periods,
};

const VENDORS: usize = 20;
const MONTHS: i64 = 60;
const TICKETS: usize = 1_000_000;
const DEVICES_PER_VENDOR: usize = 300;

fn provenance(source: &str, id: usize, now: DateTime<Utc>) -> Provenance {
    Provenance { source_id: source.into(), record_id: id.to_string(), fetched_at: now - Duration::hours(1) }
}

struct Data {
    vendors: Vec<Vendor>,
    contracts: Vec<Contract>,
    sources: Vec<SourceInfo>,
    records: RecordBatch,
}

fn generate(now: DateTime<Utc>) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let start = now - Duration::days(MONTHS * 30);
    let span = (now - start).num_seconds();
    let vendor_id = |index: usize| format!("vendor-{index:02}");
    let vendors = (0..VENDORS)
        .map(|index| Vendor {
            id: vendor_id(index),
            name: format!("Vendor {index}"),
            kind: VendorKind::Msp,
            monthly_cost: Some(10_000.0),
            last_review: Some((now - Duration::days(30)).date_naive()),
        })
        .collect();
    let target = |priority: &str, respond, resolve| SlaTarget {
        priority: priority.into(),
        respond_minutes: Some(respond),
        resolve_minutes: Some(resolve),
        effective_from: None,
        clock: None,
    };
    let contracts = (0..VENDORS)
        .map(|index| Contract {
            vendor_id: vendor_id(index),
            sla: vec![target("P1", 15, 240), target("P2", 60, 480), target("P3", 240, 2880), target("P4", 480, 7200)],
            compliance_target_pct: 95.0,
            terms: Default::default(),
        })
        .collect();
    let sources = (0..VENDORS)
        .map(|index| SourceInfo {
            id: format!("{}-psa", vendor_id(index)),
            kind: "connectwise".into(),
            vendor_id: vendor_id(index),
            name: format!("Vendor {index} PSA"),
            last_success_at: Some(now - Duration::hours(1)),
            last_attempt_at: Some(now - Duration::hours(1)),
            last_error: None,
            demo: false,
        })
        .collect();

    let mut records = RecordBatch::default();
    let priorities = ["P1", "P2", "P3", "P4"];
    for id in 0..TICKETS {
        let vendor = id % VENDORS;
        let created_at = start + Duration::seconds(rng.gen_range(0..span));
        let respond = created_at + Duration::minutes(rng.gen_range(1..600));
        let resolve = created_at + Duration::minutes(rng.gen_range(30..10_000));
        records.tickets.push(Ticket {
            provenance: provenance("psa", id, now),
            vendor_id: vendor_id(vendor),
            summary: "Ticket".into(),
            priority: Some(priorities[id % 4].into()),
            created_at,
            first_response_at: (respond <= now).then_some(respond),
            resolved_at: (resolve <= now).then_some(resolve),
            assignee: None,
            resolved_by: Some(format!("engineer-{}", rng.gen_range(0..6))),
            status: "Closed".into(),
            reopened: Some(rng.gen_bool(0.03)),
            vendor_reported_in_sla: Some(rng.gen_bool(0.95)),
            paused_minutes: rng.gen_bool(0.1).then(|| rng.gen_range(10..2000)),
            excluded_from_sla: false,
        });
    }
    for vendor in 0..VENDORS {
        for device in 0..DEVICES_PER_VENDOR {
            let device_id = format!("{vendor}-{device}");
            records.devices.push(Device {
                provenance: Provenance { record_id: device_id.clone(), ..provenance("rmm", 0, now) },
                vendor_id: vendor_id(vendor),
                name: device_id.clone(),
                role: DeviceRole::Workstation,
                managed: true,
                enrolled_at: start,
                protection_ok: Some(true),
                last_seen: None,
                seen_by: Default::default(),
            });
            for month in 0..MONTHS {
                let released = start + Duration::days(month * 30 + 10);
                let installed = released + Duration::days(rng.gen_range(1..20));
                records.patches.push(Patch {
                    provenance: provenance("rmm", records.patches.len(), now),
                    vendor_id: vendor_id(vendor),
                    device_id: device_id.clone(),
                    title: "Monthly update".into(),
                    class: if month % 3 == 0 { PatchClass::Critical } else { PatchClass::Security },
                    missing_since: released,
                    installed_at: (installed <= now).then_some(installed),
                });
            }
        }
        for day in 0..(MONTHS * 30) {
            for system in 0..5 {
                records.backups.push(BackupJob {
                    provenance: provenance("backup", records.backups.len(), now),
                    vendor_id: vendor_id(vendor),
                    system: format!("system-{system}"),
                    started_at: start + Duration::days(day) + Duration::hours(1),
                    succeeded: rng.gen_bool(0.99),
                });
            }
        }
        for quarter in 0..(MONTHS / 3) {
            for system in 0..5 {
                records.restore_tests.push(RestoreTest {
                    provenance: provenance("backup", records.restore_tests.len(), now),
                    vendor_id: vendor_id(vendor),
                    system: format!("system-{system}"),
                    tested_at: start + Duration::days(quarter * 91 + 20),
                    succeeded: true,
                });
            }
        }
        for index in 0..2_000 {
            let first_found = start + Duration::seconds(rng.gen_range(0..span));
            let fixed = first_found + Duration::days(rng.gen_range(1..60));
            records.vulnerabilities.push(Vulnerability {
                provenance: provenance("scanner", vendor * 10_000 + index, now),
                vendor_id: vendor_id(vendor),
                asset: "asset".into(),
                title: "Weakness".into(),
                severity: [Severity::Critical, Severity::High, Severity::Medium, Severity::Low][index % 4],
                first_found,
                fixed_at: (fixed <= now).then_some(fixed),
            });
        }
    }
    Data { vendors, contracts, sources, records }
}

fn main() {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
    let started = Instant::now();
    let data = generate(now);
    println!(
        "generated {} records ({} tickets) in {:.1} s",
        data.records.len(),
        data.records.tickets.len(),
        started.elapsed().as_secs_f64()
    );
    let settings = Settings { timezone: "Europe/London".into(), ..Settings::default() };
    let round_the_clock = measure("24x7 contracts", &data, &data.contracts, &settings, now);
    // The same records on business-hours contracts: P1 round the clock,
    // P2-P4 on Mon-Fri 08:00-18:00 with the year's bank holidays.
    let hours = BusinessHours::parse("Mon-Fri 08:00-18:00").expect("valid hours");
    let holidays: Vec<NaiveDate> = (2021..=2027)
        .flat_map(|year| [(1, 1), (5, 1), (8, 31), (12, 25), (12, 28)].map(move |(m, d)| (year, m, d)))
        .filter_map(|(year, month, day)| NaiveDate::from_ymd_opt(year, month, day))
        .collect();
    let business: Vec<Contract> = data
        .contracts
        .iter()
        .map(|contract| {
            let mut contract = contract.clone();
            contract.terms.hours = Some(hours.clone());
            contract.terms.holidays = holidays.clone();
            for target in contract.sla.iter_mut().filter(|target| target.priority == "P1") {
                target.clock = Some(SlaClock::RoundTheClock);
            }
            contract
        })
        .collect();
    let business_hours = measure("business-hours contracts", &data, &business, &settings, now);
    println!("business clock / 24x7: {:.2}x (budget 1.5x)", business_hours / round_the_clock);
}

/// Times `assess` over `data` with `contracts`; returns the median seconds.
fn measure(label: &str, data: &Data, contracts: &[Contract], settings: &Settings, now: DateTime<Utc>) -> f64 {
    println!("\n{label}:");
    let input =
        EngineInput { vendors: &data.vendors, contracts, sources: &data.sources, records: &data.records, settings };
    // Where the time goes, once.
    let started = Instant::now();
    let periods = history_periods(input, now);
    let metrics = compute_metrics_with_diagnostics(input, &periods, now);
    let metrics_time = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let flags = evaluate_rules(input, &[], &metrics.values, now);
    println!(
        "phases: metrics {metrics_time:.3} s for {} periods, rules {:.3} s for {} flags",
        periods.len(),
        started.elapsed().as_secs_f64(),
        flags.len()
    );
    let mut timings = Vec::new();
    let mut summary = (0, 0);
    let runs: usize = std::env::var("SIGHTLINE_BENCH_RUNS").ok().and_then(|text| text.parse().ok()).unwrap_or(5);
    for _ in 0..runs {
        let started = Instant::now();
        let assessment = assess(input, &[], now);
        timings.push(started.elapsed().as_secs_f64());
        summary = (assessment.values.len(), assessment.flags.len());
    }
    timings.sort_by(f64::total_cmp);
    println!(
        "assess: {} metric values and {} flags; median {:.3} s, min {:.3} s, max {:.3} s over {} runs",
        summary.0,
        summary.1,
        timings[timings.len() / 2],
        timings[0],
        timings[timings.len() - 1],
        timings.len()
    );
    timings[timings.len() / 2]
}
