//! Contract clocks: how much of the time between two moments counts
//! towards an SLA target. A round-the-clock target counts every minute; a
//! business-hours target counts only the contract's hours in the company's
//! time zone, and nothing on its holidays.
//!
//! A business clock is worked out once per contract as a sorted list of
//! the instants (UTC) its hours cover, with the business seconds before
//! each, so that "elapsed between two moments" and "the moment a target is
//! used up" are two binary searches, whatever the span. Hours are laid out
//! on local dates and then turned into instants, so daylight-saving changes
//! give the real length of the day's hours (a 22:00-06:00 night is seven
//! hours long when the clocks go forward), and hours past midnight belong
//! to the day they start on.

use crate::{BusinessHours, Tz};
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// One contract's business clock over a range of dates.
#[derive(Debug, Clone)]
pub struct BusinessClock {
    /// Covered stretches, sorted and not overlapping, with the business
    /// seconds that came before each.
    intervals: Vec<Stretch>,
}

/// Instants as Unix seconds: comparing integers keeps the binary searches
/// cheap at a million tickets.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    start: i64,
    end: i64,
    before: i64,
}

/// The instant a local date and time names. In the hour skipped when
/// clocks go forward, the first instant after it; in the hour repeated when
/// they go back, the first of the two.
fn instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut local = local;
    for _ in 0..8 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(at) => return at.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(15),
        }
    }
    // No zone skips more than two hours; fall back to reading it as UTC.
    Utc.from_utc_datetime(&local)
}

impl BusinessClock {
    /// The clock of `hours` in `tz` from `first` to `last` (local dates,
    /// inclusive), standing still on `holidays`.
    pub fn new(hours: &BusinessHours, holidays: &[NaiveDate], tz: Tz, first: NaiveDate, last: NaiveDate) -> Self {
        let mut raw: Vec<(i64, i64)> = Vec::new();
        let mut day = first;
        while day <= last {
            if !holidays.contains(&day) {
                let weekday = day.weekday().num_days_from_monday() as usize;
                for span in hours.spans.iter().filter(|span| span.days[weekday]) {
                    let start = instant(tz, day.and_time(span.start)).timestamp();
                    let end_day = if span.end <= span.start { day.succ_opt().unwrap_or(day) } else { day };
                    let end = instant(tz, end_day.and_time(span.end)).timestamp();
                    if end > start {
                        raw.push((start, end));
                    }
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        raw.sort();
        let mut intervals: Vec<Stretch> = Vec::with_capacity(raw.len());
        let mut before = 0;
        for (start, end) in raw {
            match intervals.last_mut() {
                // Overlapping or touching spans (Mon-Sun 00:00-24:00) merge.
                Some(last) if start <= last.end => {
                    if end > last.end {
                        before += end - last.end;
                        last.end = end;
                    }
                }
                _ => {
                    intervals.push(Stretch { start, end, before });
                    before += end - start;
                }
            }
        }
        BusinessClock { intervals }
    }

    /// Business seconds from the start of the clock's range to `at`.
    fn seconds_to(&self, at: i64) -> i64 {
        let after = self.intervals.partition_point(|stretch| stretch.start <= at);
        match after.checked_sub(1).map(|index| self.intervals[index]) {
            None => 0,
            Some(stretch) => stretch.before + at.min(stretch.end) - stretch.start,
        }
    }

    /// Business seconds between `from` and `to` (0 when `to` is earlier).
    pub fn elapsed_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        (self.seconds_to(to.timestamp()) - self.seconds_to(from.timestamp())).max(0)
    }

    /// The last moment at which no more than `seconds` of business time
    /// have passed since `from`: a response at or before it is in time.
    /// `None` when the target runs past the clock's range.
    pub fn deadline(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let from_seconds = from.timestamp();
        let wanted = self.seconds_to(from_seconds) + seconds.max(0);
        let index = self.intervals.partition_point(|stretch| stretch.before + (stretch.end - stretch.start) < wanted);
        let stretch = self.intervals.get(index)?;
        let mut at = (stretch.start + wanted - stretch.before).max(from_seconds);
        // Used up exactly at the close of business: still in time until the
        // clock starts again.
        if at == stretch.end {
            at = self.intervals.get(index + 1).map_or(at, |next| next.start);
        }
        if at == from_seconds {
            // Keep the sub-second part of `from`.
            return Some(from);
        }
        DateTime::from_timestamp(at, 0)
    }
}

/// How a ticket's time is counted: round the clock, or on a business clock.
#[derive(Debug, Clone, Copy)]
pub enum Clock<'a> {
    RoundTheClock,
    Business(&'a BusinessClock),
}

impl Clock<'_> {
    pub fn elapsed_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        match self {
            Clock::RoundTheClock => (to - from).num_seconds().max(0),
            Clock::Business(clock) => clock.elapsed_seconds(from, to),
        }
    }

    pub fn deadline(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        match self {
            Clock::RoundTheClock => Some(from + Duration::seconds(seconds.max(0))),
            Clock::Business(clock) => clock.deadline(from, seconds),
        }
    }
}
