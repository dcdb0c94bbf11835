//! HaloPSA: tickets with their opening, first-response and closing times,
//! read page by page within hosted Halo's published request budget.
//!
//! Auth: OAuth2 client credentials. The client id and secret go in the form
//! body of `POST {auth server}/token` (never in the URL), with `scope=all`
//! and `?tenant=` for hosted instances; the API calls then carry
//! `Authorization: Bearer {access_token}`. The authorisation server is
//! `auth_url` when set, else the host of `base_url` with `/auth` (Halo's API
//! lives at `https://{tenant}.halopsa.com/api`, its token endpoint at
//! `https://{tenant}.halopsa.com/auth/token`).
//!
//! Paging: `pageinate=true&page_size=N&page_no=K` (at most 100 a page),
//! until the page is short or empty or `record_count` tickets have been
//! read. Incremental runs add `lastupdatefromdate`, the filter Halo
//! integrations use for "changed since" (the swagger types it loosely, so a
//! full run every `full_every_hours` remains the safety net); the watermark
//! is the latest `last_update` seen.
//!
//! Halo writes most times without a zone; they are UTC, and
//! `1900-01-01T00:00:00` is Halo's way of saying "no date".
//!
//! SLA fields: `excludefromsla` leaves a ticket out of compliance, and
//! `slaholdtime` (hours on hold) is the time its resolution clock stood
//! still. Halo states no verdict Sightline can use (see `HaloTicket`).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDateTime, SecondsFormat, Utc};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::{Deserialize, Deserializer};
use sightline_domain::{Provenance, Ticket};
use tokio::time::Instant;
use url::Url;

use crate::http::{Http, Pages, endpoint};
use crate::limit::Limiter;
use crate::priority::Unmapped;
use crate::{
    BASE_URL, FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, MAX_PAGES, PAGE_SIZE, PRIORITY_MAP,
    Progress, ProgressSink, SourceConfig, SourceSpec, credential_pair, map_priority,
};

/// Halo's cap on `page_size` ("Maximum size: 100" in its swagger).
const MAX_PAGE_SIZE: u32 = 100;

/// Enough for a million tickets at 100 a page.
const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Halo's built-in Closed status, used when a ticket omits `hasbeenclosed`.
const CLOSED_STATUS_ID: i64 = 9;

/// Hosted Halo allows 300 requests per rolling five minutes per tenant
/// (the limit its 429 responses name). Sightline keeps 20 of them free so
/// that the tenant's other integrations, and requests already in flight
/// when the window turns, do not push it into 429s that stall everyone.
fn budget() -> Limiter {
    Limiter::new(280, Duration::from_secs(300))
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    /// Seconds; a number in Halo's answer, though some servers send text.
    expires_in: Option<serde_json::Value>,
}

/// A bearer token and when to ask for the next one. Not `Debug`: it is a
/// credential.
struct Token {
    bearer: String,
    renew_at: Option<Instant>,
}

impl Token {
    fn is_due(&self) -> bool {
        self.renew_at.is_some_and(|at| Instant::now() >= at)
    }
}

#[derive(Debug, Deserialize)]
struct TicketPage {
    #[serde(default)]
    record_count: Option<u64>,
    tickets: Vec<HaloTicket>,
}

