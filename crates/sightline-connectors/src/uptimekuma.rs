//! Uptime Kuma: the checks of the monitors on one of its status pages, as
//! availability records.
//!
//! Uptime Kuma has no REST API for its monitors (its own screens use a
//! socket); what it serves as JSON is a published status page:
//! `GET {base_url}/api/status-page/{slug}` names the page's monitors
//! (`publicGroupList[].monitorList[]`: `id`, `name`) and
//! `GET {base_url}/api/status-page/heartbeat/{slug}` gives each one's
//! latest checks (`heartbeatList`: monitor id -> `[{status, time, msg,
//! ping}]`, the last 100). No credentials: the page is public. Shapes from
//! Uptime Kuma's source (status-page-router.js, heartbeat.js); no recorded
//! body was found.
//!
//! A check stands until the next, or `every_minutes` (default 1, Uptime
//! Kuma's default interval) at most. Status 1 (up) is up, 0 (down) is down,
//! 2 (pending: failing, still retrying before it calls the monitor down)
//! counts as up, as Uptime Kuma itself only reports down after the
//! retries, and 3 (maintenance) is not watched time: planned maintenance
//! does not count against anyone. Times are UTC as Uptime Kuma stores them
//! (`2026-11-10 10:00:00.000`); RFC 3339 is read too. Records are history,
//! added to by each read: with checks every minute and a sync every hour,
//! the last 100 checks cover the hour.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use crate::http::{Http, endpoint};
use crate::monitoring::{Beat, windows};
use crate::{
    BASE_URL, FetchError, FetchRequest, Fetched, Field, FieldForm, Progress, ProgressSink, SourceSpec,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "uptimekuma",
    display_name: "Uptime Kuma",
    secret_form: None,
    incremental: false,
    probe: false,
    fields: &[
        Field { hint: "The Uptime Kuma server's address, such as https://status.example.com.", ..BASE_URL },
        Field {
            key: "slug",
            label: "Status page",
            hint: "The status page's name in its address: status for https://status.example.com/status/status.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            key: "every_minutes",
            label: "Checked every (minutes)",
            hint: "How often Uptime Kuma checks the monitors (1 when empty); each check stands for this long at most.",
            required: false,
            on_form: false,
            form: FieldForm::Count,
        },
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusPage {
    #[serde(default)]
    public_group_list: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    #[serde(default)]
    monitor_list: Vec<MonitorName>,
}

#[derive(Debug, Deserialize)]
struct MonitorName {
    id: i64,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Heartbeats {
    heartbeat_list: Option<BTreeMap<String, Vec<Heartbeat>>>,
}

#[derive(Debug, Deserialize)]
struct Heartbeat {
    status: i64,
    time: String,
}

/// Uptime Kuma's stored time (UTC), or RFC 3339.
fn instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .map(|naive| naive.and_utc())
        .ok()
        .or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|at| at.with_timezone(&Utc)))
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let slug = source.text("slug").unwrap_or_default().trim();
    // The slug goes into the path: letters, digits and dashes only.
    if slug.is_empty() || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(FetchError::config(
            source_id,
            format!("the status page '{slug}' is not a status page's name (letters, digits and dashes): correct slug"),
        ));
    }
    let every = chrono::Duration::minutes(source.count("every_minutes").unwrap_or(1).into());

    let page_url = endpoint(&base, &format!("api/status-page/{slug}"));
    let (page, _): (StatusPage, _) = http.json(|client| client.get(page_url.clone())).await?;
    let listed: Vec<(String, String)> = page
        .public_group_list
        .into_iter()
        .flat_map(|group| group.monitor_list)
        .map(|monitor| (monitor.id.to_string(), monitor.name.unwrap_or_else(|| format!("monitor {}", monitor.id))))
        .collect();
    let names = crate::monitoring::distinct_names(&listed);
    let beats_url = endpoint(&base, &format!("api/status-page/heartbeat/{slug}"));
    let (beats, _): (Heartbeats, _) = http.json(|client| client.get(beats_url.clone())).await?;
    let Some(lists) = beats.heartbeat_list else {
        return Err(FetchError::bad_response(
            source_id,
            format!("Uptime Kuma's answer for the status page '{slug}' has no heartbeatList: is it a status page?"),
        ));
    };

    let mut fetched = Fetched { full: false, pages: 2, ..Fetched::default() };
    for (id, list) in lists {
        let name = names.get(&id).cloned().unwrap_or_else(|| format!("monitor {id}"));
        let (mut checks, mut unread) = (Vec::new(), 0usize);
        for beat in list {
            let Some(at) = instant(&beat.time) else {
                unread += 1;
                continue;
            };
            let up = match beat.status {
                0 => Some(false),
                1 | 2 => Some(true),
                3 => None,
                _ => {
                    unread += 1;
                    continue;
                }
            };
            checks.push(Beat { at, up });
        }
        if unread > 0 {
            fetched.warnings.push(format!(
                "{unread} check{} of {name} had a status or time Sightline does not know and count as not watched",
                if unread == 1 { "" } else { "s" }
            ));
        }
        checks.sort_by_key(|beat| beat.at);
        checks.dedup_by_key(|beat| beat.at);
        fetched.batch.availability.extend(windows(request, &name, &id, &checks, every, "Uptime Kuma: down"));
    }
    progress(Progress::fetching(source_id, fetched.batch.len(), fetched.pages));
    fetched.requests = http.requests();
    fetched.watermark = Some(request.now);
    Ok(fetched)
}
