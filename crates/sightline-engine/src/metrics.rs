//! Metric definitions and their computation per scope (each vendor, and all
//! vendors together) and period, on the company's calendar. "In the period"
//! means [start, end); values "at the period end" are taken at the end, or at
//! `now` for a period that has not ended yet.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{
    Account, ChangeOutcome, Contract, Inventory, MetricKey, MetricProvenance, MetricValue, Period, Provenance,
    RecordBatch, Scope, Severity, SourceInfo, Status, Tz, Vendor,
};

use crate::Settings;
use crate::index::{ScopeIndex, TicketRef, build_indexes, in_range};
use crate::sla::{Clocks, Unjudged};
use crate::stats::percentile;

/// Everything the engine computes from.
#[derive(Debug, Clone, Copy)]
pub struct EngineInput<'a> {
    pub vendors: &'a [Vendor],
    pub contracts: &'a [Contract],
    pub sources: &'a [SourceInfo],
    pub records: &'a RecordBatch,
    pub settings: &'a Settings,
}

/// A record the engine could not use for a metric, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub source_id: String,
    pub record_id: String,
    pub problem: String,
}

/// Metric values plus the records that had to be skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsResult {
    pub values: Vec<MetricValue>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every metric for every vendor and for all vendors together, for each of
/// `periods`, with the previous period's value alongside.
pub fn compute_metrics(input: EngineInput<'_>, periods: &[Period], now: DateTime<Utc>) -> Vec<MetricValue> {
    compute_metrics_with_diagnostics(input, periods, now).values
}

/// [`compute_metrics`], and the records it skipped with the reason.
pub fn compute_metrics_with_diagnostics(
    input: EngineInput<'_>,
    periods: &[Period],
    now: DateTime<Utc>,
) -> MetricsResult {
    compute(input, periods, now, true)
}

/// [`compute_metrics`] from the records of `periods` alone: a figure has
/// a previous value only where its previous period is among `periods`;
/// the caller gives the others theirs from the stored figures (a period's
/// figures do not depend on when they were computed once it has ended).
pub fn compute_metrics_alone(input: EngineInput<'_>, periods: &[Period], now: DateTime<Utc>) -> Vec<MetricValue> {
    compute(input, periods, now, false).values
}

fn compute(input: EngineInput<'_>, periods: &[Period], now: DateTime<Utc>, previous_periods: bool) -> MetricsResult {
    let mut scopes: Vec<Scope> = input.vendors.iter().map(|vendor| Scope::Vendor(vendor.id.clone())).collect();
    scopes.push(Scope::All);
    let tz = input.settings.tz();
    let clocks = Clocks::new(input.contracts, input.records, tz, now);
    let indexes = build_indexes(input.vendors, input.contracts, input.records, input.sources, &clocks);
    let requested: Vec<Period> = periods.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let mut wanted: BTreeSet<Period> = requested.iter().copied().collect();
    if previous_periods {
        wanted.extend(requested.iter().map(|period| period.previous()));
    }
    let wanted: Vec<Period> = wanted.into_iter().collect();

    // Scopes are independent: spread them over the machine's cores, with
    // "all vendors" (as much work as every vendor together) on its own.
    let jobs: Vec<(&Scope, &ScopeIndex)> = scopes.iter().zip(&indexes).collect();
    let (all_job, vendor_jobs) = jobs.split_last().expect("the all-vendors scope is always there");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(2, 8) - 1;
    let chunk = vendor_jobs.len().div_ceil(threads).max(1);
    let run = |chunk: &[(&Scope, &ScopeIndex)]| -> Vec<(Vec<MetricValue>, Vec<Diagnostic>)> {
        chunk
            .iter()
            .map(|(scope, index)| {
                let (contract, monthly_cost) = contract_of(input, scope);
                let context =
                    Context { index, contract, monthly_cost, settings: input.settings, tz, now, trace: false };
                scope_values(&context, scope, input, &requested, &wanted)
            })
            .collect()
    };
    let results: Vec<(Vec<MetricValue>, Vec<Diagnostic>)> = std::thread::scope(|threads| {
        let handles: Vec<_> = vendor_jobs.chunks(chunk).map(|chunk| threads.spawn(move || run(chunk))).collect();
        let all = run(std::slice::from_ref(all_job));
        let mut results: Vec<_> =
            handles.into_iter().flat_map(|handle| handle.join().expect("a metric thread panicked")).collect();
        results.extend(all);
        results
    });
    let mut values = Vec::with_capacity(requested.len() * scopes.len() * MetricKey::ALL.len());
    let mut diagnostics = BTreeSet::new();
    for (scope_values, scope_diagnostics) in results {
        values.extend(scope_values);
        diagnostics.extend(scope_diagnostics);
    }
    MetricsResult { values, diagnostics: diagnostics.into_iter().collect() }
}

/// One record behind a figure, and whether it met its target where the
/// measure judges records one by one (a ticket answered in time, a device
/// up to date, a backup that succeeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedRecord {
    pub source_id: String,
    pub record_id: String,
    pub met: Option<bool>,
    /// Why the record was left out of the figure, for one in the figure's
    /// scope and period that it could not use (listed so that a drill-down
    /// can say so); `None` for a record the figure counts.
    pub left_out: Option<&'static str>,
}

