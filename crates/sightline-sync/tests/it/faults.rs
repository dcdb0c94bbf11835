//! The fault suite: one test per class of bad input or failure. Each first
//! syncs a good fake ConnectWise, then breaks it one way, syncs again, and
//! checks the error names the source, the URL path and what was wrong, never
//! the credentials, and that the cache still holds exactly the previous data.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchErrorKind, HttpOptions, RetryPolicy, Setting};
use sightline_domain::{RecordBatch, Secret};
use sightline_store::{OsKeychain, Store, Unlock};
use sightline_sync::{Config, SourceOutcome, SyncOptions, sync};
use sightline_test_support::connectwise::{self, FakeConnectWise};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const TICKETS_PATH: &str = "/v4_6_release/apis/3.0/service/tickets";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

struct Harness {
    _dir: tempfile::TempDir,
    store: Mutex<Store>,
    config: Config,
    /// The configuration's text.
    text: String,
    fake: FakeConnectWise,
}

fn http() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_millis(1500),
        retry: RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(2),
        },
        max_body_bytes: 256 * 1024,
    }
}

impl Harness {
    /// A cache synced once from a good fake holding 30 tickets.
    async fn synced() -> Harness {
        let fake = FakeConnectWise::start(connectwise::tickets(30, now(), chrono::Duration::hours(5))).await;
        let dir = tempfile::tempdir().unwrap();
        let unlock = Unlock { passphrase: Some(Secret::new("correct horse battery staple")) };
        let store = Store::open(dir.path(), unlock, &OsKeychain).unwrap();
        let text = format!(
            r#"
[[vendor]]
id = "bluepeak"
name = "Bluepeak IT Services"
kind = "msp"

[[source]]
id = "bluepeak-psa"
kind = "connectwise"
vendor = "bluepeak"
base_url = "{}"
company_id = "{}"
client_id = "{}"
page_size = 10
max_pages = 50
"#,
            fake.base_url(),
            connectwise::COMPANY_ID,
            connectwise::CLIENT_ID
        );
        let config = Config::parse(&text, &dir.path().join("sightline.toml")).unwrap();
        let harness = Harness { _dir: dir, store: Mutex::new(store), config, text, fake };
        let outcome = harness.sync().await;
        assert!(outcome.ok, "{outcome:?}");
        assert_eq!(outcome.records, 30);
        harness
    }

    async fn sync(&self) -> SourceOutcome {
        self.sync_with(&self.config, SyncOptions { force_full: true, http: http(), ..SyncOptions::default() })
            .await
            .outcomes
            .into_iter()
            .next()
            .unwrap()
    }

    async fn sync_with(&self, config: &Config, options: SyncOptions) -> sightline_sync::SyncReport {
        let secrets: sightline_sync::SecretLookup = Arc::new(|_: &str| {
            Ok(Some(Secret::new(format!("{}:{}", connectwise::PUBLIC_KEY, connectwise::PRIVATE_KEY))))
        });
        sync(&self.store, config, secrets, now(), &options, Arc::new(|_| {})).await.unwrap()
    }

    fn records(&self) -> RecordBatch {
        self.store.lock().unwrap().load_records().unwrap()
    }

    /// Replaces the tickets listing with `response`.
    async fn break_with(&self, response: ResponseTemplate) {
        self.fake.server.reset().await;
        Mock::given(method("GET")).and(path(TICKETS_PATH)).respond_with(response).mount(&self.fake.server).await;
    }

