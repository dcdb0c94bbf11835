//! Syncs 50,000 weaknesses on 2,000 computers from a local fake Defender
//! (pages of 10,000) and 20,000 from a local fake Tenable (an export of 40
//! chunks) into a real encrypted cache, then syncs again with nothing
//! changed. Prints the wall time, the requests made and the records applied
//! of each source and run. Run with `cargo bench -p sightline-sync --bench security`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_domain::Secret;
use sightline_store::{OsKeychain, Store, Unlock};
use sightline_sync::{Config, SyncOptions, sync};
use wiremock::matchers::{body_string_contains, method, path, path_regex, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MACHINES: usize = 2_000;
const DEFENDER_FINDINGS: usize = 50_000;
const DEFENDER_PAGE: usize = 10_000;
const TENABLE_FINDINGS: usize = 20_000;
const TENABLE_CHUNK: usize = 500;
const TENANT: &str = "harborfinch.example";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

async fn fake_defender() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "token_type": "Bearer"})))
        .mount(&server)
        .await;
    let machines: Vec<Value> = (0..MACHINES)
        .map(|n| {
            json!({"id": format!("m{n}"), "computerDnsName": format!("hf-lt-{n:04}.harborfinch.local"),
                   "firstSeen": "2024-01-01T00:00:00Z", "lastSeen": "2026-11-22T07:00:00Z",
                   "osPlatform": "Windows11", "healthStatus": "Active", "onboardingStatus": "Onboarded"})
        })
        .collect();
    Mock::given(method("GET"))
        .and(path("/api/machines"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": machines})))
        .mount(&server)
        .await;
    let pages = DEFENDER_FINDINGS / DEFENDER_PAGE;
    for page in 0..pages {
        let rows: Vec<Value> = (page * DEFENDER_PAGE..(page + 1) * DEFENDER_PAGE)
            .map(|n| {
                let severity = ["Low", "Medium", "High", "Critical"][n % 4];
                json!({"id": format!("m{}_app_{n}", n % MACHINES), "deviceId": format!("m{}", n % MACHINES),
                       "deviceName": format!("hf-lt-{:04}.harborfinch.local", n % MACHINES),
                       "softwareVendor": "contoso", "softwareName": "app", "softwareVersion": "1.0",
                       "cveId": format!("CVE-2026-{n:05}"), "vulnerabilitySeverityLevel": severity,
                       "firstSeenTimestamp": stamp(now() - Duration::days((n % 300) as i64)),
                       "lastSeenTimestamp": stamp(now())})
            })
            .collect();
        let mut body = json!({"value": rows});
        if page + 1 < pages {
            body["@odata.nextLink"] = json!(format!(
                "{}/api/machines/SoftwareVulnerabilitiesByMachine?pageSize={DEFENDER_PAGE}&$skiptoken={}",
                server.uri(),
                page + 1
            ));
        }
        let mock = Mock::given(method("GET")).and(path("/api/machines/SoftwareVulnerabilitiesByMachine"));
        let mock = if page == 0 {
            mock.and(query_param_is_missing("$skiptoken"))
        } else {
            mock.and(query_param("$skiptoken", page.to_string()))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    }
    Mock::given(method("GET"))
        .and(path("/api/machines/SoftwareVulnerabilityChangesByMachine"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    server
}

async fn fake_tenable() -> MockServer {
    let server = MockServer::start().await;
    // An export asked for changes since the last read finds none.
    Mock::given(method("POST"))
        .and(path("/vulns/export"))
        .and(body_string_contains("\"since\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"export_uuid": "unchanged"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/vulns/export"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"export_uuid": "full"})))
        .mount(&server)
        .await;
    let chunks: Vec<usize> = (1..=TENABLE_FINDINGS / TENABLE_CHUNK).collect();
    Mock::given(method("GET"))
        .and(path("/vulns/export/full/status"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "FINISHED", "chunks_available": chunks, "chunks_failed": []})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/vulns/export/unchanged/status"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "FINISHED", "chunks_available": [], "chunks_failed": []})),
        )
        .mount(&server)
        .await;
    for chunk in chunks {
        let rows: Vec<Value> = ((chunk - 1) * TENABLE_CHUNK..chunk * TENABLE_CHUNK)
            .map(|n| {
                let asset = n % MACHINES;
                let severity = ["low", "medium", "high", "critical"][n % 4];
                json!({"asset": {"uuid": format!("a{asset}"), "fqdn": format!("hf-lt-{asset:04}.harborfinch.local"),
                                 "hostname": format!("10.0.{}.{}", asset / 250, asset % 250)},
                       "plugin": {"id": 100_000 + n, "name": format!("Weakness {n}"), "cve": [format!("CVE-2025-{n:05}")]},
                       "port": {"port": 443, "protocol": "TCP"},
                       "severity": severity, "state": "OPEN",
                       "first_found": "2026-10-01T00:00:00Z", "last_found": "2026-11-21T00:00:00Z"})
            })
            .collect();
        Mock::given(method("GET"))
            .and(path_regex(format!("^/vulns/export/full/chunks/{chunk}$")))
            .respond_with(ResponseTemplate::new(200).set_body_json(Value::Array(rows)))
            .mount(&server)
            .await;
    }
    server
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let defender = fake_defender().await;
    let tenable = fake_tenable().await;
    let dir = tempfile::tempdir().unwrap();
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    let store = Mutex::new(Store::open(dir.path(), unlock, &OsKeychain).unwrap());
    let text = format!(
        "[[vendor]]\nid = \"internal\"\nname = \"Internal IT\"\nkind = \"internal\"\n\n\
         [[source]]\nid = \"defender\"\nkind = \"defender\"\nvendor = \"internal\"\ntenant_id = \"{TENANT}\"\n\
         client_id = \"app\"\nbase_url = \"{0}\"\nauth_url = \"{0}\"\n\n\
         [[source]]\nid = \"tenable\"\nkind = \"tenable\"\nvendor = \"internal\"\nbase_url = \"{1}\"\n",
        defender.uri(),
        tenable.uri()
    );
    let config = Config::parse(&text, &dir.path().join("sightline.toml")).unwrap();
    let secrets: sightline_sync::SecretLookup = Arc::new(|source: &str| {
        Ok(Some(Secret::new(if source == "tenable" { "access-key:secret-key" } else { "client-secret" })))
    });
    let options = SyncOptions::default();
    println!(
        "sync of {DEFENDER_FINDINGS} weaknesses on {MACHINES} computers from a fake Defender (pages of \
         {DEFENDER_PAGE}) and {TENABLE_FINDINGS} from a fake Tenable (chunks of {TENABLE_CHUNK}), into an \
         encrypted cache"
    );
    for (label, at) in [("first sync (full)", now()), ("second sync (nothing changed)", now() + Duration::hours(1))] {
        let started = Instant::now();
        let report = sync(&store, &config, Arc::clone(&secrets), at, &options, Arc::new(|_| {})).await.unwrap();
        let elapsed = started.elapsed();
        println!("  {label}: {:.3} s", elapsed.as_secs_f64());
        for outcome in &report.outcomes {
            assert!(outcome.ok, "{outcome:?}");
            println!(
                "    {:<9} {:>4} requests  {:>6} records  ({})",
                outcome.source_id, outcome.requests, outcome.records, outcome.reason
            );
        }
    }
    let held = store.lock().unwrap().load_records().unwrap();
    assert_eq!(held.vulnerabilities.len(), DEFENDER_FINDINGS + TENABLE_FINDINGS);
}
