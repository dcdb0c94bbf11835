//! Sightline's own checks at scale. First, `probe` runs of an http source
//! with 50 addresses on a local server, into a real encrypted cache: the
//! wall time of each run (as `sightline-cli probe` makes it, without the
//! recomputation that follows) and the process's peak memory. Then a year
//! of checks every minute of 50 services, one with a short outage each
//! week: the samples laid into windows as a sync keeps them, the cache's
//! size with them, and the time to work out every month's availability and
//! outages of every service. Run with
//! `cargo bench -p sightline-sync --bench uptime`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sightline_domain::{Availability, Provenance, RecordBatch, Secret};
use sightline_store::{OsKeychain, SourceRun, Store, Unlock};
use sightline_sync::{Config, SyncOptions, continue_windows, sync};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ADDRESSES: usize = 50;
const RUNS: usize = 12;
const SERVICES: usize = 50;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// The process's peak resident memory, in MiB (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn sample(service: usize, at: DateTime<Utc>, up: bool) -> Availability {
    Availability {
        provenance: Provenance {
            source_id: "checks".into(),
            record_id: format!("svc-{service}@{}", at.timestamp()),
            fetched_at: at,
        },
        vendor_id: "acme".into(),
        monitor: format!("https://svc-{service}.example/"),
        window_start: at,
        window_end: at + Duration::minutes(1),
        up_seconds: if up { 60 } else { 0 },
        down_seconds: if up { 0 } else { 60 },
        status: Some(if up { 200 } else { 503 }),
        latency_ms: Some(120),
        detail: (!up).then(|| "answered 503".to_string()),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // 1. Probe runs of 50 addresses.
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("ok")).mount(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    let store = Mutex::new(Store::open(dir.path(), unlock, &OsKeychain).unwrap());
    let urls: Vec<String> = (0..ADDRESSES).map(|n| format!("\"{}/svc/{n}\"", server.uri())).collect();
    let text = format!(
        "[[vendor]]\nid = \"acme\"\nname = \"Acme Hosting\"\nkind = \"cloud\"\n\n\
         [[source]]\nid = \"checks\"\nkind = \"http\"\nvendor = \"acme\"\nurls = [{}]\nevery_minutes = 5\n",
        urls.join(", ")
    );
    let config = Config::parse(&text, &dir.path().join("sightline.toml")).unwrap();
    let secrets: sightline_sync::SecretLookup = Arc::new(|_: &str| Ok(None));
    let options = SyncOptions { probes_only: true, ..SyncOptions::default() };
    let mut times = Vec::new();
    for run in 0..RUNS {
        let at = start() + Duration::minutes(5 * run as i64);
        let started = Instant::now();
        let report = sync(&store, &config, Arc::clone(&secrets), at, &options, Arc::new(|_| {})).await.unwrap();
        times.push(started.elapsed().as_secs_f64());
        assert!(report.outcomes.iter().all(|outcome| outcome.ok), "{:?}", report.outcomes);
    }
    times.sort_by(f64::total_cmp);
    let held = store.lock().unwrap().load_records().unwrap().availability.len();
    println!(
        "probe of {ADDRESSES} addresses on a local server, {RUNS} runs 5 minutes apart: median {:.3} s, slowest \
         {:.3} s; {held} windows kept ({} samples); peak memory of the process {:.0} MiB",
        times[RUNS / 2],
        times[RUNS - 1],
        ADDRESSES * RUNS,
        peak_mib()
    );
    assert_eq!(held, ADDRESSES);

    // 2. A year of checks every minute of 50 services.
    let minutes = 365 * 24 * 60;
    let started = Instant::now();
    let mut kept: Vec<Availability> = Vec::new();
    for service in 0..SERVICES {
        let mut latest: Option<Availability> = None;
        for minute in 0..minutes {
            let at = start() + Duration::minutes(minute);
            // Down for 12 minutes once a week, at a time of its own.
            let in_week = (minute + service as i64 * 97) % (7 * 24 * 60);
            let mut batch =
                RecordBatch { availability: vec![sample(service, at, in_week >= 12)], ..Default::default() };
            continue_windows(latest.as_slice(), &mut batch);
            let window = batch.availability.pop().unwrap();
            match latest {
                Some(previous) if previous.provenance.record_id == window.provenance.record_id => {}
                Some(previous) => kept.push(previous),
                None => {}
            }
            latest = Some(window);
        }
        kept.extend(latest);
    }
    let laid = started.elapsed().as_secs_f64();
    let samples = SERVICES as i64 * minutes;
    println!(
        "a year of checks every minute of {SERVICES} services: {samples} samples laid into {} windows in {laid:.2} s",
        kept.len()
    );
    let year_dir = tempfile::tempdir().unwrap();
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    let mut year = Store::open(year_dir.path(), unlock, &OsKeychain).unwrap();
    let batch = RecordBatch { availability: kept, ..Default::default() };
    let end = start() + Duration::days(365);
    let written = Instant::now();
    year.apply_source_run(&SourceRun::merge("checks", &batch, end)).unwrap();
    let written = written.elapsed().as_secs_f64();
    drop(year);
    let bytes: u64 = std::fs::read_dir(year_dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len())
        .sum();
    println!("  written in {written:.2} s; the cache with them: {:.1} MiB", bytes as f64 / (1 << 20) as f64);
    let computed = Instant::now();
    let (mut months, mut outages) = (0, 0);
    for service in 0..SERVICES {
        let monitor = format!("https://svc-{service}.example/");
        let windows: Vec<&Availability> = batch.availability.iter().filter(|w| w.monitor == monitor).collect();
        for month in 0..12 {
            let from = start() + Duration::days(month * 365 / 12);
            let to = start() + Duration::days((month + 1) * 365 / 12);
            let seen = sightline_engine::measured(windows.iter().copied(), from, to);
            let (pct, found) = (seen.pct, seen.outages);
            assert!(pct.is_some_and(|pct| pct > 99.8 && pct < 100.0), "{pct:?}");
            months += 1;
            outages += found.len();
        }
    }
    println!(
        "  availability and outages of {months} service-months ({outages} outages) worked out in {:.3} s",
        computed.elapsed().as_secs_f64()
    );
}
