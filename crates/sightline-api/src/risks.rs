//! The `risks` and `ack` use cases: the current flags with their evidence,
//! state and acknowledgement; and recording an executive's note on one.

use sightline_domain::{FlagState, StoredFlag};

use crate::dto::{AcknowledgementRow, ActionInput, ActionRow, EvidenceRow, RiskRow};
use crate::{ApiError, Sightline};

impl Sightline {
    /// The flags, most serious first; resolved ones only with `all`.
    pub fn risks(&self, all: bool) -> Result<Vec<RiskRow>, ApiError> {
        self.assessed_for_reading()?;
        let store = self.store();
        let company = store.load_company()?;
        let acknowledgements = store.acknowledgements()?;
        let actions = store.actions_at(None)?;
        let mut flags = store.load_flags()?;
        flags.sort_by(|a, b| most_serious_first(&a.flag, &b.flag));
        Ok(flags
            .iter()
            .filter(|stored| all || stored.state != FlagState::Resolved)
            .map(|stored| {
                let vendor_name = stored.flag.vendor.as_deref().map(|id| {
                    company
                        .vendors
                        .iter()
                        .find(|vendor| vendor.id == id)
                        .map_or_else(|| id.to_string(), |v| v.name.clone())
                });
                risk_row(stored, vendor_name, acknowledgements.get(&stored.flag.id), actions.get(&stored.flag.id))
            })
            .collect())
    }

    /// The flags as they stood at `end` (a report period's end): every rule
    /// evaluated with `now` = `end`, most serious first, all open then, and
    /// the company as it stood then.
    pub(crate) fn flags_at(
        &self,
        end: chrono::DateTime<chrono::Utc>,
    ) -> Result<(sightline_store::Company, Vec<sightline_domain::RiskFlag>), ApiError> {
        self.ensure_assessed()?;
        crate::assessment::flags_at(&self.store(), end)
    }

    /// The rows of flags [`Self::flags_at`] gave. A flag Sightline first saw
    /// later says so by having no earlier date: its first-seen is `end`.
    pub(crate) fn risk_rows_at(
        &self,
        company: &sightline_store::Company,
        flags: Vec<sightline_domain::RiskFlag>,
        end: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<RiskRow>, ApiError> {
        let store = self.store();
        let acknowledgements = store.acknowledgements()?;
        // Actions as they stand now: decisions on the flags are taken after
        // the period, for the meeting its report is made for.
        let actions = store.actions_at(None)?;
        let stored = store.load_flags()?;
        drop(store);
        Ok(flags
            .into_iter()
            .map(|flag| {
                let first_seen = stored
                    .iter()
                    .find(|known| known.flag.id == flag.id)
                    .map(|known| known.first_seen)
                    .filter(|first| *first <= end)
                    .unwrap_or(end);
                let vendor_name = flag.vendor.as_deref().map(|id| {
                    company
                        .vendors
                        .iter()
                        .find(|vendor| vendor.id == id)
                        .map_or_else(|| id.to_string(), |v| v.name.clone())
                });
                let ack = acknowledgements.get(&flag.id).filter(|ack| ack.at <= end);
                let then = StoredFlag {
                    flag,
                    state: FlagState::Ongoing,
                    first_seen,
                    last_seen: end,
                    resolved_at: None,
                    returned: false,
                };
                let action = actions.get(&then.flag.id);
                risk_row(&then, vendor_name, ack, action)
            })
            .collect())
    }

    /// Attaches a private note to a flag. The note is kept through every
    /// sync, recomputation and upgrade.
    pub fn acknowledge(&self, flag_id: &str, note: &str) -> Result<RiskRow, ApiError> {
        self.ensure_assessed()?;
        let note = note.trim();
        if note.is_empty() {
            return Err(ApiError::invalid("the note is empty: say what was agreed or why the flag is accepted"));
        }
        {
            let store = self.store();
            if !store.load_flags()?.iter().any(|stored| stored.flag.id == flag_id) {
                return Err(ApiError::not_found(format!(
                    "there is no flag '{flag_id}': `sightline-cli risks --all` lists their ids"
                )));
            }
            store.acknowledge(flag_id, note, self.now())?;
        }
        self.risks(true)?
            .into_iter()
            .find(|row| row.id == flag_id)
            .ok_or_else(|| ApiError::not_found(format!("the flag '{flag_id}' disappeared while it was acknowledged")))
    }
}

impl Sightline {
    /// Records who owns the action on a flag, by when, and where it stands.
    /// A flag's first action needs an owner and a due date; later changes
    /// may give only what changed. Accepting a risk needs a reason.
    pub fn set_action(&self, flag_id: &str, input: &ActionInput) -> Result<RiskRow, ApiError> {
        self.ensure_assessed()?;
        let current = {
            let store = self.store();
            if !store.load_flags()?.iter().any(|stored| stored.flag.id == flag_id) {
                return Err(ApiError::not_found(format!(
                    "there is no flag '{flag_id}': `sightline-cli risks --all` lists their ids"
                )));
            }
            store.actions_at(None)?.remove(flag_id)
        };
        let text =
            |value: &Option<String>| value.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(String::from);
        let owner = text(&input.owner)
            .or(current.as_ref().map(|action| action.owner.clone()))
            .ok_or_else(|| ApiError::invalid("the action has no owner: name who is answerable for it (--owner)"))?;
        let due = match text(&input.due) {
            Some(day) => chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|_| ApiError::invalid(format!("'{day}' is not a date: write the due date as 2027-01-31")))?,
            None => current.as_ref().map(|action| action.due).ok_or_else(|| {
                ApiError::invalid("the action has no due date: say by when it is to be done (--due 2027-01-31)")
            })?,
        };
        let status = match text(&input.status) {
            Some(word) => sightline_domain::ActionStatus::parse(&word).ok_or_else(|| {
                ApiError::invalid(format!("'{word}' is not a status: use open, in-progress, done or accepted"))
            })?,
            None => current.as_ref().map_or(sightline_domain::ActionStatus::Open, |action| action.status),
        };
        let reason = text(&input.reason).or_else(|| {
            current.as_ref().filter(|action| action.status == status).and_then(|action| action.reason.clone())
        });
        if status == sightline_domain::ActionStatus::Accepted && reason.is_none() {
            return Err(ApiError::invalid(
                "accepting a risk needs a reason the board can read (--reason \"...\"): nothing was recorded",
            ));
        }
        let action = sightline_domain::Action {
            flag_id: flag_id.to_string(),
            owner,
            due,
            status,
            reason,
            recorded_at: self.now(),
        };
        self.store().record_action(&action, false)?;
        self.risks(true)?
            .into_iter()
            .find(|row| row.id == flag_id)
            .ok_or_else(|| ApiError::not_found(format!("the flag '{flag_id}' disappeared while its action was saved")))
    }
}

