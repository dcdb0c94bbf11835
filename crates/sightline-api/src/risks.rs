//! The `risks` and `ack` use cases: the current flags with their evidence,
//! state and acknowledgement; and recording an executive's note on one.

use sightline_domain::{FlagState, StoredFlag};

use crate::dto::{AcknowledgementRow, EvidenceRow, RiskRow};
use crate::{ApiError, Sightline};

impl Sightline {
    /// The flags, most serious first; resolved ones only with `all`.
    pub fn risks(&self, all: bool) -> Result<Vec<RiskRow>, ApiError> {
        self.ensure_assessed()?;
        let store = self.store();
        let company = store.load_company()?;
        let acknowledgements = store.acknowledgements()?;
        let flags = store.load_flags()?;
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
                risk_row(stored, vendor_name, acknowledgements.get(&stored.flag.id))
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

fn evidence_row(point: &sightline_domain::EvidencePoint) -> EvidenceRow {
    EvidenceRow {
        metric: point.metric.as_str().into(),
        metric_name: point.metric.plain_name().into(),
        period: point.period.to_string(),
        value: point.value,
        target: point.target,
        unit: point.metric.unit().as_str().into(),
    }
}

pub(crate) fn risk_row(
    stored: &StoredFlag,
    vendor_name: Option<String>,
    acknowledgement: Option<&sightline_domain::Acknowledgement>,
) -> RiskRow {
    let flag = &stored.flag;
    RiskRow {
        id: flag.id.clone(),
        rule: flag.rule.clone(),
        severity: flag.severity.as_str().into(),
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
        state: stored.state.as_str().into(),
        acknowledged: acknowledgement.map(|ack| AcknowledgementRow { note: ack.note.clone(), at: ack.at.to_rfc3339() }),
    }
}
