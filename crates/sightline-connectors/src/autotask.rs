//! Autotask PSA (Datto/Kaseya): tickets with their first-response and
//! resolution times and Autotask's own `serviceLevelAgreementHasBeenMet`
//! verdict.
//!
//! Auth: the `ApiIntegrationCode`, `UserName` and `Secret` headers on every
//! request to the zone. The zone (which of Autotask's data centres holds the
//! database) is `base_url` when set, otherwise it is looked up by user name.
//! Tickets come from `GET Tickets/query?search={json}` with `MaxRecords` up to
//! 500, following `pageDetails.nextPageUrl`, which already carries the
//! search. Incremental runs ask for `lastActivityDate gt [watermark]`.
//! Priority and status are integer picklists: their labels come from
//! `Tickets/entityInformation/fields` so that `priority_map` can name them
//! as people see them in Autotask.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::json;
use sightline_domain::{Provenance, Ticket};
use url::Url;

use crate::http::{Http, Pages, check_url, endpoint};
use crate::limit::Limiter;
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, MAX_PAGES, PAGE_SIZE, PRIORITY_MAP,
    Progress, ProgressSink, SourceSpec, credential_pair, map_priority,
};

/// Where Autotask answers "which zone is this user in"; the lookup needs no
/// authentication.
const ZONE_LOOKUP: &str = "https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation";

/// Autotask's cap on `MaxRecords`.
const MAX_PAGE_SIZE: u32 = 500;

/// Autotask allows 10,000 requests per rolling hour per database, and every
/// integration on that database (the RMM, the accounting link, the backup
/// portal) draws on the same budget; once it is spent, Autotask blocks them
/// all. Sightline keeps to half of it, so that even a first full sync of a
/// large database leaves the other integrations room to work.
const REQUESTS_PER_HOUR: usize = 5_000;

/// The fields Sightline reads, so that pages do not carry every ticket's
/// description. Autotask requires `id` among them when a query returns more
/// than 500 records.
const TICKET_FIELDS: [&str; 13] = [
    "id",
    "title",
    "status",
    "priority",
    "createDate",
    "firstResponseDateTime",
    "resolvedDateTime",
    "completedDate",
    "assignedResourceID",
    "completedByResourceID",
    "lastActivityDate",
    "serviceLevelAgreementID",
    "serviceLevelAgreementHasBeenMet",
];

