//! The Vendors screen: the scorecard across vendors on Sightline's own
//! figures, and a page per vendor with its contract, figures and flags.

use sightline_domain::{MetricKey, Scope, SlaClock, Unit};

use crate::contract::{configured_contract, stored_contract};
use crate::dto::{
    Choice, ContractInput, DisputeQuery, KpiQuery, MetricChoice, MetricStatus, RiskSeverity, ScoreCell, Scorecard,
    TargetRow, VendorPage, VendorScore,
};
use crate::format::{money_text, value_text};
use crate::overview::source_freshness;
use crate::report::{Builder, SCORECARD, long_date, meaning, trend_months};
use crate::{ApiError, Sightline};

pub(crate) fn metric_choice(metric: MetricKey, settings: &sightline_engine::Settings) -> MetricChoice {
    MetricChoice {
        metric: metric.as_str().into(),
        name: metric.plain_name().into(),
        explanation: meaning(metric, settings),
        unit: metric.unit().into(),
        area: metric.area().name().into(),
    }
}

fn status_of(word: &str) -> MetricStatus {
    match word {
        "met" => MetricStatus::Met,
        "at_risk" => MetricStatus::AtRisk,
        "missed" => MetricStatus::Missed,
        _ => MetricStatus::NoTarget,
    }
}

fn cost_text(cost: Option<f64>) -> String {
    cost.map(|cost| format!("{} a month", money_text(cost))).unwrap_or_default()
}

/// A contracted time as people say it: "30 min", "4 hours", "5 days".
fn minutes_text(minutes: i64) -> String {
    match minutes {
        m if m >= 1440 && m % 1440 == 0 => format!("{} day{}", m / 1440, if m == 1440 { "" } else { "s" }),
        m if m >= 60 && m % 60 == 0 => format!("{} hour{}", m / 60, if m == 60 { "" } else { "s" }),
        m => value_text(Some(m as f64), Unit::Minutes),
    }
}

impl Sightline {
    /// The vendors side by side for a period (default: the current month).
    pub fn scorecard(&self, period: Option<&str>) -> Result<Scorecard, ApiError> {
        let period = self.parse_period(period)?;
        let computed = self.compute(&[period])?;
        let risks = self.risks(false)?;
        let settings = Sightline::settings(&self.store())?;
        let mut builder = Builder { computed: &computed, period, months: vec![period], charts: 0 };
        let comparison = builder.comparison(MetricKey::SlaResponseCompliancePct);
        let rows = builder
            .scorecard()
            .into_iter()
            .filter_map(|row| {
                let vendor = computed.company.vendors.iter().find(|vendor| vendor.name == row.vendor)?;
                let flags = risks.iter().filter(|risk| risk.vendor.as_deref() == Some(vendor.id.as_str()));
                let (red, amber) = flags.fold((0, 0), |(red, amber), risk| {
                    if risk.severity == RiskSeverity::Red { (red + 1, amber) } else { (red, amber + 1) }
                });
                Some(VendorScore {
                    rank: row.rank,
                    vendor: vendor.id.clone(),
                    name: vendor.name.clone(),
                    kind: row.kind,
                    cost_text: cost_text(vendor.monthly_cost),
                    summary: row.summary,
                    cells: SCORECARD
                        .iter()
                        .zip(row.cells)
                        .map(|((metric, _), cell)| ScoreCell {
                            metric: metric.as_str().into(),
                            value_text: cell.value,
                            target_text: cell.target,
                            status: status_of(&cell.status),
                        })
                        .collect(),
                    open_red: red,
                    open_amber: amber,
                })
            })
            .collect();
        Ok(Scorecard {
            period: period.to_string(),
            period_label: period.label(),
            columns: SCORECARD
                .iter()
                .map(|(metric, column)| MetricChoice { name: (*column).into(), ..metric_choice(*metric, &settings) })
                .collect(),
            rows,
            comparison_svg: comparison.map(|chart| chart.svg).unwrap_or_default(),
        })
    }

    /// The vendors, in the company's order, for pickers.
    pub fn vendor_choices(&self) -> Result<Vec<Choice>, ApiError> {
        let company = self.store().load_company()?;
        let mut choices = vec![Choice { id: "all".into(), name: "All vendors".into() }];
        choices
            .extend(company.vendors.iter().map(|vendor| Choice { id: vendor.id.clone(), name: vendor.name.clone() }));
        Ok(choices)
    }

