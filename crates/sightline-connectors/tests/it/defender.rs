//! The Defender connector against a local fake serving the documented
//! response bodies (`fixtures/defender/`, envelopes and fields as there):
//! the Entra token flow, machines, the full listing of weaknesses followed
//! by its `@odata.nextLink`, the changes since the last read, and failures.
//!
//! The fixtures lack `onboardingStatus` (the machines example omits it) and
//! their weakness rows have no CVE or severity; the rows that carry them
//! here are the fixture's rows with those fields filled in.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::{DeviceRole, Inventory, Secret, Severity};
use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TENANT: &str = "7f3e2a10-0000-4c3e-9d55-5a1f00c0ffee";
const CLIENT: &str = "2b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee";
const SECRET: &str = "defender-secret-never-logged";
const TOKEN: &str = "defender-token-77";
const MACHINES: &str = include_str!("../fixtures/defender/machines_list.json");
const FINDINGS: &str = include_str!("../fixtures/defender/machines_SoftwareVulnerabilitiesByMachine_page.json");
const CHANGES: &str = include_str!("../fixtures/defender/machines_SoftwareVulnerabilityChangesByMachine_page.json");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 1, 11, 12, 0, 0).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
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

async fn run(
    server: &MockServer,
    secret: &str,
    since: Option<DateTime<Utc>>,
) -> Result<Fetched, sightline_connectors::FetchError> {
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "defender", "kind": "defender", "vendor": "internal", "tenant_id": TENANT, "client_id": CLIENT,
        "base_url": server.uri(), "auth_url": server.uri(), "page_size": 1,
    }))
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    let secret = Secret::new(secret);
    let http = options();
    let request =
        FetchRequest { source: &source, secret: Some(&secret), since, now: now(), http: &http, known_content: None };
    fetch(request, &|_| {}).await
}

async fn mount_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains(format!("client_id={CLIENT}")))
        .and(body_string_contains(format!("client_secret={SECRET}")))
        .and(body_string_contains("scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer", "access_token": TOKEN})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(server)
        .await;
}

fn with(body: &str, server: &MockServer, rows: Vec<Value>) -> Value {
    let mut page: Value =
        serde_json::from_str(&body.replace("https://api.securitycenter.microsoft.com", &server.uri())).unwrap();
    page["value"] = Value::Array(rows);
    page
}

/// The fixture's first row with `changes` laid over it.
fn row(body: &str, changes: Value) -> Value {
    let page: Value = serde_json::from_str(body).unwrap();
    let mut row = page["value"][0].clone();
    row.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
    row
}

async fn serve(server: &MockServer, route: &str, extra: Option<(&str, &str)>, body: Value) {
    let mut mock =
        Mock::given(method("GET")).and(path(route)).and(header("authorization", format!("Bearer {TOKEN}").as_str()));
    if let Some((key, value)) = extra {
        mock = mock.and(query_param(key, value));
    }
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(server).await;
}

