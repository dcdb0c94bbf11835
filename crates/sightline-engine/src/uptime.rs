//! Up and down time as monitors and probes saw it: each monitor's windows
//! laid end to end, and the outages in them.
//!
//! A window stands for its monitor's state until its end or until the same
//! monitor's next window starts, whichever comes first: a probe that ran
//! twice within its interval (the hourly sync and the cron line) does not
//! count the overlap twice. Monitors are told apart by source and name, so
//! the provider's own monitor and Sightline's probe of the same service
//! never trim each other.
//!
//! An outage is a run of windows that were down the whole time, each
//! starting within one window's length of the last one's end, and never
//! more than 15 minutes after it (one missed check does not split an
//! outage; a longer silence does); a window that was partly up and partly
//! down (a monitor's daily summary) is an outage of its own down time. An
//! outage belongs to the period it started in; its time to restore is from
//! the first check that found the service down to the end of the last one,
//! when a check found it up again. A period counts the part of each window
//! inside it (a window is at most a day long), so a month in the company's
//! time zone gets its own hours, not those of whole UTC days.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sightline_domain::Availability;

/// The longest silence between two failed checks that still makes one
/// outage of them.
const MAX_SILENCE_MINUTES: i64 = 15;

/// How far before a period a window that reaches into it can start.
pub(crate) const LONGEST_WINDOW: chrono::Duration = chrono::Duration::days(1);

/// One window as counted: trimmed where the monitor's next window starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stretch<'a> {
    pub record: &'a Availability,
    pub up_seconds: i64,
    pub down_seconds: i64,
}

/// One outage of one monitor.
#[derive(Debug, Clone)]
pub struct Outage<'a> {
    pub monitor: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// How long it lasted, in seconds: wall time for a run of down
    /// windows, the reported down time for a summary window.
    pub seconds: i64,
    /// Whether the last check still found it down (it was not seen back).
    pub ongoing: bool,
    pub records: Vec<&'a Availability>,
}

impl Stretch<'_> {
    /// Its up and down seconds inside [from, to), shared out in proportion.
    pub(crate) fn within(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> (i64, i64) {
        let start = self.record.window_start;
        let end = start + chrono::Duration::seconds(self.up_seconds + self.down_seconds);
        let (a, b) = (start.max(from), end.min(to));
        if b <= a {
            return (0, 0);
        }
        let inside = (b - a).num_seconds() as i128;
        let all = (end - start).num_seconds().max(1) as i128;
        if inside == all {
            return (self.up_seconds, self.down_seconds);
        }
        ((self.up_seconds as i128 * inside / all) as i64, (self.down_seconds as i128 * inside / all) as i64)
    }
}

/// Why a window cannot be counted, if it cannot.
pub(crate) fn unusable(window: &Availability) -> Option<&'static str> {
    if window.up_seconds < 0 || window.down_seconds < 0 {
        Some("negative up or down time")
    } else if window.window_end <= window.window_start {
        Some("a monitoring window that ends before it starts")
    } else {
        None
    }
}

/// Each usable window trimmed at its monitor's next window, in the order
/// of `windows` (sorted by start).
pub(crate) fn stretches<'a>(windows: &[&'a Availability]) -> Vec<Stretch<'a>> {
    // The start of each window's successor in the same monitor.
    let mut next_start: Vec<Option<DateTime<Utc>>> = vec![None; windows.len()];
    let mut last: HashMap<(&str, &str), usize> = HashMap::new();
    for (position, window) in windows.iter().enumerate() {
        if unusable(window).is_some() {
            continue;
        }
        let key = (window.provenance.source_id.as_str(), window.monitor.as_str());
        if let Some(previous) = last.insert(key, position) {
            next_start[previous] = Some(window.window_start);
        }
    }
    windows
        .iter()
        .zip(next_start)
        .filter(|(window, _)| unusable(window).is_none())
        .map(|(window, next)| {
            let length = (window.window_end - window.window_start).num_seconds().max(1);
            let kept = next.map_or(length, |next| (next - window.window_start).num_seconds().clamp(0, length));
            let share = |seconds: i64| {
                if kept == length { seconds } else { (seconds as i128 * kept as i128 / length as i128) as i64 }
            };
            Stretch { record: window, up_seconds: share(window.up_seconds), down_seconds: share(window.down_seconds) }
        })
        .collect()
}

