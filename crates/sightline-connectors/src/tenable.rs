//! Tenable Vulnerability Management (Tenable.io): the weaknesses its scans
//! find, and the computers it scans.
//!
//! Auth: the header `X-ApiKeys: accessKey={access}; secretKey={secret}` on
//! every request (never in a URL). The findings come from Tenable's export:
//! `POST /vulns/export` with the wanted states (and, for an incremental
//! read, `since`: what changed after the last read), then
//! `GET /vulns/export/{uuid}/status` until it is `FINISHED`, then
//! `GET /vulns/export/{uuid}/chunks/{n}` for each chunk it lists. An export
//! with a failed chunk is incomplete: the read fails and nothing changes.
//!
//! A finding becomes a weakness on its asset (`fqdn`, else `hostname`)
//! with Tenable's severity; `info` findings are observations, not
//! weaknesses, and are left out (counted in the run's warnings). A `FIXED`
//! finding carries its fix date (`last_fixed`, else `last_found`). Each
//! asset with an open finding is also a computer the scanner sees, for
//! coverage (named by `fqdn`, else `hostname`, else `ipv4`). An
//! incremental read uses `since` (findings seen in any state after the
//! last read); a scan imported late is caught by the next full read.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sightline_domain::{Device, DeviceRole, Inventory, Provenance, Severity, Vulnerability};

use crate::http::{Http, endpoint};
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, Field, Progress, ProgressSink, SourceSpec,
    credential_pair,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "tenable",
    display_name: "Tenable Vulnerability Management",
    secret_form: Some("ACCESS_KEY:SECRET_KEY"),
    incremental: true,
    probe: false,
    fields: &[Field {
        hint: "Left empty, https://cloud.tenable.com.",
        required: false,
        ..BASE_URL
    }],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

const DEFAULT_BASE: &str = "https://cloud.tenable.com";
/// Assets per chunk: Tenable takes 50 to 5,000.
const ASSETS_PER_CHUNK: u32 = 500;
/// An export not finished after this many status checks has stalled.
const MAX_POLLS: u32 = 240;

#[derive(Debug, Deserialize)]
struct Started {
    export_uuid: String,
}

#[derive(Debug, Deserialize)]
struct Status {
    status: String,
    #[serde(default)]
    chunks_available: Vec<u32>,
    #[serde(default)]
    chunks_failed: Vec<u32>,
}

