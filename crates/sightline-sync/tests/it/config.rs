//! The configuration file: what is accepted, and the errors for what is
//! not, each naming the file, the line and the fix.

use std::path::Path;

use sightline_sync::Config;

fn problems(text: &str) -> Vec<String> {
    Config::parse(text, Path::new("/etc/hf/sightline.toml")).unwrap_err().problems
}

const GOOD: &str = r#"
company = "Harbor & Finch Logistics"
timezone = "Europe/London"

[[vendor]]
id = "bluepeak"
name = "Bluepeak IT Services"
kind = "msp"
monthly_cost = 12000
last_review = "2026-09-01"

[[vendor.sla]]
priority = "P1"
respond_minutes = 15
resolve_minutes = 240
effective_from = "2025-01-01"

[[source]]
id = "bluepeak-psa"
kind = "connectwise"
vendor = "bluepeak"
base_url = "https://api-eu.myconnectwise.net/v4_6_release/apis/3.0"
company_id = "harborfinch"
client_id = "0b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee"
priority_map = { "Urgent" = "P1" }

[[source]]
id = "spreadsheet"
kind = "csv"
vendor = "bluepeak"
path = "data/tickets.csv"
record = "tickets"
"#;

#[test]
fn a_good_file_is_read_whole() {
    let config = Config::parse(GOOD, Path::new("/etc/hf/sightline.toml")).unwrap();
    assert_eq!(config.company, "Harbor & Finch Logistics");
    assert_eq!(config.timezone, "Europe/London");
    assert_eq!(config.vendors[0].sla[0].respond_minutes, Some(15));
    assert_eq!(config.sources.len(), 2);
    assert_eq!(config.sources[0].priority_map().get("Urgent").map(String::as_str), Some("P1"));
    // Relative paths are relative to the file.
    assert_eq!(config.sources[1].path("path").as_deref(), Some(Path::new("/etc/hf/data/tickets.csv")));
    let company = config.company(&Default::default(), &Default::default());
    assert_eq!(company.contracts[0].compliance_target_pct, 95.0);
    assert_eq!(company.sources[1].name, "CSV file");
}

#[test]
fn an_unknown_key_names_its_line() {
    let text = GOOD.replace("monthly_cost = 12000", "monthly_cost = 12000\ncolour = \"blue\"");
    let found = problems(&text);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("/etc/hf/sightline.toml line 10: unknown field `colour`"), "{found:?}");
}

#[test]
fn an_unknown_vendor_duplicate_ids_and_plain_http_are_refused() {
    let text = GOOD
        .replace("vendor = \"bluepeak\"\npath", "vendor = \"bluepeek\"\npath")
        .replace("id = \"spreadsheet\"", "id = \"bluepeak-psa\"")
        .replace("https://api-eu.myconnectwise.net", "http://api-eu.myconnectwise.net");
    let found = problems(&text);
    assert_eq!(
        found,
        vec![
            "/etc/hf/sightline.toml line 18: source 'bluepeak-psa': 'http://api-eu.myconnectwise.net/v4_6_release/apis/3.0' \
             uses plain http, which would send credentials unencrypted: use https (plain http is allowed only to this \
             machine)"
                .to_string(),
            "/etc/hf/sightline.toml line 27: the source id 'bluepeak-psa' is used twice: give each source its own id"
                .to_string(),
            "/etc/hf/sightline.toml line 27: source 'bluepeak-psa' names the vendor 'bluepeek', which is not defined: \
             add a [[vendor]] with id = \"bluepeek\" or correct the name"
                .to_string(),
        ]
    );
}

#[test]
fn kind_specific_keys_are_checked() {
    let text = GOOD.replace("company_id = \"harborfinch\"\n", "hosts = [\"www.example.com:443\"]\n");
    let found = problems(&text);
    assert_eq!(
        found,
        vec![
            "/etc/hf/sightline.toml line 18: source 'bluepeak-psa': a connectwise source needs `company_id`: add it"
                .to_string(),
            "/etc/hf/sightline.toml line 18: source 'bluepeak-psa': `hosts` is not a setting of a connectwise source: \
             remove it"
                .to_string(),
        ]
    );
}

