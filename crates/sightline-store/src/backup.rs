//! Backups. A backup is one SQLCipher 4 database (SQLCipher's own
//! `sqlcipher_export` of the cache) with one more table,
//! `sightline_backup (name, content)`, for what lives outside the cache
//! (the configuration file, credentials kept in the keychain).
//!
//! - A backup made with `backup --out` is keyed with a passphrase through
//!   SQLCipher's default key derivation (PBKDF2-HMAC-SHA512, 256,000
//!   iterations), so any SQLCipher 4 client opens it with `PRAGMA key =
//!   'passphrase'`; every page carries an HMAC, so a changed byte is
//!   refused.
//! - Automatic backups, in the data folder's `backups/`, are keyed with the
//!   cache's own key, made before an upgrade of the schema, before `demo
//!   --replace`, `forget` and `restore`, and weekly; the newest
//!   [`KEEP_AUTOMATIC`] are kept.
//!
//! Restoring imports the backup's tables into the cache in one transaction,
//! by column name, so a backup made by an older Sightline restores into a
//! newer schema.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sightline_domain::Secret;

use crate::migrations::SCHEMA_VERSION;
use crate::{Store, StoreError};

/// The folder of automatic backups inside a data folder.
pub const BACKUP_DIR: &str = "backups";
/// How many automatic backups are kept.
pub const KEEP_AUTOMATIC: usize = 5;
const FILES_TABLE: &str = "sightline_backup";

/// A file carried inside a backup besides the cache. Its `Debug` leaves
/// the content out: it may be a credential.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub name: String,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for BackupFile {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("BackupFile").field("name", &self.name).field("bytes", &self.content.len()).finish()
    }
}

/// How a backup file is unlocked.
#[derive(Debug)]
pub enum BackupKey<'a> {
    /// A portable backup's passphrase.
    Passphrase(&'a Secret),
    /// The cache's own key: an automatic backup of this data folder.
    ThisCache,
}

/// What a restore brought back besides the records.
#[derive(Debug)]
pub struct Restored {
    pub files: Vec<BackupFile>,
    /// The schema the backup was written with.
    pub schema: i64,
    /// The automatic backup of what the cache held before, if it held anything.
    pub previous: Option<PathBuf>,
}

impl Store {
    /// Writes a portable backup of the cache, with `files`, to `out`:
    /// whole or not at all (a temporary file beside it, renamed). Returns
    /// its size in bytes.
    pub fn write_backup(&self, out: &Path, passphrase: &Secret, files: &[BackupFile]) -> Result<u64, StoreError> {
        self.export_to(out, passphrase.expose(), files)
    }

    /// Writes an automatic backup into the data folder's `backups/`, keyed
    /// with the cache's own key, and keeps the newest [`KEEP_AUTOMATIC`].
    pub fn automatic_backup(&self, why: &str, at: DateTime<Utc>) -> Result<PathBuf, StoreError> {
        self.automatic_backup_keeping(why, at, None)
    }

