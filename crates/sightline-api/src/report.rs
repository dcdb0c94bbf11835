//! The board report use cases: make the PDF for a period from the cache,
//! archive it sealed (PDF, data snapshot, SHA-256), list the archive, open
//! a stored report offline with its hash checked, and compare two reports.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sightline_domain::{Direction, MetricKey, MetricValue, Period, Scope, Status, Unit};
use sightline_report::charts::{self, Bar, Standing, TrendChart, TrendPoint};
use sightline_report::{
    Definition, DirectoryEntry, Paper, ProvenanceRow, ReportChart, ReportClaim, ReportNote, ReportRisk, ReportSnapshot,
    ReportTile, ScorecardCell, ScorecardRow,
};
use sightline_store::{NewReport, StoredReport};

use crate::dto::{ArchivedReport, ClaimVerdict, MetricStatus, ReportComparison, ReportQuery, RiskSeverity, RiskState};
use crate::error::ErrorCode;
use crate::format::{beside_text, value_text};
use crate::kpis::Computed;
use crate::{ApiError, Sightline};

/// The scorecard's columns: the measures every vendor is compared on.
pub(crate) const SCORECARD: &[(MetricKey, &str)] = &[
    (MetricKey::SlaResponseCompliancePct, "Answered on time"),
    (MetricKey::SlaResolutionCompliancePct, "Fixed on time"),
    (MetricKey::FirstResponseMedianMinutes, "Typical first answer"),
    (MetricKey::ResolutionMedianHours, "Typical fix"),
    (MetricKey::BacklogOpen, "Open tickets"),
    (MetricKey::PatchCompliancePct, "Updates on time"),
    (MetricKey::VulnsCriticalOpen, "Critical weaknesses"),
    (MetricKey::DaysSinceRestoreTest, "Since restore test"),
    (MetricKey::CsatPct, "Satisfaction"),
];

/// "3: 2 its first response is dated before it was opened; 1 the
/// provider's tool marks it as outside the SLA", or empty.
pub(crate) fn left_out_text(reasons: &[(String, u64)]) -> String {
    let total: u64 = reasons.iter().map(|(_, count)| count).sum();
    if total == 0 {
        return String::new();
    }
    let parts: Vec<String> = reasons.iter().map(|(reason, count)| format!("{count} because {reason}")).collect();
    format!("{total}: {}", parts.join("; "))
}

/// What each measure means, in the appendix's plain words, with the
/// thresholds of the settings in force (never a default written in).
pub(crate) fn meaning(key: MetricKey, settings: &sightline_engine::Settings) -> String {
    let settings = serde_json::to_value(settings).unwrap_or_default();
    key.definition_with(|name| {
        let value = settings.get(name)?;
        let number = value.as_f64()?;
        Some(if number.fract() == 0.0 { format!("{number:.0}") } else { number.to_string() })
    })
    // The catalogue's test makes every threshold a definition names a setting.
    .unwrap_or_else(|| key.definition().to_string())
}

/// Who became an administrator, and whose second factor went, between two
/// reports' readings of the directory. Nothing when either report has no
/// reading: a directory first read is not a change.
fn directory_changes(before: &[DirectoryEntry], now: &[DirectoryEntry]) -> Vec<String> {
    if before.is_empty() || now.is_empty() {
        return Vec::new();
    }
    let was = |user: &str| before.iter().find(|entry| entry.user == user);
    let new_admins: Vec<&str> = now
        .iter()
        .filter(|entry| entry.admin && !was(&entry.user).is_some_and(|old| old.admin))
        .map(|entry| entry.user.as_str())
        .collect();
    let mfa_removed: Vec<&str> = now
        .iter()
        .filter(|entry| entry.mfa == Some(false) && was(&entry.user).is_some_and(|old| old.mfa == Some(true)))
        .map(|entry| entry.user.as_str())
        .collect();
    let mut lines = Vec::new();
    if !new_admins.is_empty() {
        lines.push(format!("New administrator accounts: {}.", new_admins.join(", ")));
    }
    if !mfa_removed.is_empty() {
        lines.push(format!("Second factor removed: {}.", mfa_removed.join(", ")));
    }
    lines
}

pub(crate) fn standing(status: Status) -> Standing {
    match status {
        Status::Met => Standing::Met,
        Status::AtRisk => Standing::AtRisk,
        Status::Missed => Standing::Missed,
        Status::NoTarget => Standing::NoTarget,
    }
}

fn status_word(status: MetricStatus) -> &'static str {
    match status {
        MetricStatus::Met => "met",
        MetricStatus::AtRisk => "at_risk",
        MetricStatus::Missed => "missed",
        MetricStatus::NoTarget => "no_target",
    }
}

fn domain_status_word(status: Status) -> &'static str {
    status_word(status.into())
}

