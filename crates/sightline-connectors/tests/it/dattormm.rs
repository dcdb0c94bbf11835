//! The Datto RMM connector against a local fake serving Datto's own shapes:
//! the devices page of `fixtures/dattormm/devicesPage1.json` (envelope and
//! fields as there), its token flow, paging by `pageDetails.nextPageUrl`,
//! epoch-millisecond and date-time times, and its failures.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::{DeviceRole, Inventory, PatchClass, Secret};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "DATTO-KEY-7781";
const SECRET: &str = "datto-secret-never-logged";
const TOKEN: &str = "datto-token-5521";
const PAGE_1: &str = include_str!("../fixtures/dattormm/devicesPage1.json");
const DEVICE: &str = include_str!("../fixtures/dattormm/device.json");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 7, 20, 9, 0, 0).unwrap()
}

fn source(server: &MockServer) -> SourceConfig {
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "datto", "kind": "dattormm", "vendor": "harbor-it", "base_url": server.uri(), "page_size": 1,
    }))
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    source
}

fn options() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(2),
        },
        max_body_bytes: 1 << 20,
    }
}

async fn run(server: &MockServer, secret: &str) -> Result<Fetched, sightline_connectors::FetchError> {
    let source = source(server);
    let secret = Secret::new(secret);
    let http = options();
    let request = FetchRequest {
        source: &source,
        secret: Some(&secret),
        since: None,
        now: now(),
        http: &http,
        known_content: None,
    };
    fetch(request, &|_| {}).await
}

