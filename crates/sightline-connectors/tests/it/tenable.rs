//! The Tenable connector against a local fake serving the bodies recorded
//! from cloud.tenable.com (`fixtures/tenable/`, as there): start an export,
//! wait for it, read its chunks; and its failures. The recorded chunk has
//! only open findings: the fixed and informational ones here are its rows
//! with `state`, `last_fixed` and `severity` changed (`last_fixed` is the
//! field Tenable's export filters name; the recording has no fixed row).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::{Inventory, Secret, Severity};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ACCESS: &str = "tenable-access-0011";
const SECRET: &str = "tenable-secret-never-logged";
const STARTED: &str = include_str!("../fixtures/tenable/vulns_export_initiate_response.json");
const FINISHED: &str = include_str!("../fixtures/tenable/vulns_export_status_finished.json");
const CHUNK: &str = include_str!("../fixtures/tenable/vulns_export_chunk_sample.json");
const UUID: &str = "bde9fe80-2d7f-497d-a831-fb95b2d2311d";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 4, 11, 12, 0, 0).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn run(server: &MockServer, since: Option<DateTime<Utc>>) -> Result<Fetched, sightline_connectors::FetchError> {
    let source: SourceConfig = serde_json::from_value(
        json!({"id": "tenable", "kind": "tenable", "vendor": "internal", "base_url": server.uri()}),
    )
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    let secret = Secret::new(format!("{ACCESS}:{SECRET}"));
    let http = HttpOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(50),
        },
        max_body_bytes: 1 << 20,
    };
    let request =
        FetchRequest { source: &source, secret: Some(&secret), since, now: now(), http: &http, known_content: None };
    fetch(request, &|_| {}).await
}

fn keys() -> String {
    format!("accessKey={ACCESS}; secretKey={SECRET}")
}

/// "PROCESSING" twice, then the recorded "FINISHED".
struct Status(Arc<AtomicU32>, String);

impl Respond for Status {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.0.fetch_add(1, Ordering::SeqCst) < 2 {
            ResponseTemplate::new(200)
                .set_body_json(json!({"uuid": UUID, "status": "PROCESSING", "chunks_available": [1]}))
        } else {
            ResponseTemplate::new(200).set_body_raw(self.1.clone(), "application/json")
        }
    }
}