pub(crate) fn long_date(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

fn archived(report: &StoredReport) -> ArchivedReport {
    ArchivedReport {
        signature: "unchecked".into(),
        signature_text: String::new(),
        id: report.id,
        period: report.period.clone(),
        title: report.title.clone(),
        created_at: report.created_at.to_rfc3339(),
        paper: report.paper.clone(),
        sha256: report.sha256.clone(),
        fingerprint: report.fingerprint.clone(),
        pages: report.pages,
        bytes: u32::try_from(report.bytes).unwrap_or(u32::MAX),
    }
}

/// The twelve months ending with the period's last month.
pub(crate) fn trend_months(period: Period) -> Vec<Period> {
    let last = Period::month_of(period.end() - chrono::Duration::seconds(1));
    (0..12).rev().map(|back| last.shift(-back)).collect()
}

pub(crate) fn short_label(period: Period) -> String {
    match period {
        Period::Month { .. } => period.start().format("%b %y").to_string(),
        Period::Quarter { year, quarter } => format!("Q{quarter} {}", year % 100),
    }
}

pub(crate) struct Builder<'a> {
    pub computed: &'a Computed,
    pub period: Period,
    pub months: Vec<Period>,
    pub charts: usize,
}

impl Builder<'_> {
    pub(crate) fn value(&self, scope: &Scope, metric: MetricKey, period: Period) -> Option<&MetricValue> {
        self.computed
            .values
            .iter()
            .find(|value| &value.scope == scope && value.metric == metric && value.period == period)
    }

    fn vendors(&self) -> Vec<Scope> {
        self.computed.company.vendors.iter().map(|vendor| Scope::Vendor(vendor.id.clone())).collect()
    }

    /// Vendors with a value for `metric` in any of the trend months.
    fn measured(&self, metric: MetricKey) -> Vec<Scope> {
        self.vendors()
            .into_iter()
            .filter(|scope| {
                self.months.iter().any(|month| self.value(scope, metric, *month).is_some_and(|v| v.value.is_some()))
            })
            .collect()
    }

    fn next_file(&mut self) -> String {
        self.charts += 1;
        format!("charts/{}.svg", self.charts)
    }

    pub(crate) fn trend(&mut self, scope: &Scope, metric: MetricKey) -> ReportChart {
        let points: Vec<TrendPoint> = self
            .months
            .iter()
            .map(|month| {
                let value = self.value(scope, metric, *month);
                TrendPoint {
                    label: short_label(*month),
                    value: value.and_then(|v| v.value),
                    target: value.and_then(|v| v.target),
                    standing: value.map_or(Standing::NoTarget, |v| standing(v.status)),
                }
            })
            .collect();
        let name = self.computed.vendor_name(scope);
        let latest = self
            .months
            .iter()
            .zip(&points)
            .rev()
            .find_map(|(month, point)| point.value.map(|value| (month.label(), value)));
        let below = points.iter().filter(|point| matches!(point.standing, Standing::Missed | Standing::AtRisk)).count();
        let targeted = points.iter().filter(|point| point.target.is_some() && point.value.is_some()).count();
        let caption = match latest {
            Some((month, value)) if targeted > 0 => format!(
                "{name}, {}: {} in {month}; below target in {below} of the last {} months.",
                metric.plain_name().to_lowercase(),
                value_text(Some(value), metric.unit()),
                points.len()
            ),
            Some((month, value)) => format!(
                "{name}, {}: {} in {month}; no contract target is set.",
                metric.plain_name().to_lowercase(),
                value_text(Some(value), metric.unit())
            ),
            None => format!("{name}: {} — no data.", metric.plain_name().to_lowercase()),
        };
        let forecast = self.forecast(&points, metric);
        let caption = if forecast.is_empty() {
            caption
        } else {
            format!("{caption} At this rate it will fall below target within two months (dashed).")
        };
        let chart = TrendChart {
            title: format!("{name}: {}", metric.plain_name()),
            unit: metric.unit().as_str().to_string(),
            points,
            higher_is_better: metric.direction() == Direction::HigherIsBetter,
            forecast,
        };
        ReportChart { file: self.next_file(), svg: charts::trend_svg(&chart, 800, 340), caption }
    }

    /// The next two months on the straight line through the last six, when
    /// the figure still meets its target but that line crosses it: the
    /// same projection as the engine's "at this rate" rule.
    fn forecast(&self, points: &[TrendPoint], metric: MetricKey) -> Vec<TrendPoint> {
        let Some(last) = points.last() else { return Vec::new() };
        let (Some(target), Standing::Met) = (last.target, last.standing) else { return Vec::new() };
        let recent: Vec<f64> = points.iter().rev().take(6).map_while(|point| point.value).collect();
        if recent.len() < 4 {
            return Vec::new();
        }
        let figures: Vec<f64> = recent.into_iter().rev().collect();
        let below = |value: f64| match metric.direction() {
            Direction::HigherIsBetter => value < target,
            Direction::LowerIsBetter => value > target,
            Direction::Neutral => false,
        };
        let ahead: Vec<f64> =
            (1..=2).filter_map(|step| sightline_engine::linear_projection(&figures, f64::from(step))).collect();
        if !ahead.last().is_some_and(|value| below(*value)) {
            return Vec::new();
        }
        let last_month = *self.months.last().expect("twelve months");
        ahead
            .into_iter()
            .enumerate()
            .map(|(index, value)| TrendPoint {
                label: short_label(last_month.shift(index as i32 + 1)),
                value: Some(if metric.unit() == Unit::Percent { value.clamp(0.0, 100.0) } else { value.max(0.0) }),
                target: Some(target),
                standing: if below(value) { Standing::Missed } else { Standing::Met },
            })
            .collect()
    }

    pub(crate) fn comparison(&mut self, metric: MetricKey) -> Option<ReportChart> {
        let bars: Vec<Bar> = self
            .measured(metric)
            .iter()
            .map(|scope| {
                let value = self.value(scope, metric, self.period);
                Bar {
                    label: self.computed.vendor_name(scope),
                    value: value.and_then(|v| v.value),
                    target: value.and_then(|v| v.target),
                    standing: value.map_or(Standing::NoTarget, |v| standing(v.status)),
                }
            })
            .collect();
        if bars.len() < 2 {
            return None;
        }
        let title = format!("{}, {}", metric.plain_name(), self.period.label());
        let svg = charts::comparison_svg(&title, metric.unit().as_str(), &bars, 800, 90 + 50 * bars.len() as u32);
        Some(ReportChart {
            file: self.next_file(),
            svg,
            caption: format!("Providers compared on one definition: {}.", metric.plain_name().to_lowercase()),
        })
    }

    /// "Bluepeak IT Services: critical weaknesses open: 2 — off target."
    fn fact(&self, scope: &Scope, metric: MetricKey, phrase: &str, after: &str) -> Option<String> {
        let value = self.value(scope, metric, self.period)?;
        let figure = value.value?;
        let status = match value.status {
            Status::Missed => " — off target",
            Status::AtRisk => " — at risk",
            _ => "",
        };
        let whose = match scope {
            Scope::All => "Company-wide".to_string(),
            Scope::Vendor(_) => self.computed.vendor_name(scope),
        };
        Some(format!("{whose}: {phrase} {}{after}{status}.", value_text(Some(figure), metric.unit())))
    }

    pub(crate) fn scorecard(&self) -> Vec<ScorecardRow> {
        let mut rows: Vec<(usize, usize, ScorecardRow)> = self
            .computed
            .company
            .vendors
            .iter()
            .map(|vendor| {
                let scope = Scope::Vendor(vendor.id.clone());
                let mut met = 0;
                let mut missed_names = Vec::new();
                let mut risk_names = Vec::new();
                let cells = SCORECARD
                    .iter()
                    .map(|(metric, column)| {
                        let value = self.value(&scope, *metric, self.period);
                        let status = value.map_or(Status::NoTarget, |v| v.status);
                        match status {
                            Status::Met => met += 1,
                            Status::Missed => missed_names.push(column.to_lowercase()),
                            Status::AtRisk => risk_names.push(column.to_lowercase()),
                            Status::NoTarget => {}
                        }
                        let figure = value.and_then(|v| v.value);
                        ScorecardCell {
                            value: if figure.is_some() {
                                beside_text(figure, value.and_then(|v| v.target), metric.unit())
                            } else {
                                "—".into()
                            },
                            target: value
                                .and_then(|v| v.target)
                                .map(|target| format!("target {}", value_text(Some(target), metric.unit())))
                                .unwrap_or_default(),
                            status: domain_status_word(status).into(),
                        }
                    })
                    .collect();
                let summary = match (missed_names.as_slice(), risk_names.as_slice()) {
                    ([], []) if met == 0 => "Nothing measured against a target yet.".to_string(),
                    ([], []) => "On target wherever it is measured.".to_string(),
                    ([], risks) => format!("At risk on {}; otherwise on target.", risks.join(" and ")),
                    (missed, []) => format!("Off target on {}; otherwise on target.", missed.join(" and ")),
                    (missed, risks) => {
                        format!("Off target on {}; at risk on {}.", missed.join(" and "), risks.join(" and "))
                    }
                };
                let row = ScorecardRow {
                    rank: 0,
                    vendor: vendor.name.clone(),
                    kind: match vendor.kind.as_str() {
                        "msp" => "Managed service provider",
                        "cloud" => "Hosting and cloud",
                        "security" => "Security services",
                        "internal" => "Internal IT",
                        _ => "Other provider",
                    }
                    .into(),
                    monthly_cost: vendor
                        .monthly_cost
                        .map(|cost| crate::format::thousands(cost.round() as u64))
                        .unwrap_or_default(),
                    summary: format!("{}: {}", vendor.name, summary),
                    cells,
                };
                (met, missed_names.len(), row)
            })
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.vendor.cmp(&b.2.vendor)));
        rows.into_iter()
            .enumerate()
            .map(|(index, (_, _, mut row))| {
                row.rank = index as u32 + 1;
                row
            })
            .collect()
    }
}

