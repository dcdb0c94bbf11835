//! The Overview use case: "is IT OK?" in four tiles (service levels,
//! security hygiene, resilience, vendors) for the current month, with
//! trend, target, status and freshness, and a line on how fresh the data is.

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{Direction, MetricKey, MetricValue, Period, Scope, SourceInfo, Status};

use crate::dto::{MetricStatus, Overview, RiskSeverity, SourceFreshness, Tile, TileArea, Trend};
use crate::format::{age_text, beside_text, money_text, thousands, value_text};
use crate::kpis::Computed;
use crate::{ApiError, Sightline};

/// A source not synced for this long makes its figures stale.
const STALE_AFTER_HOURS: f64 = 48.0;

fn find<'a>(values: &'a [MetricValue], metric: MetricKey, scope: &Scope, period: Period) -> Option<&'a MetricValue> {
    values.iter().find(|value| value.metric == metric && &value.scope == scope && value.period == period)
}

fn trend(value: Option<f64>, previous: Option<f64>, direction: Direction) -> Trend {
    match (value, previous) {
        (Some(value), Some(previous)) if (value - previous).abs() < 0.05 => Trend::Same,
        (Some(value), Some(previous)) => {
            let up = value > previous;
            if up == (direction == Direction::HigherIsBetter) { Trend::Better } else { Trend::Worse }
        }
        _ => Trend::Unknown,
    }
}

fn target_text(metric: MetricKey, target: Option<f64>) -> String {
    let Some(target) = target else {
        return "no target set".into();
    };
    let figure = value_text(Some(target), metric.unit());
    match metric {
        MetricKey::CertMinDaysToExpiry => format!("alert within {figure}"),
        _ if metric.direction() == Direction::HigherIsBetter => format!("target {figure} or more"),
        _ => format!("target {figure} or fewer"),
    }
}

fn worst(statuses: impl IntoIterator<Item = MetricStatus>) -> MetricStatus {
    let rank = |status: &MetricStatus| match status {
        MetricStatus::Missed => 3,
        MetricStatus::AtRisk => 2,
        MetricStatus::Met => 1,
        MetricStatus::NoTarget => 0,
    };
    statuses.into_iter().max_by_key(rank).unwrap_or(MetricStatus::NoTarget)
}

pub(crate) fn source_freshness(source: &SourceInfo, vendor: &str, now: DateTime<Utc>) -> SourceFreshness {
    let staleness_hours = source.last_success_at.map(|at| (now - at).num_seconds() as f64 / 3600.0);
    SourceFreshness {
        id: source.id.clone(),
        name: source.name.clone(),
        vendor: vendor.to_string(),
        last_success_at: source.last_success_at.map(|at| at.to_rfc3339()),
        age_text: source.last_success_at.map_or_else(|| "never synced".into(), |at| age_text(at, now)),
        staleness_hours,
        stale: staleness_hours.is_none_or(|hours| hours > STALE_AFTER_HOURS),
        last_error: source.last_error.clone(),
    }
}

struct TileSpec {
    area: TileArea,
    title: &'static str,
    metric: MetricKey,
    explanation: &'static str,
}

const METRIC_TILES: [TileSpec; 3] = [
    TileSpec {
        area: TileArea::ServiceLevels,
        title: "Service levels",
        metric: MetricKey::SlaResponseCompliancePct,
        explanation: "The share of support requests that got a first answer within the time the contract promises \
                      for their urgency.",
    },
    TileSpec {
        area: TileArea::SecurityHygiene,
        title: "Security hygiene",
        metric: MetricKey::PatchCompliancePct,
        explanation: "Patch compliance: the share of company devices whose security updates were installed within \
                      the grace period set in Settings. Unpatched systems are the most common way attackers get in.",
    },
    TileSpec {
        area: TileArea::Resilience,
        title: "Resilience",
        metric: MetricKey::DaysSinceRestoreTest,
        explanation: "A restore test proves that a backup can actually be brought back. Backups that are never \
                      tested often fail on the day they are needed.",
    },
];

impl Computed {
    fn source_names(&self, ids: &[String]) -> String {
        let names: Vec<&str> = ids
            .iter()
            .map(|id| {
                self.company.sources.iter().find(|source| &source.id == id).map_or(id.as_str(), |s| s.name.as_str())
            })
            .collect();
        if names.is_empty() { "no source".into() } else { names.join(", ") }
    }

