//! The `sightline-cli` binary, run as a user runs it: exit codes, one-line
//! errors, and the figures it prints for the demo company.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2026-11-22T08:00:00Z";

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env("SIGHTLINE_PASSPHRASE", "cli-test")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("SIGHTLINE_PASSPHRASE_FILE")
        .env_remove("SIGHTLINE_DATA_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = cli(dir.path(), &["demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        format!(
            "Built the demo company \"Harbor & Finch Logistics\" in {} (15846 records).",
            dir.path().display()
        )
    );
    dir
}

#[test]
fn kpis_json_gives_every_metric_with_its_contract_fields() {
    let dir = demo_dir();
    let output = cli(
        dir.path(),
        &[
            "kpis", "--json", "--vendor", "bluepeak", "--period", "2026-10",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(rows.len(), 9);
    let response = rows
        .iter()
        .find(|row| row["metric"] == "sla_response_compliance_pct")
        .unwrap();
    for field in [
        "vendor",
        "metric",
        "period",
        "value",
        "unit",
        "target",
        "status",
        "previous",
        "sources",
        "records",
        "skipped",
        "fetched_at",
    ] {
        assert!(response.get(field).is_some(), "missing {field}");
    }
    assert_eq!(response["vendor"], "bluepeak");
    assert_eq!(response["period"], "2026-10");
    assert_eq!(response["unit"], "percent");
    assert_eq!(response["target"], 95.0);
    assert_eq!(response["status"], "missed");
    assert_eq!(response["sources"], serde_json::json!(["bluepeak-psa"]));
    assert_eq!(response["fetched_at"], "2026-11-22T07:25:00+00:00");
    let round = |value: &Value| (value.as_f64().unwrap() * 10.0).round() / 10.0;
    assert_eq!(round(&response["value"]), 84.2);
    assert_eq!(round(&response["previous"]), 92.9);

    // A quarter, for all vendors together.
    let output = cli(
        dir.path(),
        &["kpis", "--json", "--vendor", "all", "--period", "2026-Q3"],
    );
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        rows.iter()
            .all(|row| row["vendor"] == "all" && row["period"] == "2026-Q3")
    );
    let restore = rows
        .iter()
        .find(|row| row["metric"] == "days_since_restore_test")
        .unwrap();
    assert_eq!(restore["value"], 163.0);
}

#[test]
fn kpis_prints_a_readable_table_by_default() {
    let dir = demo_dir();
    let output = cli(dir.path(), &["kpis", "--vendor", "stratus"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Stratus Cloud Hosting (stratus) - 2026-11"),
        "{text}"
    );
    assert!(text.contains("days_since_restore_test"), "{text}");
    let line = text
        .lines()
        .find(|line| line.contains("days_since_restore_test"))
        .unwrap();
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        [
            "days_since_restore_test",
            "215",
            "d",
            "90",
            "d",
            "missed",
            "194",
            "d"
        ]
    );
}

#[test]
fn bad_input_gets_one_plain_line_and_a_failing_exit_code() {
    let dir = demo_dir();
    let check = |args: &[&str], expected: &str| {
        let output = cli(dir.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&output).trim(), expected, "{args:?}");
        assert!(stdout(&output).is_empty());
    };
    check(
        &["kpis", "--vendor", "nobody"],
        "error: there is no vendor 'nobody': use one of bluepeak, internal, sentinel, stratus, or all",
    );
    check(
        &["kpis", "--period", "October"],
        "error: 'October' is not a period: write a month as 2026-10 or a quarter as 2026-Q3",
    );
}

#[test]
fn check_reports_the_cache_and_each_source() {
    let dir = demo_dir();
    let output = cli(dir.path(), &["check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Integrity: ok"), "{text}");
    assert!(text.contains("Key:       passphrase (Argon2id)"), "{text}");
    assert!(
        text.contains("Company:   Harbor & Finch Logistics (demo data)"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|line| line.contains("bluepeak-psa"))
        .unwrap();
    assert!(line.contains("last synced 35 min ago"), "{line}");

    let output = cli(dir.path(), &["check", "--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["integrity_ok"], true);
    assert_eq!(report["records"], 15846);
    assert_eq!(report["sources"].as_array().unwrap().len(), 6);
}

#[test]
fn a_wrong_passphrase_is_a_clear_error() {
    let dir = demo_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "check"])
        .env("SIGHTLINE_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("error: the cache at "), "{message}");
    assert!(
        message.trim_end().ends_with("the file was left untouched"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1);

    let output = Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "check"])
        .env_remove("SIGHTLINE_PASSPHRASE")
        .env_remove("SIGHTLINE_PASSPHRASE_FILE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is locked with a passphrase: set SIGHTLINE_PASSPHRASE"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_passphrase_can_come_from_a_file() {
    let dir = demo_dir();
    let file = dir.path().join("passphrase.txt");
    std::fs::write(&file, "cli-test\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "check"])
        .env_remove("SIGHTLINE_PASSPHRASE")
        .env("SIGHTLINE_PASSPHRASE_FILE", &file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["kpis", "--help"],
        vec!["check", "--help"],
    ] {
        let output = cli(dir.path(), &args);
        assert!(output.status.success(), "{args:?}");
        assert!(stdout(&output).contains("Usage: sightline-cli"), "{args:?}");
    }
    // Help opens no cache.
    assert!(!dir.path().join("cache.sightline").exists());
}
