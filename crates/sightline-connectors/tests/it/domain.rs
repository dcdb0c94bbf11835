//! The domain and e-mail check against a local DNS server and a local
//! registry (RDAP) on 127.0.0.1: what it records of each domain's SPF,
//! DMARC and mail servers, the expiry its registry gives, and what it says
//! when a domain does not exist, DNS fails or the registry does not know.
//! The RDAP answers follow RFC 9083 and IANA's bootstrap file RFC 9224:
//! the shared fixtures hold no registry response.

use chrono::{DateTime, TimeZone, Utc};
use sightline_connectors::{FetchError, FetchErrorKind, FetchRequest, Fetched, HttpOptions, SourceConfig};
use sightline_test_support::dns::{Answer, Dns};
use sightline_test_support::rdap::FakeRegistry;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 10, 10, 0, 0).unwrap()
}

fn source(settings: serde_json::Value) -> SourceConfig {
    let mut table = serde_json::json!({ "id": "domains", "kind": "domain", "vendor": "stratus" });
    table.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
    let source: SourceConfig = serde_json::from_value(table).unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    source
}

async fn check(source: &SourceConfig) -> Result<Fetched, FetchError> {
    let http = HttpOptions { timeout: std::time::Duration::from_secs(1), ..HttpOptions::default() };
    let request = FetchRequest { source, secret: None, since: None, now: now(), http: &http, known_content: None };
    sightline_connectors::fetch(request, &|_| {}).await
}

fn zone() -> Dns {
    Dns::start(
        &[
            ("harborfinch.example", Answer::Txt("v=spf1 include:_spf.mailhost.example -all".into())),
            ("harborfinch.example", Answer::Txt("google-site-verification=abc123".into())),
            ("harborfinch.example", Answer::Mx(20, "mx2.mailhost.example".into())),
            ("harborfinch.example", Answer::Mx(10, "mx1.mailhost.example".into())),
            (
                "_dmarc.harborfinch.example",
                Answer::Txt("v=DMARC1; p=none; rua=mailto:dmarc@harborfinch.example".into()),
            ),
            ("harborfinch-shop.example", Answer::Txt("v=spf1 -all".into())),
            ("_dmarc.harborfinch-shop.example", Answer::Txt("v=DMARC1; p=reject".into())),
        ],
        &["broken.example"],
    )
}

#[tokio::test]
async fn each_domain_is_recorded_as_dns_and_its_registry_publish_it() {
    let dns = zone();
    let registry =
        FakeRegistry::start(&[("harborfinch.example", "2026-12-29T17:41:05Z", "Northwind Names, Inc.")]).await;
    let fetched = check(&source(serde_json::json!({
        "domains": ["HarborFinch.example.", "harborfinch-shop.example"],
        "nameservers": [dns.address()],
        "rdap_bootstrap": registry.bootstrap(),
    })))
    .await
    .unwrap();
    assert!(!fetched.full, "one registry did not know its domain: the store keeps its last expiry");
    let [finch, shop] = fetched.batch.domains.as_slice() else { panic!("{:?}", fetched.batch.domains) };
    assert_eq!(finch.domain, "harborfinch.example");
    assert_eq!(finch.provenance.record_id, "harborfinch.example");
    assert_eq!(finch.provenance.fetched_at, now());
    assert_eq!(finch.vendor_id, "stratus");
    assert_eq!(finch.spf, ["v=spf1 include:_spf.mailhost.example -all"]);
    assert_eq!(finch.dmarc, ["v=DMARC1; p=none; rua=mailto:dmarc@harborfinch.example"]);
    assert_eq!(finch.mail_servers, ["mx1.mailhost.example", "mx2.mailhost.example"]);
    assert_eq!(finch.expires_at, Some(Utc.with_ymd_and_hms(2026, 12, 29, 17, 41, 5).unwrap()));
    assert_eq!(finch.registrar.as_deref(), Some("Northwind Names, Inc."));
    assert_eq!(finch.spoofing(), Some(sightline_domain::Spoofing::DmarcNone));

    // No MX records is no mail servers; the registry does not know it.
    assert_eq!(shop.spf, ["v=spf1 -all"]);
    assert_eq!(shop.dmarc, ["v=DMARC1; p=reject"]);
    assert!(shop.mail_servers.is_empty());
    assert_eq!((shop.expires_at, shop.spoofing()), (None, None));
    assert_eq!(
        fetched.warnings,
        ["harborfinch-shop.example: its registry has no record of it: its expiry was not checked"]
    );
}

#[tokio::test]
async fn a_domain_dns_cannot_answer_for_keeps_its_last_record_and_says_why() {
    let dns = zone();
    let fetched = check(&source(serde_json::json!({
        "domains": ["harborfinch.example", "harborfnch.example", "broken.example"],
        "nameservers": [dns.address()],
        "expiry": "off",
    })))
    .await
    .unwrap();
    assert!(!fetched.full, "a domain not read this time keeps its last record");
    assert_eq!(fetched.batch.domains.len(), 1);
    assert_eq!(fetched.batch.domains[0].expires_at, None);
    assert_eq!(fetched.warnings.len(), 2, "{:?}", fetched.warnings);
    assert_eq!(fetched.warnings[0], "harborfnch.example does not exist in DNS: check the name");
    assert_eq!(
        fetched.warnings[1],
        "broken.example could not be looked up in DNS (DNS error: error response: Server Failure)"
    );
}

#[tokio::test]
async fn when_no_domain_can_be_looked_up_nothing_is_recorded() {
    // A DNS server that is not there: this machine's network, not a domain.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap().to_string();
    let error = check(&source(serde_json::json!({
        "domains": ["harborfinch.example"],
        "nameservers": [address],
        "expiry": "off",
    })))
    .await
    .unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Connection);
    assert_eq!(
        error.message,
        "no domain could be looked up (harborfinch.example could not be looked up in DNS (request timed out)): this \
         machine may be offline or its DNS server unreachable, so nothing was recorded"
    );
}

#[tokio::test]
async fn a_run_where_no_domain_exists_blames_the_names_not_the_network() {
    let dns = zone();
    let error = check(&source(serde_json::json!({
        "domains": ["harborfnch.example"],
        "nameservers": [dns.address()],
        "expiry": "off",
    })))
    .await
    .unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Config);
    assert_eq!(
        error.message,
        "none of the domains exists in DNS (harborfnch.example does not exist in DNS: check the name): check the \
         names in `domains`"
    );
}

#[test]
fn settings_that_are_not_names_or_servers_are_refused_before_any_run() {
    let source: SourceConfig = serde_json::from_value(serde_json::json!({
        "id": "domains", "kind": "domain", "vendor": "stratus",
        "domains": ["https://harborfinch.example/", "harborfinch.example"],
        "nameservers": ["dns.example:53"],
    }))
    .unwrap();
    assert_eq!(
        source.check(),
        [
            "'https://harborfinch.example/' is not a domain name (write it as example.com, without https:// or a path)",
            "the DNS server 'dns.example:53' is not an IP address, with a port where it is not 53",
        ]
    );
}
