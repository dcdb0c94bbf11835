//! The one HTTP seam every API connector goes through: HTTPS only (plain
//! HTTP to this machine alone), a timeout on every request, retries with
//! capped exponential backoff and jitter for what retrying can fix (429 with
//! `Retry-After`, 5xx, timeouts, dropped connections), none for what it
//! cannot (400, 401, 403, 404), a cap on body size, and errors that name the
//! source and the URL path and never the credentials: whatever a server
//! says goes into a message only through `redact`.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, LINK, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::limit::Limiter;
use crate::redact::SentSecrets;

/// How often, and how patiently, a failed request is tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The first backoff; it doubles on each retry, with jitter.
    pub base_delay: Duration,
    /// No single wait is longer than this...
    pub max_delay: Duration,
    /// ...except a server's own `Retry-After`, obeyed up to this long.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// Settings shared by every request of a sync run.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// For one request, from connecting to the last byte of the body.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// A response body larger than this is refused.
    pub max_body_bytes: usize,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions { timeout: Duration::from_secs(60), retry: RetryPolicy::default(), max_body_bytes: 64 << 20 }
    }
}

/// What went wrong, closed so that callers (and the UI) can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchErrorKind {
    /// The configuration or the stored credentials are incomplete.
    Config,
    /// The credentials were rejected or lack permission (401, 403).
    Auth,
    /// The URL points at nothing (404).
    NotFound,
    /// The server refused the request as malformed (other 4xx).
    BadRequest,
    /// Still rate limited after every retry.
    RateLimited,
    /// Server errors (5xx) after every retry.
    Server,
    Timeout,
    /// Could not connect, or the connection dropped.
    Connection,
    /// The response could not be used: not JSON, wrong shape, too big, a
    /// paging loop, a listing that never ends.
    BadResponse,
    /// A local file or socket could not be read.
    Io,
}

impl FetchErrorKind {
    /// Whether trying again later may succeed without anyone changing
    /// anything.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            FetchErrorKind::RateLimited | FetchErrorKind::Server | FetchErrorKind::Timeout | FetchErrorKind::Connection
        )
    }
}

/// A failed fetch: which source, what kind of failure, and a plain message
/// saying what was wrong and what to do. Never holds a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_id}: {message}")]
pub struct FetchError {
    pub source_id: String,
    pub kind: FetchErrorKind,
    pub message: String,
}

impl FetchError {
    pub fn new(source_id: &str, kind: FetchErrorKind, message: impl Into<String>) -> FetchError {
        FetchError { source_id: source_id.to_string(), kind, message: message.into() }
    }

    pub fn config(source_id: &str, message: impl Into<String>) -> FetchError {
        FetchError::new(source_id, FetchErrorKind::Config, message)
    }

    pub fn bad_response(source_id: &str, message: impl Into<String>) -> FetchError {
        FetchError::new(source_id, FetchErrorKind::BadResponse, message)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => IpAddr::V4(address).is_loopback(),
        Some(url::Host::Ipv6(address)) => IpAddr::V6(address).is_loopback(),
        None => false,
    }
}

/// Parses a configured URL: HTTPS, or plain HTTP to this machine only.
pub(crate) fn check_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("'{text}' is not a URL ({error})"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "'{text}' uses plain http, which would send credentials unencrypted: use https (plain http is \
             allowed only to this machine)"
        )),
        other => Err(format!("'{text}' is not a web address (scheme {other}): use https")),
    }
}

/// Joins a path onto a base URL, keeping the base's own path
/// (`https://host/v4_6_release/apis/3.0` + `service/tickets`).
pub(crate) fn endpoint(base: &Url, path: &str) -> Url {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let with_slash = format!("{}/", base.path());
        base.set_path(&with_slash);
    }
    base.join(path.trim_start_matches('/')).unwrap_or(base)
}

/// The `rel="next"` target of a `Link` header.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(LINK)?.to_str().ok()?;
    value.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|param| {
            let param = param.trim().to_ascii_lowercase();
            param == "rel=\"next\"" || param == "rel=next"
        });
        is_next.then(|| target.trim().trim_start_matches('<').trim_end_matches('>').to_string())
    })
}

/// A client for one source's run.
#[derive(Debug)]
pub(crate) struct Http<'a> {
    client: Client,
    source_id: &'a str,
    options: &'a HttpOptions,
    limiter: Option<Limiter>,
    requests: AtomicU32,
}

/// A successful response, its body read whole.
#[derive(Debug)]
pub(crate) struct Body {
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub path: String,
    /// The credentials the request carried, which any text quoted from
    /// this body is cleared of.
    pub secrets: SentSecrets,
}

