//! Backup and restore at the design's scale: 1,000,000 tickets from 20
//! vendors' sources over five years in a real passphrase-locked cache.
//! Prints the time and size of a portable backup, an automatic backup, and
//! a restore into a fresh cache. Run with `cargo bench -p sightline-store`.

use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sightline_domain::{Provenance, RecordBatch, Secret, Ticket};
use sightline_store::{BackupKey, OsKeychain, Store, Unlock};

const VENDORS: usize = 20;
const TICKETS: usize = 1_000_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

fn batch(vendor: usize, count: usize) -> RecordBatch {
    let source = format!("vendor-{vendor:02}-psa");
    let start = now() - Duration::days(5 * 365);
    let mut records = RecordBatch::default();
    for index in 0..count {
        let created = start + Duration::minutes((index as i64 * 2_628_000 / count as i64) + vendor as i64);
        records.tickets.push(Ticket {
            provenance: Provenance { source_id: source.clone(), record_id: format!("T{index}"), fetched_at: now() },
            vendor_id: format!("vendor-{vendor:02}"),
            summary: format!("Request {index} from the dispatch floor"),
            priority: Some(format!("P{}", 1 + index % 4)),
            created_at: created,
            first_response_at: Some(created + Duration::minutes(20 + (index % 90) as i64)),
            resolved_at: Some(created + Duration::hours(2 + (index % 40) as i64)),
            assignee: Some(format!("Engineer {}", index % 7)),
            resolved_by: Some(format!("Engineer {}", index % 7)),
            status: "Closed".into(),
            reopened: Some(index % 31 == 0),
            vendor_reported_in_sla: Some(index % 9 != 0),
            paused_minutes: (index % 5 == 0).then_some(30),
            excluded_from_sla: false,
        });
    }
    records
}

fn unlock(passphrase: &str) -> Unlock {
    Unlock { passphrase: Some(Secret::new(passphrase)) }
}

fn main() {
    let home = tempfile::tempdir().unwrap();
    let original = home.path().join("original");
    let mut store = Store::open(&original, unlock("bench"), &OsKeychain).unwrap();
    let started = Instant::now();
    for vendor in 0..VENDORS {
        let records = batch(vendor, TICKETS / VENDORS);
        store.replace_source_records(&format!("vendor-{vendor:02}-psa"), &records, now()).unwrap();
    }
    let cache_bytes = std::fs::metadata(original.join("cache.sightline")).unwrap().len();
    println!(
        "filled a cache with {TICKETS} tickets from {VENDORS} sources in {:.1} s ({:.0} MB)",
        started.elapsed().as_secs_f64(),
        cache_bytes as f64 / 1e6
    );

    let file = home.path().join("design-scale.sightline-backup");
    let started = Instant::now();
    let bytes = store.write_backup(&file, &Secret::new("a long backup passphrase"), &[]).unwrap();
    println!("  backup --out               {:>7.2} s  {:>6.0} MB", started.elapsed().as_secs_f64(), bytes as f64 / 1e6);

    let started = Instant::now();
    let automatic = store.automatic_backup("bench", now()).unwrap();
    let automatic_bytes = std::fs::metadata(&automatic).unwrap().len();
    println!(
        "  automatic backup           {:>7.2} s  {:>6.0} MB",
        started.elapsed().as_secs_f64(),
        automatic_bytes as f64 / 1e6
    );

    let mut fresh = Store::open(&home.path().join("restored"), unlock("another machine"), &OsKeychain).unwrap();
    let started = Instant::now();
    fresh.restore_from(&file, BackupKey::Passphrase(&Secret::new("a long backup passphrase")), now()).unwrap();
    println!("  restore into a new cache   {:>7.2} s", started.elapsed().as_secs_f64());
    let counts = fresh.record_counts().unwrap();
    assert_eq!(counts.values().map(|count| u64::from(*count)).sum::<u64>(), TICKETS as u64);
}
