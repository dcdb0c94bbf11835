//! The Prometheus connector against a local fake serving the documented
//! `query_range` response (`fixtures/prometheus/`, as there): each series
//! becomes a monitor's windows of one state; the expression, the range on
//! the step's grid, the credential in a header; and its failures.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::Secret;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UP: &str = include_str!("../fixtures/prometheus/query_range_up.json");

/// An hour after the fixture's samples.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2015, 7, 1, 21, 0, 0).unwrap()
}

async fn run(
    server: &MockServer,
    settings: serde_json::Value,
    secret: Option<&str>,
    since: Option<DateTime<Utc>>,
) -> Result<Fetched, sightline_connectors::FetchError> {
    let mut table = json!({"id": "prom", "kind": "prometheus", "vendor": "acme", "base_url": server.uri()});
    table.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
    let source: SourceConfig = serde_json::from_value(table).unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    let secret = secret.map(Secret::new);
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
        FetchRequest { source: &source, secret: secret.as_ref(), since, now: now(), http: &http, known_content: None };
    fetch(request, &|_| {}).await
}

fn windows(fetched: &Fetched) -> Vec<String> {
    fetched
        .batch
        .availability
        .iter()
        .map(|window| {
            format!(
                "{} {} {}..{} up {} down {} {}",
                window.provenance.record_id,
                window.monitor,
                window.window_start.format("%H:%M:%S%.3f"),
                window.window_end.format("%H:%M:%S%.3f"),
                window.up_seconds,
                window.down_seconds,
                window.detail.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

#[tokio::test]
async fn each_series_becomes_its_monitors_windows_read_with_a_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/query_range"))
        .and(query_param("query", "up"))
        .and(query_param("step", "15"))
        .and(header("authorization", "Bearer prom-token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(UP, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let settings = json!({"auth": "bearer", "step_seconds": 15, "lookback_days": 1});
    let fetched = run(&server, settings, Some("prom-token-1"), None).await.unwrap();
    assert!(!fetched.full, "readings are history, added to");
    assert_eq!(
        windows(&fetched),
        [
            "localhost:9090@2015-07-01T20:10:30Z localhost:9090 20:10:30.781..20:11:15.781 up 45 down 0 -",
            "localhost:9091@2015-07-01T20:10:30Z localhost:9091 20:10:30.781..20:11:00.781 up 0 down 30 up was 0",
            "localhost:9091@2015-07-01T20:11:00Z localhost:9091 20:11:00.781..20:11:15.781 up 15 down 0 -",
        ]
    );
    assert_eq!((fetched.requests, fetched.watermark), (1, Some(now())));
    let asked = &server.received_requests().await.unwrap()[0];
    let start: i64 = asked.url.query_pairs().find(|(key, _)| key == "start").unwrap().1.parse().unwrap();
    // A day back, on the 15-second grid; the token in a header, not the URL.
    assert_eq!((start % 15, now().timestamp() - start), (0, 86_400));
    assert!(!asked.url.as_str().contains("prom-token-1"));
}

#[tokio::test]
async fn a_long_range_is_read_in_slices_and_a_later_read_starts_where_the_last_ended() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/query_range"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(UP, "application/json"))
        .mount(&server)
        .await;
    // A day at 5-second steps is 17,280 steps: two slices of at most 10,000.
    let fetched = run(&server, json!({"step_seconds": 5, "lookback_days": 1}), None, None).await.unwrap();
    assert_eq!(fetched.requests, 2);
    let since = now() - chrono::Duration::minutes(10);
    let fetched = run(&server, json!({"step_seconds": 5}), None, Some(since)).await.unwrap();
    assert_eq!(fetched.requests, 1);
    let asked = server.received_requests().await.unwrap();
    let start = asked.last().unwrap().url.query_pairs().find(|(key, _)| key == "start").unwrap().1.into_owned();
    assert_eq!(start, since.timestamp().to_string());
    assert!(asked.iter().all(|request| !request.headers.contains_key("authorization")));
}

#[tokio::test]
async fn a_refused_expression_a_web_page_and_a_rejected_token_are_clear_errors() {
    let server = MockServer::start().await;
    Mock::given(query_param("query", "nonsense("))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "error", "errorType": "bad_data", "error": "parse error at char 10: unclosed left parenthesis"}),
        ))
        .mount(&server)
        .await;
    Mock::given(query_param("query", "login"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html><body>Sign in</body></html>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(query_param("query", "up"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .mount(&server)
        .await;
    let error = run(&server, json!({"query": "nonsense("}), None, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    assert_eq!(
        error.message,
        "Prometheus refused the expression 'nonsense(' (bad_data: parse error at char 10: unclosed left parenthesis): \
         correct query in sightline.toml"
    );
    let error = run(&server, json!({"query": "login"}), None, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    assert!(error.message.contains("a web page where JSON was expected"), "{}", error.message);
    let error = run(&server, json!({"auth": "basic"}), Some("monitor:wrong-password"), None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth);
    assert!(!error.message.contains("wrong-password"), "{}", error.message);
    let error = run(&server, json!({"auth": "bearer"}), None, None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Config);
}
