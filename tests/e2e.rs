//! End-to-end tests of the real desktop app: the `sightline` binary in a
//! real window under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! `cargo xtask e2e` builds the binaries and runs this under `xvfb-run`;
//! it needs `tauri-driver` on the PATH and `WebKitWebDriver` installed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A fixed "now" so that the window and the CLI compute for the same moment.
const NOW: &str = "2026-11-22T08:00:00Z";
const PASSPHRASE: &str = "e2e-test-passphrase";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

fn binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join(name)
}

fn screenshot_dir() -> PathBuf {
    let dir = workspace_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// tauri-driver, stopped when dropped so that a failing test never leaves a
/// session holding its port.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver and the app too.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

fn start_driver(data_dir: &Path) -> anyhow::Result<Driver> {
    let child = Command::new("tauri-driver")
        .env("SIGHTLINE_DATA_DIR", data_dir)
        .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
        .env("SIGHTLINE_NOW", NOW)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start tauri-driver: install it with `cargo install tauri-driver --locked`")?;
    Ok(Driver(child))
}

async fn connect(app: &Path) -> anyhow::Result<Client> {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("wry"));
    capabilities.insert("tauri:options".into(), json!({ "application": app }));
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(capabilities.clone()).connect("http://127.0.0.1:4444").await {
            Ok(client) => return Ok(client),
            // The driver refuses the first attempts while it starts.
            Err(error) if started.elapsed() < Duration::from_secs(20) => {
                let _ = error;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(error) => bail!("could not open a WebDriver session: {error}"),
        }
    }
}

