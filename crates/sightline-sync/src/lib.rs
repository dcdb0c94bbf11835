//! Sync: read the configuration, plan (pure), fetch every source
//! concurrently, and apply each source's run in one transaction as it
//! arrives. A failed source keeps its previous data, is recorded in the
//! sync log with a plain reason, and does not stop the others.

mod config;
mod edit;
mod plan;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use sightline_connectors::{FetchError, FetchErrorKind, FetchRequest, HttpOptions, Phase, Progress};
use sightline_domain::{Availability, RecordBatch, Secret};
use sightline_store::{SourceRun, Store, StoreError};
use tokio::task::JoinSet;

pub use config::{CONFIG_FILE, Config, ConfigError, ServiceConfig, SlaConfig, VendorConfig};
pub use edit::{
    ContractEdit, create_config, remove_source, remove_vendor, set_contract, set_timezone, upsert_source, upsert_vendor,
};
pub use plan::{DEFAULT_FULL_EVERY_HOURS, PlannedRun, fingerprint, plan};

/// How far before a run's start the next incremental run begins, at the
/// latest: covers updates made while the run was reading, and clock skew.
const WATERMARK_MARGIN: chrono::Duration = chrono::Duration::minutes(5);

/// At most this many sources are being fetched, or fetched and waiting to
/// be written, at once. A fetched run is held in memory until it is
/// written, one at a time: twenty large files read at once held all twenty
/// (a design-scale first sync of 20 CSV files peaked at 560 MB so; 275-305
/// MB with four, and no less with three). Four keep both cores busy and
/// let HTTP sources overlap their waits.
const IN_FLIGHT: usize = 4;

/// What a caller may ask of a sync.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only this source.
    pub only: Option<String>,
    /// Only the checks Sightline makes itself (`sightline-cli probe`).
    pub probes_only: bool,
    /// Read every source in full, whatever its watermark.
    pub force_full: bool,
    /// Apply a full read even where it holds far fewer records than the
    /// cache (the source really did shrink).
    pub accept_shrink: bool,
    /// A full read with more than this share fewer records than the cache
    /// holds is held, not applied (default 50%).
    pub shrink_hold_pct: Option<f64>,
    pub http: HttpOptions,
}

/// The share by which a full read may shrink a source before it is held.
pub const DEFAULT_SHRINK_HOLD_PCT: f64 = 50.0;

/// Why a full read that would shrink a source this much is held rather
/// than applied, in words with what to do; `None` when it may be applied.
/// A file that lost its rows, a query that matched nothing or a tenant
/// that answered for the wrong company look like this, and replacing the
/// source's records with it would lose years of history without a word.
pub fn shrink_hold(source_id: &str, held: u64, fetched: u64, hold_pct: f64) -> Option<String> {
    if held == 0 || fetched >= held {
        return None;
    }
    let drop_pct = (held - fetched) as f64 * 100.0 / held as f64;
    // A handful of records is too few to call a shrink suspicious, unless
    // the read came back empty.
    let suspicious = fetched == 0 || (held >= 20 && drop_pct > hold_pct);
    suspicious.then(|| {
        format!(
            "held: this read has {fetched} records where the cache holds {held} for {source_id} (a drop of \
             {drop_pct:.0}%), so nothing was replaced, in case the export, file or query is incomplete. If the \
             source really is this small now, run `sightline-cli sync --source {source_id} --accept-shrink`"
        )
    })
}

/// How one source's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOutcome {
    pub source_id: String,
    pub ok: bool,
    /// Records fetched (and applied, when `ok`).
    pub records: usize,
    pub full: bool,
    pub reason: String,
    pub requests: u32,
    pub pages: u32,
    /// Why it failed, in plain words with what to do.
    pub error: Option<String>,
    pub error_kind: Option<FetchErrorKind>,
    /// Records left out (a bad CSV row), one phrase each.
    pub warnings: Vec<String>,
    /// The read was held as far smaller than what the cache holds.
    pub held: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub outcomes: Vec<SourceOutcome>,
    /// Things to know that are not failures: sources kept in the cache
    /// though gone from the configuration.
    pub notices: Vec<String>,
    /// The ids of those sources.
    pub kept_sources: Vec<String>,
}

impl SyncReport {
    pub fn failed(&self) -> impl Iterator<Item = &SourceOutcome> {
        self.outcomes.iter().filter(|outcome| !outcome.ok)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("there is no source '{0}' in the configuration: `sightline-cli sources` lists them")]
    UnknownSource(String),
}