#[derive(Debug, Deserialize)]
struct HaloTicket {
    id: i64,
    #[serde(default)]
    summary: Option<String>,
    /// "Date opened", where Halo's SLA clock starts. Required: a listing
    /// without it is not Halo's ticket shape.
    #[serde(deserialize_with = "halo_date")]
    dateoccurred: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "halo_date")]
    datecreated: Option<DateTime<Utc>>,
    /// When the response SLA was met.
    #[serde(default, deserialize_with = "halo_date")]
    responsedate: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "halo_date")]
    first_responsedate: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "halo_date")]
    dateclosed: Option<DateTime<Utc>>,
    #[serde(default)]
    hasbeenclosed: Option<bool>,
    #[serde(default, deserialize_with = "halo_date")]
    last_update: Option<DateTime<Utc>>,
    /// Ids are numbers, which Halo sometimes writes as decimals (`3.0`).
    #[serde(default)]
    status_id: Option<serde_json::Number>,
    #[serde(default)]
    status_name: Option<String>,
    #[serde(default)]
    priority_id: Option<serde_json::Number>,
    #[serde(default)]
    priority_name: Option<String>,
    #[serde(default)]
    agent_name: Option<String>,
    /// Halo's "exclude from SLA" tick: the ticket is outside the contract's
    /// SLA. Missing or `null` means it is not excluded.
    #[serde(default)]
    excludefromsla: Option<bool>,
    /// Time the ticket's SLA clock spent on hold, in hours: a decimal
    /// (`double` in Halo's swagger), which reports written against Halo's
    /// database round to two places and label "Hours Held".
    #[serde(default)]
    slaholdtime: Option<f64>,
    // `onhold` (on hold right now) is not read: a ticket has no place for
    // it, and the time held so far is `slaholdtime`.
    //
    // `slastate` and `slaresponsestate` are left out on purpose: Halo
    // documents neither code list. Reports written against Halo's database
    // read "I" as inside and "O" as outside, but `slaresponsestate` judges
    // the response alone, and `slastate` (the fix) is not in the listing's
    // shape (`Faults_List`). A verdict on half the SLA would be worse than
    // none, so `vendor_reported_in_sla` stays `None` and Sightline judges
    // the SLA from the timestamps itself.
}

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "halopsa",
    display_name: "HaloPSA",
    secret_form: Some("CLIENT_ID:CLIENT_SECRET"),
    incremental: true,
    probe: false,
    fields: &[
        BASE_URL,
        Field {
            key: "auth_url",
            label: "Sign-in address",
            hint: "Halo's token endpoint, when it is not the web address's /auth/token.",
            required: false,
            on_form: false,
            form: FieldForm::Url,
        },
        Field {
            key: "tenant",
            label: "Tenant",
            hint: "The name of your HaloPSA instance, as in its web address.",
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

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let (client_id, client_secret) = credential_pair(request, "CLIENT_ID:CLIENT_SECRET")?;
    let http = Http::new(source_id, request.http, Some(budget()))?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or_default())?;
    let token_url = token_url(&http, source, &base)?;
    let mut token = request_token(&http, &token_url, client_id, client_secret).await?;
    let page_size = source.page_size().unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    let since = request.since.map(|since| since.to_rfc3339_opts(SecondsFormat::Secs, true));

    let mut fetched = Fetched { full: request.since.is_none(), ..Fetched::default() };
    let mut unmapped = Unmapped::default();
    let mut pages = Pages::new(source.max_pages().unwrap_or(DEFAULT_MAX_PAGES));
    let mut read: u64 = 0;
    for page_no in 1u64.. {
        let mut url = endpoint(&base, "Tickets");
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("pageinate", "true");
            query.append_pair("page_size", &page_size.to_string());
            query.append_pair("page_no", &page_no.to_string());
            if let Some(since) = &since {
                query.append_pair("lastupdatefromdate", since);
            }
        }
        // Tokens last an hour; a long first sync outlives one.
        if token.is_due() {
            token = request_token(&http, &token_url, client_id, client_secret).await?;
        }
        let (page, _): (TicketPage, _) = http
            .json(|client| client.get(url.clone()).bearer_auth(&token.bearer).header(ACCEPT, "application/json"))
            .await?;
        // A page is known by the tickets on it: a server that ignores
        // `page_no` sends the same page again, which is a loop.
        let page_key = match (page.tickets.first(), page.tickets.last()) {
            (Some(first), Some(last)) => format!("tickets {}..{} ({})", first.id, last.id, page.tickets.len()),
            _ => format!("empty page {page_no}"),
        };
        pages.visit(source_id, &page_key, url.path())?;
        let count = page.tickets.len();
        read += count as u64;
        for ticket in page.tickets {
            if let Some(updated) = ticket.last_update {
                fetched.watermark = fetched.watermark.max(Some(updated));
            }
            let name = ticket.priority_name.clone();
            match map_ticket(request, ticket) {
                Ok(ticket) => {
                    unmapped.note(name.as_deref(), ticket.priority.as_ref());
                    fetched.batch.tickets.push(ticket);
                }
                Err(warning) => fetched.warnings.push(warning),
            }
        }
        fetched.pages = pages.count;
        progress(Progress::fetching(source_id, fetched.batch.tickets.len(), pages.count));
        let all_read = page.record_count.is_some_and(|total| read >= total);
        if count < page_size as usize || all_read {
            break;
        }
    }
    fetched.warnings.extend(unmapped.warnings("HaloPSA", &request.source.id));
    fetched.requests = http.requests();
    Ok(fetched)
}

