//! The Trends screen: one measure over months or quarters against its
//! target, and the records behind any one figure.

use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use sightline_domain::{Listing, MetricKey, Period, Provenance, RecordBatch, Scope, Unit};

use crate::dto::{Drilldown, DrilldownQuery, DrilldownRow, TrendPeriod, TrendQuery, TrendView};
use crate::format::{beside_text, thousands, value_text};
use crate::report::Builder;
use crate::vendors::metric_choice;
use crate::{ApiError, Sightline};

/// At most this many records are listed under a figure.
const DRILLDOWN_ROWS: usize = 500;

fn parse_metric(text: &str) -> Result<MetricKey, ApiError> {
    MetricKey::parse(text).ok_or_else(|| ApiError::invalid(format!("'{text}' is not a measure Sightline knows")))
}

fn scope_of(vendor: Option<&str>) -> Scope {
    match vendor {
        None | Some("all") => Scope::All,
        Some(id) => Scope::Vendor(id.to_string()),
    }
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y %H:%M").to_string()
}

fn met_word(met: Option<bool>) -> String {
    match met {
        Some(true) => "Yes".into(),
        Some(false) => "No".into(),
        None => "—".into(),
    }
}

/// The columns and cells describing one record, by the kind of record the
/// measure is computed from.
struct Lister<'a> {
    records: &'a RecordBatch,
    metric: MetricKey,
    /// The contracts and their clocks: a ticket's times are shown as the
    /// figure counts them, on the contract's clock with its pause taken off.
    contracts: &'a [sightline_domain::Contract],
    clocks: sightline_engine::Clocks,
}

