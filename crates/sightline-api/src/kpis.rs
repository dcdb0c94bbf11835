//! The `kpis` use case: every metric per vendor for one period, as rows.

use sightline_domain::{MetricValue, Period, Scope, Status};
use sightline_store::Company;

use crate::dto::{KpiQuery, KpiRow, MetricStatus, SkippedReason};
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

/// The company and its stored metrics for some periods.
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

impl Sightline {
    pub(crate) fn parse_period(&self, text: Option<&str>) -> Result<Period, ApiError> {
        match text {
            None => Ok(Period::month_of_in(self.now(), Sightline::settings(&self.store())?.tz())),
            Some(text) => {
                text.parse().map_err(|error: sightline_domain::PeriodError| ApiError::invalid(error.to_string()))
            }
        }
    }

    /// The company and the stored metrics for `periods`, brought up to date
    /// first. A period outside the history is computed on the spot.
    pub(crate) fn compute(&self, periods: &[Period]) -> Result<Computed, ApiError> {
        self.assessed_for_reading()?;
        let store = self.store();
        let company = store.load_company()?;
        let mut values = store.load_metric_values(periods)?;
        let missing: Vec<Period> =
            periods.iter().copied().filter(|period| !values.iter().any(|value| value.period == *period)).collect();
        if !missing.is_empty() {
            // Outside the stored history: computed from those periods'
            // own records only.
            let setting = crate::assessment::Setting { company, settings: Sightline::settings(&store)? };
            values.extend(setting.compute(&store, &missing, self.now())?);
            return Ok(Computed { company: setting.company, values });
        }
        Ok(Computed { company, values })
    }

    /// Every metric for the period (default: the current month), for one
    /// vendor, `all`, or every vendor and `all`.
    pub fn kpis(&self, query: &KpiQuery) -> Result<Vec<KpiRow>, ApiError> {
        let period = self.parse_period(query.period.as_deref())?;
        let computed = self.compute(&[period])?;
        if let Some(vendor) = query.vendor.as_deref() {
            let known = vendor == "all" || computed.company.vendors.iter().any(|known| known.id == vendor);
            if !known {
                let ids: Vec<&str> = computed.company.vendors.iter().map(|vendor| vendor.id.as_str()).collect();
                return Err(ApiError::not_found(format!(
                    "there is no vendor '{vendor}': use one of {}, or all",
                    ids.join(", ")
                )));
            }
        }
        // Vendors in the company's order, then all vendors together; metrics
        // in catalogue order.
        let order = |scope: &Scope| match scope {
            Scope::Vendor(id) => {
                computed.company.vendors.iter().position(|vendor| &vendor.id == id).unwrap_or(usize::MAX - 1)
            }
            Scope::All => usize::MAX,
        };
        let mut values: Vec<&MetricValue> = computed
            .values
            .iter()
            .filter(|value| value.period == period)
            .filter(|value| query.vendor.as_deref().is_none_or(|vendor| value.scope.id() == vendor))
            .collect();
        values.sort_by_key(|value| (order(&value.scope), value.metric));
        Ok(values
            .into_iter()
            .map(|value| KpiRow {
                vendor: value.scope.id().to_string(),
                vendor_name: computed.vendor_name(&value.scope),
                metric: value.metric.as_str().into(),
                metric_name: value.metric.plain_name().into(),
                period: value.period.to_string(),
                value: value.value,
                unit: value.metric.unit().into(),
                target: value.target,
                status: value.status.into(),
                previous: value.previous,
                sources: value.provenance.sources.clone(),
                records: value.provenance.records as u32,
                skipped: value.provenance.skipped as u32,
                fetched_at: value.provenance.oldest_fetched_at.map(|at| at.to_rfc3339()),
                skipped_reasons: value
                    .provenance
                    .skipped_reasons
                    .iter()
                    .map(|(reason, count)| SkippedReason { reason: reason.clone(), count: *count as u32 })
                    .collect(),
            })
            .collect())
    }
}