/// The outages in `stretches`, sorted by start.
pub(crate) fn outages<'a>(stretches: &[Stretch<'a>]) -> Vec<Outage<'a>> {
    let mut open: HashMap<(&str, &str), Outage<'a>> = HashMap::new();
    let mut done = Vec::new();
    for stretch in stretches {
        let window = stretch.record;
        let key = (window.provenance.source_id.as_str(), window.monitor.as_str());
        let end = window.window_start + chrono::Duration::seconds(stretch.up_seconds + stretch.down_seconds);
        let wholly_down = stretch.down_seconds > 0 && stretch.up_seconds == 0;
        if let Some(current) = open.get_mut(&key) {
            let gap = (current.end - current.start)
                .min(window.window_end - window.window_start)
                .min(chrono::Duration::minutes(MAX_SILENCE_MINUTES));
            let reach = current.end + gap;
            if wholly_down && window.window_start <= reach {
                current.end = end;
                current.seconds = (end - current.start).num_seconds();
                current.records.push(window);
                continue;
            }
            let mut finished = open.remove(&key).expect("just looked up");
            finished.ongoing = false;
            done.push(finished);
        }
        if wholly_down {
            open.insert(
                key,
                Outage {
                    monitor: &window.monitor,
                    start: window.window_start,
                    end,
                    seconds: stretch.down_seconds,
                    ongoing: true,
                    records: vec![window],
                },
            );
        } else if stretch.down_seconds > 0 {
            done.push(Outage {
                monitor: &window.monitor,
                start: window.window_start,
                end,
                seconds: stretch.down_seconds,
                ongoing: false,
                records: vec![window],
            });
        }
    }
    done.extend(open.into_values());
    done.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.monitor.cmp(b.monitor)));
    done
}

/// One outage seen by several monitors counted once: the provider's
/// monitor and Sightline's check of the same service both see it, and two
/// outages must not be laid at the provider's door for it. Outages of
/// different monitors that began within 15 minutes of the first of them
/// (a check interval or two) and overlap it are one: from the first start
/// to the last end, lasting the longer of that span (when each was a run
/// of down checks) or of the longest one's own down time, and ongoing
/// when the one that ends last is. A monitor stuck down for months does
/// not swallow the outages that begin later, and a monitor's own outages
/// are never merged with each other.
pub(crate) fn merged<'a>(mut outages: Vec<Outage<'a>>) -> Vec<Outage<'a>> {
    fn who<'o>(outage: &Outage<'o>) -> (&'o str, &'o str) {
        (outage.records.first().map_or("", |record| record.provenance.source_id.as_str()), outage.monitor)
    }
    outages.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.monitor.cmp(b.monitor)));
    let tolerance = chrono::Duration::minutes(MAX_SILENCE_MINUTES);
    // Each group: the outage, whether all of it were runs, its monitors.
    type Group<'a> = (Outage<'a>, bool, Vec<(&'a str, &'a str)>);
    let mut groups: Vec<Group<'a>> = Vec::new();
    for outage in outages {
        // A run of down checks lasts its span; a summary window's outage
        // lasts its reported down time somewhere inside its window.
        let run = outage.seconds == (outage.end - outage.start).num_seconds();
        let joins = groups.last().is_some_and(|(current, _, monitors)| {
            outage.start - current.start <= tolerance && outage.start < current.end && !monitors.contains(&who(&outage))
        });
        if !joins {
            let monitors = vec![who(&outage)];
            groups.push((outage, run, monitors));
            continue;
        }
        let (current, all_runs, monitors) = groups.last_mut().expect("joins only an existing group");
        monitors.push(who(&outage));
        if outage.end > current.end || (outage.end == current.end && outage.ongoing) {
            current.ongoing = outage.ongoing;
        }
        current.end = current.end.max(outage.end);
        *all_runs &= run;
        let span = if *all_runs { (current.end - current.start).num_seconds() } else { 0 };
        current.seconds = current.seconds.max(outage.seconds).max(span);
        current.records.extend(outage.records);
    }
    groups.into_iter().map(|(outage, _, _)| outage).collect()
}

