//! The harness the desktop end-to-end tests and the desktop benchmark share:
//! the real `sightline` binary in a real window under Xvfb, driven through
//! tauri-driver and WebKitWebDriver, and `sightline-cli` on the same data
//! directory for the expected figures.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A fixed "now" so that the window and the CLI compute for the same moment.
pub const NOW: &str = "2026-11-22T08:00:00Z";
pub const PASSPHRASE: &str = "e2e-test-passphrase";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

pub fn binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join(name)
}

pub fn screenshot_dir() -> PathBuf {
    let dir = workspace_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// tauri-driver, stopped when dropped so that a failing test never leaves a
/// session holding its port.
#[derive(Debug)]
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver and the app too.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

pub fn saved_reports_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("saved-copies")
}

pub fn start_driver(data_dir: &Path) -> anyhow::Result<Driver> {
    start_driver_with(data_dir, &[])
}

/// tauri-driver, and so the app, with more environment (a GTK theme).
pub fn start_driver_with(data_dir: &Path, env: &[(&str, &str)]) -> anyhow::Result<Driver> {
    std::fs::create_dir_all(saved_reports_dir(data_dir))?;
    let child = Command::new("tauri-driver")
        .envs(env.iter().copied())
        .env("SIGHTLINE_DATA_DIR", data_dir)
        // The window's remembered size and place, per test.
        .env("XDG_CONFIG_HOME", data_dir.join("config"))
        .env("SIGHTLINE_SAVE_REPORTS_TO", saved_reports_dir(data_dir))
        // Backups are saved there too, and restored from the file saved.
        .env("SIGHTLINE_SAVE_BACKUPS_TO", saved_reports_dir(data_dir))
        .env("SIGHTLINE_RESTORE_FROM", saved_reports_dir(data_dir).join("Sightline backup.sightline-backup"))
        // A document put on file comes from there.
        .env("SIGHTLINE_EVIDENCE_FROM", saved_reports_dir(data_dir).join("evidence.pdf"))
        .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
        .env("SIGHTLINE_NOW", NOW)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start tauri-driver: install it with `cargo install tauri-driver --locked`")?;
    Ok(Driver(child))
}

pub async fn connect(app: &Path) -> anyhow::Result<Client> {
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

pub async fn wait_for(client: &Client, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
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

/// The text of the element at `css` once it contains `needle`: for a line
/// that was on the screen before and changes when a save lands.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> anyhow::Result<String> {
    let started = Instant::now();
    loop {
        let text = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return Ok(text);
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("'{css}' did not come to read {needle:?} within 30 s; it reads {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn save_screenshot(client: &Client, name: &str) -> anyhow::Result<()> {
    // Two animation frames, so the picture shows the painted page.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await?;
    // The X screen as the user sees it, not WebKit's own snapshot: with GPU
    // compositing off (no GPU here), WebKitWebDriver's snapshot of some pages
    // never returns while the window itself keeps answering.
    let file = screenshot_dir().join(name);
    let mut xwd = Command::new("xwd").args(["-root", "-silent"]).stdout(Stdio::piped()).spawn()?;
    let mut pnm = Command::new("xwdtopnm")
        .stdin(xwd.stdout.take().context("xwd's output")?)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let png = Command::new("pnmtopng").stdin(pnm.stdout.take().context("xwdtopnm's output")?).output()?;
    let captured = xwd.wait()?.success() && pnm.wait()?.success() && png.status.success();
    anyhow::ensure!(captured, "could not capture the screen into {} (xwd, xwdtopnm, pnmtopng)", file.display());
    std::fs::write(file, png.stdout)?;
    Ok(())
}

pub fn cli_json(data_dir: &Path, command: &str) -> anyhow::Result<Vec<Value>> {
    cli_json_args(data_dir, &[command])
}

pub fn cli_json_args(data_dir: &Path, args: &[&str]) -> anyhow::Result<Vec<Value>> {
    Ok(serde_json::from_value(cli_value(data_dir, args)?)?)
}

/// `sightline-cli <args> --json` on the same data directory, whatever its shape.
pub fn cli_value(data_dir: &Path, args: &[&str]) -> anyhow::Result<Value> {
    let command = args.join(" ");
    let output = Command::new(binary("sightline-cli"))
        .args(args)
        .arg("--json")
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

/// The app running on a data directory, for one test.
#[derive(Debug)]
pub struct Session {
    pub client: Client,
    _driver: Driver,
}

impl Session {
    pub async fn start(data_dir: &Path) -> anyhow::Result<Session> {
        Session::start_with(data_dir, &[]).await
    }

    pub async fn start_with(data_dir: &Path, env: &[(&str, &str)]) -> anyhow::Result<Session> {
        let app = binary("sightline");
        assert!(app.exists(), "{} is missing: run `cargo xtask e2e`, which builds it first", app.display());
        let driver = start_driver_with(data_dir, env)?;
        let client = connect(&app).await?;
        wait_for(&client, "[data-testid=overview]").await?;
        Ok(Session { client, _driver: driver })
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.client.close().await?;
        Ok(())
    }

    /// Goes to a screen with a click on its link in the product bar, and
    /// waits until the screen says its data is shown.
    pub async fn click_to(&self, screen: &str) -> anyhow::Result<()> {
        wait_for(&self.client, &format!("[data-testid=nav-{screen}]")).await?.click().await?;
        self.ready(screen).await
    }

    /// Goes to a screen from the keyboard: focus its link, press Enter.
    pub async fn key_to(&self, screen: &str) -> anyhow::Result<()> {
        self.client.execute(&format!("document.querySelector('[data-testid=nav-{screen}]').focus();"), vec![]).await?;
        self.client.active_element().await?.send_keys("\u{E007}").await?;
        self.ready(screen).await
    }

    pub async fn ready(&self, screen: &str) -> anyhow::Result<()> {
        wait_for(&self.client, &format!("[data-testid={screen}][data-ready=true]")).await?;
        Ok(())
    }

    pub async fn texts(&self, css: &str) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            out.push(element.text().await?.trim().to_string());
        }
        Ok(out)
    }

    pub async fn attrs(&self, css: &str, attr: &str) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            out.push(element.attr(attr).await?.unwrap_or_default());
        }
        Ok(out)
    }

    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        save_screenshot(&self.client, name).await
    }
}
