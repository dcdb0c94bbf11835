//! ConnectWise PSA (Manage): service tickets with their response and
//! resolution times and the provider's own `isInSla` verdict, and the SLA
//! definitions where the configuration names none.
//!
//! Auth: `Authorization: Basic base64("{companyId}+{publicKey}:{privateKey}")`
//! and the integration's `clientId` header on every request. Paging: `page`
//! and `pageSize` (at most 1,000), following the `Link` header's next page.
//! Incremental runs ask for `lastUpdated>=[watermark]`.

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use sightline_domain::{BusinessHours, HoursSpan, Provenance, SlaTarget, Ticket};

use crate::http::{Http, Pages, endpoint, next_link};
use crate::priority::Unmapped;
use crate::{
    BASE_URL, FetchError, FetchRequest, Fetched, Field, FieldForm, MAX_PAGES, PAGE_SIZE, PRIORITY_MAP, Progress, ProgressSink,
    SourceSpec, credential_pair, map_priority,
};

/// ConnectWise's hard cap on a page.
const MAX_PAGE_SIZE: u32 = 1000;

#[derive(Debug, Deserialize)]
struct Named {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Member {
    identifier: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Info {
    date_entered: DateTime<Utc>,
    last_updated: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CwTicket {
    id: i64,
    summary: Option<String>,
    status: Option<Named>,
    priority: Option<Named>,
    date_responded: Option<DateTime<Utc>>,
    date_resolved: Option<DateTime<Utc>>,
    closed_date: Option<DateTime<Utc>>,
    closed_flag: Option<bool>,
    closed_by: Option<String>,
    owner: Option<Member>,
    is_in_sla: Option<bool>,
    #[serde(rename = "_info")]
    info: Info,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CwSla {
    id: i64,
    /// `AllHours`, `Custom`, `MyCalendar` or `Customer`: which calendar
    /// the SLA's clock runs on.
    #[serde(default)]
    based_on: Option<String>,
    /// The calendar itself, where `basedOn` is `Custom`.
    #[serde(default)]
    custom_calendar: Option<CwCalendar>,
}

/// A ConnectWise calendar: a start and end time per weekday ("08:00:00"),
/// `null` on days it is closed.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CwCalendar {
    monday_start_time: Option<String>,
    monday_end_time: Option<String>,
    tuesday_start_time: Option<String>,
    tuesday_end_time: Option<String>,
    wednesday_start_time: Option<String>,
    wednesday_end_time: Option<String>,
    thursday_start_time: Option<String>,
    thursday_end_time: Option<String>,
    friday_start_time: Option<String>,
    friday_end_time: Option<String>,
    saturday_start_time: Option<String>,
    saturday_end_time: Option<String>,
    sunday_start_time: Option<String>,
    sunday_end_time: Option<String>,
}

impl CwCalendar {
    /// The calendar as business hours, one span per open day; `None` when
    /// no day is open or a time cannot be read.
    fn hours(&self) -> Option<BusinessHours> {
        let days = [
            (&self.monday_start_time, &self.monday_end_time),
            (&self.tuesday_start_time, &self.tuesday_end_time),
            (&self.wednesday_start_time, &self.wednesday_end_time),
            (&self.thursday_start_time, &self.thursday_end_time),
            (&self.friday_start_time, &self.friday_end_time),
            (&self.saturday_start_time, &self.saturday_end_time),
            (&self.sunday_start_time, &self.sunday_end_time),
        ];
        let time = |text: &str| chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M:%S").ok();
        let mut spans: Vec<HoursSpan> = Vec::new();
        for (day, (start, end)) in days.into_iter().enumerate() {
            let (Some(start), Some(end)) = (start.as_deref(), end.as_deref()) else { continue };
            let (start, end) = (time(start)?, time(end)?);
            // Days with the same hours share one span: Mon-Fri 08:00-17:00.
            match spans.iter_mut().find(|span| span.start == start && span.end == end) {
                Some(span) => span.days[day] = true,
                None => {
                    let mut days = [false; 7];
                    days[day] = true;
                    spans.push(HoursSpan { days, start, end });
                }
            }
        }
        (!spans.is_empty()).then_some(BusinessHours { spans })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CwSlaPriority {
    priority: Option<Named>,
    respond_hours: Option<f64>,
    resolution_hours: Option<f64>,
}

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "connectwise",
    display_name: "ConnectWise PSA",
    secret_form: Some("PUBLIC_KEY:PRIVATE_KEY"),
    incremental: true,
    probe: false,
    fields: &[
        BASE_URL,
        Field {
            key: "company_id",
            label: "Company ID",
            hint: "The company name you sign in to ConnectWise with.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            key: "client_id",
            label: "Client ID",
            hint: "The client ID from the ConnectWise developer page.",
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
    let (public_key, private_key) = credential_pair(request, "PUBLIC_KEY:PRIVATE_KEY")?;
    let company_id = source.text("company_id").unwrap_or_default();
    let client_id = source.text("client_id").unwrap_or_default().to_string();
    let authorization = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{company_id}+{public_key}:{private_key}"))
    );
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let page_size = source.page_size().unwrap_or(MAX_PAGE_SIZE).min(MAX_PAGE_SIZE);

    let mut fetched = Fetched { full: request.since.is_none(), ..Fetched::default() };
    let mut unmapped = Unmapped::default();
    let mut url = endpoint(&base, "service/tickets");
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("pageSize", &page_size.to_string());
        query.append_pair("page", "1");
        query.append_pair("orderBy", "id asc");
        if let Some(since) = request.since {
            query.append_pair(
                "conditions",
                &format!("lastUpdated>=[{}]", since.to_rfc3339_opts(SecondsFormat::Secs, true)),
            );
        }
    }
    let mut pages = Pages::new(source.max_pages().unwrap_or(10_000));
    // Pages are ordered by id: a page whose ids were all seen before means
    // the server ignored `page` and would send the same records forever.
    let mut seen_ids = std::collections::HashSet::new();
    loop {
        pages.visit(source_id, url.as_str(), url.path())?;
        let (tickets, body): (Vec<CwTicket>, _) = http
            .json(|client| {
                client
                    .get(url.clone())
                    .header("Authorization", &authorization)
                    .header("clientId", &client_id)
                    .header("Accept", "application/json")
            })
            .await?;
        let count = tickets.len();
        if count > 0 && tickets.iter().all(|ticket| seen_ids.contains(&ticket.id)) {
            return Err(FetchError::bad_response(
                source_id,
                format!(
                    "the service sent a paging loop on {}: page {} repeated tickets already read",
                    url.path(),
                    pages.count
                ),
            ));
        }
        seen_ids.extend(tickets.iter().map(|ticket| ticket.id));
        for ticket in tickets {
            if let Some(updated) = ticket.info.last_updated {
                fetched.watermark = fetched.watermark.max(Some(updated));
            }
            let name = ticket.priority.as_ref().and_then(|priority| priority.name.clone());
            let mapped = map_ticket(request, ticket);
            unmapped.note(name.as_deref(), mapped.priority.as_ref());
            fetched.batch.tickets.push(mapped);
        }
        fetched.pages = pages.count;
        progress(Progress::fetching(source_id, fetched.batch.tickets.len(), pages.count));
        match next_link(&body.headers) {
            Some(link) => url = http.follow(&url, &link)?,
            // Without a Link header, a short page is the last one.
            None if count < page_size as usize => break,
            None => {
                let page = url
                    .query_pairs()
                    .find(|(key, _)| key == "page")
                    .and_then(|(_, value)| value.parse::<u32>().ok())
                    .unwrap_or(1);
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(key, value)| {
                        let value = if key == "page" { (page + 1).to_string() } else { value.into_owned() };
                        (key.into_owned(), value)
                    })
                    .collect();
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
        }
        if count == 0 {
            break;
        }
    }

    // The SLA definitions change rarely: read them on full runs only.
    if fetched.full {
        let (sla, hours, note) = fetch_sla(request, &http, &base, &authorization, &client_id).await?;
        fetched.sla = sla;
        fetched.sla_hours = hours;
        fetched.warnings.extend(note);
    }
    fetched.warnings.extend(unmapped.warnings("ConnectWise", &request.source.id));
    fetched.requests = http.requests();
    Ok(fetched)
}

fn map_ticket(request: &FetchRequest<'_>, ticket: CwTicket) -> Ticket {
    let resolved_at = ticket.date_resolved.or(if ticket.closed_flag == Some(true) { ticket.closed_date } else { None });
    Ticket {
        provenance: Provenance {
            source_id: request.source.id.clone(),
            record_id: ticket.id.to_string(),
            fetched_at: request.now,
        },
        vendor_id: request.source.vendor.clone(),
        summary: ticket.summary.unwrap_or_default(),
        priority: ticket
            .priority
            .and_then(|priority| priority.name)
            .and_then(|name| map_priority(request.source.priority_map(), &name)),
        created_at: ticket.info.date_entered,
        first_response_at: ticket.date_responded,
        resolved_at,
        assignee: ticket.owner.and_then(|owner| owner.name.or(owner.identifier)),
        resolved_by: ticket.closed_by.filter(|_| resolved_at.is_some()),
        status: ticket.status.and_then(|status| status.name).unwrap_or_default(),
        reopened: None,
        vendor_reported_in_sla: ticket.is_in_sla,
        // The ticket has no documented total of time spent waiting:
        // `minutesBeforeWaiting` is, by its name, the SLA time used before
        // the ticket went into a waiting status, and the `minutesWaiting`
        // some client libraries declare is in no captured answer and has no
        // documented meaning. Crediting the provider with a pause on a guess
        // would move its compliance, so none is read. Nor has the ticket a
        // flag that leaves it out of the SLA.
        paused_minutes: None,
        excluded_from_sla: false,
    }
}

/// The default SLA's per-priority targets, in minutes, and the business
/// hours of its calendar where it runs on a custom one.
async fn fetch_sla(
    request: &FetchRequest<'_>,
    http: &Http<'_>,
    base: &url::Url,
    authorization: &str,
    client_id: &str,
) -> Result<(Vec<SlaTarget>, Option<BusinessHours>, Option<String>), FetchError> {
    let mut url = endpoint(base, "service/SLAs");
    url.query_pairs_mut().append_pair("conditions", "defaultFlag=true").append_pair("pageSize", "1");
    let (slas, _): (Vec<CwSla>, _) = http
        .json(|client| client.get(url.clone()).header("Authorization", authorization).header("clientId", client_id))
        .await?;
    let Some(sla) = slas.first() else { return Ok((Vec::new(), None, None)) };
    // A custom calendar is read with the SLA. The company calendar
    // ("MyCalendar") and the customer's are other records Sightline does
    // not read: the sync says so, so that the contract's hours go into
    // sightline.toml rather than the clock silently running round the clock.
    let (hours, note) = match sla.based_on.as_deref() {
        Some("Custom") => match sla.custom_calendar.as_ref().and_then(CwCalendar::hours) {
            Some(hours) => (Some(hours), None),
            None => (None, Some("its custom calendar could not be read".to_string())),
        },
        Some("AllHours") | None => (None, None),
        Some(other) => (None, Some(format!("it runs on the '{other}' calendar, which Sightline does not read"))),
    };
    let note = note.map(|why| {
        format!(
            "the default SLA's clock is not round the clock, but {why}: set the contract's hours for vendor '{}' in \
             sightline.toml (hours = \"Mon-Fri 08:00-18:00\"), or its targets are timed round the clock",
            request.source.vendor
        )
    });
    let mut url = endpoint(base, &format!("service/SLAs/{}/priorities", sla.id));
    url.query_pairs_mut().append_pair("pageSize", &MAX_PAGE_SIZE.to_string());
    let (priorities, _): (Vec<CwSlaPriority>, _) = http
        .json(|client| client.get(url.clone()).header("Authorization", authorization).header("clientId", client_id))
        .await?;
    let minutes = |hours: Option<f64>| hours.filter(|hours| *hours > 0.0).map(|hours| (hours * 60.0).round() as i64);
    let mut targets: Vec<SlaTarget> = priorities
        .into_iter()
        .filter_map(|row| {
            let name = row.priority.and_then(|priority| priority.name)?;
            let priority = map_priority(request.source.priority_map(), &name)?;
            Some(SlaTarget {
                priority,
                respond_minutes: minutes(row.respond_hours),
                resolve_minutes: minutes(row.resolution_hours),
                effective_from: None,
                clock: None,
            })
        })
        .collect();
    targets.sort_by(|a, b| a.priority.cmp(&b.priority));
    targets.dedup_by(|a, b| a.priority == b.priority);
    Ok((targets, hours, note))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::{HttpOptions, SourceConfig};

    /// A ticket in the shape of django-connectwise's `API_SERVICE_TICKET`
    /// (`fixtures/connectwise/service_ticket.json`): the owner as a member
    /// without `name`, the SLA embedded whole, nulls for what has not
    /// happened yet.
    #[test]
    fn an_sla_on_a_custom_calendar_gives_its_business_hours() {
        // shared/fixtures/connectwise/service_sla.json, as served.
        let fixture = r#"{"id": 3, "name": "Standard SLA", "defaultFlag": true, "respondHours": 5, "planWithin": 10,
            "resolutionHours": 24, "basedOn": "Custom", "customCalendar": {"id": 1, "name": "Standard Calendar",
            "mondayStartTime": "08:00:00", "mondayEndTime": "17:00:00", "tuesdayStartTime": "08:00:00",
            "tuesdayEndTime": "17:00:00", "wednesdayStartTime": "08:00:00", "wednesdayEndTime": "17:00:00",
            "thursdayStartTime": "08:00:00", "thursdayEndTime": "17:00:00", "fridayStartTime": "08:00:00",
            "fridayEndTime": "17:00:00", "saturdayStartTime": null, "saturdayEndTime": null, "sundayStartTime": null,
            "sundayEndTime": null, "holidayList": {"id": 1, "name": "Standard Holiday List"}}}"#;
        let sla: CwSla = serde_json::from_str(fixture).unwrap();
        assert_eq!(sla.based_on.as_deref(), Some("Custom"));
        let hours = sla.custom_calendar.as_ref().and_then(CwCalendar::hours).unwrap();
        assert_eq!(hours.to_string(), "Mon-Fri 08:00-17:00");
        // Saturday mornings too: a second span.
        let calendar = CwCalendar {
            saturday_start_time: Some("09:00:00".into()),
            saturday_end_time: Some("12:00:00".into()),
            ..sla.custom_calendar.unwrap()
        };
        assert_eq!(calendar.hours().unwrap().to_string(), "Mon-Fri 08:00-17:00, Sat 09:00-12:00");
        assert!(CwCalendar::default().hours().is_none());
    }

    #[test]
    fn a_ticket_in_the_documented_shape_keeps_its_verdict_and_has_no_pause() {
        let ticket: CwTicket = serde_json::from_str(
            r#"{
            "id": 69,
            "summary": "Schedule and Execute Conversion",
            "recordType": "ServiceTicket",
            "board": {
                "id": 1, "name": "Service A",
                "_info": {"board_href": "https://example.com/v4_6_release/apis/3.0/service/boards/1"}
            },
            "status": {
                "id": 1, "name": "New",
                "_info": {"status_href": "https://example.com/v4_6_release/apis/3.0/service/boards/1/statuses/1"}
            },
            "company": {"id": 2, "identifier": "KestrelJoinery", "name": "Kestrel Joinery"},
            "owner": {
                "id": 176, "identifier": "User1", "firstName": "Training", "lastName": "User1", "dailyCapacity": 8.0
            },
            "priority": {"id": 4, "name": "Priority 3 - Normal Response", "sortOrder": 6, "color": "blue"},
            "severity": "Medium",
            "impact": "Medium",
            "closedDate": null,
            "closedBy": null,
            "closedFlag": false,
            "dateResolved": null,
            "dateResplan": null,
            "dateResponded": null,
            "resolveMinutes": 0,
            "resPlanMinutes": 0,
            "respondMinutes": 0,
            "isInSla": false,
            "sla": {
                "id": 3, "name": "Standard SLA", "defaultFlag": true, "respondHours": 5, "planWithin": 10,
                "resolutionHours": 24, "basedOn": "Custom",
                "customCalendar": {
                    "id": 1, "name": "Standard Calendar", "mondayStartTime": "08:00:00", "mondayEndTime": "17:00:00",
                    "saturdayStartTime": null, "saturdayEndTime": null,
                    "holidayList": {"id": 1, "name": "Standard Holiday List"}
                }
            },
            "_info": {
                "dateEntered": "2005-05-27T17:30:19Z", "lastUpdated": "2016-03-08T21:59:20Z", "updatedBy": "User1"
            }
        }"#,
        )
        .unwrap();
        let source: SourceConfig = serde_json::from_value(json!({
            "id": "cw-kestrel", "kind": "connectwise", "vendor": "kestrel-it", "base_url": "https://cw.example.com",
        }))
        .unwrap();
        let http = HttpOptions::default();
        let now = Utc.with_ymd_and_hms(2026, 10, 10, 6, 0, 0).unwrap();
        let request =
            FetchRequest { source: &source, secret: None, since: None, now, http: &http, known_content: None };

        let mapped = map_ticket(&request, ticket);

        assert_eq!(mapped.provenance.record_id, "69");
        assert_eq!(mapped.priority.as_deref(), Some("P3"));
        assert_eq!(mapped.created_at, Utc.with_ymd_and_hms(2005, 5, 27, 17, 30, 19).unwrap());
        assert_eq!((mapped.first_response_at, mapped.resolved_at), (None, None));
        assert_eq!(mapped.assignee.as_deref(), Some("User1"));
        assert_eq!(mapped.status, "New");
        assert_eq!(mapped.vendor_reported_in_sla, Some(false));
        assert_eq!(mapped.paused_minutes, None);
        assert!(!mapped.excluded_from_sla);
    }
}