/// The outages of `windows` (any order), for screens and rules: each
/// monitor's windows laid end to end as the metrics count them.
pub fn outages_of<'a>(windows: impl IntoIterator<Item = &'a Availability>) -> Vec<Outage<'a>> {
    let mut windows: Vec<&Availability> = windows.into_iter().collect();
    windows.sort_by_key(|window| window.window_start);
    outages(&stretches(&windows))
}

/// What the monitors in `windows` (any order) saw in [from, to).
#[derive(Debug, Clone)]
pub struct Measured<'a> {
    /// The share of the watched time up; none when nothing was watched.
    pub pct: Option<f64>,
    /// Seconds watched (summed over monitors).
    pub watched_seconds: i64,
    /// The outages that started in [from, to), those seen by several
    /// monitors at once counted once ([`merged`]).
    pub outages: Vec<Outage<'a>>,
}

/// What the monitors in `windows` (any order) saw in [from, to).
pub fn measured<'a>(
    windows: impl IntoIterator<Item = &'a Availability>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Measured<'a> {
    let mut windows: Vec<&Availability> = windows.into_iter().collect();
    windows.sort_by_key(|window| window.window_start);
    let stretches = stretches(&windows);
    let (mut up, mut total) = (0i64, 0i64);
    for stretch in
        stretches.iter().filter(|s| s.record.window_start >= from - LONGEST_WINDOW && s.record.window_start < to)
    {
        let (inside_up, inside_down) = stretch.within(from, to);
        up += inside_up;
        total += inside_up + inside_down;
    }
    let outages =
        merged(outages(&stretches)).into_iter().filter(|outage| outage.start >= from && outage.start < to).collect();
    Measured { pct: (total > 0).then(|| up as f64 * 100.0 / total as f64), watched_seconds: total, outages }
}

