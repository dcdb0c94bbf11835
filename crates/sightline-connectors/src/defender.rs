//! Microsoft Defender for Endpoint (with Defender Vulnerability
//! Management), read from the company's own tenant: which computers the
//! endpoint protection sees and how healthy each is, and the software
//! weaknesses it finds on them.
//!
//! Auth: OAuth2 client credentials against Microsoft Entra ID: `POST
//! {auth_url}/{tenant_id}/oauth2/v2.0/token` with `client_id`,
//! `client_secret` and `scope=https://api.securitycenter.microsoft.com/.default`
//! in the form body (never in a URL), then `Authorization: Bearer`.
//! `auth_url` is `https://login.microsoftonline.com` unless set; `base_url`
//! is `https://api.security.microsoft.com` unless set (a regional host).
//!
//! Machines: `GET /api/machines?$top=N&$skip=K`, page after page until one
//! comes back short (a `$top` listing carries no `@odata.nextLink`; one
//! that does is followed, same site only). `healthStatus` `Active` is
//! working protection; `Inactive`, `ImpairedCommunication`, `NoSensorData`
//! and `NoSensorDataImpairedCommunication` are not. A machine whose
//! `onboardingStatus` is `CanBeOnboarded` was discovered on the network and
//! is not protected; `Unsupported` and `InsufficientInfo` ones (printers,
//! phones) cannot be, and their protection is counted as not reported.
//! A reinstalled computer leaves an `Inactive` entry behind: coverage
//! judges each computer by its most recently seen entry.
//!
//! Weaknesses: a full read lists every open one with
//! `GET /api/machines/SoftwareVulnerabilitiesByMachine?pageSize=`, then the
//! last 13 days' changes, so that what was fixed lately keeps its fix date
//! (what a full read no longer lists is closed at that read and kept: the
//! run is a snapshot); an incremental read asks only for the changes since
//! the last read (`SoftwareVulnerabilityChangesByMachine?sinceTime=`, which
//! Defender keeps for 14 days: an older watermark makes the read a full
//! one). When one finding has a `Fixed` and a `New` event at the same
//! moment (a machine moved between groups), it is open. A row with
//! no CVE or no severity is software to update rather than a known
//! weakness: it is counted in the run's warnings and left out. Defender
//! writes these times as `2020-12-30 14:17:26` (UTC) and the machines'
//! as RFC 3339 with seven decimals.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer};
use sightline_domain::{Device, DeviceRole, Inventory, Provenance, Severity, Vulnerability};