/// Where credentials come from: the OS keychain, or the cache.
pub type SecretLookup = Arc<dyn Fn(&str) -> Result<Option<Secret>, String> + Send + Sync>;
/// Receives progress from every source.
pub type ProgressHandler = Arc<dyn Fn(Progress) + Send + Sync>;

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    // Every write is one transaction, so a poisoned lock left nothing half written.
    store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes the cache hold the company the configuration describes (vendors,
/// contracts, services, sources), without syncing anything.
/// Returns a notice for each source the cache keeps though the
/// configuration no longer names it.
pub fn configure(store: &Mutex<Store>, config: &Config) -> Result<Vec<String>, StoreError> {
    let mut store = lock(store);
    let source_sla = store.source_sla()?;
    let source_hours = store.source_hours()?;
    store.configure_company(&config.company(&source_sla, &source_hours))?;
    if store.meta("timezone")?.as_deref() != Some(config.timezone.as_str()) {
        store.set_meta("timezone", &config.timezone)?;
    }
    let mut notices = Vec::new();
    for source in store.load_company()?.sources {
        if config.source(&source.id).is_none() {
            let held = store.source_record_count(&source.id)?;
            notices.push(format!(
                "{} is no longer in {}, but its {held} records are kept and still counted: put it back, or run \
                 `sightline-cli forget {}` to remove them",
                source.id,
                config.path.display(),
                source.id
            ));
        }
    }
    Ok(notices)
}

/// Syncs the configured sources (or one), concurrently, each applied in
/// its own transaction as soon as it has been fetched.
pub async fn sync(
    store: &Mutex<Store>,
    config: &Config,
    secrets: SecretLookup,
    now: DateTime<Utc>,
    options: &SyncOptions,
    progress: ProgressHandler,
) -> Result<SyncReport, SyncError> {
    configure(store, config)?;
    let sources: Vec<_> = match &options.only {
        Some(only) => vec![config.source(only).cloned().ok_or_else(|| SyncError::UnknownSource(only.clone()))?],
        None => config.sources.iter().filter(|source| !options.probes_only || source.kind.probe()).cloned().collect(),
    };
    let states = lock(store).sync_states()?;
    let planned = plan(&sources, &states, now, options.force_full);

    let mut tasks = JoinSet::new();
    let mut running = std::collections::HashMap::new();
    let in_flight = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    for run in planned {
        let in_flight = Arc::clone(&in_flight);
        let secrets = Arc::clone(&secrets);
        let progress = Arc::clone(&progress);
        let http = options.http.clone();
        let task_run = run.clone();
        let handle = tasks.spawn(async move {
            // Held until the run is written (dropped with the result).
            let permit = in_flight.acquire_owned().await.expect("the semaphore is never closed");
            let secret = if run.source.kind.secret_form().is_some() {
                match secrets(&run.source.id) {
                    Ok(secret) => secret,
                    Err(problem) => {
                        let error = FetchError::config(
                            &run.source.id,
                            format!("could not read the credentials for {}: {problem}", run.source.id),
                        );
                        return (run, Err(error), permit);
                    }
                }
            } else {
                None
            };
            let request = FetchRequest {
                source: &run.source,
                secret: secret.as_ref(),
                since: run.since,
                now,
                http: &http,
                known_content: run.known_content.as_deref(),
            };
            let sink = |event: Progress| progress(event);
            let result = sightline_connectors::fetch(request, &sink).await;
            (run, result, permit)
        });
        running.insert(handle.id(), task_run);
    }

    let mut report = SyncReport::default();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (run, result, _permit) = match joined {
            Ok((_, finished)) => finished,
            Err(error) => {
                // A connector panicked: a bug, but it is recorded like any
                // failure and the other sources go on.
                let Some(run) = running.remove(&error.id()) else { continue };
                let emit = |phase: Phase, records: usize, pages: u32| {
                    progress(Progress { source_id: run.source.id.clone(), phase, records, pages });
                };
                let message =
                    "the connector stopped unexpectedly (a bug in Sightline); the previous data was kept".into();
                report.outcomes.push(failed(store, &run, now, message, None, &emit));
                continue;
            }
        };
        let source_id = run.source.id.clone();
        let emit = |phase: Phase, records: usize, pages: u32| {
            progress(Progress { source_id: source_id.clone(), phase, records, pages });
        };
        let outcome = match result {
            Ok(fetched) if fetched.unchanged => unchanged(store, &run, now, &emit),
            Ok(fetched) if fetched.full && !options.accept_shrink => {
                let held = lock(store).source_record_count(&source_id).unwrap_or(0);
                let hold_pct = options.shrink_hold_pct.unwrap_or(DEFAULT_SHRINK_HOLD_PCT);
                match shrink_hold(&source_id, held, fetched.batch.len() as u64, hold_pct) {
                    Some(message) => SourceOutcome { held: true, ..failed(store, &run, now, message, None, &emit) },
                    None => apply(store, &run, fetched, now, &emit),
                }
            }
            Ok(fetched) => apply(store, &run, fetched, now, &emit),
            Err(error) => failed(store, &run, now, error.message, Some(error.kind), &emit),
        };
        report.outcomes.push(outcome);
    }
    report.outcomes.sort_by(|a, b| a.source_id.cmp(&b.source_id));
    // Source-defined SLA targets reach the contracts.
    report.notices = configure(store, config)?;
    report.kept_sources = lock(store)
        .load_company()?
        .sources
        .into_iter()
        .filter(|source| config.source(&source.id).is_none())
        .map(|source| source.id)
        .collect();
    Ok(report)
}