    fn metric_tile(&self, spec: &TileSpec, period: Period, now: DateTime<Utc>) -> Tile {
        let value = find(&self.values, spec.metric, &Scope::All, period);
        let figure = value.and_then(|value| value.value);
        let previous = value.and_then(|value| value.previous);
        let unit = spec.metric.unit();
        let detail = match spec.area {
            TileArea::ServiceLevels => {
                let median = find(&self.values, MetricKey::FirstResponseMedianMinutes, &Scope::All, period)
                    .and_then(|value| value.value);
                let open =
                    find(&self.values, MetricKey::BacklogOpen, &Scope::All, period).and_then(|value| value.value);
                format!(
                    "Typical first answer: {}. Tickets still open: {}.",
                    value_text(median, sightline_domain::Unit::Minutes),
                    value_text(open, sightline_domain::Unit::Count)
                )
            }
            TileArea::SecurityHygiene => {
                let figure = |metric| find(&self.values, metric, &Scope::All, period).and_then(|value| value.value);
                let critical = figure(MetricKey::VulnsCriticalOpen);
                let mut detail = format!(
                    "Critical security weaknesses open: {}.",
                    value_text(critical, sightline_domain::Unit::Count)
                );
                // Only where two kinds of tool can be compared.
                if let Some(coverage) = figure(MetricKey::AgentCoveragePct) {
                    detail.push_str(&format!(
                        " Computers every security tool sees: {}.",
                        value_text(Some(coverage), sightline_domain::Unit::Percent)
                    ));
                }
                if let Some(unprotected) = figure(MetricKey::EndpointsUnprotected).filter(|count| *count > 0.0) {
                    detail.push_str(&format!(
                        " Without working endpoint protection: {}.",
                        value_text(Some(unprotected), sightline_domain::Unit::Count)
                    ));
                }
                if let Some(admins) = figure(MetricKey::AdminsWithoutMfa).filter(|count| *count > 0.0) {
                    detail.push_str(&format!(
                        " Administrator accounts without a second factor: {}.",
                        value_text(Some(admins), sightline_domain::Unit::Count)
                    ));
                }
                detail
            }
            _ => {
                let backups =
                    find(&self.values, MetricKey::BackupSuccessPct, &Scope::All, period).and_then(|value| value.value);
                format!("Backups completed this month: {}.", value_text(backups, sightline_domain::Unit::Percent))
            }
        };
        let detail = match self.weakest_vendor(spec.metric, period) {
            Some(weakest) => format!("{detail} Weakest: {weakest}."),
            None => detail,
        };
        let provenance = value.map(|value| &value.provenance);
        let fetched = provenance.and_then(|provenance| provenance.oldest_fetched_at);
        Tile {
            area: spec.area,
            title: spec.title.into(),
            measure: spec.metric.plain_name().into(),
            metric: Some(spec.metric.as_str().into()),
            value: figure,
            value_text: beside_text(figure, value.and_then(|value| value.target), unit),
            target: value.and_then(|value| value.target),
            target_text: target_text(spec.metric, value.and_then(|value| value.target)),
            // The area is only as healthy as its weakest vendor: one vendor's
            // unpatched servers make security hygiene a concern, whatever the
            // company-wide share.
            status: worst(
                self.values
                    .iter()
                    .filter(|other| other.metric == spec.metric && other.period == period)
                    .map(|other| other.status.into()),
            ),
            trend: trend(figure, previous, spec.metric.direction()),
            trend_text: match previous {
                Some(previous) => format!("from {} in {}", value_text(Some(previous), unit), period.previous().label()),
                None => format!("no figure for {}", period.previous().label()),
            },
            detail,
            explanation: spec.explanation.into(),
            freshness_text: fetched.map_or_else(|| "no data yet".into(), |at| format!("as of {}", age_text(at, now))),
            provenance_text: provenance.map_or_else(
                || "no records".into(),
                |provenance| {
                    format!(
                        "From {}; {} records",
                        self.source_names(&provenance.sources),
                        thousands(provenance.records)
                    )
                },
            ),
            fetched_at: fetched.map(|at| at.to_rfc3339()),
            sparkline_svg: {
                let last = Period::month_of(period.end() - Duration::seconds(1));
                let series: Vec<Option<f64>> = (0..12)
                    .rev()
                    .map(|back| find(&self.values, spec.metric, &Scope::All, last.shift(-back)).and_then(|v| v.value))
                    .collect();
                if series.iter().all(Option::is_none) {
                    String::new()
                } else {
                    sightline_report::charts::sparkline_svg(&series, value.and_then(|value| value.target), 160, 40)
                }
            },
        }
    }