/// The records the figure for `metric`, `scope` and `period` is computed
/// from, in the order the computation used them: the drill-down behind a
/// figure, by the same code that computed it.
pub fn records_behind(
    input: EngineInput<'_>,
    metric: MetricKey,
    scope: &Scope,
    period: Period,
    now: DateTime<Utc>,
) -> Vec<TracedRecord> {
    let clocks = Clocks::new(input.contracts, input.records, input.settings.tz(), now);
    // Only the scope asked for is indexed: its vendor alone (whose index
    // comes first), or none but "all vendors".
    let vendors = match scope {
        Scope::All => &input.vendors[..0],
        Scope::Vendor(id) => match input.vendors.iter().position(|vendor| &vendor.id == id) {
            Some(position) => &input.vendors[position..=position],
            None => return Vec::new(),
        },
    };
    let indexes = build_indexes(vendors, input.contracts, input.records, input.sources, &clocks);
    let Some(index) = indexes.first() else { return Vec::new() };
    let (contract, monthly_cost) = contract_of(input, scope);
    let context =
        Context { index, contract, monthly_cost, settings: input.settings, tz: input.settings.tz(), now, trace: true };
    context.compute(metric, period).tally.trace.unwrap_or_default()
}

/// A vendor's contract and monthly cost; none for all vendors.
fn contract_of<'a>(input: EngineInput<'a>, scope: &Scope) -> (Option<&'a Contract>, Option<f64>) {
    match scope {
        Scope::All => (None, None),
        Scope::Vendor(id) => (
            input.contracts.iter().find(|contract| &contract.vendor_id == id),
            input.vendors.iter().find(|vendor| &vendor.id == id).and_then(|vendor| vendor.monthly_cost),
        ),
    }
}

/// Every metric of one scope for the requested periods.
fn scope_values(
    context: &Context<'_>,
    scope: &Scope,
    input: EngineInput<'_>,
    requested: &[Period],
    wanted: &[Period],
) -> (Vec<MetricValue>, Vec<Diagnostic>) {
    let mut computed: HashMap<(MetricKey, Period), Computed> = HashMap::new();
    let mut diagnostics = Vec::new();
    for &period in wanted {
        for &metric in MetricKey::ALL {
            let mut result = context.compute(metric, period);
            // Every record is in the "all vendors" scope: report skips once.
            if *scope == Scope::All {
                diagnostics.append(&mut result.diagnostics);
            }
            computed.insert((metric, period), result);
        }
    }
    let mut values = Vec::with_capacity(requested.len() * MetricKey::ALL.len());
    for &period in requested {
        for &metric in MetricKey::ALL {
            let current = computed.get(&(metric, period)).expect("computed above");
            let previous = computed.get(&(metric, period.previous())).and_then(|previous| previous.value);
            let target = target_for(metric, scope, input.contracts, input.settings);
            let status = if metric == MetricKey::KeyPersonSharePct
                && current.tally.records < input.settings.key_person_min_tickets
            {
                // Too few tickets to say one person carries the load.
                Status::NoTarget
            } else {
                status_for(metric, current.value, target, input.settings)
            };
            values.push(MetricValue {
                scope: scope.clone(),
                metric,
                period,
                value: current.value,
                target,
                status,
                previous,
                provenance: current.tally.to_provenance(context.index),
            });
        }
    }
    (values, diagnostics)
}

/// The target that applies to `metric` for `scope`: the vendor's contract
/// where it sets one, otherwise the company-wide setting.
pub fn target_for(metric: MetricKey, scope: &Scope, contracts: &[Contract], settings: &Settings) -> Option<f64> {
    let contract = match scope {
        Scope::Vendor(id) => contracts.iter().find(|contract| &contract.vendor_id == id),
        Scope::All => None,
    };
    match metric {
        MetricKey::SlaResponseCompliancePct | MetricKey::SlaResolutionCompliancePct => {
            Some(contract.map_or(settings.default_compliance_target_pct, |contract| contract.compliance_target_pct))
        }
        MetricKey::PatchCompliancePct => Some(settings.patch_target_pct),
        MetricKey::CriticalPatchMaxAgeDays => Some(settings.patch_grace_days as f64),
        MetricKey::VulnsCriticalOpen | MetricKey::VulnsOverdue => Some(0.0),
        MetricKey::AgentCoveragePct => Some(settings.coverage_target_pct),
        MetricKey::EndpointsUnprotected | MetricKey::DevicesNotSeen30d => Some(0.0),
        MetricKey::MfaCoveragePct => Some(settings.mfa_target_pct),
        MetricKey::AdminsWithoutMfa | MetricKey::DormantAccountsEnabled | MetricKey::ProviderAccountsWithoutMfa => {
            Some(0.0)
        }
        // How many administrators a company needs is its own judgement.
        MetricKey::AdminAccounts => None,
        MetricKey::BackupSuccessPct => Some(settings.backup_target_pct),
        MetricKey::DaysSinceRestoreTest => Some(settings.restore_test_amber_days),
        MetricKey::DaysSinceResilienceTest => Some(settings.resilience_test_amber_days),
        MetricKey::CertMinDaysToExpiry => Some(settings.cert_amber_days),
        // One busiest person across different vendors means nothing.
        MetricKey::KeyPersonSharePct => contract.map(|_| settings.key_person_amber_pct),
        MetricKey::ChangeSuccessPct => Some(settings.change_success_target_pct),
        MetricKey::CsatPct => Some(settings.csat_target_pct),
        MetricKey::AvailabilityPct => Some(
            contract.and_then(|contract| contract.terms.uptime_target_pct).unwrap_or(settings.availability_target_pct),
        ),
        // How many outages a service may have is in no contract: the
        // availability target covers them.
        MetricKey::Outages | MetricKey::OutageMttrMinutes => None,
        MetricKey::SourceStalenessHours => Some(settings.stale_amber_hours),
        MetricKey::TicketsOpened
        | MetricKey::TicketsClosed
        | MetricKey::FirstResponseMedianMinutes
        | MetricKey::FirstResponseP90Minutes
        | MetricKey::ResolutionMedianHours
        | MetricKey::ResolutionP90Hours
        | MetricKey::BacklogOpen
        | MetricKey::BacklogAged30d
        | MetricKey::ReopenedPct
        | MetricKey::VulnsHighOpen => None,
        // Nothing owed is the target a provider should meet.
        MetricKey::ServiceCreditOwed => contract.and_then(|contract| contract.terms.credits).map(|_| 0.0),
    }
}