#[test]
fn bad_values_are_explained() {
    let text = GOOD
        .replace("Europe/London", "Europe/Londn")
        .replace("priority = \"P1\"", "priority = \"Urgent\"")
        .replace("{ \"Urgent\" = \"P1\" }", "{ \"Urgent\" = \"P9\" }");
    let found = problems(&text);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].contains("line 3: the timezone 'Europe/Londn' is unknown"), "{found:?}");
    assert!(found[1].contains("vendor 'bluepeak' has an SLA for priority 'Urgent': use P1, P2, P3 or P4"), "{found:?}");
    assert!(found[2].contains("priority_map sends 'Urgent' to 'P9', which is not a contract priority"));
}

#[test]
fn a_syntax_error_names_its_line() {
    let found = problems("[[vendor]]\nid = \"a\"\nname = \"A\nkind = \"msp\"\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("/etc/hf/sightline.toml line 3: "), "{found:?}");
}

const CONTRACT: &str = r#"
timezone = "Europe/London"

[[vendor]]
id = "northwind"
name = "Northwind IT"
kind = "msp"
monthly_cost = 18400
hours = "Mon-Fri 08:00-18:00"
holidays = ["2026-12-25", "2026-12-28"]

[[vendor.sla]]
priority = "P1"
respond_minutes = 30
resolve_minutes = 240
clock = "24x7"

[[vendor.sla]]
priority = "P3"
respond_minutes = 240
resolve_minutes = 1440

[vendor.credits]
percent_per_point = 1.0
cap_percent = 15
"#;

#[test]
fn a_contract_with_hours_holidays_clocks_and_credits() {
    use sightline_domain::{ServiceCredits, SlaClock};
    let config = Config::parse(CONTRACT, Path::new("/etc/hf/sightline.toml")).unwrap();
    let company = config.company(&Default::default(), &Default::default());
    let contract = &company.contracts[0];
    assert_eq!(contract.terms.hours.as_ref().map(ToString::to_string).as_deref(), Some("Mon-Fri 08:00-18:00"));
    assert_eq!(
        contract.terms.holidays.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["2026-12-25", "2026-12-28"]
    );
    assert_eq!(contract.terms.credits, Some(ServiceCredits { percent_per_point: 1.0, cap_percent: 15.0 }));
    assert_eq!(contract.sla[0].clock, Some(SlaClock::RoundTheClock));
    // No clock named: business, since the vendor has hours.
    assert_eq!(contract.sla[1].clock, None);
    assert_eq!(contract.clock_of(Some(&contract.sla[1])), SlaClock::Business);
}

#[test]
fn contract_mistakes_are_explained() {
    let file = "/etc/hf/sightline.toml";
    assert_eq!(
        problems(&CONTRACT.replace("Mon-Fri 08:00-18:00", "Mon-Fry 08:00-18:00")),
        [format!("{file} line 9: 'Fry' is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun")]
    );
    assert_eq!(
        problems(&CONTRACT.replace("\"24x7\"", "\"always\"")),
        [format!("{file} line 16: unknown variant `always`, expected `24x7` or `business`")]
    );
    let without_hours =
        CONTRACT.replace("hours = \"Mon-Fri 08:00-18:00\"\n", "").replace("clock = \"24x7\"", "clock = \"business\"");
    assert_eq!(
        problems(&without_hours),
        [
            format!(
                "{file} line 4: vendor 'northwind': the P1 target runs on the business clock, but the vendor has no hours: \
                 add hours = \"Mon-Fri 08:00-18:00\" (the contract's hours) or use clock = \"24x7\""
            ),
            format!(
                "{file} line 4: vendor 'northwind' has holidays but no business hours: holidays only stop a business \
                 clock; add hours = \"Mon-Fri 08:00-18:00\" (the contract's hours)"
            ),
        ]
    );
    assert_eq!(
        problems(&CONTRACT.replace("monthly_cost = 18400\n", "")),
        [format!(
            "{file} line 4: vendor 'northwind' has service credits but no monthly_cost: credits are a share of it, so \
             add monthly_cost"
        )]
    );
}

/// What a source table refuses, each at its line: pinned before the
/// source kinds describe their own settings, so that the move keeps them.
#[test]
fn a_source_tables_bad_keys_and_values_name_their_lines() {
    let unknown = GOOD.replace(
        "client_id = \"0b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee\"\n",
        "client_id = \"0b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee\"\ncolour = \"blue\"\n",
    );
    let found = problems(&unknown);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("/etc/hf/sightline.toml line 25: unknown field `colour`"), "{found:?}");

    let record = GOOD.replace("record = \"tickets\"", "record = \"invoices\"");
    let found = problems(&record);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("/etc/hf/sightline.toml line 32: unknown variant `invoices`"), "{found:?}");

    let size = GOOD.replace("record = \"tickets\"", "record = \"tickets\"\npage_size = \"many\"");
    let found = problems(&size);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("/etc/hf/sightline.toml line 33: invalid type: string \"many\""), "{found:?}");
}