/// The token endpoint: `auth_url` (Halo's "Authorisation Server", to which
/// `/token` is added unless it is already there), else `/auth/token` on the
/// API's host; with `?tenant=` for hosted Halo.
fn token_url(http: &Http<'_>, source: &SourceConfig, base: &Url) -> Result<Url, FetchError> {
    let mut url = match source.text("auth_url") {
        Some(auth_url) => {
            let url = http.url(auth_url)?;
            if url.path().trim_end_matches('/').to_ascii_lowercase().ends_with("/token") {
                url
            } else {
                endpoint(&url, "token")
            }
        }
        None => {
            let mut root = base.clone();
            let path = base.path().trim_end_matches('/');
            let root_path =
                if path.to_ascii_lowercase().ends_with("/api") { &path[..path.len() - "/api".len()] } else { path };
            let root_path = root_path.to_string();
            root.set_path(&root_path);
            root.set_query(None);
            endpoint(&root, "auth/token")
        }
    };
    if let Some(tenant) = source.text("tenant").filter(|tenant| !tenant.trim().is_empty()) {
        url.query_pairs_mut().append_pair("tenant", tenant.trim());
    }
    Ok(url)
}

async fn request_token(http: &Http<'_>, url: &Url, client_id: &str, client_secret: &str) -> Result<Token, FetchError> {
    let source_id = http.source_id();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret)
        .append_pair("scope", "all")
        .finish();
    let path = url.path();
    let sent = http
        .json::<TokenResponse>(|client| {
            client
                .post(url.clone())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ACCEPT, "application/json")
                .body(form.clone())
        })
        .await;
    let (answer, _) = sent.map_err(|error| token_error(error, source_id, path, client_secret))?;
    let bearer = answer.access_token.filter(|token| !token.trim().is_empty()).ok_or_else(|| {
        FetchError::bad_response(
            source_id,
            format!(
                "the token endpoint ({path}) answered without an access_token: check auth_url (Halo's \
                 Authorisation Server, e.g. https://<tenant>.halopsa.com/auth) and that the API application uses \
                 client credentials"
            ),
        )
    })?;
    let lifetime = answer.expires_in.as_ref().and_then(|value| match value {
        serde_json::Value::Number(number) => number.as_u64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    });
    // Renew after 90% of the lifetime, so that no page is sent with a token
    // about to lapse.
    let renew_at =
        lifetime.filter(|seconds| *seconds > 0).map(|seconds| Instant::now() + Duration::from_secs(seconds * 9 / 10));
    Ok(Token { bearer, renew_at })
}

/// Token-endpoint failures in words about the credentials: OAuth servers
/// refuse a bad client with HTTP 400 `invalid_client` as often as with 401.
/// The secret never reaches a message, whatever the server echoed.
fn token_error(error: FetchError, source_id: &str, path: &str, client_secret: &str) -> FetchError {
    // The HTTP seam never quotes a token response (it may echo the form),
    // so a 400 here is read as the OAuth refusal it nearly always is
    // (`invalid_client`, `unauthorized_client`, `invalid_grant`).
    let refused_client = error.kind == FetchErrorKind::BadRequest;
    let mut error = if refused_client {
        FetchError::new(
            source_id,
            FetchErrorKind::Auth,
            format!(
                "HaloPSA refused the client id or secret for {source_id} (on {path}): check the API application in \
                 Halo, or enter them again with `sightline-cli secret set {source_id}`"
            ),
        )
    } else {
        error
    };
    error.message = error.message.replace(client_secret, "[secret]");
    error
}