/// How far apart a check's samples may start and still make one window:
/// cron and timers run a little late or early.
const SAMPLE_SLACK: chrono::Duration = chrono::Duration::seconds(90);

/// A check's new samples, each continuing its monitor's latest window where
/// it is the same state on the same UTC day and starts where that window
/// ends (within [`SAMPLE_SLACK`], or inside it): the sample becomes that
/// window, longer, under its record id. A year of checks every minute is
/// then a window a day a monitor when all is well, not half a million rows.
/// The first sample's status, latency and reason stand for the window.
pub fn continue_windows(latest: &[Availability], batch: &mut RecordBatch) {
    let wholly = |window: &Availability| match (window.up_seconds > 0, window.down_seconds > 0) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    for sample in &mut batch.availability {
        let Some(previous) = latest.iter().find(|previous| previous.monitor == sample.monitor) else { continue };
        let (Some(was_up), Some(is_up)) = (wholly(previous), wholly(sample)) else { continue };
        let continues = was_up == is_up
            && previous.window_start.date_naive() == sample.window_start.date_naive()
            && sample.window_start >= previous.window_start
            && sample.window_start <= previous.window_end + SAMPLE_SLACK
            && sample.window_end > previous.window_end;
        if !continues {
            continue;
        }
        // A few seconds between the samples were not watched: only the new
        // sample's own time is added.
        let added = (sample.window_end - sample.window_start.max(previous.window_end)).num_seconds();
        let seconds = previous.up_seconds + previous.down_seconds + added;
        sample.provenance.record_id = previous.provenance.record_id.clone();
        sample.window_start = previous.window_start;
        sample.up_seconds = if is_up { seconds } else { 0 };
        sample.down_seconds = if is_up { 0 } else { seconds };
        sample.status = previous.status;
        sample.latency_ms = previous.latency_ms;
        sample.detail = previous.detail.clone();
    }
}

/// Applies one fetched run in one transaction.
fn apply(
    store: &Mutex<Store>,
    run: &PlannedRun,
    mut fetched: sightline_connectors::Fetched,
    now: DateTime<Utc>,
    emit: &dyn Fn(Phase, usize, u32),
) -> SourceOutcome {
    let source_id = run.source.id.clone();
    if run.source.kind.probe() && !fetched.batch.availability.is_empty() {
        // Only merged into what is there: a failure to read it leaves the
        // samples as windows of their own.
        if let Ok(latest) = lock(store).latest_windows(&source_id) {
            continue_windows(&latest, &mut fetched.batch);
        }
    }
    emit(Phase::Applying, fetched.batch.len(), fetched.pages);
    let sla = (!fetched.sla.is_empty()).then_some(fetched.sla.as_slice());
    // A record changed while the listing was being read may carry
    // an earlier "last updated" than one read after it: the next
    // run starts a little before this one did, so none is missed.
    let watermark = fetched.watermark.map(|seen| seen.min(now - WATERMARK_MARGIN));
    let applied = lock(store).apply_source_run(&SourceRun {
        source_id: &source_id,
        batch: &fetched.batch,
        full: fetched.full,
        watermark,
        sla,
        sla_hours: fetched.sla_hours.as_ref(),
        settings: &run.settings,
        content: fetched.content.as_deref(),
        started_at: now,
        finished_at: now,
        requests: fetched.requests,
        warnings: &fetched.warnings,
        snapshot: fetched.snapshot,
    });
    match applied {
        Ok(()) => {
            emit(Phase::Done, fetched.batch.len(), fetched.pages);
            SourceOutcome {
                source_id: source_id.clone(),
                ok: true,
                records: fetched.batch.len(),
                full: fetched.full,
                reason: run.reason.to_string(),
                requests: fetched.requests,
                pages: fetched.pages,
                error: None,
                error_kind: None,
                warnings: fetched.warnings,
                held: false,
            }
        }
        Err(error) => {
            let message = format!("the fetched records could not be saved ({error}); the previous data was kept");
            failed(store, run, now, message, None, emit)
        }
    }
}