impl Sightline {
    fn report_period(&self, text: Option<&str>) -> Result<Period, ApiError> {
        let period = match text {
            Some(text) => self.parse_period(Some(text))?,
            // The last full quarter.
            None => Period::quarter_of(self.now()).previous(),
        };
        // A sealed report of a period still running would be out of date
        // the day it is made, and could not be told apart from a final one.
        if period.end() > self.now() {
            let last = match period {
                Period::Quarter { .. } => Period::quarter_of(self.now()).previous(),
                Period::Month { .. } => Period::month_of(self.now()).previous(),
            };
            return Err(ApiError::invalid(format!(
                "{} has not ended yet: a board report covers a finished period, so nothing was made or archived; \
                 the last that has ended is {} (--period {last})",
                period.label(),
                last.label()
            )));
        }
        Ok(period)
    }

    /// The archived report the report of `period` is compared with: the one
    /// of the latest period that had ended when `period` began (the newest
    /// of those), its bytes checked. A second report of the same period
    /// compares with the same one as the first.
    fn report_before(&self, period: Period) -> Result<Option<(StoredReport, ReportSnapshot)>, ApiError> {
        let mut earlier: Vec<(Period, StoredReport)> = self
            .store()
            .reports()?
            .into_iter()
            .filter_map(|report| Some((report.period.parse::<Period>().ok()?, report)))
            .filter(|(then, _)| then.end() <= period.start())
            .collect();
        earlier.sort_by_key(|(then, report)| std::cmp::Reverse((then.end(), report.created_at, report.id)));
        for (_, report) in earlier {
            let opened = self.store().open_report(report.id)?;
            if let Some(Ok((stored, _, text))) = opened
                && let Ok(snapshot) = serde_json::from_str::<ReportSnapshot>(&text)
            {
                return Ok(Some((stored, snapshot)));
            }
        }
        Ok(None)
    }

