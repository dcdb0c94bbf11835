//! The Autotask connector against a fake Autotask zone on 127.0.0.1: the
//! requests it sends (auth headers, the search, paging) and the tickets it
//! makes of the answers.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sightline_connectors::{
    FetchErrorKind, FetchRequest, Fetched, HttpOptions, Phase, Progress, RetryPolicy, SourceConfig, fetch,
};
use sightline_domain::Secret;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const USERNAME: &str = "sightline-api@northwind-msp.example";
const SECRET: &str = "kT9#q2Lz-never-in-a-url";
const INTEGRATION_CODE: &str = "TRACKINGIDENTIFIER123456789";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn options() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(5),
        },
        ..HttpOptions::default()
    }
}

fn source(server: &MockServer, extra: Value) -> SourceConfig {
    let mut table = json!({
        "id": "northwind-autotask",
        "kind": "autotask",
        "vendor": "northwind",
        "integration_code": INTEGRATION_CODE,
        "base_url": server.uri(),
    });
    table.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    serde_json::from_value(table).unwrap()
}

/// Runs the connector the way a sync run does, collecting its progress.
async fn run(
    source: &SourceConfig,
    since: Option<DateTime<Utc>>,
) -> (Result<Fetched, sightline_connectors::FetchError>, Vec<Progress>) {
    let secret = Secret::new(format!("{USERNAME}:{SECRET}"));
    let options = options();
    let request = FetchRequest {
        source,
        secret: Some(&secret),
        since,
        now: at("2024-03-05T12:00:00Z"),
        http: &options,
        known_content: None,
    };
    let seen = Mutex::new(Vec::new());
    let result = fetch(request, &|progress| seen.lock().unwrap().push(progress)).await;
    (result, seen.into_inner().unwrap())
}

/// The ticket picklists as `Tickets/entityInformation/fields` gives them:
/// the four built-in priorities, one the database added, and two statuses.
async fn mount_fields(server: &MockServer) {
    let picklist = |values: &[(&str, &str)]| {
        values
            .iter()
            .map(|(value, label)| json!({"value": value, "label": label, "isDefaultValue": false, "isActive": true}))
            .collect::<Vec<_>>()
    };
    Mock::given(method("GET"))
        .and(path("/Tickets/entityInformation/fields"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"fields": [
            {"name": "id", "dataType": "long", "isPickList": false, "picklistValues": null},
            {"name": "priority", "dataType": "integer", "isPickList": true, "picklistValues": picklist(&[
                ("1", "High"), ("2", "Medium"), ("3", "Low"), ("4", "Critical"), ("6", "Project Work"),
            ])},
            {"name": "status", "dataType": "integer", "isPickList": true, "picklistValues": picklist(&[
                ("1", "New"), ("5", "Complete"),
            ])},
        ]})))
        .mount(server)
        .await;
}

fn page(items: Value, next: Option<String>) -> ResponseTemplate {
    let count = items.as_array().map_or(0, Vec::len);
    ResponseTemplate::new(200).set_body_json(json!({
        "items": items,
        "pageDetails": {"count": count, "requestCount": 500, "prevPageUrl": null, "nextPageUrl": next},
    }))
}

/// The `search` parameter of a query request, as JSON.
fn search_of(request: &Request) -> Value {
    let (_, search) = request.url.query_pairs().find(|(key, _)| key == "search").expect("a search parameter");
    serde_json::from_str(&search).unwrap()
}

/// Every request carries the three Autotask credentials as headers, and
/// never the secret in its URL.
fn assert_authenticated(requests: &[Request]) {
    for request in requests {
        let header = |name: &str| request.headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_string);
        assert_eq!(header("ApiIntegrationCode").as_deref(), Some(INTEGRATION_CODE), "{}", request.url);
        assert_eq!(header("UserName").as_deref(), Some(USERNAME), "{}", request.url);
        assert_eq!(header("Secret").as_deref(), Some(SECRET), "{}", request.url);
        assert_eq!(header("Content-Type").as_deref(), Some("application/json"), "{}", request.url);
        assert!(!request.url.as_str().contains("never-in-a-url"), "{}", request.url);
        assert!(!request.url.as_str().contains("kT9"), "{}", request.url);
    }
}