use crate::http::{Http, Pages, endpoint};
use crate::microsoft::{Listing, Reader};
use crate::{
    BASE_URL, FetchError, FetchRequest, Fetched, Field, FieldForm, MAX_PAGES, PAGE_SIZE, Progress,
    ProgressSink, SourceSpec,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "defender",
    display_name: "Microsoft Defender for Endpoint",
    secret_form: Some("CLIENT_SECRET"),
    incremental: true,
    probe: false,
    fields: &[
        Field {
            key: "tenant_id",
            label: "Directory (tenant) ID",
            hint: "Your Microsoft 365 directory's ID, from the app registration's overview in the Entra admin centre.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            key: "client_id",
            label: "Application (client) ID",
            hint: "The ID of the app registered for Sightline, with the Machine.Read.All and Vulnerability.Read.All \
                   permissions.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            hint: "Left empty, https://api.security.microsoft.com; set a regional address such as \
                   https://eu.api.security.microsoft.com if your tenant uses one.",
            required: false,
            ..BASE_URL
        },
        Field {
            key: "auth_url",
            label: "Sign-in address",
            hint: "Microsoft's sign-in service, when it is not https://login.microsoftonline.com.",
            required: false,
            on_form: false,
            form: FieldForm::Url,
        },
        PAGE_SIZE,
        MAX_PAGES,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

const DEFAULT_BASE: &str = "https://api.security.microsoft.com";
const SCOPE: &str = "https://api.securitycenter.microsoft.com/.default";
/// How far back Sightline asks for changes: Defender keeps 14 days and
/// refuses a `sinceTime` older than that, so a day's margin.
const CHANGES_KEPT_DAYS: i64 = 13;
const DEFAULT_PAGE_SIZE: u32 = 10_000;
/// Defender's largest `$top` for machines.
const MAX_MACHINES_PAGE: u32 = 10_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Machine {
    id: String,
    computer_dns_name: Option<String>,
    #[serde(default, deserialize_with = "instant")]
    first_seen: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "instant")]
    last_seen: Option<DateTime<Utc>>,
    os_platform: Option<String>,
    health_status: Option<String>,
    onboarding_status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Finding {
    id: String,
    device_name: Option<String>,
    software_vendor: Option<String>,
    software_name: Option<String>,
    software_version: Option<String>,
    cve_id: Option<String>,
    vulnerability_severity_level: Option<String>,
    #[serde(default, deserialize_with = "instant")]
    first_seen_timestamp: Option<DateTime<Utc>>,
    /// Changes only: `New`, `Fixed` or `Updated`.
    status: Option<String>,
    #[serde(default, deserialize_with = "instant")]
    event_timestamp: Option<DateTime<Utc>>,
}

/// RFC 3339, or Defender's `2020-12-30 14:17:26[.fffffff]` in UTC.
fn instant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .map(|at| Some(at.and_utc()))
        .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a date and time")))
}

fn role(platform: Option<&str>) -> DeviceRole {
    let platform = platform.unwrap_or_default().to_ascii_lowercase();
    if platform.contains("server") {
        DeviceRole::Server
    } else if platform.is_empty() || platform.contains("ios") || platform.contains("android") {
        DeviceRole::Network
    } else {
        DeviceRole::Workstation
    }
}