/// Follows up to five redirects within the same origin, and none to
/// another host (whose answer is then returned as it is).
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .last()
            .is_some_and(|previous| previous.origin() == attempt.url().origin() && attempt.previous().len() < 5);
        if same_origin { attempt.follow() } else { attempt.stop() }
    })
}

impl<'a> Http<'a> {
    pub fn new(source_id: &'a str, options: &'a HttpOptions, limiter: Option<Limiter>) -> Result<Http<'a>, FetchError> {
        // Follow redirects within the same origin only: custom credential
        // headers (ConnectWise `clientId`, Autotask `Secret`) must never
        // travel to another host.
        crate::tls::crypto_provider();
        let client = Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(15)))
            .redirect(same_origin_redirects())
            .user_agent(concat!("Sightline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| {
                FetchError::new(source_id, FetchErrorKind::Connection, format!("could not start HTTP: {error}"))
            })?;
        Ok(Http { client, source_id, options, limiter, requests: AtomicU32::new(0) })
    }

    pub fn source_id(&self) -> &str {
        self.source_id
    }

    /// Requests made so far, retries included.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Parses a URL from the configuration or from a server's paging link,
    /// refusing plain http to another machine.
    pub fn url(&self, text: &str) -> Result<Url, FetchError> {
        check_url(text).map_err(|problem| FetchError::config(self.source_id, problem))
    }

    /// A paging link from the server: resolved against `base` and refused
    /// if it leads to another origin (credentials would follow it).
    pub fn follow(&self, base: &Url, link: &str) -> Result<Url, FetchError> {
        let url = base.join(link).map_err(|_| {
            FetchError::bad_response(self.source_id, format!("the next-page link '{link}' is not a URL"))
        })?;
        if url.origin() != base.origin() {
            return Err(FetchError::bad_response(
                self.source_id,
                format!(
                    "the server's next-page link points to another site ({}): Sightline does not send credentials \
                     there; check base_url",
                    url.host_str().unwrap_or("?")
                ),
            ));
        }
        Ok(url)
    }

    /// Sends the request `build` makes, retrying what can be retried, and
    /// returns the whole body of a successful response.
    pub async fn send(&self, build: impl Fn(&Client) -> RequestBuilder) -> Result<Body, FetchError> {
        let policy = &self.options.retry;
        let source = self.source_id;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.limiter {
                limiter.acquire().await;
            }
            let request = build(&self.client).build().map_err(|error| {
                FetchError::config(source, format!("could not build the request: {}", error.without_url()))
            })?;
            let path = request.url().path().to_string();
            // What the request sends as credentials, so that a response
            // echoing it can be cleared of it before it is quoted.
            let secrets = SentSecrets::from_headers(request.headers());
            // A request with a body (a token request) may have its form
            // echoed back in an error: never quote such a response.
            let quotable = request.method() == reqwest::Method::GET;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let last = attempt >= policy.attempts;
            let wait = match self.client.execute(request).await {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        match self.read_body(response, &path, secrets).await {
                            Ok(body) => return Ok(body),
                            Err(error) if error.kind.retryable() && !last => None,
                            Err(error) => return Err(error),
                        }
                    } else if status == StatusCode::TOO_MANY_REQUESTS {
                        let asked = retry_after(response.headers());
                        if let Some(asked) = asked.filter(|asked| *asked > policy.max_retry_after) {
                            return Err(FetchError::new(
                                source,
                                FetchErrorKind::RateLimited,
                                format!(
                                    "the service asked Sightline to wait {} before the next request (HTTP 429 on \
                                     {path}): sync again later",
                                    match asked.as_secs().div_ceil(60) {
                                        1 => "a minute".to_string(),
                                        minutes => format!("{minutes} minutes"),
                                    }
                                ),
                            ));
                        }
                        if last {
                            return Err(FetchError::new(
                                source,
                                FetchErrorKind::RateLimited,
                                format!(
                                    "the service kept refusing requests as too many (HTTP 429 on {path}) after {attempt} \
                                     tries: another tool may be using the same API budget; sync again later"
                                ),
                            ));
                        }
                        asked
                    } else if status.is_server_error() {
                        if last {
                            return Err(FetchError::new(
                                source,
                                FetchErrorKind::Server,
                                format!(
                                    "the service failed with HTTP {} on {path} after {attempt} tries: it may be down; \
                                     sync again later",
                                    status.as_u16()
                                ),
                            ));
                        }
                        retry_after(response.headers())
                    } else {
                        return Err(self.refused(status, &path, response, quotable, &secrets).await);
                    }
                }
                Err(error) => {
                    let (kind, what) = if error.is_timeout() {
                        (FetchErrorKind::Timeout, format!("did not answer within {} s", self.options.timeout.as_secs()))
                    } else if error.is_connect() {
                        (FetchErrorKind::Connection, "could not be reached".to_string())
                    } else {
                        (FetchErrorKind::Connection, "dropped the connection".to_string())
                    };
                    if last {
                        return Err(FetchError::new(
                            source,
                            kind,
                            format!(
                                "the service {what} (on {path}) after {attempt} tries: check the network and base_url"
                            ),
                        ));
                    }
                    None
                }
            };
            let delay = wait.map(|asked| asked.min(policy.max_retry_after)).unwrap_or_else(|| backoff(policy, attempt));
            tokio::time::sleep(delay).await;
        }
    }

    /// Sends and decodes a JSON body.
    pub async fn json<T: DeserializeOwned>(
        &self,
        build: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<(T, Body), FetchError> {
        let body = self.send(build).await?;
        let value = decode(self.source_id, &body)?;
        Ok((value, body))
    }

    async fn read_body(&self, mut response: Response, path: &str, secrets: SentSecrets) -> Result<Body, FetchError> {
        let source = self.source_id;
        let cap = self.options.max_body_bytes;
        let too_big = || {
            FetchError::bad_response(
                source,
                format!(
                    "the response on {path} is larger than {}, more than any page should be: lower page_size",
                    size_text(cap)
                ),
            )
        };
        if response.content_length().is_some_and(|length| length as usize > cap) {
            return Err(too_big());
        }
        let headers = response.headers().clone();
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > cap {
                        return Err(too_big());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) if error.is_timeout() => {
                    return Err(FetchError::new(
                        source,
                        FetchErrorKind::Timeout,
                        format!("the response on {path} did not finish within {} s", self.options.timeout.as_secs()),
                    ));
                }
                Err(_) => {
                    return Err(FetchError::new(
                        source,
                        FetchErrorKind::Connection,
                        format!("the connection dropped while reading the response on {path}"),
                    ));
                }
            }
        }
        Ok(Body { headers, bytes, path: path.to_string(), secrets })
    }

    async fn refused(
        &self,
        status: StatusCode,
        path: &str,
        response: Response,
        quotable: bool,
        secrets: &SentSecrets,
    ) -> FetchError {
        let source = self.source_id;
        let code = status.as_u16();
        match status {
            StatusCode::UNAUTHORIZED => FetchError::new(
                source,
                FetchErrorKind::Auth,
                format!(
                    "the credentials for {source} were rejected (HTTP 401 on {path}): check them in Sources, or enter \
                     them again with `sightline-cli secret set {source}`"
                ),
            ),
            StatusCode::FORBIDDEN => FetchError::new(
                source,
                FetchErrorKind::Auth,
                format!(
                    "the account used for {source} may not read this (HTTP 403 on {path}): give the API user read \
                     access, or check its credentials"
                ),
            ),
            StatusCode::NOT_FOUND => FetchError::new(
                source,
                FetchErrorKind::NotFound,
                format!("nothing was found at {path} (HTTP 404): check base_url for {source}"),
            ),
            _ => {
                // A short excerpt helps with a rejected filter. Some servers
                // and proxies echo the request's headers, so the excerpt is
                // redacted whole before it is cut short: a cut could leave
                // half a secret that no longer matches.
                let text = if quotable { excerpt_source(response).await } else { String::new() };
                let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let excerpt: String = secrets.redact(&collapsed).chars().take(160).collect();
                let said = if excerpt.is_empty() { String::new() } else { format!(" (it said: {excerpt})") };
                FetchError::new(
                    source,
                    FetchErrorKind::BadRequest,
                    format!(
                        "the service refused the request with HTTP {code} on {path}{said}: check the source's settings"
                    ),
                )
            }
        }
    }
}

