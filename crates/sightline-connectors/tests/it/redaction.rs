//! A server or proxy that echoes the request's headers in its error must not
//! make Sightline leak the credentials: each connector runs against a fake
//! on 127.0.0.1 that answers HTTP 400 quoting every header it got, and the
//! error must name the path, keep the echo, and show `[redacted]` where the
//! credentials were.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sightline_connectors::{FetchError, FetchErrorKind, FetchRequest, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::Secret;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

// ConnectWise: `Authorization: Basic base64("{company}+{public}:{private}")`
// and a `clientId` header.
const CW_COMPANY: &str = "kestrel";
const CW_PUBLIC_KEY: &str = "PubK3yDistinctPart";
const CW_PRIVATE_KEY: &str = "Sup3rS3cretPart";
const CW_CLIENT_ID: &str = "C1ientIdDistinctPart";
/// base64("kestrel+PubK3yDistinctPart:Sup3rS3cretPart")
const CW_BASIC: &str = "a2VzdHJlbCtQdWJLM3lEaXN0aW5jdFBhcnQ6U3VwM3JTM2NyZXRQYXJ0";

// Autotask: `UserName`, `Secret` and `ApiIntegrationCode` headers.
const AT_USERNAME: &str = "ApiUs3rDistinct@northwind.example";
const AT_SECRET: &str = "AtS3cretDistinctPart";
const AT_INTEGRATION_CODE: &str = "IntegrationC0deDistinct";

// HaloPSA: client credentials for a bearer token.
const HALO_CLIENT_ID: &str = "HaloClientDistinct";
const HALO_CLIENT_SECRET: &str = "HaloS3cretDistinctPart";
const HALO_TOKEN: &str = "HaloT0kenDistinctPart";

// NinjaOne: client credentials for a bearer token.
const NINJA_CLIENT_ID: &str = "NinjaClientDistinct";
const NINJA_CLIENT_SECRET: &str = "NinjaS3cretDistinctPart";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 10, 6, 0, 0).unwrap()
}

fn options() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(5),
        },
        ..HttpOptions::default()
    }
}

fn source(config: Value) -> SourceConfig {
    serde_json::from_value(config).unwrap()
}

async fn run(source: &SourceConfig, secret: &str) -> FetchError {
    let secret = Secret::new(secret);
    let options = options();
    let request =
        FetchRequest { source, secret: Some(&secret), since: None, now: now(), http: &options, known_content: None };
    match fetch(request, &|_| {}).await {
        Ok(fetched) => panic!("the fetch should have failed, but read {} tickets", fetched.batch.tickets.len()),
        Err(error) => error,
    }
}

/// `first`, in that order and spelling, then every other header the
/// request carried, sorted: "Authorization: Basic ...; clientId: ...; accept:
/// application/json; ...".
fn headers_echoed(request: &Request, first: &[&str]) -> String {
    let value = |name: &str| request.headers.get(name).map(|value| value.to_str().unwrap().to_string());
    let mut echoed: Vec<String> =
        first.iter().map(|name| format!("{name}: {}", value(name).unwrap_or_default())).collect();
    let mut rest: Vec<String> = request
        .headers
        .iter()
        .filter(|(name, _)| !first.iter().any(|first| first.eq_ignore_ascii_case(name.as_str())))
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
        .collect();
    rest.sort();
    echoed.extend(rest);
    echoed.join("; ")
}

/// Every GET on `server` is refused with HTTP 400 and an echo of its
/// headers, the credential headers `first`.
async fn echo_every_get(server: &MockServer, first: &'static [&'static str]) {
    Mock::given(method("GET"))
        .respond_with(move |request: &Request| {
            ResponseTemplate::new(400)
                .set_body_string(format!("bad filter; you sent {}", headers_echoed(request, first)))
        })
        .mount(server)
        .await;
}

/// Neither the error's Display nor its Debug holds any of `leaks`.
fn assert_leaks_none(error: &FetchError, leaks: &[&str]) {
    let shown = format!("{error}\n{error:?}");
    for leak in leaks {
        assert!(!shown.contains(leak), "the error shows {leak:?}: {shown}");
    }
}