/// Met, at risk or missed, with the thresholds the risk rules use.
pub fn status_for(metric: MetricKey, value: Option<f64>, target: Option<f64>, settings: &Settings) -> Status {
    let (Some(value), Some(target)) = (value, target) else {
        return Status::NoTarget;
    };
    let higher_is_better = |red_below: f64| {
        if value >= target {
            Status::Met
        } else if value >= red_below {
            Status::AtRisk
        } else {
            Status::Missed
        }
    };
    let lower_is_better = |red_above: f64| {
        if value <= target {
            Status::Met
        } else if value <= red_above {
            Status::AtRisk
        } else {
            Status::Missed
        }
    };
    match metric {
        MetricKey::SlaResponseCompliancePct | MetricKey::SlaResolutionCompliancePct => {
            higher_is_better(target - settings.sla_red_margin_points)
        }
        MetricKey::PatchCompliancePct => higher_is_better(settings.patch_red_pct),
        MetricKey::AgentCoveragePct => higher_is_better(settings.coverage_red_pct),
        MetricKey::MfaCoveragePct => higher_is_better(settings.mfa_red_pct),
        // One administrator or provider account without MFA is one too many.
        MetricKey::AdminsWithoutMfa | MetricKey::ProviderAccountsWithoutMfa => lower_is_better(target),
        // A computer without protection is an open door: red at once.
        MetricKey::EndpointsUnprotected => lower_is_better(target),
        MetricKey::BackupSuccessPct => higher_is_better(settings.backup_red_pct),
        MetricKey::ChangeSuccessPct | MetricKey::CsatPct => higher_is_better(target - 10.0),
        MetricKey::AvailabilityPct => higher_is_better(target - 0.5),
        // A certificate "expiring in 30 days" is already amber; at 7 or
        // fewer, or expired, it is red.
        MetricKey::CertMinDaysToExpiry => {
            if value > target {
                Status::Met
            } else if value > settings.cert_red_days {
                Status::AtRisk
            } else {
                Status::Missed
            }
        }
        MetricKey::DaysSinceRestoreTest => lower_is_better(settings.restore_test_red_days),
        MetricKey::KeyPersonSharePct => lower_is_better(settings.key_person_red_pct),
        MetricKey::SourceStalenessHours => lower_is_better(settings.stale_red_hours),
        // Any credit owed means the contract's targets were missed.
        MetricKey::ServiceCreditOwed => lower_is_better(target),
        MetricKey::CriticalPatchMaxAgeDays | MetricKey::VulnsOverdue => lower_is_better(target),
        // Any open critical weakness needs attention; it turns red once it
        // is past its deadline (`vulns_overdue`).
        // A silent computer needs a look, not an alarm: amber.
        MetricKey::VulnsCriticalOpen
        | MetricKey::DaysSinceResilienceTest
        | MetricKey::DevicesNotSeen30d
        | MetricKey::DormantAccountsEnabled => lower_is_better(f64::INFINITY),
        MetricKey::TicketsOpened
        | MetricKey::TicketsClosed
        | MetricKey::FirstResponseMedianMinutes
        | MetricKey::FirstResponseP90Minutes
        | MetricKey::ResolutionMedianHours
        | MetricKey::ResolutionP90Hours
        | MetricKey::BacklogOpen
        | MetricKey::BacklogAged30d
        | MetricKey::ReopenedPct
        | MetricKey::VulnsHighOpen
        | MetricKey::AdminAccounts
        | MetricKey::Outages
        | MetricKey::OutageMttrMinutes => Status::NoTarget,
    }
}

/// Which records went into a value.
#[derive(Debug, Default)]
struct Tally<'a> {
    /// Source ids of non-ticket records; a handful at most.
    sources: Vec<&'a str>,
    /// Ticket sources by their number in the scope's index (the first 64).
    ticket_sources: u64,
    records: u64,
    skipped: u64,
    /// Why records were skipped, in words, with how many.
    skipped_reasons: BTreeMap<&'static str, u64>,
    oldest: Option<DateTime<Utc>>,
    /// The records themselves, when tracing.
    trace: Option<Vec<TracedRecord>>,
}

impl<'a> Tally<'a> {
    fn used(&mut self, provenance: &'a Provenance) {
        self.traced(provenance);
        self.records += 1;
        let source = provenance.source_id.as_str();
        if !self.sources.contains(&source) {
            self.sources.push(source);
        }
        self.seen(provenance.fetched_at);
    }

    /// Names a record's source among those the value came from, without
    /// counting the record (a computer counts once, however many tools
    /// report it).
    fn also_from(&mut self, provenance: &'a Provenance) {
        let source = provenance.source_id.as_str();
        if !self.sources.contains(&source) {
            self.sources.push(source);
        }
        self.seen(provenance.fetched_at);
    }

    fn traced(&mut self, provenance: &Provenance) {
        if let Some(trace) = &mut self.trace {
            trace.push(TracedRecord {
                source_id: provenance.source_id.clone(),
                record_id: provenance.record_id.clone(),
                met: None,
                left_out: None,
            });
        }
    }

    /// Whether the record just used met its target.
    fn verdict(&mut self, met: bool) {
        if let Some(last) = self.trace.as_mut().and_then(|trace| trace.last_mut()) {
            last.met = Some(met);
        }
    }