fn map_ticket(request: &FetchRequest<'_>, ticket: HaloTicket) -> Result<Ticket, String> {
    let source = request.source;
    let created_at = ticket
        .dateoccurred
        .or(ticket.datecreated)
        .ok_or_else(|| format!("ticket {} has no opening date (dateoccurred) and was left out", ticket.id))?;
    // `hasbeenclosed` is Halo's own flag; without it, the built-in Closed
    // status says the same.
    let closed = match ticket.hasbeenclosed {
        Some(flag) => flag,
        None => ticket.status_id.as_ref().and_then(whole_number) == Some(CLOSED_STATUS_ID),
    };
    let resolved_at = ticket.dateclosed.filter(|_| closed);
    let assignee = ticket.agent_name.filter(|name| !name.trim().is_empty());
    Ok(Ticket {
        provenance: Provenance {
            source_id: source.id.clone(),
            record_id: ticket.id.to_string(),
            fetched_at: request.now,
        },
        vendor_id: source.vendor.clone(),
        summary: ticket.summary.unwrap_or_default(),
        priority: priority(
            source.priority_map(),
            ticket.priority_name.as_deref(),
            ticket.priority_id.as_ref().and_then(whole_number),
        ),
        created_at,
        first_response_at: ticket.responsedate.or(ticket.first_responsedate),
        resolved_at,
        // The listing names no closing agent: the agent the ticket was with
        // when it closed is the one Halo's own reports credit.
        resolved_by: assignee.clone().filter(|_| resolved_at.is_some()),
        assignee,
        status: ticket
            .status_name
            .filter(|name| !name.trim().is_empty())
            .or_else(|| ticket.status_id.as_ref().and_then(whole_number).map(|id| format!("status {id}")))
            .unwrap_or_default(),
        reopened: None,
        vendor_reported_in_sla: None,
        paused_minutes: ticket.slaholdtime.and_then(hold_minutes),
        excluded_from_sla: ticket.excludefromsla.unwrap_or(false),
    })
}

/// Halo's hold time (hours, a decimal) in whole minutes, rounded: hours
/// such as 0.1 are not exact in binary. A negative or non-finite value is
/// not a time and gives none.
fn hold_minutes(hours: f64) -> Option<i64> {
    (hours.is_finite() && hours >= 0.0).then(|| (hours * 60.0).round() as i64)
}

/// The contract priority: `priority_map` may name Halo priorities by name
/// or by id; otherwise the name is read as it stands ("P1", "1 - Critical"),
/// and the bare id only when Halo sent no name (its default priorities 1..4
/// run from Critical to Low).
fn priority(map: &BTreeMap<String, String>, name: Option<&str>, id: Option<i64>) -> Option<String> {
    let id = id.map(|id| id.to_string());
    match name.map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) => map
            .get(name)
            .or_else(|| id.as_ref().and_then(|id| map.get(id)))
            .cloned()
            .or_else(|| map_priority(map, name)),
        None => id.and_then(|id| map_priority(map, &id)),
    }
}

fn whole_number(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| number.as_f64().filter(|value| value.fract() == 0.0).map(|value| value as i64))
}

/// Reads a Halo date and time: RFC 3339 with a zone, or without one (UTC),
/// with or without fractions of a second. Halo's placeholder
/// `1900-01-01T00:00:00`, an empty string and `null` are no date.
fn parse_halo_date(text: &str) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parsed = DateTime::parse_from_rfc3339(text).map(|date| date.with_timezone(&Utc)).or_else(|_| {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
            .map(|naive| naive.and_utc())
    });
    match parsed {
        Ok(date) if date.year() <= 1900 => Ok(None),
        Ok(date) => Ok(Some(date)),
        Err(_) => Err(format!("'{text}' is not a date and time (expected e.g. 2026-10-01T09:00:00Z)")),
    }
}