    /// Builds the data snapshot a report for `period` is made from.
    fn report_snapshot(&self, period: Period) -> Result<ReportSnapshot, ApiError> {
        let now = self.now();
        let months = trend_months(period);
        let mut periods = months.clone();
        periods.push(period);
        let computed = self.compute(&periods)?;
        let settings = Sightline::settings(&self.store())?;
        let mut overview = self.overview_for(period)?;
        // The flags as they stood when the period ended, not today's: a
        // report of a past quarter says what was true then.
        let (company_then, flags_then) = self.flags_at(period.end())?;
        let risks = self.risk_rows_at(&company_then, flags_then.clone(), period.end())?;
        overview.open_red = risks.iter().filter(|risk| risk.severity == RiskSeverity::Red).count() as u32;
        overview.open_amber = risks.iter().filter(|risk| risk.severity == RiskSeverity::Amber).count() as u32;
        let mut builder = Builder { computed: &computed, period, months, charts: 0 };

        let mut service_charts = Vec::new();
        service_charts.extend(builder.comparison(MetricKey::SlaResponseCompliancePct));
        for scope in builder.measured(MetricKey::SlaResponseCompliancePct) {
            service_charts.push(builder.trend(&scope, MetricKey::SlaResponseCompliancePct));
        }
        let mut security_charts = Vec::new();
        for scope in builder.measured(MetricKey::PatchCompliancePct) {
            security_charts.push(builder.trend(&scope, MetricKey::PatchCompliancePct));
        }
        let mut security_facts = Vec::new();
        // Coverage is company-wide: the same computer as every tool sees it.
        security_facts.extend(builder.fact(
            &Scope::All,
            MetricKey::AgentCoveragePct,
            "computers every security tool sees:",
            "",
        ));
        security_facts.extend(builder.fact(
            &Scope::All,
            MetricKey::EndpointsUnprotected,
            "computers without working endpoint protection:",
            "",
        ));
        security_facts.extend(builder.fact(
            &Scope::All,
            MetricKey::DevicesNotSeen30d,
            "computers no tool has heard from for over 30 days:",
            "",
        ));
        // Identity, from the company's own directory.
        for (metric, phrase) in [
            (MetricKey::MfaCoveragePct, "accounts with a second sign-in factor:"),
            (MetricKey::AdminsWithoutMfa, "administrator accounts without a second factor:"),
            (MetricKey::ProviderAccountsWithoutMfa, "providers' staff accounts without a second factor:"),
            (MetricKey::DormantAccountsEnabled, "enabled accounts nobody has used for months:"),
        ] {
            security_facts.extend(builder.fact(&Scope::All, metric, phrase, ""));
        }
        for scope in builder.vendors() {
            security_facts.extend(builder.fact(&scope, MetricKey::VulnsCriticalOpen, "critical weaknesses open:", ""));
            security_facts.extend(builder.fact(&scope, MetricKey::VulnsOverdue, "weaknesses past their deadline:", ""));
            security_facts.extend(builder.fact(
                &scope,
                MetricKey::CertMinDaysToExpiry,
                "the next certificate expires in",
                "",
            ));
        }
        let mut resilience_charts = Vec::new();
        for scope in builder.measured(MetricKey::BackupSuccessPct) {
            resilience_charts.push(builder.trend(&scope, MetricKey::BackupSuccessPct));
        }
        let mut resilience_facts = Vec::new();
        for scope in builder.vendors() {
            resilience_facts.extend(builder.fact(
                &scope,
                MetricKey::DaysSinceRestoreTest,
                "a backup was last proven to restore",
                " ago",
            ));
            resilience_facts.extend(builder.fact(
                &scope,
                MetricKey::DaysSinceResilienceTest,
                "the last failover test was",
                " ago",
            ));
        }

        let open: Vec<_> = risks.iter().filter(|risk| risk.state != RiskState::Resolved).collect();
        let top_risks = open
            .iter()
            .take(5)
            .map(|risk| ReportRisk {
                id: risk.id.clone(),
                severity: risk.severity.as_str().into(),
                headline: risk.headline.clone(),
                why: risk.why.clone(),
                question: risk.question.clone(),
                vendor: risk.vendor_name.clone().unwrap_or_default(),
                first_seen: risk.first_seen.get(..10).unwrap_or_default().to_string(),
            })
            .collect();
        let notes = risks
            .iter()
            .filter_map(|risk| {
                let ack = risk.acknowledged.as_ref()?;
                Some(ReportNote {
                    headline: risk.headline.clone(),
                    note: ack.note.clone(),
                    at: ack.at.get(..10).unwrap_or_default().to_string(),
                    state: risk.state.as_str().into(),
                })
            })
            .collect();

        // The directory as read by the period's end: its enabled accounts.
        let directory: Vec<DirectoryEntry> = {
            let window = sightline_store::RecordWindow { from: period.start(), to: period.end() };
            let records = self.store().load_records_of(window, &[sightline_domain::RecordKind::Account], None)?;
            let mut entries: Vec<DirectoryEntry> = records
                .accounts
                .iter()
                .filter(|account| account.enabled && account.provenance.fetched_at <= period.end())
                .map(|account| DirectoryEntry {
                    user: account.user.clone(),
                    admin: account.admin,
                    mfa: account.mfa_registered,
                })
                .collect();
            entries.sort_by(|a, b| a.user.cmp(&b.user));
            entries
        };

        // What changed since the last report of an earlier period.
        let previous = self.report_before(period)?;
        let open_ids: BTreeSet<&str> = open.iter().map(|risk| risk.id.as_str()).collect();
        let brief =
            crate::brief::Brief::new(self, &computed, period, &open, previous.as_ref().map(|(_, before)| before))?;
        let changes = match previous {
            None => {
                vec![
                    "No report of an earlier period is in Sightline's archive, so there is nothing to compare with yet."
                        .into(),
                ]
            }
            Some((report, before)) => {
                let before_ids: BTreeSet<&str> = before.open_risks.iter().map(|(id, _)| id.as_str()).collect();
                let mut lines = Vec::new();
                let new: Vec<_> = open.iter().filter(|risk| !before_ids.contains(risk.id.as_str())).take(5).collect();
                for risk in &new {
                    lines.push(format!("New: {}", risk.headline));
                }
                for (_, headline) in before.open_risks.iter().filter(|(id, _)| !open_ids.contains(id.as_str())).take(5)
                {
                    lines.push(format!("No longer flagged: {headline}"));
                }
                lines.extend(directory_changes(&before.directory, &directory));
                if lines.is_empty() {
                    lines.push(format!(
                        "The same risks are open as in the report of {} ({}).",
                        long_date(report.created_at),
                        report.period
                    ));
                } else {
                    lines.insert(
                        0,
                        format!("Compared with the report of {} ({}):", long_date(report.created_at), report.period),
                    );
                }
                lines
            }
        };

        let mut provenance = Vec::new();
        let mut figures = Vec::new();
        // Every figure the pack prints: the scorecard's, the facts', the
        // charts', the credits asked for, and the summary tiles' (all vendors).
        let printed: Vec<MetricKey> = SCORECARD
            .iter()
            .map(|(metric, _)| *metric)
            .chain([
                MetricKey::VulnsOverdue,
                MetricKey::CertMinDaysToExpiry,
                MetricKey::DaysSinceResilienceTest,
                MetricKey::BackupSuccessPct,
                MetricKey::ServiceCreditOwed,
            ])
            .collect();
        let summary: &[MetricKey] = &[
            MetricKey::SlaResponseCompliancePct,
            MetricKey::FirstResponseMedianMinutes,
            MetricKey::BacklogOpen,
            MetricKey::PatchCompliancePct,
            MetricKey::VulnsCriticalOpen,
            MetricKey::DaysSinceRestoreTest,
            MetricKey::BackupSuccessPct,
        ];
        let scopes =
            builder.vendors().into_iter().map(|scope| (scope, printed.as_slice())).chain([(Scope::All, summary)]);
        for (scope, metrics) in scopes {
            for metric in metrics {
                if let Some(value) = builder.value(&scope, *metric, period).filter(|value| value.value.is_some()) {
                    figures.push((scope.id().to_string(), metric.as_str().to_string(), value.value));
                    provenance.push(ProvenanceRow {
                        figure: metric.plain_name().into(),
                        vendor: computed.vendor_name(&scope),
                        value: value_text(value.value, metric.unit()),
                        sources: value.provenance.sources.join(", "),
                        records: u32::try_from(value.provenance.records).unwrap_or(u32::MAX),
                        fetched_at: value
                            .provenance
                            .oldest_fetched_at
                            .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                        left_out: left_out_text(&value.provenance.skipped_reasons),
                    });
                }
            }
        }
        let definitions = MetricKey::ALL
            .iter()
            .filter(|key| **key != MetricKey::SourceStalenessHours)
            .map(|key| Definition { name: key.plain_name().into(), meaning: meaning(*key, &settings) })
            .collect();
        let scorecard = builder.scorecard();
        let mut claims: Vec<ReportClaim> = Vec::new();
        // Claims beside the flags as they stood at the period's end too.
        for vendor in self.claims_with(period, &flags_then)?.vendors {
            for row in vendor.rows {
                let verdict = match row.verdict {
                    ClaimVerdict::Agree => "agree",
                    ClaimVerdict::Disagree => "disagree",
                    ClaimVerdict::NoComparison => "no_comparison",
                };
                claims.push(ReportClaim {
                    vendor: vendor.vendor_name.clone(),
                    topic: row.topic_name,
                    claim: row.claim,
                    measured: row.measured,
                    verdict: verdict.into(),
                    why: row.why,
                });
            }
        }
        // Disagreements first; otherwise as the vendors and topics come.
        claims.sort_by_key(|claim| match claim.verdict.as_str() {
            "disagree" => 0,
            "agree" => 1,
            _ => 2,
        });
        let period_label = match period {
            Period::Quarter { .. } => format!(
                "{} ({} to {})",
                period.label(),
                period.start().format("%B"),
                (period.end() - chrono::Duration::seconds(1)).format("%B")
            ),
            Period::Month { .. } => period.label(),
        };

        let mut snapshot = ReportSnapshot {
            company: computed.company.name.clone(),
            demo: computed.company.demo,
            period: period.to_string(),
            period_label,
            prepared_on: long_date(now),
            status: status_word(overview.status).into(),
            headline: overview.headline.clone(),
            tiles: overview
                .tiles
                .iter()
                .map(|tile| ReportTile {
                    title: tile.title.clone(),
                    figure: tile.value_text.clone(),
                    target: tile.target_text.clone(),
                    status: status_word(tile.status).into(),
                    trend: tile.trend_text.clone(),
                    detail: tile.detail.clone(),
                })
                .collect(),
            top_risks,
            open_risks: open.iter().map(|risk| (risk.id.clone(), risk.headline.clone())).collect(),
            brief_risks: brief.risks,
            risk_levels: brief.levels,
            asks: brief.asks,
            actions_due: brief.actions_due,
            actions: brief.actions,
            actions_before: brief.actions_before,
            documents: brief.documents,
            reviews: brief.reviews,
            open_red: overview.open_red,
            open_amber: overview.open_amber,
            changes,
            directory,
            freshness: overview.freshness_line.clone(),
            service_charts,
            security_charts,
            security_facts,
            resilience_charts,
            resilience_facts,
            claims,
            scorecard_columns: SCORECARD.iter().map(|(_, column)| column.to_string()).collect(),
            scorecard,
            notes,
            definitions,
            provenance,
            figures,
            signing_key: String::new(),
            fingerprint: String::new(),
        };
        snapshot.signing_key = self.signing_key()?.1.to_base64();
        snapshot.fingerprint = sightline_report::fingerprint(&snapshot);
        Ok(snapshot)
    }

