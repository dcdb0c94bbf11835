//! A fake ConnectWise PSA: `/service/tickets` with `page`/`pageSize`
//! paging and a `Link` header, the `lastUpdated>=[...]` condition, and the
//! default SLA with its priorities, all in ConnectWise's documented shape.
//! It checks every request's auth headers and answers 401 when they are
//! wrong, as the real service does.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The credentials the fake accepts.
pub const COMPANY_ID: &str = "harborfinch";
pub const PUBLIC_KEY: &str = "pub-7Q2x";
pub const PRIVATE_KEY: &str = "priv-9Zk4-never-logged";
pub const CLIENT_ID: &str = "0b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee";

/// One ticket as the fake serves it.
#[derive(Debug, Clone)]
pub struct FakeTicket {
    pub id: i64,
    pub priority: &'static str,
    pub created: DateTime<Utc>,
    pub responded: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub closed_by: Option<&'static str>,
    pub in_sla: bool,
    pub last_updated: DateTime<Utc>,
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl FakeTicket {
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "summary": format!("Ticket {}", self.id),
            "recordType": "ServiceTicket",
            "board": {"id": 1, "name": "Service Desk"},
            "status": {"id": if self.resolved.is_some() { 5 } else { 1 }, "name": if self.resolved.is_some() { "Closed" } else { "New" }},
            "priority": {"id": 4, "name": self.priority},
            "closedFlag": self.resolved.is_some(),
            "closedDate": self.resolved.map(stamp),
            "closedBy": self.closed_by,
            "dateResolved": self.resolved.map(stamp),
            "dateResponded": self.responded.map(stamp),
            "owner": {"id": 7, "identifier": "jmarsh", "name": "Jordan Marsh"},
            "isInSla": self.in_sla,
            "_info": {"dateEntered": stamp(self.created), "lastUpdated": stamp(self.last_updated), "updatedBy": "api"}
        })
    }
}

/// `count` tickets ending at `now`: P1 and P3 alternately, one created every
/// `spacing`, answered in 10 minutes, resolved in 3 hours (the newest 5%
/// still open), closed by one of three engineers.
pub fn tickets(count: usize, now: DateTime<Utc>, spacing: Duration) -> Vec<FakeTicket> {
    (0..count)
        .map(|index| {
            let created = now - spacing * (count - index) as i32;
            let open = index * 20 >= count * 19;
            let resolved = (!open).then(|| created + Duration::hours(3));
            FakeTicket {
                id: 1000 + index as i64,
                priority: if index % 2 == 0 {
                    "Priority 1 - Emergency Response"
                } else {
                    "Priority 3 - Normal Response"
                },
                created,
                responded: Some(created + Duration::minutes(10)),
                resolved,
                closed_by: resolved.map(|_| ["amara", "bo", "chen"][index % 3]),
                in_sla: true,
                last_updated: resolved.unwrap_or(created + Duration::minutes(10)),
            }
        })
        .collect()
}

/// The fake's state, shared with the test.
#[derive(Debug, Default)]
pub struct State {
    pub tickets: Vec<FakeTicket>,
}

/// Answers `/service/tickets` from the shared state.
#[derive(Debug, Clone)]
struct TicketsResponder {
    state: Arc<Mutex<State>>,
    /// The server's own address: wiremock hands responders the request
    /// URL without it.
    origin: url::Url,
}

fn authorized(request: &Request) -> bool {
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{COMPANY_ID}+{PUBLIC_KEY}:{PRIVATE_KEY}"))
    );
    let header = |name: &str| request.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default();
    header("authorization") == expected && header("clientid") == CLIENT_ID
}