fn severity(level: Option<&str>) -> Option<Severity> {
    Severity::parse(&level?.trim().to_ascii_lowercase())
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or(DEFAULT_BASE))?;
    let page_size = source.page_size().unwrap_or(DEFAULT_PAGE_SIZE);
    let bearer = crate::microsoft::sign_in(&http, request, SCOPE).await?;
    let mut pages = Pages::new(source.max_pages().unwrap_or(10_000));
    let get = Reader { http: &http, base: &base, bearer: &bearer };

    // Changes are kept for 14 days: an older watermark needs a full read.
    let since = request.since.filter(|since| request.now - *since < Duration::days(CHANGES_KEPT_DAYS));
    let mut fetched = Fetched { full: since.is_none(), snapshot: true, ..Fetched::default() };

    let machines = machines(&get, &mut pages, page_size.clamp(1, MAX_MACHINES_PAGE)).await?;
    let mut unjudged: BTreeMap<String, usize> = BTreeMap::new();
    for machine in machines {
        fetched.batch.devices.push(map_machine(request, machine, &mut unjudged));
    }
    for (status, count) in unjudged {
        fetched.warnings.push(format!(
            "{count} machine{} in Defender {} '{status}': {} protection is counted as not reported",
            if count == 1 { "" } else { "s" },
            if count == 1 { "is" } else { "are" },
            if count == 1 { "its" } else { "their" },
        ));
    }
    progress(Progress::fetching(source_id, fetched.batch.len(), pages.count));

    let mut skipped = 0usize;
    let mut listed = HashSet::new();
    if since.is_none() {
        let mut url = endpoint(&base, "api/machines/SoftwareVulnerabilitiesByMachine");
        url.query_pairs_mut().append_pair("pageSize", &page_size.to_string());
        for finding in get.all::<Finding>(&mut pages, url).await? {
            match vulnerability(request, &finding, None) {
                Some(found) => {
                    listed.insert(finding.id.clone());
                    fetched.batch.vulnerabilities.push(found);
                }
                None => skipped += 1,
            }
        }
        progress(Progress::fetching(source_id, fetched.batch.len(), pages.count));
    }
    // What changed since the last read (or, on a full read, in the days
    // Defender keeps): new and updated weaknesses, and fix dates.
    let from = since.unwrap_or(request.now - Duration::days(CHANGES_KEPT_DAYS));
    let mut url = endpoint(&base, "api/machines/SoftwareVulnerabilityChangesByMachine");
    url.query_pairs_mut()
        .append_pair("sinceTime", &from.to_rfc3339_opts(SecondsFormat::Secs, true))
        .append_pair("pageSize", &page_size.to_string());
    let mut changes: BTreeMap<String, Finding> = BTreeMap::new();
    for change in get.all::<Finding>(&mut pages, url).await? {
        // The latest event for each finding wins; at the same moment, an
        // open one over a fix (a machine moved between groups is both).
        let fixed = |finding: &Finding| finding.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("fixed"));
        let newer = changes.get(&change.id).is_none_or(|known| {
            known.event_timestamp < change.event_timestamp
                || (known.event_timestamp == change.event_timestamp && fixed(known) && !fixed(&change))
        });
        if newer {
            changes.insert(change.id.clone(), change);
        }
    }
    for change in changes.into_values() {
        if let Some(at) = change.event_timestamp {
            fetched.watermark = fetched.watermark.max(Some(at));
        }
        let fixed = change.status.as_deref().is_some_and(|status| status.eq_ignore_ascii_case("fixed"));
        if since.is_none() && (!fixed || listed.contains(&change.id)) {
            // The full listing already says what is open now.
            continue;
        }
        let fixed_at = if fixed { Some(change.event_timestamp.unwrap_or(request.now)) } else { None };
        match vulnerability(request, &change, fixed_at) {
            Some(found) => fetched.batch.vulnerabilities.push(found),
            None => skipped += 1,
        }
    }
    // Nothing changed: the next read starts from this one.
    fetched.watermark = fetched.watermark.or(Some(request.now));
    if skipped > 0 {
        fetched.warnings.push(format!(
            "{skipped} of Defender's findings name no CVE or no severity (software to update rather than a known \
             weakness): they were left out"
        ));
    }
    fetched.pages = pages.count;
    fetched.requests = http.requests();
    progress(Progress::fetching(source_id, fetched.batch.len(), pages.count));
    Ok(fetched)
}

/// Every machine: `$top` and `$skip` until a page comes back short, or
/// the listing's own next links where it gives them. A page that brings
/// no machine not seen before is a server ignoring `$skip`: an error, not
/// ten thousand requests.
async fn machines(get: &Reader<'_>, pages: &mut Pages, top: u32) -> Result<Vec<Machine>, FetchError> {
    let mut machines = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut url = endpoint(get.base, "api/machines");
    url.query_pairs_mut().append_pair("$top", &top.to_string());
    loop {
        pages.visit(get.http.source_id(), url.as_str(), url.path())?;
        let page: Listing<Machine> = get.page(&url).await?;
        let count = page.value.len();
        let before = machines.len();
        for machine in page.value {
            if seen.insert(machine.id.clone()) {
                machines.push(machine);
            }
        }
        if count > 0 && machines.len() == before {
            return Err(FetchError::bad_response(
                get.http.source_id(),
                "Defender sent the same machines again instead of the next page: the listing was not read; sync \
                 again later",
            ));
        }
        url = match page.next_link.filter(|link| !link.trim().is_empty()) {
            Some(link) => get.http.follow(get.base, &link)?,
            None if count < top as usize => return Ok(machines),
            None => {
                let mut next = endpoint(get.base, "api/machines");
                next.query_pairs_mut().append_pair("$top", &top.to_string()).append_pair("$skip", &machines.len().to_string());
                next
            }
        };
    }
}