async fn mount_tenant(server: &MockServer) {
    mount_token(server).await;
    let machines: Value = serde_json::from_str(MACHINES).unwrap();
    let mut second = machines["value"][0].clone();
    second["id"] = json!("9a1b");
    second["computerDnsName"] = json!("hf-srv-02.corp.example");
    second["osPlatform"] = json!("WindowsServer2019");
    second["healthStatus"] = json!("Inactive");
    second["lastSeen"] = json!("2020-11-30T08:00:00Z");
    let mut third = machines["value"][0].clone();
    third["id"] = json!("c3d4");
    third["computerDnsName"] = json!("printer-3");
    third["onboardingStatus"] = json!("CanBeOnboarded");
    // One machine a page ($top=1), by $skip, as a $top listing pages.
    for (skip, machine) in [None, Some("1"), Some("2"), Some("3")].into_iter().zip([
        machines["value"][0].clone(),
        second,
        third,
        Value::Null,
    ]) {
        let mut page = machines.clone();
        page["value"] = if machine.is_null() { json!([]) } else { json!([machine]) };
        let mut mock = Mock::given(method("GET"))
            .and(path("/api/machines"))
            .and(query_param("$top", "1"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()));
        mock = match skip {
            Some(skip) => mock.and(query_param("$skip", skip)),
            None => mock.and(query_param_is_missing("$skip")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page)).mount(server).await;
    }

    // Two pages of weaknesses: the documented row (no CVE: left out) and
    // the next page's rows with a CVE and severity.
    let next = format!("{}/api/machines/SoftwareVulnerabilitiesByMachine?pagesize=1&$skiptoken=abc", server.uri());
    let mut first = with(FINDINGS, server, vec![row(FINDINGS, json!({}))]);
    first["@odata.nextLink"] = json!(next);
    serve(server, "/api/machines/SoftwareVulnerabilitiesByMachine", Some(("pageSize", "1")), first).await;
    let mut second = with(
        FINDINGS,
        server,
        vec![
            row(
                FINDINGS,
                json!({"id": "a_edge_1_CVE-2020-1", "cveId": "CVE-2020-1", "vulnerabilitySeverityLevel": "Critical"}),
            ),
            row(
                FINDINGS,
                json!({"id": "a_edge_1_CVE-2020-2", "cveId": "CVE-2020-2", "vulnerabilitySeverityLevel": "High",
                              "deviceName": "hf-srv-02.corp.example", "firstSeenTimestamp": "2020-10-01 09:00:00"}),
            ),
        ],
    );
    second.as_object_mut().unwrap().remove("@odata.nextLink");
    serve(server, "/api/machines/SoftwareVulnerabilitiesByMachine", Some(("$skiptoken", "abc")), second).await;

    // Changes: one fixed a while ago (not in the listing), one new.
    let changes = with(
        CHANGES,
        server,
        vec![
            row(
                CHANGES,
                json!({"id": "b_chrome_87_CVE-2020-9", "cveId": "CVE-2020-9", "vulnerabilitySeverityLevel": "Critical"}),
            ),
            row(
                CHANGES,
                json!({"id": "a_edge_1_CVE-2020-3", "cveId": "CVE-2020-3", "vulnerabilitySeverityLevel": "Medium",
                             "status": "New", "eventTimestamp": "2021-01-10 10:00:00.1234567"}),
            ),
        ],
    );
    let mut changes = changes;
    changes.as_object_mut().unwrap().remove("@odata.nextLink");
    serve(server, "/api/machines/SoftwareVulnerabilityChangesByMachine", None, changes).await;
}

fn query(request: &Request, key: &str) -> Option<String> {
    request.url.query_pairs().find(|(name, _)| name == key).map(|(_, value)| value.into_owned())
}