/// Decodes a JSON body, saying where and what was wrong if it cannot.
pub(crate) fn decode<T: DeserializeOwned>(source_id: &str, body: &Body) -> Result<T, FetchError> {
    let path = &body.path;
    let start = body.bytes.iter().find(|byte| !byte.is_ascii_whitespace());
    match start {
        None => {
            return Err(FetchError::bad_response(
                source_id,
                format!("the response on {path} was empty where JSON was expected"),
            ));
        }
        Some(b'<') => {
            return Err(FetchError::bad_response(
                source_id,
                format!(
                    "the service returned a web page where JSON was expected (on {path}): base_url may point at a \
                     login or error page"
                ),
            ));
        }
        Some(_) => {}
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&body.bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            FetchError::bad_response(
                source_id,
                format!(
                    "the service returned malformed JSON on {path} (line {}, column {}): it may be failing; sync again later",
                    inner.line(),
                    inner.column()
                ),
            )
        } else {
            // serde quotes the offending value (and a map's key), which
            // may be a credential the server echoed.
            let field = error.path().to_string();
            let reason = inner.to_string();
            let reason = reason.split(" at line").next().unwrap_or(&reason);
            let what = body.secrets.redact(&format!("at {field}, {reason}"));
            FetchError::bad_response(
                source_id,
                format!("the service returned data Sightline cannot read on {path}: {what}"),
            )
        }
    })
}