async fn wait_for(client: &Client, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    let started = Instant::now();
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            return Ok(element);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let body = client.source().await.unwrap_or_default();
            bail!("'{css}' did not appear within 30 s; the page was:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn save_screenshot(client: &Client, name: &str) -> anyhow::Result<()> {
    // Two animation frames, so the picture shows the painted page.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await?;
    let png = client.screenshot().await?;
    std::fs::write(screenshot_dir().join(name), png)?;
    Ok(())
}

fn cli_json(data_dir: &Path, command: &str) -> anyhow::Result<Vec<Value>> {
    let output = Command::new(binary("sightline-cli"))
        .args([command, "--json"])
        .env("SIGHTLINE_DATA_DIR", data_dir)
        .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
        .env("SIGHTLINE_NOW", NOW)
        .output()
        .context("run sightline-cli")?;
    if !output.status.success() {
        bail!("sightline-cli {command} failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

struct Seen {
    tiles: Vec<(String, String, String)>,
    demo_banner: bool,
    risks: Vec<String>,
    headline: String,
    focused_after_tab: String,
    /// Tiles that show their sparkline, and whether each image loaded.
    sparklines: Vec<(String, bool)>,
}

async fn read_overview(client: &Client) -> anyhow::Result<Seen> {
    wait_for(client, "[data-testid=tile-vendors]").await?;
    let mut tiles = Vec::new();
    for area in ["service_levels", "security_hygiene", "resilience", "vendors"] {
        let tile = client.find(Locator::Css(&format!("[data-testid=tile-{area}]"))).await?;
        let metric = tile.attr("data-metric").await?.unwrap_or_default();
        let value = tile.attr("data-value").await?.unwrap_or_default();
        let figure = tile.find(Locator::Css("[data-testid=figure]")).await?.text().await?;
        tiles.push((metric, value, figure));
    }
    let demo_banner = client.find(Locator::Css("[data-testid=demo-banner]")).await.is_ok();
    let mut risks = Vec::new();
    for item in client.find_all(Locator::Css("[data-testid=top-risks] .headline")).await? {
        risks.push(item.text().await?);
    }
    let headline = client.find(Locator::Css("[data-testid=headline]")).await?.text().await?;
    let loaded = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=sparkline]')].map(img => \
             [img.closest('article').dataset.testid, img.complete && img.naturalWidth > 0]);",
            vec![],
        )
        .await?;
    let sparklines = serde_json::from_value(loaded)?;
    save_screenshot(client, "overview.png").await?;
    client.execute("document.querySelector('[data-testid=top-risks]').scrollIntoView();", vec![]).await?;
    save_screenshot(client, "overview-risks.png").await?;
    client.execute("window.scrollTo(0, 0);", vec![]).await?;
    // Keyboard: the first Tab lands on the first control, visibly.
    client.execute("document.body.focus();", vec![]).await?;
    client.active_element().await?.send_keys("\u{E004}").await?;
    let focused = client
        .execute("return document.activeElement ? document.activeElement.textContent.trim() : '';", vec![])
        .await?;
    Ok(Seen {
        tiles,
        demo_banner,
        risks,
        headline,
        focused_after_tab: focused.as_str().unwrap_or_default().to_string(),
        sparklines,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overview_shows_the_same_figures_as_the_cli() -> anyhow::Result<()> {
    let app = binary("sightline");
    assert!(app.exists(), "{} is missing: run `cargo xtask e2e`, which builds it first", app.display());
    let data_dir = tempfile::tempdir()?;

    // A first run with an empty data directory: the app builds the demo
    // company itself and says that it is showing demo data.
    let driver = start_driver(data_dir.path())?;
    let client = connect(&app).await?;
    let seen = read_overview(&client).await;
    client.close().await?;
    drop(driver);
    let seen = seen?;

    assert!(seen.demo_banner, "the Overview must say that it shows demo data");
    // The three measured areas show twelve months as a sparkline, drawn by
    // the same renderer as the board report and loaded under the strict CSP.
    assert_eq!(
        seen.sparklines,
        vec![
            ("tile-service_levels".to_string(), true),
            ("tile-security_hygiene".to_string(), true),
            ("tile-resilience".to_string(), true),
        ]
    );
    assert!(seen.headline.starts_with("Needs attention"), "headline was {:?}", seen.headline);
    assert_eq!(seen.focused_after_tab, "Overview");

    let rows = cli_json(data_dir.path(), "kpis")?;
    let all_vendors = |metric: &str| -> Option<f64> {
        rows.iter().find(|row| row["vendor"] == "all" && row["metric"] == metric).and_then(|row| row["value"].as_f64())
    };
    let metric_tiles: Vec<_> = seen.tiles.iter().filter(|(metric, _, _)| !metric.is_empty()).collect();
    assert_eq!(
        metric_tiles.iter().map(|(metric, _, _)| metric.as_str()).collect::<Vec<_>>(),
        ["sla_response_compliance_pct", "patch_compliance_pct", "days_since_restore_test"]
    );
    for (metric, value, figure) in metric_tiles {
        let expected = all_vendors(metric).with_context(|| format!("the CLI has no value for {metric}"))?;
        let shown: f64 = value.parse().with_context(|| format!("tile {metric} shows no number: {value:?}"))?;
        assert_eq!(shown, expected, "{metric}: the window shows {shown}, the CLI says {expected}");
        let text = match metric.as_str() {
            "days_since_restore_test" => format!("{expected:.0} days"),
            _ => format!("{expected:.1}%"),
        };
        assert_eq!(figure, &text, "{metric} is written as {figure:?}");
    }

    // The top five risks are the CLI's first five, in the same order.
    let risks = cli_json(data_dir.path(), "risks")?;
    let expected: Vec<&str> = risks.iter().take(5).filter_map(|risk| risk["headline"].as_str()).collect();
    assert_eq!(seen.risks, expected);

    // The vendors tile counts vendors with no figure at risk or missed.
    let mut vendors: Vec<&str> = rows.iter().filter_map(|row| row["vendor"].as_str()).filter(|v| *v != "all").collect();
    vendors.dedup();
    let on_target = vendors
        .iter()
        .filter(|vendor| {
            rows.iter()
                .filter(|row| row["vendor"] == **vendor)
                .all(|row| row["status"] != "at_risk" && row["status"] != "missed")
        })
        .count();
    let (_, value, figure) = &seen.tiles[3];
    assert_eq!(value, &on_target.to_string());
    assert_eq!(figure, &format!("{on_target} of {}", vendors.len()));
    Ok(())
}
