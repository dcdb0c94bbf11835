//! The design's budgets at the design's scale: five years of 20 vendors,
//! 1,000,000 tickets and 120 sources (the company `sightline-cli demo
//! --scale design` writes), beside the demo. For each: every screen's data,
//! opening after an hour away, a first and an unchanged sync of the ticket
//! CSV files, 1,000 changed tickets (the assessment included), the board
//! pack, both checks, and the cache's reads and writes on the encrypted
//! file beside a plain copy of it. Each line gives the median of 5 runs (one for the
//! slow one-offs) and the peak resident memory the process reached during
//! that step (`VmHWM`, reset before each step).
//!
//! `cargo bench -p sightline-api --bench scale` runs both (the design
//! scale takes a few minutes); `-- demo` or `-- design` runs one.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sightline_api::{Clock, DrilldownQuery, Secret, Sightline, SyncQuery, TrendQuery, Unlock};
use sightline_connectors::CsvRecord;
use sightline_domain::{RecordBatch, Ticket, Vendor};

const NOW: &str = "2026-11-22T08:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

fn open(dir: &Path, at: DateTime<Utc>) -> Sightline {
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    Sightline::open_with(dir, unlock, Clock::Fixed(at)).unwrap()
}

/// Forgets the process's peak resident memory, so that the next reading
/// is the peak of what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory since the last reset, in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Runs `call` `runs` times after `setup` each time (untimed), and prints
/// the median, the slowest and the peak memory.
fn measure<S>(name: &str, budget: &str, runs: usize, mut setup: impl FnMut() -> S, mut call: impl FnMut(S)) {
    reset_peak();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let input = setup();
            let started = Instant::now();
            call(input);
            started.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let slowest = times[times.len() - 1];
    println!(
        "  {name:<44} median {:>9.1} ms  slowest {:>9.1} ms  peak {:>6.0} MB  budget {budget}",
        ms(median),
        ms(slowest),
        peak_mb()
    );
}

/// A screen's data: one warm-up call, then the median of 5.
fn screen(name: &str, mut call: impl FnMut()) {
    call();
    measure(name, "50 ms", 5, || (), |()| call());
}

/// The ticket sources of a company as CSV files, and the configuration
/// that reads them (each vendor with its contract's targets).
fn write_ticket_csvs(dir: &Path, vendors: &[Vendor], ticket_batches: &[(String, String, Vec<Ticket>)]) {
    let mut config = String::from("company = \"CSV scale company\"\n");
    for vendor in vendors {
        let _ = write!(
            config,
            "\n[[vendor]]\nid = \"{}\"\nname = \"{}\"\nkind = \"msp\"\nhours = \"Mon-Fri 08:00-18:00\"\n",
            vendor.id, vendor.name
        );
        for (priority, respond, resolve) in [("P1", 30, 240), ("P2", 60, 480), ("P3", 240, 1620), ("P4", 480, 2700)] {
            let _ = write!(
                config,
                "\n[[vendor.sla]]\npriority = \"{priority}\"\nrespond_minutes = {respond}\nresolve_minutes = {resolve}\n"
            );
        }
    }
    for (source_id, vendor_id, tickets) in ticket_batches {
        let file = format!("{source_id}.csv");
        let _ = write!(
            config,
            "\n[[source]]\nid = \"{source_id}\"\nkind = \"csv\"\nvendor = \"{vendor_id}\"\npath = \"{file}\"\nrecord = \"tickets\"\n"
        );
        let mut writer = csv::Writer::from_path(dir.join(&file)).unwrap();
        writer.write_record(sightline_connectors::csv_import::known_columns(CsvRecord::Tickets)).unwrap();
        let time = |at: Option<DateTime<Utc>>| at.map(|at| at.to_rfc3339()).unwrap_or_default();
        let flag = |yes: Option<bool>| yes.map(|yes| if yes { "yes" } else { "no" }).unwrap_or_default().to_string();
        for ticket in tickets {
            writer
                .write_record([
                    ticket.provenance.record_id.clone(),
                    ticket.created_at.to_rfc3339(),
                    ticket.summary.clone(),
                    ticket.priority.clone().unwrap_or_default(),
                    time(ticket.first_response_at),
                    time(ticket.resolved_at),
                    ticket.assignee.clone().unwrap_or_default(),
                    ticket.resolved_by.clone().unwrap_or_default(),
                    ticket.status.clone(),
                    flag(ticket.reopened),
                    flag(ticket.vendor_reported_in_sla),
                    ticket.paused_minutes.map(|minutes| minutes.to_string()).unwrap_or_default(),
                    if ticket.excluded_from_sla { "yes" } else { "no" }.to_string(),
                ])
                .unwrap();
        }
        writer.flush().unwrap();
    }
    std::fs::write(dir.join("sightline.toml"), config).unwrap();
}

