//! The encrypted cache: one SQLCipher database per data directory, its key
//! from the OS keychain (or a passphrase stretched with Argon2id), embedded
//! add-only migrations, and the queries the rest of Sightline needs. This is
//! the only crate that opens SQLite.

mod assessment;
mod backup;
mod company;
mod compare;
mod key;
mod migrations;
mod onfile;
mod records;
mod reports;
mod sync;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sightline_domain::{Acknowledgement, MetricValue, Period, RecordBatch, StoredFlag};
use std::collections::HashMap;

pub use backup::{BACKUP_DIR, BackupFile, BackupKey, KEEP_AUTOMATIC, Restored, automatic_backups, check_backup};
pub use company::Company;
pub use compare::CipherCost;
pub use key::{KEYCHAIN_SERVICE, Keychain, KeychainError, OsKeychain, Unlock, keychain_account};
pub use migrations::SCHEMA_VERSION;
pub use onfile::NewEvidence;
pub use records::RecordWindow;

pub use reports::{ChainEntry, ChainHead, EntrySeal, NewReport, StoredReport, Tampered, entry_text, sha256_hex};
pub use sync::{SourceRun, SyncLogEntry, SyncState};

use key::{CacheKey, decode_key, derive_key, encode_key, random_bytes};

/// The cache file inside a data directory.
pub const CACHE_FILE: &str = "cache.sightline";
/// The Argon2id salt beside the cache, present only in passphrase mode.
pub const SALT_FILE: &str = "cache.salt";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no OS keychain is available to keep the cache key ({reason}): set SIGHTLINE_PASSPHRASE, or \
         SIGHTLINE_PASSPHRASE_FILE to a file holding a passphrase, to lock the cache with a passphrase instead"
    )]
    NoKeychainNoPassphrase { reason: String },
    #[error(
        "the cache at {path} is locked with a passphrase: set SIGHTLINE_PASSPHRASE, or \
         SIGHTLINE_PASSPHRASE_FILE to a file holding it"
    )]
    PassphraseNeeded { path: PathBuf },
    #[error("could not read the passphrase file {path}: {reason}")]
    PassphraseFile { path: PathBuf, reason: String },
    #[error(
        "the key for the cache at {path} is kept in the OS keychain, which is not available ({reason}): \
         unlock the keychain and try again; the cache was left untouched"
    )]
    KeychainUnavailable { path: PathBuf, reason: String },
    #[error(
        "the OS keychain holds no key for the cache at {path}: it may have been made on another \
         account or machine; the cache was left untouched (move it aside to start afresh)"
    )]
    KeyMissing { path: PathBuf },
    #[error("the OS keychain failed: {reason}")]
    Keychain { reason: String },
    #[error(
        "the cache at {path} could not be opened: the key or passphrase does not match, or the file \
         is damaged; the file was left untouched. If the passphrase is right, move the file aside and bring \
         back a backup with `sightline-cli restore FILE`"
    )]
    WrongKeyOrDamaged { path: PathBuf },
    #[error(
        "the cache at {path} was written by a newer Sightline (schema {found}, this one knows {known}): update Sightline"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("could not use the data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error(
        "{path} cannot be written to ({why}): Sightline needs to write beside its cache; give your user \
         write access to it, or use a data folder of your own with --data-dir"
    )]
    ReadOnly { path: PathBuf, why: &'static str },
    #[error(
        "the cache file {path} is empty (0 bytes): it was never finished, or something emptied it. Nothing \
         was changed. Bring back a backup with `sightline-cli restore --replace FILE`, or move the file aside \
         to start afresh"
    )]
    EmptyFile { path: PathBuf },
    #[error(
        "the cache at {path} is locked with a passphrase, but its salt file {salt} is missing: without it \
         the passphrase cannot unlock the cache. Put the salt file back if you have a copy, or bring back \
         a backup made with `sightline-cli backup` (`sightline-cli restore --replace FILE`, after moving \
         the cache aside); nothing was changed"
    )]
    SaltMissing { path: PathBuf, salt: PathBuf },
    #[error(
        "the salt file {salt} is damaged ({found} bytes where there should be 16): without it the passphrase \
         cannot unlock the cache. Put the salt file back if you have a copy, or bring back a backup made \
         with `sightline-cli backup` (`sightline-cli restore --replace FILE`); nothing was changed"
    )]
    SaltDamaged { salt: PathBuf, found: u64 },
    #[error(
        "the disk holding the cache is full: the change was rolled back, nothing was half-written. Free some \
         space (at least as much again as the cache file) and try again"
    )]
    DiskFull,
    #[error(
        "the cache is damaged ({detail}): nothing more was written to it. `sightline-cli check` shows what is \
         damaged; bring back the latest backup with `sightline-cli restore --replace FILE` (automatic backups \
         are in the data folder's backups/)"
    )]
    Damaged { detail: String },
    #[error(
        "the cache was busy for more than 10 seconds (another Sightline process is writing to it): nothing \
         was changed; try again in a moment"
    )]
    Busy,
    #[error(
        "another sync of this cache is running (in the desktop app or another sightline-cli); this one \
         waited {waited_secs} s and did nothing: try again when it has finished"
    )]
    SyncRunning { waited_secs: u64 },
    #[error(
        "another report was archived at the same moment, so this one was not: make it again (its file, if \
         written, is complete but not in the archive)"
    )]
    ArchiveMoved,
    #[error("the backup {path} cannot be restored: {why}; nothing was changed")]
    BackupRefused { path: PathBuf, why: String },
    #[error("cache error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    /// SQLite's errors in the words a user can act on.
    fn from(error: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode as Code;
        match error.sqlite_error_code() {
            Some(Code::DiskFull) => StoreError::DiskFull,
            Some(Code::DatabaseCorrupt | Code::NotADatabase) => StoreError::Damaged { detail: error.to_string() },
            Some(Code::DatabaseBusy | Code::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(error),
        }
    }
}