    /// An automatic backup; rotation never removes the one just made nor
    /// `keep` (a backup being restored).
    fn automatic_backup_keeping(
        &self,
        why: &str,
        at: DateTime<Utc>,
        keep: Option<&Path>,
    ) -> Result<PathBuf, StoreError> {
        let dir = self.data_dir().join(BACKUP_DIR);
        crate::create_private_dir(&dir)
            .map_err(|error| StoreError::DataDir { path: dir.clone(), reason: error.to_string() })?;
        let path = dir.join(format!("cache-{}-{why}.sightline", at.format("%Y%m%dT%H%M%SZ")));
        let key = zeroize::Zeroizing::new(format!("x'{}'", hex::encode(self.key.as_ref())));
        self.export_to(&path, &key, &[])?;
        let same = |a: &Path, b: &Path| a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a));
        let mut existing: Vec<PathBuf> = automatic_backups(self.data_dir())
            .into_iter()
            .filter(|old| !same(old, &path) && keep.is_none_or(|keep| !same(old, keep)))
            .collect();
        let room = KEEP_AUTOMATIC.saturating_sub(1 + usize::from(keep.is_some()));
        while existing.len() > room {
            let oldest = existing.remove(0);
            let _ = std::fs::remove_file(oldest);
        }
        Ok(path)
    }

    /// An automatic backup unless one was made within `every`.
    pub fn automatic_backup_if_older(
        &self,
        every: chrono::Duration,
        at: DateTime<Utc>,
    ) -> Result<Option<PathBuf>, StoreError> {
        // The time is in the name: `cache-20261122T080000Z-weekly.sightline`.
        let newest = automatic_backups(self.data_dir()).last().and_then(|path| {
            let name = path.file_name()?.to_str()?;
            let stamp = name.strip_prefix("cache-")?.get(..16)?;
            chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ").ok().map(|at| at.and_utc())
        });
        if newest.is_some_and(|newest| at - newest < every) {
            return Ok(None);
        }
        self.automatic_backup("weekly", at).map(Some)
    }

    fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    fn export_to(&self, out: &Path, key: &str, files: &[BackupFile]) -> Result<u64, StoreError> {
        let dir = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let write_error =
            |error: std::io::Error| StoreError::DataDir { path: out.to_path_buf(), reason: error.to_string() };
        // Created owner-only and empty: SQLCipher attaches an empty file as a new database.
        let temporary =
            tempfile::Builder::new().prefix(".sightline-").suffix(".part").tempfile_in(dir).map_err(write_error)?;
        let temporary_path = temporary.path().to_string_lossy().into_owned();
        let schema = self.schema_version()?;
        let exported = (|| -> rusqlite::Result<()> {
            self.conn.execute("ATTACH DATABASE ?1 AS backup KEY ?2", params![temporary_path, key])?;
            self.conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))?;
            self.conn.pragma_update(Some("backup"), "user_version", schema)?;
            self.conn.execute_batch(&format!(
                "CREATE TABLE backup.{FILES_TABLE} (name TEXT PRIMARY KEY, content BLOB NOT NULL)"
            ))?;
            for file in files {
                self.conn.execute(
                    &format!("INSERT INTO backup.{FILES_TABLE} (name, content) VALUES (?1, ?2)"),
                    params![file.name, file.content],
                )?;
            }
            Ok(())
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE backup");
        exported?;
        detached?;
        temporary.as_file().sync_all().map_err(write_error)?;
        let size = temporary.as_file().metadata().map_err(write_error)?.len();
        temporary.persist(out).map_err(|error| write_error(error.error))?;
        Ok(size)
    }

    /// Brings back a backup into this cache, in one transaction: every
    /// table the backup holds replaces the cache's, column by column.
    /// What the cache held before is first kept as an automatic backup.
    pub fn restore_from(&mut self, file: &Path, key: BackupKey<'_>, at: DateTime<Utc>) -> Result<Restored, StoreError> {
        let key_text = match key {
            BackupKey::Passphrase(passphrase) => zeroize::Zeroizing::new(passphrase.expose().to_string()),
            BackupKey::ThisCache => zeroize::Zeroizing::new(format!("x'{}'", hex::encode(self.key.as_ref()))),
        };
        let (schema, files) = read_backup(file, &key_text)?;
        if schema > SCHEMA_VERSION {
            return Err(StoreError::TooNew { path: file.to_path_buf(), found: schema, known: SCHEMA_VERSION });
        }
        let holds_anything = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM vendors) OR EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM reports)
             OR EXISTS (SELECT 1 FROM acknowledgements) OR EXISTS (SELECT 1 FROM actions WHERE demo = 0)
             OR EXISTS (SELECT 1 FROM evidence WHERE demo = 0) OR EXISTS (SELECT 1 FROM supplier_reviews WHERE demo = 0)",
            [],
            |row| row.get::<_, bool>(0),
        )?;
        let previous =
            if holds_anything { Some(self.automatic_backup_keeping("before-restore", at, Some(file))?) } else { None };

        let file_text = file.to_string_lossy().into_owned();
        self.conn.execute("ATTACH DATABASE ?1 AS backup KEY ?2", params![file_text, key_text.as_str()])?;
        // A file that opens with the key but holds no cache (an empty
        // database) must not empty this one.
        let tables: rusqlite::Result<i64> = self.conn.query_row(
            "SELECT count(*) FROM backup.sqlite_master WHERE type = 'table' AND name IN ('vendors', 'tickets', 'meta')",
            [],
            |row| row.get(0),
        );
        let imported = match tables {
            Ok(3) => import_tables(&mut self.conn),
            Ok(_) => {
                Err(StoreError::BackupRefused { path: file.to_path_buf(), why: "it holds no Sightline cache".into() })
            }
            Err(error) => Err(error.into()),
        };
        let detached = self.conn.execute_batch("DETACH DATABASE backup");
        imported?;
        detached?;
        Ok(Restored { files, schema, previous })
    }
}