    fn used_ticket(&mut self, ticket: &TicketRef<'a>) {
        if ticket.source < 64 {
            self.traced(&ticket.ticket.provenance);
            self.records += 1;
            self.ticket_sources |= 1 << ticket.source;
            self.seen(ticket.fetched_at);
        } else {
            self.used(&ticket.ticket.provenance);
        }
    }

    fn seen(&mut self, fetched_at: DateTime<Utc>) {
        self.oldest = Some(self.oldest.map_or(fetched_at, |oldest| oldest.min(fetched_at)));
    }

    fn to_provenance(&self, index: &ScopeIndex<'_>) -> MetricProvenance {
        let mut sources: Vec<String> = self.sources.iter().map(|source| source.to_string()).collect();
        for (number, source) in index.ticket_sources.iter().enumerate().take(64) {
            if self.ticket_sources & (1 << number) != 0 && !self.sources.contains(source) {
                sources.push(source.to_string());
            }
        }
        sources.sort();
        MetricProvenance {
            sources,
            records: self.records,
            skipped: self.skipped,
            skipped_reasons: self.skipped_reasons.iter().map(|(reason, count)| (reason.to_string(), *count)).collect(),
            oldest_fetched_at: self.oldest,
        }
    }
}

#[derive(Debug, Default)]
struct Computed<'a> {
    value: Option<f64>,
    tally: Tally<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Computed<'_> {
    fn skip(&mut self, provenance: &Provenance, problem: &'static str) {
        self.tally.skipped += 1;
        *self.tally.skipped_reasons.entry(problem).or_default() += 1;
        if let Some(trace) = &mut self.tally.trace {
            trace.push(TracedRecord {
                source_id: provenance.source_id.clone(),
                record_id: provenance.record_id.clone(),
                met: None,
                left_out: Some(problem),
            });
        }
        self.diagnostics.push(Diagnostic {
            source_id: provenance.source_id.clone(),
            record_id: provenance.record_id.clone(),
            problem: problem.into(),
        });
    }
}

/// Accounts judged one by one: how many counted, of how many considered.
struct Judged<'a> {
    computed: Computed<'a>,
    counted: u64,
    considered: u64,
}

impl<'a> Judged<'a> {
    /// The share counted; no value when none could be judged.
    fn share(mut self) -> Computed<'a> {
        self.computed.value = share(self.counted, self.considered);
        self.computed
    }

    /// How many counted; no value when none could be judged.
    fn count(mut self) -> Computed<'a> {
        self.computed.value = (self.considered > 0).then_some(self.counted as f64);
        self.computed
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn whole_days(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().div_euclid(86_400) as f64
}

struct Context<'a> {
    index: &'a ScopeIndex<'a>,
    /// The vendor's contract and monthly cost (none for all vendors).
    contract: Option<&'a Contract>,
    monthly_cost: Option<f64>,
    settings: &'a Settings,
    tz: Tz,
    now: DateTime<Utc>,
    /// Keep the list of records used (for a drill-down), not only counts.
    trace: bool,
}

#[derive(Clone, Copy)]
enum SlaKind {
    Response,
    Resolution,
}

/// The period's bounds on the company's calendar, and the moment "at the
/// period end" means: the end, or now if sooner.
#[derive(Clone, Copy)]
struct Window {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    cutoff: DateTime<Utc>,
}

