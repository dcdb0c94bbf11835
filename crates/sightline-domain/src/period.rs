//! Calendar periods (months and quarters) that metrics are computed over.
//! A period covers [start, end).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
}

/// A calendar month (`2026-10`) or quarter (`2026-Q3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a period: write a month as 2026-10 or a quarter as 2026-Q3")]
pub struct PeriodError(String);

impl Period {
    /// The month that contains `at`, in UTC.
    pub fn month_of(at: DateTime<Utc>) -> Period {
        Period::month_of_in(at, Tz::UTC)
    }

    /// The quarter that contains `at`, in UTC.
    pub fn quarter_of(at: DateTime<Utc>) -> Period {
        Period::quarter_of_in(at, Tz::UTC)
    }

    /// The month that contains `at` on the company's calendar.
    pub fn month_of_in(at: DateTime<Utc>, tz: Tz) -> Period {
        let local = at.with_timezone(&tz);
        Period::Month { year: local.year(), month: local.month() }
    }

    /// The quarter that contains `at` on the company's calendar.
    pub fn quarter_of_in(at: DateTime<Utc>, tz: Tz) -> Period {
        let local = at.with_timezone(&tz);
        Period::Quarter { year: local.year(), quarter: (local.month() - 1) / 3 + 1 }
    }

    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Month { .. } => PeriodKind::Month,
            Period::Quarter { .. } => PeriodKind::Quarter,
        }
    }

    fn first_month(self) -> (i32, u32) {
        match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1),
        }
    }

    fn months(self) -> u32 {
        match self {
            Period::Month { .. } => 1,
            Period::Quarter { .. } => 3,
        }
    }

    /// The first instant, at midnight UTC.
    pub fn start(self) -> DateTime<Utc> {
        self.start_in(Tz::UTC)
    }

    /// The first instant after the period, at midnight UTC.
    pub fn end(self) -> DateTime<Utc> {
        self.end_in(Tz::UTC)
    }

    /// The first instant, at local midnight in `tz`.
    pub fn start_in(self, tz: Tz) -> DateTime<Utc> {
        let (year, month) = self.first_month();
        month_start(year, month, tz)
    }

    /// The first instant after the period, at local midnight in `tz`.
    pub fn end_in(self, tz: Tz) -> DateTime<Utc> {
        self.next().start_in(tz)
    }

    /// Whether `at` falls in [start, end) in UTC.
    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.start() <= at && at < self.end()
    }

    pub fn next(self) -> Period {
        self.shift(1)
    }

    pub fn previous(self) -> Period {
        self.shift(-1)
    }

    /// The period `steps` periods later (earlier when negative).
    pub fn shift(self, steps: i32) -> Period {
        match self {
            Period::Month { year, month } => {
                let index = year * 12 + (month as i32 - 1) + steps;
                Period::Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
            }
            Period::Quarter { year, quarter } => {
                let index = year * 4 + (quarter as i32 - 1) + steps;
                Period::Quarter { year: index.div_euclid(4), quarter: index.rem_euclid(4) as u32 + 1 }
            }
        }
    }

    /// "October 2026" or "Q3 2026".
    pub fn label(self) -> String {
        match self {
            Period::Month { .. } => self.start().format("%B %Y").to_string(),
            Period::Quarter { year, quarter } => format!("Q{quarter} {year}"),
        }
    }

    /// The months the period covers, in order.
    pub fn months_in(self) -> Vec<Period> {
        let (year, month) = self.first_month();
        let first = Period::Month { year, month };
        (0..self.months() as i32).map(|step| first.shift(step)).collect()
    }

    /// Number of months covered; used by callers that size windows.
    pub fn month_count(self) -> u32 {
        self.months()
    }
}

fn month_start(year: i32, month: u32, tz: Tz) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(year, month, 1).expect("month is in 1..=12");
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Where a clock change skips local midnight, the month starts at the
    // first instant that exists.
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(midnight + chrono::Duration::hours(1))).earliest())
        .expect("one of the first two local hours exists")
        .with_timezone(&Utc)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError(text.to_string());
        let (year, rest) = text.trim().split_once('-').ok_or_else(error)?;
        let year: i32 = year.parse().map_err(|_| error())?;
        if !(1970..=9999).contains(&year) {
            return Err(error());
        }
        if let Some(quarter) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let quarter: u32 = quarter.parse().map_err(|_| error())?;
            if !(1..=4).contains(&quarter) {
                return Err(error());
            }
            return Ok(Period::Quarter { year, quarter });
        }
        if rest.len() != 2 {
            return Err(error());
        }
        let month: u32 = rest.parse().map_err(|_| error())?;
        if !(1..=12).contains(&month) {
            return Err(error());
        }
        Ok(Period::Month { year, month })
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        let check = |text: &str, expected: Result<&str, ()>| {
            let got = text.parse::<Period>().map(|p| p.to_string()).map_err(|_| ());
            assert_eq!(got.as_deref().map_err(|_| ()), expected, "{text}");
        };
        check("2026-10", Ok("2026-10"));
        check("2026-Q3", Ok("2026-Q3"));
        check("2026-q1", Ok("2026-Q1"));
        check("2026-13", Err(()));
        check("2026-Q5", Err(()));
        check("2026-1", Err(()));
        check("October", Err(()));
    }

    #[test]
    fn bounds_and_shifts() {
        let october: Period = "2026-10".parse().unwrap();
        assert_eq!(october.start().to_rfc3339(), "2026-10-01T00:00:00+00:00");
        assert_eq!(october.end().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(october.shift(3).to_string(), "2027-01");
        assert_eq!(october.shift(-10).to_string(), "2025-12");
        let q1: Period = "2026-Q1".parse().unwrap();
        assert_eq!(q1.previous().to_string(), "2025-Q4");
        assert_eq!(q1.end().to_rfc3339(), "2026-04-01T00:00:00+00:00");
        assert_eq!(october.label(), "October 2026");
        assert_eq!(q1.label(), "Q1 2026");
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        assert_eq!(Period::month_of(at).to_string(), "2026-11");
        assert_eq!(Period::quarter_of(at).to_string(), "2026-Q4");
    }

    #[test]
    fn bounds_follow_the_company_time_zone() {
        let october: Period = "2026-10".parse().unwrap();
        let london: Tz = "Europe/London".parse().unwrap();
        // British Summer Time until 25 October: October starts at 23:00 UTC.
        assert_eq!(october.start_in(london).to_rfc3339(), "2026-09-30T23:00:00+00:00");
        assert_eq!(october.end_in(london).to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let new_york: Tz = "America/New_York".parse().unwrap();
        let late_evening = Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap();
        assert_eq!(Period::month_of_in(late_evening, new_york).to_string(), "2026-10");
        assert_eq!(Period::month_of_in(late_evening, Tz::UTC).to_string(), "2026-11");
    }
}
