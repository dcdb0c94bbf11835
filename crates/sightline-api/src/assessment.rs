//! Keeping the stored results current: the engine runs when the records or
//! the company changed since the last run, or when the last run is more than
//! an hour old (figures "at now" move with the clock). Screens and the CLI
//! then read stored results.

use chrono::{DateTime, Duration, Utc};
use sightline_engine::{Assessment, EngineInput, assess, reconcile};
use sightline_store::{Company, Store};

use crate::{ApiError, Sightline};

/// The company as it stood at `at` for the rules: each vendor's last
/// supplier review is the later of its configured date and the newest
/// review logged on or before `at`.
pub(crate) fn company_at(store: &Store, at: DateTime<Utc>) -> Result<Company, ApiError> {
    let mut company = store.load_company()?;
    let reviews = store.reviews()?;
    let day = sightline_engine::last_day(at, &Sightline::settings(store)?);
    for vendor in &mut company.vendors {
        let logged = reviews
            .iter()
            .filter(|review| review.vendor_id == vendor.id && review.reviewed_on <= day)
            .map(|review| review.reviewed_on)
            .max();
        vendor.last_review = vendor.last_review.filter(|configured| *configured <= day).max(logged);
    }
    Ok(company)
}

/// Every metric and rule at `at`, over the records, the review log and the
/// evidence on file: the one assessment the stored results and a past
/// period's report both come from.
pub(crate) fn assess_at(store: &Store, at: DateTime<Utc>) -> Result<(Company, Assessment), ApiError> {
    let company = company_at(store, at)?;
    let records = store.load_records()?;
    let settings = Sightline::settings(store)?;
    let documents = store.evidence()?;
    let input = EngineInput {
        vendors: &company.vendors,
        contracts: &company.contracts,
        sources: &company.sources,
        records: &records,
        settings: &settings,
    };
    let mut assessment = assess(input, &company.services, at);
    assessment.flags.extend(sightline_engine::evidence_flags(&company.vendors, &documents, &settings, at));
    assessment.flags.sort_by(crate::risks::most_serious_first);
    Ok((company, assessment))
}

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
        let (_, assessment) = assess_at(&store, now)?;
        let previous = store.load_flags()?;
        let flags = reconcile(&previous, assessment.flags, now);
        store.replace_assessment(&assessment.values, &flags, now)?;
        store.set_meta("assessed_version", &version.to_string())?;
        Ok(())
    }
}
