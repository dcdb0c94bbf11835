//! ServiceNow (Table API): incidents with the verdict of their task SLAs,
//! and closed change requests with their outcome.
//!
//! Auth: HTTP Basic with the API user's `USER:PASSWORD`. Each table is read
//! with `sysparm_display_value=false` (raw values: times in UTC as
//! `YYYY-MM-DD HH:MM:SS`, choices as their stored value) and
//! `sysparm_exclude_reference_link=true` (references as plain sys_ids),
//! asking only for the fields mapped here. Paging: `sysparm_limit` and
//! `sysparm_offset`, following the `Link` header's next page when it leads
//! to the configured instance. Incremental runs ask for
//! `sys_updated_on>=` the watermark (a literal time in an encoded query is
//! read as UTC, unlike `gs.dateGenerate`).
//!
//! How ServiceNow's fields become Sightline's:
//!
//! - First response: the incident table has no such field, so it is the
//!   stop time (`end_time`) of the incident's response SLA (a `task_sla`
//!   whose SLA definition has `target` = `response`), the earliest if there
//!   are several; `None` when the instance defines no response SLA or it
//!   has not stopped yet.
//! - The provider's SLA verdict: `false` if any of the incident's task SLAs
//!   has breached, `true` if it has task SLAs and none has, `None` if it has
//!   none. Cancelled task SLAs do not count: ServiceNow cancels one when its
//!   start condition stops holding (typically a priority change, which
//!   attaches the new priority's SLA instead).
//! - Paused time: the `pause_duration` of the incident's resolution SLA
//!   (a `task_sla` whose definition has `target` = `resolution`, not
//!   cancelled), rounded to the minute; with several, the smallest, so
//!   that no pause one of the provider's own SLAs did not grant is
//!   credited. `None` when the instance defines no resolution SLA. The
//!   incident itself has no such field, and no field that leaves it out of
//!   the SLA, so `excluded_from_sla` is always false.
//! - The incident's own `made_sla` is not read: it is `true` by default on
//!   every task, SLA or none, so it cannot tell "met" from "never measured".
//! - Change outcome from `close_code`: `successful` and `successful_issues`
//!   are successful, `unsuccessful` failed; the base system has no back-out
//!   code, so the ones instances add for it (`backed_out`, `back_out`,
//!   `backout`, `rolled_back`, `rollback`, in any case) count as rolled
//!   back. Other codes are left out with a warning. Changes without a close
//!   code, and cancelled ones (state 4), have no outcome yet and are skipped.
//!   Implemented at: `work_end`, else `closed_at`, else the planned
//!   `end_date`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use reqwest::header::{ACCEPT, DATE, HeaderMap, LINK};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use sightline_domain::{Change, ChangeOutcome, Provenance, Ticket};
use url::Url;

use crate::http::{Http, Pages, endpoint, next_link};
use crate::priority::Unmapped;
use crate::{
    BASE_URL, FetchError, FetchRequest, Fetched, MAX_PAGES, PAGE_SIZE, PRIORITY_MAP, Progress, ProgressSink, SourceSpec,
    credential_pair, map_priority,
};

const DEFAULT_PAGE_SIZE: u32 = 1000;
/// The Table API's own default and, in practice, its ceiling.
const MAX_PAGE_SIZE: u32 = 10_000;
const DEFAULT_MAX_PAGES: u32 = 10_000;
/// ServiceNow's internal date-time format, always UTC.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

const INCIDENT_FIELDS: &str = "sys_id,number,short_description,opened_at,resolved_at,closed_at,priority,state,\
                               assigned_to,resolved_by,reopen_count,sys_updated_on";
/// `sla.target` is dot-walked to the SLA definition; the Table API returns
/// it under that very key.
const TASK_SLA_FIELDS: &str = "task,sla.target,stage,has_breached,end_time,pause_duration";
const CHANGE_FIELDS: &str = "sys_id,number,short_description,type,state,close_code,work_end,closed_at,end_date,\
                             sys_updated_on";

