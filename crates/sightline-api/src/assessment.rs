//! Keeping the stored results current: the engine runs when the records or
//! the company changed since the last run, or when the last run is more than
//! an hour old (figures "at now" move with the clock). Screens and the CLI
//! then read stored results.

use chrono::{DateTime, Duration, Utc};
use sightline_engine::{EngineInput, assess, reconcile};

use crate::{ApiError, Sightline};

/// Stored results older than this are recomputed before they are shown.
const FRESH_FOR: Duration = Duration::hours(1);

impl Sightline {
    /// The thresholds, in the company's time zone (from its configuration).
    /// Recomputes every metric and flag if the stored ones are out of date.
    /// Returns whether it did.
    pub fn ensure_assessed(&self) -> Result<bool, ApiError> {
        let now = self.now();
        let stale = {
            let store = self.store();
            let version = store.data_version()?;
            let assessed_version = store.meta("assessed_version")?.and_then(|text| text.parse::<i64>().ok());
            let assessed_for = store
                .meta("assessed_for")?
                .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
                .map(|at| at.with_timezone(&Utc));
            assessed_version != Some(version) || assessed_for.is_none_or(|at| at > now || now - at > FRESH_FOR)
        };
        if stale {
            self.reassess()?;
        }
        Ok(stale)
    }

    /// Runs the engine over everything in the cache and stores the results.
    pub fn reassess(&self) -> Result<(), ApiError> {
        let now = self.now();
        let mut store = self.store();
        let version = store.data_version()?;
        let company = store.load_company()?;
        let records = store.load_records()?;
        let settings = Sightline::settings(&store)?;
        let input = EngineInput {
            vendors: &company.vendors,
            contracts: &company.contracts,
            sources: &company.sources,
            records: &records,
            settings: &settings,
        };
        let assessment = assess(input, &company.services, now);
        let previous = store.load_flags()?;
        let flags = reconcile(&previous, assessment.flags, now);
        store.replace_assessment(&assessment.values, &flags, now)?;
        store.set_meta("assessed_version", &version.to_string())?;
        Ok(())
    }
}
