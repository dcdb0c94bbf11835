//! Numbers and durations written the way an executive reads them.

use chrono::{DateTime, Duration, Utc};
use sightline_domain::Unit;

/// "78.4%", "41 min", "5.2 h", "216 days", "12".
pub fn value_text(value: Option<f64>, unit: Unit) -> String {
    let Some(value) = value else {
        return "no data".into();
    };
    match unit {
        Unit::Percent => format!("{value:.1}%"),
        Unit::Minutes if value >= 90.0 => {
            let minutes = value.round() as i64;
            format!("{} h {:02} min", minutes / 60, minutes % 60)
        }
        Unit::Minutes => format!("{value:.0} min"),
        Unit::Hours => format!("{value:.1} h"),
        Unit::Days if value.abs() == 1.0 => format!("{value:.0} day"),
        Unit::Days => format!("{value:.0} days"),
        Unit::Count => format!("{value:.0}"),
        Unit::Money => money_text(value),
    }
}

/// An amount in the company's currency, to the whole unit: "1,740".
pub fn money_text(value: f64) -> String {
    let rounded = value.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}{}", thousands(rounded.abs() as u64))
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

/// "1,234".
pub fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

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
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        assert_eq!(age_text(now - Duration::seconds(20), now), "just now");
        assert_eq!(age_text(now - Duration::minutes(35), now), "35 min ago");
        assert_eq!(age_text(now - Duration::hours(5), now), "5 h ago");
        assert_eq!(age_text(now - Duration::days(3), now), "3 days ago");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
