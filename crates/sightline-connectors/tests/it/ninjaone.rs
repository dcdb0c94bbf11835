//! The NinjaOne connector against a local fake serving the bodies captured
//! from a live tenant (`fixtures/ninjaone/`): the device list and the
//! device-health report, whose one row is for a device the list does not
//! hold. The fixtures have no patch or backup rows; those here follow the
//! OpenAPI schemas the README names.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::{DeviceRole, Inventory, Secret};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DEVICES: &str = include_str!("../fixtures/ninjaone/v2_devices.json");
const HEALTH: &str = include_str!("../fixtures/ninjaone/v2_queries_device-health.json");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 20, 12, 0, 0).unwrap()
}

async fn run(server: &MockServer) -> Fetched {
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "ninja", "kind": "ninjaone", "vendor": "harbor-it", "base_url": server.uri(),
    }))
    .unwrap();
    let secret = Secret::new("ninja-client:ninja-secret");
    let http = HttpOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy { attempts: 1, ..RetryPolicy::default() },
        max_body_bytes: 1 << 20,
    };
    let request = FetchRequest {
        source: &source,
        secret: Some(&secret),
        since: None,
        now: now(),
        http: &http,
        known_content: None,
    };
    fetch(request, &|_| {}).await.unwrap()
}

#[tokio::test]
async fn last_contact_health_and_unknown_rows_are_read_as_the_tenant_sends_them() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ws/oauth/token"))
        .and(body_string_contains("client_secret=ninja-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "expires_in": 3600})))
        .mount(&server)
        .await;
    for (route, body) in [("/v2/devices", DEVICES), ("/v2/queries/device-health", HEALTH)] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
    }
    for route in ["/v2/queries/os-patches", "/v2/queries/os-patch-installs"] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/v2/backup/jobs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
            {"jobId": "j1", "jobStartTime": 1742400000.0, "jobStatus": "COMPLETED", "planName": "Nightly", "deviceId": 7},
            {"jobId": "j2", "jobStartTime": 1742400000.0, "jobStatus": "RUNNING", "planName": "Nightly", "deviceId": 7},
            {"jobId": "j3", "jobStartTime": 1742400000.0, "jobStatus": "PARTIALLY_COMPLETED", "deviceId": 7}
        ]})))
        .mount(&server)
        .await;

    let fetched = run(&server).await;
    assert!(fetched.snapshot, "a missing patch keeps its first sighting across reads");
    let device = &fetched.batch.devices[0];
    assert_eq!(
        (device.provenance.record_id.as_str(), device.name.as_str(), device.role, device.seen_by),
        ("7", "ccesxi03.cc.local", DeviceRole::Server, Inventory::Management)
    );
    // lastContact 1742412252.744 and created 1707363433.892432.
    assert_eq!(device.last_seen, Some("2025-03-19T19:24:12.744Z".parse().unwrap()));
    assert_eq!(device.enrolled_at, "2024-02-08T03:37:13.892432Z".parse::<DateTime<Utc>>().unwrap());
    assert_eq!(device.protection_ok, None, "its health row is not in the report");
    let backups: Vec<(&str, bool)> =
        fetched.batch.backups.iter().map(|job| (job.provenance.record_id.as_str(), job.succeeded)).collect();
    assert_eq!(backups, [("j1", true)], "a running job has no outcome yet; an unknown one is not guessed");
    assert_eq!(
        fetched.warnings,
        [
            "NinjaOne reported the health of 1 device it did not list (ids 63): their health was left out",
            "backup job \"j3\" has the status 'PARTIALLY_COMPLETED', which Sightline does not know: it was left out, \
             neither succeeded nor failed",
        ]
    );
}
