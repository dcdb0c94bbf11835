//! Building the demo company into the cache, through the same store API as
//! real data.

use sightline_store::Company;

use crate::{ApiError, Sightline};

impl Sightline {
    /// Replaces whatever the cache holds with the demo company as of now.
    pub fn rebuild_demo(&self) -> Result<(), ApiError> {
        let demo = sightline_demo::generate(self.now());
        let mut store = self.store();
        store.clear_all()?;
        store.replace_company(&Company {
            name: demo.name,
            demo: true,
            vendors: demo.vendors,
            contracts: demo.contracts,
            services: demo.services,
            sources: demo.sources.clone(),
        })?;
        for (source_id, batch) in &demo.batches {
            let synced = demo
                .sources
                .iter()
                .find(|source| &source.id == source_id)
                .and_then(|source| source.last_success_at)
                .unwrap_or_else(|| self.now());
            store.replace_source_records(source_id, batch, synced)?;
        }
        drop(store);
        self.reassess()
    }

    /// Builds the demo company on request (`sightline-cli demo`). A cache
    /// that holds a real company is refused unless `replace` is set: its
    /// records, notes and contract settings cannot be fetched again.
    pub fn build_demo(&self, replace: bool) -> Result<(), ApiError> {
        let (company, records) = {
            let store = self.store();
            let company = store.load_company()?;
            let records: u64 = store.record_counts()?.values().map(|count| u64::from(*count)).sum();
            (company, records)
        };
        let real = !company.demo && (!company.vendors.is_empty() || !company.sources.is_empty() || records > 0);
        if real && !replace {
            return Err(ApiError::invalid(format!(
                "{} holds the company \"{}\" ({records} records); building the demo would replace it, so nothing \
                 was changed. Use another --data-dir for the demo, or add --replace if you really mean to replace it",
                self.data_dir().display(),
                company.name
            )));
        }
        self.rebuild_demo()
    }

    /// On a first run with nothing configured, builds the demo company so
    /// that there is something to look at. Returns whether it did.
    pub fn ensure_demo(&self) -> Result<bool, ApiError> {
        let empty = {
            let store = self.store();
            let company = store.load_company()?;
            company.vendors.is_empty() && company.sources.is_empty()
        };
        if empty {
            self.rebuild_demo()?;
        }
        Ok(empty)
    }
}
