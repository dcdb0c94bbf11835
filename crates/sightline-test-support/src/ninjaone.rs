//! A fake NinjaOne: the OAuth token endpoint, `/v2/devices`, the device
//! health, OS patch and patch-install reports, and backup jobs, in the
//! shapes of NinjaOne's public API 2.0 (timestamps in Unix seconds).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const CLIENT_ID: &str = "ninja-client-4411";
pub const CLIENT_SECRET: &str = "ninja-secret-never-logged";
const TOKEN: &str = "ninja-token-abc";

fn seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp() as f64 + 0.25
}

/// A running fake NinjaOne with ten devices: two servers and eight
/// workstations. Three workstations miss a critical patch for 20 days (so
/// 7 of 10 devices are compliant); backups ran nightly for 30 days on both
/// servers, one failing on the second server five days ago.
#[derive(Debug)]
pub struct FakeNinjaOne {
    pub server: MockServer,
}

impl FakeNinjaOne {
    pub async fn start(now: DateTime<Utc>) -> FakeNinjaOne {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/ws/oauth/token"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains(format!("client_secret={CLIENT_SECRET}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": TOKEN, "expires_in": 3600, "scope": "monitoring management", "token_type": "Bearer"
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/ws/oauth/token"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
            .mount(&server)
            .await;

        let bearer = format!("Bearer {TOKEN}");
        let enrolled = now - Duration::days(400);
        let devices: Vec<Value> = (1..=10)
            .map(|id| {
                let server_class = id <= 2;
                json!({
                    "id": id,
                    "organizationId": 2,
                    "locationId": 2,
                    "nodeClass": if server_class { "WINDOWS_SERVER" } else { "WINDOWS_WORKSTATION" },
                    "approvalStatus": "APPROVED",
                    "offline": false,
                    "displayName": format!("HF-{id:03}"),
                    "systemName": if server_class { format!("hf-srv-{id:02}") } else { format!("hf-ws-{id:02}") },
                    "created": seconds(enrolled),
                    "lastContact": seconds(now - Duration::hours(1)),
                })
            })
            .collect();
        Mock::given(method("GET"))
            .and(path("/v2/devices"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(Value::Array(devices)))
            .mount(&server)
            .await;
        let health: Vec<Value> = (1..=10)
            .map(|id| json!({"deviceId": id, "healthStatus": "HEALTHY", "activeThreatsCount": 0, "offline": false}))
            .collect();
        Mock::given(method("GET"))
            .and(path("/v2/queries/device-health"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": health})))
            .mount(&server)
            .await;
        let pending: Vec<Value> = (5..=7)
            .map(|id| {
                json!({"id": format!("patch-{id}"), "name": "2026-10 Cumulative Update", "severity": "CRITICAL",
                       "status": "APPROVED", "type": "SECURITY_UPDATES", "deviceId": id,
                       "timestamp": seconds(now - Duration::days(20)), "kbNumber": "KB5031356"})
            })
            .collect();
        Mock::given(method("GET"))
            .and(path("/v2/queries/os-patches"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"cursor": {"name": "c1", "offset": 0, "count": 3}, "results": pending})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/queries/os-patch-installs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
                {"id": "inst-1", "name": "2026-09 Cumulative Update", "severity": "CRITICAL", "status": "INSTALLED",
                 "deviceId": 1, "installedAt": seconds(now - Duration::days(40)), "timestamp": seconds(now - Duration::days(45))}
            ]})))
            .mount(&server)
            .await;
        let mut jobs = Vec::new();
        for day in 1..=30 {
            for device in 1..=2 {
                let failed = device == 2 && day == 5;
                jobs.push(json!({
                    "jobId": format!("job-{device}-{day}"),
                    "jobStartTime": seconds(now - Duration::days(day) + Duration::hours(1)),
                    "jobEndTime": seconds(now - Duration::days(day) + Duration::hours(2)),
                    "jobStatus": if failed { "FAILED" } else { "COMPLETED" },
                    "planName": "Nightly image",
                    "planType": "IMAGE",
                    "deviceId": device,
                }));
            }
        }
        Mock::given(method("GET"))
            .and(path("/v2/backup/jobs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": jobs})))
            .mount(&server)
            .await;
        FakeNinjaOne { server }
    }

    pub fn base_url(&self) -> String {
        self.server.uri()
    }
}