    /// Syncs the broken fake and checks the failure and the kept data.
    async fn check_fails(&self, kind: FetchErrorKind, expected: &str) -> SourceOutcome {
        let before = self.records();
        let outcome = self.sync().await;
        assert!(!outcome.ok);
        let message = outcome.error.clone().unwrap();
        assert_eq!(outcome.error_kind, Some(kind), "{message}");
        assert!(message.contains(expected), "expected '{expected}' in: {message}");
        assert!(!message.contains(connectwise::PRIVATE_KEY) && !message.contains(connectwise::PUBLIC_KEY));
        assert_eq!(self.records(), before, "the failed sync changed the cache");
        assert_eq!(before.tickets.len(), 30);
        // The failure is in the sync log and on the source.
        let store = self.store.lock().unwrap();
        let log = store.sync_log(1).unwrap();
        assert!(!log[0].ok);
        assert_eq!(log[0].message.as_deref(), Some(message.as_str()));
        let source = store.load_company().unwrap().sources.into_iter().next().unwrap();
        assert_eq!(source.last_error.as_deref(), Some(message.as_str()));
        assert!(source.last_success_at.is_some());
        outcome
    }
}

#[tokio::test]
async fn malformed_json() {
    let harness = Harness::synced().await;
    harness.break_with(ResponseTemplate::new(200).set_body_raw("[{\"id\": 1, \"summary\": ", "application/json")).await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "the service returned malformed JSON on /v4_6_release/apis/3.0/service/tickets (line 1, column 22)",
        )
        .await;
}

#[tokio::test]
async fn an_html_page_where_json_was_expected() {
    let harness = Harness::synced().await;
    harness
        .break_with(
            ResponseTemplate::new(200).set_body_raw("<!DOCTYPE html><html><body>Sign in</body></html>", "text/html"),
        )
        .await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "the service returned a web page where JSON was expected (on /v4_6_release/apis/3.0/service/tickets)",
        )
        .await;
}

#[tokio::test]
async fn a_missing_field() {
    let harness = Harness::synced().await;
    let mut ticket = connectwise::tickets(1, now(), chrono::Duration::hours(1))[0].json();
    ticket["_info"].as_object_mut().unwrap().remove("dateEntered");
    harness.break_with(ResponseTemplate::new(200).set_body_json(json!([ticket]))).await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "cannot read on /v4_6_release/apis/3.0/service/tickets: at [0]._info, missing field `dateEntered`",
        )
        .await;
}

#[tokio::test]
async fn a_mistyped_field() {
    let harness = Harness::synced().await;
    let mut ticket = connectwise::tickets(1, now(), chrono::Duration::hours(1))[0].json();
    ticket["id"] = json!("one thousand");
    harness.break_with(ResponseTemplate::new(200).set_body_json(json!([ticket]))).await;
    harness
        .check_fails(FetchErrorKind::BadResponse, "at [0].id, invalid type: string \"one thousand\", expected i64")
        .await;
}

#[tokio::test]
async fn a_body_over_the_size_cap() {
    let harness = Harness::synced().await;
    let huge = format!(
        "[{}]",
        vec!["{\"pad\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"; 5000].join(",")
    );
    harness.break_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json")).await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "the response on /v4_6_release/apis/3.0/service/tickets is larger than 256 KiB",
        )
        .await;
}

#[tokio::test]
async fn a_paging_loop() {
    let harness = Harness::synced().await;
    let page: Vec<_> = connectwise::tickets(10, now(), chrono::Duration::hours(1)).iter().map(|t| t.json()).collect();
    let again =
        format!("<{}/service/tickets?pageSize=10&page=1&orderBy=id+asc>; rel=\"next\"", harness.fake.base_url());
    harness
        .break_with(ResponseTemplate::new(200).set_body_json(json!(page)).insert_header("Link", again.as_str()))
        .await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "the service sent a paging loop on /v4_6_release/apis/3.0/service/tickets",
        )
        .await;
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number() {
    let harness = Harness::synced().await;
    // Every page is the same full page with no Link header: the fake
    // ignores `page`, and would send the same tickets forever.
    let page: Vec<_> = connectwise::tickets(10, now(), chrono::Duration::hours(1)).iter().map(|t| t.json()).collect();
    harness.break_with(ResponseTemplate::new(200).set_body_json(json!(page))).await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "the service sent a paging loop on /v4_6_release/apis/3.0/service/tickets: page 2 repeated tickets already read",
        )
        .await;
    assert_eq!(harness.fake.ticket_requests().await.len(), 2);
}