#[derive(Debug, Deserialize)]
struct TableResult<T> {
    result: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct Incident {
    #[serde(deserialize_with = "sys_id")]
    sys_id: String,
    #[serde(default, deserialize_with = "text")]
    number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    short_description: Option<String>,
    /// Required: a listing without it is not what was asked for. An empty
    /// value leaves the one incident out, with a warning.
    #[serde(deserialize_with = "time")]
    opened_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time")]
    resolved_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time")]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "text")]
    priority: Option<String>,
    #[serde(default, deserialize_with = "text")]
    state: Option<String>,
    #[serde(default, deserialize_with = "text")]
    assigned_to: Option<String>,
    #[serde(default, deserialize_with = "text")]
    resolved_by: Option<String>,
    #[serde(default, deserialize_with = "text")]
    reopen_count: Option<String>,
    #[serde(default, deserialize_with = "time")]
    sys_updated_on: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct TaskSla {
    /// The incident's sys_id.
    #[serde(default, deserialize_with = "text")]
    task: Option<String>,
    /// `response` or `resolution`.
    #[serde(default, rename = "sla.target", deserialize_with = "text")]
    target: Option<String>,
    #[serde(default, deserialize_with = "text")]
    stage: Option<String>,
    #[serde(default, deserialize_with = "text")]
    has_breached: Option<String>,
    #[serde(default, deserialize_with = "time")]
    end_time: Option<DateTime<Utc>>,
    /// Calendar time the SLA stood paused. `business_pause_duration`, the
    /// part of it inside the SLA definition's own schedule, is not read:
    /// that schedule is the provider's, not the contract's.
    #[serde(default, deserialize_with = "duration")]
    pause_duration: Option<TimeDelta>,
}

#[derive(Debug, Deserialize)]
struct ChangeRequest {
    #[serde(deserialize_with = "sys_id")]
    sys_id: String,
    #[serde(default, deserialize_with = "text")]
    number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    short_description: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "text")]
    change_type: Option<String>,
    #[serde(default, deserialize_with = "text")]
    state: Option<String>,
    #[serde(default, deserialize_with = "text")]
    close_code: Option<String>,
    #[serde(default, deserialize_with = "time")]
    work_end: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time")]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time")]
    end_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time")]
    sys_updated_on: Option<DateTime<Utc>>,
}

/// A field as the Table API sends it: a string, or a reference object
/// `{"link", "value"}` should the instance ignore
/// `sysparm_exclude_reference_link`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Field {
    Text(String),
    Reference { value: String },
}

/// A string field; empty means none, as ServiceNow writes it.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let field = Option::<Field>::deserialize(deserializer)?;
    Ok(field
        .map(|field| match field {
            Field::Text(text) | Field::Reference { value: text } => text,
        })
        .filter(|text| !text.is_empty()))
}

fn sys_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    text(deserializer)?.ok_or_else(|| D::Error::custom("the record has an empty sys_id"))
}

/// A date-time in ServiceNow's internal format (UTC); empty means none.
fn time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = text(deserializer)? else { return Ok(None) };
    NaiveDateTime::parse_from_str(&text, TIME_FORMAT)
        .map(|time| Some(time.and_utc()))
        .map_err(|_| D::Error::custom(format!("'{text}' is not a ServiceNow date-time (YYYY-MM-DD HH:MM:SS)")))
}

/// A duration as the Table API sends it with raw values: the time since
/// the Unix epoch as a date-time (`1970-01-01 02:00:00` is two hours,
/// `1970-01-03 00:30:00` two days and a half hour); empty means none.
fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<TimeDelta>, D::Error> {
    let Some(text) = text(deserializer)? else { return Ok(None) };
    let since_epoch = NaiveDateTime::parse_from_str(&text, TIME_FORMAT)
        .map(|time| time.and_utc() - DateTime::<Utc>::UNIX_EPOCH)
        .map_err(|_| D::Error::custom(format!("'{text}' is not a ServiceNow duration (1970-01-01 HH:MM:SS)")))?;
    if since_epoch < TimeDelta::zero() {
        return Err(D::Error::custom(format!("'{text}' is not a ServiceNow duration: it is before 1970-01-01")));
    }
    Ok(Some(since_epoch))
}

/// Reads whole tables of one instance, counting pages and records for the
/// progress reports.
struct Tables<'a> {
    http: Http<'a>,
    base: Url,
    user: &'a str,
    password: &'a str,
    page_size: u32,
    max_pages: u32,
    progress: ProgressSink<'a>,
    records: usize,
    pages: u32,
}

