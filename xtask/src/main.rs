//! Project automation, so that CI and developers run the same steps:
//! `cargo xtask ci | codegen | e2e | ui`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

const USAGE: &str = "usage: cargo xtask <ci | codegen | e2e | ui>
  ci       everything CI checks: UI checks and tests, fmt, clippy -D warnings, all tests, desktop e2e
  codegen  regenerate ui/src/ipc/bindings.ts from the Rust IPC types
  e2e      build the app and CLI, then run the desktop end-to-end tests under Xvfb
  ui       install the UI's node modules, check, test and build it into ui/dist
  package  build the release app and its Linux .deb (target/release/bundle/deb/)";

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = workspace_root();
    std::env::set_current_dir(&root)?;
    match task.as_str() {
        "ci" => ci(&root),
        "codegen" => codegen(),
        "e2e" => e2e(&mut Tally::default()),
        "ui" => ui(&root),
        "package" => package(&root),
        _ => bail!("{USAGE}"),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

/// Runs a command, echoing it, and fails with its name if it fails.
fn run(program: &str, args: &[&str], envs: &[(&str, &str)], dir: Option<&Path>) -> anyhow::Result<()> {
    eprintln!("\n$ {program} {}", args.join(" "));
    let mut command = Command::new(program);
    command.args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let status = command.status().with_context(|| format!("could not run {program}: is it installed?"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Test counts, added up over every cargo test run.
#[derive(Debug, Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Runs `cargo test ...`, echoing its output and adding up its
    /// "test result:" lines.
    fn cargo_test(&mut self, prefix: &[&str], args: &[&str]) -> anyhow::Result<()> {
        let (program, rest) = match prefix.split_first() {
            Some((program, rest)) => (*program, rest.iter().copied().chain(["cargo", "test"]).collect::<Vec<_>>()),
            None => ("cargo", vec!["test"]),
        };
        let all: Vec<&str> = rest.iter().copied().chain(args.iter().copied()).collect();
        eprintln!("\n$ {program} {}", all.join(" "));
        let mut child = Command::new(program).args(&all).stdout(Stdio::piped()).spawn()?;
        let stdout = child.stdout.take().expect("piped");
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if let Some(result) = line.strip_prefix("test result: ") {
                let count = |word: &str| {
                    result
                        .split(';')
                        .find_map(|part| {
                            part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(word)
                        })
                        .and_then(|number| number.trim().parse::<u64>().ok())
                        .unwrap_or(0)
                };
                self.passed += count(" passed");
                self.failed += count(" failed");
            }
        }
        let status = child.wait()?;
        if !status.success() {
            bail!("`{program} {}` failed ({status})", all.join(" "));
        }
        Ok(())
    }
}

fn ui(root: &Path) -> anyhow::Result<()> {
    let ui = root.join("ui");
    let ui = Some(ui.as_path());
    // `npm install` with the committed lock file, not `npm ci`: the npm on
    // these machines writes lock files that leave out other platforms'
    // optional packages, which `npm ci` then rejects.
    run("npm", &["install", "--no-audit", "--no-fund"], &[], ui)?;
    run("npm", &["run", "check"], &[], ui)?;
    run("npm", &["test"], &[], ui)?;
    run("npm", &["run", "build"], &[], ui)
}

/// The release build and the Linux `.deb`, made by the Tauri CLI from the
/// UI's node modules (macOS and Windows bundles are configured in
/// tauri.conf.json and built on those systems).
fn package(root: &Path) -> anyhow::Result<()> {
    ui(root)?;
    run("ui/node_modules/.bin/tauri", &["build", "--bundles", "deb"], &[], Some(root))
}

fn codegen() -> anyhow::Result<()> {
    run(
        "cargo",
        &["test", "--quiet", "-p", "sightline-api", "--lib", "bindings"],
        &[("SIGHTLINE_UPDATE_BINDINGS", "1")],
        None,
    )
}

fn e2e(tally: &mut Tally) -> anyhow::Result<()> {
    run("cargo", &["build", "-p", "sightline", "-p", "sightline-cli"], &[], None)?;
    tally.cargo_test(
        &["xvfb-run", "-a", "-s", "-screen 0 1280x820x24"],
        &["-p", "sightline-e2e", "--test", "e2e", "--", "--test-threads=1"],
    )
}

fn ci(root: &Path) -> anyhow::Result<()> {
    ui(root)?;
    run("cargo", &["fmt", "--all", "--check"], &[], None)?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"], &[], None)?;
    let mut tally = Tally::default();
    // Unit and integration tests of every crate; doc-tests hold no checks.
    tally.cargo_test(&[], &["--locked", "--lib", "--bins", "--tests"])?;
    e2e(&mut tally)?;
    eprintln!("\nAll checks passed: fmt, clippy, UI checks and tests, Rust tests, desktop end-to-end.");
    // The closing line CI reads.
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(())
}
