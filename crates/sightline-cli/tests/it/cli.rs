//! The `sightline-cli` binary, run as a user runs it: exit codes, one-line
//! errors, and the figures it prints for the demo company.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

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
        format!("Built the demo company \"Harbor & Finch Logistics\" in {} (18058 records).", dir.path().display())
    );
    dir
}

#[test]
fn kpis_json_gives_every_metric_with_its_contract_fields() {
    let dir = demo_dir();
    let output = cli(dir.path(), &["kpis", "--json", "--vendor", "bluepeak", "--period", "2026-10"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(rows.len(), 36);
    let response = rows.iter().find(|row| row["metric"] == "sla_response_compliance_pct").unwrap();
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
        "skipped_reasons",
        "fetched_at",
    ] {
        assert!(response.get(field).is_some(), "missing {field}");
    }
    assert_eq!(response["vendor"], "bluepeak");
    assert_eq!(response["period"], "2026-10");
    assert_eq!(response["unit"], "percent");
    assert_eq!(response["target"], 95.0);
    assert_eq!(response["status"], "at_risk");
    assert_eq!(response["sources"], serde_json::json!(["bluepeak-psa"]));
    assert_eq!(response["fetched_at"], "2026-11-22T07:25:00+00:00");
    let round = |value: &Value| (value.as_f64().unwrap() * 10.0).round() / 10.0;
    assert_eq!(round(&response["value"]), 88.2);
    assert_eq!(round(&response["previous"]), 92.7);
    // October's shortfall on the contract's credit terms.
    let credit = rows.iter().find(|row| row["metric"] == "service_credit_owed").unwrap();
    assert_eq!(
        (&credit["value"], &credit["unit"], &credit["status"]),
        (&json!(980.88), &json!("money"), &json!("missed"))
    );

    // A quarter, for all vendors together.
    let output = cli(dir.path(), &["kpis", "--json", "--vendor", "all", "--period", "2026-Q3"]);
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(rows.iter().all(|row| row["vendor"] == "all" && row["period"] == "2026-Q3"));
    let restore = rows.iter().find(|row| row["metric"] == "days_since_restore_test").unwrap();
    assert_eq!(restore["value"], 163.0);
}

#[test]
fn disputes_list_the_tickets_the_msp_and_the_contract_judge_differently() {
    let dir = demo_dir();
    let output = cli(dir.path(), &["disputes", "--vendor", "bluepeak", "--period", "2026-10", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(rows.len(), 16);
    assert!(rows.iter().all(|row| row["vendor_says"] == "met" && row["sightline_says"] == "missed"));
    let first = &rows[0];
    for field in [
        "ticket",
        "priority",
        "created_at",
        "target_minutes",
        "elapsed_minutes",
        "paused_minutes",
        "vendor_says",
        "sightline_says",
        "reason",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    assert_eq!(
        (&first["priority"], &first["target"], &first["clock"]),
        (&json!("P4"), &json!("resolution"), &json!("business"))
    );
    assert_eq!(
        first["reason"],
        "Bluepeak IT Services marks it within SLA, but it was fixed after 87 h 47 min in business hours; the P4 target \
         is 45 h."
    );

    let output = cli(dir.path(), &["disputes", "--vendor", "bluepeak", "--period", "2026-10", "--csv"]);
    let text = stdout(&output);
    assert_eq!(
        text.lines().next(),
        Some(
            "source,ticket,priority,created_at,first_response_at,resolved_at,clock,target,target_minutes,\
             elapsed_minutes,paused_minutes,vendor_says,sightline_says,reason"
        )
    );
    assert_eq!(text.lines().count(), 17);

    let output = cli(dir.path(), &["disputes", "--vendor", "bluepeak", "--period", "2026-10"]);
    assert!(
        stdout(&output).starts_with(
            "Bluepeak IT Services and Sightline disagree on 16 tickets of October 2026: 16 tickets marked within SLA \
             that the contract says were late."
        ),
        "{}",
        stdout(&output)
    );
    let output = cli(dir.path(), &["disputes", "--vendor", "nobody"]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output).trim(),
        "error: there is no vendor 'nobody': use one of bluepeak, internal, sentinel, stratus"
    );
}

#[test]
fn kpis_prints_a_readable_table_by_default() {
    let dir = demo_dir();
    let output = cli(dir.path(), &["kpis", "--vendor", "stratus"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Stratus Cloud Hosting (stratus) - 2026-11"), "{text}");
    assert!(text.contains("days_since_restore_test"), "{text}");
    let line = text.lines().find(|line| line.contains("days_since_restore_test")).unwrap();
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["days_since_restore_test", "215", "days", "90", "days", "missed", "194", "days"]
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
    assert!(text.contains("Integrity: not read (`sightline-cli check --full` reads every page)"), "{text}");
    assert!(text.contains("Key:       passphrase (Argon2id)"), "{text}");
    assert!(text.contains("Company:   Harbor & Finch Logistics (demo data)"), "{text}");
    let line = text.lines().find(|line| line.contains("bluepeak-psa")).unwrap();
    assert!(line.contains("last synced 35 min ago"), "{line}");

    let output = cli(dir.path(), &["check", "--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["integrity_ok"], Value::Null);
    assert_eq!(report["records"], 18058);
    assert_eq!(report["sources"].as_array().unwrap().len(), 11);

    let output = cli(dir.path(), &["check", "--full"]);
    assert!(stdout(&output).contains("Integrity: ok (every page read)"), "{}", stdout(&output));
    let output = cli(dir.path(), &["check", "--full", "--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["integrity_ok"], true);
    assert_eq!(report["records"], 18058);
    assert_eq!(report["sources"].as_array().unwrap().len(), 11);
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
        message.trim_end().ends_with(
            "the file was left untouched. If the passphrase is right, move the file aside and bring back a backup with \
             `sightline-cli restore FILE`"
        ),
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
    assert!(stderr(&output).contains("is locked with a passphrase: set SIGHTLINE_PASSPHRASE"), "{}", stderr(&output));
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
    for args in [vec!["--help"], vec!["demo", "--help"], vec!["kpis", "--help"], vec!["check", "--help"]] {
        let output = cli(dir.path(), &args);
        assert!(output.status.success(), "{args:?}");
        assert!(stdout(&output).contains("Usage: sightline-cli"), "{args:?}");
    }
    // Help opens no cache.
    assert!(!dir.path().join("cache.sightline").exists());
}

#[test]
fn risks_show_each_planted_problem_and_nothing_absurd() {
    let dir = demo_dir();
    let output = cli(dir.path(), &["risks", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let risks: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let seen: Vec<(String, String)> = risks
        .iter()
        .map(|risk| (risk["severity"].as_str().unwrap().to_string(), risk["id"].as_str().unwrap().to_string()))
        .collect();
    let expected = [
        // The company's own directory: two administrators without MFA.
        ("red", "admin_without_mfa:directory"),
        // Nine laptops Bluepeak manages that Defender does not see.
        ("red", "coverage_gap:protection"),
        ("red", "critical_patch_overdue:stratus"),
        ("red", "critical_vulnerability_overdue:stratus"),
        // Bluepeak reports a hole fixed that Defender still finds.
        ("red", "fixed_claim_contradicted:bluepeak-rmm:VULN-117768"),
        ("red", "patch_compliance:stratus"),
        // The former Bluepeak engineer's administrator account.
        ("red", "provider_account_without_mfa:bluepeak"),
        ("red", "restore_test_overdue:stratus"),
        // Among ambers, the larger likelihood times impact first.
        ("amber", "certificate_expiring:www.harborfinch.example"),
        // The second domain's registration runs out in 41 days; anyone can
        // send e-mail as the main one (DMARC none).
        ("amber", "domain_expiring:harborfinch-tracking.example"),
        ("amber", "email_spoofable:harborfinch.example"),
        ("amber", "mfa_coverage:directory"),
        ("amber", "single_vendor_service:email"),
        ("amber", "single_vendor_service:erp"),
        ("amber", "uptime_below_target:service:website"),
        ("amber", "uptime_below_target:stratus"),
        ("amber", "dormant_account:directory"),
        ("amber", "evidence_on_file:bluepeak:soc2"),
        ("amber", "evidence_on_file:stratus:pentest"),
        ("amber", "key_person:bluepeak"),
        ("amber", "reported_sla_mismatch:bluepeak"),
        ("amber", "sla_below_target:bluepeak:response"),
        ("amber", "worsening:bluepeak:csat_pct"),
        ("amber", "worsening:bluepeak:sla_resolution_compliance_pct"),
        ("amber", "worsening:bluepeak:sla_response_compliance_pct"),
        ("amber", "worsening:stratus:patch_compliance_pct"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(s, id)| (s.to_string(), id.to_string())).collect();
    assert_eq!(seen, expected);
    let certificate = &risks[8];
    for field in [
        "id",
        "rule",
        "severity",
        "vendor",
        "headline",
        "why",
        "question",
        "evidence",
        "first_seen",
        "state",
        "acknowledged",
    ] {
        assert!(certificate.get(field).is_some(), "missing {field}");
    }
    assert_eq!(certificate["headline"], "The certificate for www.harborfinch.example expires in 12 days (4 December)");
    assert_eq!(certificate["state"], "new");
    assert_eq!(certificate["acknowledged"], Value::Null);
    let vulnerability = &risks[3];
    assert_eq!(
        vulnerability["headline"],
        "Stratus Cloud Hosting has 1 critical security weakness open for 45 days; the deadline is 15 days"
    );
    assert_eq!(vulnerability["records"].as_array().unwrap().len(), 1);
    let restore = &risks[7];
    assert_eq!(restore["evidence"][0]["metric"], "days_since_restore_test");
    assert_eq!(restore["evidence"][0]["value"], 215.0);

    let text = stdout(&cli(dir.path(), &["risks"]));
    assert!(text.starts_with("RED   2 administrator accounts have no second sign-in factor (MFA)"), "{text}");
    assert!(text.contains("      Ask: When will Stratus Cloud Hosting restore a test system from backup"), "{text}");

    // The company's own Defender against the provider's tools.
    let coverage = &risks[1];
    assert_eq!(
        coverage["headline"],
        "9 computers have no endpoint protection: it does not see them (HF-LT-188, HF-LT-189, HF-LT-190, HF-LT-191, \
         HF-LT-192 and 4 more)"
    );
    assert_eq!(coverage["vendor"], "bluepeak");
    assert_eq!(coverage["evidence"][0]["metric"], "agent_coverage_pct");
    let devices: Vec<&str> = coverage["records"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(devices.len(), 18, "each of the nine as the management tool and the scanner see it");
    assert!(devices.iter().all(|r| r.starts_with("bluepeak-rmm:") || r.starts_with("sentinel-scan:")), "{devices:?}");
    let claim = &risks[4];
    assert_eq!(
        claim["headline"],
        "Bluepeak IT Services reports CVE-2026-31337 on HF-LT-014 fixed on 12 November 2026, but Microsoft Defender \
         (company tenant) still finds it there"
    );
    assert_eq!(claim["records"].as_array().unwrap().len(), 2);

    // The company's own directory, the accounts named.
    let admins = &risks[0];
    assert_eq!(
        admins["headline"],
        "2 administrator accounts have no second sign-in factor (MFA): it.admin@harborfinch.example, \
         k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com"
    );
    assert_eq!(admins["evidence"][0]["metric"], "admins_without_mfa");
    assert_eq!(admins["records"].as_array().unwrap().len(), 2);
    assert_eq!(
        risks[6]["headline"],
        "1 account of Bluepeak IT Services' staff has no second factor in the company's directory: \
         k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com"
    );
    assert_eq!(risks[6]["vendor"], "bluepeak");
}

#[test]
fn an_acknowledgement_is_kept_through_a_rebuild() {
    let dir = demo_dir();
    let id = "certificate_expiring:www.harborfinch.example";
    let output = cli(dir.path(), &["ack", id, "--note", "Renewal booked with the registrar for Monday"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        "Acknowledged: The certificate for www.harborfinch.example expires in 12 days (4 December)"
    );
    // Rebuilding recomputes every flag; the note is the user's and stays.
    assert!(cli(dir.path(), &["demo"]).status.success());
    let risks: Vec<Value> = serde_json::from_str(&stdout(&cli(dir.path(), &["risks", "--json"]))).unwrap();
    let flag = risks.iter().find(|risk| risk["id"] == id).unwrap();
    assert_eq!(flag["acknowledged"]["note"], "Renewal booked with the registrar for Monday");
    assert_eq!(flag["acknowledged"]["at"], "2026-11-22T08:00:00+00:00");

    let output = cli(dir.path(), &["ack", "no_such_flag:x", "--note", "hello"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "error: there is no flag 'no_such_flag:x': `sightline-cli risks --all` lists their ids"
    );
}

#[test]
fn a_folder_with_no_cache_is_named_not_read_as_all_clear() {
    let dir = tempfile::tempdir().unwrap();
    let mistyped = dir.path().join("sightlin");
    for command in [&["risks"][..], &["kpis"], &["check"], &["report", "--out", "board.pdf"]] {
        let output = cli(&mistyped, command);
        assert!(!output.status.success(), "{command:?}");
        assert_eq!(
            stderr(&output).trim(),
            format!(
                "error: there is no Sightline cache in {}: check --data-dir (or SIGHTLINE_DATA_DIR), or create one \
                 with `sightline-cli sync` (your company) or `sightline-cli demo`",
                mistyped.display()
            ),
            "{command:?}"
        );
        assert_eq!(stdout(&output), "");
    }
    assert!(!mistyped.exists(), "nothing was created");
}

#[test]
fn the_demo_never_replaces_a_real_company_unasked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sightline.toml"),
        "company = \"Acme Holdings\"\n[[vendor]]\nid = \"acme\"\nname = \"Acme IT\"\nkind = \"msp\"\n",
    )
    .unwrap();
    // The configured company is in the cache once a sync has read it.
    let output = cli(dir.path(), &["sync"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = cli(dir.path(), &["demo"]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output).trim(),
        format!(
            "error: could not build the demo company: {} holds the company \"Acme Holdings\" (0 records); building \
             the demo would replace it, so nothing was changed. Use another --data-dir for the demo, or add \
             --replace if you really mean to replace it",
            dir.path().display()
        )
    );
    let output = cli(dir.path(), &["check", "--json"]);
    let check: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(check["company"], "Acme Holdings");
    let output = cli(dir.path(), &["demo", "--replace"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Claimed vs measured of a month holds only what was known by its end:
/// the fix Bluepeak reported on 12 November that Defender contradicts is
/// November's disagreement, not October's, on the screen's view and in
/// the board report alike.
#[test]
fn claims_of_a_month_hold_only_what_was_known_by_its_end() {
    let dir = demo_dir();
    let patching = |period: &str| -> Value {
        let output = cli(dir.path(), &["claims", "--period", period, "--json"]);
        let view: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let bluepeak =
            view["vendors"].as_array().unwrap().iter().find(|vendor| vendor["vendor"] == "bluepeak").unwrap();
        bluepeak["rows"].as_array().unwrap().iter().find(|row| row["topic"] == "patching").unwrap().clone()
    };
    let november = patching("2026-11");
    assert_eq!(november["verdict"], "disagree");
    assert_eq!(november["evidence"], serde_json::json!(["bluepeak-rmm:VULN-117768", "company-defender:MDVM-117769"]));
    let october = patching("2026-10");
    assert_eq!(october["verdict"], "agree");
    assert_eq!(october["measured"], "Scanners find no weakness the provider reports fixed");

    let pdf = dir.path().join("october.pdf");
    let output = cli(dir.path(), &["report", "--period", "2026-10", "--out", pdf.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(!text.contains("CVE-2026-31337 on HF-LT-014 fixed"), "{text}");
    assert!(text.contains("Scanners find no weakness"), "{text}");
}