    /// "Stratus Cloud Hosting at 86.8%": the vendor furthest off target on
    /// `metric`, when any vendor is off target.
    fn weakest_vendor(&self, metric: MetricKey, period: Period) -> Option<String> {
        let sign = if metric.direction() == Direction::HigherIsBetter { 1.0 } else { -1.0 };
        self.values
            .iter()
            .filter(|value| value.metric == metric && value.period == period && value.scope != Scope::All)
            .filter(|value| matches!(value.status, Status::AtRisk | Status::Missed))
            .filter_map(|value| value.value.map(|figure| (value, figure)))
            .min_by(|(_, a), (_, b)| (a * sign).total_cmp(&(b * sign)))
            .map(|(value, figure)| {
                format!("{} at {}", self.vendor_name(&value.scope), value_text(Some(figure), metric.unit()))
            })
    }

    /// "Bluepeak owes about 1,740 in service credits for November 2026.",
    /// one sentence per vendor whose contract says it owes credits.
    fn credits_owed(&self, period: Period) -> Vec<String> {
        self.values
            .iter()
            .filter(|value| value.period == period && value.metric == MetricKey::ServiceCreditOwed)
            .filter_map(|value| value.value.filter(|owed| *owed > 0.0).map(|owed| (value, owed)))
            .map(|(value, owed)| {
                format!(
                    "{} owes about {} in service credits for {}.",
                    self.vendor_name(&value.scope),
                    money_text(owed),
                    period.label()
                )
            })
            .collect()
    }

    /// Vendors whose every measured figure meets its target, in `period`.
    /// How fresh Sightline's copy of a source is says nothing of the
    /// vendor's work (and, measured against today, would change a past
    /// period's verdict as time passes), so it does not count.
    fn vendors_on_target(&self, period: Period) -> (Vec<&str>, Vec<&str>) {
        let mut on_target = Vec::new();
        let mut off_target = Vec::new();
        for vendor in &self.company.vendors {
            let scope = Scope::Vendor(vendor.id.clone());
            let off = self
                .values
                .iter()
                .filter(|value| value.scope == scope && value.period == period)
                .filter(|value| value.metric != MetricKey::SourceStalenessHours)
                .any(|value| matches!(value.status, Status::AtRisk | Status::Missed));
            if off { off_target.push(vendor.name.as_str()) } else { on_target.push(vendor.name.as_str()) }
        }
        (on_target, off_target)
    }

    fn vendors_tile(&self, period: Period, now: DateTime<Utc>) -> Tile {
        let total = self.company.vendors.len();
        let (on_target, off_target) = self.vendors_on_target(period);
        let (previous_on, _) = self.vendors_on_target(period.previous());
        let count = on_target.len();
        let status = if count == total {
            MetricStatus::Met
        } else if count * 2 >= total {
            MetricStatus::AtRisk
        } else {
            MetricStatus::Missed
        };
        let oldest = self
            .values
            .iter()
            .filter(|value| value.period == period)
            .filter_map(|value| value.provenance.oldest_fetched_at)
            .min();
        let trend = trend(Some(count as f64), Some(previous_on.len() as f64), Direction::HigherIsBetter);
        Tile {
            area: TileArea::Vendors,
            title: "Vendors".into(),
            measure: "Providers meeting every target".into(),
            metric: None,
            value: Some(count as f64),
            value_text: format!("{count} of {total}"),
            target: Some(total as f64),
            target_text: format!("target {total} of {total}"),
            status,
            trend,
            trend_text: format!("from {} of {total} in {}", previous_on.len(), period.previous().label()),
            detail: {
                let mut detail = if off_target.is_empty() {
                    "Every provider is on target.".to_string()
                } else {
                    format!("Off target: {}.", off_target.join(", "))
                };
                // Credits are owed for a period that has ended.
                let owed_for = if period.end() <= now { period } else { period.previous() };
                for credit in self.credits_owed(owed_for) {
                    detail.push(' ');
                    detail.push_str(&credit);
                }
                detail
            },
            explanation: "A provider is on target when every figure Sightline measures for it meets the contract \
                          or the company's own target."
                .into(),
            freshness_text: oldest.map_or_else(|| "no data yet".into(), |at| format!("as of {}", age_text(at, now))),
            provenance_text: format!("From every source; {total} providers"),
            fetched_at: oldest.map(|at| at.to_rfc3339()),
            sparkline_svg: String::new(),
        }
    }
}