/// The same 1,000 of a source's most recent tickets, changed as a sync
/// would find them changed: resolved, or resolved an hour later.
fn changed_tickets(tickets: &[Ticket], round: u32) -> RecordBatch {
    let mut recent: Vec<Ticket> = tickets.to_vec();
    recent.sort_by_key(|ticket| std::cmp::Reverse(ticket.created_at));
    recent.truncate(1_000);
    for ticket in &mut recent {
        let resolved = ticket.resolved_at.unwrap_or(ticket.created_at) + chrono::Duration::hours(i64::from(round));
        ticket.resolved_at = Some(resolved.min(now()));
        ticket.status = "Closed".into();
    }
    RecordBatch { tickets: recent, ..RecordBatch::default() }
}

struct Company {
    label: &'static str,
    vendors: Vec<Vendor>,
    /// (source id, vendor id, tickets) of every ticket source.
    ticket_sources: Vec<(String, String, Vec<Ticket>)>,
}

fn bench(company: &Company, build: impl FnOnce(&Sightline)) {
    println!("\n{}", company.label);
    let dir = tempfile::tempdir().unwrap();
    reset_peak();
    let started = Instant::now();
    let app = open(dir.path(), now());
    build(&app);
    println!(
        "  {:<44} {:>16.1} s{:>28.0} MB",
        "write the company and assess it",
        started.elapsed().as_secs_f64(),
        peak_mb()
    );
    let check = app.check(false).unwrap();
    println!("  {} records, cache {:.1} MB", check.records, f64::from(check.cache_bytes) / 1e6);

    println!(" every screen's data (one warm-up call, then 5)");
    let vendor = company.vendors[0].id.clone();
    screen("overview", || drop(app.overview().unwrap()));
    screen("trend (months, all vendors)", || drop(app.trend(&TrendQuery::default()).unwrap()));
    screen("trend (quarters, a vendor)", || {
        let query = TrendQuery { vendor: Some(vendor.clone()), granularity: Some("quarter".into()), metric: None };
        drop(app.trend(&query).unwrap())
    });
    let mut listed = (0, 0);
    screen("drill-down (October, all vendors)", || {
        let query = DrilldownQuery {
            metric: "sla_response_compliance_pct".into(),
            vendor: Some("all".into()),
            period: "2026-10".into(),
        };
        let drilldown = app.drilldown(&query).unwrap();
        listed = (drilldown.rows.len(), drilldown.total);
    });
    println!("    (the drill-down lists {} of {} tickets)", listed.0, listed.1);
    screen("drill-down (October, a vendor)", || {
        let query = DrilldownQuery {
            metric: "sla_response_compliance_pct".into(),
            vendor: Some(vendor.clone()),
            period: "2026-10".into(),
        };
        drop(app.drilldown(&query).unwrap())
    });
    screen("scorecard", || drop(app.scorecard(None).unwrap()));
    screen("vendor page", || drop(app.vendor_page(&vendor, None).unwrap()));
    screen("risks", || drop(app.risks(true).unwrap()));
    screen("reports", || drop(app.reports().unwrap()));
    screen("sources", || drop(app.sources_view().unwrap()));
    screen("settings", || drop(app.settings_view().unwrap()));
    measure("check (quick)", "50 ms", 5, || (), |()| drop(app.check(false).unwrap()));
    measure("check --full (every page read)", "none", 1, || (), |()| drop(app.check(true).unwrap()));
    println!(" SQLCipher beside plain SQLite (the cache decrypted into a copy; median of 5, alternating)");
    let scratch = tempfile::tempdir().unwrap();
    for cost in app.compare_with_plain_for_bench(scratch.path(), 5).unwrap() {
        println!(
            "  {:<44} encrypted {:>8.1} ms  plain {:>8.1} ms  {:>5.2}x  budget 1.3x",
            cost.operation,
            ms(cost.encrypted),
            ms(cost.plain),
            cost.ratio()
        );
    }
    drop(scratch);
    app.report_for_bench("2026-Q3").unwrap();
    measure("board pack 2026-Q3 (after one warm-up)", "1 s", 5, || (), |()| drop(app.report_for_bench("2026-Q3")));

    let (source_id, _, tickets) = &company.ticket_sources[0];
    let mut round = 0;
    measure(
        "1,000 changed tickets, assessment included",
        "2 s",
        5,
        || {
            round += 1;
            changed_tickets(tickets, round)
        },
        |batch| app.merge_records_for_bench(source_id, &batch).unwrap(),
    );
    drop(app);

    // Opening again later: the key, the cache, and the Overview's data
    // with the period under way recomputed (its results over an hour old).
    let mut hours = 0;
    measure(
        "open after an hour away (key and cache)",
        "part of 200 ms",
        5,
        || {
            hours += 2;
            now() + chrono::Duration::hours(hours)
        },
        |at| drop(open(dir.path(), at)),
    );
    measure(
        "Overview's data after an hour away",
        "200 ms",
        5,
        || {
            hours += 2;
            open(dir.path(), now() + chrono::Duration::hours(hours))
        },
        |app| drop(app.overview().unwrap()),
    );

    measure(
        "the same in the desktop (old results served)",
        "200 ms",
        5,
        || {
            hours += 2;
            let app = open(dir.path(), now() + chrono::Duration::hours(hours));
            app.serve_old_results(true);
            app
        },
        |app| drop(app.overview().unwrap()),
    );

    println!(" peak memory of each as a process of its own (a CLI command)");
    hours += 2;
    open(dir.path(), now() + chrono::Duration::hours(hours)).ensure_assessed().unwrap();
    for step in [
        "overview",
        "drill-down",
        "vendor page",
        "board pack",
        "check --full",
        "after an hour away",
        "recompute everything",
    ] {
        println!("  {step:<44} peak {:>6} MB  budget 300 MB", peak_of_step(step, dir.path(), hours));
    }

    println!(" the ticket sources as CSV files ({} files)", company.ticket_sources.len());
    let files = tempfile::tempdir().unwrap();
    write_ticket_csvs(files.path(), &company.vendors, &company.ticket_sources);
    let query = SyncQuery::default();
    measure(
        "first sync of the CSV files, assessment included",
        "10 s",
        5,
        || {
            let fresh = tempfile::tempdir().unwrap();
            for entry in std::fs::read_dir(files.path()).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), fresh.path().join(entry.file_name())).unwrap();
            }
            let app = open(fresh.path(), now());
            app.apply_config().unwrap();
            (fresh, app)
        },
        |(_fresh, app)| {
            let summary = app.sync(&query, |_| {}).unwrap();
            assert!(summary.sources.iter().all(|source| source.ok), "{summary:?}");
        },
    );
    for step in ["first sync", "unchanged re-sync"] {
        let peak = peak_of_step(step, files.path(), 0);
        println!("  {step:<44} peak {peak:>6} MB as a process of its own  budget 300 MB");
    }
    let app = open(files.path(), now());
    app.apply_config().unwrap();
    app.sync(&query, |_| {}).unwrap();
    let mut minutes = 0;
    measure(
        "unchanged re-sync of the CSV files",
        "1 s",
        5,
        || {
            minutes += 10;
            open(files.path(), now() + chrono::Duration::minutes(minutes))
        },
        |app| {
            let summary = app.sync(&query, |_| {}).unwrap();
            assert!(summary.sources.iter().all(|source| source.reason.starts_with("unchanged")), "{summary:?}");
        },
    );
}

