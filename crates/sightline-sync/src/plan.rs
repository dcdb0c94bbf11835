//! Deciding what to fetch: pure, from the configuration, the stored sync
//! state and `now`. Incremental where the source supports it; a full read
//! on the first run, when the source's settings changed, when its last full
//! read is older than `full_every_hours` (to catch deletions), or when asked.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sightline_connectors::SourceConfig;
use sightline_store::SyncState;

/// Hours between full reads of an incremental source, unless configured.
pub const DEFAULT_FULL_EVERY_HOURS: u32 = 24;

/// One source's run, as planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    pub source: SourceConfig,
    /// `None`: read everything; `Some(t)`: only what changed since `t`.
    pub since: Option<DateTime<Utc>>,
    /// Why this run is full or incremental, in words for the log.
    pub reason: &'static str,
    /// The fingerprint of the source's settings, stored after success.
    pub settings: String,
    /// What a file source held at its last successful read, when its
    /// settings have not changed since and no full read was asked for: the
    /// same file again is not written again.
    pub known_content: Option<String>,
}

/// A short fingerprint of a source's settings.
pub fn fingerprint(source: &SourceConfig) -> String {
    let json = serde_json::to_vec(source).unwrap_or_default();
    hex::encode(&Sha256::digest(&json)[..8])
}

pub fn plan(
    sources: &[SourceConfig],
    states: &HashMap<String, SyncState>,
    now: DateTime<Utc>,
    force_full: bool,
) -> Vec<PlannedRun> {
    sources
        .iter()
        .map(|source| {
            let settings = fingerprint(source);
            let state = states.get(&source.id);
            let every = Duration::hours(i64::from(source.full_every_hours.unwrap_or(DEFAULT_FULL_EVERY_HOURS)));
            let (since, reason) = match state {
                _ if source.kind.probe() => (None, "Sightline's own check, added to its history"),
                _ if !source.kind.incremental() => (None, "this kind of source is always read in full"),
                _ if force_full => (None, "a full read was asked for"),
                None => (None, "first sync"),
                Some(state) if state.settings.as_deref() != Some(settings.as_str()) => {
                    (None, "the source's settings changed")
                }
                Some(SyncState { watermark: None, .. }) => (None, "no earlier change time is known"),
                Some(SyncState { last_full_at, .. }) if last_full_at.is_none_or(|at| now - at >= every) => {
                    (None, "periodic full read, to catch deleted records")
                }
                Some(state) => (state.watermark, "changes since the last sync"),
            };
            let known_content = state
                .filter(|state| !force_full && state.settings.as_deref() == Some(settings.as_str()))
                .and_then(|state| state.content.clone());
            PlannedRun { source: source.clone(), since, reason, settings, known_content }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn source(kind: &str) -> SourceConfig {
        serde_json::from_value(serde_json::json!({
            "id": "acme-psa", "kind": kind, "vendor": "acme",
            "base_url": "https://psa.example/api", "company_id": "acme", "client_id": "c"
        }))
        .unwrap()
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn chooses_full_or_incremental() {
        let cw = source("connectwise");
        let settings = fingerprint(&cw);
        let state = |watermark: Option<DateTime<Utc>>, full: Option<DateTime<Utc>>, settings: &str| {
            HashMap::from([(
                "acme-psa".to_string(),
                SyncState { watermark, last_full_at: full, settings: Some(settings.to_string()), content: None },
            )])
        };
        let check = |states: HashMap<String, SyncState>, force: bool, expected: (Option<DateTime<Utc>>, &str)| {
            let planned = plan(std::slice::from_ref(&cw), &states, at(22, 12), force);
            assert_eq!((planned[0].since, planned[0].reason), expected);
        };
        check(HashMap::new(), false, (None, "first sync"));
        check(
            state(Some(at(22, 8)), Some(at(22, 1)), &settings),
            false,
            (Some(at(22, 8)), "changes since the last sync"),
        );
        check(state(Some(at(22, 8)), Some(at(22, 1)), &settings), true, (None, "a full read was asked for"));
        check(
            state(Some(at(22, 8)), Some(at(21, 12)), &settings),
            false,
            (None, "periodic full read, to catch deleted records"),
        );
        check(state(Some(at(22, 8)), Some(at(22, 1)), "other"), false, (None, "the source's settings changed"));
        check(state(None, Some(at(22, 1)), &settings), false, (None, "no earlier change time is known"));
        let ninja = source("ninjaone");
        let planned = plan(&[ninja], &HashMap::new(), at(22, 12), false);
        assert_eq!(planned[0].reason, "this kind of source is always read in full");
        let planned = plan(&[source("http")], &HashMap::new(), at(22, 12), false);
        assert_eq!(planned[0].reason, "Sightline's own check, added to its history");
    }

    #[test]
    fn a_file_is_compared_with_its_last_read_only_under_the_same_settings() {
        let file: SourceConfig = serde_json::from_value(serde_json::json!({
            "id": "acme-csv", "kind": "csv", "vendor": "acme", "path": "/data/tickets.csv", "record": "tickets"
        }))
        .unwrap();
        let state = |settings: String| {
            HashMap::from([(
                "acme-csv".to_string(),
                SyncState { settings: Some(settings), content: Some("sha256:ab12".into()), ..SyncState::default() },
            )])
        };
        let known = |states: &HashMap<String, SyncState>, force: bool| {
            plan(std::slice::from_ref(&file), states, at(22, 12), force)[0].known_content.clone()
        };
        assert_eq!(known(&state(fingerprint(&file)), false).as_deref(), Some("sha256:ab12"));
        assert_eq!(known(&state(fingerprint(&file)), true), None, "a full read was asked for");
        assert_eq!(known(&state("other".into()), false), None, "the settings changed");
        assert_eq!(known(&HashMap::new(), false), None, "first read");
    }
}