/// A file found exactly as at its last successful read: only the run is
/// recorded.
fn unchanged(
    store: &Mutex<Store>,
    run: &PlannedRun,
    now: DateTime<Utc>,
    emit: &dyn Fn(Phase, usize, u32),
) -> SourceOutcome {
    let source_id = run.source.id.clone();
    let recorded = lock(store).record_unchanged_run(&source_id, now, now);
    match recorded {
        Ok(kept) => {
            emit(Phase::Done, 0, 1);
            SourceOutcome {
                source_id,
                ok: true,
                records: usize::try_from(kept).unwrap_or(usize::MAX),
                full: true,
                reason: "unchanged since the last sync, nothing written".to_string(),
                requests: 0,
                pages: 1,
                error: None,
                error_kind: None,
                warnings: Vec::new(),
                held: false,
            }
        }
        Err(error) => failed(
            store,
            run,
            now,
            format!("the run could not be recorded ({error}); the previous data was kept"),
            None,
            emit,
        ),
    }
}

fn failed(
    store: &Mutex<Store>,
    run: &PlannedRun,
    now: DateTime<Utc>,
    message: String,
    kind: Option<FetchErrorKind>,
    emit: &dyn Fn(Phase, usize, u32),
) -> SourceOutcome {
    // If even the log cannot be written, the outcome still says why.
    let _ = lock(store).record_sync_failure(&run.source.id, &message, now, now);
    emit(Phase::Failed, 0, 0);
    SourceOutcome {
        source_id: run.source.id.clone(),
        ok: false,
        records: 0,
        full: run.since.is_none(),
        reason: run.reason.to_string(),
        requests: 0,
        pages: 0,
        error: Some(message),
        error_kind: kind,
        warnings: Vec::new(),
        held: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_domain::Provenance;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn sample(start: &str, end: &str, up: bool) -> Availability {
        let seconds = (at(end) - at(start)).num_seconds();
        Availability {
            provenance: Provenance {
                source_id: "web".into(),
                record_id: format!("site@{start}"),
                fetched_at: at(start),
            },
            vendor_id: "acme".into(),
            monitor: "https://site.example/".into(),
            window_start: at(start),
            window_end: at(end),
            up_seconds: if up { seconds } else { 0 },
            down_seconds: if up { 0 } else { seconds },
            status: Some(if up { 200 } else { 503 }),
            latency_ms: Some(100),
            detail: None,
        }
    }

    fn continued(latest: Availability, next: Availability) -> (String, String, String, i64, i64) {
        let mut batch = RecordBatch { availability: vec![next], ..RecordBatch::default() };
        continue_windows(&[latest], &mut batch);
        let window = &batch.availability[0];
        (
            window.provenance.record_id.clone(),
            window.window_start.to_rfc3339(),
            window.window_end.to_rfc3339(),
            window.up_seconds,
            window.down_seconds,
        )
    }

    #[test]
    fn a_sample_continues_its_monitors_window_when_it_follows_on_in_the_same_state_and_day() {
        let latest = sample("2026-11-10T10:00:00Z", "2026-11-10T10:05:00Z", true);
        // Two seconds late: the same window, five minutes longer.
        assert_eq!(
            continued(latest.clone(), sample("2026-11-10T10:05:02Z", "2026-11-10T10:10:02Z", true)),
            (
                "site@2026-11-10T10:00:00Z".into(),
                "2026-11-10T10:00:00+00:00".into(),
                "2026-11-10T10:10:02+00:00".into(),
                // The two seconds between the samples were not watched.
                600,
                0
            )
        );
        // Down now: a window of its own.
        assert_eq!(
            continued(latest.clone(), sample("2026-11-10T10:05:00Z", "2026-11-10T10:10:00Z", false)).0,
            "site@2026-11-10T10:05:00Z"
        );
        // After a gap nobody watched: a window of its own.
        assert_eq!(
            continued(latest, sample("2026-11-10T10:20:00Z", "2026-11-10T10:25:00Z", true)).0,
            "site@2026-11-10T10:20:00Z"
        );
        // A new day starts a new window.
        let evening = sample("2026-11-10T23:55:00Z", "2026-11-11T00:00:00Z", true);
        assert_eq!(
            continued(evening, sample("2026-11-11T00:00:00Z", "2026-11-11T00:05:00Z", true)).0,
            "site@2026-11-11T00:00:00Z"
        );
    }
}
