//! The one formatter against the table of cases the UI's mirror
//! (`ui/src/lib/format.ts`) is tested against too, so the two cannot drift.

use serde::Deserialize;
use sightline_domain::{Unit, value_beside, value_text};

#[derive(Deserialize)]
struct Case {
    value: Option<f64>,
    unit: String,
    /// When given, the value is written beside this target.
    target: Option<f64>,
    text: String,
}

fn written(case: &Case) -> String {
    match case.target {
        Some(_) => value_beside(case.value, case.target, &case.unit),
        None => value_text(case.value, &case.unit),
    }
}

#[test]
fn every_value_is_written_as_the_shared_table_says() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("format-cases.json")).unwrap();
    assert_eq!(cases.len(), 96);
    let wrong: Vec<String> = cases
        .iter()
        .filter(|case| written(case) != case.text)
        .map(|case| {
            format!("{:?} {} {:?}: {} (table: {})", case.value, case.unit, case.target, written(case), case.text)
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    for unit in Unit::ALL {
        assert!(cases.iter().any(|case| case.unit == unit.as_str() && case.value.is_some()), "{unit:?} has no case");
        assert!(
            cases.iter().any(|case| case.unit == unit.as_str() && case.value.is_none()),
            "{unit:?}: no missing case"
        );
    }
    assert_eq!(Unit::Minutes.text(f64::NAN), "no data");
}
