//! NinjaOne RMM: the managed devices, their operating-system patches
//! (pending and installed), backup jobs and device health.
//!
//! Auth: OAuth2 client credentials at `/ws/oauth/token` with the scopes
//! `monitoring management`, then a bearer token. Paging: `/v2/devices` takes
//! `pageSize` and `after` (the last device id); the `/v2/queries/*` reports
//! and `/v2/backup/jobs` return a `cursor` whose name asks for the next
//! page. Device lists are small, so every run is a full snapshot.
//! Timestamps are Unix seconds with fractions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sightline_domain::{BackupJob, Device, DeviceRole, Inventory, Patch, PatchClass, Provenance};
use url::Url;

use crate::http::{Http, Pages, endpoint};
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, MAX_PAGES, PAGE_SIZE, Progress, ProgressSink, SourceSpec,
    credential_pair,
};

const DEFAULT_PAGE_SIZE: u32 = 1000;

#[derive(Debug, Deserialize)]
struct Token {
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NinjaDevice {
    id: i64,
    node_class: Option<String>,
    approval_status: Option<String>,
    display_name: Option<String>,
    system_name: Option<String>,
    dns_name: Option<String>,
    created: Option<f64>,
    /// When NinjaOne last heard from the agent (Unix seconds).
    last_contact: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Cursor {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Report<T> {
    cursor: Option<Cursor>,
    #[serde(default = "Vec::new")]
    results: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    device_id: i64,
    health_status: Option<String>,
    active_threats_count: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OsPatch {
    id: Option<String>,
    name: Option<String>,
    severity: Option<String>,
    status: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    installed_at: Option<f64>,
    device_id: i64,
    timestamp: Option<f64>,
    kb_number: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NinjaBackupJob {
    job_id: serde_json::Value,
    job_start_time: Option<f64>,
    job_status: Option<String>,
    plan_name: Option<String>,
    device_id: Option<i64>,
}

fn seconds(value: Option<f64>) -> Option<DateTime<Utc>> {
    let value = value?;
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    // To the microsecond: a float's last digits are noise, not time.
    DateTime::from_timestamp_micros((value * 1e6).round() as i64)
}

fn role(node_class: &str) -> DeviceRole {
    let class = node_class.to_ascii_uppercase();
    if class.contains("SERVER") || class.contains("VM_HOST") || class.contains("HYPERV") {
        DeviceRole::Server
    } else if class.contains("WORKSTATION") || class == "MAC" || class.contains("LAPTOP") {
        DeviceRole::Workstation
    } else {
        DeviceRole::Network
    }
}

/// NinjaOne's severities and types onto Sightline's classes: critical
/// updates are critical; important ones and security updates count as
/// security; the rest (optional, moderate, drivers, features) as other.
fn patch_class(severity: Option<&str>, kind: Option<&str>) -> PatchClass {
    let severity = severity.unwrap_or_default().to_ascii_uppercase();
    let kind = kind.unwrap_or_default().to_ascii_uppercase();
    if severity == "CRITICAL" || kind.contains("CRITICAL") {
        PatchClass::Critical
    } else if severity == "IMPORTANT" || kind.contains("SECURITY") {
        PatchClass::Security
    } else {
        PatchClass::Other
    }
}

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "ninjaone",
    display_name: "NinjaOne",
    secret_form: Some("CLIENT_ID:CLIENT_SECRET"),
    incremental: false,
    probe: false,
    fields: &[BASE_URL, PAGE_SIZE, MAX_PAGES],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (client_id, client_secret) = credential_pair(request, "CLIENT_ID:CLIENT_SECRET")?;
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let page_size = source.page_size().unwrap_or(DEFAULT_PAGE_SIZE);
    let max_pages = source.max_pages().unwrap_or(10_000);

    let token_url = endpoint(&base, "ws/oauth/token");
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("scope", "monitoring management"),
    ];
    let (token, _): (Token, _) = http.json(|client| client.post(token_url.clone()).form(&form)).await?;
    let bearer = token.access_token.filter(|token| !token.is_empty()).ok_or_else(|| {
        FetchError::new(
            source_id,
            FetchErrorKind::Auth,
            format!("NinjaOne gave no access token for {source_id}: check the client id and secret"),
        )
    })?;
    let bearer = format!("Bearer {bearer}");

    let mut fetched = Fetched { full: true, ..Fetched::default() };
    let mut pages = Pages::new(max_pages);
    let report = |fetched: &Fetched, pages: &Pages| {
        let batch = &fetched.batch;
        progress(Progress::fetching(
            source_id,
            batch.devices.len() + batch.patches.len() + batch.backups.len(),
            pages.count,
        ));
    };

    // Devices: `after` the last id of the previous page.
    let mut names = HashMap::new();
    let mut after: Option<i64> = None;
    loop {
        let mut url = endpoint(&base, "v2/devices");
        url.query_pairs_mut().append_pair("pageSize", &page_size.to_string());
        if let Some(after) = after {
            url.query_pairs_mut().append_pair("after", &after.to_string());
        }
        pages.visit(source_id, url.as_str(), url.path())?;
        let (devices, _): (Vec<NinjaDevice>, _) =
            http.json(|client| client.get(url.clone()).header("Authorization", &bearer)).await?;
        let count = devices.len();
        after = devices.last().map(|device| device.id);
        for device in devices {
            let name = device
                .system_name
                .or(device.display_name)
                .or(device.dns_name)
                .unwrap_or_else(|| format!("device {}", device.id));
            names.insert(device.id, name.clone());
            fetched.batch.devices.push(Device {
                provenance: provenance(request, device.id.to_string()),
                vendor_id: source.vendor.clone(),
                name,
                role: role(device.node_class.as_deref().unwrap_or_default()),
                managed: device.approval_status.as_deref().is_none_or(|status| status == "APPROVED"),
                enrolled_at: seconds(device.created).unwrap_or(request.now),
                protection_ok: None,
                last_seen: seconds(device.last_contact),
                seen_by: Inventory::Management,
            });
        }
        report(&fetched, &pages);
        if count < page_size as usize {
            break;
        }
    }

    let health: Vec<Health> =
        cursor_pages(&http, &mut pages, &base, "v2/queries/device-health", &[], page_size, &bearer).await?;
    let mut health: HashMap<i64, Health> = health.into_iter().map(|row| (row.device_id, row)).collect();
    for device in &mut fetched.batch.devices {
        if let Some(row) = device.provenance.record_id.parse::<i64>().ok().and_then(|id| health.remove(&id)) {
            device.protection_ok =
                Some(row.active_threats_count.unwrap_or(0) == 0 && row.health_status.as_deref() != Some("UNHEALTHY"));
        }
    }
    let mut strangers: Vec<i64> = health.into_keys().collect();
    if !strangers.is_empty() {
        strangers.sort_unstable();
        let ids: Vec<String> = strangers.iter().take(10).map(i64::to_string).collect();
        fetched.warnings.push(format!(
            "NinjaOne reported the health of {} device{} it did not list (ids {}{}): their health was left out",
            strangers.len(),
            if strangers.len() == 1 { "" } else { "s" },
            ids.join(", "),
            if strangers.len() > 10 { ", ..." } else { "" }
        ));
    }
    report(&fetched, &pages);

    // Pending patches: still missing. NinjaOne says when it last saw each
    // one (`timestamp`), not when it first went missing: the store keeps
    // the earliest sighting across reads, so an age is never overstated
    // and does not restart at every read.
    fetched.snapshot = true;
    let pending: Vec<OsPatch> =
        cursor_pages(&http, &mut pages, &base, "v2/queries/os-patches", &[], page_size, &bearer).await?;
    for patch in pending {
        // A rejected patch was declined on purpose: not missing.
        if patch.status.as_deref() == Some("REJECTED") {
            continue;
        }
        let seen = seconds(patch.timestamp).unwrap_or(request.now);
        push_patch(request, &mut fetched, patch, seen, None);
    }
    let installed: Vec<OsPatch> = cursor_pages(
        &http,
        &mut pages,
        &base,
        "v2/queries/os-patch-installs",
        &[("status", "INSTALLED")],
        page_size,
        &bearer,
    )
    .await?;
    for patch in installed {
        let Some(installed_at) = seconds(patch.installed_at) else { continue };
        let seen = seconds(patch.timestamp).map_or(installed_at, |seen| seen.min(installed_at));
        push_patch(request, &mut fetched, patch, seen, Some(installed_at));
    }
    report(&fetched, &pages);

    let jobs: Vec<NinjaBackupJob> =
        cursor_pages(&http, &mut pages, &base, "v2/backup/jobs", &[("include", "all")], page_size, &bearer).await?;
    for job in jobs {
        let status = job.job_status.as_deref().unwrap_or_default().to_ascii_uppercase();
        let succeeded = match status.as_str() {
            "COMPLETED" | "SUCCEEDED" | "SUCCESS" => true,
            "FAILED" | "CANCELED" | "CANCELLED" | "ERROR" => false,
            // Jobs still running have no outcome yet.
            "RUNNING" | "IN_PROGRESS" | "STARTED" | "PROCESSING" | "QUEUED" | "PENDING" => continue,
            _ => {
                fetched.warnings.push(format!(
                    "backup job {} has the status '{}', which Sightline does not know: it was left out, neither \
                     succeeded nor failed",
                    job.job_id,
                    job.job_status.as_deref().unwrap_or("")
                ));
                continue;
            }
        };
        let Some(started_at) = seconds(job.job_start_time) else {
            fetched.warnings.push(format!("backup job {} has no start time and was left out", job.job_id));
            continue;
        };
        let device = job.device_id.and_then(|id| names.get(&id).cloned());
        let system = match (device, job.plan_name) {
            (Some(device), Some(plan)) => format!("{device} ({plan})"),
            (Some(device), None) => device,
            (None, Some(plan)) => plan,
            (None, None) => "unnamed backup".to_string(),
        };
        let record_id = match &job.job_id {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        fetched.batch.backups.push(BackupJob {
            provenance: provenance(request, record_id),
            vendor_id: source.vendor.clone(),
            system,
            started_at,
            succeeded,
        });
    }
    report(&fetched, &pages);
    fetched.pages = pages.count;
    fetched.requests = http.requests();
    Ok(fetched)
}

fn provenance(request: &FetchRequest<'_>, record_id: String) -> Provenance {
    Provenance { source_id: request.source.id.clone(), record_id, fetched_at: request.now }
}

fn push_patch(
    request: &FetchRequest<'_>,
    fetched: &mut Fetched,
    patch: OsPatch,
    missing_since: DateTime<Utc>,
    installed_at: Option<DateTime<Utc>>,
) {
    let key = patch.id.clone().or(patch.kb_number.clone()).or(patch.name.clone()).unwrap_or_default();
    let state = if installed_at.is_some() { "installed" } else { "pending" };
    fetched.batch.patches.push(Patch {
        provenance: provenance(request, format!("{}:{key}:{state}", patch.device_id)),
        vendor_id: request.source.vendor.clone(),
        device_id: patch.device_id.to_string(),
        title: patch.name.or(patch.kb_number).unwrap_or_else(|| "unnamed update".into()),
        class: patch_class(patch.severity.as_deref(), patch.kind.as_deref()),
        missing_since,
        installed_at,
    });
}

/// Every page of a cursor-paged report.
async fn cursor_pages<T: serde::de::DeserializeOwned>(
    http: &Http<'_>,
    pages: &mut Pages,
    base: &Url,
    path: &str,
    filters: &[(&str, &str)],
    page_size: u32,
    bearer: &str,
) -> Result<Vec<T>, FetchError> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = endpoint(base, path);
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("pageSize", &page_size.to_string());
            for (key, value) in filters {
                query.append_pair(key, value);
            }
            if let Some(cursor) = &cursor {
                query.append_pair("cursor", cursor);
            }
        }
        pages.visit(http.source_id(), url.as_str(), url.path())?;
        let (report, _): (Report<T>, _) =
            http.json(|client| client.get(url.clone()).header("Authorization", bearer)).await?;
        let count = report.results.len();
        rows.extend(report.results);
        cursor = report.cursor.and_then(|cursor| cursor.name).filter(|name| !name.is_empty());
        if count < page_size as usize || cursor.is_none() {
            break;
        }
    }
    Ok(rows)
}
