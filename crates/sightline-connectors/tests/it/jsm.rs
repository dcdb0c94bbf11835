//! The Jira Service Management connector against a local fake: requests
//! with their SLA cycles, paged by `start`/`limit`/`isLastPage`. The SLA
//! metric is the recorded one (`fixtures/jsm/request_sla_single_metric.json`,
//! as there); the request around it follows Atlassian's documented
//! CustomerRequest shape (no recorded request body was found), and the
//! completed and breached cycles are the recorded cycle's fields with
//! `stopTime` and `breached` set.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::Secret;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const METRIC: &str = include_str!("../fixtures/jsm/request_sla_single_metric.json");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 10, 20, 12, 0, 0).unwrap()
}

fn moment(millis: i64) -> Value {
    json!({"iso8601": "", "jira": "", "friendly": "", "epochMillis": millis})
}

/// The recorded metric, as it is.
fn recorded() -> Value {
    serde_json::from_str(METRIC).unwrap()
}

/// The recorded cycle, finished at `stop` (epoch ms), breached or not.
fn completed(name: &str, stop: i64, breached: bool) -> Value {
    let mut metric = recorded();
    let mut cycle = metric["ongoingCycle"].take();
    cycle["stopTime"] = moment(stop);
    cycle["breached"] = json!(breached);
    json!({"id": "1", "name": name, "completedCycles": [cycle], "_links": {}})
}

fn request(key: &str, created: Option<i64>, status: (&str, &str, i64), priority: &str, slas: Vec<Value>) -> Value {
    let mut request = json!({
        "issueId": "10001", "issueKey": key, "requestTypeId": "25", "serviceDeskId": "10",
        "requestFieldValues": [
            {"fieldId": "summary", "label": "What do you need?", "value": format!("Help with {key}")},
            {"fieldId": "priority", "label": "Priority", "value": {"name": priority, "id": "3"}}
        ],
        "currentStatus": {"status": status.0, "statusCategory": status.1, "statusDate": moment(status.2)},
        "sla": {"size": slas.len(), "start": 0, "limit": 50, "isLastPage": true, "values": slas},
        "_links": {}
    });
    if let Some(created) = created {
        request["createdDate"] = moment(created);
    }
    request
}

async fn run(server: &MockServer) -> Result<Fetched, sightline_connectors::FetchError> {
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "helpdesk", "kind": "jsm", "vendor": "acme", "base_url": server.uri(), "service_desk_id": "10",
        "page_size": 2, "priority_map": {"High": "P2"}
    }))
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    let secret = Secret::new("it@harborfinch.example:jira-token-77");
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
async fn requests_become_tickets_with_the_providers_sla_verdict() {
    let server = MockServer::start().await;
    // The recorded metric's cycle started at 1760509504062 (06:25:04 UTC).
    let start = 1_760_509_504_062;
    let minute = 60_000;
    let first_page = json!({"size": 2, "start": 0, "limit": 2, "isLastPage": false, "values": [
        request("HELPDESK-1", Some(start), ("In Progress", "INDETERMINATE", start), "High",
            vec![recorded(), completed("Time to first response", start + 20 * minute, false)]),
        request("HELPDESK-2", Some(start), ("Resolved", "DONE", start + 600 * minute), "Lowest",
            vec![completed("Time to resolution", start + 600 * minute, true)]),
    ]});
    let second_page = json!({"size": 2, "start": 2, "limit": 2, "isLastPage": true, "values": [
        request("HELPDESK-3", Some(start), ("Closed", "DONE", start + 90 * minute), "High",
            vec![completed("Time to resolution", start + 90 * minute, false)]),
        request("HELPDESK-4", None, ("Open", "NEW", start), "High", vec![]),
    ]});
    for (from, body) in [("0", first_page), ("2", second_page)] {
        Mock::given(method("GET"))
            .and(path("/rest/servicedeskapi/request"))
            .and(query_param("requestStatus", "ALL_REQUESTS"))
            .and(query_param("expand", "sla,status"))
            .and(query_param("serviceDeskId", "10"))
            .and(query_param("start", from))
            .and(query_param("limit", "2"))
            .and(header("authorization", "Basic aXRAaGFyYm9yZmluY2guZXhhbXBsZTpqaXJhLXRva2VuLTc3"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let fetched = run(&server).await.unwrap();
    let shown: Vec<String> = fetched
        .batch
        .tickets
        .iter()
        .map(|ticket| {
            format!(
                "{} {:?} {} created {} answered {:?} resolved {:?} status {} provider says in SLA {:?}",
                ticket.provenance.record_id,
                ticket.priority,
                ticket.summary,
                ticket.created_at.format("%H:%M:%S"),
                ticket.first_response_at.map(|at| at.format("%H:%M:%S").to_string()),
                ticket.resolved_at.map(|at| at.format("%d %H:%M").to_string()),
                ticket.status,
                ticket.vendor_reported_in_sla
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            // Open and not breached yet: no verdict to hold the provider to.
            "HELPDESK-1 Some(\"P2\") Help with HELPDESK-1 created 06:25:04 answered Some(\"06:45:04\") resolved None \
             status In Progress provider says in SLA None",
            "HELPDESK-2 None Help with HELPDESK-2 created 06:25:04 answered None resolved Some(\"15 16:25\") status \
             Resolved provider says in SLA Some(false)",
            "HELPDESK-3 Some(\"P2\") Help with HELPDESK-3 created 06:25:04 answered None resolved Some(\"15 07:55\") \
             status Closed provider says in SLA Some(true)",
        ]
    );
    assert_eq!(
        fetched.warnings,
        [
            "HELPDESK-4 has no creation date and was left out",
            "1 Jira Service Management ticket has the priority 'Lowest', which matches no contract priority: it \
             counts for volumes but not for SLA compliance; add 'Lowest' to priority_map for helpdesk",
        ]
    );
    assert!(fetched.full);
    assert_eq!((fetched.requests, fetched.pages), (2, 2));
}

#[tokio::test]
async fn a_rejected_token_and_a_login_page_are_clear_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_string("Client must be authenticated to access this resource."),
        )
        .mount(&server)
        .await;
    let error = run(&server).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth);
    assert!(!error.message.contains("jira-token-77"), "{}", error.message);
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<!DOCTYPE html><html>Log in</html>", "text/html"))
        .mount(&server)
        .await;
    let error = run(&server).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
}
