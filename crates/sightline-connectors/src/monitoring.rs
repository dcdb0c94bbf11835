//! What the monitoring connectors (Prometheus, Uptime Kuma) share: a
//! monitor's checks, in time order, laid out as availability windows of
//! one state each, so that a year of one-minute checks is a few records per
//! outage rather than half a million.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sightline_domain::{Availability, Provenance};

use crate::FetchRequest;

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
