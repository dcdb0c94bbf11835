//! The board brief, the report's first two pages: the five most serious
//! risks on a grid of likelihood and impact with their movement since the
//! last report, what the board is asked to decide or pay, the actions due
//! and what became of those agreed last time; and, for the appendix, the
//! evidence on file and the supplier reviews.

use std::collections::HashMap;

use chrono::NaiveDate;
use sightline_domain::{Action, Direction, MetricKey, Period, Scope, VendorKind};
use sightline_report::{BriefRisk, ReportAction, ReportDocument, ReportSnapshot, RiskLevel};

use crate::dto::{DocumentState, RiskRow, RiskSeverity};
use crate::format::money_text;
use crate::kpis::Computed;
use crate::{ApiError, Sightline};

pub(crate) struct Brief {
    pub risks: Vec<BriefRisk>,
    pub levels: Vec<RiskLevel>,
    pub asks: Vec<String>,
    pub actions_due: Vec<ReportAction>,
    pub actions: Vec<ReportAction>,
    pub actions_before: Vec<ReportAction>,
    pub documents: Vec<ReportDocument>,
    pub reviews: Vec<String>,
}

fn long_day(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

fn likelihood_rank(word: &str) -> u32 {
    match word {
        "almost certain" => 3,
        "likely" => 2,
        _ => 1,
    }
}

fn impact_rank(word: &str) -> u32 {
    match word {
        "high" => 3,
        "medium" => 2,
        _ => 1,
    }
}

/// The figure behind a risk, and whether higher is better.
fn level(risk: &RiskRow) -> RiskLevel {
    let point = risk.evidence.first();
    let direction = point.and_then(|point| MetricKey::parse(&point.metric)).map(|metric| metric.direction());
    RiskLevel {
        id: risk.id.clone(),
        severity: risk.severity.as_str().into(),
        figure: point.and_then(|point| point.value),
        higher_is_better: match direction {
            Some(Direction::HigherIsBetter) => Some(true),
            Some(Direction::LowerIsBetter) => Some(false),
            _ => None,
        },
    }
}

/// How a risk moved since the last report: new, worse, better or
/// unchanged (first, when there is no earlier report).
fn movement(risk: &RiskRow, before: Option<&ReportSnapshot>) -> &'static str {
    let Some(before) = before else { return "first" };
    let Some(then) = before.risk_levels.iter().find(|level| level.id == risk.id) else {
        // A report made before levels were kept knows only which were open.
        return if before.open_risks.iter().any(|(id, _)| *id == risk.id) { "unchanged" } else { "new" };
    };
    let rank = |severity: &str| if severity == "red" { 2 } else { 1 };
    match rank(risk.severity.as_str()).cmp(&rank(&then.severity)) {
        std::cmp::Ordering::Greater => return "worse",
        std::cmp::Ordering::Less => return "better",
        std::cmp::Ordering::Equal => {}
    }
    let now = level(risk);
    match (then.figure, now.figure, now.higher_is_better) {
        (Some(old), Some(new), Some(higher)) if (new - old).abs() > 0.005 * old.abs().max(1.0) => {
            if (new > old) == higher { "better" } else { "worse" }
        }
        _ => "unchanged",
    }
}

fn report_action(action: &Action, headline: &str, today: NaiveDate) -> ReportAction {
    ReportAction {
        flag_id: action.flag_id.clone(),
        headline: headline.to_string(),
        owner: action.owner.clone(),
        due: long_day(action.due),
        status: action.status.as_str().into(),
        status_text: action.status.words().into(),
        reason: action.reason.clone().unwrap_or_default(),
        overdue: action.status.is_pending() && action.due < today,
        outcome: String::new(),
    }
}