/// Runs [`step`] in a child process (this bench, as `scale step NAME DIR
/// HOURS`) and returns the peak memory it printed, in MB.
fn peak_of_step(name: &str, dir: &Path, hours: i64) -> String {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["step", name, &dir.display().to_string(), &hours.to_string()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// One step in a process of its own, for its peak memory: run by the
/// bench itself as `scale step NAME DIR HOURS`, it prints the peak in MB.
fn step(name: &str, dir: &Path, hours: i64) {
    let app = open(dir, now() + chrono::Duration::hours(hours));
    match name {
        "overview" | "after an hour away" => drop(app.overview().unwrap()),
        "drill-down" => {
            let query = DrilldownQuery {
                metric: "sla_response_compliance_pct".into(),
                vendor: Some("all".into()),
                period: "2026-10".into(),
            };
            drop(app.drilldown(&query).unwrap())
        }
        "vendor page" => {
            let vendor = app.vendor_choices().unwrap()[1].id.clone();
            drop(app.vendor_page(&vendor, None).unwrap())
        }
        "board pack" => drop(app.report_for_bench("2026-Q3").unwrap()),
        // What `sightline-cli demo --scale design` does, in an empty folder.
        "write the design company" => app.build_scale_demo(sightline_api::Scale::DESIGN, false).unwrap(),
        // As after a change to the settings or the contracts.
        "recompute everything" => app.recompute_everything_for_bench().unwrap(),
        // In the CSV folder: the first sync (nothing synced there yet),
        // then the same files again an hour later.
        "first sync" | "unchanged re-sync" => {
            app.apply_config().unwrap();
            let summary = app.sync(&SyncQuery::default(), |_| {}).unwrap();
            assert!(summary.sources.iter().all(|source| source.ok), "{summary:?}");
        }
        _ => drop(app.check(true).unwrap()),
    }
    println!("{:.0}", peak_mb());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("step") {
        let hours = args[4].parse().unwrap();
        // "after an hour away" opens later than the results; the others
        // at the time they were brought up to date.
        let hours = match args[2].as_str() {
            "after an hour away" => hours + 2,
            "unchanged re-sync" => hours + 1,
            _ => hours,
        };
        return step(&args[2], Path::new(&args[3]), hours);
    }
    if args.get(1).map(String::as_str) == Some("prepare") {
        // `scale prepare DIR`: the design-scale company in DIR/cache and its
        // ticket CSV files in DIR/csv, kept, to profile one step at a time
        // (`scale step NAME DIR/cache 0`).
        let dir = Path::new(&args[2]);
        let company = design_company();
        let cache = dir.join("cache");
        std::fs::create_dir_all(&cache).unwrap();
        open(&cache, now()).build_scale_demo(sightline_api::Scale::DESIGN, false).unwrap();
        let files = dir.join("csv");
        std::fs::create_dir_all(&files).unwrap();
        write_ticket_csvs(&files, &company.vendors, &company.ticket_sources);
        return;
    }
    let only = std::env::args().skip(1).find(|arg| arg == "demo" || arg == "design");
    if only.as_deref() != Some("design") {
        let demo = sightline_demo::generate(now());
        let company = Company {
            label: "The demo company (two years, 4 vendors)",
            vendors: demo.vendors.clone(),
            ticket_sources: demo
                .batches
                .iter()
                .filter(|(_, batch)| !batch.tickets.is_empty())
                .map(|(source_id, batch)| {
                    (source_id.clone(), batch.tickets[0].vendor_id.clone(), batch.tickets.clone())
                })
                .collect(),
        };
        bench(&company, |app| app.rebuild_demo().unwrap());
    }
    if only.as_deref() != Some("demo") {
        bench(&design_company(), |app| app.build_scale_demo(sightline_api::Scale::DESIGN, false).unwrap());
        let empty = tempfile::tempdir().unwrap();
        let peak = peak_of_step("write the design company", empty.path(), 0);
        println!("  {:<44} peak {peak:>6} MB as a process of its own  budget 300 MB", "demo --scale design");
    }
}

fn design_company() -> Company {
    let scale = sightline_demo::scale_company(sightline_api::Scale::DESIGN, now());
    Company {
        label: "The design-scale company (five years, 20 vendors, 1,000,000 tickets)",
        vendors: scale.vendors.clone(),
        ticket_sources: scale
            .sources
            .iter()
            .enumerate()
            .filter(|(_, source)| source.id.ends_with("-psa"))
            .map(|(index, source)| (source.id.clone(), source.vendor_id.clone(), scale.batch(index).tickets))
            .collect(),
    }
}
