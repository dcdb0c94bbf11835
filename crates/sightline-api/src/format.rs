//! Numbers and durations written the way an executive reads them.

use chrono::{DateTime, Duration, Utc};
use sightline_domain::Unit;

/// "78.4%", "41 min", "5.2 h", "216 days", "12"; "no data" when missing.
/// The one formatter (`Unit::text`), which the charts, the PDF and the CLI
/// use too.
pub fn value_text(value: Option<f64>, unit: Unit) -> String {
    value.map_or_else(|| "no data".into(), |value| unit.text(value))
}

/// A figure whose unit is written as a word (`percent`, `days`), as the
/// DTOs carry it: the CLI's tables.
pub fn figure_text(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "-".into(),
        value => sightline_domain::value_text(value, unit),
    }
}

/// A figure shown with its target: never the same text as a target it
/// missed or beat ("94.96%" beside 95%, `Unit::text_beside`).
pub fn beside_text(value: Option<f64>, target: Option<f64>, unit: Unit) -> String {
    match (value, target) {
        (Some(value), Some(target)) => unit.text_beside(value, target),
        _ => value_text(value, unit),
    }
}

/// A figure beside its target, as the CLI's tables show it: never the
/// same text as a target it missed (`Unit::text_beside`).
pub fn figure_beside(value: Option<f64>, target: Option<f64>, unit: &str) -> String {
    match value {
        None => "-".into(),
        value => sightline_domain::value_beside(value, target, unit),
    }
}

/// An amount in the company's currency, to the whole unit: "1,740".
pub fn money_text(value: f64) -> String {
    Unit::Money.text(value)
}

/// "just now", "12 min ago", "2 h ago", "3 days ago".
pub fn age_text(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let age = now - then;
    if age < Duration::minutes(1) {
        "just now".into()
    } else if age < Duration::hours(1) {
        format!("{} min ago", age.num_minutes())
    } else if age < Duration::hours(48) {
        format!("{} h ago", age.num_hours())
    } else {
        format!("{} days ago", age.num_days())
    }
}

pub use sightline_domain::thousands;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn values_and_ages_read_plainly() {
        assert_eq!(value_text(Some(78.4321), Unit::Percent), "78.4%");
        assert_eq!(value_text(Some(41.4), Unit::Minutes), "41 min");
        assert_eq!(value_text(Some(153.2), Unit::Minutes), "2 h 33 min");
        assert_eq!(value_text(Some(216.0), Unit::Days), "216 days");
        assert_eq!(value_text(Some(1.0), Unit::Days), "1 day");
        assert_eq!(value_text(None, Unit::Count), "no data");
        assert_eq!(value_text(Some(3.25), Unit::Hours), "3.3 h");
        assert_eq!(value_text(Some(99.95), Unit::Percent), "99.95%");
        assert_eq!(value_text(Some(-0.04), Unit::Days), "0 days");
        assert_eq!(value_text(Some(1740.4), Unit::Money), "1,740");
        assert_eq!(value_text(Some(-1234567.0), Unit::Money), "-1,234,567");
        assert_eq!(figure_text(Some(75.24), "percent"), "75.2%");
        assert_eq!(figure_text(None, "percent"), "-");
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        assert_eq!(age_text(now - Duration::seconds(20), now), "just now");
        assert_eq!(age_text(now - Duration::minutes(35), now), "35 min ago");
        assert_eq!(age_text(now - Duration::hours(5), now), "5 h ago");
        assert_eq!(age_text(now - Duration::days(3), now), "3 days ago");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
