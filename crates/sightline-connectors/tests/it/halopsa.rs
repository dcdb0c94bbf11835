//! The HaloPSA connector against a fake Halo on this machine: the token
//! request, the bearer header, paging, the incremental filter, the mapping to
//! tickets, and the failures a user can act on.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_connectors::{
    FetchError, FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch,
};
use sightline_domain::{Provenance, Secret, Ticket};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "sightline-reader";
const CLIENT_SECRET: &str = "s3cret+with/odd=chars";
const TOKEN: &str = "halo-token-1";

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 10, 6, 0, 0).unwrap()
}

fn options() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(10),
        },
        ..HttpOptions::default()
    }
}

/// A Halo source on the fake server, with `extra` settings on top.
fn source(server: &MockServer, extra: Value) -> SourceConfig {
    let mut config = json!({
        "id": "halo-harbor",
        "kind": "halopsa",
        "vendor": "harbor-it",
        "base_url": format!("{}/api", server.uri()),
        "tenant": "harborlane",
        "priority_map": { "Urgent": "P1" },
    });
    for (key, value) in extra.as_object().unwrap() {
        config[key] = value.clone();
    }
    serde_json::from_value(config).unwrap()
}

async fn run(source: &SourceConfig, since: Option<DateTime<Utc>>) -> Result<Fetched, FetchError> {
    let secret = Secret::new(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let options = options();
    let request =
        FetchRequest { source, secret: Some(&secret), since, now: now(), http: &options, known_content: None };
    fetch(request, &|_| {}).await
}

async fn token_endpoint(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST")).and(path("/auth/token")).respond_with(response).mount(server).await;
}

fn token_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({ "access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600 }))
}

/// Serves `pages` as Halo does, picking the page by `page_no` (1-based); a
/// page past the end is empty.
async fn tickets_endpoint(server: &MockServer, pages: Vec<Vec<Value>>, record_count: Option<usize>) {
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(move |request: &Request| {
            let page_no: usize = query(request, "page_no").and_then(|page| page.parse().ok()).unwrap_or(1);
            let page_size: usize = query(request, "page_size").and_then(|size| size.parse().ok()).unwrap_or(0);
            let tickets = pages.get(page_no.wrapping_sub(1)).cloned().unwrap_or_default();
            let mut body = json!({ "page_no": page_no, "page_size": page_size, "tickets": tickets });
            if let Some(total) = record_count {
                body["record_count"] = json!(total);
            }
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(server)
        .await;
}

fn query(request: &Request, key: &str) -> Option<String> {
    request.url.query_pairs().find(|(name, _)| name == key).map(|(_, value)| value.into_owned())
}

fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn ticket(id: u32, fields: Value) -> Value {
    let mut ticket = json!({
        "id": id,
        "summary": format!("ticket {id}"),
        "status_id": 2,
        "tickettype_id": 1,
        "sla_id": 1,
        "priority_id": 3,
        "client_id": 12,
        "client_name": "Harbor Lane Dental",
        "site_name": "Main Office",
        "user_name": "Front Desk",
        "team": "Service Desk",
        "agent_id": 4,
        "agent_name": "Sam Sample",
        "onhold": false,
        "slaresponsestate": "I",
        "excludefromsla": false,
    });
    for (key, value) in fields.as_object().unwrap() {
        ticket[key] = value.clone();
    }
    ticket
}

#[tokio::test]
async fn full_run_logs_in_and_reads_every_page() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_ok()).await;
    let first_page = vec![
        ticket(
            101,
            json!({
                "summary": "Reception printer offline",
                "dateoccurred": "2026-10-01T09:00:00",
                "responsedate": "2026-10-01T09:20:00.500",
                "dateclosed": "2026-10-01T13:00:00Z",
                "hasbeenclosed": true,
                "status_id": 9,
                "status_name": "Closed",
                "priority_id": 1,
                "priority_name": "Urgent",
                "last_update": "2026-10-02T08:00:00",
            }),
        ),
        ticket(
            102,
            json!({
                "dateoccurred": "2026-10-03T14:30:00.123Z",
                "responsedate": "1900-01-01T00:00:00",
                "dateclosed": "1900-01-01T00:00:00",
                "hasbeenclosed": false,
                "status_name": "In Progress",
                "agent_name": "",
                "last_update": "2026-10-04T10:15:00",
            }),
        ),
    ];
    let second_page = vec![ticket(
        103,
        json!({
            "dateoccurred": "2026-10-05T07:45:00",
            "responsedate": "2026-10-05T08:00:00",
            "dateclosed": "2026-10-06T07:45:00",
            "status_id": 9.0,
            "priority_id": 4,
            "priority_name": "Low",
            "agent_name": "Ada Example",
            "last_update": "2026-10-06T07:45:00",
        }),
    )];
    tickets_endpoint(&server, vec![first_page, second_page], Some(3)).await;

    let fetched = run(&source(&server, json!({ "page_size": 2 })), None).await.unwrap();

    // What Halo was asked.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let login = &requests[0];
    assert_eq!((login.method.as_str(), login.url.path()), ("POST", "/auth/token"));
    assert_eq!(login.url.query(), Some("tenant=harborlane"));
    assert_eq!(login.headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    let expected_form = [
        ("grant_type", "client_credentials"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("scope", "all"),
    ]
    .map(|(key, value)| (key.to_string(), value.to_string()));
    assert_eq!(form(login), expected_form);
    for (request, page_no) in requests[1..].iter().zip(["1", "2"]) {
        assert_eq!((request.method.as_str(), request.url.path()), ("GET", "/api/Tickets"));
        assert_eq!(request.headers.get("authorization").unwrap(), &format!("Bearer {TOKEN}"));
        assert_eq!(query(request, "pageinate").as_deref(), Some("true"));
        assert_eq!(query(request, "page_size").as_deref(), Some("2"));
        assert_eq!(query(request, "page_no").as_deref(), Some(page_no));
        assert_eq!(query(request, "lastupdatefromdate"), None);
    }
    for request in &requests {
        assert!(!request.url.as_str().contains("s3cret"), "the secret went into a URL: {}", request.url);
    }

    // What came back.
    assert!(fetched.full);
    assert_eq!((fetched.requests, fetched.pages), (3, 2));
    assert_eq!(fetched.watermark, Some(utc("2026-10-06T07:45:00Z")));
    // Halo's "Low" maps to no contract priority unless priority_map says so.
    assert_eq!(
        fetched.warnings,
        ["1 HaloPSA ticket has the priority 'Low', which matches no contract priority: it counts for volumes but not \
          for SLA compliance; add 'Low' to priority_map for halo-harbor"]
    );
    let tickets = &fetched.batch.tickets;
    assert_eq!(tickets.iter().map(|t| t.provenance.record_id.as_str()).collect::<Vec<_>>(), ["101", "102", "103"]);
    assert_eq!(
        tickets[0],
        Ticket {
            provenance: Provenance { source_id: "halo-harbor".into(), record_id: "101".into(), fetched_at: now() },
            vendor_id: "harbor-it".into(),
            summary: "Reception printer offline".into(),
            priority: Some("P1".into()),
            created_at: utc("2026-10-01T09:00:00Z"),
            first_response_at: Some(utc("2026-10-01T09:20:00.500Z")),
            resolved_at: Some(utc("2026-10-01T13:00:00Z")),
            assignee: Some("Sam Sample".into()),
            resolved_by: Some("Sam Sample".into()),
            status: "Closed".into(),
            reopened: None,
            vendor_reported_in_sla: None,
            // No `slaholdtime` in the answer; `excludefromsla` false.
            paused_minutes: None,
            excluded_from_sla: false,
        }
    );
    // Open, with Halo's null dates, no agent and only a priority id.
    let open = &tickets[1];
    assert_eq!(open.created_at, utc("2026-10-03T14:30:00.123Z"));
    assert_eq!((open.first_response_at, open.resolved_at), (None, None));
    assert_eq!((open.assignee.as_deref(), open.resolved_by.as_deref()), (None, None));
    assert_eq!(open.priority.as_deref(), Some("P3"));
    assert_eq!(open.status, "In Progress");
    // Closed by status alone; a priority name the contract does not know.
    let closed = &tickets[2];
    assert_eq!(closed.created_at, utc("2026-10-05T07:45:00Z"));
    assert_eq!(closed.resolved_at, Some(utc("2026-10-06T07:45:00Z")));
    assert_eq!(closed.resolved_by.as_deref(), Some("Ada Example"));
    assert_eq!(closed.priority, None);
    assert_eq!(closed.status, "status 9");
}

/// A ticket in the shape of Halo's documented `GET /api/Tickets` example
/// (`get_tickets_paginated_example_placeholders.json`: the same fields, no
/// more), its placeholders given values.
fn documented_ticket(id: u32, fields: Value) -> Value {
    // Text, not `json!`: an object this large passes the macro's recursion
    // limit.
    let mut ticket: Value = serde_json::from_str(
        r#"{
            "id": 0,
            "dateoccurred": "2026-10-01T08:00:00.000Z",
            "summary": "",
            "status_id": 2,
            "tickettype_id": 1,
            "sla_id": 1,
            "priority_id": 2,
            "client_id": 31,
            "client_name": "Kestrel Joinery",
            "site_id": 44,
            "site_name": "Workshop",
            "user_name": "Office Manager",
            "team": "Service Desk",
            "agent_id": 6,
            "agent_name": "Ada Example",
            "category_1": "Network",
            "category_2": "",
            "category_3": "",
            "category_4": "",
            "estimate": 0,
            "timetaken": 2.5,
            "parent_id": 0,
            "flagged": false,
            "read": true,
            "enduserstatus": 0,
            "onhold": false,
            "respondbydate": "2026-10-01T09:00:00.000Z",
            "slaresponsestate": "I",
            "fixbydate": "2026-10-01T17:30:00.000Z",
            "dateclosed": "1900-01-01T00:00:00",
            "excludefromsla": false,
            "slaholdtime": 0,
            "site_timezone": "",
            "slaactiondate": "2026-10-01T16:00:00.000Z",
            "slapercused": 0,
            "slatimeleft": 0,
            "responsedate": "2026-10-01T08:20:00.000Z"
        }"#,
    )
    .unwrap();
    ticket["id"] = json!(id);
    ticket["summary"] = json!(format!("ticket {id}"));
    for (key, value) in fields.as_object().unwrap() {
        assert!(ticket.get(key).is_some(), "{key} is not in Halo's documented ticket");
        ticket[key] = value.clone();
    }
    ticket
}

#[tokio::test]
async fn hold_time_and_exclusion_come_from_halos_documented_fields() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_ok()).await;
    // The whole documented envelope, `columns` included.
    let page = json!({
        "page_no": 1,
        "page_size": 100,
        "record_count": 2,
        "tickets": [
            documented_ticket(
                4711,
                json!({
                    "summary": "Payroll share unreachable",
                    "status_id": 9,
                    "dateclosed": "2026-10-01T16:00:00.000Z",
                    "slaholdtime": 1.5,
                }),
            ),
            documented_ticket(
                4712,
                json!({
                    "summary": "Quote for new workshop printers",
                    "onhold": true,
                    "responsedate": "1900-01-01T00:00:00",
                    "slaresponsestate": "O",
                    "excludefromsla": true,
                    "slaholdtime": 26.25,
                }),
            ),
        ],
        "columns_id": 0,
        "columns": [{
            "id": 0, "columns_id": 0, "column_seq": 0, "column_name": "", "width": 0, "order_seq": 0,
            "order_desc": true
        }]
    });
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;

    let fetched = run(&source(&server, json!({})), None).await.unwrap();

    assert!(fetched.warnings.is_empty(), "{:?}", fetched.warnings);
    let tickets = &fetched.batch.tickets;
    assert_eq!(tickets.len(), 2);
    // Closed by the built-in Closed status, after an hour and a half on hold.
    let closed = &tickets[0];
    assert_eq!(closed.provenance.record_id, "4711");
    assert_eq!(closed.priority.as_deref(), Some("P2"));
    assert_eq!(closed.created_at, utc("2026-10-01T08:00:00Z"));
    assert_eq!(closed.first_response_at, Some(utc("2026-10-01T08:20:00Z")));
    assert_eq!(closed.resolved_at, Some(utc("2026-10-01T16:00:00Z")));
    assert_eq!(closed.paused_minutes, Some(90));
    assert!(!closed.excluded_from_sla);
    // "I" judges the response alone: no verdict on the SLA as a whole.
    assert_eq!(closed.vendor_reported_in_sla, None);
    // Open, on hold, and ticked "exclude from SLA".
    let excluded = &tickets[1];
    assert_eq!(excluded.provenance.record_id, "4712");
    assert_eq!((excluded.first_response_at, excluded.resolved_at), (None, None));
    assert_eq!(excluded.paused_minutes, Some(1575));
    assert!(excluded.excluded_from_sla);
    assert_eq!(excluded.vendor_reported_in_sla, None);
    assert_eq!(excluded.status, "status 2");
}

#[tokio::test]
async fn incremental_run_asks_for_changes_since_the_watermark() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_ok()).await;
    // No record_count and no last_update: a short page ends the listing,
    // and there is no watermark to move.
    let page = vec![ticket(240, json!({ "dateoccurred": "2026-10-08T16:00:00" }))];
    tickets_endpoint(&server, vec![page], None).await;

    let since = utc("2026-10-07T12:30:00Z");
    let fetched = run(&source(&server, json!({})), Some(since)).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let listing = &requests[1];
    assert_eq!(query(listing, "lastupdatefromdate").as_deref(), Some("2026-10-07T12:30:00Z"));
    assert_eq!(query(listing, "page_size").as_deref(), Some("100"));
    assert_eq!(query(listing, "page_no").as_deref(), Some("1"));
    assert!(!fetched.full);
    assert_eq!((fetched.requests, fetched.pages), (2, 1));
    assert_eq!(fetched.watermark, None);
    assert_eq!(fetched.batch.tickets.len(), 1);
    assert_eq!(fetched.batch.tickets[0].created_at, utc("2026-10-08T16:00:00Z"));
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error_that_keeps_the_secret() {
    for refusal in
        [ResponseTemplate::new(401), ResponseTemplate::new(400).set_body_json(json!({ "error": "invalid_client" }))]
    {
        let server = MockServer::start().await;
        token_endpoint(&server, refusal).await;
        tickets_endpoint(&server, vec![], None).await;

        let error = run(&source(&server, json!({})), None).await.unwrap_err();

        assert_eq!(error.kind, FetchErrorKind::Auth, "{error}");
        assert!(error.message.contains("halo-harbor"), "{error}");
        assert!(!error.to_string().contains(CLIENT_SECRET), "{error}");
        // Nothing is listed without a token.
        assert_eq!(received(&server).await.len(), 1);
    }
}

