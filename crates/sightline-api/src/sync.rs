//! Syncing the configured sources, and keeping their credentials: in the
//! OS keychain, or inside the encrypted cache where the cache itself is
//! locked with a passphrase (no keychain). Credentials never reach the UI,
//! the configuration file, the logs or an error message.

use std::path::Path;
use std::sync::Arc;

use sightline_connectors::{HttpOptions, SourceKind};
use sightline_domain::Secret;
use sightline_store::{KeyMode, Keychain, OsKeychain};
use sightline_sync::{Config, SyncOptions};

use crate::dto::{SyncProgress, SyncQuery, SyncSourceResult, SyncSummary};
use crate::error::ErrorCode;
use crate::{ApiError, Sightline};

/// How long a sync waits for another process's sync to finish before it
/// says one is running: longer than a sync of the design's scale takes.
const SYNC_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

fn config_error(message: String) -> ApiError {
    ApiError { code: ErrorCode::Config, message }
}

fn secret_error(message: String) -> ApiError {
    ApiError { code: ErrorCode::Secret, message }
}

/// The keychain account of a source's credentials: per data directory, so
/// two companies on one laptop never share them.
pub(crate) fn keychain_account(data_dir: &Path, source_id: &str) -> String {
    sightline_store::keychain_account(data_dir, &format!("source:{source_id}"))
}

impl Sightline {
    /// Reads and checks the configuration file.
    pub fn config(&self) -> Result<Config, ApiError> {
        let path = self.config_path();
        if !path.exists() {
            return Err(config_error(format!(
                "there is no configuration at {}: write one to name your vendors and sources (the README shows how), \
                 or pass --config FILE",
                path.display()
            )));
        }
        Config::load(path).map_err(|error| config_error(error.to_string()))
    }

    /// Makes the cache hold the company the configuration describes
    /// (replacing the demo company), without syncing.
    pub fn apply_config(&self) -> Result<(), ApiError> {
        let config = self.config()?;
        sightline_sync::configure(&self.store, &config)?;
        Ok(())
    }

    /// Removes a source that is no longer in the configuration, with every
    /// record it brought. Returns how many records went.
    pub fn forget_source(&self, source_id: &str) -> Result<u64, ApiError> {
        if let Ok(config) = self.config()
            && config.source(source_id).is_some()
        {
            return Err(ApiError::invalid(format!(
                "{source_id} is still in {}: remove it there first, or its next sync brings its records back",
                self.config_path().display()
            )));
        }
        let known = self.store().load_company()?.sources.iter().any(|source| source.id == source_id);
        if !known {
            return Err(ApiError::not_found(format!("the cache holds no source '{source_id}'")));
        }
        // Its records may be history the provider no longer keeps.
        self.store().automatic_backup(&format!("before-forget-{source_id}"), self.now())?;
        let removed = self.store().forget_source(source_id)?;
        self.reassess()?;
        Ok(removed)
    }