fn halo_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    match text {
        None => Ok(None),
        Some(text) => parse_halo_date(&text).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn halo_dates_are_utc_with_or_without_a_zone() {
        let check = |text: &str, expected: Result<Option<DateTime<Utc>>, ()>| {
            assert_eq!(parse_halo_date(text).map_err(|_| ()), expected, "{text}");
        };
        let nine = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
        check("2026-10-01T09:00:00Z", Ok(Some(nine)));
        check("2026-10-01T09:00:00", Ok(Some(nine)));
        check("2026-10-01 09:00:00", Ok(Some(nine)));
        check("2026-10-01T11:00:00+02:00", Ok(Some(nine)));
        check("2026-10-01T09:00:00.250", Ok(Some(nine + chrono::Duration::milliseconds(250))));
        check("2026-10-01T09:00:00.714Z", Ok(Some(nine + chrono::Duration::milliseconds(714))));
        check("1900-01-01T00:00:00", Ok(None));
        check("0001-01-01T00:00:00Z", Ok(None));
        check("", Ok(None));
        check("next Tuesday", Err(()));
        check("2026-10-01", Err(()));
    }

    #[test]
    fn hold_hours_become_whole_minutes() {
        assert_eq!(hold_minutes(1.5), Some(90));
        assert_eq!(hold_minutes(0.1), Some(6));
        assert_eq!(hold_minutes(0.0), Some(0));
        assert_eq!(hold_minutes(26.25), Some(1575));
        assert_eq!(hold_minutes(-1.0), None);
        assert_eq!(hold_minutes(f64::NAN), None);
    }

    #[test]
    fn priorities_by_name_then_id() {
        let map: BTreeMap<String, String> =
            [("Urgent", "P1"), ("7", "P2")].into_iter().map(|(from, to)| (from.to_string(), to.to_string())).collect();
        let check = |name: Option<&str>, id: Option<i64>, expected: Option<&str>| {
            assert_eq!(priority(&map, name, id).as_deref(), expected, "{name:?} {id:?}");
        };
        check(Some("Urgent"), Some(1), Some("P1"));
        check(Some("Scheduled"), Some(7), Some("P2"));
        check(Some("1 - Critical"), Some(1), Some("P1"));
        check(Some("Low"), Some(4), None);
        check(None, Some(3), Some("P3"));
        check(Some(" "), Some(2), Some("P2"));
        check(None, Some(7), Some("P2"));
        check(None, None, None);
    }

    #[test]
    fn token_urls_follow_the_api_host_or_auth_url() {
        let options = crate::HttpOptions::default();
        let http = Http::new("halo", &options, None).unwrap();
        let check = |base: &str, auth_url: Option<&str>, tenant: Option<&str>, expected: &str| {
            let source: SourceConfig = serde_json::from_value(serde_json::json!({
                "id": "halo", "kind": "halopsa", "vendor": "v", "base_url": base,
                "auth_url": auth_url, "tenant": tenant,
            }))
            .unwrap();
            let base = Url::parse(base).unwrap();
            assert_eq!(token_url(&http, &source, &base).unwrap().as_str(), expected, "{base} {auth_url:?}");
        };
        check("https://acme.halopsa.com/api", None, None, "https://acme.halopsa.com/auth/token");
        check("https://acme.halopsa.com/api/", None, Some("acme"), "https://acme.halopsa.com/auth/token?tenant=acme");
        check("https://halo.example.com/helpdesk/API", None, None, "https://halo.example.com/helpdesk/auth/token");
        check(
            "https://acme.halopsa.com/api",
            Some("https://auth.example.com/auth"),
            None,
            "https://auth.example.com/auth/token",
        );
        check(
            "https://acme.halopsa.com/api",
            Some("https://auth.example.com/auth/token"),
            None,
            "https://auth.example.com/auth/token",
        );
    }
}