/// Opens a portable backup with its passphrase and checks every page,
/// writing nothing: a restore is refused before anything is created.
pub fn check_backup(file: &Path, passphrase: &Secret) -> Result<(), StoreError> {
    read_backup(file, passphrase.expose()).map(|_| ())
}

/// The automatic backups of a data folder, oldest first.
pub fn automatic_backups(data_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(data_dir.join(BACKUP_DIR))
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| {
                    path.file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(|name| name.starts_with("cache-") && name.ends_with(".sightline"))
                })
                .collect()
        })
        .unwrap_or_default();
    // The names begin with the time they were made.
    found.sort();
    found
}

/// Opens a backup with its key, checks every page, and reads its schema
/// version and carried files. Nothing is written to it.
fn read_backup(file: &Path, key: &str) -> Result<(i64, Vec<BackupFile>), StoreError> {
    let refused = |why: &str| StoreError::BackupRefused { path: file.to_path_buf(), why: why.to_string() };
    if !file.is_file() {
        return Err(refused("there is no such file"));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|_| refused("it cannot be opened"))?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|_| refused("it cannot be opened"))?;
    conn.pragma_update(None, "key", key).map_err(|_| refused("it cannot be opened"))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map_err(|_| {
        refused("the passphrase does not match, or it is not a Sightline backup, or it was changed at its start")
    })?;
    let mut statement = conn.prepare("PRAGMA cipher_integrity_check").map_err(|_| refused("it cannot be checked"))?;
    let damage: Vec<String> = statement
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|_| refused("it cannot be checked"))?;
    if !damage.is_empty() {
        return Err(refused(&format!("it was changed or damaged after it was made ({})", damage.join("; "))));
    }
    let schema: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let has_files: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [FILES_TABLE],
        |row| row.get(0),
    )?;
    let mut files = Vec::new();
    if has_files {
        let mut statement = conn.prepare(&format!("SELECT name, content FROM {FILES_TABLE} ORDER BY name"))?;
        for row in statement.query_map([], |row| Ok(BackupFile { name: row.get(0)?, content: row.get(1)? }))? {
            files.push(row?);
        }
    }
    Ok((schema, files))
}

fn columns(conn: &Connection, schema: &str, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare("SELECT name FROM pragma_table_info(?1, ?2)")?;
    let names = statement.query_map(params![table, schema], |row| row.get::<_, String>(0))?;
    names.collect()
}

/// Replaces every table of the cache with the attached backup's, by column
/// name, in one transaction.
fn import_tables(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    // The data version only moves forward: what was worked out from the
    // data before the restore (the stored results, views kept in memory)
    // must never match the restored data by an older number.
    let version_before: i64 = tx
        .query_row("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'", [], |row| row.get(0))
        .optional()?
        .unwrap_or(0);
    // The triggers that seal the report archive refuse deletes: a restore
    // replaces the archive whole (the previous one is in the automatic
    // backup made first), so they are lifted inside this transaction only.
    let triggers: Vec<(String, String)> = {
        let mut statement =
            tx.prepare("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER main.\"{name}\""))?;
    }
    let tables: Vec<String> = {
        let mut statement =
            tx.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
        let names = statement.query_map([], |row| row.get::<_, String>(0))?;
        names.collect::<rusqlite::Result<_>>()?
    };
    for table in &tables {
        tx.execute(&format!("DELETE FROM main.\"{table}\""), [])?;
        let theirs = columns(&tx, "backup", table)?;
        if theirs.is_empty() {
            continue;
        }
        let shared: Vec<String> = columns(&tx, "main", table)?
            .into_iter()
            .filter(|column| theirs.contains(column))
            .map(|column| format!("\"{column}\""))
            .collect();
        let list = shared.join(", ");
        tx.execute(&format!("INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM backup.\"{table}\""), [])?;
    }
    for (_, sql) in &triggers {
        tx.execute_batch(sql)?;
    }
    // Counted afresh: a backup of an older schema keeps no counts.
    crate::recount_sources(&tx)?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('data_version', ?1)
         ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), ?1)",
        [version_before],
    )?;
    crate::bump_data_version(&tx)?;
    tx.commit()?;
    Ok(())
}
