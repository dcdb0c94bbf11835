//! A fake domain registry on 127.0.0.1: IANA's RDAP bootstrap file
//! (RFC 9224) naming itself for `.example`, and RFC 9083 domain answers
//! for the domains it is given, shaped as a registry's (handle, status,
//! registrar entity as a jCard, events, conformance); 404 for the rest.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The running registry.
#[derive(Debug)]
pub struct FakeRegistry {
    pub server: MockServer,
}

impl FakeRegistry {
    /// Knows each `(domain, expiry as RFC 3339, registrar)`.
    pub async fn start(domains: &[(&str, &str, &str)]) -> FakeRegistry {
        let server = MockServer::start().await;
        let base = format!("{}/rdap/", server.uri());
        Mock::given(method("GET"))
            .and(path("/bootstrap/dns.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "description": "RDAP bootstrap file for Domain Name System registrations",
                "publication": "2026-11-01T18:00:01Z",
                "services": [
                    [["com", "net"], ["https://rdap.registry.invalid/com/v1/"]],
                    [["example"], [base]]
                ],
                "version": "1.0"
            })))
            .mount(&server)
            .await;
        for (domain, expiry, registrar) in domains {
            Mock::given(method("GET"))
                .and(path(format!("/rdap/domain/{domain}")))
                .respond_with(
                    ResponseTemplate::new(200).insert_header("Content-Type", "application/rdap+json").set_body_json(
                        serde_json::json!({
                            "objectClassName": "domain",
                            "handle": format!("{}_DOMAIN_EXAMPLE-VRSN", domain.len()),
                            "ldhName": domain.to_ascii_uppercase(),
                            "status": ["client transfer prohibited"],
                            "entities": [{
                                "objectClassName": "entity",
                                "handle": "292",
                                "roles": ["registrar"],
                                "publicIds": [{ "type": "IANA Registrar ID", "identifier": "292" }],
                                "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]]
                            }],
                            "events": [
                                { "eventAction": "registration", "eventDate": "2011-03-02T17:41:05Z" },
                                { "eventAction": "expiration", "eventDate": expiry },
                                { "eventAction": "last update of RDAP database", "eventDate": "2026-11-10T09:50:12Z" }
                            ],
                            "secureDNS": { "delegationSigned": false },
                            "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_0"]
                        }),
                    ),
                )
                .mount(&server)
                .await;
        }
        FakeRegistry { server }
    }

    /// The bootstrap file's address, as a source's `rdap_bootstrap`.
    pub fn bootstrap(&self) -> String {
        format!("{}/bootstrap/dns.json", self.server.uri())
    }
}
