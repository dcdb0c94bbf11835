//! Jira Service Management: the requests of a service desk with their SLA
//! cycles, as tickets with the provider's own SLA verdict.
//!
//! `GET {base_url}/rest/servicedeskapi/request?requestStatus=ALL_REQUESTS
//! &expand=sla,status&start=&limit=` (optionally `serviceDeskId=`), paged
//! by `start`/`limit` until `isLastPage`; HTTP Basic with the account's
//! e-mail and an API token (never in a URL). Each request's `sla.values`
//! are its SLA metrics; the one whose name speaks of a first response
//! ("Time to first response") gives the first response (its first
//! completed cycle's `stopTime`), the one about resolution ("Time to
//! resolution") the provider's verdict on the fix. A request whose status
//! category is `DONE` was resolved when its resolution clock last stopped
//! (its `statusDate` where it has none).
//!
//! The provider's verdict (`breached` on any cycle of either metric) is
//! kept as its claim; Sightline judges the ticket again by the contract's
//! clock, and where the two disagree the ticket is disputed. An open
//! request has a verdict only once it has breached. JSM's `elapsedTime`
//! runs on the provider's own calendar, so it is not used for pauses.
//! Every run reads everything (the API has no "changed since" filter).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sightline_domain::{Provenance, Ticket};

