//! Prometheus: whether the company's services were up, from a monitoring
//! server the provider (or the company) runs, as the availability records
//! Sightline's own probe makes.
//!
//! `GET {base_url}/api/v1/query_range?query=&start=&end=&step=` (the
//! documented HTTP API): the expression (default `up`; `probe_success` for
//! the blackbox exporter) is read at `step_seconds` steps. Each series is
//! one monitor, named by its `instance` label (else `job`, else all its
//! labels; series sharing that name add their other labels, as the
//! blackbox exporter's modules probing one target do); a step whose value is 0 is down, any other number up, and a
//! step with no value (a failed scrape, NaN) was not watched. Prometheus
//! refuses more than 11,000 steps a series in one query, so a long range is
//! read in slices of 10,000 steps.
//!
//! Auth: none, a bearer token or basic auth (`auth`), as the deployment's
//! proxy or `--web.config.file` wants; the credential goes in a header,
//! never the URL. The first read goes back `lookback_days` (default 30);
//! later reads start where the last one ended. Records are history: a read
//! adds to them, never replaces them.

use chrono::{DateTime, Duration};
use serde::Deserialize;
use std::collections::BTreeMap;

use crate::http::{Http, endpoint};
use crate::monitoring::{Beat, windows};
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, Progress, ProgressSink, SourceSpec,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "prometheus",
    display_name: "Prometheus",
    secret_form: Some("TOKEN, or USER:PASSWORD with auth = \"basic\" (nothing when auth is none)"),
    incremental: true,
    probe: false,
    fields: &[
        Field { hint: "The Prometheus server's address, such as https://prometheus.example.com.", ..BASE_URL },
        Field {
            key: "query",
            label: "Expression",
            hint: "What says a service is up: up (the default), or probe_success for the blackbox exporter.",
            required: false,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            key: "auth",
            label: "Sign-in",
            hint: "How the server wants Sightline to sign in.",
            required: false,
            on_form: true,
            form: FieldForm::Choice(&[("none", "None"), ("bearer", "Bearer token"), ("basic", "User and password")]),
        },
        Field {
            key: "step_seconds",
            label: "Step in seconds",
            hint: "How finely to read (60 when empty): an outage shorter than this may not be seen.",
            required: false,
            on_form: false,
            form: FieldForm::Count,
        },
        Field {
            key: "lookback_days",
            label: "Days to read back",
            hint: "How far back the first read goes (30 when empty).",
            required: false,
            on_form: false,
            form: FieldForm::Count,
        },
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

/// Prometheus refuses more than 11,000 points a series in one query.
const STEPS_PER_QUERY: i64 = 10_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    status: String,
    data: Option<Data>,
    error_type: Option<String>,
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    #[serde(default)]
    result: Vec<Series>,
}

#[derive(Debug, Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// The monitor a series stands for.
fn monitor(labels: &BTreeMap<String, String>) -> String {
    if let Some(name) = labels.get("instance").or_else(|| labels.get("job")) {
        return name.clone();
    }
    let all: Vec<String> =
        labels.iter().filter(|(key, _)| *key != "__name__").map(|(key, value)| format!("{key}={value}")).collect();
    if all.is_empty() { "(no labels)".to_string() } else { all.join(",") }
}

