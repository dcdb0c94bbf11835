//! The Uptime Kuma connector against a local fake of a public status page
//! (`/api/status-page/{slug}` and `/api/status-page/heartbeat/{slug}`, in
//! the shape Uptime Kuma's source gives them: no recorded body was found):
//! checks become windows of one state, maintenance is not watched time;
//! and its failures.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 10, 11, 0, 0).unwrap()
}

async fn run(server: &MockServer, slug: &str) -> Result<Fetched, sightline_connectors::FetchError> {
    let source: SourceConfig = serde_json::from_value(
        json!({"id": "kuma", "kind": "uptimekuma", "vendor": "acme", "base_url": server.uri(), "slug": slug}),
    )
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
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
        FetchRequest { source: &source, secret: None, since: None, now: now(), http: &http, known_content: None };
    fetch(request, &|_| {}).await
}

fn beat(status: i64, time: &str) -> serde_json::Value {
    json!({"status": status, "time": time, "msg": "", "ping": 42})
}

#[tokio::test]
async fn checks_become_windows_and_maintenance_is_not_counted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/status-page/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "config": {"slug": "status", "title": "Harbor & Finch"},
            "incident": null,
            "publicGroupList": [{"id": 1, "name": "Services", "weight": 1, "monitorList": [
                {"id": 3, "name": "Customer portal", "sendUrl": 0, "type": "http"}
            ]}],
            "maintenanceList": []
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/status-page/heartbeat/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "heartbeatList": {
                "3": [
                    beat(1, "2026-11-10 10:00:00.000"),
                    beat(1, "2026-11-10 10:01:00.000"),
                    beat(2, "2026-11-10 10:02:00.000"),
                    beat(0, "2026-11-10 10:03:00.120"),
                    beat(0, "2026-11-10 10:04:00.000"),
                    beat(1, "2026-11-10 10:05:00.000"),
                    beat(3, "2026-11-10 10:06:00.000"),
                    beat(3, "2026-11-10 10:07:00.000"),
                    beat(1, "2026-11-10T10:08:00Z"),
                    beat(9, "2026-11-10 10:09:00.000")
                ],
                "8": [beat(1, "not a time")]
            },
            "uptimeList": {"3_24": 0.97}
        })))
        .mount(&server)
        .await;
    let fetched = run(&server, "status").await.unwrap();
    let shown: Vec<String> = fetched
        .batch
        .availability
        .iter()
        .map(|window| {
            format!(
                "{} {} {}..{} up {} down {}",
                window.provenance.record_id,
                window.monitor,
                window.window_start.format("%H:%M:%S"),
                window.window_end.format("%H:%M:%S"),
                window.up_seconds,
                window.down_seconds
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            // Pending (still retrying) counts as up, as Uptime Kuma reports it.
            "3@2026-11-10T10:00:00Z Customer portal 10:00:00..10:03:00 up 180 down 0",
            "3@2026-11-10T10:03:00Z Customer portal 10:03:00..10:05:00 up 0 down 119",
            "3@2026-11-10T10:05:00Z Customer portal 10:05:00..10:06:00 up 60 down 0",
            // 10:06 to 10:08 was planned maintenance: not watched.
            "3@2026-11-10T10:08:00Z Customer portal 10:08:00..10:09:00 up 60 down 0",
        ]
    );
    assert_eq!(
        fetched.warnings,
        [
            "1 check of Customer portal had a status or time Sightline does not know and count as not watched",
            "1 check of monitor 8 had a status or time Sightline does not know and count as not watched",
        ]
    );
    assert_eq!(fetched.requests, 2);
}

#[tokio::test]
async fn a_page_that_is_not_a_status_page_and_a_bad_slug_are_clear_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let error = run(&server, "status").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    assert_eq!(
        error.message,
        "Uptime Kuma's answer for the status page 'status' has no heartbeatList: is it a status page?"
    );
    let error = run(&server, "../admin").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Config);
    server.reset().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let error = run(&server, "status").await.unwrap_err();
    assert!(error.message.contains("404"), "{}", error.message);
}
