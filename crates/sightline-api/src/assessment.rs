//! Keeping the stored results current, at design scale (five years of 20
//! vendors, a million tickets) within bounded memory:
//!
//! - A change marks what it made out of date (the store's `Dirty`): a record
//!   counts from its own instant on, so a ticket changed in March makes
//!   March's periods and every later one out of date, and nothing earlier.
//!   The company, its contracts or the settings make every period so.
//! - Only those periods are recomputed, a calendar quarter at a time, each
//!   from its own records, read through an index (`Store::load_records_in`),
//!   and the stored figures of the periods before (their previous values).
//! - The period under way moves with the clock: it is recomputed when the
//!   stored results are over an hour old.
//! - The rules run over the stored figures and the few records they read
//!   (the last weeks' tickets and backups, what is open now).
//!
//! Screens and the CLI read stored results.

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{MetricKey, MetricValue, Period, RecordBatch, RecordKind, RiskFlag, Scope, Tz};
use sightline_engine::{EngineInput, Settings, compute_metrics_alone, evaluate_rules, periods_since, reconcile};
use sightline_store::{Company, Dirty, RecordWindow, Store};

use crate::{ApiError, Sightline};

/// The company as it stood at `at` for the rules: each vendor's last
/// supplier review is the later of its configured date and the newest
/// review logged on or before `at`.
pub(crate) fn company_at(store: &Store, at: DateTime<Utc>) -> Result<Company, ApiError> {
    let mut company = store.load_company()?;
    let reviews = store.reviews()?;
    let day = sightline_engine::last_day(at, &Sightline::settings(store)?);
    for vendor in &mut company.vendors {
        let logged = reviews
            .iter()
            .filter(|review| review.vendor_id == vendor.id && review.reviewed_on <= day)
            .map(|review| review.reviewed_on)
            .max();
        vendor.last_review = vendor.last_review.filter(|configured| *configured <= day).max(logged);
    }
    Ok(company)
}

/// The records every figure of `periods` is computed from: from the start
/// of the earliest to the end of the latest (what was open then comes
/// with them; each figure's previous value is the stored one).
pub(crate) fn window_of(periods: &[Period], tz: Tz) -> RecordWindow {
    let from = periods.iter().map(|period| period.start_in(tz)).min();
    let to = periods.iter().map(|period| period.end_in(tz)).max();
    match (from, to) {
        (Some(from), Some(to)) => RecordWindow { from, to },
        _ => RecordWindow { from: DateTime::<Utc>::MIN_UTC, to: DateTime::<Utc>::MIN_UTC },
    }
}

/// The periods before `periods` whose stored figures give theirs a
/// previous value.
fn before(periods: &[Period]) -> Vec<Period> {
    let mut earlier: Vec<Period> =
        periods.iter().map(|period| period.previous()).filter(|period| !periods.contains(period)).collect();
    earlier.sort();
    earlier.dedup();
    earlier
}

/// The records the rules read at `at`: the last complete month's tickets,
/// the backlog four weeks back, thirty days of backups, what is open now.
fn rules_window(at: DateTime<Utc>, tz: Tz) -> RecordWindow {
    let last_complete = Period::month_of_in(at, tz).previous();
    RecordWindow { from: last_complete.start_in(tz).min(at - Duration::days(31)), to: at + Duration::seconds(1) }
}

/// The stored figures the rules compare over: thirteen months back.
fn rules_periods(at: DateTime<Utc>, tz: Tz) -> Vec<Period> {
    periods_since(Some(at - Duration::days(400)), at, tz)
}

/// Periods grouped by the calendar quarter they start in, in time order:
/// each group is computed from its own records (three months', and what
/// was open then), after the group before it is stored, whose figures give
/// the group's first ones their previous values. A year at a time, reading
/// the quarter before each year again, a full recompute at design scale
/// held 470 MB; a quarter at a time holds about half.
fn by_quarter(periods: &[Period], tz: Tz) -> Vec<Vec<Period>> {
    let quarter = |period: &Period| Period::quarter_of_in(period.start_in(tz), tz);
    let mut groups: Vec<Vec<Period>> = Vec::new();
    let mut sorted: Vec<Period> = periods.to_vec();
    sorted.sort_by_key(|period| (period.start_in(tz), *period));
    for period in sorted {
        match groups.last_mut() {
            Some(group) if quarter(&group[0]) == quarter(&period) => group.push(period),
            _ => groups.push(vec![period]),
        }
    }
    groups
}