    /// The data snapshot a report of `period` would be made from, without
    /// making or archiving it: for tests that compare it with `kpis`.
    #[doc(hidden)]
    pub fn report_snapshot_of(&self, period: &str) -> Result<ReportSnapshot, ApiError> {
        self.report_snapshot(self.report_period(Some(period))?)
    }

    /// The report for a period as HTML and as PDF, timed apart from the
    /// archive: for the report benchmark.
    #[doc(hidden)]
    pub fn report_for_bench(&self, period: &str) -> Result<(String, sightline_report::RenderedPdf), ApiError> {
        let snapshot = self.report_snapshot(self.report_period(Some(period))?)?;
        let rendered = sightline_report::render_pdf(&snapshot, Paper::A4, self.now().date_naive())
            .map_err(|error| ApiError { code: ErrorCode::Storage, message: error.to_string() })?;
        Ok((sightline_report::render_html(&snapshot), rendered))
    }

    /// Makes the board report for a period, writes it to `out` (when given)
    /// and archives it sealed, returning its archive entry and the PDF's
    /// bytes. The file is written whole or not at all (a temporary file
    /// renamed into place), and the report is archived only once written.
    pub fn export_report(
        &self,
        query: &ReportQuery,
        out: Option<&std::path::Path>,
    ) -> Result<(ArchivedReport, Vec<u8>), ApiError> {
        let period = self.report_period(query.period.as_deref())?;
        let paper_text = match query.paper.as_deref() {
            Some(text) => text.to_string(),
            None => self.paper()?,
        };
        let paper = match Some(paper_text.as_str()) {
            None => Paper::A4,
            Some(text) => Paper::parse(text)
                .ok_or_else(|| ApiError::invalid(format!("'{text}' is not a paper size: use a4 or us-letter")))?,
        };
        let snapshot = self.report_snapshot(period)?;
        let rendered = sightline_report::render_pdf(&snapshot, paper, self.now().date_naive())
            .map_err(|error| ApiError { code: ErrorCode::Storage, message: error.to_string() })?;
        let snapshot_json = serde_json::to_string(&snapshot)
            .map_err(|error| ApiError { code: ErrorCode::Storage, message: error.to_string() })?;
        let title = format!("{} — IT report, {}", snapshot.company, period.label());
        // Seconds only: the archive keeps whole seconds, and the entry's
        // hash is taken over the time as stored.
        let created_at = chrono::DateTime::from_timestamp(self.now().timestamp(), 0).unwrap_or_default();
        let (secret, public) = self.signing_key()?;
        let head = self.store().chain_head()?;
        let sha = sightline_store::sha256_hex(&rendered.bytes);
        let signature = Sightline::sign(
            &secret,
            &public,
            &rendered.bytes,
            &format!(
                "Sightline board report: {}, {}; archive entry {}",
                snapshot.company,
                period.label(),
                head.next_id
            ),
        )?;
        let entry_hash = sightline_store::sha256_hex(
            sightline_store::entry_text(
                head.next_id,
                &snapshot.period,
                created_at,
                &sha,
                &snapshot_json,
                &snapshot.fingerprint,
                &head.previous_entry,
            )
            .as_bytes(),
        );
        let entry_signature = Sightline::sign(
            &secret,
            &public,
            entry_hash.as_bytes(),
            &format!("Sightline archive entry {}", head.next_id),
        )?;
        if let Some(out) = out {
            write_whole(out, &rendered.bytes)?;
            write_whole(&crate::signing::signature_path(out), signature.as_bytes())?;
        }
        let mut store = self.store();
        let id = store.archive_report(
            &NewReport {
                period: &snapshot.period,
                created_at,
                paper: paper.as_str(),
                title: &title,
                fingerprint: &snapshot.fingerprint,
                pages: rendered.pages as u32,
                pdf: &rendered.bytes,
                snapshot: &snapshot_json,
            },
            &sightline_store::EntrySeal {
                head: &head,
                entry_hash: &entry_hash,
                signature: &signature,
                entry_signature: &entry_signature,
            },
        )?;
        let stored = store
            .reports()?
            .into_iter()
            .find(|report| report.id == id)
            .ok_or_else(|| ApiError::not_found("the report just archived could not be read back"))?;
        let mut row = archived(&stored);
        row.signature = "checked".into();
        row.signature_text = "Signed as it was made.".into();
        Ok((row, rendered.bytes))
    }