#[tokio::test]
async fn unusable_answers_are_bad_responses_that_say_where() {
    let check = |page: Value, expected: &'static [&'static str]| async move {
        let server = MockServer::start().await;
        token_endpoint(&server, token_ok()).await;
        Mock::given(method("GET"))
            .and(path("/api/Tickets"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(&server)
            .await;
        let error = run(&source(&server, json!({})), None).await.unwrap_err();
        assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
        for part in expected {
            assert!(error.message.contains(part), "{part:?} not in: {error}");
        }
    };
    check(
        json!({ "record_count": 1, "tickets": [{ "id": 7, "summary": "no dates" }] }),
        &["tickets[0]", "dateoccurred"],
    )
    .await;
    check(json!({ "tickets": [{ "id": "seven", "dateoccurred": "2026-10-01T09:00:00" }] }), &["tickets[0].id"]).await;
    check(
        json!({ "tickets": [ticket(8, json!({ "dateoccurred": "yesterday" }))] }),
        &["tickets[0].dateoccurred", "'yesterday' is not a date"],
    )
    .await;
    check(json!({ "record_count": 0 }), &["tickets"]).await;

    // A token answer without a token.
    let server = MockServer::start().await;
    token_endpoint(&server, ResponseTemplate::new(200).set_body_json(json!({ "token_type": "Bearer" }))).await;
    let error = run(&source(&server, json!({})), None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.message.contains("access_token"), "{error}");
}

#[tokio::test]
async fn listings_that_never_end_are_stopped() {
    let full_page =
        |first: u32| (first..first + 2).map(|id| ticket(id, json!({ "dateoccurred": "2026-10-01T09:00:00" })));

    // A server that ignores page_no sends the same page again.
    let server = MockServer::start().await;
    token_endpoint(&server, token_ok()).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "record_count": 500, "tickets": full_page(1).collect::<Vec<_>>() })),
        )
        .mount(&server)
        .await;
    let error = run(&source(&server, json!({ "page_size": 2 })), None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.message.contains("paging loop"), "{error}");

    // A listing longer than max_pages.
    let server = MockServer::start().await;
    token_endpoint(&server, token_ok()).await;
    let pages = (0..10).map(|page| full_page(1 + page * 2).collect()).collect();
    tickets_endpoint(&server, pages, Some(20)).await;
    let error = run(&source(&server, json!({ "page_size": 2, "max_pages": 3 })), None).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse, "{error}");
    assert!(error.message.contains("went past 3 pages"), "{error}");
}

#[tokio::test]
async fn auth_url_names_the_authorisation_server() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/identity/token")).respond_with(token_ok()).mount(&server).await;
    tickets_endpoint(&server, vec![vec![]], Some(0)).await;

    let auth_url = format!("{}/identity", server.uri());
    let mut config = source(&server, json!({ "auth_url": auth_url }));
    config.settings.remove("tenant");
    let fetched = run(&config, None).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/identity/token");
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[1].headers.get("authorization").unwrap(), &format!("Bearer {TOKEN}"));
    assert_eq!((fetched.requests, fetched.pages, fetched.batch.tickets.len()), (2, 1, 0));
    assert_eq!(fetched.watermark, None);
}