/// What the engine needs besides records.
pub(crate) struct Setting {
    pub company: Company,
    pub settings: Settings,
}

impl Setting {
    pub(crate) fn input<'a>(&'a self, records: &'a RecordBatch) -> EngineInput<'a> {
        EngineInput {
            vendors: &self.company.vendors,
            contracts: &self.company.contracts,
            sources: &self.company.sources,
            records,
            settings: &self.settings,
        }
    }

    /// Every metric of `periods` at `now`, from their own records and the
    /// stored figures of the periods before them.
    pub(crate) fn compute(
        &self,
        store: &Store,
        periods: &[Period],
        now: DateTime<Utc>,
    ) -> Result<Vec<MetricValue>, ApiError> {
        if periods.is_empty() {
            return Ok(Vec::new());
        }
        let records = store.load_records_in(window_of(periods, self.settings.tz()))?;
        let mut values = compute_metrics_alone(self.input(&records), periods, now);
        let before = before(periods);
        if !before.is_empty() {
            give_previous(&mut values, periods, &store.load_metric_values(&before)?);
        }
        Ok(values)
    }

    /// Every rule at `at`, over the figures given and the records the rules
    /// read, with the flags for evidence on file; most serious first.
    fn flags(&self, store: &Store, values: &[MetricValue], at: DateTime<Utc>) -> Result<Vec<RiskFlag>, ApiError> {
        let records = store.load_records_in(rules_window(at, self.settings.tz()))?;
        let mut flags = evaluate_rules(self.input(&records), &self.company.services, values, at);
        let documents = store.evidence()?;
        flags.extend(sightline_engine::evidence_flags(&self.company.vendors, &documents, &self.settings, at));
        flags.sort_by(crate::risks::most_serious_first);
        Ok(flags)
    }
}

/// The flags as they stood at `at`: the period then under way computed
/// afresh with `now` = `at`, the earlier ones from the stored figures (a
/// period that had ended by `at` has the same figures whenever it is
/// computed), and every rule evaluated at `at`.
pub(crate) fn flags_at(store: &Store, at: DateTime<Utc>) -> Result<(Company, Vec<RiskFlag>), ApiError> {
    let setting = Setting { company: company_at(store, at)?, settings: Sightline::settings(store)? };
    let tz = setting.settings.tz();
    let under_way = [Period::month_of_in(at, tz), Period::quarter_of_in(at, tz)];
    let mut values: Vec<MetricValue> = store
        .load_metric_values(&rules_periods(at, tz))?
        .into_iter()
        .filter(|value| value.period.end_in(tz) <= at)
        .collect();
    values.extend(setting.compute(store, &under_way, at)?);
    let flags = setting.flags(store, &values, at)?;
    Ok((setting.company, flags))
}

/// When the stored results were last worked out (the `now` they were
/// computed at).
fn assessed_for(store: &Store) -> Result<Option<DateTime<Utc>>, ApiError> {
    Ok(store
        .meta("assessed_for")?
        .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
        .map(|at| at.with_timezone(&Utc)))
}

