//! The desktop app's budgets, measured in the real window: cold start to the
//! Overview fully painted (median of 5), resident memory after a minute idle
//! (the app and its WebKit processes together), and the time from a click on
//! a screen's link to that screen painted with its data, at the demo's size,
//! on a first visit and on a visit again.
//!
//! Run under Xvfb with tauri-driver on the PATH, on the release build:
//! `cargo xtask package` (or `cargo build --release`), then
//! `xvfb-run -a cargo bench -p sightline-e2e --bench desktop`.
//! `SIGHTLINE_APP` names another binary; without a release build the debug
//! one is measured, and the output says which.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sightline_e2e::{NOW, PASSPHRASE, binary, connect, start_driver, wait_for, workspace_root};

const SCREENS: [&str; 8] = ["trends", "vendors", "claims", "risks", "reports", "sources", "settings", "overview"];

fn app() -> PathBuf {
    if let Some(path) = std::env::var_os("SIGHTLINE_APP") {
        return PathBuf::from(path);
    }
    let release = workspace_root().join("target/release/sightline");
    if release.exists() { release } else { binary("sightline") }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The app's process and the WebKit processes that draw its window (the
/// only ones on the machine while the benchmark runs; the WebDriver's own
/// process is left out).
fn app_processes(app: u32) -> Vec<u32> {
    let mut pids = vec![app];
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if name.starts_with("WebKitWebProces") || name.starts_with("WebKitNetworkPr") {
            pids.push(pid);
        }
    }
    pids
}

/// A field of `/proc/<pid>/smaps_rollup` (kB), summed over processes, in MiB.
fn memory_mib(pids: &[u32], field: &str) -> f64 {
    let kib: u64 = pids
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|rollup| {
            rollup
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1).and_then(|kib| kib.parse::<u64>().ok()))
        })
        .sum();
    kib as f64 / 1024.0
}

fn pid_of(app: &Path) -> Option<u32> {
    let output = Command::new("pgrep").arg("-f").arg(format!("^{}", app.display())).output().ok()?;
    String::from_utf8_lossy(&output.stdout).lines().next()?.trim().parse().ok()
}

fn wait_for_port() -> anyhow::Result<()> {
    let started = Instant::now();
    while TcpStream::connect("127.0.0.1:4444").is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("tauri-driver did not start listening");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let app = app();
    anyhow::ensure!(app.exists(), "{} is missing: build the app first", app.display());
    let data_dir = tempfile::tempdir()?;
    let demo = Command::new(binary("sightline-cli"))
        .args(["demo"])
        .env("SIGHTLINE_DATA_DIR", data_dir.path())
        .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
        .env("SIGHTLINE_NOW", NOW)
        .output()
        .context("build the demo company with sightline-cli")?;
    anyhow::ensure!(demo.status.success(), "sightline-cli demo failed: {}", String::from_utf8_lossy(&demo.stderr));
    println!("app: {}", app.display());
    // The app draws without GPU compositing where there is no GPU: the two
    // cases are different figures, so the output says which it measured.
    let gpu = std::fs::read_dir("/dev/dri")
        .is_ok_and(|entries| entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")));
    println!(
        "drawing: {}",
        if gpu {
            "a GPU is present (a /dev/dri render node): WebKit composites on it"
        } else {
            "no GPU (no /dev/dri render node): WebKit draws in software, without GPU compositing"
        }
    );

    let read_first = Duration::from_millis(
        std::env::var("SIGHTLINE_BENCH_READ_MS").ok().and_then(|ms| ms.parse().ok()).unwrap_or(0),
    );
    println!("first click {} ms after the Overview painted", read_first.as_millis());
    let mut starts = Vec::new();
    // Each screen's first visit after the app opened, then a visit again.
    let mut navigation: Vec<Vec<f64>> = vec![Vec::new(); SCREENS.len()];
    let mut again: Vec<Vec<f64>> = vec![Vec::new(); SCREENS.len()];
    let mut rss_idle = None;
    for run in 0..5 {
        let driver = start_driver(data_dir.path())?;
        wait_for_port()?;
        let started = Instant::now();
        let client = connect(&app).await?;
        wait_for(&client, "[data-testid=overview]").await?;
        client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let cold = started.elapsed().as_secs_f64() * 1000.0;
        starts.push(cold);
        println!("cold start {}: {cold:.0} ms", run + 1);

        // A user reading the Overview before the first click
        // (`SIGHTLINE_BENCH_READ_MS`; by default none: the worst case).
        tokio::time::sleep(read_first).await;
        // Each screen, from a click on its link to its data painted: a
        // first round of visits, then a second.
        for round in [&mut navigation, &mut again] {
            for (index, screen) in SCREENS.iter().enumerate() {
                let ready = if *screen == "overview" {
                    "[data-testid=overview]".to_string()
                } else {
                    // A long list says when it is painted with its first
                    // window of data (`data-shown`), before all is drawn.
                    format!("[data-testid={screen}][data-shown=true], [data-testid={screen}][data-ready=true]")
                };
                let script = format!(
                    "const done = arguments[arguments.length - 1]; const t0 = performance.now(); \
                     document.querySelector('[data-testid=nav-{screen}]').click(); \
                     const poll = () => document.querySelector('{ready}') \
                       ? requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))) \
                       : requestAnimationFrame(poll); \
                     requestAnimationFrame(poll);"
                );
                let took = client.execute_async(&script, vec![]).await?;
                round[index].push(took.as_f64().unwrap_or(f64::NAN));
            }
        }

        if run == 4 {
            // A minute with nobody touching it.
            tokio::time::sleep(Duration::from_secs(60)).await;
            rss_idle = pid_of(&app)
                .map(app_processes)
                .map(|pids| (pids.len() - 1, memory_mib(&pids, "Pss:"), memory_mib(&pids, "Rss:")));
        }
        client.close().await?;
        drop(driver);
    }

    println!();
    println!("cold start to the Overview painted, median of 5: {:.0} ms", median(&mut starts));
    match rss_idle {
        Some((webkit, pss, rss)) => println!(
            "memory after 1 minute idle, the app and its {webkit} WebKit processes: proportional set size {pss:.0} \
             MiB (shared libraries counted once), resident {rss:.0} MiB (shared libraries counted in each process)"
        ),
        None => println!("resident memory: the app's process was not found"),
    }
    println!("navigation, click to the screen painted with its data (median of 5 app runs): first visit, again");
    for ((screen, first), second) in SCREENS.iter().zip(navigation.iter_mut()).zip(again.iter_mut()) {
        println!("  {screen:<9} {:>6.1} ms {:>6.1} ms", median(first), median(second));
    }
    Ok(())
}