#[derive(Debug, Deserialize)]
struct ZoneInformation {
    url: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AtTicket {
    id: i64,
    title: Option<String>,
    status: Option<i64>,
    priority: Option<i64>,
    #[serde(deserialize_with = "utc_time")]
    create_date: DateTime<Utc>,
    #[serde(default, deserialize_with = "optional_utc_time")]
    first_response_date_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "optional_utc_time")]
    resolved_date_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "optional_utc_time")]
    completed_date: Option<DateTime<Utc>>,
    #[serde(rename = "assignedResourceID")]
    assigned_resource_id: Option<i64>,
    #[serde(rename = "completedByResourceID")]
    completed_by_resource_id: Option<i64>,
    #[serde(default, deserialize_with = "optional_utc_time")]
    last_activity_date: Option<DateTime<Utc>>,
    #[serde(rename = "serviceLevelAgreementID")]
    service_level_agreement_id: Option<i64>,
    service_level_agreement_has_been_met: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageDetails {
    next_page_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketPage {
    items: Vec<AtTicket>,
    page_details: PageDetails,
}

#[derive(Debug, Deserialize)]
struct EntityFields {
    fields: Vec<EntityField>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntityField {
    name: String,
    #[serde(default)]
    picklist_values: Option<Vec<PicklistValue>>,
}

#[derive(Debug, Deserialize)]
struct PicklistValue {
    value: String,
    label: String,
}

/// Picklist value -> label, for the ticket fields that are picklists.
#[derive(Debug, Default)]
struct Labels {
    priority: HashMap<i64, String>,
    status: HashMap<i64, String>,
}

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "autotask",
    display_name: "Autotask PSA",
    secret_form: Some("USERNAME:SECRET"),
    incremental: true,
    probe: false,
    fields: &[
        Field {
            hint: "Your Autotask zone's address, such as https://webservices5.autotask.net; left empty, Sightline looks it up.",
            required: false,
            ..BASE_URL
        },
        Field {
            key: "integration_code",
            label: "Integration code",
            hint: "The API tracking identifier your Autotask administrator created for Sightline.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        PRIORITY_MAP,
        PAGE_SIZE,
        MAX_PAGES,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (username, secret) = credential_pair(request, "USERNAME:SECRET")?;
    let integration_code = source.text("integration_code").unwrap_or_default().to_string();
    let limiter = Limiter::new(REQUESTS_PER_HOUR, Duration::from_secs(3600));
    let http = Http::new(source_id, request.http, Some(limiter))?;
    let base = match source.text(BASE_URL.key) {
        Some(base_url) => http.url(base_url)?,
        None => discover_zone(&http, &http.url(ZONE_LOOKUP)?, username).await?,
    };
    let authenticated = |builder: reqwest::RequestBuilder| {
        builder
            .header("ApiIntegrationCode", &integration_code)
            .header("UserName", username)
            .header("Secret", secret)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
    };

    let fields_url = endpoint(&base, "Tickets/entityInformation/fields");
    let (fields, _): (EntityFields, _) = http.json(|client| authenticated(client.get(fields_url.clone()))).await?;
    let labels = Labels::from_fields(fields);

    let page_size = source.page_size().unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    let mut url = endpoint(&base, "Tickets/query");
    url.query_pairs_mut().append_pair("search", &search(request.since, page_size).to_string());

    let mut fetched = Fetched { full: request.since.is_none(), ..Fetched::default() };
    // Priority label -> tickets that have it, for the labels no contract
    // priority matches.
    let mut unmapped: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = Pages::new(source.max_pages().unwrap_or(10_000));
    loop {
        pages.visit(source_id, url.as_str(), url.path())?;
        let (page, _): (TicketPage, _) = http.json(|client| authenticated(client.get(url.clone()))).await?;
        for ticket in page.items {
            if let Some(activity) = ticket.last_activity_date {
                fetched.watermark = fetched.watermark.max(Some(activity));
            }
            let (mapped, unmapped_label) = map_ticket(request, &labels, ticket);
            if let Some(label) = unmapped_label {
                *unmapped.entry(label).or_default() += 1;
            }
            fetched.batch.tickets.push(mapped);
        }
        fetched.pages = pages.count;
        progress(Progress::fetching(source_id, fetched.batch.tickets.len(), pages.count));
        match page.page_details.next_page_url.filter(|link| !link.trim().is_empty()) {
            Some(link) => url = http.follow(&url, &link)?,
            None => break,
        }
    }

    for (label, count) in unmapped {
        fetched.warnings.push(format!(
            "{count} Autotask tickets have the priority '{label}', which matches no contract priority: they count for \
             volumes but not for SLA compliance; add '{label}' to priority_map for {source_id}"
        ));
    }
    fetched.requests = http.requests();
    Ok(fetched)
}

/// The query: every ticket (`id gt 0`, Autotask wants a filter) or those
/// with activity after `since`. `gt` is strict; a ticket whose last
/// activity falls on the watermark's very second was read by the run that
/// set it, and the periodic full run catches anything closer than that.
fn search(since: Option<DateTime<Utc>>, page_size: u32) -> serde_json::Value {
    let filter = match since {
        Some(since) => {
            json!({"op": "gt", "field": "lastActivityDate", "value": since.to_rfc3339_opts(SecondsFormat::Secs, true)})
        }
        None => json!({"op": "gt", "field": "id", "value": 0}),
    };
    json!({"MaxRecords": page_size, "IncludeFields": TICKET_FIELDS, "filter": [filter]})
}

/// Asks Autotask which zone holds the user's database. The lookup needs
/// only the user name, so the secret is not sent.
async fn discover_zone(http: &Http<'_>, lookup: &Url, username: &str) -> Result<Url, FetchError> {
    let source_id = http.source_id();
    let mut url = lookup.clone();
    url.query_pairs_mut().append_pair("user", username);
    let (zone, _): (ZoneInformation, _) =
        http.json(|client| client.get(url.clone()).header("Accept", "application/json")).await.map_err(|error| {
            if error.kind == FetchErrorKind::Server {
                // Autotask answers 500 for a user name it does not know,
                // not only when it is down.
                FetchError::new(
                    source_id,
                    error.kind,
                    format!(
                        "{}; Autotask also answers this way to a user name it does not know: check the user name in \
                         the stored credentials, or set base_url to the zone's REST address",
                        error.message
                    ),
                )
            } else {
                error
            }
        })?;
    zone_rest_base(&zone.url).map_err(|problem| {
        FetchError::bad_response(
            source_id,
            format!(
                "Autotask's zone lookup gave an unusable address ({problem}): set base_url to the zone's REST address"
            ),
        )
    })
}

/// The zone's REST base from zoneInformation's `url`
/// (`https://webservices5.autotask.net/ATServicesRest/` ->
/// `https://webservices5.autotask.net/ATServicesRest/V1.0/`).
fn zone_rest_base(zone_url: &str) -> Result<Url, String> {
    let mut url = check_url(zone_url.trim())?;
    url.set_query(None);
    url.set_fragment(None);
    let has_version = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|segment| !segment.is_empty()))
        .is_some_and(|last| last.eq_ignore_ascii_case("v1.0"));
    if has_version {
        return Ok(endpoint(&url, ""));
    }
    Ok(endpoint(&url, "V1.0/"))
}

impl Labels {
    fn from_fields(fields: EntityFields) -> Labels {
        let mut labels = Labels::default();
        for field in fields.fields {
            let target = match field.name.to_ascii_lowercase().as_str() {
                "priority" => &mut labels.priority,
                "status" => &mut labels.status,
                _ => continue,
            };
            for value in field.picklist_values.unwrap_or_default() {
                if let Ok(number) = value.value.trim().parse::<i64>() {
                    target.insert(number, value.label);
                }
            }
        }
        labels
    }
}

/// The ticket, and the priority label it had when no contract priority
/// matched it.
fn map_ticket(request: &FetchRequest<'_>, labels: &Labels, ticket: AtTicket) -> (Ticket, Option<String>) {
    let source = request.source;
    let priority_label = ticket.priority.and_then(|value| {
        labels.priority.get(&value).cloned().or_else(|| default_priority_label(value).map(str::to_string))
    });
    let priority =
        ticket.priority.and_then(|value| contract_priority(source.priority_map(), value, priority_label.as_deref()));
    let unmapped = match (&priority, ticket.priority) {
        (None, Some(value)) => Some(priority_label.unwrap_or_else(|| value.to_string())),
        _ => None,
    };
    let resolved_at = ticket.resolved_date_time.or(ticket.completed_date);
    let status = ticket
        .status
        .map(|value| labels.status.get(&value).cloned().unwrap_or_else(|| value.to_string()))
        .unwrap_or_default();
    let mapped = Ticket {
        provenance: Provenance {
            source_id: source.id.clone(),
            record_id: ticket.id.to_string(),
            fetched_at: request.now,
        },
        vendor_id: source.vendor.clone(),
        summary: ticket.title.unwrap_or_default(),
        priority,
        created_at: ticket.create_date,
        first_response_at: ticket.first_response_date_time,
        resolved_at,
        assignee: ticket.assigned_resource_id.map(|id| id.to_string()),
        resolved_by: ticket.completed_by_resource_id.filter(|_| resolved_at.is_some()).map(|id| id.to_string()),
        status,
        reopened: None,
        // A ticket under no SLA has no verdict, whatever the flag says.
        vendor_reported_in_sla: ticket
            .service_level_agreement_has_been_met
            .filter(|_| ticket.service_level_agreement_id.is_some()),
        // The Tickets entity records no total of time paused:
        // `serviceLevelAgreementPausedNextEventHours` is, by its name and
        // as integrations read it (above zero while paused), the time left
        // to the next SLA event, frozen while the SLA is paused: a
        // countdown, not the time that stood still. Nor has a ticket a flag
        // that leaves it out of the SLA.
        paused_minutes: None,
        excluded_from_sla: false,
    };
    (mapped, unmapped)
}

/// The labels of Autotask's four built-in priorities, for a database whose
/// picklist did not come back with them.
fn default_priority_label(value: i64) -> Option<&'static str> {
    match value {
        1 => Some("High"),
        2 => Some("Medium"),
        3 => Some("Low"),
        4 => Some("Critical"),
        _ => None,
    }
}

