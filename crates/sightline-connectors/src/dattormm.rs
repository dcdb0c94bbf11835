//! Datto RMM: the devices the provider manages, with their patch status,
//! antivirus status and when the agent last reported.
//!
//! Auth: `POST {base_url}/auth/oauth/token` with HTTP Basic
//! `public-client:public` and the form `grant_type=password`, the API key as
//! `username` and the API secret as `password` (never in a URL); then
//! `Authorization: Bearer`. Devices: `GET {base_url}/api/v2/account/devices`
//! with `max` per page, following `pageDetails.nextPageUrl` (same site only)
//! until it is empty. Datto allows 600 reads a minute per account; a run
//! stays inside that. Every run is a full snapshot.
//!
//! Datto's OpenAPI types `lastSeen` and `creationDate` as date-time strings,
//! but its client libraries' data carries epoch milliseconds: both are read.
//!
//! What Datto says and what Sightline makes of it:
//! - `patchManagement.patchStatus`: `FullyPatched` is up to date;
//!   `ApprovedPending`, `InstallError` and `RebootRequired` are updates
//!   missing (one record per device; Datto gives no date, so the store keeps
//!   the first read that saw it); `NoPolicy` and `NoData` mean nobody can
//!   say, so the device is left out of patch compliance and named in the
//!   run's warnings.
//! - `antivirus.antivirusStatus`: `RunningAndUpToDate` is protected;
//!   `RunningAndNotUpToDate`, `NotRunning` and `NotDetected` are not.
//! - `deleted` devices are left out; `suspended` ones are not managed.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use sightline_domain::{Device, DeviceRole, Inventory, Patch, PatchClass, Provenance};