#[tokio::test]
async fn a_full_run_follows_next_page_url_and_maps_every_ticket() {
    let server = MockServer::start().await;
    mount_fields(&server).await;
    Mock::given(method("GET"))
        .and(path("/Tickets/query"))
        .respond_with(page(
            json!([
                {
                    "id": 101, "ticketNumber": "T20240210.0001", "title": "Mail server unreachable at Harbor Street",
                    "companyID": 174, "status": 5, "priority": 4, "queueID": 8, "issueType": 10,
                    "createDate": "2024-02-10T09:15:00.000Z", "firstResponseDateTime": "2024-02-10T09:40:00.000Z",
                    "resolvedDateTime": "2024-02-10T13:05:00.000Z", "completedDate": "2024-02-10T14:00:00.000Z",
                    "assignedResourceID": 29682885, "completedByResourceID": 29682886,
                    "lastActivityDate": "2024-02-10T14:00:00.000Z",
                    "serviceLevelAgreementID": 3, "serviceLevelAgreementHasBeenMet": true,
                    "description": "Users at the Harbor Street office cannot reach the mail server", "userDefinedFields": []
                },
                {
                    "id": 102, "title": "New starter laptop for the Lakeside team", "status": 1, "priority": 1,
                    "createDate": "2024-02-12T08:00:00.000Z", "firstResponseDateTime": null, "resolvedDateTime": null,
                    "completedDate": null, "assignedResourceID": null, "completedByResourceID": null,
                    "lastActivityDate": "2024-03-01T16:20:00.000Z",
                    "serviceLevelAgreementID": 3, "serviceLevelAgreementHasBeenMet": false
                }
            ]),
            Some(format!("{}/Tickets/query/next?paging=page-2", server.uri())),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/Tickets/query/next"))
        .and(query_param("paging", "page-2"))
        .respond_with(page(
            json!([{
                "id": 103, "title": "Backup job failed on the file server", "status": 5, "priority": 3,
                "createDate": "2024-02-20T22:10:00.000Z", "firstResponseDateTime": "2024-02-21T07:30:00.000Z",
                "resolvedDateTime": null, "completedDate": "2024-02-21T10:00:00.000Z",
                "assignedResourceID": 29682885, "completedByResourceID": 29682885,
                "lastActivityDate": "2024-02-21T10:00:00.000Z",
                "serviceLevelAgreementID": null, "serviceLevelAgreementHasBeenMet": false
            }]),
            // A relative link resolves against the page it came from.
            Some("/Tickets/query/next?paging=page-3".to_string()),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/Tickets/query/next"))
        .and(query_param("paging", "page-3"))
        .respond_with(page(
            json!([{
                "id": 104, "title": "Quarterly firewall review", "status": 9, "priority": 6,
                "createDate": "2024-02-25T10:00:00.000Z", "lastActivityDate": "2024-02-26T10:00:00.000Z"
            }]),
            None,
        ))
        .mount(&server)
        .await;

    let source = source(&server, json!({"page_size": 900}));
    let (result, progress) = run(&source, None).await;
    let fetched = result.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_authenticated(&requests);
    let paths: Vec<String> = requests.iter().map(|request| request.url.path().to_string()).collect();
    assert_eq!(
        paths,
        ["/Tickets/entityInformation/fields", "/Tickets/query", "/Tickets/query/next", "/Tickets/query/next"]
    );
    assert!(requests.iter().all(|request| request.method.as_str() == "GET"));
    let search = search_of(&requests[1]);
    assert_eq!(search["MaxRecords"], json!(500), "page_size is capped at Autotask's 500");
    assert_eq!(search["filter"], json!([{"op": "gt", "field": "id", "value": 0}]));
    let included = search["IncludeFields"].as_array().unwrap();
    for field in ["id", "createDate", "lastActivityDate", "serviceLevelAgreementHasBeenMet"] {
        assert!(included.contains(&json!(field)), "{field}");
    }

    assert!(fetched.full);
    assert_eq!(fetched.pages, 3);
    assert_eq!(fetched.requests, 4);
    assert_eq!(fetched.watermark, Some(at("2024-03-01T16:20:00Z")));
    let records: Vec<(usize, u32)> =
        progress.iter().filter(|p| p.phase == Phase::Fetching).map(|p| (p.records, p.pages)).collect();
    assert_eq!(records, [(2, 1), (3, 2), (4, 3)]);

    let tickets = &fetched.batch.tickets;
    let ids: Vec<&str> = tickets.iter().map(|ticket| ticket.provenance.record_id.as_str()).collect();
    assert_eq!(ids, ["101", "102", "103", "104"]);
    let first = &tickets[0];
    assert_eq!(first.provenance.source_id, "northwind-autotask");
    assert_eq!(first.provenance.fetched_at, at("2024-03-05T12:00:00Z"));
    assert_eq!(first.vendor_id, "northwind");
    assert_eq!(first.summary, "Mail server unreachable at Harbor Street");
    assert_eq!(first.created_at, at("2024-02-10T09:15:00Z"));
    assert_eq!(first.first_response_at, Some(at("2024-02-10T09:40:00Z")));
    assert_eq!(first.resolved_at, Some(at("2024-02-10T13:05:00Z")), "resolvedDateTime before completedDate");
    assert_eq!(first.assignee.as_deref(), Some("29682885"));
    assert_eq!(first.resolved_by.as_deref(), Some("29682886"));
    assert_eq!(first.status, "Complete");

    // (priority, in SLA, resolved, status) of each ticket.
    let summary: Vec<_> = tickets
        .iter()
        .map(|ticket| {
            (ticket.priority.as_deref(), ticket.vendor_reported_in_sla, ticket.resolved_at, ticket.status.as_str())
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Some("P1"), Some(true), Some(at("2024-02-10T13:05:00Z")), "Complete"),
            (Some("P2"), Some(false), None, "New"),
            // No SLA on the ticket: no verdict; resolved when completed.
            (Some("P4"), None, Some(at("2024-02-21T10:00:00Z")), "Complete"),
            // A priority the contract does not know; a status not in the picklist.
            (None, None, None, "9"),
        ]
    );
    assert_eq!(tickets[1].assignee, None);
    assert_eq!(tickets[1].resolved_by, None);
    assert_eq!(fetched.warnings.len(), 1, "{:?}", fetched.warnings);
    assert!(fetched.warnings[0].contains("'Project Work'"), "{}", fetched.warnings[0]);
}

#[tokio::test]
async fn an_incremental_run_asks_for_activity_after_the_watermark() {
    let server = MockServer::start().await;
    mount_fields(&server).await;
    Mock::given(method("GET"))
        .and(path("/Tickets/query"))
        .respond_with(page(
            json!([
                {
                    "id": 230, "title": "VPN drops for remote staff", "status": 1, "priority": 3,
                    "createDate": "2024-03-02T07:00:00.000Z", "lastActivityDate": "2024-03-04T11:45:30.250Z",
                    "assignedResourceID": 31, "serviceLevelAgreementID": 4, "serviceLevelAgreementHasBeenMet": true
                },
                {
                    "id": 231, "title": "Project kickoff call", "status": 1, "priority": 6,
                    "createDate": "2024-03-03T07:00:00.000Z", "lastActivityDate": "2024-03-03T09:00:00.000Z"
                }
            ]),
            None,
        ))
        .expect(1)
        .mount(&server)
        .await;

    let source = source(&server, json!({"page_size": 50, "priority_map": {"Low": "P3", "6": "P4"}}));
    let (result, _) = run(&source, Some(at("2024-03-01T08:30:00Z"))).await;
    let fetched = result.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_authenticated(&requests);
    let search = search_of(&requests[1]);
    assert_eq!(search["MaxRecords"], json!(50));
    assert_eq!(search["filter"], json!([{"op": "gt", "field": "lastActivityDate", "value": "2024-03-01T08:30:00Z"}]));

    assert!(!fetched.full);
    assert_eq!((fetched.pages, fetched.requests), (1, 2));
    assert_eq!(fetched.watermark, Some(at("2024-03-04T11:45:30.250Z")));
    let priorities: Vec<Option<&str>> = fetched.batch.tickets.iter().map(|ticket| ticket.priority.as_deref()).collect();
    assert_eq!(priorities, [Some("P3"), Some("P4")], "priority_map by label and by picklist value");
    assert_eq!(fetched.batch.tickets[0].vendor_reported_in_sla, Some(true));
    assert_eq!(fetched.batch.tickets[0].resolved_at, None);
    assert!(fetched.warnings.is_empty(), "{:?}", fetched.warnings);
}

/// The ticket of django-autotask's `API_TICKET`
/// (`fixtures/autotask/tickets_query_response.json`, envelope and fields as
/// there), and one carrying the SLA fields the Tickets entity adds, which
/// that fixture lacks (names from the entity's field list).
#[tokio::test]
async fn sla_fields_map_as_the_tickets_entity_records_them() {
    let server = MockServer::start().await;
    mount_fields(&server).await;
    // Text, not `json!`: the fixture's ticket passes the macro's recursion
    // limit.
    let body = r#"{
        "items": [
            {
                "companyID": 174, "companyLocationID": 55, "billingCodeID": 29683407,
                "assignedResourceID": 10, "assignedResourceRoleID": 8,
                "changeInfoField1": "", "changeInfoField2": "", "changeInfoField3": "", "changeInfoField4": "",
                "changeInfoField5": "",
                "completedByResourceID": 29682885, "completedDate": "2019-09-05T08:23:00.000Z",
                "contactID": 29683586, "contractID": 29684183,
                "createDate": "2019-08-18T01:00:00.000Z", "creatorResourceID": 4, "creatorType": 1,
                "description": "Monthly services checkup at Kestrel Joinery", "dueDateTime": "2019-09-07T01:00:00.000Z",
                "estimatedHours": 2.0, "externalID": "",
                "firstResponseDateTime": "2019-08-18T02:00:00.000Z",
                "hoursToBeScheduled": 0.0, "issueType": 10,
                "lastActivityDate": "2019-09-23T11:00:00.000Z", "lastActivityPersonType": 1,
                "lastActivityResourceID": 4,
                "priority": 3, "purchaseOrderNumber": "", "queueID": 29682833, "resolution": "",
                "source": 6, "status": 10, "subIssueType": 136, "ticketCategory": 3,
                "ticketNumber": "T20190818.0002", "ticketType": 1, "title": "Monthly services checkup",
                "userDefinedFields": {}, "id": 100
            },
            {
                "id": 101, "ticketNumber": "T20190820.0007", "title": "Kestrel Joinery: scanner not sending mail",
                "status": 1, "priority": 4, "createDate": "2019-08-20T09:00:00.000Z",
                "firstResponseDateTime": "2019-08-20T09:25:00.000Z",
                "firstResponseDueDateTime": "2019-08-20T10:00:00.000Z",
                "resolutionPlanDateTime": null, "resolutionPlanDueDateTime": "2019-08-20T13:00:00.000Z",
                "resolvedDateTime": null, "resolvedDueDateTime": "2019-08-21T09:00:00.000Z",
                "lastActivityDate": "2019-08-20T11:00:00.000Z",
                "serviceLevelAgreementID": 2, "serviceLevelAgreementHasBeenMet": false,
                "serviceLevelAgreementPausedNextEventHours": 6.5
            }
        ],
        "pageDetails": {"count": 2, "requestCount": 500, "prevPageUrl": null, "nextPageUrl": null}
    }"#;
    Mock::given(method("GET"))
        .and(path("/Tickets/query"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let source = source(&server, json!({}));
    let (result, _) = run(&source, None).await;
    let fetched = result.unwrap();

    let tickets = &fetched.batch.tickets;
    assert_eq!(tickets.len(), 2);
    let checkup = &tickets[0];
    assert_eq!(checkup.provenance.record_id, "100");
    assert_eq!(checkup.priority.as_deref(), Some("P4"));
    assert_eq!(checkup.created_at, at("2019-08-18T01:00:00Z"));
    assert_eq!(checkup.first_response_at, Some(at("2019-08-18T02:00:00Z")));
    assert_eq!(checkup.resolved_at, Some(at("2019-09-05T08:23:00Z")));
    assert_eq!(checkup.status, "10");
    // No SLA fields at all: no verdict, no pause, not excluded.
    assert_eq!(checkup.vendor_reported_in_sla, None);
    assert_eq!(checkup.paused_minutes, None);
    assert!(!checkup.excluded_from_sla);
    // Paused now, with six and a half hours to its next SLA event: that is
    // a countdown, not a pause total, so no paused time is read from it.
    let paused = &tickets[1];
    assert_eq!(paused.priority.as_deref(), Some("P1"));
    assert_eq!(paused.vendor_reported_in_sla, Some(false));
    assert_eq!(paused.paused_minutes, None);
    assert!(!paused.excluded_from_sla);
}

#[tokio::test]
async fn rejected_credentials_are_an_auth_error_that_names_the_source_and_not_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"errors":["Unauthorized"]}"#))
        .mount(&server)
        .await;
    let source = source(&server, json!({}));
    let (result, _) = run(&source, None).await;
    let error = result.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth);
    assert!(error.message.contains("northwind-autotask"), "{}", error.message);
    assert!(!error.to_string().contains(SECRET), "{error}");
    assert!(!format!("{error:?}").contains(SECRET), "{error:?}");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "a 401 is not retried");
    assert_authenticated(&requests);
}

