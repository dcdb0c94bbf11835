//! Changing a vendor's contract in `sightline.toml` from the vendor page:
//! the rest of the file, its comments and its order stay as they were, and
//! a contract the configuration would refuse leaves the file untouched.

use sightline_domain::{BusinessHours, ServiceCredits, SlaClock};
use sightline_sync::{ContractEdit, SlaConfig, set_contract};

const BEFORE: &str = r#"# Harbour Freight's providers. Edited by hand too.
company = "Harbour Freight Co"
timezone = "Europe/London"

# Our managed service provider.
[[vendor]]
id = "quayside"
name = "Quayside IT"
kind = "msp"
monthly_cost = 4200 # excluding VAT
compliance_target_pct = 90 # agreed in 2025

# The old contract's one target.
[[vendor.sla]]
priority = "P1"
respond_minutes = 60

[[vendor]]
id = "internal"
name = "Internal IT"
kind = "internal"
"#;

const AFTER: &str = r#"# Harbour Freight's providers. Edited by hand too.
company = "Harbour Freight Co"
timezone = "Europe/London"

# Our managed service provider.
[[vendor]]
id = "quayside"
name = "Quayside IT"
kind = "msp"
monthly_cost = 4200 # excluding VAT
compliance_target_pct = 95 # agreed in 2025
hours = "Mon-Fri 08:00-18:00"
holidays = ["2026-12-25", "2026-12-28"]

# The old contract's one target.
[[vendor.sla]]
priority = "P1"
respond_minutes = 30
resolve_minutes = 240
clock = "24x7"

[[vendor.sla]]
priority = "P1"
respond_minutes = 15
effective_from = "2027-01-01"

[[vendor.sla]]
priority = "P3"
respond_minutes = 240
resolve_minutes = 1440

[vendor.credits]
percent_per_point = 1.5
cap_percent = 15

[[vendor]]
id = "internal"
name = "Internal IT"
kind = "internal"
"#;

fn target(priority: &str, respond: Option<i64>, resolve: Option<i64>) -> SlaConfig {
    SlaConfig {
        priority: priority.into(),
        respond_minutes: respond,
        resolve_minutes: resolve,
        effective_from: None,
        clock: None,
    }
}

fn contract() -> ContractEdit {
    ContractEdit {
        compliance_target_pct: Some(95.0),
        hours: Some(BusinessHours::parse("mon-fri 08:00-18:00").unwrap()),
        holidays: vec!["2026-12-25".parse().unwrap(), "2026-12-28".parse().unwrap()],
        sla: vec![
            SlaConfig { clock: Some(SlaClock::RoundTheClock), ..target("P1", Some(30), Some(240)) },
            SlaConfig { effective_from: Some("2027-01-01".parse().unwrap()), ..target("P1", Some(15), None) },
            target("P3", Some(240), Some(1440)),
        ],
        credits: Some(ServiceCredits { percent_per_point: 1.5, cap_percent: 15.0 }),
    }
}

#[test]
fn a_contract_is_written_in_place_keeping_comments_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sightline.toml");
    std::fs::write(&path, BEFORE).unwrap();

    let config = set_contract(&path, "quayside", &contract()).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), AFTER);
    let vendor = &config.vendors[0];
    assert_eq!(vendor.sla.len(), 3);
    assert_eq!(vendor.credits, Some(ServiceCredits { percent_per_point: 1.5, cap_percent: 15.0 }));
    assert!(config.vendors[1].sla.is_empty() && config.vendors[1].hours.is_none(), "the other vendor is untouched");

    // Setting the same contract again changes nothing.
    set_contract(&path, "quayside", &contract()).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), AFTER);

    // Emptied, the contract's keys go and the vendor's own stay.
    set_contract(&path, "quayside", &ContractEdit::default()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("monthly_cost = 4200 # excluding VAT\n\n[[vendor]]\nid = \"internal\""), "{text}");
    for gone in ["compliance_target_pct", "hours", "holidays", "[[vendor.sla]]", "[vendor.credits]"] {
        assert!(!text.contains(gone), "{gone} is still there:\n{text}");
    }
    assert!(text.starts_with("# Harbour Freight's providers. Edited by hand too.\n"), "{text}");
}

#[test]
fn a_refused_contract_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sightline.toml");
    std::fs::write(&path, BEFORE).unwrap();
    let file = path.display().to_string();

    // The business clock with no business hours.
    let no_hours = ContractEdit {
        hours: None,
        holidays: Vec::new(),
        sla: vec![SlaConfig { clock: Some(SlaClock::Business), ..target("P1", Some(30), None) }],
        ..contract()
    };
    let error = set_contract(&path, "quayside", &no_hours).unwrap_err();
    assert_eq!(error.problems.len(), 1, "{error}");
    assert!(error.problems[0].starts_with(&format!("{file} line ")), "{error}");
    assert!(
        error.problems[0].ends_with(
            "vendor 'quayside': the P1 target runs on the business clock, but the vendor has no hours: add hours = \
             \"Mon-Fri 08:00-18:00\" (the contract's hours) or use clock = \"24x7\""
        ),
        "{error}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), BEFORE.as_bytes());

    // Credits for a vendor with no monthly cost.
    let error = set_contract(&path, "internal", &contract()).unwrap_err();
    assert!(error.to_string().contains("vendor 'internal' has service credits but no monthly_cost"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), BEFORE.as_bytes());

    // A vendor that is not in the file.
    let error = set_contract(&path, "ghost", &contract()).unwrap_err();
    assert_eq!(error.problems, [format!("there is no vendor 'ghost' in {file}")]);
    assert_eq!(std::fs::read(&path).unwrap(), BEFORE.as_bytes());
    assert!(!path.with_extension("toml.new").exists(), "no half-written file is left behind");
}
