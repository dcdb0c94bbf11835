//! The `check` use case: does the cache open, where is it, how fresh is
//! each source, and (the full check) is every page of it intact. The
//! quick check answers from kept counts in milliseconds at any size; the
//! full one reads the whole file twice (seconds at design scale).

use crate::dto::CheckReport;
use crate::overview::source_freshness;
use crate::{ApiError, Sightline};

impl Sightline {
    pub fn check(&self, full: bool) -> Result<CheckReport, ApiError> {
        let now = self.now();
        let store = self.store();
        let integrity = if full { store.integrity_check()? } else { Default::default() };
        // A damaged cache is reported, not failed on: what can still be
        // read is shown, the rest left empty.
        let damaged = !integrity.problems.is_empty();
        let company = match store.load_company() {
            Err(_) if damaged => sightline_store::Company::default(),
            other => other?,
        };
        let records: u64 = match store.record_counts() {
            Err(_) if damaged => Default::default(),
            other => other?.values().map(|count| u64::from(*count)).sum(),
        };
        let cache_bytes = std::fs::metadata(store.path()).map(|meta| meta.len()).unwrap_or(0);
        let vendor_name = |id: &str| {
            company.vendors.iter().find(|vendor| vendor.id == id).map_or_else(|| id.to_string(), |v| v.name.clone())
        };
        let sources = company
            .sources
            .iter()
            .map(|source| source_freshness(source, &vendor_name(&source.vendor_id), now))
            .collect();
        Ok(CheckReport {
            data_dir: self.data_dir().display().to_string(),
            cache_file: store.path().display().to_string(),
            cache_bytes: u32::try_from(cache_bytes).unwrap_or(u32::MAX),
            schema_version: store.schema_version()? as u32,
            key_mode: store.key_mode().as_str().into(),
            integrity_ok: full.then_some(integrity.problems.is_empty()),
            problems: integrity.problems,
            company: company.name.clone(),
            demo: company.demo,
            records: u32::try_from(records).unwrap_or(u32::MAX),
            sources,
        })
    }
}
