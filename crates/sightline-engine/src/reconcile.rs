//! A flag's life across recomputations: new, ongoing, resolved, and
//! returning when a resolved problem comes back. Acknowledgements are kept
//! elsewhere (they are user data) and are never touched here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{FlagState, RiskFlag, StoredFlag};

/// A flag first seen less than this long ago is "new".
const NEW_FOR: Duration = Duration::days(7);

/// Merges the flags found now into the stored ones.
pub fn reconcile(previous: &[StoredFlag], current: Vec<RiskFlag>, now: DateTime<Utc>) -> Vec<StoredFlag> {
    let mut before: HashMap<&str, &StoredFlag> =
        previous.iter().map(|stored| (stored.flag.id.as_str(), stored)).collect();
    let mut merged = Vec::with_capacity(previous.len() + current.len());
    for flag in current {
        let stored = match before.remove(flag.id.as_str()) {
            Some(old) => {
                let returned = old.returned || old.state == FlagState::Resolved;
                let state = if returned {
                    FlagState::Returning
                } else if now - old.first_seen < NEW_FOR {
                    FlagState::New
                } else {
                    FlagState::Ongoing
                };
                StoredFlag { flag, state, first_seen: old.first_seen, last_seen: now, resolved_at: None, returned }
            }
            None => StoredFlag {
                flag,
                state: FlagState::New,
                first_seen: now,
                last_seen: now,
                resolved_at: None,
                returned: false,
            },
        };
        merged.push(stored);
    }
    for old in previous {
        if !before.contains_key(old.flag.id.as_str()) {
            continue;
        }
        let mut old = old.clone();
        if old.state != FlagState::Resolved {
            old.state = FlagState::Resolved;
            old.resolved_at = Some(now);
        }
        merged.push(old);
    }
    merged.sort_by(|a, b| {
        (a.state == FlagState::Resolved)
            .cmp(&(b.state == FlagState::Resolved))
            .then_with(|| b.flag.severity.cmp(&a.flag.severity))
            .then_with(|| a.flag.id.cmp(&b.flag.id))
    });
    merged
}
