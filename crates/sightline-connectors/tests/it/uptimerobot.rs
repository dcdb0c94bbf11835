//! The UptimeRobot connector against a local fake in the v2 API's
//! documented shape (`getMonitors` with `logs=1`; no recorded body was
//! found, so the fields are those of the API's pages and client libraries,
//! see research/msp-apis.md): logs become windows of one state, the key
//! travels in the form body, pages follow `pagination`; and its failures.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::Secret;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "ur-readonly-key-0042";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 10, 11, 0, 0).unwrap()
}

fn t(minutes: i64) -> i64 {
    (now() - chrono::Duration::minutes(60 - minutes)).timestamp()
}

async fn run(server: &MockServer) -> Result<Fetched, sightline_connectors::FetchError> {
    let source: SourceConfig = serde_json::from_value(
        json!({"id": "robot", "kind": "uptimerobot", "vendor": "acme", "base_url": server.uri()}),
    )
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    let secret = Secret::new(KEY);
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

#[tokio::test]
async fn logs_become_windows_page_by_page_with_the_key_in_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/getMonitors"))
        .and(body_string_contains(format!("api_key={KEY}")))
        .and(body_string_contains("offset=0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stat": "ok",
            "pagination": {"offset": 0, "limit": 50, "total": 51},
            "monitors": [{
                "id": 777749809, "friendly_name": "Customer portal", "url": "https://portal.example.com",
                "type": 1, "interval": 300, "status": 2, "create_datetime": t(0),
                "logs": [
                    {"type": 2, "datetime": t(30), "duration": 5400, "reason": {"code": "200", "detail": "OK"}},
                    {"type": 1, "datetime": t(10), "duration": 1200, "reason": {"code": "503", "detail": "Service Unavailable"}},
                    {"type": 98, "datetime": t(0), "duration": 600, "reason": {"code": "", "detail": ""}}
                ]
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/getMonitors"))
        .and(body_string_contains("offset=50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stat": "ok",
            "pagination": {"offset": 50, "limit": 50, "total": 51},
            "monitors": [{
                "id": 777712827, "friendly_name": "Customer portal", "type": 4, "status": 0,
                "logs": [{"type": 99, "datetime": t(5), "duration": 3300}, {"type": 7, "datetime": t(0), "duration": 300}]
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let fetched = run(&server).await.unwrap();
    let shown: Vec<String> = fetched
        .batch
        .availability
        .iter()
        .map(|window| {
            format!(
                "{} {} {}..{} up {} down {} {}",
                window.provenance.record_id.split('@').next().unwrap(),
                window.monitor,
                window.window_start.format("%H:%M"),
                window.window_end.format("%H:%M"),
                window.up_seconds,
                window.down_seconds,
                window.detail.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            // Still up: counted to now, not to the hour and a half it claims.
            // Two monitors share the name, one on each page: each is told
            // apart by its id, so neither cuts the other's windows short.
            "777749809 Customer portal (#777749809) 10:30..11:00 up 1800 down 0 -",
            "777749809 Customer portal (#777749809) 10:10..10:30 up 0 down 1200 UptimeRobot: 503 Service Unavailable",
        ]
    );
    assert_eq!(
        fetched.warnings,
        [
            "1 log entry of Customer portal (#777712827) had a type or time Sightline does not know and count as not watched"
        ]
    );
    assert!(!fetched.full);
    assert_eq!((fetched.requests, fetched.pages), (2, 2));
    for asked in server.received_requests().await.unwrap() {
        assert!(!asked.url.as_str().contains(KEY), "the key never goes in a URL");
    }
}

#[tokio::test]
async fn a_refused_key_is_an_auth_error_that_does_not_echo_it_and_a_web_page_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stat": "fail",
            "error": {"type": "invalid_parameter", "parameter_name": "api_key", "passed_value": KEY}
        })))
        .mount(&server)
        .await;
    let error = run(&server).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth);
    assert_eq!(
        error.message,
        "UptimeRobot refused the API key (invalid_parameter, api_key): store a current one with `sightline-cli secret \
         set robot`"
    );
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"))
        .mount(&server)
        .await;
    let error = run(&server).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
}

#[tokio::test]
async fn a_period_of_days_is_kept_a_day_at_a_time() {
    let server = MockServer::start().await;
    let started = Utc.with_ymd_and_hms(2026, 11, 8, 12, 0, 0).unwrap().timestamp();
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stat": "ok",
            "pagination": {"offset": 0, "limit": 50, "total": 1},
            "monitors": [{"id": 42, "friendly_name": "ERP", "logs": [
                {"type": 2, "datetime": started, "duration": 10 * 86_400}
            ]}]
        })))
        .mount(&server)
        .await;
    let fetched = run(&server).await.unwrap();
    let days: Vec<String> = fetched
        .batch
        .availability
        .iter()
        .map(|window| {
            format!(
                "{}..{} up {}",
                window.window_start.format("%d %H:%M"),
                window.window_end.format("%d %H:%M"),
                window.up_seconds
            )
        })
        .collect();
    // Up since the 8th at noon, still up now (the 10th, 11:00).
    assert_eq!(days, ["08 12:00..09 00:00 up 43200", "09 00:00..10 00:00 up 86400", "10 00:00..10 11:00 up 39600"]);
}