    /// The archive, newest first, each report's signature and place in the
    /// chain checked (`verify_archive`).
    pub fn reports(&self) -> Result<Vec<ArchivedReport>, ApiError> {
        let reports = self.store().reports()?;
        // The list is shown even when the key cannot be read (a locked
        // keychain): the signatures are then unchecked, and say why.
        let check = match self.verify_archive() {
            Ok(check) => check,
            Err(error) => {
                return Ok(reports
                    .iter()
                    .map(|report| ArchivedReport {
                        signature: "unchecked".into(),
                        signature_text: format!("The signature could not be checked: {}", error.message),
                        ..archived(report)
                    })
                    .collect());
            }
        };
        let newest = reports.iter().map(|report| report.id).max();
        Ok(reports
            .iter()
            .map(|report| {
                let mut row = archived(report);
                let mut problems = check.by_entry.get(&report.id).cloned().unwrap_or_default();
                if Some(report.id) == newest {
                    problems.extend(check.head_problem.clone());
                }
                (row.signature, row.signature_text) = if check.unsigned.contains(&report.id) && problems.is_empty() {
                    ("unsigned".into(), "Made before reports were signed: its SHA-256 is checked when opened.".into())
                } else if problems.is_empty() {
                    ("checked".into(), "Signature checked: the PDF and its archive entry are as they were made.".into())
                } else {
                    ("failed".into(), problems.join("; "))
                };
                row
            })
            .collect())
    }

