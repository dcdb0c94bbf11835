//! The Entra ID connector against a local fake Microsoft Graph. The shared
//! research has no Graph fixture: the bodies here follow Graph v1.0's
//! documented `user` (with `signInActivity`), `userRegistrationDetails` and
//! `directoryRole` resources, their field names and `@odata.nextLink`
//! paging as Microsoft's reference pages give them.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchErrorKind, FetchRequest, Fetched, HttpOptions, RetryPolicy, SourceConfig, fetch};
use sightline_domain::Secret;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "harborfinch.example";
const SECRET: &str = "entra-secret-never-logged";
const TOKEN: &str = "graph-token-42";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn run(server: &MockServer, tenant: &str) -> Result<Fetched, sightline_connectors::FetchError> {
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "entra", "kind": "entra", "vendor": "internal", "tenant_id": tenant, "client_id": "app-1",
        "base_url": server.uri(), "auth_url": server.uri(),
        "provider_domains": {"bluepeak.example": "bluepeak"},
    }))
    .unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    let secret = Secret::new(SECRET);
    let http = HttpOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(10),
        },
        max_body_bytes: 1 << 20,
    };
    let request = FetchRequest {
        source: &source,
        secret: Some(&secret),
        since: None,
        now: now(),
        http: &http,
        known_content: None,
    };
    fetch(request, &|_| {}).await
}

async fn mount_graph(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .and(body_string_contains(format!("client_secret={SECRET}")))
        .and(body_string_contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer", "access_token": TOKEN})))
        .mount(server)
        .await;
    let bearer = format!("Bearer {TOKEN}");
    let next = format!("{}/v1.0/users?$skiptoken=page2", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("$top", "999"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,displayName,accountEnabled,createdDateTime,signInActivity)",
            "@odata.nextLink": next,
            "value": [
                {"id": "u1", "userPrincipalName": "it.admin@harborfinch.example", "displayName": "IT Admin",
                 "accountEnabled": true, "createdDateTime": "2023-02-01T10:00:00Z",
                 "signInActivity": {"lastSignInDateTime": "2026-11-30T08:00:00Z",
                                    "lastNonInteractiveSignInDateTime": "2026-11-30T09:15:00Z",
                                    "lastSuccessfulSignInDateTime": "2026-11-30T08:00:00Z"}},
                {"id": "u2", "userPrincipalName": "k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com",
                 "displayName": "K. Morgan (Bluepeak)", "accountEnabled": true,
                 "createdDateTime": "2024-05-01T10:00:00Z",
                 "signInActivity": {"lastSignInDateTime": "2026-05-20T16:00:00Z",
                                    "lastNonInteractiveSignInDateTime": null}}
            ]
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("$skiptoken", "page2"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "u3", "userPrincipalName": "jo.ward@harborfinch.example", "displayName": "Jo Ward",
             "accountEnabled": false, "createdDateTime": "2022-01-01T10:00:00Z", "signInActivity": null},
            {"id": "u4", "userPrincipalName": "sam.lee@harborfinch.example", "displayName": "Sam Lee",
             "accountEnabled": true, "createdDateTime": "2025-01-01T10:00:00Z"}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/reports/authenticationMethods/userRegistrationDetails"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "u1", "userPrincipalName": "it.admin@harborfinch.example", "isAdmin": true,
             "isMfaRegistered": false, "isMfaCapable": false, "methodsRegistered": []},
            {"id": "u2", "userPrincipalName": "k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com",
             "isAdmin": false, "isMfaRegistered": false, "isMfaCapable": false, "methodsRegistered": []},
            {"id": "u3", "userPrincipalName": "jo.ward@harborfinch.example", "isAdmin": false,
             "isMfaRegistered": true, "isMfaCapable": true, "methodsRegistered": ["microsoftAuthenticatorPush"]}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/directoryRoles"))
        .and(query_param("$expand", "members"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "r1", "displayName": "Exchange Administrator", "roleTemplateId": "29232cdf-9323-42fd-ade2-1d097af3e4de",
             "members": [{"@odata.type": "#microsoft.graph.user", "id": "u2", "userPrincipalName": "k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com"}]},
            {"id": "r2", "displayName": "Directory Readers", "roleTemplateId": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
             "members": [{"@odata.type": "#microsoft.graph.user", "id": "u4"}]}
        ]})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn accounts_roles_and_second_factors_are_read_from_the_directory() {
    let server = MockServer::start().await;
    mount_graph(&server).await;
    let fetched = run(&server, TENANT).await.unwrap();
    assert!(fetched.full);
    type Row<'a> = (&'a str, &'a str, bool, bool, Option<bool>, Option<DateTime<Utc>>, Option<&'a str>);
    let accounts: Vec<Row> = fetched
        .batch
        .accounts
        .iter()
        .map(|a| {
            (
                a.provenance.record_id.as_str(),
                a.user.as_str(),
                a.enabled,
                a.admin,
                a.mfa_registered,
                a.last_sign_in,
                a.provider.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            // The later of the interactive and non-interactive sign-ins.
            ("u1", "it.admin@harborfinch.example", true, true, Some(false), Some(at("2026-11-30T09:15:00Z")), None),
            // A guest from the MSP's domain, an Exchange Administrator by role.
            (
                "u2",
                "k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com",
                true,
                true,
                Some(false),
                Some(at("2026-05-20T16:00:00Z")),
                Some("bluepeak")
            ),
            ("u3", "jo.ward@harborfinch.example", false, false, Some(true), None, None),
            // Directory Readers is not an administrator role; no registration row.
            ("u4", "sam.lee@harborfinch.example", true, false, None, None, None),
        ]
    );
    assert_eq!(
        fetched.warnings,
        ["the directory's registration report does not list 1 enabled account: its second factor is counted as not \
          reported"]
    );
    assert_eq!((fetched.requests, fetched.pages), (5, 4), "token, two pages of users, registrations, roles");
    for request in server.received_requests().await.unwrap() {
        assert!(!request.url.as_str().contains(SECRET), "{}", request.url);
    }
}

#[tokio::test]
async fn a_bad_tenant_or_a_refused_secret_is_explained() {
    let server = MockServer::start().await;
    mount_graph(&server).await;
    let error = run(&server, "https://elsewhere.example/").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Config, "{error}");
    assert!(error.to_string().contains("is not a directory ID"), "{error}");

    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&refusing)
        .await;
    let error = run(&refusing, TENANT).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Auth, "{error}");
    assert!(error.to_string().contains("entra") && !error.to_string().contains(SECRET), "{error}");

    let busy = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .mount(&busy)
        .await;
    mount_graph(&busy).await;
    let error = run(&busy, TENANT).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::RateLimited, "{error}");
    assert!(error.to_string().contains("2 minutes"), "{error}");
}