/// Red before amber; within each, the larger likelihood times impact
/// first (the board's grid), then by id so that the order is stable. The
/// one order of the Risks screen, `risks`, and the report's five.
pub(crate) fn most_serious_first(a: &sightline_domain::RiskFlag, b: &sightline_domain::RiskFlag) -> std::cmp::Ordering {
    let score = |flag: &sightline_domain::RiskFlag| {
        let (likelihood, impact) = sightline_engine::grid_place(flag);
        (likelihood as u32 + 1) * (impact as u32 + 1)
    };
    b.severity.cmp(&a.severity).then_with(|| score(b).cmp(&score(a))).then_with(|| a.id.cmp(&b.id))
}

fn evidence_row(point: &sightline_domain::EvidencePoint) -> EvidenceRow {
    EvidenceRow {
        metric: point.metric.as_str().into(),
        metric_name: point.metric.plain_name().into(),
        period: point.period.to_string(),
        value: point.value,
        target: point.target,
        unit: point.metric.unit().into(),
    }
}

pub(crate) fn risk_row(
    stored: &StoredFlag,
    vendor_name: Option<String>,
    acknowledgement: Option<&sightline_domain::Acknowledgement>,
    action: Option<&sightline_domain::Action>,
) -> RiskRow {
    let flag = &stored.flag;
    let (likelihood, impact) = sightline_engine::grid_place(flag);
    RiskRow {
        id: flag.id.clone(),
        rule: flag.rule.clone(),
        severity: flag.severity.into(),
        vendor: flag.vendor.clone(),
        vendor_name,
        headline: flag.headline.clone(),
        why: flag.why.clone(),
        question: flag.question.clone(),
        evidence: flag.evidence.iter().map(evidence_row).collect(),
        records: flag.records.clone(),
        first_seen: stored.first_seen.to_rfc3339(),
        last_seen: stored.last_seen.to_rfc3339(),
        resolved_at: stored.resolved_at.map(|at| at.to_rfc3339()),
        state: stored.state.into(),
        acknowledged: acknowledgement.map(|ack| AcknowledgementRow { note: ack.note.clone(), at: ack.at.to_rfc3339() }),
        action: action.map(action_row),
        likelihood: likelihood.words().into(),
        impact: impact.words().into(),
    }
}

pub(crate) fn action_row(action: &sightline_domain::Action) -> ActionRow {
    ActionRow {
        owner: action.owner.clone(),
        due: action.due.to_string(),
        status: action.status.into(),
        status_text: action.status.words().into(),
        reason: action.reason.clone(),
        recorded_at: action.recorded_at.to_rfc3339(),
    }
}