/// The contract priority of an Autotask priority: `priority_map` by picklist
/// value ("4") or label ("Critical"); then a label that already says it
/// ("P1 - Emergency"); then the built-in priorities ranked as Autotask ranks
/// them: Critical -> P1, High -> P2, Medium -> P3, Low -> P4. The bare value
/// never goes through `map_priority`'s "2" -> P2 reading: Autotask's 1 is
/// High, and its 4 is Critical.
fn contract_priority(map: &BTreeMap<String, String>, value: i64, label: Option<&str>) -> Option<String> {
    if let Some(mapped) = map.get(&value.to_string()) {
        return Some(mapped.clone());
    }
    let label = label?;
    map_priority(map, label).or_else(|| {
        let contract = match label.trim().to_ascii_lowercase().as_str() {
            "critical" => "P1",
            "high" => "P2",
            "medium" => "P3",
            "low" => "P4",
            _ => return None,
        };
        Some(contract.to_string())
    })
}

/// Autotask sends UTC as RFC 3339 (`2019-08-18T01:00:00.000Z`); a time
/// without an offset is UTC too.
fn parse_utc(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|time| time.and_utc()))
        .map_err(|_| format!("'{text}' is not a date and time"))
}

fn utc_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_utc(&text).map_err(serde::de::Error::custom)
}