impl Lister<'_> {
    fn columns(&self) -> Vec<String> {
        use Listing as L;
        let names: &[&str] = match self.metric.listing() {
            L::TicketsAnswered => &["Ticket", "Priority", "Opened", "First answer after", "In time"],
            L::TicketsFixed => &["Ticket", "Priority", "Opened", "Fixed after", "In time"],
            L::TicketsOpen => &["Ticket", "Priority", "Opened", "Status", "In time"],
            L::Devices => &["Device", "Role", "Managed since", "Up to date"],
            L::Computers => &["Computer", "Seen by", "Protection", "Last heard from", "All right"],
            L::MissingUpdates => &["Update", "Device", "Missing since", "Class"],
            L::Vulnerabilities => &["Weakness", "Where", "Severity", "Found"],
            L::Backups => &["System", "Started", "Succeeded"],
            L::RestoreTests => &["System", "Tested", "Succeeded"],
            L::ResilienceTests => &["Exercise", "Tested"],
            L::Certificates => &["Host", "Subject", "Issuer", "Expires"],
            L::Changes => &["Change", "Made", "Succeeded"],
            L::Surveys => &["Answered", "Satisfied"],
            L::Availability => &["Monitor", "From", "Up"],
            L::Sources => &["Source"],
            L::Accounts => &["Account", "Name", "Administrator", "Second factor", "Last sign-in", "All right"],
        };
        names.iter().map(|name| name.to_string()).collect()
    }

    /// Whether the last column is the record's verdict from the trace
    /// (rather than something the record says itself).
    fn verdict_column(&self) -> bool {
        use Listing as L;
        match self.metric.listing() {
            L::TicketsAnswered
            | L::TicketsFixed
            | L::TicketsOpen
            | L::Devices
            | L::Computers
            | L::Changes
            | L::Accounts => true,
            L::MissingUpdates
            | L::Vulnerabilities
            | L::Backups
            | L::RestoreTests
            | L::ResilienceTests
            | L::Certificates
            | L::Surveys
            | L::Availability
            | L::Sources => false,
        }
    }

    /// The cells of the `wanted` records (by source and record id), found
    /// in one pass over the kind of record the measure is computed from.
    fn describe(&self, wanted: &HashSet<(&str, &str)>) -> HashMap<(String, String), Vec<String>> {
        fn pass<T>(
            list: &[T],
            wanted: &HashSet<(&str, &str)>,
            provenance: impl Fn(&T) -> &Provenance,
            cells: impl Fn(&T) -> Vec<String>,
        ) -> HashMap<(String, String), Vec<String>> {
            list.iter()
                .filter(|item| {
                    let at = provenance(item);
                    wanted.contains(&(at.source_id.as_str(), at.record_id.as_str()))
                })
                .map(|item| {
                    let at = provenance(item);
                    ((at.source_id.clone(), at.record_id.clone()), cells(item))
                })
                .collect()
        }
        let records = self.records;
        use Listing as L;
        match self.metric.listing() {
            L::Computers => {
                // A computer is listed once, by its first record; its cells
                // say what every tool knows of it.
                let groups = sightline_engine::group(&records.devices);
                let (machines, tools) = sightline_engine::machines(&groups, DateTime::<Utc>::MAX_UTC);
                let mut cells = HashMap::new();
                for machine in &machines {
                    let first = &machine.first().provenance;
                    if !wanted.contains(&(first.source_id.as_str(), first.record_id.as_str())) {
                        continue;
                    }
                    let seen: Vec<&str> = machine.seen_by.iter().map(|tool| tool.tool()).collect();
                    let missed: Vec<&str> =
                        tools.iter().filter(|tool| !machine.seen_by.contains(*tool)).map(|tool| tool.tool()).collect();
                    let seen = if missed.is_empty() {
                        seen.join(", ")
                    } else {
                        format!("{}; not {}", seen.join(", "), missed.join(", "))
                    };
                    let protection = match machine.records().filter_map(|device| device.protection_ok).min() {
                        Some(true) => "Reports healthy",
                        Some(false) => "Reports a problem",
                        None => "Not reported",
                    };
                    let heard = machine.last_seen().map_or_else(|| "—".to_string(), when);
                    cells.insert(
                        (first.source_id.clone(), first.record_id.clone()),
                        vec![machine.name().to_string(), seen, protection.to_string(), heard],
                    );
                }
                cells
            }
            L::Accounts => pass(
                &records.accounts,
                wanted,
                |a| &a.provenance,
                |account| {
                    let provider = account.provider.as_deref().map(|vendor| format!(" ({vendor})")).unwrap_or_default();
                    vec![
                        format!("{}{provider}", account.user),
                        account.display_name.clone(),
                        met_word(Some(account.admin)),
                        met_word(account.mfa_registered),
                        account.last_sign_in.map_or_else(|| "never".to_string(), when),
                    ]
                },
            ),
            L::Devices => pass(
                &records.devices,
                wanted,
                |d| &d.provenance,
                |device| vec![device.name.clone(), device.role.as_str().into(), when(device.enrolled_at)],
            ),
            L::MissingUpdates => pass(
                &records.patches,
                wanted,
                |p| &p.provenance,
                |patch| {
                    vec![
                        patch.title.clone(),
                        patch.device_id.clone(),
                        when(patch.missing_since),
                        patch.class.as_str().into(),
                    ]
                },
            ),
            L::Vulnerabilities => pass(
                &records.vulnerabilities,
                wanted,
                |v| &v.provenance,
                |vulnerability| {
                    vec![
                        vulnerability.title.clone(),
                        vulnerability.asset.clone(),
                        vulnerability.severity.as_str().into(),
                        when(vulnerability.first_found),
                    ]
                },
            ),
            L::Backups => pass(
                &records.backups,
                wanted,
                |b| &b.provenance,
                |job| vec![job.system.clone(), when(job.started_at), met_word(Some(job.succeeded))],
            ),
            L::RestoreTests => pass(
                &records.restore_tests,
                wanted,
                |t| &t.provenance,
                |test| vec![test.system.clone(), when(test.tested_at), met_word(Some(test.succeeded))],
            ),
            L::ResilienceTests => pass(
                &records.resilience_tests,
                wanted,
                |t| &t.provenance,
                |test| vec![test.name.clone(), when(test.tested_at)],
            ),
            L::Certificates => pass(
                &records.certificates,
                wanted,
                |c| &c.provenance,
                |cert| vec![cert.host.clone(), cert.subject.clone(), cert.issuer.clone(), when(cert.not_after)],
            ),
            L::Changes => pass(
                &records.changes,
                wanted,
                |c| &c.provenance,
                |change| vec![change.title.clone(), when(change.implemented_at)],
            ),
            L::Surveys => pass(
                &records.surveys,
                wanted,
                |s| &s.provenance,
                |survey| vec![when(survey.responded_at), met_word(Some(survey.satisfied))],
            ),
            L::Availability => pass(
                &records.availability,
                wanted,
                |a| &a.provenance,
                |sample| {
                    let total = (sample.up_seconds + sample.down_seconds).max(1) as f64;
                    vec![
                        sample.monitor.clone(),
                        when(sample.window_start),
                        value_text(Some(sample.up_seconds as f64 * 100.0 / total), Unit::Percent),
                    ]
                },
            ),
            L::Sources => wanted
                .iter()
                .map(|(source, record)| ((source.to_string(), record.to_string()), vec![source.to_string()]))
                .collect(),
            listing @ (L::TicketsAnswered | L::TicketsFixed | L::TicketsOpen) => pass(
                &records.tickets,
                wanted,
                |t| &t.provenance,
                |ticket| {
                    let contract = self.contracts.iter().find(|contract| contract.vendor_id == ticket.vendor_id);
                    let judged = sightline_engine::judge(ticket, contract, &self.clocks);
                    let business =
                        if judged.clock == sightline_domain::SlaClock::Business { " (business hours)" } else { "" };
                    let on_clock = |minutes: Option<f64>, unit: Unit| match minutes {
                        None => "—".to_string(),
                        Some(minutes) if unit == Unit::Hours => {
                            format!("{}{business}", value_text(Some(minutes / 60.0), Unit::Hours))
                        }
                        Some(minutes) => format!("{}{business}", value_text(Some(minutes), Unit::Minutes)),
                    };
                    let detail = match listing {
                        L::TicketsFixed => on_clock(judged.resolution_minutes, Unit::Hours),
                        L::TicketsOpen => ticket.status.clone(),
                        _ => on_clock(judged.response_minutes, Unit::Minutes),
                    };
                    vec![
                        format!("#{} {}", ticket.provenance.record_id, ticket.summary),
                        ticket.priority.clone().unwrap_or_else(|| "unmapped".into()),
                        when(ticket.created_at),
                        detail,
                    ]
                },
            ),
        }
    }
}

