//! UptimeRobot: the up and down periods of the monitors the provider (or
//! the company) keeps there, as availability records.
//!
//! `POST {base_url}/v2/getMonitors` (the v2 API, still served) with the API
//! key in the form body, as the API wants, never in a URL; `logs=1`, and
//! `offset`/`limit` paging (at most 50 a page) until `pagination.total`.
//! Each log is a period of one state: type 1 down and type 2 up, from
//! `datetime` for `duration` seconds (the last one still running); types
//! 98 (monitoring started) and 99 (paused) are not watched time. A period
//! is kept a UTC day at a time; each part's id is its monitor and start, so
//! the running period is updated by the next read rather than repeated. A `stat` of `fail` is an error; its
//! `passed_value` (which may echo the key) is never quoted. The free plan
//! allows 10 requests a minute; a run stays inside that.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sightline_domain::{Availability, Provenance};

use crate::http::{Http, endpoint};
use crate::limit::Limiter;
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, Field, MAX_PAGES, Progress, ProgressSink, SourceSpec,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "uptimerobot",
    display_name: "UptimeRobot",
    secret_form: Some("API_KEY (a read-only key is enough)"),
    incremental: false,
    probe: false,
    fields: &[
        Field {
            hint: "https://api.uptimerobot.com unless your provider says otherwise.",
            required: false,
            on_form: false,
            ..BASE_URL
        },
        MAX_PAGES,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

const DEFAULT_BASE: &str = "https://api.uptimerobot.com";
/// The most monitors a page holds.
const PAGE: u32 = 50;
/// The free plan's budget.
const REQUESTS_PER_MINUTE: usize = 10;

#[derive(Debug, Deserialize)]
struct Page {
    stat: String,
    error: Option<Refusal>,
    pagination: Option<Pagination>,
    #[serde(default)]
    monitors: Vec<Monitor>,
}

#[derive(Debug, Deserialize)]
struct Refusal {
    #[serde(rename = "type")]
    kind: Option<String>,
    parameter_name: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Pagination {
    offset: u32,
    limit: u32,
    total: u32,
}

#[derive(Debug, Deserialize)]
struct Monitor {
    id: i64,
    friendly_name: Option<String>,
    url: Option<String>,
    #[serde(default)]
    logs: Vec<Log>,
}

#[derive(Debug, Deserialize)]
struct Log {
    #[serde(rename = "type")]
    kind: i64,
    datetime: i64,
    duration: i64,
    reason: Option<Reason>,
}

#[derive(Debug, Deserialize)]
struct Reason {
    code: Option<serde_json::Value>,
    detail: Option<String>,
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let api_key = crate::credential(request, "the API key")?;
    let http = Http::new(source_id, request.http, Some(Limiter::new(REQUESTS_PER_MINUTE, Duration::from_secs(60))))?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or(DEFAULT_BASE))?;
    let url = endpoint(&base, "v2/getMonitors");
    let most = source.max_pages().unwrap_or(1_000);

    let mut fetched = Fetched { full: false, ..Fetched::default() };
    let mut monitors: Vec<Monitor> = Vec::new();
    let mut offset = 0u32;
    loop {
        let form = [
            ("api_key", api_key.to_string()),
            ("format", "json".to_string()),
            ("logs", "1".to_string()),
            ("logs_limit", "100".to_string()),
            ("offset", offset.to_string()),
            ("limit", PAGE.to_string()),
        ];
        let (page, _): (Page, _) = http.json(|client| client.post(url.clone()).form(&form)).await?;
        fetched.pages += 1;
        if page.stat != "ok" {
            let refusal = page.error.unwrap_or(Refusal { kind: None, parameter_name: None, message: None });
            let about_key = refusal.parameter_name.as_deref() == Some("api_key");
            let what = [refusal.kind.as_deref(), refusal.parameter_name.as_deref(), refusal.message.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            return Err(FetchError::new(
                source_id,
                if about_key { FetchErrorKind::Auth } else { FetchErrorKind::BadResponse },
                if about_key {
                    format!(
                        "UptimeRobot refused the API key ({what}): store a current one with `sightline-cli secret set \
                         {source_id}`"
                    )
                } else {
                    format!("UptimeRobot refused the request ({what})")
                },
            ));
        }
        monitors.extend(page.monitors);
        progress(Progress::fetching(source_id, monitors.len(), fetched.pages));
        let Some(pagination) = page.pagination else { break };
        offset = pagination.offset + pagination.limit.max(1);
        if offset >= pagination.total {
            break;
        }
        if fetched.pages >= most {
            return Err(FetchError::bad_response(
                source_id,
                format!("UptimeRobot kept listing monitors past {most} pages: raise max_pages if that many are real"),
            ));
        }
    }
    // Named once all are listed, so that two sharing a name are told apart.
    let listed: Vec<(String, String)> = monitors
        .iter()
        .map(|monitor| {
            let name = monitor.friendly_name.clone().or_else(|| monitor.url.clone());
            (monitor.id.to_string(), name.unwrap_or_else(|| format!("monitor {}", monitor.id)))
        })
        .collect();
    let names = crate::monitoring::distinct_names(&listed);
    for monitor in monitors {
        let name = names[&monitor.id.to_string()].clone();
        map_monitor(request, &mut fetched, monitor, name);
    }
    fetched.requests = http.requests();
    fetched.watermark = Some(request.now);
    Ok(fetched)
}

fn map_monitor(request: &FetchRequest<'_>, fetched: &mut Fetched, monitor: Monitor, name: String) {
    let mut unknown = 0usize;
    for log in monitor.logs {
        let up = match log.kind {
            1 => false,
            2 => true,
            98 | 99 => continue,
            _ => {
                unknown += 1;
                continue;
            }
        };
        let Some(start) = DateTime::<Utc>::from_timestamp(log.datetime, 0) else {
            unknown += 1;
            continue;
        };
        // The period still running is counted up to now, not beyond.
        let seconds = log.duration.min((request.now - start).num_seconds());
        if seconds <= 0 {
            continue;
        }
        let detail = (!up).then(|| {
            let reason = log.reason.as_ref();
            let code = reason.and_then(|reason| reason.code.as_ref()).map(|code| match code {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            });
            match (code, reason.and_then(|reason| reason.detail.clone())) {
                (Some(code), Some(detail)) => format!("UptimeRobot: {code} {detail}"),
                (None, Some(detail)) => format!("UptimeRobot: {detail}"),
                (Some(code), None) => format!("UptimeRobot: {code}"),
                (None, None) => "UptimeRobot: down".to_string(),
            }
        });
        // A period of weeks is kept a UTC day at a time, as the other
        // monitors' windows are: a month counts the days inside it.
        let end = start + chrono::Duration::seconds(seconds);
        let mut from = start;
        while from < end {
            let midnight = (from.date_naive() + chrono::Days::new(1)).and_hms_opt(0, 0, 0).map(|day| day.and_utc());
            let to = midnight.map_or(end, |midnight| midnight.min(end));
            let part = (to - from).num_seconds();
            fetched.batch.availability.push(Availability {
                provenance: Provenance {
                    source_id: request.source.id.clone(),
                    record_id: format!("{}@{}", monitor.id, from.timestamp()),
                    fetched_at: request.now,
                },
                vendor_id: request.source.vendor.clone(),
                monitor: name.clone(),
                window_start: from,
                window_end: to,
                up_seconds: if up { part } else { 0 },
                down_seconds: if up { 0 } else { part },
                status: None,
                latency_ms: None,
                detail: detail.clone(),
            });
            from = to;
        }
    }
    if unknown > 0 {
        fetched.warnings.push(format!(
            "{unknown} log entr{} of {name} had a type or time Sightline does not know and count as not watched",
            if unknown == 1 { "y" } else { "ies" }
        ));
    }
}