use crate::http::{Http, Pages, endpoint};
use crate::limit::Limiter;
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, Field, MAX_PAGES, PAGE_SIZE, Progress, ProgressSink,
    SourceSpec, credential_pair,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "dattormm",
    display_name: "Datto RMM",
    secret_form: Some("API_KEY:API_SECRET"),
    incremental: false,
    probe: false,
    fields: &[
        Field {
            hint: "Your Datto RMM platform's API address, such as https://zinfandel-api.centrastage.net (Setup, \
                   Global Settings, API in Datto RMM).",
            ..BASE_URL
        },
        PAGE_SIZE,
        MAX_PAGES,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

/// Datto's published read budget: 600 requests a minute per account.
const REQUESTS_PER_MINUTE: usize = 600;
const DEFAULT_PAGE_SIZE: u32 = 250;

#[derive(Debug, Deserialize)]
struct Token {
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageDetails {
    next_page_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DevicesPage {
    page_details: Option<PageDetails>,
    #[serde(default)]
    devices: Vec<DattoDevice>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviceType {
    category: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Antivirus {
    antivirus_status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatchManagement {
    patch_status: Option<String>,
    patches_approved_pending: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DattoDevice {
    uid: Option<String>,
    id: Option<i64>,
    hostname: Option<String>,
    device_type: Option<DeviceType>,
    #[serde(default)]
    suspended: bool,
    #[serde(default)]
    deleted: bool,
    #[serde(default, deserialize_with = "instant")]
    last_seen: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "instant")]
    creation_date: Option<DateTime<Utc>>,
    antivirus: Option<Antivirus>,
    patch_management: Option<PatchManagement>,
}

/// A time as epoch milliseconds (what Datto's data carries) or as an
/// RFC 3339 string (what its OpenAPI says); null, 0 or "" is no time.
fn instant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Millis(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(deserializer)? {
        None => None,
        Some(Raw::Millis(millis)) => (millis > 0).then(|| DateTime::from_timestamp_millis(millis)).flatten(),
        Some(Raw::Float(millis)) => {
            (millis.is_finite() && millis > 0.0).then(|| DateTime::from_timestamp_millis(millis as i64)).flatten()
        }
        Some(Raw::Text(text)) if text.trim().is_empty() => None,
        Some(Raw::Text(text)) => Some(
            DateTime::parse_from_rfc3339(text.trim())
                .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a date-time")))?
                .with_timezone(&Utc),
        ),
    })
}

fn role(category: Option<&str>) -> DeviceRole {
    let category = category.unwrap_or_default().to_ascii_lowercase();
    if category.contains("server") || category.contains("esxi") || category.contains("host") {
        DeviceRole::Server
    } else if ["desktop", "laptop", "workstation", "mac"].iter().any(|kind| category.contains(kind)) {
        DeviceRole::Workstation
    } else {
        DeviceRole::Network
    }
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (api_key, api_secret) = credential_pair(request, "API_KEY:API_SECRET")?;
    let limiter = Limiter::new(REQUESTS_PER_MINUTE, Duration::from_secs(60));
    let http = Http::new(source_id, request.http, Some(limiter))?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let page_size = source.page_size().unwrap_or(DEFAULT_PAGE_SIZE);

    let token_url = endpoint(&base, "auth/oauth/token");
    let form = [("grant_type", "password"), ("username", api_key), ("password", api_secret)];
    let (token, _): (Token, _) = http
        .json(|client| client.post(token_url.clone()).basic_auth("public-client", Some("public")).form(&form))
        .await?;
    let bearer = token.access_token.filter(|token| !token.is_empty()).ok_or_else(|| {
        FetchError::new(
            source_id,
            FetchErrorKind::Auth,
            format!("Datto RMM gave no access token for {source_id}: check the API key and secret"),
        )
    })?;
    let bearer = format!("Bearer {bearer}");

    let mut fetched = Fetched { full: true, snapshot: true, ..Fetched::default() };
    let mut unjudged: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pages = Pages::new(source.max_pages().unwrap_or(10_000));
    let mut url = endpoint(&base, "api/v2/account/devices");
    url.query_pairs_mut().append_pair("max", &page_size.to_string());
    loop {
        pages.visit(source_id, url.as_str(), url.path())?;
        let (page, _): (DevicesPage, _) =
            http.json(|client| client.get(url.clone()).header("Authorization", &bearer)).await?;
        for device in page.devices {
            map_device(request, &mut fetched, &mut unjudged, device);
        }
        progress(Progress::fetching(source_id, fetched.batch.len(), pages.count));
        match page.page_details.and_then(|details| details.next_page_url).filter(|next| !next.trim().is_empty()) {
            Some(next) => url = http.follow(&base, &next)?,
            None => break,
        }
    }
    for (status, names) in unjudged {
        let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
        fetched.warnings.push(format!(
            "{} device{} report{} the patch status '{status}' ({}{}): nobody can say whether {} up to date, so {} \
             left out of patch compliance",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            if names.len() == 1 { "s" } else { "" },
            shown.join(", "),
            if names.len() > 10 { ", ..." } else { "" },
            if names.len() == 1 { "it is" } else { "they are" },
            if names.len() == 1 { "it is" } else { "they are" },
        ));
    }
    fetched.pages = pages.count;
    fetched.requests = http.requests();
    Ok(fetched)
}

fn map_device(
    request: &FetchRequest<'_>,
    fetched: &mut Fetched,
    unjudged: &mut BTreeMap<String, Vec<String>>,
    device: DattoDevice,
) {
    if device.deleted {
        return;
    }
    let Some(record_id) = device.uid.clone().or(device.id.map(|id| id.to_string())) else {
        fetched.warnings.push("a device with neither uid nor id was left out".into());
        return;
    };
    let name = device.hostname.clone().unwrap_or_else(|| format!("device {record_id}"));
    let protection_ok = match device.antivirus.as_ref().and_then(|av| av.antivirus_status.as_deref()) {
        None => None,
        Some("RunningAndUpToDate") => Some(true),
        Some("RunningAndNotUpToDate" | "NotRunning" | "NotDetected") => Some(false),
        Some(other) => {
            fetched.warnings.push(format!(
                "{name} reports the antivirus status '{other}', which Sightline does not know: its protection is \
                 counted as not reported"
            ));
            None
        }
    };
    let patch_status = device.patch_management.as_ref().and_then(|patching| patching.patch_status.clone());
    let pending = device.patch_management.as_ref().and_then(|patching| patching.patches_approved_pending);
    let missing = match patch_status.as_deref() {
        Some("FullyPatched") => None,
        Some("ApprovedPending") => Some(match pending {
            Some(count) if count > 0 => format!("{count} approved update{} not installed", if count == 1 { "" } else { "s" }),
            _ => "Approved updates not installed".to_string(),
        }),
        Some("InstallError") => Some("Updates failed to install".to_string()),
        Some("RebootRequired") => Some("Updates waiting for a restart".to_string()),
        other => {
            unjudged.entry(other.unwrap_or("none").to_string()).or_default().push(name.clone());
            None
        }
    };
    let judged = matches!(
        patch_status.as_deref(),
        Some("FullyPatched" | "ApprovedPending" | "InstallError" | "RebootRequired")
    );
    let provenance =
        Provenance { source_id: request.source.id.clone(), record_id: record_id.clone(), fetched_at: request.now };
    if let Some(title) = missing {
        fetched.batch.patches.push(Patch {
            provenance: Provenance { record_id: format!("{record_id}:pending"), ..provenance.clone() },
            vendor_id: request.source.vendor.clone(),
            device_id: record_id.clone(),
            title,
            // Datto's status does not say which updates: counted as
            // security updates, the class compliance is about.
            class: PatchClass::Security,
            missing_since: request.now,
            installed_at: None,
        });
    }
    fetched.batch.devices.push(Device {
        provenance,
        vendor_id: request.source.vendor.clone(),
        name,
        role: role(device.device_type.as_ref().and_then(|kind| kind.category.as_deref())),
        managed: !device.suspended && judged,
        enrolled_at: device.creation_date.unwrap_or(request.now),
        protection_ok,
        last_seen: device.last_seen,
        seen_by: Inventory::Management,
    });
}
