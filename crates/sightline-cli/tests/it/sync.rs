//! Syncing real sources, end to end through the binary: a fake ConnectWise
//! and a fake NinjaOne on 127.0.0.1 and a local TLS server with a
//! certificate expiring in ten days, then `kpis --json` and `risks --json`
//! show what they should. Also: credentials go in through stdin only, and a
//! sync killed while it writes leaves the previous data intact.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use sightline_test_support::connectwise::{self, FakeConnectWise};
use sightline_test_support::dns::{Answer, Dns};
use sightline_test_support::ninjaone::{self, FakeNinjaOne};
use sightline_test_support::rdap::FakeRegistry;
use sightline_test_support::site::Site;
use sightline_test_support::tls::start_tls_server;

const NOW: &str = "2026-11-22T08:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

fn command(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sightline-cli"));
    command
        .args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env("SIGHTLINE_PASSPHRASE", "sync-test")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("SIGHTLINE_PASSPHRASE_FILE")
        .env_remove("SIGHTLINE_DATA_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    command
}

async fn cli(data_dir: &Path, args: &[&str]) -> Output {
    let mut command = command(data_dir, args);
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

async fn cli_with_stdin(data_dir: &Path, args: &[&str], input: &str) -> Output {
    let mut command = command(data_dir, args);
    let input = input.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn metric<'a>(rows: &'a [Value], vendor: &str, key: &str) -> &'a Value {
    rows.iter().find(|row| row["vendor"] == vendor && row["metric"] == key).unwrap_or_else(|| panic!("{vendor} {key}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectwise_ninjaone_and_a_certificate_reach_kpis_and_risks() {
    let psa = FakeConnectWise::start(connectwise::tickets(200, now(), chrono::Duration::hours(3))).await;
    let rmm = FakeNinjaOne::start(now()).await;
    let tls = start_tls_server("localhost", now() + chrono::Duration::days(10)).await;
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"company = "Harbor & Finch Logistics"

[[vendor]]
id = "bluepeak"
name = "Bluepeak IT Services"
kind = "msp"

[[vendor]]
id = "harbor-it"
name = "Internal IT"
kind = "internal"

[[source]]
id = "bluepeak-psa"
kind = "connectwise"
vendor = "bluepeak"
base_url = "{psa}"
company_id = "{company}"
client_id = "{client}"

[[source]]
id = "bluepeak-rmm"
kind = "ninjaone"
vendor = "bluepeak"
base_url = "{rmm}"

[[source]]
id = "public-sites"
kind = "tls"
vendor = "harbor-it"
hosts = ["localhost:{port}"]
ca_file = "{ca}"
"#,
        psa = psa.base_url(),
        company = connectwise::COMPANY_ID,
        client = connectwise::CLIENT_ID,
        rmm = rmm.base_url(),
        port = tls.address.port(),
        ca = tls.ca_pem_path.display(),
    );
    std::fs::write(dir.path().join("sightline.toml"), config).unwrap();

    // Before any credentials: the sources that need them fail, and say how to fix it.
    let output = cli(dir.path(), &["sync"]).await;
    assert!(!output.status.success());
    let error = text(&output.stderr);
    assert!(error.contains("error: 2 of 3 sources failed to sync:"), "{error}");
    assert!(error.contains(
        "bluepeak-psa: no credentials are stored for bluepeak-psa: run `sightline-cli secret set bluepeak-psa` and enter PUBLIC_KEY:PRIVATE_KEY"
    ));

    let secret = format!("{}:{}\n", connectwise::PUBLIC_KEY, connectwise::PRIVATE_KEY);
    let output = cli_with_stdin(dir.path(), &["secret", "set", "bluepeak-psa"], &secret).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).trim(), "Stored the credentials for bluepeak-psa.");
    let secret = format!("{}:{}\n", ninjaone::CLIENT_ID, ninjaone::CLIENT_SECRET);
    let output = cli_with_stdin(dir.path(), &["secret", "set", "bluepeak-rmm"], &secret).await;
    assert!(output.status.success(), "{}", text(&output.stderr));

    let output = cli(dir.path(), &["sync", "--json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let summary: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    let results: Vec<(String, bool, u64)> = summary["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["source"].as_str().unwrap().to_string(), s["ok"].as_bool().unwrap(), s["records"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        results,
        vec![("bluepeak-psa".into(), true, 200), ("bluepeak-rmm".into(), true, 74), ("public-sites".into(), true, 1)]
    );
    // 200 tickets in one page of 1,000, then the default SLA and its priorities.
    assert_eq!(summary["sources"][0]["requests"], 3);

    // No secret reached the cache file in clear, the log or the output.
    let cache = std::fs::read(dir.path().join("cache.sightline")).unwrap();
    for secret in [connectwise::PRIVATE_KEY, ninjaone::CLIENT_SECRET] {
        assert!(!cache.windows(secret.len()).any(|window| window == secret.as_bytes()));
        assert!(!text(&output.stdout).contains(secret) && !text(&output.stderr).contains(secret));
    }

    let output = cli(dir.path(), &["kpis", "--json", "--period", "2026-11"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows: Vec<Value> = serde_json::from_str(&text(&output.stdout)).unwrap();
    let value = |vendor: &str, key: &str| metric(&rows, vendor, key)["value"].clone();
    // Tickets every 3 hours back from 08:00 on the 22nd: 170 of them in November.
    assert_eq!(value("bluepeak", "tickets_opened"), 170.0);
    // Timed on the SLA's own calendar, Mon-Fri 08:00-17:00, read from
    // ConnectWise: most tickets come in and are answered outside those
    // hours, so the typical answer took no business time at all.
    assert_eq!(value("bluepeak", "first_response_median_minutes"), 0.0);
    assert_eq!(value("bluepeak", "resolution_median_hours"), 0.0);
    // Those opened at 08:00, 11:00 and 14:00 on a weekday took their three
    // hours inside business hours.
    assert_eq!(value("bluepeak", "resolution_p90_hours"), 3.0);
    // The SLA came from ConnectWise itself (P1: 15 minutes), and every answer took 10.
    assert_eq!(value("bluepeak", "sla_response_compliance_pct"), 100.0);
    assert_eq!(
        metric(&rows, "bluepeak", "sla_response_compliance_pct")["sources"],
        serde_json::json!(["bluepeak-psa"])
    );
    // Three of ten devices miss a critical patch for 20 days.
    assert_eq!(value("bluepeak", "patch_compliance_pct"), 70.0);
    assert_eq!(value("bluepeak", "critical_patch_max_age_days"), 20.0);
    assert_eq!(value("harbor-it", "cert_min_days_to_expiry"), 10.0);
    assert_eq!(metric(&rows, "harbor-it", "cert_min_days_to_expiry")["sources"], serde_json::json!(["public-sites"]));

    let output = cli(dir.path(), &["risks", "--json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let risks: Vec<Value> = serde_json::from_str(&text(&output.stdout)).unwrap();
    let ids: Vec<&str> = risks.iter().map(|risk| risk["id"].as_str().unwrap()).collect();
    for expected in ["certificate_expiring:localhost", "patch_compliance:bluepeak", "critical_patch_overdue:bluepeak"] {
        assert!(ids.contains(&expected), "{expected} not in {ids:?}");
    }
    let certificate = risks.iter().find(|risk| risk["id"] == "certificate_expiring:localhost").unwrap();
    assert_eq!(certificate["severity"], "amber");
    let patches = risks.iter().find(|risk| risk["id"] == "patch_compliance:bluepeak").unwrap();
    assert_eq!(patches["severity"], "red");

    // A second sync of ConnectWise, with nothing changed, asks only for changes: one short page.
    let before = psa.ticket_requests().await.len();
    let output = cli(dir.path(), &["sync", "--source", "bluepeak-psa", "--json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let summary: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    assert_eq!(summary["sources"][0]["full"], false);
    assert_eq!(summary["sources"][0]["requests"], 1);
    let requests = psa.ticket_requests().await;
    assert_eq!(requests.len(), before + 1);
    let condition =
        requests.last().unwrap().url.query_pairs().find(|(key, _)| key == "conditions").unwrap().1.into_owned();
    assert_eq!(condition, "lastUpdated>=[2026-11-22T05:10:00Z]");
}

/// `sightline-cli probe` every five minutes for an hour against a local
/// site that answers 503 for three of the checks: the month's figures and
/// flags are exactly that outage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probed_outage_becomes_availability_outages_and_a_flag_against_the_contract() {
    let site = Site::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"company = "Harbor & Finch Logistics"
timezone = "UTC"

[[vendor]]
id = "bluepeak"
name = "Bluepeak IT Services"
kind = "msp"
uptime_target_pct = 99.9

[[service]]
id = "portal"
name = "Customer portal"
vendors = ["bluepeak"]
uptime_target_pct = 99.5
monitors = ["portal-check"]

[[source]]
id = "portal-check"
kind = "http"
vendor = "bluepeak"
urls = ["{}"]
every_minutes = 5
"#,
        site.url()
    );
    std::fs::write(dir.path().join("sightline.toml"), config).unwrap();
    let first: DateTime<Utc> = "2026-11-10T10:00:00Z".parse().unwrap();
    for check in 0..12 {
        // Down from 10:20 until the check at 10:35 finds it up again.
        site.answer(if (4..=6).contains(&check) { 503 } else { 200 }).await;
        let at = (first + chrono::Duration::minutes(5 * check)).to_rfc3339();
        let mut command = command(dir.path(), &["probe", "--json"]);
        command.env("SIGHTLINE_NOW", &at);
        let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        let summary: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
        assert_eq!(
            (summary["sources"][0]["source"].as_str(), summary["sources"][0]["records"].as_u64()),
            (Some("portal-check"), Some(1))
        );
    }

    let later = |args: &'static [&'static str]| {
        let mut command = command(dir.path(), args);
        command.env("SIGHTLINE_NOW", "2026-12-02T08:00:00Z");
        tokio::task::spawn_blocking(move || command.output().unwrap())
    };
    let output = later(&["kpis", "--json", "--vendor", "bluepeak", "--period", "2026-11"]).await.unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows: Vec<Value> = serde_json::from_str(&text(&output.stdout)).unwrap();
    let value = |key: &str| metric(&rows, "bluepeak", key)["value"].clone();
    // An hour watched, 15 minutes of it down.
    assert_eq!(value("availability_pct"), 75.0);
    assert_eq!(metric(&rows, "bluepeak", "availability_pct")["target"], 99.9);
    assert_eq!(metric(&rows, "bluepeak", "availability_pct")["status"], "missed");
    assert_eq!(value("outages"), 1.0);
    assert_eq!(value("outage_mttr_minutes"), 15.0);
    // Samples of one state in a row are kept as one window.
    assert_eq!(metric(&rows, "bluepeak", "outages")["records"], 1);

    let output = later(&["risks", "--json"]).await.unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let risks: Vec<Value> = serde_json::from_str(&text(&output.stdout)).unwrap();
    let flag = |id: &str| risks.iter().find(|risk| risk["id"] == id).unwrap_or_else(|| panic!("{id} in {risks:?}"));
    let vendor = flag("uptime_below_target:bluepeak");
    assert_eq!(vendor["severity"], "red");
    assert_eq!(
        vendor["headline"],
        "Bluepeak IT Services' services were up 75% of the 1 h watched in November 2026; the contract promises \
         99.9%: 1 outage, the longest 15 min on 10 November 2026"
    );
    let url = site.url();
    assert_eq!(vendor["records"], serde_json::json!([format!("portal-check:{url}@2026-11-10T10:20:00Z")]));
    let service = flag("uptime_below_target:service:portal");
    assert_eq!(
        service["headline"],
        "Customer portal was up 75% of the 1 h watched in November 2026; its target is 99.5%: 1 outage, the \
         longest 15 min on 10 November 2026"
    );
}

/// A `domain` check of a local DNS server and a local registry: the
/// DMARC policy of none and the registration running out become flags;
/// a later run whose DNS server fails records nothing and loses nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_anyone_can_send_mail_as_is_flagged_and_a_failed_check_keeps_it() {
    let dns = Dns::start(
        &[
            ("harborfinch.example", Answer::Txt("v=spf1 include:_spf.mailhost.example -all".into())),
            ("harborfinch.example", Answer::Mx(10, "mx1.mailhost.example".into())),
            (
                "_dmarc.harborfinch.example",
                Answer::Txt("v=DMARC1; p=none; rua=mailto:dmarc@harborfinch.example".into()),
            ),
        ],
        &[],
    );
    let registry =
        FakeRegistry::start(&[("harborfinch.example", "2026-12-20T00:00:00Z", "Northwind Names, Inc.")]).await;
    let dir = tempfile::tempdir().unwrap();
    let config = |nameserver: &str| {
        format!(
            r#"company = "Harbor & Finch Logistics"
timezone = "UTC"

[[vendor]]
id = "stratus"
name = "Stratus Cloud Hosting"
kind = "cloud"

[[source]]
id = "domain-check"
kind = "domain"
vendor = "stratus"
domains = ["harborfinch.example"]
nameservers = ["{nameserver}"]
rdap_bootstrap = "{}"
"#,
            registry.bootstrap()
        )
    };
    std::fs::write(dir.path().join("sightline.toml"), config(&dns.address())).unwrap();
    let output = cli(dir.path(), &["probe", "--json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let summary: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    assert_eq!(summary["sources"][0]["records"], 1, "{summary}");

    let expected = [
        (
            "domain_expiring:harborfinch.example",
            "amber",
            "The registration of harborfinch.example runs out in 27 days (20 December 2026)",
        ),
        (
            "email_spoofable:harborfinch.example",
            "amber",
            "Anyone can send e-mail as harborfinch.example: its DMARC policy is none",
        ),
    ];
    let flags = |output: &Output| -> Vec<(String, String, String)> {
        assert!(output.status.success(), "{}", text(&output.stderr));
        let risks: Vec<Value> = serde_json::from_str(&text(&output.stdout)).unwrap();
        // The company's other flags (documents and reviews not on file)
        // are not this check's.
        let mut found: Vec<(String, String, String)> = risks
            .iter()
            .filter(|risk| {
                risk["rule"].as_str().is_some_and(|rule| rule.starts_with("domain_") || rule == "email_spoofable")
            })
            .map(|risk| {
                let field = |key: &str| risk[key].as_str().unwrap_or_default().to_string();
                (field("id"), field("severity"), field("headline"))
            })
            .collect();
        found.sort();
        found
    };
    let as_owned = |list: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        list.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
    };
    assert_eq!(flags(&cli(dir.path(), &["risks", "--json"]).await), as_owned(&expected));

    // The registry no longer answering for the domain: the DNS reading is
    // taken, the expiry last read kept, and so is its flag.
    let silent_registry = FakeRegistry::start(&[]).await;
    std::fs::write(
        dir.path().join("sightline.toml"),
        config(&dns.address()).replace(&registry.bootstrap(), &silent_registry.bootstrap()),
    )
    .unwrap();
    let output = cli(dir.path(), &["probe", "--json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout)
            .contains("harborfinch.example: its registry has no record of it: its expiry was not checked"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(flags(&cli(dir.path(), &["risks", "--json"]).await), as_owned(&expected));

    // The DNS server gone: the check fails, saying why, and what it found
    // before still stands.
    drop(dns);
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    std::fs::write(dir.path().join("sightline.toml"), config(&silent.local_addr().unwrap().to_string())).unwrap();
    let output = cli(dir.path(), &["probe"]).await;
    assert!(!output.status.success());
    assert!(
        text(&output.stderr)
            .contains("this machine may be offline or its DNS server unreachable, so nothing was recorded"),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert_eq!(flags(&cli(dir.path(), &["risks", "--json"]).await), as_owned(&expected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_come_from_stdin_in_the_documented_form() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sightline.toml"),
        "[[vendor]]\nid = \"acme\"\nname = \"Acme IT\"\nkind = \"msp\"\n\n[[source]]\nid = \"acme-psa\"\nkind = \"servicenow\"\nvendor = \"acme\"\nbase_url = \"https://acme.service-now.example\"\n",
    )
    .unwrap();
    let output = cli_with_stdin(dir.path(), &["secret", "set", "acme-psa"], "just-a-password\n").await;
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).trim(),
        "error: credentials for acme-psa must be in the form USER:PASSWORD: nothing was stored"
    );
    let output = cli_with_stdin(dir.path(), &["secret", "set", "nosuch"], "a:b\n").await;
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("there is no source 'nosuch' in"));
    let output = cli_with_stdin(dir.path(), &["secret", "set", "acme-psa"], "svc-sightline:s3cret\n").await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = cli(dir.path(), &["sources"]).await;
    assert!(text(&output.stdout).contains("credentials stored (USER:PASSWORD)"), "{}", text(&output.stdout));
    let output = cli(dir.path(), &["secret", "delete", "acme-psa"]).await;
    assert_eq!(text(&output.stdout).trim(), "Removed the credentials for acme-psa.");
    let output = cli(dir.path(), &["sources"]).await;
    assert!(text(&output.stdout).contains("NO CREDENTIALS: run `sightline-cli secret set acme-psa`"));
}

/// Writes a ticket CSV of `rows` rows.
fn ticket_csv(path: &Path, rows: usize) {
    let mut text = String::from("id,created_at,priority,first_response_at,resolved_at,resolved_by\n");
    for index in 0..rows {
        let day = 1 + index % 28;
        text.push_str(&format!(
            "T{index},2026-10-{day:02} 09:00,P2,2026-10-{day:02} 09:20,2026-10-{day:02} 15:00,engineer{}\n",
            index % 4
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// Kills the process if the test fails before it does.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_while_writing_leaves_the_previous_data() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tickets.csv");
    std::fs::write(
        dir.path().join("sightline.toml"),
        "[[vendor]]\nid = \"internal\"\nname = \"Internal IT\"\nkind = \"internal\"\n\n[[source]]\nid = \"helpdesk\"\nkind = \"csv\"\nvendor = \"internal\"\npath = \"tickets.csv\"\nrecord = \"tickets\"\n",
    )
    .unwrap();
    ticket_csv(&csv, 50);
    let output = cli(dir.path(), &["sync"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let records = |output: &Output| -> u64 {
        let report: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
        report["records"].as_u64().unwrap()
    };
    assert_eq!(records(&cli(dir.path(), &["check", "--json"]).await), 50);

    // A big file: kill the sync once it is writing (the write-ahead log grows).
    ticket_csv(&csv, 400_000);
    let wal = dir.path().join("cache.sightline-wal");
    let mut child =
        KillOnDrop(command(dir.path(), &["sync"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    let started = Instant::now();
    let killed_while_writing = loop {
        if child.0.try_wait().unwrap().is_some() {
            break false;
        }
        if std::fs::metadata(&wal).map(|meta| meta.len()).unwrap_or(0) > 4 << 20 {
            child.0.kill().unwrap(); // SIGKILL
            child.0.wait().unwrap();
            break true;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the sync never started writing");
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(killed_while_writing, "the sync finished before it could be killed: make the file bigger");

    let output = cli(dir.path(), &["check", "--full", "--json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    assert_eq!(report["integrity_ok"], true);
    assert_eq!(report["records"], 50, "the killed sync left part of its run behind");
}