#[tokio::test]
async fn machines_and_weaknesses_are_read_from_the_tenant() {
    let server = MockServer::start().await;
    mount_tenant(&server).await;
    let fetched = run(&server, SECRET, None).await.unwrap();
    assert!(fetched.full);

    type Machine<'a> = (&'a str, &'a str, DeviceRole, bool, Option<bool>, Inventory);
    let machines: Vec<Machine> = fetched
        .batch
        .devices
        .iter()
        .map(|d| (d.provenance.record_id.as_str(), d.name.as_str(), d.role, d.managed, d.protection_ok, d.seen_by))
        .collect();
    assert_eq!(
        machines,
        [
            (
                "1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
                "mymachine1.contoso.com",
                DeviceRole::Workstation,
                false,
                Some(true),
                Inventory::Protection
            ),
            ("9a1b", "hf-srv-02.corp.example", DeviceRole::Server, false, Some(false), Inventory::Protection),
            ("c3d4", "printer-3", DeviceRole::Workstation, false, Some(false), Inventory::Protection),
        ]
    );
    assert_eq!(fetched.batch.devices[0].last_seen, Some(at("2018-08-02T14:55:03.7791856Z")));
    assert_eq!(fetched.batch.devices[0].enrolled_at, at("2018-08-02T14:55:03.7791856Z"));

    type Row<'a> = (&'a str, &'a str, &'a str, Severity, DateTime<Utc>, Option<DateTime<Utc>>);
    let weaknesses: Vec<Row> = fetched
        .batch
        .vulnerabilities
        .iter()
        .map(|v| {
            (v.provenance.record_id.as_str(), v.asset.as_str(), v.title.as_str(), v.severity, v.first_found, v.fixed_at)
        })
        .collect();
    let documented = "ComputerPII_18663b45912eed224b2de2f5ea3142726e63f16a.DomainPII_21eeb80d089e79bdfa178eabfa25e8de9acfa346.corp.contoso.com";
    let changed = "ComputerPII_1c8fee370690ca24b6a0d3f34d193b0424943a8b8.DomainPII_0dc1aee0fa366d175e514bd91a9e7a5b2b07ee8e.corp.contoso.com";
    assert_eq!(
        weaknesses,
        [
            (
                "a_edge_1_CVE-2020-1",
                documented,
                "CVE-2020-1 in microsoft edge 10.0.17763.1637",
                Severity::Critical,
                at("2020-12-30T11:07:15Z"),
                None
            ),
            (
                "a_edge_1_CVE-2020-2",
                "hf-srv-02.corp.example",
                "CVE-2020-2 in microsoft edge 10.0.17763.1637",
                Severity::High,
                at("2020-10-01T09:00:00Z"),
                None
            ),
            // Fixed (as the fixture's change says) on 3 November: kept with its fix date.
            (
                "b_chrome_87_CVE-2020-9",
                changed,
                "CVE-2020-9 in google chrome 87.0.4280.88",
                Severity::Critical,
                at("2020-11-06T03:12:44Z"),
                Some(at("2020-11-03T10:13:34.847688Z"))
            ),
        ]
    );
    assert_eq!(
        fetched.warnings,
        [
            "1 of Defender's findings name no CVE or no severity (software to update rather than a known weakness): they \
          were left out"
        ]
    );
    assert_eq!(fetched.watermark, Some(at("2021-01-10T10:00:00.1234567Z")));

    let requests = server.received_requests().await.unwrap();
    let changes = requests.iter().find(|r| r.url.path().ends_with("ChangesByMachine")).unwrap();
    assert_eq!(
        query(changes, "sinceTime").as_deref(),
        Some("2020-12-29T12:00:00Z"),
        "13 days: a day inside the 14 Defender keeps"
    );
    for request in &requests {
        let url = request.url.as_str();
        assert!(!url.contains(SECRET), "{url}");
    }
    assert_eq!(fetched.requests, 8, "token, four pages of machines, two of weaknesses, changes");
}

#[tokio::test]
async fn an_incremental_read_asks_only_for_changes() {
    let server = MockServer::start().await;
    mount_tenant(&server).await;
    let since = at("2021-01-09T00:00:00Z");
    let fetched = run(&server, SECRET, Some(since)).await.unwrap();
    assert!(!fetched.full);
    let weaknesses: Vec<(&str, Option<DateTime<Utc>>)> =
        fetched.batch.vulnerabilities.iter().map(|v| (v.provenance.record_id.as_str(), v.fixed_at)).collect();
    assert_eq!(
        weaknesses,
        [("a_edge_1_CVE-2020-3", None), ("b_chrome_87_CVE-2020-9", Some(at("2020-11-03T10:13:34.847688Z")))]
    );
    let requests = server.received_requests().await.unwrap();
    assert!(!requests.iter().any(|r| r.url.path().ends_with("SoftwareVulnerabilitiesByMachine")));
    let changes = requests.iter().find(|r| r.url.path().ends_with("ChangesByMachine")).unwrap();
    assert_eq!(query(changes, "sinceTime").as_deref(), Some("2021-01-09T00:00:00Z"));

    // A watermark older than Defender keeps its changes: a full read.
    let fetched = run(&server, SECRET, Some(at("2020-12-01T00:00:00Z"))).await.unwrap();
    assert!(fetched.full);
}

#[tokio::test]
async fn wrong_credentials_busy_servers_and_bad_bodies_are_explained() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    let error = run(&server, "wrong-secret", None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth, "{error}");
    assert!(error.to_string().contains("defender") && !error.to_string().contains("wrong-secret"), "{error}");

    let busy = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/machines"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&busy)
        .await;
    mount_tenant(&busy).await;
    let fetched = run(&busy, SECRET, None).await.unwrap();
    assert_eq!((fetched.batch.devices.len(), fetched.requests), (3, 9), "one more: the refused request");

    let broken = MockServer::start().await;
    mount_token(&broken).await;
    Mock::given(method("GET"))
        .and(path("/api/machines"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"value\": [{\"computerDnsName\": 5}]", "application/json"),
        )
        .mount(&broken)
        .await;
    let error = run(&broken, SECRET, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.to_string().contains("defender"), "{error}");
}