/// One table's rows, and the instance's clock when the listing began.
struct Listing<T> {
    rows: Vec<T>,
    started: Option<DateTime<Utc>>,
}

impl Tables<'_> {
    async fn read<T: DeserializeOwned>(
        &mut self,
        table: &str,
        fields: &str,
        query: &str,
    ) -> Result<Listing<T>, FetchError> {
        let source_id = self.http.source_id().to_string();
        let mut url = endpoint(&self.base, &format!("api/now/table/{table}"));
        url.query_pairs_mut()
            .append_pair("sysparm_query", query)
            .append_pair("sysparm_fields", fields)
            .append_pair("sysparm_display_value", "false")
            .append_pair("sysparm_exclude_reference_link", "true")
            .append_pair("sysparm_limit", &self.page_size.to_string())
            .append_pair("sysparm_offset", "0");
        let mut pages = Pages::new(self.max_pages);
        let mut listing = Listing { rows: Vec::new(), started: None };
        loop {
            pages.visit(&source_id, url.as_str(), url.path())?;
            let (page, body): (TableResult<T>, _) = self
                .http
                .json(|client| {
                    client
                        .get(url.clone())
                        .basic_auth(self.user, Some(self.password))
                        .header(ACCEPT, "application/json")
                })
                .await?;
            if pages.count == 1 {
                listing.started = server_time(&body.headers);
            }
            let count = page.result.len();
            listing.rows.extend(page.result);
            self.records += count;
            self.pages += 1;
            (self.progress)(Progress::fetching(&source_id, self.records, self.pages));
            match self.next_page(&url, &body.headers, count) {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(listing)
    }

    /// The next page's URL, or `None` after the last page.
    fn next_page(&self, url: &Url, headers: &HeaderMap, count: usize) -> Option<Url> {
        if let Some(link) = next_link(headers) {
            // ServiceNow writes its links with the instance's own address,
            // which can differ from base_url (a custom domain): credentials
            // go only to base_url's origin, so page by offset there instead.
            return Some(self.http.follow(url, &link).unwrap_or_else(|_| offset_page(url, self.page_size)));
        }
        // The instance sends a Link header on every page unless told not
        // to; one without a next page marks the last.
        if headers.contains_key(LINK) {
            return None;
        }
        let offset = query_number(url, "sysparm_offset").unwrap_or(0);
        let limit = query_number(url, "sysparm_limit").unwrap_or(self.page_size);
        // Rows the API user may not read are removed from a page after the
        // limit is applied, so a short page is not always the last: the
        // total, when given, is the better guide.
        let more = match total_count(headers) {
            Some(total) => u64::from(offset) + u64::from(limit) < total,
            None => count >= limit as usize && count > 0,
        };
        more.then(|| offset_page(url, self.page_size))
    }
}

fn query_number(url: &Url, key: &str) -> Option<u32> {
    url.query_pairs().find(|(name, _)| name == key).and_then(|(_, value)| value.parse().ok())
}

/// `url` moved on by one page: `sysparm_offset` advanced by its limit.
fn offset_page(url: &Url, page_size: u32) -> Url {
    let offset = query_number(url, "sysparm_offset").unwrap_or(0);
    let limit = query_number(url, "sysparm_limit").unwrap_or(page_size);
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| name != "sysparm_offset")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    pairs.push(("sysparm_offset".into(), offset.saturating_add(limit).to_string()));
    let mut next = url.clone();
    next.query_pairs_mut().clear().extend_pairs(pairs);
    next
}

fn total_count(headers: &HeaderMap) -> Option<u64> {
    headers.get("X-Total-Count")?.to_str().ok()?.trim().parse().ok()
}

/// The instance's clock, from the response's `Date` header.
fn server_time(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let text = headers.get(DATE)?.to_str().ok()?;
    Some(DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc))
}

/// The encoded query for one table: `filter`, the incremental condition,
/// and a stable order.
fn encoded_query(filter: &str, updated_field: &str, since: Option<DateTime<Utc>>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !filter.is_empty() {
        parts.push(filter.to_string());
    }
    if let Some(since) = since {
        // Seconds are the field's resolution; dropping the fraction rounds
        // down, so the boundary record is read again rather than missed.
        parts.push(format!("{updated_field}>={}", since.format(TIME_FORMAT)));
    }
    // Ordered by sys_id, which never changes: a record updated while the
    // listing is read keeps its place, where ordering by sys_updated_on
    // would move it to the end and shift a record past the offset unread.
    parts.push("ORDERBYsys_id".into());
    parts.join("^")
}