/// Stored results older than this are recomputed before they are shown
/// (in the background, where the app serves old results).
const FRESH_FOR: Duration = Duration::hours(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Staleness {
    Fresh,
    /// Over an hour old, nothing changed since: the period under way has
    /// moved on.
    Old,
    /// The records, the company or the settings changed since, or the
    /// results were never computed.
    Changed,
}

impl Sightline {
    /// How current the stored results are.
    fn staleness(&self) -> Result<Staleness, ApiError> {
        let now = self.now();
        let store = self.store();
        let version = store.data_version()?;
        let assessed_version = store.meta("assessed_version")?.and_then(|text| text.parse::<i64>().ok());
        let assessed_for = assessed_for(&store)?;
        Ok(if assessed_version != Some(version) || assessed_for.is_none_or(|at| at > now) {
            Staleness::Changed
        } else if assessed_for.is_some_and(|at| now - at > FRESH_FOR) {
            Staleness::Old
        } else {
            Staleness::Fresh
        })
    }

    /// When the stored results were worked out, where they are only old
    /// (and served so where the app refreshes them in the background).
    pub(crate) fn old_results_from(&self) -> Result<Option<DateTime<Utc>>, ApiError> {
        if self.staleness()? != Staleness::Old {
            return Ok(None);
        }
        assessed_for(&self.store())
    }

    /// Brings the stored results up to date if the records, the company or
    /// the settings changed since the last assessment, or it is more than
    /// an hour old. Returns whether it did.
    pub fn ensure_assessed(&self) -> Result<bool, ApiError> {
        self.reassess_if(|| Ok(self.staleness()? != Staleness::Fresh))
    }

    /// Before a read: as [`Sightline::ensure_assessed`], except that
    /// results which are only old are served as they are where the app
    /// refreshes them in the background ([`Sightline::serve_old_results`]).
    pub(crate) fn assessed_for_reading(&self) -> Result<(), ApiError> {
        self.reassess_if(|| {
            let staleness = self.staleness()?;
            let serve_old = self.serve_old_results.load(std::sync::atomic::Ordering::Relaxed);
            Ok(staleness == Staleness::Changed || (staleness == Staleness::Old && !serve_old))
        })?;
        Ok(())
    }

    /// Works the stored results out again when `due` says so, one thread
    /// at a time: `due` is asked again once `reassessing` is held, since
    /// another thread may have done it meanwhile. Returns whether it did.
    fn reassess_if(&self, due: impl Fn() -> Result<bool, ApiError>) -> Result<bool, ApiError> {
        if !due()? {
            return Ok(false);
        }
        let _one_at_a_time = self.reassessing.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let still = due()?;
        if still {
            self.reassess_held()?;
        }
        Ok(still)
    }

    /// Recomputes what is out of date (every period, if the results were
    /// never computed) and the period under way, then every rule; stores
    /// the figures a quarter at a time and the flags last.
    pub fn reassess(&self) -> Result<(), ApiError> {
        let _one_at_a_time = self.reassessing.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.reassess_held()
    }

    /// [`Sightline::reassess`], with `reassessing` held by the caller.
    fn reassess_held(&self) -> Result<(), ApiError> {
        let now = self.now();
        let (version, setting, periods) = {
            let mut store = self.store();
            let version = store.data_version()?;
            let never = store.meta("assessed_version")?.is_none();
            let dirty = if never { Some(Dirty::All) } else { store.dirty()? };
            let setting = Setting { company: company_at(&store, now)?, settings: Sightline::settings(&store)? };
            let tz = setting.settings.tz();
            let history = periods_since(store.earliest_record_at()?, now, tz);
            // Periods under way when the results were last worked out were
            // computed as they stood then: they are worked out again, to
            // their end or to now, even if no record changed since.
            let last = assessed_for(&store)?.unwrap_or(now).min(now);
            let from = match dirty {
                Some(Dirty::All) => None,
                Some(Dirty::From(at)) => Some(at.min(last)),
                None => Some(last),
            };
            let periods: Vec<Period> =
                history.into_iter().filter(|period| from.is_none_or(|at| period.end_in(tz) > at)).collect();
            if from.is_none() {
                // Figures of periods no longer in the history go too.
                store.clear_metric_values()?;
            }
            (version, setting, periods)
        };
        let tz = setting.settings.tz();
        self.recompute(&setting, &by_quarter(&periods, tz), now)?;
        let mut store = self.store();
        let values = store.load_metric_values(&rules_periods(now, tz))?;
        let flags = setting.flags(&store, &values, now)?;
        let previous = store.load_flags()?;
        let flags = reconcile(&previous, flags, now);
        store.finish_assessment(&flags, now, version)?;
        Ok(())
    }
}

/// A quarter's tickets, read on one connection while its other records
/// are read on another: reading is most of a recompute's work, and the
/// tickets about half of it.
const TICKETS: [RecordKind; 1] = [RecordKind::Ticket];

impl Sightline {
    /// Computes the quarters' figures and stores them in time order, each
    /// quarter read on two connections at once (one quarter's records in
    /// memory at a time), its first figures given their previous values
    /// from the quarter before it, as just computed (or, for the first, as
    /// stored). The store is held only to write: screens read on meanwhile.
    fn recompute(&self, setting: &Setting, quarters: &[Vec<Period>], now: DateTime<Utc>) -> Result<(), ApiError> {
        let Some(first) = quarters.first() else { return Ok(()) };
        let tz = setting.settings.tz();
        let before = before(first);
        let mut earlier = if before.is_empty() { Vec::new() } else { self.store().load_metric_values(&before)? };
        // One statement each: a guard of the store lives to its statement's end.
        let tickets_reader = self.store().reader()?;
        let others_reader = self.store().reader()?;
        let others: Vec<RecordKind> = RecordKind::ALL.iter().copied().filter(|kind| !TICKETS.contains(kind)).collect();
        for quarter in quarters {
            let window = window_of(quarter, tz);
            // The tickets, the larger part, are read on this thread: its
            // memory is what the sync before left free.
            let (tickets, rest) = std::thread::scope(|threads| {
                let rest = threads.spawn(|| others_reader.load_records_of(window, &others, None));
                let tickets = tickets_reader.load_records_of(window, &TICKETS, None);
                let rest = rest.join().map_err(|_| ApiError {
                    code: crate::ErrorCode::Storage,
                    message: "reading a quarter's records stopped unexpectedly".into(),
                });
                (tickets, rest)
            });
            let records = RecordBatch { tickets: tickets?.tickets, ..rest?? };
            let mut values = compute_metrics_alone(setting.input(&records), quarter, now);
            drop(records);
            give_previous(&mut values, quarter, &earlier);
            self.store().replace_metric_values(quarter, &values)?;
            earlier = values;
        }
        Ok(())
    }
}

/// Gives the figures whose previous period is not among `periods` their
/// previous values, from the figures of those earlier periods.
fn give_previous(values: &mut [MetricValue], periods: &[Period], earlier: &[MetricValue]) {
    let known: std::collections::HashMap<(&Scope, MetricKey, Period), Option<f64>> =
        earlier.iter().map(|value| ((&value.scope, value.metric, value.period), value.value)).collect();
    for value in values.iter_mut().filter(|value| !periods.contains(&value.period.previous())) {
        value.previous = known.get(&(&value.scope, value.metric, value.period.previous())).copied().flatten();
    }
}

impl Sightline {
    /// Merges changed records into a source as an incremental sync does,
    /// then brings the stored results up to date as a sync does: for the
    /// scale benchmark's "1,000 changed tickets".
    #[doc(hidden)]
    pub fn merge_records_for_bench(&self, source_id: &str, batch: &RecordBatch) -> Result<(), ApiError> {
        let now = self.now();
        self.store().apply_source_run(&sightline_store::SourceRun::merge(source_id, batch, now))?;
        self.ensure_assessed()?;
        Ok(())
    }

    /// Forgets that the results were ever computed and computes every
    /// period again: the scale benchmark's "full recompute".
    #[doc(hidden)]
    pub fn recompute_everything_for_bench(&self) -> Result<(), ApiError> {
        self.store().delete_meta("assessed_version")?;
        self.reassess()
    }

    /// The cache's reads and writes timed on it and on a plain copy of it
    /// made in `scratch`, for October and 2025 (the scale benchmark's
    /// "SQLCipher beside plain SQLite"). A demo company only, under the
    /// sync lock: the copy is readable, and a source's tickets are written
    /// again.
    #[doc(hidden)]
    pub fn compare_with_plain_for_bench(
        &self,
        scratch: &std::path::Path,
        runs: usize,
    ) -> Result<Vec<sightline_store::CipherCost>, ApiError> {
        // It rewrites a source's tickets and leaves a clear copy on disk:
        // only for an invented company, with no sync writing meanwhile.
        let _lock = sightline_store::lock_sync(self.data_dir(), std::time::Duration::ZERO)?;
        let store = self.store();
        if !store.load_company()?.demo {
            return Err(ApiError::invalid("the cipher comparison runs on a demo company only"));
        }
        let tz = Sightline::settings(&store)?.tz();
        let month = window_of(&["2026-10".parse().expect("a month")], tz);
        let year: Vec<Period> = (1..=12).map(|month| Period::Month { year: 2025, month }).collect();
        Ok(store.compare_with_plain(scratch, month, window_of(&year, tz), runs)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_store::SourceRun;

    /// Changing recent records recomputes only the periods from the
    /// earliest changed record on, and gives exactly the figures a full
    /// recomputation gives.
    #[test]
    fn an_incremental_assessment_agrees_with_a_full_one() {
        let now: DateTime<Utc> = "2026-11-22T08:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = crate::open_for_test(dir.path(), now);
        app.ensure_demo().unwrap();
        assert_eq!(app.store().dirty().unwrap(), None);

        // Twenty of the MSP's tickets from the last weeks now closed a day
        // later than before, as an incremental sync would bring them.
        let mut batch = RecordBatch::default();
        let records = app.store().load_records().unwrap();
        let since = now - Duration::days(40);
        batch.tickets = records
            .tickets
            .into_iter()
            .filter(|ticket| ticket.provenance.source_id == "bluepeak-psa" && ticket.created_at >= since)
            .filter(|ticket| ticket.resolved_at.is_some())
            .take(20)
            .map(|mut ticket| {
                ticket.resolved_at = ticket.resolved_at.map(|at| at + Duration::days(1)).filter(|at| *at <= now);
                ticket
            })
            .collect();
        assert_eq!(batch.tickets.len(), 20);
        let earliest = batch.tickets.iter().map(|ticket| ticket.created_at).min().unwrap();
        app.store().apply_source_run(&SourceRun::merge("bluepeak-psa", &batch, now)).unwrap();
        assert_eq!(app.store().dirty().unwrap(), Some(Dirty::From(earliest)));
        assert!(app.ensure_assessed().unwrap());
        assert_eq!(app.store().dirty().unwrap(), None);
        let incremental = app.store().load_metric_values(&[]).unwrap();
        let incremental_flags = app.store().load_flags().unwrap();

        app.store().bump_data_version().unwrap();
        assert_eq!(app.store().dirty().unwrap(), Some(Dirty::All));
        app.reassess().unwrap();
        let full = app.store().load_metric_values(&[]).unwrap();
        assert_eq!(incremental.len(), full.len());
        assert_eq!(incremental.len(), 6_120);
        for (a, b) in incremental.iter().zip(&full) {
            assert_eq!(a, b);
        }
        let flags = app.store().load_flags().unwrap();
        let ids = |flags: &[sightline_domain::StoredFlag]| flags.iter().map(|f| f.flag.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&incremental_flags), ids(&flags));
    }

    /// Where the app refreshes results in the background, a read after an
    /// hour away serves the stored ones at once; a change is never served
    /// old.
    #[test]
    fn old_results_are_served_at_once_where_the_app_refreshes_them() {
        let now: DateTime<Utc> = "2026-11-22T08:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let open = |at: DateTime<Utc>| crate::open_for_test(dir.path(), at);
        let app = open(now);
        app.ensure_demo().unwrap();
        drop(app);
        let assessed_for = |app: &Sightline| app.store().meta("assessed_for").unwrap().unwrap();

        let later = open(now + Duration::hours(2));
        later.serve_old_results(true);
        let served = later.overview().unwrap();
        later.risks(false).unwrap();
        assert_eq!(assessed_for(&later), "2026-11-22T08:00:00+00:00", "served as stored");
        assert_eq!(
            served.figures_as_of.as_deref(),
            Some("Figures worked out at 08:00 UTC today; up-to-date ones are on their way.")
        );
        assert!(later.ensure_assessed().unwrap(), "the background refresh");
        assert_eq!(assessed_for(&later), "2026-11-22T10:00:00+00:00");
        assert_eq!(later.overview().unwrap().figures_as_of, None, "current once refreshed");
        assert!(!later.ensure_assessed().unwrap(), "nothing left to do");
        drop(later);

        // Without the background refresh, the read brings them up to date.
        let reader = open(now + Duration::hours(4));
        assert_eq!(reader.overview().unwrap().figures_as_of, None);
        assert_eq!(assessed_for(&reader), "2026-11-22T12:00:00+00:00");
        drop(reader);

        // A change is recomputed before it is read, background or not.
        let changed = open(now + Duration::hours(4));
        changed.serve_old_results(true);
        changed.store().set_meta("assessed_version", "").unwrap();
        changed.overview().unwrap();
        assert!(!changed.ensure_assessed().unwrap());
    }
    /// The stored figures, each period computed from its own quarter's
    /// records through the indexes and given its previous value from the
    /// stored figures, are those the engine computes from every record.
    #[test]
    fn figures_from_each_quarters_records_are_those_from_every_record() {
        let now: DateTime<Utc> = "2026-11-22T08:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = crate::open_for_test(dir.path(), now);
        app.ensure_demo().unwrap();
        let store = app.store();
        let setting =
            Setting { company: company_at(&store, now).unwrap(), settings: Sightline::settings(&store).unwrap() };
        let tz = setting.settings.tz();
        let history = periods_since(store.earliest_record_at().unwrap(), now, tz);
        assert_eq!(history.len(), 34, "the months and quarters of the demo's history");
        let records = store.load_records().unwrap();
        let everything = sightline_engine::compute_metrics(setting.input(&records), &history, now);
        let stored: std::collections::HashMap<_, _> = store
            .load_metric_values(&[])
            .unwrap()
            .into_iter()
            .map(|value| ((value.scope.clone(), value.metric, value.period), value))
            .collect();
        assert_eq!(stored.len(), everything.len());
        assert_eq!(stored.len(), 6_120);
        let first = *history.iter().min_by_key(|period| period.start_in(tz)).unwrap();
        let mut with_previous = 0;
        for mut expected in everything {
            let key = (expected.scope.clone(), expected.metric, expected.period);
            if history.iter().all(|period| *period != expected.period.previous()) {
                // Before the history there is no stored figure to compare
                // with: no previous value, rather than one from no records.
                assert!(expected.period.start_in(tz) < first.start_in(tz) + Duration::days(92));
                expected.previous = None;
            }
            with_previous += usize::from(expected.previous.is_some());
            assert_eq!(stored[&key], expected, "{key:?}");
        }
        assert_eq!(with_previous, 3_398);
    }

    /// Figures of a period that was under way when the results were last
    /// worked out are worked out again once it has ended, even when no
    /// record changed meanwhile.
    #[test]
    fn a_period_left_under_way_is_finished_on_the_next_visit() {
        let now: DateTime<Utc> = "2026-11-22T08:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let open = |at: DateTime<Utc>| crate::open_for_test(dir.path(), at);
        open(now).ensure_demo().unwrap();
        let november: Period = "2026-11".parse().unwrap();
        let restore_days = |app: &Sightline| {
            let values = app.store().load_metric_values(&[november]).unwrap();
            values
                .iter()
                .find(|value| {
                    value.scope == sightline_domain::Scope::All && value.metric == MetricKey::DaysSinceRestoreTest
                })
                .and_then(|value| value.value)
        };
        assert_eq!(restore_days(&open(now)), Some(215.0), "on the 22nd");
        // Two weeks away, nothing synced meanwhile: November is now taken
        // at its end, as a full recomputation takes it.
        let back = open("2026-12-07T09:00:00Z".parse().unwrap());
        assert!(back.ensure_assessed().unwrap());
        assert_eq!(restore_days(&back), Some(224.0), "at the end of November");
        let after_visit = back.store().load_metric_values(&[november]).unwrap();
        back.store().bump_data_version().unwrap();
        back.reassess().unwrap();
        let full = back.store().load_metric_values(&[november]).unwrap();
        assert_eq!(after_visit.len(), 180);
        let differing = after_visit.iter().zip(&full).filter(|(a, b)| a != b).count();
        assert_eq!(differing, 0);
    }
}