/// Answers that cannot be used end the run with a bad-response error that
/// says what was wrong, never with a panic or a partial batch.
#[tokio::test]
async fn unusable_answers_are_bad_response_errors() {
    let check = |name: &'static str, first_page: Value, expected: &'static [&'static str]| async move {
        let server = MockServer::start().await;
        mount_fields(&server).await;
        let body = first_page.to_string().replace("{server}", &server.uri());
        Mock::given(method("GET"))
            .and(path("/Tickets/query"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let source = source(&server, json!({"max_pages": 3}));
        let (result, _) = run(&source, None).await;
        let error = result.expect_err(name);
        assert_eq!(error.kind, FetchErrorKind::BadResponse, "{name}: {error}");
        for part in expected {
            assert!(error.message.contains(part), "{name}: {}", error.message);
        }
    };
    let details = json!({"count": 1, "requestCount": 500, "prevPageUrl": null, "nextPageUrl": null});
    check(
        "no createDate",
        json!({"items": [{"id": 1, "title": "Orphan"}], "pageDetails": details}),
        &["items[0]", "createDate"],
    )
    .await;
    check(
        "an id that is not a number",
        json!({"items": [{"id": "T-1", "createDate": "2024-02-01T00:00:00Z"}], "pageDetails": details}),
        &["items[0].id"],
    )
    .await;
    check(
        "a date that is not a date",
        json!({"items": [{"id": 1, "createDate": "last Tuesday"}], "pageDetails": details}),
        &["items[0].createDate", "last Tuesday"],
    )
    .await;
    check("no pageDetails", json!({"items": []}), &["pageDetails"]).await;
    check(
        "a next page on another site",
        json!({"items": [], "pageDetails": {"nextPageUrl": "https://collector.example.net/Tickets/query/next?paging=2"}}),
        &["another site", "collector.example.net"],
    )
    .await;
    check(
        "a next page that is this page",
        json!({"items": [], "pageDetails": {"nextPageUrl": "/Tickets/query"}}),
        &["paging loop"],
    )
    .await;
}
