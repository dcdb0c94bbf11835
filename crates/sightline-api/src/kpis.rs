//! The `kpis` use case: every metric per vendor for one period, as rows.

use sightline_domain::{MetricValue, Period, Scope, Status};
use sightline_engine::{EngineInput, Settings, compute_metrics};
use sightline_store::Company;

use crate::dto::{KpiQuery, KpiRow, MetricStatus};
use crate::{ApiError, Sightline};

impl From<Status> for MetricStatus {
    fn from(status: Status) -> MetricStatus {
        match status {
            Status::Met => MetricStatus::Met,
            Status::AtRisk => MetricStatus::AtRisk,
            Status::Missed => MetricStatus::Missed,
            Status::NoTarget => MetricStatus::NoTarget,
        }
    }
}

/// The company and its metrics for `periods`, computed from the cache.
pub(crate) struct Computed {
    pub company: Company,
    pub values: Vec<MetricValue>,
}

impl Computed {
    pub fn vendor_name(&self, scope: &Scope) -> String {
        match scope {
            Scope::All => "All vendors".into(),
            Scope::Vendor(id) => self
                .company
                .vendors
                .iter()
                .find(|vendor| &vendor.id == id)
                .map_or_else(|| id.clone(), |vendor| vendor.name.clone()),
        }
    }
}

pub(crate) fn parse_period(
    text: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Period, ApiError> {
    match text {
        None => Ok(Period::month_of(now)),
        Some(text) => text
            .parse()
            .map_err(|error: sightline_domain::PeriodError| ApiError::invalid(error.to_string())),
    }
}

impl Sightline {
    pub(crate) fn compute(&self, periods: &[Period]) -> Result<Computed, ApiError> {
        let (company, records) = {
            let store = self.store();
            (store.load_company()?, store.load_records()?)
        };
        let settings = Settings::default();
        let input = EngineInput {
            vendors: &company.vendors,
            contracts: &company.contracts,
            records: &records,
            settings: &settings,
        };
        let values = compute_metrics(input, periods, self.now());
        Ok(Computed { company, values })
    }

    /// Every metric for the period (default: the current month), for one
    /// vendor, `all`, or every vendor and `all`.
    pub fn kpis(&self, query: &KpiQuery) -> Result<Vec<KpiRow>, ApiError> {
        let period = parse_period(query.period.as_deref(), self.now())?;
        let computed = self.compute(&[period])?;
        if let Some(vendor) = query.vendor.as_deref() {
            let known = vendor == "all"
                || computed
                    .company
                    .vendors
                    .iter()
                    .any(|known| known.id == vendor);
            if !known {
                let ids: Vec<&str> = computed
                    .company
                    .vendors
                    .iter()
                    .map(|vendor| vendor.id.as_str())
                    .collect();
                return Err(ApiError::not_found(format!(
                    "there is no vendor '{vendor}': use one of {}, or all",
                    ids.join(", ")
                )));
            }
        }
        Ok(computed
            .values
            .iter()
            .filter(|value| {
                query
                    .vendor
                    .as_deref()
                    .is_none_or(|vendor| value.scope.id() == vendor)
            })
            .map(|value| KpiRow {
                vendor: value.scope.id().to_string(),
                vendor_name: computed.vendor_name(&value.scope),
                metric: value.metric.as_str().into(),
                metric_name: value.metric.plain_name().into(),
                period: value.period.to_string(),
                value: value.value,
                unit: value.metric.unit().as_str().into(),
                target: value.target,
                status: value.status.into(),
                previous: value.previous,
                sources: value.provenance.sources.clone(),
                records: value.provenance.records as u32,
                skipped: value.provenance.skipped as u32,
                fetched_at: value.provenance.oldest_fetched_at.map(|at| at.to_rfc3339()),
            })
            .collect())
    }
}
