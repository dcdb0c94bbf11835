//! The encrypted cache: one SQLCipher database per data directory, its key
//! from the OS keychain (or a passphrase stretched with Argon2id), embedded
//! add-only migrations, and the queries the rest of Sightline needs. This is
//! the only crate that opens SQLite.

mod assessment;
mod company;
mod key;
mod migrations;
mod records;
mod reports;
mod sync;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sightline_domain::{Acknowledgement, MetricValue, Period, RecordBatch, StoredFlag};
use std::collections::HashMap;

pub use company::Company;
pub use key::{KEYCHAIN_SERVICE, Keychain, KeychainError, OsKeychain, Unlock};
pub use migrations::SCHEMA_VERSION;
pub use reports::{NewReport, StoredReport, Tampered, sha256_hex};
pub use sync::{SourceRun, SyncLogEntry, SyncState};

use key::{CacheKey, decode_key, derive_key, encode_key, keychain_account, random_bytes};

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
         is damaged; the file was left untouched"
    )]
    WrongKeyOrDamaged { path: PathBuf },
    #[error(
        "the cache at {path} was written by a newer Sightline (schema {found}, this one knows {known}): update Sightline"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("could not use the data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error("cache error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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

/// An open, unlocked cache.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    key_mode: KeyMode,
}

/// What `PRAGMA integrity_check` and SQLCipher's page check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityReport {
    pub problems: Vec<String>,
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

        let (key, key_mode) = if salt_path.exists() {
            let passphrase = unlock.passphrase.ok_or_else(|| StoreError::PassphraseNeeded { path: path.clone() })?;
            let salt = std::fs::read(&salt_path).map_err(data_dir_error)?;
            (derive_key(&passphrase, &salt), KeyMode::Passphrase)
        } else if exists {
            let account = keychain_account(data_dir);
            match keychain.get(&account) {
                Ok(Some(secret)) => {
                    let key = decode_key(&secret).ok_or_else(|| StoreError::Keychain {
                        reason: format!("the keychain entry for {} is not a cache key", path.display()),
                    })?;
                    (key, KeyMode::Keychain)
                }
                Ok(None) => return Err(StoreError::KeyMissing { path }),
                Err(KeychainError::Unavailable(reason)) => {
                    return Err(StoreError::KeychainUnavailable { path, reason });
                }
                Err(KeychainError::Failed(reason)) => return Err(StoreError::Keychain { reason }),
            }
        } else {
            std::fs::create_dir_all(data_dir).map_err(data_dir_error)?;
            if let Some(passphrase) = unlock.passphrase {
                let salt = random_bytes::<16>();
                std::fs::write(&salt_path, salt.as_ref()).map_err(data_dir_error)?;
                (derive_key(&passphrase, salt.as_ref()), KeyMode::Passphrase)
            } else {
                let key: CacheKey = random_bytes::<32>();
                let account = keychain_account(data_dir);
                match keychain.set(&account, &encode_key(&key)) {
                    Ok(()) => (key, KeyMode::Keychain),
                    Err(KeychainError::Unavailable(reason) | KeychainError::Failed(reason)) => {
                        return Err(StoreError::NoKeychainNoPassphrase { reason });
                    }
                }
            }
        };

        let conn = open_keyed(&path, &key, exists)?;
        let mut store = Store { conn, path, key_mode };
        store.configure()?;
        migrations::run_up_to(&mut store.conn, &store.path, schema)?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        // WAL lets the desktop app read while the CLI syncs; a large page
        // cache keeps decrypted pages around so encrypted reads match plain.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(())
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
    pub fn integrity_check(&self) -> Result<IntegrityReport, StoreError> {
        let mut problems = Vec::new();
        let mut statement = self.conn.prepare("PRAGMA integrity_check")?;
        for line in statement.query_map([], |row| row.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut statement = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        for line in statement.query_map([], |row| row.get::<_, String>(0))? {
            problems.push(line?);
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
        records::delete_source_records(&tx, source_id)?;
        records::insert_batch(&tx, batch)?;
        company::record_sync_success(&tx, source_id, batch.len(), finished_at)?;
        bump_data_version(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Every record in the cache.
    pub fn load_records(&self) -> Result<RecordBatch, StoreError> {
        Ok(records::load_batch(&self.conn)?)
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

    /// How many records each source holds in the cache.
    pub fn record_counts(&self) -> Result<HashMap<String, u32>, StoreError> {
        let mut counts = HashMap::new();
        for table in records::RECORD_TABLES {
            let mut statement =
                self.conn.prepare(&format!("SELECT source_id, COUNT(*) FROM {table} GROUP BY source_id"))?;
            let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?)))?;
            for row in rows {
                let (source, count) = row?;
                *counts.entry(source).or_insert(0) += count;
            }
        }
        Ok(counts)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Removes every vendor, source and record: used before the demo
    /// company is rebuilt.
    pub fn clear_all(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for table in records::RECORD_TABLES {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
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
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        // Acknowledgements are the user's own words: they stay, and attach
        // again to the same flags when the company is rebuilt.
        tx.execute("DELETE FROM meta WHERE key IN ('company_name', 'demo', 'assessed_for', 'assessed_version')", [])?;
        bump_data_version(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn bump_data_version(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('data_version', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )?;
    Ok(())
}

/// Opens the file and proves the key before anything is written to it.
fn open_keyed(path: &Path, key: &CacheKey, exists: bool) -> Result<Connection, StoreError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if !exists {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let wrong = || StoreError::WrongKeyOrDamaged { path: path.to_path_buf() };
    let conn = Connection::open_with_flags(path, flags).map_err(|_| wrong())?;
    // SQLCipher logs HMAC failures to stderr; the error below says it better.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|_| wrong())?;
    let hex_key = zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key.as_ref())));
    conn.execute_batch(&hex_key)?;
    // Reading the schema decrypts page 1: it fails with the wrong key or a
    // damaged header, before anything has been written.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map_err(|_| wrong())?;
    Ok(conn)
}