    /// A stored report's PDF, its SHA-256 checked: a report changed since it
    /// was stored is refused with what was found.
    pub fn open_report(&self, id: i64) -> Result<(ArchivedReport, Vec<u8>), ApiError> {
        match self.store().open_report(id)? {
            None => Err(ApiError::not_found(format!(
                "there is no report {id} in the archive: `sightline-cli reports` lists them"
            ))),
            Some(Err(tampered)) => Err(ApiError {
                code: ErrorCode::ReportAltered,
                message: format!(
                    "report {id} has been altered since it was stored: its SHA-256 is {} where {} was recorded; do \
                     not rely on it, and export the period again",
                    tampered.found, tampered.expected
                ),
            }),
            Some(Ok((report, pdf, _))) => Ok((archived(&report), pdf)),
        }
    }

    /// Writes a copy of a stored report (its SHA-256 checked first) to the
    /// place `choose` picks; none when nothing was picked.
    pub fn save_report_copy(
        &self,
        id: i64,
        choose: impl FnOnce(&ArchivedReport) -> Option<std::path::PathBuf>,
    ) -> Result<Option<String>, ApiError> {
        let (report, pdf) = self.open_report(id)?;
        let Some(path) = choose(&report) else { return Ok(None) };
        write_whole(&path, &pdf)?;
        // The signature travels with the copy, for whoever receives it.
        if let Some(signature) = self.store().report_signature(id)? {
            write_whole(&crate::signing::signature_path(&path), signature.as_bytes())?;
        }
        Ok(Some(path.display().to_string()))
    }

