//! What the monitoring connectors (Prometheus, Uptime Kuma) share: a
//! monitor's checks, in time order, laid out as availability windows of
//! one state each, so that a year of one-minute checks is a few records per
//! outage rather than half a million.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sightline_domain::{Availability, Provenance};

use crate::FetchRequest;

/// Each monitor's name by its id, made distinct: a name two monitors of
/// the source share gets each one's id ("Website (#42)"), so that their
/// checks are never laid end to end as one monitor's (each would cut the
/// other's windows short, and the figures would be of neither).
pub(crate) fn distinct_names(monitors: &[(String, String)]) -> BTreeMap<String, String> {
    // One monitor listed twice (in two groups of a status page) is one.
    let distinct: std::collections::BTreeSet<(&str, &str)> =
        monitors.iter().map(|(id, name)| (id.as_str(), name.as_str())).collect();
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, name) in distinct {
        *uses.entry(name).or_default() += 1;
    }
    monitors
        .iter()
        .map(|(id, name)| {
            let shown = if uses[name.as_str()] > 1 { format!("{name} (#{id})") } else { name.clone() };
            (id.clone(), shown)
        })
        .collect()
}

/// One check of one monitor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Beat {
    pub at: DateTime<Utc>,
    /// Up or down; `None` for time that is not watched (maintenance): it
    /// ends the check before it and makes no window.
    pub up: Option<bool>,
}

/// `beats` (one monitor's, in time order) as windows: each check stands
/// until the next one, or for `stands_for` at most (a gap longer than that
/// was not watched); touching checks of the same state on the same UTC day
/// make one window. Record ids are `{key}@{start}`: with the day's
/// boundary fixed, a later read of the same time makes the same windows and
/// replaces them rather than adding overlapping ones.
pub(crate) fn windows(
    request: &FetchRequest<'_>,
    monitor: &str,
    key: &str,
    beats: &[Beat],
    stands_for: Duration,
    down_detail: &str,
) -> Vec<Availability> {
    let mut windows: Vec<Availability> = Vec::new();
    for (position, beat) in beats.iter().enumerate() {
        let Some(up) = beat.up else { continue };
        let mut end = beat.at + stands_for;
        if let Some(next) = beats.get(position + 1) {
            end = end.min(next.at);
        }
        if end <= beat.at {
            continue;
        }
        let seconds = (end - beat.at).num_seconds();
        if let Some(last) = windows.last_mut() {
            let same_day = last.window_start.date_naive() == beat.at.date_naive();
            if same_day && last.window_end == beat.at && (last.up_seconds > 0) == up {
                last.window_end = end;
                if up {
                    last.up_seconds += seconds
                } else {
                    last.down_seconds += seconds
                }
                continue;
            }
        }
        windows.push(Availability {
            provenance: Provenance {
                source_id: request.source.id.clone(),
                record_id: format!("{key}@{}", beat.at.to_rfc3339_opts(SecondsFormat::Secs, true)),
                fetched_at: request.now,
            },
            vendor_id: request.source.vendor.clone(),
            monitor: monitor.to_string(),
            window_start: beat.at,
            window_end: end,
            up_seconds: if up { seconds } else { 0 },
            down_seconds: if up { 0 } else { seconds },
            status: None,
            latency_ms: None,
            detail: (!up).then(|| down_detail.to_string()),
        });
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monitors_sharing_a_name_are_told_apart_by_their_ids() {
        let monitors: Vec<(String, String)> = [("1", "Website"), ("2", "Website"), ("3", "ERP"), ("3", "ERP")]
            .iter()
            .map(|(id, name)| (id.to_string(), name.to_string()))
            .collect();
        let names = distinct_names(&monitors);
        assert_eq!(names["1"], "Website (#1)");
        assert_eq!(names["2"], "Website (#2)");
        assert_eq!(names["3"], "ERP");
    }
}