    /// Whether a scheduled sync is due: there is a configuration with
    /// sources, and some source has not been tried for `every`.
    pub fn sync_due(&self, every: std::time::Duration) -> Result<bool, ApiError> {
        if !self.config_path().exists() {
            return Ok(false);
        }
        let now = self.now();
        let every = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::hours(1));
        let company = self.store().load_company()?;
        Ok(!company.demo
            && company.sources.iter().any(|source| source.last_attempt_at.is_none_or(|at| now - at >= every)))
    }

    fn source_kind(&self, source_id: &str) -> Result<SourceKind, ApiError> {
        let config = self.config()?;
        let source = config.source(source_id).ok_or_else(|| {
            ApiError::not_found(format!("there is no source '{source_id}' in {}", self.config_path().display()))
        })?;
        Ok(source.kind)
    }

    /// Stores a source's credentials, in the form its kind documents.
    pub fn set_secret(&self, source_id: &str, secret: Secret) -> Result<(), ApiError> {
        let kind = self.source_kind(source_id)?;
        let Some(form) = kind.secret_form() else {
            return Err(ApiError::invalid(format!(
                "a {} source needs no credentials: nothing was stored",
                kind.display_name()
            )));
        };
        let text = secret.expose().trim();
        // A pair (`NAME:SECRET`) needs both halves; a single secret, some text.
        let malformed = if form.contains(':') {
            text.split_once(':').is_none_or(|(left, right)| left.is_empty() || right.is_empty())
        } else {
            text.is_empty()
        };
        if malformed {
            return Err(ApiError::invalid(format!(
                "credentials for {source_id} must be in the form {form}: nothing was stored"
            )));
        }
        let secret = Secret::new(text);
        let store = self.store();
        match store.key_mode() {
            KeyMode::Passphrase => store.set_source_secret(source_id, &secret)?,
            KeyMode::Keychain => {
                OsKeychain.set(&keychain_account(self.data_dir(), source_id), &secret).map_err(|error| {
                    secret_error(format!("the OS keychain did not store the credentials for {source_id}: {error:?}"))
                })?
            }
        }
        Ok(())
    }

    /// Removes a source's credentials. Returns whether any were stored.
    pub fn delete_secret(&self, source_id: &str) -> Result<bool, ApiError> {
        let store = self.store();
        let in_cache = store.delete_source_secret(source_id)?;
        if store.key_mode() == KeyMode::Keychain {
            let account = keychain_account(self.data_dir(), source_id);
            let existed = OsKeychain.get(&account).ok().flatten().is_some();
            OsKeychain.delete(&account).map_err(|error| {
                secret_error(format!("the OS keychain did not remove the credentials for {source_id}: {error:?}"))
            })?;
            return Ok(in_cache || existed);
        }
        Ok(in_cache)
    }

    /// Whether credentials are stored for a source (never the credentials).
    pub fn has_secret(&self, source_id: &str) -> Result<bool, ApiError> {
        Ok(self.lookup_secret(source_id).map_err(secret_error)?.is_some())
    }

    pub(crate) fn lookup_secret(&self, source_id: &str) -> Result<Option<Secret>, String> {
        let store = self.store();
        match store.key_mode() {
            KeyMode::Passphrase => store.source_secret(source_id).map_err(|error| error.to_string()),
            KeyMode::Keychain => OsKeychain
                .get(&keychain_account(self.data_dir(), source_id))
                .map_err(|error| format!("the OS keychain could not be read ({error:?})")),
        }
    }

    /// Syncs the configured sources (or one), reporting progress as it
    /// goes, then recomputes the figures. A failed source keeps its
    /// previous data; the summary says why it failed.
    pub fn sync(
        &self,
        query: &SyncQuery,
        progress: impl Fn(SyncProgress) + Send + Sync + 'static,
    ) -> Result<SyncSummary, ApiError> {
        self.sync_with(query, HttpOptions::default(), progress)
    }

    /// [`Sightline::sync`] with explicit HTTP timeouts and retries.
    #[doc(hidden)]
    pub fn sync_with(
        &self,
        query: &SyncQuery,
        http: HttpOptions,
        progress: impl Fn(SyncProgress) + Send + Sync + 'static,
    ) -> Result<SyncSummary, ApiError> {
        let config = self.config()?;
        // Credentials are read up front, on this thread: the keychain and
        // the cache are not touched from the fetching tasks.
        let mut secrets = std::collections::HashMap::new();
        for source in &config.sources {
            if source.kind.secret_form().is_some() && query.source.as_ref().is_none_or(|only| only == &source.id) {
                secrets.insert(source.id.clone(), self.lookup_secret(&source.id));
            }
        }
        let secrets = Arc::new(secrets);
        let lookup: sightline_sync::SecretLookup = Arc::new(move |source_id: &str| match secrets.get(source_id) {
            Some(Ok(Some(secret))) => Ok(Some(Secret::new(secret.expose()))),
            Some(Err(problem)) => Err(problem.clone()),
            Some(Ok(None)) | None => Ok(None),
        });
        let handler: sightline_sync::ProgressHandler = Arc::new(move |event: sightline_connectors::Progress| {
            progress(SyncProgress {
                source: event.source_id,
                phase: event.phase.as_str().to_string(),
                records: event.records as u32,
                pages: event.pages,
            })
        });
        let options = SyncOptions {
            only: query.source.clone(),
            probes_only: query.probes_only,
            force_full: query.full,
            accept_shrink: query.accept_shrink,
            shrink_hold_pct: None,
            http,
        };
        // One sync at a time: a scheduled one and one asked for would share
        // no rate budget, and the older could overwrite the newer.
        let _running = self.sync_running.try_lock().map_err(|_| ApiError {
            code: ErrorCode::InvalidInput,
            message: "a sync is already running: wait for it to finish".into(),
        })?;
        // ... and across processes: the desktop app and cron's CLI share the
        // cache. A second sync waits for the first, then runs.
        let _lock = sightline_store::lock_sync(self.data_dir(), SYNC_LOCK_WAIT)?;
        let now = self.now();
        // The sync gets a runtime of its own, on a thread of its own, so that
        // it can be called from inside another runtime (the desktop's).
        let report = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime =
                        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(
                            |error| ApiError {
                                code: ErrorCode::Storage,
                                message: format!("could not start syncing: {error}"),
                            },
                        )?;
                    runtime
                        .block_on(sightline_sync::sync(&self.store, &config, lookup, now, &options, handler))
                        .map_err(|error| match error {
                            sightline_sync::SyncError::Config(error) => config_error(error.to_string()),
                            sightline_sync::SyncError::Store(error) => ApiError::from(error),
                            sightline_sync::SyncError::UnknownSource(_) => ApiError::not_found(error.to_string()),
                        })
                })
                .join()
                .unwrap_or_else(|_| {
                    Err(ApiError {
                        code: ErrorCode::Storage,
                        message: "the sync stopped unexpectedly; the previous data was kept".into(),
                    })
                })
        })?;
        self.ensure_assessed()?;
        // A weekly automatic backup, made while the sync lock is held. Its
        // failure (a full disk) is said, and does not undo the sync.
        let weekly = self.store().automatic_backup_if_older(chrono::Duration::days(7), now);
        let mut report = report;
        if let Err(error) = weekly {
            report.notices.push(format!("the weekly automatic backup could not be made: {error}"));
        }
        Ok(SyncSummary {
            sources: report
                .outcomes
                .into_iter()
                .map(|outcome| SyncSourceResult {
                    source: outcome.source_id,
                    ok: outcome.ok,
                    records: outcome.records as u32,
                    full: outcome.full,
                    reason: outcome.reason,
                    requests: outcome.requests,
                    pages: outcome.pages,
                    error: outcome.error,
                    warnings: outcome.warnings,
                    held: outcome.held,
                })
                .collect(),
            notices: report.notices,
            kept_sources: report.kept_sources,
        })
    }
}