    /// One vendor's page for a period (default: the current month).
    pub fn vendor_page(&self, id: &str, period: Option<&str>) -> Result<VendorPage, ApiError> {
        let period = self.parse_period(period)?;
        let months = trend_months(period);
        let mut periods = months.clone();
        periods.push(period);
        let computed = self.compute(&periods)?;
        let Some(vendor) = computed.company.vendors.iter().find(|vendor| vendor.id == id) else {
            return Err(ApiError::not_found(format!("there is no vendor '{id}'")));
        };
        let scorecard = self.scorecard(Some(&period.to_string()))?;
        let row = scorecard.rows.iter().find(|row| row.vendor == id);
        let now = self.now();
        let review_days = Sightline::settings(&self.store())?.supplier_review_days;
        // The later of the configured date and the review log's newest.
        let last_review = crate::assessment::company_at(&self.store(), now)?
            .vendors
            .into_iter()
            .find(|known| known.id == id)
            .and_then(|known| known.last_review);
        let (review_text, review_overdue) = match last_review {
            None => ("No supplier review is recorded: log one below, or note its date in Sources.".to_string(), true),
            Some(day) => {
                let days = (now.date_naive() - day).num_days();
                let overdue = days > review_days;
                let when = long_date(day.and_hms_opt(12, 0, 0).expect("noon exists").and_utc());
                let verdict = if overdue {
                    format!("overdue: reviews are due every {review_days} days")
                } else {
                    format!("next due within {} days", review_days - days)
                };
                (format!("Last supplier review {when} ({days} days ago; {verdict})."), overdue)
            }
        };
        let contract = computed.company.contracts.iter().find(|contract| contract.vendor_id == id);
        let targets = contract
            .map(|contract| {
                contract
                    .sla
                    .iter()
                    .map(|target| TargetRow {
                        priority: target.priority.clone(),
                        respond_text: target.respond_minutes.map_or_else(
                            || "no answer time set".into(),
                            |m| format!("first answer within {}", minutes_text(m)),
                        ),
                        resolve_text: target
                            .resolve_minutes
                            .map_or_else(|| "no fix time set".into(), |m| format!("fixed within {}", minutes_text(m))),
                        since_text: target.effective_from.map_or_else(
                            || "since the contract began".into(),
                            |day| format!("since {}", day.format("%-d %B %Y")),
                        ),
                        clock_text: match contract.clock_of(Some(target)) {
                            SlaClock::Business => "in business hours".into(),
                            SlaClock::RoundTheClock => "round the clock".into(),
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        let compliance_target_text = match contract {
            Some(contract) => {
                format!("{} of requests must meet these times.", Unit::Percent.text(contract.compliance_target_pct))
            }
            None => "No response or fix times are on record for this vendor.".into(),
        };
        let timezone = Sightline::settings(&self.store())?.timezone;
        let hours_text = match contract.and_then(|contract| contract.terms.hours.as_ref()) {
            None => "Business hours: none set, so every target runs round the clock.".to_string(),
            Some(hours) => {
                let holidays = contract.map(|contract| contract.terms.holidays.as_slice()).unwrap_or_default();
                let holidays = match holidays {
                    [] => "no holidays set".to_string(),
                    days => format!(
                        "holidays {}",
                        days.iter().map(|day| day.format("%-d %B %Y").to_string()).collect::<Vec<_>>().join(", ")
                    ),
                };
                format!("Business hours: {hours} ({timezone}); {holidays}.")
            }
        };
        let credits_text = match (contract.and_then(|contract| contract.terms.credits), vendor.monthly_cost) {
            (Some(credits), Some(cost)) => format!(
                "Service credits: {}% of the monthly cost of {} for each point below the compliance target, at most \
                 {}% a month.",
                credits.percent_per_point,
                money_text(cost),
                credits.cap_percent
            ),
            _ => "Service credits: none set in the contract.".to_string(),
        };
        // The form shows the contract as the file writes it; the demo
        // company has no file, so its contract is shown as stored, read-only.
        let contract_editable = self.config_path().exists();
        let configured = if contract_editable {
            self.config().ok().and_then(|config| config.vendors.into_iter().find(|vendor| vendor.id == id))
        } else {
            None
        };
        let contract_form = match (&configured, contract) {
            (Some(vendor), _) => configured_contract(vendor),
            (None, Some(contract)) => stored_contract(contract),
            (None, None) => ContractInput::default(),
        };
        let disputes = self.disputes(&DisputeQuery { vendor: id.to_string(), period: Some(period.to_string()) })?;
        let mut builder = Builder { computed: &computed, period, months, charts: 0 };
        let chart = builder.trend(&Scope::Vendor(id.to_string()), MetricKey::SlaResponseCompliancePct);
        let metrics: Vec<_> = self
            .kpis(&KpiQuery { vendor: Some(id.to_string()), period: Some(period.to_string()) })?
            .into_iter()
            .filter(|kpi| kpi.value.is_some())
            .collect();
        let settings = Sightline::settings(&self.store())?;
        let documents = self.documents(Some(id))?;
        let reviews = self.reviews(Some(id))?;
        let measures = metrics
            .iter()
            .filter_map(|kpi| MetricKey::parse(&kpi.metric))
            .map(|metric| metric_choice(metric, &settings))
            .collect();
        let sources = computed
            .company
            .sources
            .iter()
            .filter(|source| source.vendor_id == id)
            .map(|source| source_freshness(source, &vendor.name, now))
            .collect();
        Ok(VendorPage {
            documents,
            reviews,
            id: vendor.id.clone(),
            name: vendor.name.clone(),
            kind: row.map(|row| row.kind.clone()).unwrap_or_default(),
            period: period.to_string(),
            period_label: period.label(),
            cost_text: cost_text(vendor.monthly_cost),
            review_text,
            review_overdue,
            targets,
            compliance_target_text,
            rank: row.map_or(0, |row| row.rank),
            summary: row.map(|row| row.summary.clone()).unwrap_or_default(),
            vendor_count: scorecard.rows.len() as u32,
            metrics,
            measures,
            risks: self.risks(false)?.into_iter().filter(|risk| risk.vendor.as_deref() == Some(id)).collect(),
            disputes,
            hours_text,
            credits_text,
            sources,
            trend_svg: chart.svg,
            trend_summary: chart.caption,
            contract: contract_form,
            contract_editable,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use sightline_domain::MetricKey;
    use sightline_engine::Settings;

    /// The catalogue: every measure has a name, a definition whose
    /// thresholds are all settings, an area and what it reads, and a
    /// definition follows the settings in force.
    #[test]
    fn every_measure_is_described_in_full() {
        let settings = Settings::default();
        let known = serde_json::to_value(&settings).unwrap();
        let mut definitions = HashSet::new();
        for metric in MetricKey::ALL.iter().copied() {
            let key = metric.as_str();
            let filled = metric.definition_with(|name| known.get(name).map(|value| value.to_string()));
            assert!(filled.is_some(), "{key}'s definition names a threshold that is not a setting");
            let choice = super::metric_choice(metric, &settings);
            assert_eq!(choice.metric, key);
            assert!(!choice.name.is_empty() && !choice.name.ends_with('.'), "{key}: {}", choice.name);
            assert!(choice.explanation.ends_with('.') && !choice.explanation.contains('{'), "{key}");
            assert!(definitions.insert(choice.explanation.clone()), "{key} shares its definition with another");
            assert!(!choice.area.is_empty());
            assert!(!metric.reads().is_empty() || metric == MetricKey::SourceStalenessHours, "{key} reads nothing");
        }
        let changed = Settings { patch_grace_days: 21, vuln_critical_deadline_days: 7, ..Settings::default() };
        assert_eq!(
            crate::report::meaning(MetricKey::PatchCompliancePct, &changed),
            "Managed computers with no critical or security update missing for more than 21 days."
        );
        assert_eq!(
            crate::report::meaning(MetricKey::VulnsOverdue, &changed),
            "Weaknesses open past their deadline (critical 7 days, high 30 days)."
        );
        assert_eq!(super::metric_choice(MetricKey::VulnsOverdue, &changed).area, "Security hygiene");
        assert_eq!(super::metric_choice(MetricKey::CsatPct, &changed).area, "Vendors");
    }

    #[test]
    fn contracted_times_read_as_people_say_them() {
        assert_eq!(super::minutes_text(30), "30 min");
        assert_eq!(super::minutes_text(90), "1 h 30 min");
        assert_eq!(super::minutes_text(60), "1 hour");
        assert_eq!(super::minutes_text(240), "4 hours");
        assert_eq!(super::minutes_text(1440), "1 day");
        assert_eq!(super::minutes_text(7200), "5 days");
    }
}