/// Keeps a paged listing honest: a next link seen before is a loop, and a
/// listing longer than `max` pages is one that never ends.
#[derive(Debug)]
pub(crate) struct Pages {
    seen: HashSet<String>,
    pub count: u32,
    max: u32,
}

impl Pages {
    pub fn new(max: u32) -> Pages {
        Pages { seen: HashSet::new(), count: 0, max }
    }

    /// Marks `key` (a URL, a cursor, a page number) as fetched.
    pub fn visit(&mut self, source_id: &str, key: &str, path: &str) -> Result<(), FetchError> {
        if !self.seen.insert(key.to_string()) {
            return Err(FetchError::bad_response(
                source_id,
                format!("the service sent a paging loop on {path}: it pointed back to a page already read"),
            ));
        }
        self.count += 1;
        if self.count > self.max {
            return Err(FetchError::bad_response(
                source_id,
                format!(
                    "the listing on {path} went past {} pages without ending: raise max_pages if the source really \
                     holds this much",
                    self.max
                ),
            ));
        }
        Ok(())
    }
}

/// The start of a refused request's body, enough for an excerpt: a server
/// may answer an error with a page of any size.
async fn excerpt_source(mut response: Response) -> String {
    const READ_AT_MOST: usize = 16 << 10;
    let mut bytes = Vec::new();
    while bytes.len() < READ_AT_MOST {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(READ_AT_MOST);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn size_text(bytes: usize) -> String {
    if bytes >= 1 << 20 { format!("{} MiB", bytes >> 20) } else { format!("{} KiB", bytes >> 10) }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    // The wait is relative to the server's own Date header, so no clock is read here.
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let server_now = chrono::DateTime::parse_from_rfc2822(date).ok()?;
    (at - server_now).to_std().ok()
}

/// Exponential backoff with full jitter, capped.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exponential = policy.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    let capped = exponential.min(policy.max_delay);
    let jitter = rand::thread_rng().gen_range(0.5..=1.0);
    capped.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_https_or_loopback() {
        assert!(check_url("https://api-na.myconnectwise.net/v4_6_release/apis/3.0").is_ok());
        assert!(check_url("http://127.0.0.1:8080/api").is_ok());
        assert!(check_url("http://localhost/api").is_ok());
        assert!(check_url("http://[::1]:9000/").is_ok());
        let error = check_url("http://psa.example.com/api").unwrap_err();
        assert!(error.contains("plain http"), "{error}");
        assert!(check_url("ftp://example.com").unwrap_err().contains("not a web address"));
        assert!(check_url("not a url").unwrap_err().contains("is not a URL"));
    }

    #[test]
    fn endpoints_keep_the_base_path() {
        let base = Url::parse("https://h.example/v4_6_release/apis/3.0").unwrap();
        assert_eq!(
            endpoint(&base, "service/tickets").as_str(),
            "https://h.example/v4_6_release/apis/3.0/service/tickets"
        );
        assert_eq!(endpoint(&base, "/service/SLAs").as_str(), "https://h.example/v4_6_release/apis/3.0/service/SLAs");
    }

    #[test]
    fn link_headers_give_the_next_page() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            "<https://h.example/api/t?page=3>; rel=\"next\", <https://h.example/api/t?page=9>; rel=\"last\""
                .parse()
                .unwrap(),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("https://h.example/api/t?page=3"));
        headers.insert(LINK, "<https://h.example/api/t?page=9>; rel=\"last\"".parse().unwrap());
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stays_capped() {
        let policy = RetryPolicy {
            attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for (attempt, ceiling) in [(1, 100), (2, 200), (3, 400), (8, 1000)] {
            let delay = backoff(&policy, attempt);
            assert!(delay <= Duration::from_millis(ceiling), "attempt {attempt}: {delay:?}");
            assert!(delay >= Duration::from_millis(ceiling / 2), "attempt {attempt}: {delay:?}");
        }
    }

    #[test]
    fn pages_catch_loops_and_endless_listings() {
        let mut pages = Pages::new(2);
        pages.visit("s", "a", "/t").unwrap();
        assert!(pages.visit("s", "a", "/t").unwrap_err().message.contains("paging loop"));
        pages.visit("s", "b", "/t").unwrap();
        assert!(pages.visit("s", "c", "/t").unwrap_err().message.contains("went past 2 pages"));
    }
}