/// A source's settings fingerprint decides whether its next read is full:
/// pinned, so that a change in how settings are kept cannot force every
/// source to be read again in full.
#[test]
fn a_sources_settings_fingerprint_is_stable() {
    let config = Config::parse(GOOD, Path::new("/etc/hf/sightline.toml")).unwrap();
    let fingerprints: Vec<String> = config.sources.iter().map(sightline_sync::fingerprint).collect();
    assert_eq!(fingerprints, vec!["15c25df82a85f150".to_string(), "280990c2fbc3b475".to_string()]);
}

/// The company's own security tools and directory are sources like any
/// other: each kind's settings are read and checked from its description,
/// and a provider named in `provider_domains` must be a vendor.
#[test]
fn security_tools_and_the_directory_are_configured_like_any_source() {
    let text = r#"
company = "Harbor & Finch Logistics"

[[vendor]]
id = "bluepeak"
name = "Bluepeak IT Services"
kind = "msp"

[[vendor]]
id = "internal"
name = "Internal IT"
kind = "internal"

[[source]]
id = "bluepeak-rmm"
kind = "dattormm"
vendor = "bluepeak"
base_url = "https://zinfandel-api.centrastage.net"

[[source]]
id = "defender"
kind = "defender"
vendor = "internal"
tenant_id = "7f3e2a10-0000-4c3e-9d55-5a1f00c0ffee"
client_id = "2b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee"

[[source]]
id = "scanner"
kind = "tenable"
vendor = "internal"

[[source]]
id = "directory"
kind = "entra"
vendor = "internal"
tenant_id = "harborfinch.example"
client_id = "2b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee"
provider_domains = { "bluepeak.example" = "bluepeak" }
"#;
    let config = Config::parse(text, Path::new("/etc/hf/sightline.toml")).unwrap();
    let kinds: Vec<(&str, Option<&str>)> =
        config.sources.iter().map(|source| (source.kind.as_str(), source.kind.secret_form())).collect();
    assert_eq!(
        kinds,
        [
            ("dattormm", Some("API_KEY:API_SECRET")),
            ("defender", Some("CLIENT_SECRET")),
            ("tenable", Some("ACCESS_KEY:SECRET_KEY")),
            ("entra", Some("CLIENT_SECRET")),
        ]
    );
    let file = "/etc/hf/sightline.toml";
    assert_eq!(
        problems(&text.replace("\"bluepeak.example\" = \"bluepeak\"", "\"bluepeak.example\" = \"blupeak\"")),
        [format!(
            "{file} line 32: source 'directory': provider_domains names the vendor 'blupeak', which is not defined: add \
             a [[vendor]] with id = \"blupeak\" or correct the name"
        )]
    );
    assert_eq!(
        problems(&text.replace(
            "kind = \"tenable\"\nvendor = \"internal\"",
            "kind = \"tenable\"\nvendor = \"internal\"\ntenant_id = \"x\""
        )),
        [format!("{file} line 27: source 'scanner': `tenant_id` is not a setting of a tenable source: remove it")]
    );
    assert_eq!(
        problems(&text.replace("client_id = \"2b7e5a8c-1111-4c3e-9d55-5a1f00c0ffee\"\nprovider", "provider")),
        [format!("{file} line 32: source 'directory': an entra source needs `client_id`: add it")]
    );
}