    /// What got better and worse between two archived reports.
    pub fn compare_reports(&self, from: i64, to: i64) -> Result<ReportComparison, ApiError> {
        let load = |id: i64| -> Result<(ArchivedReport, ReportSnapshot), ApiError> {
            let found = self.store().open_report(id)?;
            match found {
                None => Err(ApiError::not_found(format!("there is no report {id} in the archive"))),
                Some(Err(_)) => Err(ApiError::invalid(format!("report {id} has been altered since it was stored"))),
                Some(Ok((report, _, snapshot))) => {
                    let snapshot = serde_json::from_str(&snapshot).map_err(|error| ApiError {
                        code: ErrorCode::Storage,
                        message: format!("report {id}'s snapshot cannot be read: {error}"),
                    })?;
                    Ok((archived(&report), snapshot))
                }
            }
        };
        let (from_report, before) = load(from)?;
        let (to_report, after) = load(to)?;
        let mut names: HashMap<String, String> =
            self.store().load_company()?.vendors.into_iter().map(|vendor| (vendor.id, vendor.name)).collect();
        names.insert(Scope::All.id().to_string(), "All vendors".into());
        let mut better = Vec::new();
        let mut worse = Vec::new();
        for (vendor, metric, value) in &after.figures {
            let Some(key) = MetricKey::parse(metric) else { continue };
            let Some(old) = before.figures.iter().find(|(v, m, _)| v == vendor && m == metric).and_then(|f| f.2) else {
                continue;
            };
            let Some(new) = *value else { continue };
            if (new - old).abs() < 0.05 || key.direction() == Direction::Neutral {
                continue;
            }
            let improved = (new > old) == (key.direction() == Direction::HigherIsBetter);
            let line = format!(
                "{}: {} went from {} to {}",
                names.get(vendor).cloned().unwrap_or_else(|| vendor.clone()),
                key.plain_name().to_lowercase(),
                value_text(Some(old), key.unit()),
                value_text(Some(new), key.unit())
            );
            if improved { better.push(line) } else { worse.push(line) }
        }
        let before_ids: BTreeSet<&str> = before.open_risks.iter().map(|(id, _)| id.as_str()).collect();
        let after_ids: BTreeSet<&str> = after.open_risks.iter().map(|(id, _)| id.as_str()).collect();
        Ok(ReportComparison {
            from: from_report,
            to: to_report,
            better,
            worse,
            new_risks: after
                .top_risks
                .iter()
                .filter(|r| !before_ids.contains(r.id.as_str()))
                .map(|r| r.headline.clone())
                .collect(),
            resolved_risks: before
                .top_risks
                .iter()
                .filter(|r| !after_ids.contains(r.id.as_str()))
                .map(|r| r.headline.clone())
                .collect(),
        })
    }
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file
/// beside it, flushed to disk, then renamed over it. A kill or a full disk
/// leaves the previous file as it was.
pub(crate) fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<(), ApiError> {
    use std::io::Write;
    let failed = |error: std::io::Error| ApiError {
        code: ErrorCode::Storage,
        message: format!(
            "could not write {}: {error}; nothing was written there (a file already there is as it was)",
            path.display()
        ),
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => std::path::Path::new("."),
    };
    let mut file = tempfile::Builder::new().prefix(".sightline-").suffix(".part").tempfile_in(dir).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|error| failed(error.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{DirectoryEntry, directory_changes};

    fn entry(user: &str, admin: bool, mfa: Option<bool>) -> DirectoryEntry {
        DirectoryEntry { user: user.into(), admin, mfa }
    }

    #[test]
    fn new_administrators_and_removed_second_factors_are_named() {
        let before = [
            entry("a@x.example", true, Some(true)),
            entry("b@x.example", false, Some(true)),
            entry("c@x.example", false, Some(false)),
        ];
        let now = [
            entry("a@x.example", true, Some(true)),
            entry("b@x.example", true, Some(false)),
            entry("c@x.example", false, Some(false)),
            entry("d@x.example", true, None),
        ];
        assert_eq!(
            directory_changes(&before, &now),
            ["New administrator accounts: b@x.example, d@x.example.", "Second factor removed: b@x.example."]
        );
        assert!(directory_changes(&[], &now).is_empty(), "a first reading is not a change");
        assert!(directory_changes(&now, &now).is_empty());
    }
}
