//! The vendor page's contract form: the contract as `sightline.toml` writes
//! it (or, for the demo company, as the cache holds it), and saving a
//! changed one into the file in place (comments and order kept, the whole
//! file checked first), after which the figures are recomputed against it.

use chrono::NaiveDate;
use sightline_domain::{BusinessHours, Contract, ServiceCredits, SlaClock};
use sightline_sync::{ConfigError, ContractEdit, SlaConfig, VendorConfig};

use crate::dto::{ContractInput, SlaTargetInput};
use crate::error::ErrorCode;
use crate::{ApiError, Sightline};

const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];

fn config_problem(error: ConfigError) -> ApiError {
    ApiError { code: ErrorCode::Config, message: error.to_string() }
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn minutes(minutes: Option<i64>) -> Option<u32> {
    minutes.and_then(|minutes| u32::try_from(minutes).ok())
}

fn target_input(
    priority: &str,
    respond: Option<i64>,
    resolve: Option<i64>,
    clock: Option<SlaClock>,
    from: Option<NaiveDate>,
) -> SlaTargetInput {
    SlaTargetInput {
        priority: priority.to_string(),
        respond_minutes: minutes(respond),
        resolve_minutes: minutes(resolve),
        clock: clock.map(|clock| clock.as_str().to_string()).unwrap_or_default(),
        effective_from: from.map(day_text).unwrap_or_default(),
    }
}

/// The contract as `sightline.toml` writes it for `vendor`.
pub(crate) fn configured_contract(vendor: &VendorConfig) -> ContractInput {
    ContractInput {
        compliance_target_pct: vendor.compliance_target_pct,
        hours: vendor.hours.as_ref().map(ToString::to_string).unwrap_or_default(),
        holidays: vendor.holidays.iter().copied().map(day_text).collect(),
        sla: vendor
            .sla
            .iter()
            .map(|target| {
                target_input(
                    &target.priority,
                    target.respond_minutes,
                    target.resolve_minutes,
                    target.clock,
                    target.effective_from,
                )
            })
            .collect(),
        credit_percent_per_point: vendor.credits.map(|credits| credits.percent_per_point),
        credit_cap_percent: vendor.credits.map(|credits| credits.cap_percent),
    }
}

/// The contract as the cache holds it: the demo company's, which has no
/// `sightline.toml`.
pub(crate) fn stored_contract(contract: &Contract) -> ContractInput {
    let credits = contract.terms.credits;
    ContractInput {
        compliance_target_pct: Some(contract.compliance_target_pct),
        hours: contract.terms.hours.as_ref().map(ToString::to_string).unwrap_or_default(),
        holidays: contract.terms.holidays.iter().copied().map(day_text).collect(),
        sla: contract
            .sla
            .iter()
            .map(|target| {
                target_input(
                    &target.priority,
                    target.respond_minutes,
                    target.resolve_minutes,
                    target.clock,
                    target.effective_from,
                )
            })
            .collect(),
        credit_percent_per_point: credits.map(|credits| credits.percent_per_point),
        credit_cap_percent: credits.map(|credits| credits.cap_percent),
    }
}

fn date(text: &str, what: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(format!("'{text}' is not a date: write {what}")))
}

