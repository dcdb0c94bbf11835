//! Building the demo company into the cache, through the same store API as
//! real data.

use sightline_store::Company;

use crate::{ApiError, Sightline};

impl Sightline {
    /// Replaces whatever the cache holds with the demo company as of now.
    pub fn rebuild_demo(&self) -> Result<(), ApiError> {
        let demo = sightline_demo::generate(self.now());
        let synced_at = |source_id: &str| {
            demo.sources
                .iter()
                .find(|source| source.id == source_id)
                .and_then(|source| source.last_success_at)
                .unwrap_or_else(|| self.now())
        };
        let batches: Vec<_> =
            demo.batches.iter().map(|(source_id, batch)| (source_id.as_str(), batch, synced_at(source_id))).collect();
        let mut store = self.store();
        store.replace_everything(
            &Company {
                name: demo.name.clone(),
                demo: true,
                vendors: demo.vendors.clone(),
                contracts: demo.contracts.clone(),
                services: demo.services.clone(),
                sources: demo.sources.clone(),
            },
            &batches,
        )?;
        // The demo's own files: documents, reviews and agreed actions.
        let files = sightline_demo::on_file(self.now());
        for doc in &files.documents {
            store.add_evidence(
                &sightline_store::NewEvidence {
                    vendor_id: doc.vendor_id,
                    kind: doc.kind,
                    title: &doc.title,
                    issued: doc.issued,
                    expires: doc.expires,
                    file_name: &doc.file_name,
                    content: &doc.content,
                    // On file since it was issued, as a company that kept
                    // its papers would have it.
                    added_at: doc.issued.and_hms_opt(12, 0, 0).map_or_else(|| self.now(), |noon| noon.and_utc()),
                },
                true,
            )?;
        }
        for review in &files.reviews {
            store.add_review(review, true)?;
        }
        for action in &files.actions {
            store.record_action(action, true)?;
        }
        drop(store);
        self.reassess()
    }

    /// Builds the demo company on request (`sightline-cli demo`). A cache
    /// that holds a real company is refused unless `replace` is set: its
    /// records, notes and contract settings cannot be fetched again.
    pub fn build_demo(&self, replace: bool) -> Result<(), ApiError> {
        self.refuse_to_replace_real_company(replace)?;
        self.rebuild_demo()
    }

    /// Builds the design-scale company (`sightline-cli demo --scale
    /// design`): the benchmarks' company, written one source at a time
    /// through the same store API as a sync, then assessed. Refused over a
    /// real company like the demo.
    pub fn build_scale_demo(&self, scale: sightline_demo::Scale, replace: bool) -> Result<(), ApiError> {
        self.refuse_to_replace_real_company(replace)?;
        let company = sightline_demo::scale_company(scale, self.now());
        {
            let mut store = self.store();
            store.clear_all()?;
            store.replace_company(&Company {
                name: company.name.clone(),
                demo: true,
                vendors: company.vendors.clone(),
                contracts: company.contracts.clone(),
                services: company.services.clone(),
                sources: company.sources.clone(),
            })?;
        }
        for (index, source) in company.sources.iter().enumerate() {
            let batch = company.batch(index);
            self.store().replace_source_records(&source.id, &batch, company.now - chrono::Duration::minutes(30))?;
        }
        self.reassess()
    }

    fn refuse_to_replace_real_company(&self, replace: bool) -> Result<(), ApiError> {
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
        if real {
            self.store().automatic_backup("before-demo", self.now())?;
        }
        Ok(())
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