async fn mount_export(server: &MockServer, finished: &str) {
    Mock::given(method("POST"))
        .and(path("/vulns/export"))
        .and(header("x-apikeys", keys().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(STARTED, "application/json"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/vulns/export/{UUID}/status")))
        .and(header("x-apikeys", keys().as_str()))
        .respond_with(Status(Arc::new(AtomicU32::new(0)), finished.to_string()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/vulns/export/{UUID}/chunks/1")))
        .and(header("x-apikeys", keys().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CHUNK, "application/json"))
        .mount(server)
        .await;
    let recorded: Vec<Value> = serde_json::from_str(CHUNK).unwrap();
    let mut fixed = recorded[0].clone();
    fixed["state"] = json!("FIXED");
    fixed["last_found"] = json!("2023-04-02T07:00:00.000Z");
    fixed["last_fixed"] = json!("2023-04-03T07:00:00.000Z");
    fixed["port"]["port"] = json!(162);
    let mut info = recorded[1].clone();
    info["severity"] = json!("info");
    info["plugin"]["id"] = json!(19506);
    Mock::given(method("GET"))
        .and(path(format!("/vulns/export/{UUID}/chunks/2")))
        .and(header("x-apikeys", keys().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixed, info])))
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_export_is_started_awaited_and_read_chunk_by_chunk() {
    let server = MockServer::start().await;
    mount_export(&server, FINISHED).await;
    let fetched = run(&server, None).await.unwrap();
    assert!(fetched.full);

    type Row<'a> = (&'a str, &'a str, &'a str, Severity, DateTime<Utc>, Option<DateTime<Utc>>);
    let weaknesses: Vec<Row> = fetched
        .batch
        .vulnerabilities
        .iter()
        .map(|v| {
            (v.provenance.record_id.as_str(), v.asset.as_str(), v.title.as_str(), v.severity, v.first_found, v.fixed_at)
        })
        .collect();
    let found = at("2023-03-29T07:58:53.641Z");
    assert_eq!(
        weaknesses,
        [
            (
                "2d0b0294-7489-4cfc-af75-6ddf94d65722:41028:161/udp",
                "slackware13.target.tenablesecurity.com",
                "SNMP Agent Default Community Name (public) (CVE-1999-0517)",
                Severity::High,
                found,
                None
            ),
            (
                "8e5e0b66-650b-40b2-8f0c-8df30f49ce91:92465:8834/tcp",
                "debian7.target.tenablesecurity.com",
                "Tenable Nessus 6.x < 6.8 Multiple Vulnerabilities (CVE-2016-1000029)",
                Severity::Critical,
                found,
                None
            ),
            (
                "2d0b0294-7489-4cfc-af75-6ddf94d65722:41028:162/udp",
                "slackware13.target.tenablesecurity.com",
                "SNMP Agent Default Community Name (public) (CVE-1999-0517)",
                Severity::High,
                found,
                Some(at("2023-04-03T07:00:00Z"))
            ),
        ]
    );
    let computers: Vec<(&str, &str, Inventory, Option<DateTime<Utc>>)> = fetched
        .batch
        .devices
        .iter()
        .map(|d| (d.provenance.record_id.as_str(), d.name.as_str(), d.seen_by, d.last_seen))
        .collect();
    assert_eq!(
        computers,
        [
            (
                "2d0b0294-7489-4cfc-af75-6ddf94d65722",
                "slackware13.target.tenablesecurity.com",
                Inventory::Scanner,
                // Its fixed finding says nothing of whether it is still there.
                Some(found)
            ),
            (
                "8e5e0b66-650b-40b2-8f0c-8df30f49ce91",
                "debian7.target.tenablesecurity.com",
                Inventory::Scanner,
                Some(found)
            ),
        ]
    );
    assert_eq!(
        fetched.warnings,
        ["1 of Tenable's findings are informational (severity info), not weaknesses: they were not counted"]
    );
    assert_eq!((fetched.requests, fetched.pages), (6, 2), "start, three status checks, two chunks");

    let requests = server.received_requests().await.unwrap();
    let start: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(start, json!({"num_assets": 500, "filters": {"state": ["OPEN", "REOPENED", "FIXED"]}}));
    for request in &requests {
        assert!(!request.url.as_str().contains(SECRET), "{}", request.url);
    }
}

#[tokio::test]
async fn an_incremental_read_asks_for_what_changed_since() {
    let server = MockServer::start().await;
    mount_export(&server, FINISHED).await;
    let fetched = run(&server, Some(at("2023-03-12T12:11:05Z"))).await.unwrap();
    assert!(!fetched.full);
    let requests = server.received_requests().await.unwrap();
    let start: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(start["filters"]["since"], json!(1678623065));
}

#[tokio::test]
async fn a_failed_chunk_or_a_refused_key_changes_nothing() {
    let server = MockServer::start().await;
    let failed = FINISHED.replace("\"chunks_failed\": []", "\"chunks_failed\": [2]");
    mount_export(&server, &failed).await;
    let error = run(&server, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.to_string().contains("chunk 2") && error.to_string().contains("nothing was changed"), "{error}");

    let refused = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/vulns/export"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"statusCode": 401, "error": "Unauthorized"})))
        .mount(&refused)
        .await;
    let error = run(&refused, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth, "{error}");
    assert!(error.to_string().contains("tenable") && !error.to_string().contains(SECRET), "{error}");

    let busy = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/vulns/export"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "600"))
        .mount(&busy)
        .await;
    let error = run(&busy, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::RateLimited, "{error}");
    assert!(error.to_string().contains("10 minutes"), "{error}");
}