impl Brief {
    pub(crate) fn new(
        app: &Sightline,
        computed: &Computed,
        period: Period,
        open: &[&RiskRow],
        before: Option<&ReportSnapshot>,
    ) -> Result<Brief, ApiError> {
        // Documents and reviews as the flags count them: by their own dates,
        // up to the period's last day. Actions as they stand when the
        // report is made (the decisions on the flags are taken after the
        // period, for the meeting), "overdue" judged on that day.
        let end = period.end();
        let store = app.store();
        let settings = Sightline::settings(&store)?;
        let actions: HashMap<String, Action> = store.actions_at(None)?;
        let company_then = crate::assessment::company_at(&store, end)?;
        let logged: Vec<sightline_domain::SupplierReview> = store.reviews()?;
        drop(store);
        let today = app.now().with_timezone(&settings.tz()).date_naive();

        let action_text = |id: &str| match actions.get(id) {
            None => "No action agreed yet".to_string(),
            Some(action) if action.status == sightline_domain::ActionStatus::Accepted => format!(
                "{}: accepted risk ({})",
                action.owner,
                action.reason.as_deref().unwrap_or("no reason given").trim_end_matches('.')
            ),
            Some(action) => {
                let late = if action.status.is_pending() && action.due < today { ", overdue" } else { "" };
                format!("{}, due {}: {}{late}", action.owner, long_day(action.due), action.status.words())
            }
        };
        let risks: Vec<BriefRisk> = open
            .iter()
            .take(5)
            .enumerate()
            .map(|(index, risk)| BriefRisk {
                number: index as u32 + 1,
                id: risk.id.clone(),
                severity: risk.severity.as_str().into(),
                headline: risk.headline.clone(),
                likelihood: likelihood_rank(&risk.likelihood),
                likelihood_text: risk.likelihood.clone(),
                impact: impact_rank(&risk.impact),
                impact_text: risk.impact.clone(),
                movement: movement(risk, before).into(),
                action: action_text(&risk.id),
            })
            .collect();

        let headline_of: HashMap<&str, &str> =
            open.iter().map(|risk| (risk.id.as_str(), risk.headline.as_str())).collect();
        let mut all_actions: Vec<ReportAction> = actions
            .values()
            .filter_map(|action| Some(report_action(action, headline_of.get(action.flag_id.as_str())?, today)))
            .collect();
        all_actions.sort_by(|a, b| a.flag_id.cmp(&b.flag_id));
        // Soonest due first.
        let mut pending: Vec<&Action> = actions.values().filter(|action| action.status.is_pending()).collect();
        pending.sort_by_key(|action| (action.due, action.flag_id.clone()));
        let actions_due: Vec<ReportAction> = pending
            .into_iter()
            .filter_map(|action| Some(report_action(action, headline_of.get(action.flag_id.as_str())?, today)))
            .collect();

        let actions_before = before
            .map(|before| {
                before
                    .actions
                    .iter()
                    .map(|then| {
                        let outcome = match (headline_of.get(then.flag_id.as_str()), actions.get(&then.flag_id)) {
                            (None, _) => "the risk is no longer flagged".to_string(),
                            (Some(_), None) => "no longer tracked".to_string(),
                            (Some(_), Some(now)) => match now.status {
                                sightline_domain::ActionStatus::Done => "done, though the risk is still flagged".into(),
                                sightline_domain::ActionStatus::Accepted => format!(
                                    "the risk was accepted: {}",
                                    now.reason.as_deref().unwrap_or("no reason given")
                                ),
                                _ if now.due < today => {
                                    format!("still {}, overdue since {}", now.status.words(), long_day(now.due))
                                }
                                _ => format!("{}, due {}", now.status.words(), long_day(now.due)),
                            },
                        };
                        ReportAction { outcome, ..then.clone() }
                    })
                    .collect()
            })
            .unwrap_or_default();

        let mut asks = Vec::new();
        for vendor in &computed.company.vendors {
            let scope = Scope::Vendor(vendor.id.clone());
            let owed = computed
                .values
                .iter()
                .find(|value| {
                    value.scope == scope && value.metric == MetricKey::ServiceCreditOwed && value.period == period
                })
                .and_then(|value| value.value)
                .filter(|owed| *owed >= 0.5);
            if let Some(owed) = owed {
                asks.push(format!(
                    "Claim {} in service credits from {} for {}: its contract's credit terms apply to the targets it \
                     missed.",
                    money_text(owed),
                    vendor.name,
                    period.label()
                ));
            }
        }
        for risk in
            open.iter().filter(|risk| risk.severity == RiskSeverity::Red && !actions.contains_key(&risk.id)).take(3)
        {
            asks.push(format!("Agree who owns the response to \"{}\", and by when.", risk.headline));
        }
        for action in &actions_due {
            if action.overdue {
                asks.push(format!(
                    "Decide whether to escalate: the action on \"{}\" ({}) was due {} and is still {}.",
                    action.headline, action.owner, action.due, action.status_text
                ));
            }
        }
        for action in all_actions.iter().filter(|action| action.status == "accepted") {
            asks.push(format!("Confirm that the board accepts \"{}\": {}", action.headline, action.reason));
        }

        let known = |id: &str| computed.company.vendors.iter().any(|vendor| vendor.id == id);
        let documents = app
            .documents_at(None, end)?
            .into_iter()
            .filter(|row| known(&row.vendor))
            .map(|row| ReportDocument {
                vendor: row.vendor_name,
                kind: row.kind_text,
                title: row.title,
                issued: NaiveDate::parse_from_str(&row.issued, "%Y-%m-%d").map(long_day).unwrap_or(row.issued),
                status: match row.state {
                    DocumentState::Expired => "missed",
                    DocumentState::Expiring | DocumentState::Old => "at_risk",
                    DocumentState::Current => "met",
                }
                .into(),
                standing: row.state_text,
            })
            .collect();
        // Each vendor's last review as the rules counted it (the later of
        // the configured date and the log), with the log's entry for it.
        let reviews = company_then
            .vendors
            .iter()
            .filter(|vendor| vendor.kind != VendorKind::Internal)
            .map(|vendor| {
                let entry = logged
                    .iter()
                    .find(|review| review.vendor_id == vendor.id && Some(review.reviewed_on) == vendor.last_review);
                match (vendor.last_review, entry) {
                    (Some(_), Some(review)) => {
                        let next = review
                            .next_due
                            .map(|day| format!(" Next review due {}.", long_day(day)))
                            .unwrap_or_default();
                        format!(
                            "{}: last reviewed {} by {}. {}.{next}",
                            vendor.name,
                            long_day(review.reviewed_on),
                            review.reviewer,
                            review.outcome.trim_end_matches('.')
                        )
                    }
                    (Some(day), None) => {
                        format!("{}: last reviewed {} (no review logged in Sightline).", vendor.name, long_day(day))
                    }
                    (None, _) => format!("{}: no supplier review is on record.", vendor.name),
                }
            })
            .collect();

        Ok(Brief {
            risks,
            levels: open.iter().map(|risk| level(risk)).collect(),
            asks,
            actions_due,
            actions: all_actions,
            actions_before,
            documents,
            reviews,
        })
    }
}
