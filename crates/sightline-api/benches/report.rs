//! The demo company's quarterly board pack, from the cache to PDF bytes
//! (data snapshot, charts, layout, PDF): median of 5 runs. Then the same
//! content as HTML printed by headless Chromium (`--print-to-pdf`), the way
//! browser-based dashboards make PDFs, where Chromium is installed.
//! Run with `cargo bench -p sightline-api --bench report`.

use std::process::Command;
use std::time::{Duration, Instant};

use sightline_api::{Clock, ReportQuery, Secret, Sightline, Unlock};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    let app = Sightline::open_with(dir.path(), unlock, Clock::Fixed("2026-11-22T08:00:00Z".parse().unwrap())).unwrap();
    app.rebuild_demo().unwrap();
    app.export_report(&ReportQuery { period: Some("2026-Q3".into()), paper: None }).unwrap();

    let mut runs = Vec::new();
    let mut html = String::new();
    let mut pages = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let (page, pdf) = app.report_for_bench("2026-Q3").unwrap();
        runs.push(started.elapsed());
        html = page;
        pages = pdf.pages;
    }
    let ours = median(runs);
    println!("board pack, demo company, 2026-Q3: {pages} pages in {:.0} ms (median of 5)", ours.as_secs_f64() * 1000.0);

    let html_path = dir.path().join("report.html");
    std::fs::write(&html_path, html).unwrap();
    let browser =
        ["chromium", "chromium-browser"].into_iter().find(|name| Command::new(name).arg("--version").output().is_ok());
    let Some(browser) = browser else {
        println!("headless Chromium: not installed (apt-get install chromium), no comparison");
        return;
    };
    let mut runs = Vec::new();
    for run in 0..5 {
        let out = dir.path().join(format!("chromium-{run}.pdf"));
        let profile = dir.path().join(format!("profile-{run}"));
        let started = Instant::now();
        let status = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(format!("file://{}", html_path.display()))
            .output()
            .unwrap();
        runs.push(started.elapsed());
        assert!(out.exists(), "chromium made no PDF: {}", String::from_utf8_lossy(&status.stderr));
    }
    let theirs = median(runs);
    println!(
        "headless Chromium --print-to-pdf of the same content: {:.0} ms (median of 5); Sightline is {:.1}x faster",
        theirs.as_secs_f64() * 1000.0,
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
}