#[tokio::test]
async fn a_listing_that_never_ends() {
    let harness = Harness::synced().await;
    // Every page is full, new and has no Link header: the fake always has more.
    let counter = std::sync::atomic::AtomicI64::new(0);
    let endless = move |_: &wiremock::Request| {
        let start = counter.fetch_add(10, std::sync::atomic::Ordering::Relaxed);
        let page: Vec<_> = connectwise::tickets(10, now(), chrono::Duration::hours(1))
            .into_iter()
            .enumerate()
            .map(|(index, mut ticket)| {
                ticket.id = 100_000 + start + index as i64;
                ticket.json()
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!(page))
    };
    harness.fake.server.reset().await;
    Mock::given(method("GET")).and(path(TICKETS_PATH)).respond_with(endless).mount(&harness.fake.server).await;
    harness
        .check_fails(
            FetchErrorKind::BadResponse,
            "the listing on /v4_6_release/apis/3.0/service/tickets went past 50 pages without ending",
        )
        .await;
}

#[tokio::test]
async fn a_next_link_to_another_site() {
    let harness = Harness::synced().await;
    let page: Vec<_> = connectwise::tickets(10, now(), chrono::Duration::hours(1)).iter().map(|t| t.json()).collect();
    harness
        .break_with(
            ResponseTemplate::new(200)
                .set_body_json(json!(page))
                .insert_header("Link", "<https://collector.example.net/steal?page=2>; rel=\"next\""),
        )
        .await;
    harness.check_fails(FetchErrorKind::BadResponse, "points to another site (collector.example.net)").await;
}

#[tokio::test]
async fn a_response_slower_than_the_timeout() {
    let harness = Harness::synced().await;
    harness.break_with(ResponseTemplate::new(200).set_body_json(json!([])).set_delay(Duration::from_secs(3))).await;
    let outcome = harness
        .check_fails(
            FetchErrorKind::Timeout,
            "the service did not answer within 1 s (on /v4_6_release/apis/3.0/service/tickets) after 3 tries",
        )
        .await;
    assert_eq!(outcome.requests, 0);
    assert_eq!(harness.fake.ticket_requests().await.len(), 3);
}

#[tokio::test]
async fn rejected_credentials_are_not_retried() {
    let harness = Harness::synced().await;
    harness.break_with(ResponseTemplate::new(401).set_body_json(json!({"code": "Unauthorized"}))).await;
    harness
        .check_fails(
            FetchErrorKind::Auth,
            "the credentials for bluepeak-psa were rejected (HTTP 401 on /v4_6_release/apis/3.0/service/tickets): \
             check them in Sources, or enter them again with `sightline-cli secret set bluepeak-psa`",
        )
        .await;
    assert_eq!(harness.fake.ticket_requests().await.len(), 1);
}

#[tokio::test]
async fn forbidden_and_not_found_are_not_retried() {
    let harness = Harness::synced().await;
    harness.break_with(ResponseTemplate::new(403)).await;
    harness
        .check_fails(FetchErrorKind::Auth, "may not read this (HTTP 403 on /v4_6_release/apis/3.0/service/tickets)")
        .await;
    harness.break_with(ResponseTemplate::new(404)).await;
    harness
        .check_fails(
            FetchErrorKind::NotFound,
            "nothing was found at /v4_6_release/apis/3.0/service/tickets (HTTP 404): check base_url for bluepeak-psa",
        )
        .await;
    harness.break_with(ResponseTemplate::new(400).set_body_string("conditions: unknown field lastUpdatd")).await;
    harness
        .check_fails(
            FetchErrorKind::BadRequest,
            "refused the request with HTTP 400 on /v4_6_release/apis/3.0/service/tickets (it said: conditions: unknown field lastUpdatd)",
        )
        .await;
    assert_eq!(harness.fake.ticket_requests().await.len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let harness = Harness::synced().await;
    harness.break_with(ResponseTemplate::new(502)).await;
    harness
        .check_fails(
            FetchErrorKind::Server,
            "the service failed with HTTP 502 on /v4_6_release/apis/3.0/service/tickets after 3 tries: it may be down",
        )
        .await;
    assert_eq!(harness.fake.ticket_requests().await.len(), 3);
}

#[tokio::test]
async fn too_many_requests_waits_as_told_then_gives_up() {
    let harness = Harness::synced().await;
    harness.break_with(ResponseTemplate::new(429).insert_header("Retry-After", "1")).await;
    let started = std::time::Instant::now();
    harness
        .check_fails(
            FetchErrorKind::RateLimited,
            "kept refusing requests as too many (HTTP 429 on /v4_6_release/apis/3.0/service/tickets) after 3 tries",
        )
        .await;
    // Two waits of one second each, as the server asked.
    assert!(started.elapsed() >= Duration::from_secs(2), "{:?}", started.elapsed());
    harness.break_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600")).await;
    harness.check_fails(FetchErrorKind::RateLimited, "asked Sightline to wait 60 minutes").await;
}

#[tokio::test]
async fn a_transient_failure_heals_by_retrying() {
    let harness = Harness::synced().await;
    // The first two requests fail (503, then 429 with Retry-After), the rest succeed.
    Mock::given(method("GET"))
        .and(path(TICKETS_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&harness.fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(TICKETS_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&harness.fake.server)
        .await;
    harness.fake.state.lock().unwrap().tickets.pop();
    let outcome = harness.sync().await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(outcome.records, 29);
    assert_eq!(harness.records().tickets.len(), 29, "a full read removes the deleted ticket");
}

#[tokio::test]
async fn an_unreachable_service() {
    let harness = Harness::synced().await;
    let address = harness.fake.server.address().to_string();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let config_text = std::fs::read_to_string(Path::new("/dev/null")).unwrap_or_default();
    assert!(config_text.is_empty());
    let mut config = harness.config.clone();
    let url = config.sources[0].text("base_url").unwrap().replace(&address, &closed);
    config.sources[0].set("base_url", Setting::Text(url));
    let harness = Harness { config, ..harness };
    harness
        .check_fails(
            FetchErrorKind::Connection,
            "the service could not be reached (on /v4_6_release/apis/3.0/service/tickets) after 3 tries: check the network and base_url",
        )
        .await;
}

#[tokio::test]
async fn one_failing_source_does_not_stop_the_others() {
    let harness = Harness::synced().await;
    let mut config = harness.config.clone();
    let mut broken = config.sources[0].clone();
    broken.id = "broken-psa".into();
    broken.set("base_url", Setting::Text("http://127.0.0.1:9/nowhere".into()));
    config.sources.push(broken);
    let harness = Harness { config, ..harness };
    let secrets: sightline_sync::SecretLookup = Arc::new(|source_id: &str| {
        if source_id == "broken-psa" {
            return Ok(None);
        }
        Ok(Some(Secret::new(format!("{}:{}", connectwise::PUBLIC_KEY, connectwise::PRIVATE_KEY))))
    });
    let options = SyncOptions { http: http(), ..SyncOptions::default() };
    let report = sync(&harness.store, &harness.config, secrets, now(), &options, Arc::new(|_| {})).await.unwrap();
    let outcomes: Vec<(&str, bool)> = report.outcomes.iter().map(|o| (o.source_id.as_str(), o.ok)).collect();
    assert_eq!(outcomes, vec![("bluepeak-psa", true), ("broken-psa", false)]);
    assert_eq!(
        report.outcomes[1].error.as_deref(),
        Some(
            "no credentials are stored for broken-psa: run `sightline-cli secret set broken-psa` and enter PUBLIC_KEY:PRIVATE_KEY"
        )
    );
}

/// A fake serving the first `count` of the harness's tickets, and the
/// harness's configuration pointed at it.
async fn serving(harness: &Harness, count: usize) -> (FakeConnectWise, Config) {
    let fake = FakeConnectWise::start(connectwise::tickets(count, now(), chrono::Duration::hours(5))).await;
    let text = harness.text.replace(&harness.fake.base_url(), &fake.base_url());
    let config = Config::parse(&text, &harness.config.path).unwrap();
    (fake, config)
}

impl Harness {
    async fn sync_from(&self, config: &Config, accept_shrink: bool) -> SourceOutcome {
        let options = SyncOptions { force_full: true, accept_shrink, http: http(), ..SyncOptions::default() };
        self.sync_with(config, options).await.outcomes.into_iter().next().unwrap()
    }
}

#[tokio::test]
async fn an_empty_listing_is_held_not_applied() {
    let harness = Harness::synced().await;
    let (_fake, config) = serving(&harness, 0).await;
    let outcome = harness.sync_from(&config, false).await;
    assert!(!outcome.ok);
    assert_eq!(
        outcome.error.as_deref(),
        Some(
            "held: this read has 0 records where the cache holds 30 for bluepeak-psa (a drop of 100%), so nothing was \
             replaced, in case the export, file or query is incomplete. If the source really is this small now, run \
             `sightline-cli sync --source bluepeak-psa --accept-shrink`"
        )
    );
    assert_eq!(harness.records().tickets.len(), 30);
}

#[tokio::test]
async fn a_source_shrinking_by_more_than_half_is_held_until_accepted() {
    let harness = Harness::synced().await;
    let (_fake, config) = serving(&harness, 14).await;
    let outcome = harness.sync_from(&config, false).await;
    assert!(!outcome.ok);
    assert!(outcome.error.as_deref().unwrap().starts_with("held: this read has 14 records where the cache holds 30"));
    assert_eq!(harness.records().tickets.len(), 30);

    // Shrinking by less than half is ordinary churn.
    let (_fake, config) = serving(&harness, 16).await;
    assert!(harness.sync_from(&config, false).await.ok);
    assert_eq!(harness.records().tickets.len(), 16);

    // Confirmed: the smaller read replaces the source.
    let (_fake, config) = serving(&harness, 3).await;
    assert!(harness.sync_from(&config, true).await.ok);
    assert_eq!(harness.records().tickets.len(), 3);
}

#[tokio::test]
async fn a_source_removed_from_the_configuration_keeps_its_records_until_forgotten() {
    let harness = Harness::synced().await;
    let text = "[[vendor]]\nid = \"bluepeak\"\nname = \"Bluepeak IT Services\"\nkind = \"msp\"\n";
    let config = Config::parse(text, &harness.config.path).unwrap();
    let report = harness.sync_with(&config, SyncOptions { http: http(), ..SyncOptions::default() }).await;
    assert!(report.outcomes.is_empty());
    assert_eq!(
        report.notices,
        [format!(
            "bluepeak-psa is no longer in {}, but its 30 records are kept and still counted: put it back, or run \
             `sightline-cli forget bluepeak-psa` to remove them",
            harness.config.path.display()
        )]
    );
    assert_eq!(harness.records().tickets.len(), 30);
    assert_eq!(harness.store.lock().unwrap().forget_source("bluepeak-psa").unwrap(), 30);
    assert!(harness.records().tickets.is_empty());
    assert!(harness.store.lock().unwrap().load_company().unwrap().sources.is_empty());
}

#[test]
fn an_emptied_configuration_is_refused() {
    for text in ["", "\n# only a comment\n", "timezone = \"Europe/London\"\n"] {
        let error = Config::parse(text, Path::new("/etc/hf/sightline.toml")).unwrap_err();
        assert_eq!(
            error.problems,
            ["/etc/hf/sightline.toml: the configuration is empty (no company, vendors or sources), so nothing was \
              changed; if it was emptied by mistake, restore it, otherwise name the company and its vendors (the \
              README shows how)"],
            "{text:?}"
        );
    }
}