impl<'a> Context<'a> {
    fn start(&self) -> Computed<'a> {
        let mut computed = Computed::default();
        if self.trace {
            computed.tally.trace = Some(Vec::new());
        }
        computed
    }

    fn window(&self, period: Period) -> Window {
        let end = period.end_in(self.tz);
        Window { start: period.start_in(self.tz), end, cutoff: end.min(self.now) }
    }

    fn compute(&self, metric: MetricKey, period: Period) -> Computed<'a> {
        let window = self.window(period);
        match metric {
            MetricKey::TicketsOpened => self.tickets_opened(window),
            MetricKey::TicketsClosed => self.tickets_closed(window),
            MetricKey::FirstResponseMedianMinutes => self.first_response(window, 50.0),
            MetricKey::FirstResponseP90Minutes => self.first_response(window, 90.0),
            MetricKey::ResolutionMedianHours => self.resolution(window, 50.0),
            MetricKey::ResolutionP90Hours => self.resolution(window, 90.0),
            MetricKey::SlaResponseCompliancePct => self.sla_compliance(window, SlaKind::Response),
            MetricKey::SlaResolutionCompliancePct => self.sla_compliance(window, SlaKind::Resolution),
            MetricKey::ServiceCreditOwed => self.service_credit(period),
            MetricKey::BacklogOpen => self.backlog(window, None),
            MetricKey::BacklogAged30d => self.backlog(window, Some(Duration::days(30))),
            MetricKey::ReopenedPct => self.reopened(window),
            MetricKey::KeyPersonSharePct => self.key_person_share(window),
            MetricKey::PatchCompliancePct => self.patch_compliance(window),
            MetricKey::CriticalPatchMaxAgeDays => self.critical_patch_max_age(window),
            MetricKey::VulnsCriticalOpen => self.vulns_open(window, |v| v.severity == Severity::Critical),
            MetricKey::VulnsHighOpen => self.vulns_open(window, |v| v.severity == Severity::High),
            MetricKey::VulnsOverdue => self.vulns_overdue(window),
            MetricKey::AgentCoveragePct => self.agent_coverage(window),
            MetricKey::EndpointsUnprotected => self.endpoints_unprotected(window),
            MetricKey::DevicesNotSeen30d => self.devices_not_seen(window),
            MetricKey::MfaCoveragePct => {
                self.accounts(window, |account, _| Some(account.mfa_registered.map(|mfa| (mfa, mfa)))).share()
            }
            MetricKey::AdminsWithoutMfa => self
                .accounts(window, |account, _| account.admin.then_some(account.mfa_registered.map(|mfa| (!mfa, mfa))))
                .count(),
            MetricKey::AdminAccounts => self.accounts(window, |account, _| Some(Some((account.admin, true)))).count(),
            MetricKey::DormantAccountsEnabled => self
                .accounts(window, |account, cutoff| {
                    let quiet = Duration::days(self.settings.dormant_account_days);
                    let last = account.last_sign_in.or(account.created_at);
                    Some(last.map(|last| {
                        let dormant = cutoff - last > quiet;
                        (dormant, !dormant)
                    }))
                })
                .count(),
            MetricKey::ProviderAccountsWithoutMfa => self
                .accounts(window, |account, _| {
                    account.provider.as_ref().map(|_| account.mfa_registered.map(|mfa| (!mfa, mfa)))
                })
                .count(),
            MetricKey::BackupSuccessPct => self.backup_success(window),
            MetricKey::DaysSinceRestoreTest => self.days_since_restore_test(window),
            MetricKey::DaysSinceResilienceTest => self.days_since_resilience_test(window),
            MetricKey::CertMinDaysToExpiry => self.cert_min_days(window),
            MetricKey::ChangeSuccessPct => self.change_success(window),
            MetricKey::CsatPct => self.csat(window),
            MetricKey::AvailabilityPct => self.availability(window),
            MetricKey::Outages => self.outages(window, false),
            MetricKey::OutageMttrMinutes => self.outages(window, true),
            MetricKey::SourceStalenessHours => self.staleness(window),
        }
    }

    fn created_in(&self, window: Window) -> &'a [TicketRef<'a>] {
        in_range(&self.index.tickets_by_created, |t| t.created_at, window.start, window.end)
    }

    fn resolved_in(&self, window: Window) -> &'a [TicketRef<'a>] {
        in_range(
            &self.index.tickets_by_resolved,
            |t| t.resolved_at.expect("only resolved tickets are in this list"),
            window.start,
            window.end,
        )
    }

    fn counted(&self, tickets: &'a [TicketRef<'a>]) -> Computed<'a> {
        let mut computed = self.start();
        tickets.iter().for_each(|t| computed.tally.used_ticket(t));
        computed.value = Some(tickets.len() as f64);
        computed
    }

    fn tickets_opened(&self, window: Window) -> Computed<'a> {
        self.counted(self.created_in(window))
    }

    fn tickets_closed(&self, window: Window) -> Computed<'a> {
        self.counted(self.resolved_in(window))
    }

    fn first_response(&self, window: Window, p: f64) -> Computed<'a> {
        self.elapsed_percentile(
            self.created_in(window),
            |t| (t.first_response_at, t.response_minutes, t.respond_by),
            1.0,
            p,
            Unjudged::AnsweredBeforeOpened,
        )
    }

    fn resolution(&self, window: Window, p: f64) -> Computed<'a> {
        self.elapsed_percentile(
            self.resolved_in(window),
            |t| (t.resolved_at, t.resolution_minutes, t.resolve_by),
            60.0,
            p,
            Unjudged::ResolvedBeforeOpened,
        )
    }

    /// The `p`-th percentile of the minutes on the contract's clock from
    /// creation to an event (pause taken off), in units of `unit_minutes`,
    /// over the tickets that have the event; a ticket whose event comes
    /// before its creation is skipped as `problem`.
    fn elapsed_percentile(
        &self,
        tickets: &'a [TicketRef<'a>],
        event: impl Fn(&TicketRef) -> (Option<DateTime<Utc>>, Option<f64>, Result<Option<DateTime<Utc>>, Unjudged>),
        unit_minutes: f64,
        p: f64,
        problem: Unjudged,
    ) -> Computed<'a> {
        let mut computed = self.start();
        let mut elapsed = Vec::new();
        for t in tickets {
            let (at, minutes, deadline) = event(t);
            let Some(at) = at else { continue };
            if at < t.created_at {
                computed.skip(&t.ticket.provenance, problem.words());
                continue;
            }
            let Some(minutes) = minutes else { continue };
            elapsed.push(minutes / unit_minutes);
            computed.tally.used_ticket(t);
            if let Ok(Some(deadline)) = deadline {
                computed.tally.verdict(at <= deadline);
            }
        }
        computed.value = percentile(&mut elapsed, p);
        computed
    }

    /// Share of tickets created in the period that met their target on
    /// the contract's clock. A ticket with no response (or resolution)
    /// counts as missed once its target has passed by the cutoff, and is
    /// left out while it is ahead. A ticket that cannot be judged (left out
    /// of the SLA by the provider's tool, no known priority, dates that
    /// cannot be right) is skipped with the reason, never counted as met.
    fn sla_compliance(&self, window: Window, kind: SlaKind) -> Computed<'a> {
        let mut computed = self.start();
        let (mut met, mut counted) = (0u64, 0u64);
        for t in self.created_in(window) {
            let (deadline, done_at) = match kind {
                SlaKind::Response => (t.respond_by, t.first_response_at),
                SlaKind::Resolution => (t.resolve_by, t.resolved_at),
            };
            let deadline = match deadline {
                Err(problem) => {
                    computed.skip(&t.ticket.provenance, problem.words());
                    continue;
                }
                Ok(None) => continue,
                Ok(Some(deadline)) => deadline,
            };
            let in_time = match done_at {
                Some(done_at) => done_at <= deadline,
                None if deadline <= window.cutoff => false,
                None => continue,
            };
            counted += 1;
            met += u64::from(in_time);
            computed.tally.used_ticket(t);
            computed.tally.verdict(in_time);
        }
        computed.value = share(met, counted);
        computed
    }

    /// What the contract's credit terms say is owed for `period`: per
    /// month, `percent_per_point` of the monthly cost for each point the
    /// worse of response and resolution compliance fell below the target,
    /// at most `cap_percent`; a quarter owes the sum of its months. A month
    /// that has not ended owes nothing yet, and none is computed without
    /// credit terms, a monthly cost, or a judged ticket.
    fn service_credit(&self, period: Period) -> Computed<'a> {
        let mut computed = self.start();
        let Some(contract) = self.contract else { return computed };
        let (Some(credits), Some(cost)) = (contract.terms.credits, self.monthly_cost) else { return computed };
        let mut owed = None;
        for month in period.months_in() {
            let window = self.window(month);
            if window.end > self.now {
                continue;
            }
            let mut shortfall: Option<f64> = None;
            for kind in [SlaKind::Response, SlaKind::Resolution] {
                let mut compliance = self.sla_compliance(window, kind);
                if let (Some(trace), Some(inner)) = (&mut computed.tally.trace, compliance.tally.trace.take()) {
                    trace.extend(inner);
                }
                computed.tally.records += compliance.tally.records;
                computed.tally.ticket_sources |= compliance.tally.ticket_sources;
                if let Some(oldest) = compliance.tally.oldest {
                    computed.tally.seen(oldest);
                }
                if let Some(value) = compliance.value {
                    let below = (contract.compliance_target_pct - value).max(0.0);
                    shortfall = Some(shortfall.map_or(below, |worst: f64| worst.max(below)));
                }
            }
            if let Some(points) = shortfall {
                let percent = (points * credits.percent_per_point).min(credits.cap_percent);
                let month_owed = (cost * percent / 100.0 * 100.0).round() / 100.0;
                owed = Some(owed.unwrap_or(0.0) + month_owed);
            }
        }
        computed.value = owed;
        computed
    }

    fn backlog(&self, window: Window, older_than: Option<Duration>) -> Computed<'a> {
        let mut computed = self.start();
        let mut open = 0u64;
        for (created, ticket) in self.index.open_tickets.open_at(window.cutoff) {
            if older_than.is_none_or(|age| window.cutoff - created > age) {
                open += 1;
                computed.tally.used(&ticket.provenance);
            }
        }
        computed.value = Some(open as f64);
        computed
    }

    fn reopened(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let (mut reopened, mut known) = (0u64, 0u64);
        for t in self.resolved_in(window) {
            if let Some(was_reopened) = t.reopened {
                known += 1;
                reopened += u64::from(was_reopened);
                computed.tally.used_ticket(t);
            }
        }
        computed.value = share(reopened, known);
        computed
    }

    fn key_person_share(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let mut by_person = vec![0u64; self.index.resolvers.len()];
        let mut total = 0u64;
        for t in self.resolved_in(window) {
            match t.resolver {
                Some(person) => {
                    by_person[person as usize] += 1;
                    total += 1;
                    computed.tally.used_ticket(t);
                }
                None => computed.skip(&t.ticket.provenance, "resolved ticket does not say who resolved it"),
            }
        }
        computed.value = share(by_person.iter().copied().max().unwrap_or(0), total);
        computed
    }

    fn overdue_devices(&self, cutoff: DateTime<Utc>) -> BTreeSet<(&str, &str)> {
        let grace = Duration::days(self.settings.patch_grace_days);
        self.index
            .security_patches
            .open_at(cutoff)
            .filter(|(missing_since, _)| cutoff - *missing_since > grace)
            .map(|(_, patch)| (patch.provenance.source_id.as_str(), patch.device_id.as_str()))
            .collect()
    }

    /// Share of managed devices with no critical or security patch missing
    /// for longer than the grace period, at the cutoff.
    fn patch_compliance(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let overdue = self.overdue_devices(window.cutoff);
        let (mut compliant, mut total) = (0u64, 0u64);
        for device in &self.index.devices {
            // Only what the provider's management tool manages is patched by it.
            if !device.managed || device.seen_by != Inventory::Management || device.enrolled_at > window.cutoff {
                continue;
            }
            total += 1;
            computed.tally.used(&device.provenance);
            let key = (device.provenance.source_id.as_str(), device.provenance.record_id.as_str());
            let up_to_date = !overdue.contains(&key);
            computed.tally.verdict(up_to_date);
            compliant += u64::from(up_to_date);
        }
        computed.value = share(compliant, total);
        computed
    }

    fn critical_patch_max_age(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let mut oldest: Option<f64> = None;
        for (missing_since, patch) in self.index.security_patches.open_at(window.cutoff) {
            if patch.class == sightline_domain::PatchClass::Critical {
                computed.tally.used(&patch.provenance);
                let age = whole_days(missing_since, window.cutoff);
                oldest = Some(oldest.map_or(age, |oldest| oldest.max(age)));
            }
        }
        // Devices are managed but nothing critical is missing: zero days.
        let managed = self.index.devices.iter().any(|device| device.seen_by == Inventory::Management);
        computed.value = oldest.or_else(|| managed.then_some(0.0));
        computed
    }

    /// Judges each enabled account of the directory as it stood when read.
    /// `judge` gives `None` for an account the measure is not about,
    /// `Some(None)` when the directory does not say what the measure needs
    /// (left out, with the reason), else `(counted, met)`. A period that
    /// ended before the directory was read has no value: the accounts are
    /// as they are now, not as they were then.
    fn accounts(
        &self,
        window: Window,
        judge: impl Fn(&Account, DateTime<Utc>) -> Option<Option<(bool, bool)>>,
    ) -> Judged<'a> {
        let mut computed = self.start();
        let (mut counted, mut considered) = (0u64, 0u64);
        for account in self.index.accounts.iter().copied().filter(|account| account.enabled) {
            if window.end <= account.provenance.fetched_at {
                computed.skip(
                    &account.provenance,
                    "the directory was read after this period: it shows accounts as they are now",
                );
                continue;
            }
            match judge(account, window.cutoff) {
                None => {}
                Some(None) => computed.skip(&account.provenance, "the directory does not say what this measure needs"),
                Some(Some((hit, met))) => {
                    computed.tally.used(&account.provenance);
                    computed.tally.verdict(met);
                    considered += 1;
                    counted += u64::from(hit);
                }
            }
        }
        Judged { computed, counted, considered }
    }

    /// Of every computer any tool reports, the share every kind of tool in
    /// use sees. With one kind of tool there is nothing to compare: no value.
    fn agent_coverage(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let (machines, tools) = crate::coverage::machines(&self.index.computers, window.cutoff);
        if tools.len() < 2 {
            return computed;
        }
        let mut covered = 0u64;
        for machine in machines.iter() {
            let everywhere = machine.seen_by.len() == tools.len();
            computed.tally.used(&machine.first().provenance);
            for other in machine.records().skip(1) {
                computed.tally.also_from(&other.provenance);
            }
            computed.tally.verdict(everywhere);
            covered += u64::from(everywhere);
        }
        computed.value = share(covered, machines.len() as u64);
        computed
    }

    /// Computers whose protection reports a problem, and, where endpoint
    /// protection reports computers at all, those it does not see. No value
    /// when nothing says anything about protection.
    fn endpoints_unprotected(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let (machines, tools) = crate::coverage::machines(&self.index.computers, window.cutoff);
        let console = tools.contains(Inventory::Protection);
        let known = console || machines.iter().any(|m| m.records().any(|d| d.protection_ok.is_some()));
        if !known {
            return computed;
        }
        let mut unprotected = 0u64;
        for machine in machines.iter() {
            let missing = console && !machine.seen_by.contains(Inventory::Protection);
            if !missing && machine.records().all(|device| device.protection_ok.is_none()) {
                // Seen, but no tool says whether its protection works.
                computed.skip(&machine.first().provenance, "no tool says whether its endpoint protection works");
                continue;
            }
            let bad = missing || machine.protection_failing();
            computed.tally.used(&machine.first().provenance);
            for other in machine.records().skip(1) {
                computed.tally.also_from(&other.provenance);
            }
            computed.tally.verdict(!bad);
            unprotected += u64::from(bad);
        }
        computed.value = Some(unprotected as f64);
        computed
    }

    /// Computers no tool has heard from in the 30 days before the cutoff.
    /// Computers no tool says anything about are left out; no value when
    /// none says.
    fn devices_not_seen(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let (machines, _) = crate::coverage::machines(&self.index.computers, window.cutoff);
        // No tool in the scope says when it hears from computers: no value,
        // and nothing to name one by one. And when a tool last heard from a
        // computer is known only as of the read: a period that ended before
        // every read has no value.
        if !machines.iter().any(|machine| machine.last_seen().is_some())
            || machines.iter().all(|machine| machine.records().all(|device| device.provenance.fetched_at >= window.end))
        {
            return computed;
        }
        let mut silent = 0u64;
        let mut known = false;
        for machine in machines.iter() {
            let Some(last_seen) = machine.last_seen() else {
                computed.skip(&machine.first().provenance, "no tool says when it last heard from the computer");
                continue;
            };
            known = true;
            let quiet = window.cutoff - last_seen > Duration::days(30);
            computed.tally.used(&machine.first().provenance);
            for other in machine.records().skip(1) {
                computed.tally.also_from(&other.provenance);
            }
            computed.tally.verdict(!quiet);
            silent += u64::from(quiet);
        }
        computed.value = known.then_some(silent as f64);
        computed
    }

    fn vulns_open(&self, window: Window, wanted: impl Fn(&sightline_domain::Vulnerability) -> bool) -> Computed<'a> {
        let mut computed = self.start();
        let mut open = 0u64;
        for (_, vulnerability) in self.index.vulnerabilities.open_at(window.cutoff) {
            if wanted(vulnerability) {
                open += 1;
                computed.tally.used(&vulnerability.provenance);
            }
        }
        computed.value = Some(open as f64);
        computed
    }

    fn vulns_overdue(&self, window: Window) -> Computed<'a> {
        let critical = Duration::days(self.settings.vuln_critical_deadline_days);
        let high = Duration::days(self.settings.vuln_high_deadline_days);
        let cutoff = window.cutoff;
        self.vulns_open(window, |vulnerability| {
            let age = cutoff - vulnerability.first_found;
            match vulnerability.severity {
                Severity::Critical => age > critical,
                Severity::High => age > high,
                _ => false,
            }
        })
    }

    fn backup_success(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let jobs = in_range(&self.index.backups, |job| job.started_at, window.start, window.cutoff);
        let succeeded = jobs.iter().filter(|job| job.succeeded).count() as u64;
        jobs.iter().for_each(|job| {
            computed.tally.used(&job.provenance);
            computed.tally.verdict(job.succeeded);
        });
        computed.value = share(succeeded, jobs.len() as u64);
        computed
    }

    /// Per protected system (every system with a backup by the cutoff), days
    /// since its last successful restore test; a system never tested counts
    /// from its first backup. The worst system is the value.
    fn days_since_restore_test(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let cutoff = window.cutoff;
        for system in &self.index.protected_systems {
            let tested = system.successful_tests.partition_point(|test| test.tested_at <= cutoff);
            let last_test = tested.checked_sub(1).map(|last| system.successful_tests[last]);
            let since = match (last_test, system.first_backup) {
                (Some(test), _) => {
                    computed.tally.used(&test.provenance);
                    test.tested_at
                }
                (None, Some(first)) if first <= cutoff => first,
                _ => continue,
            };
            let days = whole_days(since, cutoff);
            computed.value = Some(computed.value.map_or(days, |worst: f64| worst.max(days)));
        }
        computed
    }

    fn days_since_resilience_test(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let tests =
            in_range(&self.index.resilience_tests, |test| test.tested_at, DateTime::<Utc>::MIN_UTC, window.cutoff);
        if let Some(last) = tests.last() {
            computed.tally.used(&last.provenance);
            computed.value = Some(whole_days(last.tested_at, window.cutoff));
        }
        computed
    }

    /// For each host, the certificate in place at the cutoff (the latest
    /// issued by then); the smallest days to expiry among them.
    fn cert_min_days(&self, window: Window) -> Computed<'a> {
        let cutoff = window.cutoff;
        let mut current: BTreeMap<&str, &sightline_domain::Certificate> = BTreeMap::new();
        for certificate in self.index.certificates.iter().filter(|cert| cert.not_before <= cutoff) {
            let slot = current.entry(certificate.host.as_str()).or_insert(certificate);
            if certificate.not_before > slot.not_before {
                *slot = certificate;
            }
        }
        let mut computed = self.start();
        for certificate in current.values() {
            computed.tally.used(&certificate.provenance);
            let days = whole_days(cutoff, certificate.not_after);
            computed.value = Some(computed.value.map_or(days, |smallest: f64| smallest.min(days)));
        }
        computed
    }

    fn change_success(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let changes = in_range(&self.index.changes, |change| change.implemented_at, window.start, window.end);
        let good = changes.iter().filter(|change| change.outcome == ChangeOutcome::Successful).count() as u64;
        changes.iter().for_each(|change| {
            computed.tally.used(&change.provenance);
            computed.tally.verdict(change.outcome == ChangeOutcome::Successful);
        });
        computed.value = share(good, changes.len() as u64);
        computed
    }

    fn csat(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        let answers = in_range(&self.index.surveys, |survey| survey.responded_at, window.start, window.end);
        let satisfied = answers.iter().filter(|survey| survey.satisfied).count() as u64;
        answers.iter().for_each(|survey| {
            computed.tally.used(&survey.provenance);
            computed.tally.verdict(survey.satisfied);
        });
        computed.value = share(satisfied, answers.len() as u64);
        computed
    }

    /// Up time over up plus down time, for monitor windows that start in the
    /// period.
    /// (See `uptime.rs` for how windows are laid end to end.)
    fn availability(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        for sample in in_range(&self.index.availability, |sample| sample.window_start, window.start, window.end) {
            if let Some(problem) = crate::uptime::unusable(sample) {
                computed.skip(&sample.provenance, problem);
            }
        }
        let (mut up, mut total) = (0i64, 0i64);
        let from = window.start - crate::uptime::LONGEST_WINDOW;
        for stretch in in_range(&self.index.uptime, |s| s.record.window_start, from, window.end) {
            let (inside_up, inside_down) = stretch.within(window.start, window.end);
            if inside_up + inside_down == 0 {
                continue;
            }
            up += inside_up;
            total += inside_up + inside_down;
            computed.tally.used(&stretch.record.provenance);
        }
        computed.value = (total > 0).then(|| up as f64 * 100.0 / total as f64);
        computed
    }

    /// Outages that started in the period: how many, or their mean time
    /// to restore in minutes (those not yet seen restored left out of the
    /// mean). No value where nothing was monitored in the period.
    fn outages(&self, window: Window, restore_minutes: bool) -> Computed<'a> {
        let mut computed = self.start();
        let monitored = !in_range(&self.index.uptime, |s| s.record.window_start, window.start, window.end).is_empty();
        let outages = in_range(&self.index.outages, |outage| outage.start, window.start, window.end);
        let (mut count, mut restored, mut seconds) = (0usize, 0i64, 0i64);
        for outage in outages {
            count += 1;
            if restore_minutes && outage.ongoing {
                outage.records.iter().for_each(|record| computed.skip(&record.provenance, "not yet seen restored"));
                continue;
            }
            restored += 1;
            seconds += outage.seconds;
            outage.records.iter().for_each(|record| computed.tally.used(&record.provenance));
        }
        computed.value = if restore_minutes {
            (restored > 0).then(|| seconds as f64 / 60.0 / restored as f64)
        } else {
            (monitored || count > 0).then_some(count as f64)
        };
        computed
    }

    /// Hours since the stalest source of the scope last synced, at now: a
    /// figure of the period under way only (how fresh the data was at an
    /// earlier period's end is not known).
    fn staleness(&self, window: Window) -> Computed<'a> {
        let mut computed = self.start();
        if window.end <= self.now {
            return computed;
        }
        for source in &self.index.sources {
            computed.tally.sources.push(source.id.as_str());
            let hours = match source.last_success_at {
                Some(at) => (self.now - at).num_seconds() as f64 / 3600.0,
                None => f64::INFINITY,
            };
            computed.value = Some(computed.value.map_or(hours, |worst: f64| worst.max(hours)));
        }
        if computed.value == Some(f64::INFINITY) {
            // Never synced: there is no figure, and a flag says so.
            computed.value = None;
        }
        computed
    }
}