impl Sightline {
    /// One measure for a vendor (or all) over the last twelve months or
    /// eight quarters, against its target.
    pub fn trend(&self, query: &TrendQuery) -> Result<TrendView, ApiError> {
        let metric = parse_metric(query.metric.as_deref().unwrap_or("sla_response_compliance_pct"))?;
        let quarters = match query.granularity.as_deref() {
            None | Some("month") => false,
            Some("quarter") => true,
            Some(other) => return Err(ApiError::invalid(format!("'{other}' is not month or quarter"))),
        };
        let current = self.parse_period(None)?;
        let periods: Vec<Period> = if quarters {
            let quarter = Period::quarter_of(current.start());
            (0..8).rev().map(|back| quarter.shift(-back)).collect()
        } else {
            (0..12).rev().map(|back| current.shift(-back)).collect()
        };
        let scope = scope_of(query.vendor.as_deref());
        let vendors = self.vendor_choices()?;
        let settings = Sightline::settings(&self.store())?;
        let Some(vendor) = vendors.iter().find(|choice| choice.id == scope.id()).cloned() else {
            return Err(ApiError::not_found(format!("there is no vendor '{}'", scope.id())));
        };
        let computed = self.compute(&periods)?;
        let mut builder = Builder { computed: &computed, period: current, months: periods.clone(), charts: 0 };
        let chart = builder.trend(&scope, metric);
        let rows: Vec<TrendPeriod> = periods
            .iter()
            .map(|period| {
                let value = builder.value(&scope, metric, *period);
                let provenance = value.map(|value| &value.provenance);
                TrendPeriod {
                    period: period.to_string(),
                    label: period.label(),
                    value: value.and_then(|v| v.value),
                    value_text: beside_text(value.and_then(|v| v.value), value.and_then(|v| v.target), metric.unit()),
                    target_text: value
                        .and_then(|v| v.target)
                        .map(|target| format!("target {}", value_text(Some(target), metric.unit())))
                        .unwrap_or_else(|| "no target".into()),
                    status: value.map_or(crate::dto::MetricStatus::NoTarget, |v| v.status.into()),
                    records: provenance.map_or(0, |p| p.records as u32),
                    provenance_text: provenance
                        .map(|p| match p.oldest_fetched_at {
                            Some(at) if !p.sources.is_empty() => format!(
                                "{}; {} records; fetched {}",
                                p.sources.join(", "),
                                thousands(p.records),
                                when(at)
                            ),
                            _ => "no records".into(),
                        })
                        .unwrap_or_else(|| "no records".into()),
                }
            })
            .collect();
        Ok(TrendView {
            metric: metric_choice(metric, &settings),
            vendor,
            granularity: if quarters { "quarter" } else { "month" }.into(),
            summary: chart.caption,
            svg: chart.svg,
            periods: rows,
            metrics: sightline_domain::MetricKey::ALL.iter().map(|metric| metric_choice(*metric, &settings)).collect(),
            vendors,
        })
    }