/// Reads the form into the file's terms, or says in plain words what to
/// change. `vendor` is the vendor as the file has it now.
fn contract_edit(input: &ContractInput, vendor: &VendorConfig) -> Result<ContractEdit, ApiError> {
    if let Some(pct) = input.compliance_target_pct.filter(|pct| !(pct.is_finite() && (0.0..=100.0).contains(pct))) {
        return Err(ApiError::invalid(format!(
            "the compliance target is {pct}%: write a percentage between 0 and 100, or leave it empty for the default"
        )));
    }

    let hours = match input.hours.trim() {
        "" => None,
        text => Some(BusinessHours::parse(text).map_err(ApiError::invalid)?),
    };

    let mut holidays = Vec::new();
    for text in input.holidays.iter().map(|text| text.trim()).filter(|text| !text.is_empty()) {
        holidays.push(date(text, "holidays as 2026-12-25")?);
    }
    holidays.sort();
    holidays.dedup();
    if !holidays.is_empty() && hours.is_none() {
        return Err(ApiError::invalid(
            "holidays only stop the business clock, and no business hours are set: fill in the business hours, or \
             remove the holidays",
        ));
    }

    let mut sla: Vec<SlaConfig> = Vec::new();
    for target in &input.sla {
        let priority = target.priority.trim().to_uppercase();
        if !PRIORITIES.contains(&priority.as_str()) {
            return Err(ApiError::invalid(format!(
                "'{}' is not a priority: use P1, P2, P3 or P4",
                target.priority.trim()
            )));
        }
        if target.respond_minutes.is_none() && target.resolve_minutes.is_none() {
            return Err(ApiError::invalid(format!(
                "the {priority} target has no times: give a first-answer time, a fix time or both, or remove it"
            )));
        }
        if target.respond_minutes == Some(0) || target.resolve_minutes == Some(0) {
            return Err(ApiError::invalid(format!(
                "the {priority} target's times must be more than 0 minutes: leave a time empty when there is none"
            )));
        }
        let clock = match target.clock.trim() {
            "" => None,
            text => Some(SlaClock::parse(text).ok_or_else(|| {
                ApiError::invalid(format!(
                    "'{text}' is not a clock: use 24x7 or business, or leave it empty for the contract's default"
                ))
            })?),
        };
        if clock == Some(SlaClock::Business) && hours.is_none() {
            return Err(ApiError::invalid(format!(
                "the {priority} target runs in business hours, but no business hours are set: fill in the business \
                 hours, or let the target run round the clock (24x7)"
            )));
        }
        let effective_from = match target.effective_from.trim() {
            "" => None,
            text => Some(date(text, &format!("the day the {priority} target applies from as 2026-07-01"))?),
        };
        if sla.iter().any(|other| other.priority == priority && other.effective_from == effective_from) {
            return Err(ApiError::invalid(match effective_from {
                None => format!(
                    "there are two {priority} targets with no start date: keep one, or give the newer one the day it \
                     applies from"
                ),
                Some(day) => format!("there are two {priority} targets from {day}: keep one"),
            }));
        }
        sla.push(SlaConfig {
            priority,
            respond_minutes: target.respond_minutes.map(i64::from),
            resolve_minutes: target.resolve_minutes.map(i64::from),
            effective_from,
            clock,
        });
    }
    // Written by priority, each priority's targets oldest first.
    sla.sort_by(|a, b| (&a.priority, a.effective_from).cmp(&(&b.priority, b.effective_from)));

    let credits = match (input.credit_percent_per_point, input.credit_cap_percent) {
        (None, None) => None,
        (Some(per_point), Some(cap)) => {
            if !(per_point.is_finite() && per_point >= 0.0) {
                return Err(ApiError::invalid(format!(
                    "the credit per point below target is {per_point}%: write a percentage of 0 or more"
                )));
            }
            if !(cap.is_finite() && (0.0..=100.0).contains(&cap)) {
                return Err(ApiError::invalid(format!(
                    "the credit cap is {cap}%: write a percentage of the monthly cost between 0 and 100"
                )));
            }
            if vendor.monthly_cost.is_none() {
                return Err(ApiError::invalid(format!(
                    "service credits are a share of the monthly cost, and {} has none: add its monthly cost in \
                     Sources first",
                    vendor.name
                )));
            }
            Some(ServiceCredits { percent_per_point: per_point, cap_percent: cap })
        }
        _ => {
            return Err(ApiError::invalid(
                "service credits need both the credit per point and the cap: fill in both, or leave both empty for \
                 none",
            ));
        }
    };

    Ok(ContractEdit { compliance_target_pct: input.compliance_target_pct, hours, holidays, sla, credits })
}

impl Sightline {
    /// Replaces a vendor's contract in `sightline.toml`: its SLA targets,
    /// business hours, holidays, compliance target and service credits.
    /// Nothing else in the file changes; a contract the file would refuse
    /// leaves it as it was. The figures are then recomputed.
    pub fn save_contract(&self, vendor: &str, input: &ContractInput) -> Result<(), ApiError> {
        if !self.config_path().exists() {
            return Err(ApiError {
                code: ErrorCode::Config,
                message: "set up your company first: the demo company's contracts cannot be changed".into(),
            });
        }
        let config = self.config()?;
        let id = vendor.trim();
        let existing = config.vendors.iter().find(|vendor| vendor.id == id).ok_or_else(|| {
            ApiError::not_found(format!("there is no vendor '{id}' in {}", self.config_path().display()))
        })?;
        let contract = contract_edit(input, existing)?;
        let saved = sightline_sync::set_contract(self.config_path(), id, &contract).map_err(config_problem)?;
        sightline_sync::configure(&self.store, &saved)?;
        // The stored figures were computed against the old contract.
        self.ensure_assessed()?;
        Ok(())
    }
}