/// Where the next incremental run of one table may start: the latest
/// update seen, but no later than the instance's clock when the listing
/// began, less a minute (a record updated while the listing was read may
/// have been passed over); for a listing with no rows, that clock alone.
fn table_watermark(
    updated: impl Iterator<Item = DateTime<Utc>>,
    started: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let started = started.map(|started| started - TimeDelta::minutes(1));
    match (updated.max(), started) {
        (Some(seen), Some(started)) => Some(seen.min(started)),
        (seen, started) => seen.or(started),
    }
}

/// Keeps one row per sys_id, the one read last: with paging by offset, a
/// record that enters the listing while it is read pushes another onto the
/// next page, which then comes twice.
fn dedupe<T>(rows: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let mut positions: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<T> = Vec::with_capacity(rows.len());
    for row in rows {
        match positions.get(key(&row)) {
            Some(&position) => kept[position] = row,
            None => {
                positions.insert(key(&row).to_string(), kept.len());
                kept.push(row);
            }
        }
    }
    kept
}

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "servicenow",
    display_name: "ServiceNow",
    secret_form: Some("USER:PASSWORD"),
    incremental: true,
    probe: false,
    fields: &[BASE_URL, PRIORITY_MAP, PAGE_SIZE, MAX_PAGES],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (user, password) = credential_pair(request, "USER:PASSWORD")?;
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let mut tables = Tables {
        http,
        base,
        user,
        password,
        page_size: source.page_size().unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE),
        max_pages: source.max_pages().unwrap_or(DEFAULT_MAX_PAGES),
        progress,
        records: 0,
        pages: 0,
    };
    let since = request.since;
    let mut fetched = Fetched { full: since.is_none(), ..Fetched::default() };
    let mut unmapped = Unmapped::default();

    let incidents: Listing<Incident> =
        tables.read("incident", INCIDENT_FIELDS, &encoded_query("", "sys_updated_on", since)).await?;
    // The task SLAs of exactly the incidents just read: on an incremental
    // run, those of incidents updated since the watermark. A breach that
    // changes no incident field shows on the next full run.
    let task_slas: Listing<TaskSla> = tables
        .read("task_sla", TASK_SLA_FIELDS, &encoded_query("task.sys_class_name=incident", "task.sys_updated_on", since))
        .await?;
    let changes: Listing<ChangeRequest> = tables
        .read("change_request", CHANGE_FIELDS, &encoded_query("close_codeISNOTEMPTY", "sys_updated_on", since))
        .await?;

    // The task SLAs' own update times play no part: that listing follows
    // the incidents' update times.
    let watermarks = [
        table_watermark(incidents.rows.iter().filter_map(|row| row.sys_updated_on), incidents.started),
        table_watermark(changes.rows.iter().filter_map(|row| row.sys_updated_on), changes.started),
    ];
    // Every table must be read again from where the one read earliest
    // could have missed something.
    fetched.watermark = watermarks.into_iter().flatten().min();

    let mut slas_by_incident: HashMap<String, Vec<TaskSla>> = HashMap::new();
    for task_sla in task_slas.rows {
        if let Some(task) = task_sla.task.clone() {
            slas_by_incident.entry(task).or_default().push(task_sla);
        }
    }
    for incident in dedupe(incidents.rows, |row| &row.sys_id) {
        let slas = slas_by_incident.get(&incident.sys_id).map(Vec::as_slice).unwrap_or_default();
        let name = incident.priority.clone();
        match map_incident(request, incident, slas) {
            Ok(ticket) => {
                unmapped.note(name.as_deref(), ticket.priority.as_ref());
                fetched.batch.tickets.push(ticket);
            }
            Err(warning) => fetched.warnings.push(warning),
        }
    }
    for change in dedupe(changes.rows, |row| &row.sys_id) {
        match map_change(request, change) {
            Ok(Some(change)) => fetched.batch.changes.push(change),
            Ok(None) => {}
            Err(warning) => fetched.warnings.push(warning),
        }
    }

    fetched.pages = tables.pages;
    fetched.warnings.extend(unmapped.warnings("ServiceNow", &request.source.id));
    fetched.requests = tables.http.requests();
    Ok(fetched)
}