use crate::http::{Http, endpoint};
use crate::priority::{Unmapped, map_priority};
use crate::{
    BASE_URL, FetchError, FetchRequest, Fetched, Field, FieldForm, MAX_PAGES, PAGE_SIZE, PRIORITY_MAP, Progress,
    ProgressSink, SourceSpec, credential_pair,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "jsm",
    display_name: "Jira Service Management",
    secret_form: Some("EMAIL:API_TOKEN"),
    incremental: false,
    probe: false,
    fields: &[
        Field { hint: "Your Jira site's address, such as https://example.atlassian.net.", ..BASE_URL },
        Field {
            key: "service_desk_id",
            label: "Service desk",
            hint: "The service desk's number, to read only its requests (all the account sees when empty).",
            required: false,
            on_form: true,
            form: FieldForm::Text,
        },
        PRIORITY_MAP,
        PAGE_SIZE,
        MAX_PAGES,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    #[serde(default)]
    is_last_page: Option<bool>,
    #[serde(default)]
    values: Vec<Request>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    issue_key: Option<String>,
    issue_id: Option<String>,
    created_date: Option<Moment>,
    current_status: Option<Status>,
    #[serde(default)]
    request_field_values: Vec<FieldValue>,
    sla: Option<Slas>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    status: Option<String>,
    status_category: Option<String>,
    status_date: Option<Moment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FieldValue {
    field_id: String,
    value: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Slas {
    #[serde(default)]
    values: Vec<SlaMetric>,
    is_last_page: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlaMetric {
    name: Option<String>,
    #[serde(default)]
    completed_cycles: Vec<Cycle>,
    ongoing_cycle: Option<Cycle>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cycle {
    stop_time: Option<Moment>,
    #[serde(default)]
    breached: bool,
}

/// Jira's time object: `{iso8601, jira, friendly, epochMillis}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Moment {
    epoch_millis: Option<i64>,
    iso8601: Option<String>,
}

impl Moment {
    fn instant(&self) -> Option<DateTime<Utc>> {
        self.epoch_millis.and_then(DateTime::from_timestamp_millis).or_else(|| {
            let text = self.iso8601.as_deref()?;
            DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z")
                .or_else(|_| DateTime::parse_from_rfc3339(text))
                .ok()
                .map(|at| at.with_timezone(&Utc))
        })
    }
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (email, token) = credential_pair(request, "EMAIL:API_TOKEN")?;
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let limit = source.page_size().unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, 100);
    let most = source.max_pages().unwrap_or(10_000);
    let desk = source.text("service_desk_id").map(str::trim).filter(|desk| !desk.is_empty());

    let mut fetched = Fetched { full: true, ..Fetched::default() };
    let mut unmapped = Unmapped::default();
    let mut start = 0u32;
    let url = endpoint(&base, "rest/servicedeskapi/request");
    loop {
        let mut params = vec![
            ("requestStatus", "ALL_REQUESTS".to_string()),
            ("expand", "sla,status".to_string()),
            ("start", start.to_string()),
            ("limit", limit.to_string()),
        ];
        if let Some(desk) = desk {
            params.push(("serviceDeskId", desk.to_string()));
        }
        let (page, _): (Page, _) =
            http.json(|client| client.get(url.clone()).query(&params).basic_auth(email, Some(token))).await?;
        fetched.pages += 1;
        let count = page.values.len() as u32;
        for item in page.values {
            if let Some(ticket) = ticket(request, &mut fetched.warnings, &mut unmapped, item) {
                fetched.batch.tickets.push(ticket);
            }
        }
        progress(Progress::fetching(source_id, fetched.batch.len(), fetched.pages));
        if page.is_last_page != Some(false) || count == 0 {
            break;
        }
        if fetched.pages >= most {
            return Err(FetchError::bad_response(
                source_id,
                format!("Jira kept listing requests past {most} pages: raise max_pages if that many are real"),
            ));
        }
        start += count;
    }
    fetched.warnings.extend(unmapped.warnings("Jira Service Management", source_id));
    fetched.requests = http.requests();
    Ok(fetched)
}

fn ticket(
    request: &FetchRequest<'_>,
    warnings: &mut Vec<String>,
    unmapped: &mut Unmapped,
    item: Request,
) -> Option<Ticket> {
    let Some(key) = item.issue_key.clone().or(item.issue_id.clone()) else {
        warnings.push("a request with neither issueKey nor issueId was left out".into());
        return None;
    };
    let Some(created_at) = item.created_date.as_ref().and_then(Moment::instant) else {
        warnings.push(format!("{key} has no creation date and was left out"));
        return None;
    };
    let field = |id: &str| item.request_field_values.iter().find(|field| field.field_id == id)?.value.as_ref();
    let summary = field("summary").and_then(|value| value.as_str()).unwrap_or_default().to_string();
    let priority_name = field("priority").and_then(|value| match value {
        serde_json::Value::String(name) => Some(name.clone()),
        other => other.get("name").and_then(|name| name.as_str()).map(str::to_string),
    });
    let priority = priority_name.as_deref().and_then(|name| map_priority(request.source.priority_map(), name));
    unmapped.note(priority_name.as_deref(), priority.as_ref());

    let status = item.current_status.as_ref();
    let done = status.and_then(|status| status.status_category.as_deref()) == Some("DONE");
    let metrics = item.sla.as_ref().map(|slas| slas.values.as_slice()).unwrap_or_default();
    if item.sla.as_ref().is_some_and(|slas| slas.is_last_page == Some(false)) {
        warnings.push(format!("{key} has more SLA metrics than one page holds: only the first page was read"));
    }
    let named = |words: &str| {
        metrics.iter().find(|metric| metric.name.as_deref().unwrap_or_default().to_ascii_lowercase().contains(words))
    };
    let response = named("first response");
    let resolution = named("resolution");
    // Fixed when the resolution clock last stopped; the status date is
    // only the latest change (Resolved, then Closed days later).
    let resolution_stop = resolution
        .and_then(|metric| metric.completed_cycles.last())
        .and_then(|cycle| cycle.stop_time.as_ref()?.instant());
    let resolved_at = done
        .then(|| resolution_stop.or_else(|| status.and_then(|status| status.status_date.as_ref()?.instant())))
        .flatten();
    let first_response_at = response
        .and_then(|metric| metric.completed_cycles.first())
        .and_then(|cycle| cycle.stop_time.as_ref()?.instant());
    let cycles = [response, resolution]
        .into_iter()
        .flatten()
        .flat_map(|metric| metric.completed_cycles.iter().chain(metric.ongoing_cycle.as_ref()));
    let (mut judged, mut breached) = (false, false);
    for cycle in cycles {
        judged = true;
        breached |= cycle.breached;
    }
    // An open request's verdict is only final once it has breached; a
    // closed one is "met" only where the resolution clock ran and stopped.
    let vendor_reported_in_sla = match (judged, breached, done && resolution_stop.is_some()) {
        (true, true, _) => Some(false),
        (true, false, true) => Some(true),
        _ => None,
    };
    Some(Ticket {
        provenance: Provenance { source_id: request.source.id.clone(), record_id: key, fetched_at: request.now },
        vendor_id: request.source.vendor.clone(),
        summary,
        priority,
        created_at,
        first_response_at,
        resolved_at,
        assignee: None,
        resolved_by: None,
        status: status.and_then(|status| status.status.clone()).unwrap_or_default(),
        reopened: None,
        vendor_reported_in_sla,
        paused_minutes: None,
        excluded_from_sla: false,
    })
}
