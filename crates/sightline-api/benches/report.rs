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
    // A cold export, as a one-off CLI run makes it: snapshot, charts,
    // layout, PDF and the archive write. Its period differs from the timed
    // one, so nothing laid out here is reused below.
    let started = Instant::now();
    app.export_report(&ReportQuery { period: Some("2026-Q2".into()), paper: None }, None).unwrap();
    let cold = started.elapsed();
    println!("cold export of the 2026-Q2 pack, archived: {:.0} ms", cold.as_secs_f64() * 1000.0);

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
    let first = runs[0];
    let ours = median(runs);
    println!(
        "board pack, demo company, 2026-Q3: {pages} pages; first in this process {:.0} ms, then median of 5 {:.0} ms \
         (typst keeps layout it can reuse)",
        first.as_secs_f64() * 1000.0,
        ours.as_secs_f64() * 1000.0
    );

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
        "headless Chromium --print-to-pdf of the same content: {:.0} ms (median of 5); Chromium takes {:.1}x the \
         cold export and {:.1}x the warm one",
        theirs.as_secs_f64() * 1000.0,
        theirs.as_secs_f64() / cold.as_secs_f64(),
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
}
