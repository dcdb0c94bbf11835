//! The facade the desktop shell and the CLI call. Each public method is one
//! use case; it opens nothing itself beyond what `Sightline::open` holds,
//! and returns DTOs (the only types that cross the IPC boundary) or an
//! [`ApiError`] with a closed code and a plain message.

// First: its macro is used by name in the modules after it.
#[macro_use]
mod commands;

mod assessment;
mod backup;
mod bindings;
mod brief;
mod check;
mod claims;
mod contract;
mod demo;
mod disputes;
mod dto;
mod error;
mod export;
mod format;
mod kpis;
mod onfile;
mod overview;
mod report;
mod risks;
mod settings;
mod signing;
mod sources;
mod sync;
mod trends;
mod vendors;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use sightline_store::{OsKeychain, Store};

pub use backup::{BackupDone, DEFAULT_BACKUP_REMINDER_DAYS, RestoreDone, check_backup};
pub use bindings::typescript_bindings;
pub use dto::*;
pub use error::{ApiError, ErrorCode};
pub use export::{ExportDone, ExportFormat};
pub use format::{figure_beside, figure_text};
pub use settings::DEFAULT_LOCK_MINUTES;
pub use sightline_demo::Scale;
pub use sightline_domain::Secret;
pub use sightline_store::{BACKUP_DIR, CACHE_FILE, Unlock, automatic_backups};
pub use signing::{ChainCheck, Verified};

/// Where the data lives when no `--data-dir` or `SIGHTLINE_DATA_DIR` says
/// otherwise: the OS data directory (`~/.local/share/sightline` on Linux).
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("sightline")
}

/// The moment "now" for this process: `SIGHTLINE_NOW` (RFC 3339) when set,
/// so demos, reports and tests can be reproduced; the system clock
/// otherwise.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn from_env() -> Result<Clock, ApiError> {
        match std::env::var("SIGHTLINE_NOW") {
            Ok(text) if !text.is_empty() => {
                DateTime::parse_from_rfc3339(&text).map(|at| Clock::Fixed(at.with_timezone(&Utc))).map_err(|_| {
                    ApiError::invalid(format!(
                        "SIGHTLINE_NOW is '{text}', which is not a date and time: write it as 2026-11-22T08:00:00Z"
                    ))
                })
            }
            _ => Ok(Clock::System),
        }
    }

    pub fn now(self) -> DateTime<Utc> {
        match self {
            // The one place that reads the system clock.
            #[allow(clippy::disallowed_methods)]
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at,
        }
    }
}

/// An open company: its encrypted cache and the clock.
#[derive(Debug)]
pub struct Sightline {
    store: Mutex<Store>,
    data_dir: PathBuf,
    /// `sightline.toml`: in the data directory unless given elsewhere.
    config_path: PathBuf,
    clock: Clock,
    /// Held while a sync runs.
    sync_running: Mutex<()>,
    /// Held while the stored results are worked out again, so that reads
    /// arriving together (the window reads ahead on several threads) and
    /// the background refresh do it once, not once each.
    reassessing: Mutex<()>,
    /// Reads serve results that are only old (the period under way not
    /// moved on) while the desktop refreshes them in the background.
    serve_old_results: AtomicBool,
    /// The claims views served since the data or the stored results last
    /// changed: each is a month's records read again (`claims.rs`).
    claims_served: Mutex<claims::Served>,
}

/// The company in `dir`, opened with a passphrase and the clock fixed at
/// `at`: how the unit tests open one.
#[cfg(test)]
pub(crate) fn open_for_test(dir: &Path, at: DateTime<Utc>) -> Sightline {
    let unlock = Unlock { passphrase: Some(sightline_domain::Secret::new("unit tests")) };
    Sightline::open_with(dir, unlock, Clock::Fixed(at)).unwrap()
}

impl Sightline {
    /// Opens (or creates) the cache in `data_dir`, unlocking it with the OS
    /// keychain or the passphrase from the environment.
    pub fn open(data_dir: &Path, clock: Clock) -> Result<Sightline, ApiError> {
        let unlock = Unlock::from_env().map_err(ApiError::from)?;
        Sightline::open_with(data_dir, unlock, clock)
    }

    /// Opens (or creates) the cache in `data_dir` with the given unlock.
    pub fn open_with(data_dir: &Path, unlock: Unlock, clock: Clock) -> Result<Sightline, ApiError> {
        let store = Store::open(data_dir, unlock, &OsKeychain)?;
        let config_path = data_dir.join(sightline_sync::CONFIG_FILE);
        Ok(Sightline {
            store: Mutex::new(store),
            data_dir: data_dir.to_path_buf(),
            config_path,
            clock,
            sync_running: Mutex::new(()),
            reassessing: Mutex::new(()),
            serve_old_results: AtomicBool::new(false),
            claims_served: Mutex::default(),
        })
    }

    /// Lets reads serve stored results that are only old (over an hour,
    /// nothing changed since) at once, for an app that refreshes them in
    /// the background with [`Sightline::ensure_assessed`]. Results the
    /// records, company or settings changed are still recomputed first.
    pub fn serve_old_results(&self, on: bool) {
        self.serve_old_results.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Reads the company's configuration from `path` instead of the data
    /// directory's `sightline.toml`.
    pub fn with_config(mut self, path: PathBuf) -> Sightline {
        self.config_path = path;
        self
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half
        // written (every write is one transaction), so a poisoned lock is
        // safe to reuse.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What the desktop app holds for its whole life: the open company, or the
/// reason it could not be opened (shown in the window, with what to do).
#[derive(Debug)]
pub struct Desktop {
    opened: Result<Sightline, ApiError>,
}

impl Desktop {
    /// Opens the cache in `SIGHTLINE_DATA_DIR` or the OS data directory;
    /// on a first run with nothing configured, builds the demo company.
    pub fn start() -> Desktop {
        let data_dir = std::env::var_os("SIGHTLINE_DATA_DIR").map_or_else(default_data_dir, PathBuf::from);
        let opened = Clock::from_env().and_then(|clock| Sightline::open(&data_dir, clock)).and_then(|app| {
            // A configured company is shown as configured; with no
            // configuration, the demo company.
            if app.config_path().exists() {
                // A mistake in the file must not lock the executive out of
                // the data already in the cache: it is reported by a sync.
                if let Err(error) = app.apply_config() {
                    eprintln!("sightline: {error}");
                }
            } else {
                app.ensure_demo()?;
            }
            Ok(app)
        });
        Desktop { opened }
    }

    pub fn api(&self) -> Result<&Sightline, ApiError> {
        self.opened.as_ref().map_err(Clone::clone)
    }
}