/// How the cache key is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    Keychain,
    Passphrase,
}

impl KeyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyMode::Keychain => "OS keychain",
            KeyMode::Passphrase => "passphrase (Argon2id)",
        }
    }
}

/// The lock file a sync holds, beside the cache.
pub const SYNC_LOCK_FILE: &str = "sync.lock";

/// Held while a sync runs; see [`Store::lock_sync`].
#[derive(Debug)]
pub struct SyncLock {
    _file: std::fs::File,
}

/// An open, unlocked cache. Its `Debug` leaves the key out.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    key_mode: KeyMode,
    /// Kept for automatic backups, which are keyed like the cache.
    key: CacheKey,
}

/// A read-only connection to an unlocked cache ([`Store::reader`]), to
/// read on another thread than the store's.
pub struct Reader {
    conn: std::sync::Mutex<Connection>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Reader").finish_non_exhaustive()
    }
}

impl Reader {
    /// As [`Store::load_records_of`].
    pub fn load_records_of(
        &self,
        window: RecordWindow,
        kinds: &[sightline_domain::RecordKind],
        vendor: Option<&str>,
    ) -> Result<RecordBatch, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(records::load_batch(&conn, Some(window), records::Wanted { kinds, vendor })?)
    }
}

/// What `PRAGMA integrity_check` and SQLCipher's page check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegrityReport {
    pub problems: Vec<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Store")
            .field("path", &self.path)
            .field("key_mode", &self.key_mode)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the cache in `data_dir`, creating it (and its key) on first use.
    /// An existing file is never modified unless it opens with the key.
    pub fn open(data_dir: &Path, unlock: Unlock, keychain: &dyn Keychain) -> Result<Store, StoreError> {
        Store::open_at_schema(data_dir, unlock, keychain, SCHEMA_VERSION)
    }

    /// Opens the cache migrated only up to `schema`: for migration tests,
    /// which fill an older schema with data and then open it normally.
    #[doc(hidden)]
    pub fn open_at_schema(
        data_dir: &Path,
        unlock: Unlock,
        keychain: &dyn Keychain,
        schema: i64,
    ) -> Result<Store, StoreError> {
        let path = data_dir.join(CACHE_FILE);
        let salt_path = data_dir.join(SALT_FILE);
        let exists = path.exists();
        let data_dir_error =
            |error: std::io::Error| StoreError::DataDir { path: data_dir.to_path_buf(), reason: error.to_string() };
        if exists {
            check_cache_file(data_dir, &path)?;
        }

        let (key, key_mode) = if salt_path.exists() {
            let passphrase = unlock.passphrase.ok_or_else(|| StoreError::PassphraseNeeded { path: path.clone() })?;
            let salt = std::fs::read(&salt_path).map_err(data_dir_error)?;
            if salt.len() != SALT_LEN {
                return Err(StoreError::SaltDamaged { salt: salt_path, found: salt.len() as u64 });
            }
            (derive_key(&passphrase, &salt), KeyMode::Passphrase)
        } else if exists {
            let account = keychain_account(data_dir, "cache-key");
            let salt_missing = |unlock: &Unlock| {
                unlock
                    .passphrase
                    .is_some()
                    .then(|| StoreError::SaltMissing { path: path.clone(), salt: salt_path.clone() })
            };
            match keychain.get(&account) {
                Ok(Some(secret)) => {
                    let key = decode_key(&secret).ok_or_else(|| StoreError::Keychain {
                        reason: format!("the keychain entry for {} is not a cache key", path.display()),
                    })?;
                    (key, KeyMode::Keychain)
                }
                // A passphrase given for a cache with no salt beside it: the
                // salt is what is missing, not the keychain's entry.
                Ok(None) => return Err(salt_missing(&unlock).unwrap_or(StoreError::KeyMissing { path })),
                Err(KeychainError::Unavailable(reason)) => {
                    return Err(salt_missing(&unlock).unwrap_or(StoreError::KeychainUnavailable { path, reason }));
                }
                Err(KeychainError::Failed(reason)) => return Err(StoreError::Keychain { reason }),
            }
        } else {
            create_private_dir(data_dir).map_err(|error| match error.kind() {
                kind @ (std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem) => {
                    StoreError::ReadOnly { path: data_dir.to_path_buf(), why: read_only_why(kind) }
                }
                _ => data_dir_error(error),
            })?;
            check_writable(data_dir)?;
            if let Some(passphrase) = unlock.passphrase {
                let salt = random_bytes::<SALT_LEN>();
                write_private(&salt_path, salt.as_ref()).map_err(data_dir_error)?;
                (derive_key(&passphrase, salt.as_ref()), KeyMode::Passphrase)
            } else {
                // A key already kept for this folder (its cache was moved
                // aside) is used again: its automatic backups stay readable.
                let account = keychain_account(data_dir, "cache-key");
                if let Ok(Some(key)) = keychain.get(&account).map(|secret| secret.as_ref().and_then(decode_key)) {
                    (key, KeyMode::Keychain)
                } else {
                    let key: CacheKey = random_bytes::<32>();
                    match keychain.set(&account, &encode_key(&key)) {
                        Ok(()) => (key, KeyMode::Keychain),
                        Err(KeychainError::Unavailable(reason) | KeychainError::Failed(reason)) => {
                            return Err(StoreError::NoKeychainNoPassphrase { reason });
                        }
                    }
                }
            }
        };
        if !exists {
            // SQLite gives its -wal and -shm files the mode of the cache
            // file: created here, owner-only, all three are.
            write_private(&path, &[]).map_err(data_dir_error)?;
        }

        let conn = open_keyed(&path, &key)?;
        let mut store = Store { conn, path, key_mode, key };
        store.configure()?;
        let current = store.schema_version()?;
        if current > 0 && current < schema.min(SCHEMA_VERSION) {
            // An upgrade changes the file for good: keep it as it was first.
            // Named by when the cache was last written: the store takes no
            // clock of its own.
            let written = std::fs::metadata(&store.path)
                .and_then(|metadata| metadata.modified())
                .map(DateTime::<Utc>::from)
                .unwrap_or_default();
            store.automatic_backup(&format!("before-schema-{}", schema.min(SCHEMA_VERSION)), written)?;
        }
        migrations::run_up_to(&mut store.conn, &store.path, schema)?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        configure(&self.conn)
    }

    /// The raw connection, for migration tests that write an older schema.
    #[doc(hidden)]
    pub fn connection_for_tests(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn key_mode(&self) -> KeyMode {
        self.key_mode
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// Runs SQLite's structural check and SQLCipher's per-page HMAC check.
    /// A check that cannot finish because the file is damaged is itself a
    /// problem found, not an error.
    pub fn integrity_check(&self) -> Result<IntegrityReport, StoreError> {
        let mut problems = Vec::new();
        for (pragma, fine) in [("PRAGMA integrity_check", Some("ok")), ("PRAGMA cipher_integrity_check", None)] {
            let lines = (|| {
                let mut statement = self.conn.prepare(pragma)?;
                let lines = statement.query_map([], |row| row.get::<_, String>(0))?;
                lines.collect::<rusqlite::Result<Vec<String>>>()
            })();
            match lines {
                Ok(lines) => problems.extend(lines.into_iter().filter(|line| Some(line.as_str()) != fine)),
                Err(error) => match StoreError::from(error) {
                    StoreError::Damaged { detail } => problems.push(format!("the check could not finish: {detail}")),
                    other => return Err(other),
                },
            }
        }
        Ok(IntegrityReport { problems })
    }

    /// Replaces everything the company is (vendors, contracts, services)
    /// and the list of sources, in one transaction.
    pub fn replace_company(&mut self, company: &Company) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        company::replace(&tx, company)?;
        bump_data_version(&tx)?;
        tx.commit()?;
        Ok(())
    }

    pub fn load_company(&self) -> Result<Company, StoreError> {
        Ok(company::load(&self.conn)?)
    }

    /// Replaces every record of one source with `batch` and marks the run
    /// successful, in one transaction: it lands whole or not at all.
    pub fn replace_source_records(
        &mut self,
        source_id: &str,
        batch: &RecordBatch,
        finished_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let from = records::earliest_of_source(&tx, source_id)?;
        records::delete_source_records(&tx, source_id)?;
        records::insert_batch(&tx, batch)?;
        company::record_sync_success(&tx, source_id, batch.len(), finished_at)?;
        let from = from.into_iter().chain(records::earliest_in(batch)).chain([finished_at]).min();
        source_records_changed(&tx, source_id, from)?;
        tx.commit()?;
        Ok(())
    }

    /// Every record in the cache.
    pub fn load_records(&self) -> Result<RecordBatch, StoreError> {
        Ok(records::load_batch(&self.conn, None, records::Wanted::EVERYTHING)?)
    }

    /// The records the figures of a window's periods, and the rules at its
    /// end, are computed from: tickets created in it or open during it,
    /// weaknesses and missing patches open during it, backups, changes,
    /// surveys and availability in it (and each system's first backup), and
    /// every device, test and certificate. Through indexes: a month of a
    /// five-year history reads about a month's records.
    pub fn load_records_in(&self, window: RecordWindow) -> Result<RecordBatch, StoreError> {
        Ok(records::load_batch(&self.conn, Some(window), records::Wanted::EVERYTHING)?)
    }

    /// A second connection to the cache, read-only, for reading records
    /// on another thread while this one writes (WAL lets readers and one
    /// writer share the file): a recompute reads a quarter's tickets and
    /// its other records at once.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        let conn = open_keyed(&self.path, &self.key)?;
        conn.pragma_update(None, "query_only", true)?;
        // As the store's own connection: wait rather than fail while a
        // checkpoint holds the file, and keep sorts and temporary tables in
        // memory, never in clear on disk.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Each page of a quarter is read once: a small cache of its own
        // keeps readers inside the memory budget.
        conn.pragma_update(None, "cache_size", -4_096)?;
        Ok(Reader { conn: std::sync::Mutex::new(conn) })
    }

    /// [`Store::load_records_in`], of the `kinds` only and of one vendor
    /// only where one is given: what one figure is computed from (a
    /// drill-down reads no more).
    pub fn load_records_of(
        &self,
        window: RecordWindow,
        kinds: &[sightline_domain::RecordKind],
        vendor: Option<&str>,
    ) -> Result<RecordBatch, StoreError> {
        Ok(records::load_batch(&self.conn, Some(window), records::Wanted { kinds, vendor })?)
    }

    /// Each monitor's latest availability window from `source_id`: what a
    /// check's new sample may continue.
    pub fn latest_windows(&self, source_id: &str) -> Result<Vec<sightline_domain::Availability>, StoreError> {
        Ok(records::latest_windows(&self.conn, source_id)?)
    }

    /// One vendor's tickets created in `window`: all a ticket-by-ticket
    /// view of a period (the disputes) reads.
    pub fn tickets_created_in(
        &self,
        vendor_id: &str,
        window: RecordWindow,
    ) -> Result<Vec<sightline_domain::Ticket>, StoreError> {
        Ok(records::tickets_created(&self.conn, vendor_id, window)?)
    }

    /// The instant of the earliest record (a ticket's creation, a backup's
    /// start, ...), from which the history's periods run.
    pub fn earliest_record_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(records::earliest(&self.conn)?)
    }

    /// What stored figures are out of date since the last assessment.
    pub fn dirty(&self) -> Result<Option<Dirty>, StoreError> {
        Ok(read_dirty(&self.conn)?)
    }

    /// Stores the engine's results in one transaction, replacing the last.
    pub fn replace_assessment(
        &mut self,
        values: &[MetricValue],
        flags: &[StoredFlag],
        assessed_for: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        assessment::replace(&tx, values, flags, assessed_for)?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets every stored metric value (before all are computed again).
    pub fn clear_metric_values(&mut self) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM metric_values", [])?;
        Ok(())
    }

    /// Replaces the stored values of `periods` with `values`, in one
    /// transaction; the other periods' stay.
    pub fn replace_metric_values(&mut self, periods: &[Period], values: &[MetricValue]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        assessment::replace_values(&tx, periods, values)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the stored flags, records when and for which data version
    /// they were assessed, and forgets what was out of date when the data
    /// has not changed since `version` was read (a sync that landed
    /// meanwhile leaves its change to the next assessment).
    pub fn finish_assessment(
        &mut self,
        flags: &[StoredFlag],
        assessed_for: DateTime<Utc>,
        version: i64,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        assessment::replace_flags(&tx, flags, assessed_for)?;
        let current: i64 = tx
            .query_row("SELECT value FROM meta WHERE key = 'data_version'", [], |row| row.get::<_, String>(0))
            .optional()?
            .and_then(|text| text.parse().ok())
            .unwrap_or(0);
        if current == version {
            tx.execute("DELETE FROM meta WHERE key = 'dirty_from'", [])?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('assessed_version', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [version.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Stored metric values for `periods` (every period when empty).
    pub fn load_metric_values(&self, periods: &[Period]) -> Result<Vec<MetricValue>, StoreError> {
        Ok(assessment::load_values(&self.conn, periods)?)
    }

    pub fn load_flags(&self) -> Result<Vec<StoredFlag>, StoreError> {
        Ok(assessment::load_flags(&self.conn)?)
    }

    /// Records an executive's note on a flag. Kept for good: no sync or
    /// recomputation deletes it.
    pub fn acknowledge(&self, flag_id: &str, note: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        Ok(assessment::acknowledge(&self.conn, flag_id, note, at)?)
    }

    /// The latest acknowledgement of each flag, by flag id.
    pub fn acknowledgements(&self) -> Result<HashMap<String, Acknowledgement>, StoreError> {
        Ok(assessment::acknowledgements(&self.conn)?)
    }

    /// A number that changes whenever records or the company setup change,
    /// so that callers know when stored results need recomputing.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.meta("data_version")?.and_then(|text| text.parse().ok()).unwrap_or(0))
    }

    /// Moves whenever another connection to the file (the CLI from cron, a
    /// second window) commits a change; this connection's own writes leave
    /// it as it is (SQLite's `PRAGMA data_version`).
    pub fn outside_writes(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    /// How many records each source holds in the cache.
    /// Kept up to date by every write of a source's records, so that
    /// counting never reads the records.
    pub fn record_counts(&self) -> Result<HashMap<String, u32>, StoreError> {
        let mut statement = self.conn.prepare("SELECT source_id, records FROM source_counts WHERE records > 0")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    pub fn delete_meta(&self, key: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM meta WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Marks the cache's data as changed, so that stored results are
    /// recomputed (a setting the rules read changed).
    pub fn bump_data_version(&self) -> Result<(), StoreError> {
        Ok(bump_data_version(&self.conn)?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Replaces everything (vendors, sources, records, results) with
    /// `company` and its sources' records, in one transaction: a kill
    /// half-way leaves the previous company whole. Acknowledgements are the
    /// user's own words: they stay, and attach again to the same flags.
    pub fn replace_everything(
        &mut self,
        company: &Company,
        batches: &[(&str, &RecordBatch, DateTime<Utc>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        clear_everything(&tx)?;
        company::replace(&tx, company)?;
        for (source_id, batch, synced_at) in batches {
            records::insert_batch(&tx, batch)?;
            company::record_sync_success(&tx, source_id, batch.len(), *synced_at)?;
            source_records_changed(&tx, source_id, None)?;
        }
        bump_data_version(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// Removes every vendor, source, record and result (acknowledgements
    /// stay), in one transaction.
    pub fn clear_all(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        clear_everything(&tx)?;
        bump_data_version(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

/// Every vendor, source, record and result goes; acknowledgements, the
/// user's own words, stay and attach again to the same flags.
pub(crate) fn clear_everything(conn: &Connection) -> rusqlite::Result<()> {
    for table in records::RECORD_TABLES {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    for table in [
        "service_vendors",
        "services",
        "sla_targets",
        "contracts",
        "vendors",
        "sources",
        "sync_log",
        "sync_state",
        "source_sla",
        "source_hours",
        "metric_values",
        "flags",
    ] {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    conn.execute("DELETE FROM source_counts", [])?;
    conn.execute("DELETE FROM meta WHERE key IN ('company_name', 'demo', 'assessed_for', 'assessed_version')", [])?;
    onfile::clear_demo(conn)?;
    Ok(())
}

/// The settings every connection to a cache runs with (the plain copy of
/// the cipher comparison too).
fn configure(conn: &Connection) -> Result<(), StoreError> {
    // WAL lets the desktop app read while the CLI syncs; a large page
    // cache keeps decrypted pages around so encrypted reads match plain.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    // Temporary tables and sorts stay in memory: never a clear copy of
    // records on disk.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

/// Takes the data folder's sync lock, which one process at a time
/// holds (the desktop app, cron's CLI): another sync waits up to
/// `wait` for it, then says one is running. Released when dropped, or
/// by the system when the holder dies. Taken without the store: waiting
/// for it must not keep the cache from readers.
pub fn lock_sync(data_dir: &Path, wait: std::time::Duration) -> Result<SyncLock, StoreError> {
    let lock_path = data_dir.join(SYNC_LOCK_FILE);
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&lock_path)
        .map_err(|error| StoreError::DataDir { path: lock_path.clone(), reason: error.to_string() })?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(SyncLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::SyncRunning { waited_secs: started.elapsed().as_secs() });
            }
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(StoreError::DataDir { path: lock_path, reason: error.to_string() });
            }
        }
    }
}

/// Marks the cache's data as changed in a way that may touch any period's
/// figures (the company, its contracts, the settings): every stored figure
/// is recomputed.
pub(crate) fn bump_data_version(conn: &Connection) -> rusqlite::Result<()> {
    mark_dirty(conn, Dirty::All)
}

/// Marks the data as changed without touching a past period's figures
/// (documents on file, the review log: the rules read them at now).
pub(crate) fn bump_version(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('data_version', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )?;
    Ok(())
}

/// Which stored figures a change made out of date: every period's, or
/// those of the periods that end after an instant (a record's figures
/// start at its own instant: a ticket counts from its creation on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dirty {
    All,
    From(DateTime<Utc>),
}

impl Dirty {
    fn merge(self, other: Dirty) -> Dirty {
        match (self, other) {
            (Dirty::From(a), Dirty::From(b)) => Dirty::From(a.min(b)),
            _ => Dirty::All,
        }
    }
}

fn read_dirty(conn: &Connection) -> rusqlite::Result<Option<Dirty>> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'dirty_from'", [], |row| row.get(0)).optional()?;
    Ok(text.map(|text| match text.parse::<i64>().ok().and_then(|seconds| DateTime::from_timestamp(seconds, 0)) {
        Some(at) => Dirty::From(at),
        None => Dirty::All,
    }))
}

/// Bumps the data version and widens what must be recomputed by `dirty`.
pub(crate) fn mark_dirty(conn: &Connection, dirty: Dirty) -> rusqlite::Result<()> {
    bump_version(conn)?;
    let merged = read_dirty(conn)?.map_or(dirty, |known| known.merge(dirty));
    let text = match merged {
        Dirty::All => "all".to_string(),
        Dirty::From(at) => at.timestamp().to_string(),
    };
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('dirty_from', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [text],
    )?;
    Ok(())
}

/// Counts every source's records afresh, from the tables.
pub(crate) fn recount_sources(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM source_counts", [])?;
    let counts: Vec<String> = records::RECORD_TABLES
        .iter()
        .map(|table| format!("SELECT source_id, COUNT(*) AS n FROM {table} GROUP BY source_id"))
        .collect();
    conn.execute(
        &format!(
            "INSERT INTO source_counts (source_id, records) SELECT source_id, SUM(n) FROM ({}) GROUP BY source_id",
            counts.join(" UNION ALL ")
        ),
        [],
    )?;
    Ok(())
}

/// Records of `source_id` changed: widens what must be recomputed to the
/// periods from `from` on (nothing when no record did), and keeps the
/// source's count of records.
pub(crate) fn source_records_changed(
    conn: &Connection,
    source_id: &str,
    from: Option<DateTime<Utc>>,
) -> rusqlite::Result<()> {
    match from {
        Some(at) => mark_dirty(conn, Dirty::From(at))?,
        None => bump_version(conn)?,
    }
    let count = records::count_source(conn, source_id)?;
    conn.execute(
        "INSERT INTO source_counts (source_id, records) VALUES (?1, ?2)
         ON CONFLICT(source_id) DO UPDATE SET records = excluded.records",
        params![source_id, count as i64],
    )?;
    Ok(())
}

/// The Argon2id salt's length in bytes.
const SALT_LEN: usize = 16;

/// Refuses, in words, a cache file that cannot be what it should: empty,
/// or in a folder or file this user may not write.
fn check_cache_file(data_dir: &Path, path: &Path) -> Result<(), StoreError> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| StoreError::DataDir { path: path.to_path_buf(), reason: error.to_string() })?;
    if metadata.len() == 0 {
        return Err(StoreError::EmptyFile { path: path.to_path_buf() });
    }
    if let Err(error) = std::fs::OpenOptions::new().write(true).open(path)
        && matches!(error.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
    {
        return Err(StoreError::ReadOnly { path: path.to_path_buf(), why: read_only_why(error.kind()) });
    }
    check_writable(data_dir)
}

fn read_only_why(kind: std::io::ErrorKind) -> &'static str {
    if kind == std::io::ErrorKind::ReadOnlyFilesystem {
        "the disk it is on is mounted read-only"
    } else {
        "this user may not write to it"
    }
}

/// The write-ahead log is written beside the cache: the folder must take a
/// new file. Proven by making (and removing) one.
fn check_writable(data_dir: &Path) -> Result<(), StoreError> {
    let probe = data_dir.join(format!(".sightline-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(StoreError::ReadOnly { path: data_dir.to_path_buf(), why: read_only_why(error.kind()) })
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(StoreError::DataDir { path: data_dir.to_path_buf(), reason: error.to_string() }),
    }
}

/// Creates the data folder readable by its owner only.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes a new file readable by its owner only (cache, salt, backups).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens the file and proves the key before anything is written to it.
fn open_keyed(path: &Path, key: &CacheKey) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let wrong = || StoreError::WrongKeyOrDamaged { path: path.to_path_buf() };
    let mut conn = Connection::open_with_flags(path, flags).map_err(|_| wrong())?;
    // Every write transaction takes the write lock when it begins: a
    // deferred one that read first would fail at once ("database is
    // locked") if another process wrote in between, busy timeout or not.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    // SQLCipher logs HMAC failures to stderr; the error below says it better.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|_| wrong())?;
    let hex_key = zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key.as_ref())));
    conn.execute_batch(&hex_key)?;
    // Reading the schema decrypts page 1: it fails with the wrong key or a
    // damaged header, before anything has been written.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map_err(|_| wrong())?;
    Ok(conn)
}