fn provenance(request: &FetchRequest<'_>, sys_id: &str) -> Provenance {
    Provenance { source_id: request.source.id.clone(), record_id: sys_id.to_string(), fetched_at: request.now }
}

fn incident_state(state: &str) -> &str {
    match state {
        "1" => "New",
        "2" => "In Progress",
        "3" => "On Hold",
        "6" => "Resolved",
        "7" => "Closed",
        "8" => "Canceled",
        other => other,
    }
}

/// An incident as a ticket, or the warning that leaves it out.
fn map_incident(request: &FetchRequest<'_>, incident: Incident, slas: &[TaskSla]) -> Result<Ticket, String> {
    let Some(created_at) = incident.opened_at else {
        let name = incident.number.as_deref().unwrap_or(&incident.sys_id);
        return Err(format!("incident {name} has no opened time, so it was left out: check it in ServiceNow"));
    };
    let counted: Vec<&TaskSla> = slas.iter().filter(|sla| sla.stage.as_deref() != Some("cancelled")).collect();
    let vendor_reported_in_sla =
        (!counted.is_empty()).then(|| !counted.iter().any(|sla| sla.has_breached.as_deref() == Some("true")));
    let first_response_at =
        counted.iter().filter(|sla| sla.target.as_deref() == Some("response")).filter_map(|sla| sla.end_time).min();
    // Rounded to the minute; a resolution SLA without a pause duration
    // never paused.
    let paused_minutes = counted
        .iter()
        .filter(|sla| sla.target.as_deref() == Some("resolution"))
        .map(|sla| sla.pause_duration.map_or(0, |pause| (pause.num_seconds() + 30) / 60))
        .min();
    let resolved_at = incident.resolved_at.or(incident.closed_at);
    Ok(Ticket {
        provenance: provenance(request, &incident.sys_id),
        vendor_id: request.source.vendor.clone(),
        summary: incident.short_description.unwrap_or_default(),
        // "1".."4" name their contract priority; "5" (planning) names none.
        priority: incident.priority.and_then(|priority| map_priority(request.source.priority_map(), &priority)),
        created_at,
        first_response_at,
        resolved_at,
        assignee: incident.assigned_to,
        resolved_by: incident.resolved_by.filter(|_| resolved_at.is_some()),
        status: incident.state.as_deref().map(incident_state).unwrap_or_default().to_string(),
        reopened: incident.reopen_count.and_then(|count| count.trim().parse::<u32>().ok()).map(|count| count > 0),
        vendor_reported_in_sla,
        paused_minutes,
        excluded_from_sla: false,
    })
}

fn change_outcome(close_code: &str) -> Option<ChangeOutcome> {
    let code: String =
        close_code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    match code.as_str() {
        "successful" | "successfulissues" => Some(ChangeOutcome::Successful),
        "unsuccessful" => Some(ChangeOutcome::Failed),
        "backedout" | "backout" | "rolledback" | "rollback" => Some(ChangeOutcome::RolledBack),
        _ => None,
    }
}

/// A closed change request as a change; `None` for one with no outcome
/// yet; the warning that leaves out one Sightline cannot read.
fn map_change(request: &FetchRequest<'_>, change: ChangeRequest) -> Result<Option<Change>, String> {
    let Some(close_code) = change.close_code.as_deref() else { return Ok(None) };
    if change.state.as_deref() == Some("4") {
        return Ok(None);
    }
    let name = change.number.as_deref().unwrap_or(&change.sys_id);
    let Some(outcome) = change_outcome(close_code) else {
        return Err(format!(
            "change {name} has the close code '{close_code}', which Sightline does not know, so it was left out"
        ));
    };
    let Some(implemented_at) = change.work_end.or(change.closed_at).or(change.end_date) else {
        return Err(format!(
            "change {name} is closed but has no work end, close or planned end time, so it was left out"
        ));
    };
    Ok(Some(Change {
        provenance: provenance(request, &change.sys_id),
        vendor_id: request.source.vendor.clone(),
        title: change.short_description.unwrap_or_default(),
        implemented_at,
        outcome,
        emergency: change.change_type.as_deref() == Some("emergency"),
    }))
}
