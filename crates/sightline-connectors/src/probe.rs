//! HTTP probe: Sightline's own check that the company's services answer,
//! independent of any monitor a provider runs.
//!
//! Each run asks every configured address once (a GET, no retries) and
//! records one sample per address: up or down, the status, how long the
//! answer took and, when it counted as down, why in words (the status, no
//! answer within the timeout, a certificate a browser would refuse, a
//! redirect to another host, which is not followed). A sample stands for
//! the time until the next one, at most `every_minutes` (the interval the
//! probe is run at, by cron or a timer): see the engine's `uptime.rs`.
//!
//! Samples are history: a run adds to them and never replaces them. When
//! not one address could even be looked up or reached at the network
//! level, the run fails instead ("this machine may be offline"): an outage
//! of the machine running Sightline must not count against a provider.

use std::time::{Duration, Instant};

use reqwest::Client;
use rustls::CertificateError;
use sightline_domain::{Availability, Provenance};
use tokio::task::JoinSet;
use url::Url;

use crate::{FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, Progress, ProgressSink, SourceSpec};

/// At most this many addresses are asked at once.
const AT_ONCE: usize = 8;

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "http",
    display_name: "Website and service check",
    secret_form: None,
    incremental: false,
    probe: true,
    fields: &[
        Field {
            key: "urls",
            label: "Addresses to check",
            hint: "One per line, such as https://www.example.com/ or https://portal.example.com/health.",
            required: true,
            on_form: true,
            form: FieldForm::Urls,
        },
        Field {
            key: "expect_status",
            label: "Expected answer",
            hint: "The HTTP status a working service answers with (any 2xx when empty).",
            required: false,
            on_form: false,
            form: FieldForm::Count,
        },
        Field {
            key: "timeout_seconds",
            label: "Timeout in seconds",
            hint: "How long to wait for an answer before counting the service down (10 when empty).",
            required: false,
            on_form: false,
            form: FieldForm::Count,
        },
        Field {
            key: "every_minutes",
            label: "Checked every (minutes)",
            hint: "How often the check runs (the cron or timer line's interval); each result stands for this long \
                   at most (5 when empty).",
            required: false,
            on_form: true,
            form: FieldForm::Count,
        },
        Field {
            key: "ca_file",
            label: "Extra certificate authorities",
            hint: "A PEM file of certificate authorities to trust besides the system's, for internal sites.",
            required: false,
            on_form: false,
            form: FieldForm::Path,
        },
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

/// What one check found.
#[derive(Debug)]
struct Sample {
    up: bool,
    status: Option<u16>,
    latency_ms: u32,
    detail: Option<String>,
    /// Where a redirect to another host (counted up) sends visitors.
    redirect: Option<String>,
    /// No answer at the network level (the name could not be looked up,
    /// the network unreachable): says more about this machine than the
    /// service when every address fails so.
    unreachable: bool,
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    // Samples are history: merged, never a replacement.
    let mut fetched = Fetched { full: false, ..Fetched::default() };
    let timeout = Duration::from_secs(source.count("timeout_seconds").unwrap_or(10).into());
    // A sample stands for a day at most: windows are never longer.
    let every = chrono::Duration::minutes(source.count("every_minutes").unwrap_or(5).into()).min(chrono::Duration::days(1));
    let expect = source.count("expect_status");
    let roots = crate::tls::trusted_roots(request, &mut fetched.warnings).await?;
    let tls = rustls::ClientConfig::builder_with_provider(crate::tls::crypto_provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| FetchError::new(&source.id, FetchErrorKind::Connection, error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Redirects within the same origin are followed (a site that sends
    // `/` to `/home`); one to another host is not: it is recorded.
    let client = Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(crate::http::same_origin_redirects())
        .user_agent(concat!("Sightline/", env!("CARGO_PKG_VERSION"), " (availability check)"))
        .build()
        .map_err(|error| {
            FetchError::new(&source.id, FetchErrorKind::Connection, format!("could not start HTTP: {error}"))
        })?;

    let urls = source.list("urls");
    let mut samples: Vec<Option<Sample>> = urls.iter().map(|_| None).collect();
    let mut running = JoinSet::new();
    let mut next = 0;
    while next < urls.len() || !running.is_empty() {
        while next < urls.len() && running.len() < AT_ONCE {
            let (client, url, position) = (client.clone(), urls[next].clone(), next);
            running.spawn(async move { (position, check(&client, &url, expect, timeout).await) });
            next += 1;
        }
        if let Some(joined) = running.join_next().await {
            let (position, sample) = joined.map_err(|error| {
                FetchError::new(&source.id, FetchErrorKind::Connection, format!("a check stopped: {error}"))
            })?;
            samples[position] = Some(sample);
            fetched.requests += 1;
            fetched.pages += 1;
            progress(Progress::fetching(&source.id, fetched.pages as usize, fetched.pages));
        }
    }
    let samples: Vec<Sample> = samples.into_iter().flatten().collect();
    if !samples.is_empty() && samples.iter().all(|sample| sample.unreachable) {
        let reasons: Vec<String> = urls
            .iter()
            .zip(&samples)
            .map(|(url, sample)| format!("{url}: {}", sample.detail.as_deref().unwrap_or("no answer")))
            .collect();
        return Err(FetchError::new(
            &source.id,
            FetchErrorKind::Connection,
            format!(
                "no address could be reached at all ({}): this machine may be offline, so nothing was recorded \
                 against the services",
                reasons.join("; ")
            ),
        ));
    }
    for (url, sample) in urls.iter().zip(samples) {
        if let Some(redirect) = &sample.redirect {
            fetched.warnings.push(format!(
                "{url} {redirect}: counted as up, since it answered; set expect_status to check the exact answer"
            ));
        }
        let seconds = every.num_seconds();
        fetched.batch.availability.push(Availability {
            provenance: Provenance {
                source_id: source.id.clone(),
                record_id: format!("{url}@{}", request.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                fetched_at: request.now,
            },
            vendor_id: source.vendor.clone(),
            monitor: url.clone(),
            window_start: request.now,
            window_end: request.now + every,
            up_seconds: if sample.up { seconds } else { 0 },
            down_seconds: if sample.up { 0 } else { seconds },
            status: sample.status,
            latency_ms: Some(sample.latency_ms),
            detail: sample.detail,
        });
    }
    fetched.watermark = Some(request.now);
    Ok(fetched)
}

/// One GET of `url`, judged.
async fn check(client: &Client, url: &str, expect: Option<u32>, timeout: Duration) -> Sample {
    let started = Instant::now();
    let answer = client.get(url).send().await;
    let latency_ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;
    match answer {
        Ok(response) => {
            let status = response.status();
            // A redirect to another host (a sign-in page, www.) is an
            // answer: the service is up, and where it sends visitors is
            // said, not followed. `expect_status` makes it exact.
            let up = match expect {
                Some(expected) => u32::from(status.as_u16()) == expected,
                None => status.is_success() || status.is_redirection(),
            };
            let note = match response.headers().get(reqwest::header::LOCATION) {
                Some(location) if status.is_redirection() => {
                    let target = location.to_str().ok().and_then(|to| Url::parse(url).ok()?.join(to).ok());
                    let host = target.as_ref().and_then(Url::host_str).unwrap_or("another address");
                    format!("answered {} and sends visitors to {host}, which was not followed", status.as_u16())
                }
                _ => format!("answered {}", status.as_u16()),
            };
            let (detail, redirect) = if up {
                (None, status.is_redirection().then_some(note))
            } else {
                (Some(note), None)
            };
            Sample { up, status: Some(status.as_u16()), latency_ms, detail, unreachable: false, redirect }
        }
        Err(error) => {
            let (detail, unreachable) = failure(&error, timeout);
            Sample { up: false, status: None, latency_ms, detail: Some(detail), unreachable, redirect: None }
        }
    }
}

/// The TLS error inside `error`, through the I/O errors that wrap it.
fn tls_error<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = error.downcast_ref::<std::io::Error>()?.get_ref()?;
    tls_error(inner)
}

/// Why a request got no answer, as a visitor would notice it, and whether
/// it failed before reaching the service at all.
fn failure(error: &reqwest::Error, timeout: Duration) -> (String, bool) {
    let mut chain = error.to_string();
    let mut certificate = None;
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        chain.push_str(": ");
        chain.push_str(&inner.to_string());
        if let Some(rustls::Error::InvalidCertificate(problem)) = tls_error(inner) {
            certificate = Some(problem.clone());
        }
        cause = inner.source();
    }
    let refused = |why: &str| (format!("its certificate {why}: browsers warn visitors away"), false);
    match certificate {
        Some(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }) => {
            return refused("is for another name");
        }
        Some(CertificateError::Expired | CertificateError::ExpiredContext { .. }) => return refused("has expired"),
        Some(CertificateError::UnknownIssuer | CertificateError::BadSignature) => {
            return refused("comes from an issuer that is not trusted");
        }
        Some(other) => return refused(&format!("was refused ({other:?})")),
        None => {}
    }
    if error.is_timeout() {
        let seconds = timeout.as_secs();
        (format!("no answer within {seconds} second{}", if seconds == 1 { "" } else { "s" }), false)
    } else if chain.contains("dns error") || chain.contains("failed to lookup address") {
        ("its name could not be looked up".into(), true)
    } else if chain.contains("Network is unreachable") || chain.contains("No route to host") {
        ("the network could not reach it".into(), true)
    } else if chain.contains("Connection refused") {
        ("refused the connection".into(), false)
    } else if error.is_connect() {
        ("could not be connected to".into(), false)
    } else {
        ("broke off its answer".into(), false)
    }
}