fn map_machine(request: &FetchRequest<'_>, machine: Machine, unjudged: &mut BTreeMap<String, usize>) -> Device {
    let onboarding = machine.onboarding_status.as_deref().unwrap_or("Onboarded").to_ascii_lowercase();
    let health = machine.health_status.as_deref().unwrap_or("").to_ascii_lowercase();
    let protection_ok = match onboarding.as_str() {
        "onboarded" => match health.as_str() {
            "active" => Some(true),
            "inactive" | "impairedcommunication" | "nosensordata" | "nosensordataimpairedcommunication" => Some(false),
            _ => {
                let status = machine.health_status.clone().unwrap_or_else(|| "no health status".into());
                *unjudged.entry(status).or_default() += 1;
                None
            }
        },
        // Found on the network, not protected.
        "canbeonboarded" => Some(false),
        _ => {
            *unjudged.entry(machine.onboarding_status.clone().unwrap_or_default()).or_default() += 1;
            None
        }
    };
    Device {
        provenance: Provenance {
            source_id: request.source.id.clone(),
            record_id: machine.id.clone(),
            fetched_at: request.now,
        },
        vendor_id: request.source.vendor.clone(),
        name: machine.computer_dns_name.unwrap_or_else(|| format!("machine {}", machine.id)),
        role: role(machine.os_platform.as_deref()),
        // Endpoint protection watches a computer; it does not manage it.
        managed: false,
        enrolled_at: machine.first_seen.unwrap_or(request.now),
        protection_ok,
        last_seen: machine.last_seen,
        seen_by: Inventory::Protection,
    }
}

fn vulnerability(request: &FetchRequest<'_>, finding: &Finding, fixed_at: Option<DateTime<Utc>>) -> Option<Vulnerability> {
    let cve = finding.cve_id.as_deref().filter(|cve| !cve.trim().is_empty())?;
    let severity = severity(finding.vulnerability_severity_level.as_deref())?;
    let software = [&finding.software_vendor, &finding.software_name, &finding.software_version]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    Some(Vulnerability {
        provenance: Provenance {
            source_id: request.source.id.clone(),
            record_id: finding.id.clone(),
            fetched_at: request.now,
        },
        vendor_id: request.source.vendor.clone(),
        asset: finding.device_name.clone().unwrap_or_else(|| "unnamed computer".into()),
        title: if software.is_empty() { cve.to_string() } else { format!("{cve} in {software}") },
        severity,
        first_found: finding.first_seen_timestamp.or(finding.event_timestamp).unwrap_or(request.now),
        fixed_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onboarding_and_health_decide_protection() {
        let source: crate::SourceConfig = serde_json::from_value(serde_json::json!({
            "id": "mde", "kind": "defender", "vendor": "internal", "tenant_id": "contoso.example", "client_id": "c"
        }))
        .unwrap();
        let http = crate::HttpOptions::default();
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let request = FetchRequest { source: &source, secret: None, since: None, now, http: &http, known_content: None };
        let mut unjudged = BTreeMap::new();
        let mut judge = |onboarding: Option<&str>, health: Option<&str>| {
            let machine = Machine {
                id: "m".into(),
                computer_dns_name: Some("pc".into()),
                first_seen: None,
                last_seen: None,
                os_platform: None,
                health_status: health.map(str::to_string),
                onboarding_status: onboarding.map(str::to_string),
            };
            map_machine(&request, machine, &mut unjudged).protection_ok
        };
        assert_eq!(judge(None, Some("Active")), Some(true));
        assert_eq!(judge(Some("Onboarded"), Some("active")), Some(true), "case does not matter");
        assert_eq!(judge(Some("Onboarded"), Some("NoSensorDataImpairedCommunication")), Some(false));
        assert_eq!(judge(Some("CanBeOnboarded"), None), Some(false), "found on the network, not protected");
        assert_eq!(judge(Some("Unsupported"), None), None, "a printer cannot be protected");
        assert_eq!(judge(Some("Onboarded"), Some("Unknown")), None);
        assert_eq!(unjudged, BTreeMap::from([("Unknown".to_string(), 1), ("Unsupported".to_string(), 1)]));
    }
}