#[tokio::test]
async fn connectwise_basic_credentials_and_client_id_echoed_in_a_400_are_redacted() {
    let server = MockServer::start().await;
    echo_every_get(&server, &["Authorization", "clientId"]).await;
    let source = source(json!({
        "id": "cw-kestrel", "kind": "connectwise", "vendor": "kestrel-it",
        "base_url": format!("{}/v4_6_release/apis/3.0", server.uri()),
        "company_id": CW_COMPANY, "client_id": CW_CLIENT_ID,
    }));

    let error = run(&source, &format!("{CW_PUBLIC_KEY}:{CW_PRIVATE_KEY}")).await;

    // The fake really did echo the credentials.
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.headers.get("authorization").unwrap().to_str().unwrap(), format!("Basic {CW_BASIC}"));
    assert_eq!(error.kind, FetchErrorKind::BadRequest);
    assert!(
        error.message.starts_with(
            "the service refused the request with HTTP 400 on /v4_6_release/apis/3.0/service/tickets (it said: bad \
             filter; you sent Authorization: [redacted]; clientId: [redacted]; accept: application/json; host: \
             127.0.0.1:"
        ),
        "{}",
        error.message
    );
    assert!(error.message.ends_with("): check the source's settings"), "{}", error.message);
    assert_leaks_none(
        &error,
        &[
            CW_BASIC,
            CW_PUBLIC_KEY,
            CW_PRIVATE_KEY,
            CW_CLIENT_ID,
            "kestrel+PubK3yDistinctPart",
            "PubK3yDistinctPart:Sup3rS3cretPart",
            // Half a secret, left where the excerpt was cut, is a leak too.
            "a2VzdHJlbCtQdWJL",
        ],
    );
}

#[tokio::test]
async fn autotask_user_secret_and_integration_code_echoed_as_json_are_redacted() {
    let server = MockServer::start().await;
    // Autotask reports errors as JSON; this one quotes the headers back.
    Mock::given(method("GET"))
        .respond_with(|request: &Request| {
            let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap().to_string();
            ResponseTemplate::new(400).set_body_json(json!({
                "errors": ["bad filter"],
                "headers": {
                    "ApiIntegrationCode": header("apiintegrationcode"),
                    "UserName": header("username"),
                    "Secret": header("secret"),
                },
            }))
        })
        .mount(&server)
        .await;
    let source = source(json!({
        "id": "northwind-autotask", "kind": "autotask", "vendor": "northwind",
        "integration_code": AT_INTEGRATION_CODE, "base_url": server.uri(),
    }));

    let error = run(&source, &format!("{AT_USERNAME}:{AT_SECRET}")).await;

    assert_eq!(error.kind, FetchErrorKind::BadRequest);
    assert_eq!(
        error.message,
        "the service refused the request with HTTP 400 on /Tickets/entityInformation/fields (it said: \
         {\"errors\":[\"bad filter\"],\"headers\":{\"ApiIntegrationCode\":\"[redacted]\",\"Secret\":\"[redacted]\",\
         \"UserName\":\"[redacted]\"}}): check the source's settings"
    );
    assert_leaks_none(&error, &[AT_USERNAME, AT_SECRET, AT_INTEGRATION_CODE, "ApiUs3rDistinct"]);
}

#[tokio::test]
async fn a_halopsa_bearer_token_echoed_in_a_400_is_redacted() {
    let server = MockServer::start().await;
    // The token answer in the shape Halo documents (see tests/halopsa.rs).
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "access_token": HALO_TOKEN, "token_type": "Bearer", "expires_in": 3600 })),
        )
        .mount(&server)
        .await;
    echo_every_get(&server, &["Authorization"]).await;
    let source = source(json!({
        "id": "halo-harbor", "kind": "halopsa", "vendor": "harbor-it",
        "base_url": format!("{}/api", server.uri()), "tenant": "harborlane",
    }));

    let error = run(&source, &format!("{HALO_CLIENT_ID}:{HALO_CLIENT_SECRET}")).await;

    let sent = server.received_requests().await.unwrap();
    let listing = sent.iter().find(|request| request.method.as_str() == "GET").unwrap();
    assert_eq!(listing.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {HALO_TOKEN}"));
    assert_eq!(error.kind, FetchErrorKind::BadRequest);
    assert!(
        error.message.starts_with(
            "the service refused the request with HTTP 400 on /api/Tickets (it said: bad filter; you sent \
             Authorization: [redacted]; accept: application/json; host: 127.0.0.1:"
        ),
        "{}",
        error.message
    );
    assert_leaks_none(&error, &[HALO_TOKEN, HALO_CLIENT_SECRET, HALO_CLIENT_ID]);
}