impl Respond for TicketsResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if !authorized(request) {
            return ResponseTemplate::new(401)
                .set_body_json(json!({"code": "Unauthorized", "message": "Invalid credentials"}));
        }
        let query =
            |key: &str| request.url.query_pairs().find(|(name, _)| name == key).map(|(_, value)| value.into_owned());
        let page: usize = query("page").and_then(|text| text.parse().ok()).unwrap_or(1).max(1);
        let page_size: usize = query("pageSize").and_then(|text| text.parse().ok()).unwrap_or(25).clamp(1, 1000);
        let since = query("conditions").and_then(|condition| {
            let text = condition.strip_prefix("lastUpdated>=[")?.strip_suffix(']')?.to_string();
            DateTime::parse_from_rfc3339(&text).ok().map(|at| at.with_timezone(&Utc))
        });
        let state = self.state.lock().unwrap();
        let mut matching: Vec<&FakeTicket> =
            state.tickets.iter().filter(|ticket| since.is_none_or(|since| ticket.last_updated >= since)).collect();
        matching.sort_by_key(|ticket| ticket.id);
        let start = (page - 1) * page_size;
        let body: Vec<Value> = matching.iter().skip(start).take(page_size).map(|ticket| ticket.json()).collect();
        let mut response = ResponseTemplate::new(200).set_body_json(Value::Array(body));
        if start + page_size < matching.len() {
            let mut next = self.origin.join(request.url.path()).expect("a path");
            next.set_query(request.url.query());
            let pairs: Vec<(String, String)> = next
                .query_pairs()
                .map(|(key, value)| {
                    let value = if key == "page" { (page + 1).to_string() } else { value.into_owned() };
                    (key.into_owned(), value)
                })
                .collect();
            next.query_pairs_mut().clear().extend_pairs(pairs);
            response = response.insert_header("Link", format!("<{next}>; rel=\"next\"").as_str());
        }
        response
    }
}

/// A running fake ConnectWise; its API base is [`FakeConnectWise::base_url`].
#[derive(Debug)]
pub struct FakeConnectWise {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeConnectWise {
    pub async fn start(tickets: Vec<FakeTicket>) -> FakeConnectWise {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State { tickets }));
        Mock::given(method("GET"))
            .and(path("/v4_6_release/apis/3.0/service/tickets"))
            .respond_with(TicketsResponder { state: Arc::clone(&state), origin: server.uri().parse().expect("a URL") })
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v4_6_release/apis/3.0/service/SLAs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                // The documented shape, with its custom business-hours
                // calendar (shared/fixtures/connectwise/service_sla.json).
                {"id": 3, "name": "Standard SLA", "defaultFlag": true, "respondHours": 1, "resolutionHours": 24,
                 "basedOn": "Custom", "customCalendar": {"id": 1, "name": "Standard Calendar",
                    "mondayStartTime": "08:00:00", "mondayEndTime": "17:00:00",
                    "tuesdayStartTime": "08:00:00", "tuesdayEndTime": "17:00:00",
                    "wednesdayStartTime": "08:00:00", "wednesdayEndTime": "17:00:00",
                    "thursdayStartTime": "08:00:00", "thursdayEndTime": "17:00:00",
                    "fridayStartTime": "08:00:00", "fridayEndTime": "17:00:00",
                    "saturdayStartTime": null, "saturdayEndTime": null, "sundayStartTime": null, "sundayEndTime": null,
                    "holidayList": {"id": 1, "name": "Standard Holiday List"}}}
            ])))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(r"^/v4_6_release/apis/3\.0/service/SLAs/3/priorities$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                {"id": 1, "sla": {"id": 3}, "priority": {"id": 1, "name": "Priority 1 - Emergency Response"}, "respondHours": 0.25, "resolutionHours": 4},
                {"id": 2, "sla": {"id": 3}, "priority": {"id": 4, "name": "Priority 3 - Normal Response"}, "respondHours": 4, "resolutionHours": 72}
            ])))
            .mount(&server)
            .await;
        FakeConnectWise { server, state }
    }

    pub fn base_url(&self) -> String {
        format!("{}/v4_6_release/apis/3.0", self.server.uri())
    }

    /// Requests received so far for the tickets listing.
    pub async fn ticket_requests(&self) -> Vec<Request> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|request| request.url.path().ends_with("/service/tickets"))
            .collect()
    }
}
