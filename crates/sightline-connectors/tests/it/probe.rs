//! The HTTP probe against local sites on 127.0.0.1: what each check
//! records (up or down, the status, the time it stands for, why it counted
//! as down), for a site that fails, answers too slowly, redirects to
//! another host, refuses connections or shows a certificate a browser
//! would refuse.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sightline_connectors::{FetchError, FetchRequest, Fetched, HttpOptions, SourceConfig};
use sightline_test_support::site::Site;
use sightline_test_support::tls::{start_tls_server, start_untrusted_tls_server};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 10, 10, 0, 0).unwrap()
}

fn source(settings: serde_json::Value) -> SourceConfig {
    let mut table = serde_json::json!({ "id": "web-check", "kind": "http", "vendor": "acme" });
    table.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
    let source: SourceConfig = serde_json::from_value(table).unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    source
}

async fn probe(source: &SourceConfig) -> Result<Fetched, FetchError> {
    let http = HttpOptions::default();
    let request = FetchRequest { source, secret: None, since: None, now: now(), http: &http, known_content: None };
    sightline_connectors::fetch(request, &|_| {}).await
}

/// Each sample as `monitor up|down status minutes detail`, the address's
/// port replaced by `PORT`.
fn samples(fetched: &Fetched, port: Option<u16>) -> Vec<String> {
    assert!(!fetched.full, "samples are history: added to, never a replacement");
    fetched
        .batch
        .availability
        .iter()
        .map(|sample| {
            assert_eq!(sample.window_start, now());
            assert_eq!(sample.provenance.fetched_at, now());
            assert_eq!(sample.vendor_id, "acme");
            assert!(sample.latency_ms.is_some());
            format!(
                "{} {} {:?} {} {}",
                sample.monitor,
                if sample.up_seconds > 0 { "up" } else { "down" },
                sample.status,
                (sample.window_end - sample.window_start).num_minutes(),
                sample.detail.as_deref().unwrap_or("-")
            )
            .replace(&format!(":{}/", port.unwrap_or(0)), ":PORT/")
        })
        .collect()
}

#[tokio::test]
async fn a_check_records_up_or_down_with_the_status_and_the_time_it_stands_for() {
    let site = Site::start().await;
    let port = site.server.address().port();
    let urls = serde_json::json!({ "urls": [site.url()] });
    let fetched = probe(&source(urls.clone())).await.unwrap();
    assert_eq!(samples(&fetched, Some(port)), ["http://127.0.0.1:PORT/health up Some(200) 5 -"]);
    assert_eq!(fetched.batch.availability[0].provenance.record_id, format!("{}@2026-11-10T10:00:00Z", site.url()));
    assert_eq!((fetched.requests, fetched.watermark), (1, Some(now())));

    site.answer(503).await;
    let fetched = probe(&source(urls)).await.unwrap();
    assert_eq!(samples(&fetched, Some(port)), ["http://127.0.0.1:PORT/health down Some(503) 5 answered 503"]);

    // A service that must answer 204, checked every 15 minutes.
    site.answer(200).await;
    let fetched =
        probe(&source(serde_json::json!({ "urls": [site.url()], "expect_status": 204, "every_minutes": 15 })))
            .await
            .unwrap();
    assert_eq!(samples(&fetched, Some(port)), ["http://127.0.0.1:PORT/health down Some(200) 15 answered 200"]);
}

#[tokio::test]
async fn too_slow_and_a_refused_connection_count_as_down_and_a_redirect_elsewhere_is_said() {
    let slow = Site::start().await;
    slow.answer_after(Duration::from_secs(3)).await;
    let moved = Site::start().await;
    moved.redirect_to("https://elsewhere.example/login").await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let urls = [slow.url(), moved.url(), format!("http://127.0.0.1:{closed}/")];
    let fetched = probe(&source(serde_json::json!({ "urls": urls, "timeout_seconds": 1 }))).await.unwrap();
    let shown: Vec<String> = samples(&fetched, None)
        .into_iter()
        .map(|line| {
            line.replace(&format!(":{}/", slow.server.address().port()), ":SLOW/")
                .replace(&format!(":{}/", moved.server.address().port()), ":MOVED/")
                .replace(&format!(":{closed}/"), ":CLOSED/")
        })
        .collect();
    assert_eq!(
        shown,
        [
            "http://127.0.0.1:SLOW/health down None 5 no answer within 1 second",
            // It answered: up, and where it sends visitors is said.
            "http://127.0.0.1:MOVED/health up Some(302) 5 -",
            "http://127.0.0.1:CLOSED/ down None 5 refused the connection",
        ]
    );
    assert_eq!(fetched.requests, 3);
    assert_eq!(
        fetched.warnings,
        [format!(
            "{} answered 302 and sends visitors to elsewhere.example, which was not followed: counted as up, since \
             it answered; set expect_status to check the exact answer",
            moved.url()
        )]
    );
}

#[tokio::test]
async fn a_certificate_a_browser_would_refuse_is_down_and_says_why() {
    let far = now() + chrono::Duration::days(200);
    let wrong_name = start_tls_server("portal.example", far).await;
    let untrusted = start_untrusted_tls_server("localhost", far).await;
    let url = |port: u16| format!("https://localhost:{port}/");
    let check =
        |port: u16, ca: &Path| source(serde_json::json!({ "urls": [url(port)], "ca_file": ca, "timeout_seconds": 5 }));
    let fetched = probe(&check(wrong_name.address.port(), &wrong_name.ca_pem_path)).await.unwrap();
    assert_eq!(
        samples(&fetched, Some(wrong_name.address.port())),
        ["https://localhost:PORT/ down None 5 its certificate is for another name: browsers warn visitors away"]
    );
    let fetched = probe(&check(untrusted.address.port(), &untrusted.ca_pem_path)).await.unwrap();
    assert_eq!(
        samples(&fetched, Some(untrusted.address.port())),
        [
            "https://localhost:PORT/ down None 5 its certificate comes from an issuer that is not trusted: browsers warn visitors away"
        ]
    );
}

#[test]
fn plain_http_to_another_machine_is_refused_when_the_file_is_read() {
    let table = serde_json::json!({
        "id": "web-check", "kind": "http", "vendor": "acme", "urls": ["http://www.example.com/"]
    });
    let source: SourceConfig = serde_json::from_value(table).unwrap();
    let problems = source.check();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("http://www.example.com/"), "{problems:?}");
    let table = serde_json::json!({
        "id": "web-check", "kind": "http", "vendor": "acme", "urls": ["https://ops:hunter2@portal.example.com/"]
    });
    let source: SourceConfig = serde_json::from_value(table).unwrap();
    let problems = source.check();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(!problems[0].contains("hunter2"), "{problems:?}");
}

/// An address is shown wherever the check's results are: one carrying a
/// password or a key is refused before anything is asked.
#[test]
fn an_address_carrying_a_password_or_a_key_is_refused() {
    let source: SourceConfig = serde_json::from_value(serde_json::json!({
        "id": "web-check", "kind": "http", "vendor": "acme",
        "urls": [
            "https://monitor:hunter2@status.example.com/",
            "https://portal.example.com/health?api_key=abc123&verbose=1",
            "https://shop.example.com/health?format=json&author=ops&keyword=up",
        ],
    }))
    .unwrap();
    assert_eq!(
        source.check(),
        [
            "the address of 'status.example.com' carries a user name or password: checks need none, and it would \
             be shown wherever the check's results are",
            "the address of 'portal.example.com' carries what looks like a key in its query (api_key=…): it would \
             be shown wherever the check's results are; check an address that answers without one",
        ]
    );
}