#[tokio::test]
async fn a_ninjaone_bearer_token_echoed_in_a_400_is_redacted() {
    let server = MockServer::start().await;
    // The token answer in the shape of sightline-test-support's FakeNinjaOne.
    Mock::given(method("POST"))
        .and(path("/ws/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "NinjaT0kenDistinctPart", "expires_in": 3600, "scope": "monitoring management",
            "token_type": "Bearer"
        })))
        .mount(&server)
        .await;
    echo_every_get(&server, &["Authorization"]).await;
    let source = source(json!({
        "id": "ninja-harbor", "kind": "ninjaone", "vendor": "harbor-it", "base_url": server.uri(),
    }));

    let error = run(&source, &format!("{NINJA_CLIENT_ID}:{NINJA_CLIENT_SECRET}")).await;

    assert_eq!(error.kind, FetchErrorKind::BadRequest);
    assert!(
        error.message.starts_with(
            "the service refused the request with HTTP 400 on /v2/devices (it said: bad filter; you sent \
             Authorization: [redacted]; accept: */*; host: 127.0.0.1:"
        ),
        "{}",
        error.message
    );
    assert_leaks_none(&error, &["NinjaT0kenDistinctPart", NINJA_CLIENT_SECRET]);
}

#[tokio::test]
async fn a_refused_token_request_is_not_quoted_even_when_it_echoes_the_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ws/oauth/token"))
        .respond_with(|request: &Request| {
            let form = String::from_utf8_lossy(&request.body).into_owned();
            ResponseTemplate::new(400).set_body_string(format!("unsupported scope; you sent {form}"))
        })
        .mount(&server)
        .await;
    let source = source(json!({
        "id": "ninja-harbor", "kind": "ninjaone", "vendor": "harbor-it", "base_url": server.uri(),
    }));

    let error = run(&source, &format!("{NINJA_CLIENT_ID}:{NINJA_CLIENT_SECRET}")).await;

    assert_eq!(error.kind, FetchErrorKind::BadRequest);
    assert_eq!(
        error.message,
        "the service refused the request with HTTP 400 on /ws/oauth/token: check the source's settings"
    );
    assert_leaks_none(&error, &[NINJA_CLIENT_SECRET]);
}

#[tokio::test]
async fn a_credential_quoted_in_an_unreadable_answer_is_redacted() {
    let server = MockServer::start().await;
    // A proxy's answer where a ticket should be: serde quotes the value
    // that has the wrong type.
    Mock::given(method("GET"))
        .respond_with(|request: &Request| {
            let echoed = request.headers.get("clientid").unwrap().to_str().unwrap().to_string();
            ResponseTemplate::new(200).set_body_json(json!([{ "id": echoed }]))
        })
        .mount(&server)
        .await;
    let source = source(json!({
        "id": "cw-kestrel", "kind": "connectwise", "vendor": "kestrel-it",
        "base_url": format!("{}/v4_6_release/apis/3.0", server.uri()),
        "company_id": CW_COMPANY, "client_id": CW_CLIENT_ID,
    }));

    let error = run(&source, &format!("{CW_PUBLIC_KEY}:{CW_PRIVATE_KEY}")).await;

    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    assert_eq!(
        error.message,
        "the service returned data Sightline cannot read on /v4_6_release/apis/3.0/service/tickets: at [0].id, \
         invalid type: string \"[redacted]\", expected i64"
    );
    assert_leaks_none(&error, &[CW_CLIENT_ID]);
}