/// "99.95%": availability needs two decimals where other shares need one
/// (99.5% and 99.95% are a contract apart). Cut, never rounded up: 99.896
/// is "99.89%", not the "99.9%" of a target it missed, and 99.999 is not
/// "100%".
pub fn uptime_pct(value: f64) -> String {
    let text = format!("{:.2}", (value * 100.0).floor() / 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_domain::Provenance;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    fn window(source: &str, monitor: &str, from: i64, to: i64, up: bool) -> Availability {
        let seconds = (to - from) * 60;
        Availability {
            provenance: Provenance {
                source_id: source.into(),
                record_id: format!("{monitor}@{from}"),
                fetched_at: at(to),
            },
            vendor_id: "acme".into(),
            monitor: monitor.into(),
            window_start: at(from),
            window_end: at(to),
            up_seconds: if up { seconds } else { 0 },
            down_seconds: if up { 0 } else { seconds },
            status: None,
            latency_ms: None,
            detail: None,
        }
    }

    /// (start minute, minutes, ongoing) of each outage.
    fn summary(windows: &[Availability]) -> Vec<(i64, i64, bool)> {
        outages_of(windows)
            .iter()
            .map(|outage| ((outage.start - at(0)).num_minutes(), outage.seconds / 60, outage.ongoing))
            .collect()
    }

    #[test]
    fn consecutive_failed_checks_are_one_outage_until_a_check_finds_it_up() {
        // Checks every 5 minutes; down at 10, 15 and 20, up again at 25.
        let windows: Vec<_> = (0..8).map(|n| window("probe", "web", n * 5, n * 5 + 5, !(2..=4).contains(&n))).collect();
        assert_eq!(summary(&windows), vec![(10, 15, false)]);
    }

    #[test]
    fn one_missed_check_does_not_split_an_outage_but_a_long_gap_does() {
        let windows = vec![
            window("probe", "web", 0, 5, false),
            // The check at 5 did not run.
            window("probe", "web", 10, 15, false),
            window("probe", "web", 15, 20, true),
            window("probe", "web", 60, 65, false),
            // Silent for 55 minutes: not known to be the same outage.
            window("probe", "web", 120, 125, false),
        ];
        assert_eq!(summary(&windows), vec![(0, 15, false), (60, 5, false), (120, 5, true)]);
    }

    #[test]
    fn an_early_check_trims_the_window_before_it_and_monitors_do_not_trim_each_other() {
        let windows = vec![
            window("probe", "web", 0, 5, false),
            // The hourly sync ran a check 2 minutes after the cron's.
            window("probe", "web", 2, 7, true),
            // The provider's monitor of the same name, another source.
            window("kuma", "web", 1, 6, true),
        ];
        let mut sorted: Vec<&Availability> = windows.iter().collect();
        sorted.sort_by_key(|window| window.window_start);
        let counted: Vec<(i64, i64)> =
            stretches(&sorted).iter().map(|stretch| (stretch.up_seconds, stretch.down_seconds)).collect();
        assert_eq!(counted, vec![(0, 120), (300, 0), (300, 0)]);
        assert_eq!(summary(&windows), vec![(0, 2, false)]);
    }

    #[test]
    fn an_outage_two_monitors_saw_counts_once() {
        // The provider's monitor saw 10:05-10:20, Sightline's check
        // 10:00-10:30 of the same service; another at 11:00-11:10.
        let windows = [
            window("monitor", "www", 0, 5, true),
            window("monitor", "www", 5, 20, false),
            window("monitor", "www", 20, 120, true),
            window("check", "https://www/", 0, 30, false),
            window("check", "https://www/", 30, 60, true),
            window("check", "https://www/", 60, 70, false),
            window("check", "https://www/", 70, 120, true),
        ];
        let seen = measured(&windows, at(0), at(120));
        let summary: Vec<(i64, i64, i64, usize)> = seen
            .outages
            .iter()
            .map(|o| ((o.start - at(0)).num_minutes(), (o.end - at(0)).num_minutes(), o.seconds / 60, o.records.len()))
            .collect();
        assert_eq!(summary, [(0, 30, 30, 2), (60, 70, 10, 1)]);
        // A monitor stuck down since before the period does not swallow an
        // outage another monitor sees later.
        let stuck = [window("old", "retired", -600, 120, false), window("check", "https://www/", 60, 70, false)];
        let seen = measured(&stuck, at(0), at(120));
        let starts: Vec<i64> = seen.outages.iter().map(|o| (o.start - at(0)).num_minutes()).collect();
        assert_eq!(starts, [60]);
        // Each monitor's own outages are still its own.
        assert_eq!(outages_of(&windows[..3]).len(), 1);
        assert_eq!(outages_of(&windows[3..]).len(), 2);
    }

    #[test]
    fn a_summary_window_is_an_outage_of_its_own_down_time_and_impossible_ones_are_left_out() {
        let mut daily = window("uptime", "erp", 0, 1440, true);
        daily.up_seconds -= 1800;
        daily.down_seconds = 1800;
        let mut next = window("uptime", "erp", 1440, 2880, true);
        next.up_seconds -= 600;
        next.down_seconds = 600;
        let mut backwards = window("uptime", "erp", 3000, 2990, false);
        backwards.down_seconds = 600;
        assert_eq!(unusable(&backwards), Some("a monitoring window that ends before it starts"));
        assert_eq!(summary(&[daily, next, backwards]), vec![(0, 30, false), (1440, 10, false)]);
    }
}
