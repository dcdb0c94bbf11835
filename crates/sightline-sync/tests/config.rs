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
    assert_eq!(config.sources[0].priority_map.get("Urgent").map(String::as_str), Some("P1"));
    // Relative paths are relative to the file.
    assert_eq!(config.sources[1].path.as_deref(), Some(Path::new("/etc/hf/data/tickets.csv")));
    let company = config.company(&Default::default());
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