#[derive(Debug, Deserialize)]
struct Asset {
    uuid: String,
    fqdn: Option<String>,
    hostname: Option<String>,
    ipv4: Option<String>,
    device_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Plugin {
    id: i64,
    name: Option<String>,
    #[serde(default)]
    cve: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Port {
    port: Option<i64>,
    protocol: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Finding {
    asset: Asset,
    plugin: Plugin,
    port: Option<Port>,
    severity: String,
    state: String,
    first_found: Option<DateTime<Utc>>,
    last_found: Option<DateTime<Utc>>,
    last_fixed: Option<DateTime<Utc>>,
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (access, secret) = credential_pair(request, "ACCESS_KEY:SECRET_KEY")?;
    let keys = format!("accessKey={access}; secretKey={secret}");
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or(DEFAULT_BASE))?;

    let mut filters = json!({"state": ["OPEN", "REOPENED", "FIXED"]});
    if let Some(since) = request.since {
        filters["since"] = json!(since.timestamp());
    }
    let body = json!({"num_assets": ASSETS_PER_CHUNK, "filters": filters});
    let start_url = endpoint(&base, "vulns/export");
    let (started, _): (Started, _) =
        http.json(|client| client.post(start_url.clone()).header("X-ApiKeys", &keys).json(&body)).await?;
    let uuid = started.export_uuid;

    let status_url = endpoint(&base, &format!("vulns/export/{uuid}/status"));
    let mut polls = 0;
    let status = loop {
        let (status, _): (Status, _) =
            http.json(|client| client.get(status_url.clone()).header("X-ApiKeys", &keys)).await?;
        match status.status.as_str() {
            "FINISHED" => break status,
            "QUEUED" | "PROCESSING" => {}
            other => {
                return Err(FetchError::bad_response(
                    source_id,
                    format!("Tenable's export ended as {other}, not finished: nothing was changed; sync again later"),
                ));
            }
        }
        polls += 1;
        if polls >= MAX_POLLS {
            return Err(FetchError::new(
                source_id,
                FetchErrorKind::Timeout,
                "Tenable's export did not finish in time: nothing was changed; sync again later",
            ));
        }
        let wait = request.http.retry.base_delay.saturating_mul(1 << polls.min(6)).min(Duration::from_secs(15));
        tokio::time::sleep(wait).await;
    };
    if !status.chunks_failed.is_empty() {
        let failed: Vec<String> = status.chunks_failed.iter().map(u32::to_string).collect();
        return Err(FetchError::bad_response(
            source_id,
            format!(
                "Tenable could not prepare part of its export (chunk {}): an incomplete read would lose weaknesses, \
                 so nothing was changed; sync again later",
                failed.join(", ")
            ),
        ));
    }

    let mut fetched = Fetched { full: request.since.is_none(), watermark: Some(request.now), ..Fetched::default() };
    let mut assets: BTreeMap<String, Device> = BTreeMap::new();
    let mut informational = 0usize;
    for chunk in &status.chunks_available {
        let url = endpoint(&base, &format!("vulns/export/{uuid}/chunks/{chunk}"));
        let (findings, _): (Vec<Finding>, _) =
            http.json(|client| client.get(url.clone()).header("X-ApiKeys", &keys)).await?;
        for finding in findings {
            // A computer the scanner still finds open weaknesses on; a
            // retired one shows only old fixed findings.
            if !finding.state.eq_ignore_ascii_case("fixed") {
                note_asset(request, &mut assets, &finding);
            }
            match weakness(request, finding) {
                Some(found) => fetched.batch.vulnerabilities.push(found),
                None => informational += 1,
            }
        }
        fetched.pages += 1;
        progress(Progress::fetching(source_id, fetched.batch.len(), fetched.pages));
    }
    fetched.batch.devices = assets.into_values().collect();
    if informational > 0 {
        fetched.warnings.push(format!(
            "{informational} of Tenable's findings are informational (severity info), not weaknesses: they were not \
             counted"
        ));
    }
    fetched.requests = http.requests();
    Ok(fetched)
}

fn asset_name(asset: &Asset) -> String {
    [&asset.fqdn, &asset.hostname, &asset.ipv4]
        .into_iter()
        .flatten()
        .find(|name| !name.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| format!("asset {}", asset.uuid))
}

/// The asset as a computer the scanner sees: first and last found across
/// its findings.
fn note_asset(request: &FetchRequest<'_>, assets: &mut BTreeMap<String, Device>, finding: &Finding) {
    let asset = &finding.asset;
    let first = finding.first_found.unwrap_or(request.now);
    let device = assets.entry(asset.uuid.clone()).or_insert_with(|| Device {
        provenance: Provenance {
            source_id: request.source.id.clone(),
            record_id: asset.uuid.clone(),
            fetched_at: request.now,
        },
        vendor_id: request.source.vendor.clone(),
        name: asset_name(asset),
        role: match asset.device_type.as_deref() {
            Some("general-purpose") | None => DeviceRole::Workstation,
            Some(kind) if kind.contains("server") => DeviceRole::Server,
            Some(_) => DeviceRole::Network,
        },
        // The scanner looks at a computer; it does not manage it.
        managed: false,
        enrolled_at: first,
        protection_ok: None,
        last_seen: None,
        seen_by: Inventory::Scanner,
    });
    device.enrolled_at = device.enrolled_at.min(first);
    device.last_seen = device.last_seen.max(finding.last_found);
}

fn weakness(request: &FetchRequest<'_>, finding: Finding) -> Option<Vulnerability> {
    let severity = Severity::parse(&finding.severity.to_ascii_lowercase())?;
    let port = finding
        .port
        .as_ref()
        .map(|port| format!("{}/{}", port.port.unwrap_or(0), port.protocol.as_deref().unwrap_or("").to_lowercase()))
        .unwrap_or_default();
    let name = finding.plugin.name.clone().unwrap_or_else(|| format!("Tenable plugin {}", finding.plugin.id));
    let title = match finding.plugin.cve.first() {
        Some(cve) if !name.contains(cve.as_str()) => format!("{name} ({cve})"),
        _ => name,
    };
    let fixed = finding.state.eq_ignore_ascii_case("fixed");
    Some(Vulnerability {
        provenance: Provenance {
            source_id: request.source.id.clone(),
            record_id: format!("{}:{}:{port}", finding.asset.uuid, finding.plugin.id),
            fetched_at: request.now,
        },
        vendor_id: request.source.vendor.clone(),
        asset: asset_name(&finding.asset),
        title,
        severity,
        first_found: finding.first_found.or(finding.last_found).unwrap_or(request.now),
        fixed_at: if fixed { finding.last_fixed.or(finding.last_found).or(Some(request.now)) } else { None },
    })
}
