//! The `disputes` use case: the tickets on which a provider's own SLA
//! verdict and Sightline's reading of the contract disagree, each with its
//! times, target and reason, for the vendor page and `sightline-cli
//! disputes`.

use sightline_engine::{Dispute, EngineInput};

use crate::dto::{DisputeQuery, DisputeRow, Disputes};
use crate::{ApiError, Sightline};

impl From<&Dispute> for DisputeRow {
    fn from(dispute: &Dispute) -> DisputeRow {
        let verdict = |met: bool| if met { "met" } else { "missed" }.to_string();
        DisputeRow {
            source: dispute.source_id.clone(),
            ticket: dispute.ticket.clone(),
            summary: dispute.summary.clone(),
            priority: dispute.priority.clone(),
            created_at: dispute.created_at.to_rfc3339(),
            first_response_at: dispute.first_response_at.map(|at| at.to_rfc3339()),
            resolved_at: dispute.resolved_at.map(|at| at.to_rfc3339()),
            clock: dispute.clock.as_str().to_string(),
            target: dispute.target.as_str().to_string(),
            target_minutes: u32::try_from(dispute.target_minutes).unwrap_or(u32::MAX),
            elapsed_minutes: dispute.elapsed_minutes,
            paused_minutes: u32::try_from(dispute.paused_minutes).unwrap_or(0),
            vendor_says: verdict(dispute.vendor_says_met),
            sightline_says: verdict(dispute.sightline_says_met),
            reason: dispute.reason.clone(),
        }
    }
}

impl Sightline {
    /// Every ticket of `vendor` created in the period (default: the current
    /// month) on which the provider's verdict and Sightline's differ.
    pub fn disputes(&self, query: &DisputeQuery) -> Result<Disputes, ApiError> {
        let period = self.parse_period(query.period.as_deref())?;
        let store = self.store();
        let company = store.load_company()?;
        let Some(vendor) = company.vendors.iter().find(|vendor| vendor.id == query.vendor) else {
            let ids: Vec<&str> = company.vendors.iter().map(|vendor| vendor.id.as_str()).collect();
            return Err(ApiError::not_found(format!(
                "there is no vendor '{}': use one of {}",
                query.vendor,
                ids.join(", ")
            )));
        };
        let settings = Sightline::settings(&store)?;
        // The vendor's tickets created in the period are all a dispute can
        // be about (and all the SLA clocks read).
        let window =
            sightline_store::RecordWindow { from: period.start_in(settings.tz()), to: period.end_in(settings.tz()) };
        let records = sightline_domain::RecordBatch {
            tickets: store.tickets_created_in(&vendor.id, window)?,
            ..Default::default()
        };
        let input = EngineInput {
            vendors: &company.vendors,
            contracts: &company.contracts,
            sources: &company.sources,
            records: &records,
            settings: &settings,
        };
        let found = sightline_engine::disputes(input, &vendor.id, period, self.now());
        let rows: Vec<DisputeRow> = found.iter().map(DisputeRow::from).collect();
        let (marked_met, marked_missed) = found.iter().fold((0u32, 0u32), |(met, missed), d| {
            (met + u32::from(d.vendor_says_met), missed + u32::from(!d.vendor_says_met))
        });
        let tickets = |count: u32| if count == 1 { "1 ticket".to_string() } else { format!("{count} tickets") };
        let mut sides = Vec::new();
        if marked_met > 0 {
            sides.push(format!("{} marked within SLA that the contract says were late", tickets(marked_met)));
        }
        if marked_missed > 0 {
            sides.push(format!("{} marked late that the contract says were on time", tickets(marked_missed)));
        }
        let summary = if rows.is_empty() {
            format!(
                "On every ticket of {} where {} gives its own SLA verdict, Sightline agrees.",
                period.label(),
                vendor.name
            )
        } else {
            format!(
                "{} and Sightline disagree on {} of {}: {}.",
                vendor.name,
                tickets(marked_met + marked_missed),
                period.label(),
                sides.join("; ")
            )
        };
        Ok(Disputes {
            vendor: vendor.id.clone(),
            vendor_name: vendor.name.clone(),
            period: period.to_string(),
            summary,
            rows,
        })
    }
}