/// "07:50 UTC today", "07:50 UTC yesterday", "3 November 2026".
fn moment(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if at.date_naive() == now.date_naive() {
        format!("{} UTC today", at.format("%H:%M"))
    } else if at.date_naive() == (now - Duration::days(1)).date_naive() {
        format!("{} UTC yesterday", at.format("%H:%M"))
    } else {
        at.format("%-d %B %Y").to_string()
    }
}

fn freshness_line(sources: &[SourceFreshness], now: DateTime<Utc>) -> String {
    let latest = sources
        .iter()
        .filter_map(|source| source.last_success_at.as_deref())
        .filter_map(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc))
        .max();
    let Some(latest) = latest else {
        return "No source has synced yet.".into();
    };
    let when = moment(latest, now);
    let stale: Vec<String> = sources
        .iter()
        .filter(|source| source.stale)
        .map(|source| format!("{} not synced {}", source.name, source.age_text.trim_end_matches(" ago")))
        .collect();
    if stale.is_empty() {
        format!("Data as of {when}; every source synced in the last 48 hours.")
    } else {
        format!("Data as of {when}; {}.", stale.join("; "))
    }
}

impl Sightline {
    /// The Overview for the current month.
    pub fn overview(&self) -> Result<Overview, ApiError> {
        let period = self.parse_period(None)?;
        self.overview_for(period)
    }

    /// The Overview's tiles and headline for any month or quarter.
    pub(crate) fn overview_for(&self, period: Period) -> Result<Overview, ApiError> {
        let now = self.now();
        let last = Period::month_of(period.end() - Duration::seconds(1));
        let mut periods: Vec<Period> = (0..12).rev().map(|back| last.shift(-back)).collect();
        // A month is already among the twelve: read each period once, or
        // every figure of it (a credit owed, say) would be counted twice.
        for extra in [period.previous(), period] {
            if !periods.contains(&extra) {
                periods.push(extra);
            }
        }
        let computed = self.compute(&periods)?;
        let figures_as_of = self
            .old_results_from()?
            .map(|at| format!("Figures worked out at {}; up-to-date ones are on their way.", moment(at, now)));
        let risks = self.risks(false)?;
        let count = |severity| risks.iter().filter(|risk| risk.severity == severity).count() as u32;
        let (open_red, open_amber) = (count(RiskSeverity::Red), count(RiskSeverity::Amber));
        let mut tiles: Vec<Tile> = METRIC_TILES.iter().map(|spec| computed.metric_tile(spec, period, now)).collect();
        tiles.push(computed.vendors_tile(period, now));

        let status = worst(tiles.iter().map(|tile| tile.status));
        let off =
            tiles.iter().filter(|tile| matches!(tile.status, MetricStatus::AtRisk | MetricStatus::Missed)).count();
        let headline = match status {
            MetricStatus::Missed => {
                format!("Needs attention: {off} of {} areas are off target or at risk", tiles.len())
            }
            MetricStatus::AtRisk => format!("Mostly on track: {off} of {} areas are at risk", tiles.len()),
            MetricStatus::NoTarget => "Not enough data yet to judge any area against its target".into(),
            MetricStatus::Met => "On track: every area meets its target".into(),
        };
        let sources: Vec<SourceFreshness> = computed
            .company
            .sources
            .iter()
            .map(|source| {
                source_freshness(source, &computed.vendor_name(&Scope::Vendor(source.vendor_id.clone())), now)
            })
            .collect();
        Ok(Overview {
            company: computed.company.name.clone(),
            demo: computed.company.demo,
            period: period.to_string(),
            period_label: if period.contains(now) { format!("{} (to date)", period.label()) } else { period.label() },
            now: now.to_rfc3339(),
            headline,
            status,
            tiles,
            freshness_line: freshness_line(&sources, now),
            figures_as_of,
            sources,
            top_risks: risks.into_iter().take(5).collect(),
            open_red,
            open_amber,
        })
    }
}