    /// The records behind one figure, each with whether it met its target
    /// where the measure judges records one by one.
    pub fn drilldown(&self, query: &DrilldownQuery) -> Result<Drilldown, ApiError> {
        let metric = parse_metric(&query.metric)?;
        let period = self.parse_period(Some(&query.period))?;
        let scope = scope_of(query.vendor.as_deref());
        let computed = self.compute(&[period])?;
        let value = computed
            .values
            .iter()
            .find(|value| value.scope == scope && value.metric == metric && value.period == period)
            .and_then(|value| value.value);
        let (records, settings) = {
            let store = self.store();
            let settings = Sightline::settings(&store)?;
            let window = crate::assessment::window_of(&[period], settings.tz());
            // The figure's own kinds of record, of its vendor: a month of
            // one measure, not a month of everything.
            let vendor = match &scope {
                Scope::Vendor(id) => Some(id.as_str()),
                Scope::All => None,
            };
            (store.load_records_of(window, metric.reads(), vendor)?, settings)
        };
        let input = sightline_engine::EngineInput {
            vendors: &computed.company.vendors,
            contracts: &computed.company.contracts,
            sources: &computed.company.sources,
            records: &records,
            settings: &settings,
        };
        let traced = sightline_engine::records_behind(input, metric, &scope, period, self.now());
        let clocks = sightline_engine::Clocks::new(&computed.company.contracts, &records, settings.tz(), self.now());
        let lister = Lister { records: &records, metric, contracts: &computed.company.contracts, clocks };
        let met = traced.iter().filter(|record| record.met == Some(true)).count();
        let missed = traced.iter().filter(|record| record.met == Some(false)).count();
        let left_out = traced.iter().filter(|record| record.left_out.is_some()).count();
        let used = traced.len() - left_out;
        let noun = lister.columns().first().map(|column| column.to_lowercase()).unwrap_or_default();
        let mut summary = format!("{} {noun} record{} behind this figure", thousands(used as u64), plural(used));
        if met + missed > 0 {
            summary.push_str(&format!(
                "; {} met the target, {} did not",
                thousands(met as u64),
                thousands(missed as u64)
            ));
        }
        if left_out > 0 {
            summary.push_str(&format!("; {} more left out of it, each with the reason", thousands(left_out as u64)));
        }
        if traced.len() > DRILLDOWN_ROWS {
            summary
                .push_str(&format!("; those that missed are listed first, and the first {DRILLDOWN_ROWS} are shown"));
        }
        summary.push('.');
        // Misses first: they are what an executive asks about; then what was
        // left out, which the provider may ask about.
        let mut ordered = traced;
        ordered.sort_by_key(|record| match (record.met, record.left_out) {
            (Some(false), _) => 0,
            (_, Some(_)) => 1,
            (None, None) => 2,
            (Some(true), _) => 3,
        });
        let total = ordered.len() as u32;
        let shown = &ordered[..ordered.len().min(DRILLDOWN_ROWS)];
        let wanted: HashSet<(&str, &str)> =
            shown.iter().map(|record| (record.source_id.as_str(), record.record_id.as_str())).collect();
        let mut described = lister.describe(&wanted);
        let rows = shown
            .iter()
            .map(|record| {
                let key = (record.source_id.clone(), record.record_id.clone());
                let cells = match described.remove(&key) {
                    Some(mut cells) => {
                        if lister.verdict_column() {
                            cells.push(match record.left_out {
                                Some(reason) => format!("Left out: {reason}"),
                                None => met_word(record.met),
                            });
                        }
                        cells
                    }
                    // A record the trace names but the cache no longer holds.
                    None => vec![format!("{}:{}", record.source_id, record.record_id)],
                };
                DrilldownRow { id: format!("{}:{}", record.source_id, record.record_id), cells, met: record.met }
            })
            .collect();
        Ok(Drilldown {
            title: format!("{}, {}, {}", metric.plain_name(), computed.vendor_name(&scope), period.label()),
            summary,
            value_text: value_text(value, metric.unit()),
            columns: lister.columns(),
            rows,
            total,
            left_out: left_out as u32,
        })
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