/// Each series' monitor name: [`monitor`]'s, and where two series share
/// it, that name with the series' other labels.
fn names<'a>(
    series: impl Iterator<Item = &'a BTreeMap<String, String>>,
) -> BTreeMap<BTreeMap<String, String>, String> {
    let series: Vec<&BTreeMap<String, String>> = series.collect();
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for labels in &series {
        *uses.entry(monitor(labels)).or_default() += 1;
    }
    series
        .into_iter()
        .map(|labels| {
            let base = monitor(labels);
            let name = if uses[&base] > 1 {
                let others: Vec<String> = labels
                    .iter()
                    .filter(|(key, value)| *key != "instance" && **value != base)
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect();
                format!("{base} ({})", others.join(","))
            } else {
                base
            };
            (labels.clone(), name)
        })
        .collect()
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let query = source.text("query").filter(|query| !query.trim().is_empty()).unwrap_or("up");
    let step = Duration::seconds(source.count("step_seconds").unwrap_or(60).into());
    let header = match source.text("auth").unwrap_or("none") {
        "bearer" => Some(format!("Bearer {}", crate::credential(request, "the bearer token")?)),
        "basic" => {
            let (user, password) = crate::credential_pair(request, "USER:PASSWORD")?;
            Some(format!("Basic {}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{user}:{password}"))))
        }
        _ => None,
    };
    let lookback = Duration::days(source.count("lookback_days").unwrap_or(30).into());
    let end = request.now;
    // On the step's grid, so that every read sees the same instants.
    let start = request.since.unwrap_or(end - lookback).max(end - lookback);
    let start = DateTime::from_timestamp(start.timestamp() - start.timestamp().rem_euclid(step.num_seconds()), 0)
        .unwrap_or(start);

    let mut fetched = Fetched { full: false, ..Fetched::default() };
    // Each series' checks by its labels; named once all are read.
    let mut beats: BTreeMap<BTreeMap<String, String>, Vec<Beat>> = BTreeMap::new();
    let url = endpoint(&base, "api/v1/query_range");
    let mut from = start;
    while from < end {
        let to = (from + step * STEPS_PER_QUERY as i32).min(end);
        let params = [
            ("query", query.to_string()),
            ("start", from.timestamp().to_string()),
            ("end", to.timestamp().to_string()),
            ("step", step.num_seconds().to_string()),
        ];
        let (envelope, _): (Envelope, _) = http
            .json(|client| {
                let get = client.get(url.clone()).query(&params);
                match &header {
                    Some(header) => get.header("Authorization", header),
                    None => get,
                }
            })
            .await?;
        fetched.pages += 1;
        if envelope.status != "success" {
            return Err(FetchError::bad_response(
                source_id,
                format!(
                    "Prometheus refused the expression '{query}' ({}: {}): correct query in sightline.toml",
                    envelope.error_type.as_deref().unwrap_or("error"),
                    envelope.error.as_deref().unwrap_or("no reason given")
                ),
            ));
        }
        fetched.warnings.extend(envelope.warnings.into_iter().map(|warning| format!("Prometheus: {warning}")));
        let Some(data) = envelope.data else {
            return Err(FetchError::bad_response(source_id, "Prometheus answered success with no data"));
        };
        if data.result_type != "matrix" {
            return Err(FetchError::bad_response(
                source_id,
                format!("Prometheus answered a {} where a range (matrix) was expected", data.result_type),
            ));
        }
        for series in data.result {
            let mut labels = series.metric.clone();
            labels.remove("__name__");
            let list = beats.entry(labels).or_default();
            let mut unread = 0usize;
            for (at, value) in series.values {
                let Some(at) = DateTime::from_timestamp_millis((at * 1000.0).round() as i64) else {
                    unread += 1;
                    continue;
                };
                match value.trim().parse::<f64>() {
                    Ok(value) if value.is_finite() => list.push(Beat { at, up: Some(value != 0.0) }),
                    _ => unread += 1,
                }
            }
            if unread > 0 {
                fetched.warnings.push(format!(
                    "{unread} step{} of {} had no number (NaN or a bad time) and count as not watched",
                    if unread == 1 { "" } else { "s" },
                    monitor(&series.metric)
                ));
            }
        }
        progress(Progress::fetching(source_id, beats.values().map(Vec::len).sum(), fetched.pages));
        from = to;
    }
    let detail = format!("{query} was 0");
    let names = names(beats.keys());
    for (labels, mut list) in beats {
        let name = &names[&labels];
        list.sort_by_key(|beat| beat.at);
        list.dedup_by_key(|beat| beat.at);
        fetched.batch.availability.extend(windows(request, name, name, &list, step, &detail));
    }
    if fetched.pages > 0 && fetched.batch.availability.is_empty() && request.since.is_none() {
        return Err(FetchError::new(
            source_id,
            FetchErrorKind::BadResponse,
            format!("Prometheus has no series for '{query}': check the expression (try it in Prometheus's own page)"),
        ));
    }
    fetched.requests = http.requests();
    fetched.watermark = Some(end);
    Ok(fetched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect()
    }

    #[test]
    fn series_sharing_an_instance_are_told_apart_by_their_other_labels() {
        let http = labels(&[("instance", "https://track.example/"), ("job", "blackbox"), ("module", "http_2xx")]);
        let icmp = labels(&[("instance", "https://track.example/"), ("job", "blackbox"), ("module", "icmp")]);
        let node = labels(&[("instance", "erp:9100"), ("job", "node")]);
        let names = names([&http, &icmp, &node].into_iter());
        assert_eq!(names[&http], "https://track.example/ (job=blackbox,module=http_2xx)");
        assert_eq!(names[&icmp], "https://track.example/ (job=blackbox,module=icmp)");
        assert_eq!(names[&node], "erp:9100");
    }
}