fn optional_utc_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) if !text.trim().is_empty() => parse_utc(&text).map(Some).map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpOptions;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[test]
    fn zone_urls_become_rest_bases() {
        let check = |zone: &str, expected: &str| {
            assert_eq!(zone_rest_base(zone).map(|url| url.to_string()), Ok(expected.to_string()), "{zone}");
        };
        check(
            "https://webservices5.autotask.net/ATServicesRest/",
            "https://webservices5.autotask.net/ATServicesRest/V1.0/",
        );
        check(
            "https://webservices5.autotask.net/atservicesrest",
            "https://webservices5.autotask.net/atservicesrest/V1.0/",
        );
        check(
            "https://webservices2.autotask.net/ATServicesRest/v1.0",
            "https://webservices2.autotask.net/ATServicesRest/v1.0/",
        );
        check(
            " https://webservices14.autotask.net/ATServicesRest/V1.0/ ",
            "https://webservices14.autotask.net/ATServicesRest/V1.0/",
        );
        assert!(zone_rest_base("http://webservices5.autotask.net/ATServicesRest/").unwrap_err().contains("plain http"));
        assert!(zone_rest_base("").is_err());
    }

    #[test]
    fn priorities_follow_the_map_then_the_label_then_autotask_defaults() {
        let map: BTreeMap<String, String> =
            [("Low", "P3"), ("7", "P2")].into_iter().map(|(from, to)| (from.to_string(), to.to_string())).collect();
        let check = |value: i64, label: Option<&str>, expected: Option<&str>| {
            assert_eq!(contract_priority(&map, value, label).as_deref(), expected, "{value} {label:?}");
        };
        check(4, Some("Critical"), Some("P1"));
        check(1, Some("High"), Some("P2"));
        check(2, Some("Medium"), Some("P3"));
        check(3, Some("Low"), Some("P3"));
        check(7, Some("Anything"), Some("P2"));
        check(5, Some("P1 - Emergency"), Some("P1"));
        check(6, Some("Project Work"), None);
        check(1, None, None);
        assert_eq!(default_priority_label(4), Some("Critical"));
        assert_eq!(default_priority_label(9), None);
    }

    #[test]
    fn times_are_utc_with_or_without_an_offset() {
        let expected = DateTime::parse_from_rfc3339("2019-08-18T01:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_utc("2019-08-18T01:00:00.000Z"), Ok(expected));
        assert_eq!(parse_utc("2019-08-18T01:00:00"), Ok(expected));
        assert_eq!(parse_utc("2019-08-18T03:00:00+02:00"), Ok(expected));
        assert!(parse_utc("yesterday").is_err());
    }

    #[tokio::test]
    async fn the_zone_lookup_sends_the_user_name_only() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/atservicesrest/v1.0/zoneInformation"))
            .and(query_param("user", "api-user@example.test"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "zoneName": "Pre-Release",
                "url": format!("{}/ATServicesRest/", server.uri()),
                "webUrl": "https://ww5.autotask.net/",
                "ci": 12345
            })))
            .expect(1)
            .mount(&server)
            .await;
        let options = HttpOptions::default();
        let http = Http::new("autotask-test", &options, None).unwrap();
        let lookup = Url::parse(&format!("{}/atservicesrest/v1.0/zoneInformation", server.uri())).unwrap();
        let base = discover_zone(&http, &lookup, "api-user@example.test").await.unwrap();
        assert_eq!(base.as_str(), format!("{}/ATServicesRest/V1.0/", server.uri()));
        let received = server.received_requests().await.unwrap();
        assert!(received.iter().all(|request| !request.headers.contains_key("secret")));
    }
}