async fn mount_token(server: &MockServer) {
    // Basic public-client:public, the key and secret in the form body.
    Mock::given(method("POST"))
        .and(path("/auth/oauth/token"))
        .and(header("authorization", "Basic cHVibGljLWNsaWVudDpwdWJsaWM="))
        .and(body_string_contains("grant_type=password"))
        .and(body_string_contains(format!("username={KEY}")))
        .and(body_string_contains(format!("password={SECRET}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 359999})),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "unauthorized"})))
        .mount(server)
        .await;
}

/// Page 1 is the fixture, its next link pointed at the fake; page 2 holds
/// the fixture's device changed the ways Datto's data varies.
async fn mount_devices(server: &MockServer) {
    let first = PAGE_1.replace("https://example.com", &server.uri());
    Mock::given(method("GET"))
        .and(path("/api/v2/account/devices"))
        .and(query_param("max", "1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(first, "application/json"))
        .mount(server)
        .await;
    let device: Value = serde_json::from_str(DEVICE).unwrap();
    let variant = |changes: Value| {
        let mut device = device.clone();
        device.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
        device
    };
    let second = json!({
        "pageDetails": {"count": 3, "totalCount": 4, "prevPageUrl": "", "nextPageUrl": ""},
        "devices": [
            // The OpenAPI's date-time form, protection off, updates pending.
            variant(json!({
                "id": 2, "uid": "device-uid-2", "hostname": "HF-WS-02.example.local",
                "deviceType": {"category": "Laptop", "type": "physical"},
                "lastSeen": "2024-06-01T08:30:00Z", "creationDate": "2024-01-15T00:00:00Z",
                "antivirus": {"antivirusProduct": "Windows Defender", "antivirusStatus": "NotRunning"},
                "patchManagement": {"patchStatus": "ApprovedPending", "patchesApprovedPending": 3,
                                     "patchesNotApproved": 0, "patchesInstalled": 40}
            })),
            // No patch policy: nobody can say.
            variant(json!({
                "id": 3, "uid": "device-uid-3", "hostname": "hf-ws-03",
                "deviceType": {"category": "Desktop", "type": "physical"},
                "antivirus": null,
                "patchManagement": {"patchStatus": "NoPolicy", "patchesApprovedPending": 0,
                                     "patchesNotApproved": 0, "patchesInstalled": 0}
            })),
            // Deleted in Datto: not a device any more.
            variant(json!({"id": 4, "uid": "device-uid-4", "hostname": "old-pc", "deleted": true})),
        ]
    });
    Mock::given(method("GET"))
        .and(path("/api/v2/account/devices"))
        .and(query_param("page", "2"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(second))
        .mount(server)
        .await;
}

#[tokio::test]
async fn devices_patch_status_antivirus_and_last_seen_are_read() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    mount_devices(&server).await;
    let fetched = run(&server, &format!("{KEY}:{SECRET}")).await.unwrap();

    assert!(fetched.full && fetched.snapshot);
    assert_eq!((fetched.requests, fetched.pages), (3, 2));
    type Row<'a> = (&'a str, &'a str, DeviceRole, bool, Option<bool>, Option<DateTime<Utc>>, Inventory);
    let devices: Vec<Row> = fetched
        .batch
        .devices
        .iter()
        .map(|d| {
            (
                d.provenance.record_id.as_str(),
                d.name.as_str(),
                d.role,
                d.managed,
                d.protection_ok,
                d.last_seen,
                d.seen_by,
            )
        })
        .collect();
    let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
    assert_eq!(
        devices,
        [
            // 1721131200000 ms, as the fixture carries it.
            (
                "device-uid-1",
                "server1",
                DeviceRole::Server,
                true,
                Some(true),
                Some(at("2024-07-16T12:00:00Z")),
                Inventory::Management
            ),
            (
                "device-uid-2",
                "HF-WS-02.example.local",
                DeviceRole::Workstation,
                true,
                Some(false),
                Some(at("2024-06-01T08:30:00Z")),
                Inventory::Management
            ),
            (
                "device-uid-3",
                "hf-ws-03",
                DeviceRole::Workstation,
                false,
                None,
                Some(at("2024-07-16T12:00:00Z")),
                Inventory::Management
            ),
        ]
    );
    assert_eq!(fetched.batch.devices[0].enrolled_at, at("2024-01-01T00:00:00Z"), "creationDate 1704067200000");
    let patches: Vec<(&str, &str, &str, PatchClass, DateTime<Utc>)> = fetched
        .batch
        .patches
        .iter()
        .map(|p| (p.provenance.record_id.as_str(), p.device_id.as_str(), p.title.as_str(), p.class, p.missing_since))
        .collect();
    assert_eq!(
        patches,
        [("device-uid-2:pending", "device-uid-2", "3 approved updates not installed", PatchClass::Security, now())]
    );
    assert_eq!(
        fetched.warnings,
        ["1 device reports the patch status 'NoPolicy' (hf-ws-03): nobody can say whether it is up to date, so it \
          is left out of patch compliance"]
    );

    // The key and secret travel only in the token request's body.
    for request in server.received_requests().await.unwrap() {
        let url = request.url.as_str();
        assert!(!url.contains(KEY) && !url.contains(SECRET), "{url}");
        if request.url.path() != "/auth/oauth/token" {
            let body = String::from_utf8_lossy(&request.body);
            assert!(!body.contains(SECRET), "{url}");
        }
    }
}

#[tokio::test]
async fn a_next_page_on_another_site_is_not_followed() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    // The fixture exactly as published: its next page is on example.com.
    Mock::given(method("GET"))
        .and(path("/api/v2/account/devices"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PAGE_1, "application/json"))
        .mount(&server)
        .await;
    let error = run(&server, &format!("{KEY}:{SECRET}")).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.to_string().contains("another site (example.com)"), "{error}");
}

#[tokio::test]
async fn wrong_credentials_busy_servers_and_html_pages_are_explained() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    let error = run(&server, "wrong-key:wrong-secret").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth, "{error}");
    assert!(error.to_string().contains("datto"), "{error}");
    assert!(!error.to_string().contains("wrong-secret"), "{error}");

    let error = run(&server, "no-colon").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Config, "{error}");
    assert!(error.to_string().contains("API_KEY:API_SECRET"), "{error}");

    // 429 with Retry-After once, then the devices.
    let busy = MockServer::start().await;
    mount_token(&busy).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/account/devices"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&busy)
        .await;
    mount_devices(&busy).await;
    let fetched = run(&busy, &format!("{KEY}:{SECRET}")).await.unwrap();
    assert_eq!(fetched.batch.devices.len(), 3);
    assert_eq!(fetched.requests, 4, "the token, the refused page, and two pages");

    // A sign-in page where JSON should be.
    let html = MockServer::start().await;
    mount_token(&html).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/account/devices"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html><body>Please sign in</body></html>", "text/html"))
        .mount(&html)
        .await;
    let error = run(&html, &format!("{KEY}:{SECRET}")).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.to_string().contains("datto"), "{error}");
}
