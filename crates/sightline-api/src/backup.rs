//! Backup and restore: one encrypted file holding the cache, the
//! configuration and the credentials kept in the keychain, and bringing it
//! back on another machine. The format is the store's (`sightline_store`'s
//! backup module); this layer adds the files that live outside the cache.

use std::path::{Path, PathBuf};

use sightline_domain::Secret;
use sightline_store::{BackupFile, BackupKey, KeyMode, Keychain, OsKeychain};

use crate::dto::{BackupOutcome, BackupStatus};
use crate::report::long_date;
use crate::sync::keychain_account;
use crate::{ApiError, Sightline};

/// Days after the last backup before Settings reminds to make one.
pub const DEFAULT_BACKUP_REMINDER_DAYS: u32 = 30;

/// A backup passphrase shorter than this is refused: the file may travel.
const MIN_PASSPHRASE: usize = 8;
const CONFIG_ENTRY: &str = "sightline.toml";
const SECRET_PREFIX: &str = "secret:";
/// The report signing key, carried in keychain mode (in passphrase mode it
/// is inside the cache).
const SIGNING_ENTRY: &str = "signing-key";

/// What `backup` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupDone {
    pub path: PathBuf,
    pub bytes: u64,
    /// Credentials carried from the keychain.
    pub secrets: usize,
    pub config: bool,
}

/// What `restore` brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreDone {
    pub company: String,
    pub records: u64,
    pub reports: usize,
    pub secrets: usize,
    /// The configuration file written, if the backup held one.
    pub config: Option<PathBuf>,
    /// Where what the data folder held before was kept.
    pub previous: Vec<PathBuf>,
}

fn check_passphrase(passphrase: &Secret) -> Result<(), ApiError> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE {
        return Err(ApiError::invalid(format!(
            "a backup passphrase needs at least {MIN_PASSPHRASE} characters: the file may leave this machine; \
             nothing was written"
        )));
    }
    Ok(())
}

/// Checks a portable backup (its passphrase, every page) without writing
/// anything, so that a restore into a new folder creates nothing in vain.
pub fn check_backup(file: &Path, passphrase: &Secret) -> Result<(), ApiError> {
    Ok(sightline_store::check_backup(file, passphrase)?)
}

impl Sightline {
    /// Writes one encrypted file with the cache, the configuration file and
    /// the credentials the keychain holds, locked with `passphrase`.
    pub fn backup(&self, out: &Path, passphrase: &Secret) -> Result<BackupDone, ApiError> {
        check_passphrase(passphrase)?;
        let cache = self.store().path().to_path_buf();
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(out, &cache)
            || out.parent().is_some_and(|dir| same(dir, &self.data_dir().join(sightline_store::BACKUP_DIR)))
        {
            return Err(ApiError::invalid(format!(
                "{} is Sightline's own cache or its automatic backups' folder: write the backup somewhere else; \
                 nothing was written",
                out.display()
            )));
        }
        let mut files = Vec::new();
        let config = std::fs::read(self.config_path()).ok();
        if let Some(content) = &config {
            files.push(BackupFile { name: CONFIG_ENTRY.into(), content: content.clone() });
        }
        if let Some(key) = self.signing_key_for_backup()? {
            files.push(BackupFile { name: SIGNING_ENTRY.into(), content: key.into_bytes() });
        }
        let mut secrets = 0;
        if self.store().key_mode() == KeyMode::Keychain {
            // Bound first: a guard in a `for` head would be held through the
            // loop, and `lookup_secret` locks the store again.
            let sources = self.store().load_company()?.sources;
            for source in sources {
                let secret = self.lookup_secret(&source.id).map_err(ApiError::invalid)?;
                if let Some(secret) = secret {
                    files.push(BackupFile {
                        name: format!("{SECRET_PREFIX}{}", source.id),
                        content: secret.expose().as_bytes().to_vec(),
                    });
                    secrets += 1;
                }
            }
        }
        let bytes = self.store().write_backup(out, passphrase, &files)?;
        self.store().set_meta("last_backup_at", &self.now().to_rfc3339())?;
        Ok(BackupDone { path: out.to_path_buf(), bytes, secrets, config: config.is_some() })
    }

    /// Whether the cache holds anything a restore would replace.
    pub fn holds_company(&self) -> Result<bool, ApiError> {
        let store = self.store();
        let company = store.load_company()?;
        let records: u64 = store.record_counts()?.values().map(|count| u64::from(*count)).sum();
        Ok(!company.vendors.is_empty() || !company.sources.is_empty() || records > 0 || !store.reports()?.is_empty())
    }

    /// Brings back a backup into this data folder. A folder holding a
    /// company is refused unless `replace`; what it held is then kept as an
    /// automatic backup (and its configuration beside the new one). With
    /// no passphrase, `file` is taken for an automatic backup of this
    /// folder, keyed like the cache.
    pub fn restore(&self, file: &Path, passphrase: Option<&Secret>, replace: bool) -> Result<RestoreDone, ApiError> {
        if self.holds_company()? && !replace {
            let company = self.store().load_company()?.name;
            return Err(ApiError::invalid(format!(
                "{} already holds the company \"{company}\": nothing was changed. Restore into another folder with \
                 --data-dir, or add --replace (what it holds now is kept as an automatic backup)",
                self.data_dir().display()
            )));
        }
        let now = self.now();
        let restored = {
            let mut store = self.store();
            match passphrase {
                Some(passphrase) => store.restore_from(file, BackupKey::Passphrase(passphrase), now)?,
                // An automatic backup is keyed like the cache.
                None => store.restore_from(file, BackupKey::ThisCache, now)?,
            }
        };
        let mut previous: Vec<PathBuf> = restored.previous.into_iter().collect();
        let mut config = None;
        let mut secrets = 0;
        for carried in &restored.files {
            if carried.name == CONFIG_ENTRY {
                let path = self.config_path().to_path_buf();
                if let Ok(existing) = std::fs::read(&path)
                    && existing != carried.content
                {
                    let stamp = self.now().format("%Y%m%dT%H%M%SZ");
                    let aside = path.with_extension(format!("toml.before-restore-{stamp}"));
                    crate::report::write_whole(&aside, &existing)?;
                    previous.push(aside);
                }
                crate::report::write_whole(&path, &carried.content)?;
                config = Some(path);
            } else if carried.name == SIGNING_ENTRY {
                self.keep_signing_key(&String::from_utf8_lossy(&carried.content))?;
            } else if let Some(source_id) = carried.name.strip_prefix(SECRET_PREFIX) {
                let secret = Secret::new(String::from_utf8_lossy(&carried.content).into_owned());
                self.keep_secret(source_id, &secret)?;
                secrets += 1;
            }
        }
        // Credentials that were kept inside a passphrase-locked cache move
        // into this machine's keychain when it has one.
        if self.store().key_mode() == KeyMode::Keychain {
            let sources = self.store().load_company()?.sources;
            for source in sources {
                let inside = self.store().source_secret(&source.id)?;
                if let Some(secret) = inside {
                    self.keep_secret(&source.id, &secret)?;
                    self.store().delete_source_secret(&source.id)?;
                    secrets += 1;
                }
            }
        }
        // A signing key kept inside a passphrase-locked cache moves into
        // this machine's keychain when it has one.
        if self.store().key_mode() == KeyMode::Keychain {
            let inside = self.store().meta("signing_key")?.filter(|text| !text.is_empty());
            if let Some(text) = inside {
                self.keep_signing_key(&text)?;
                self.store().delete_meta("signing_key")?;
            }
        }
        self.reassess()?;
        let store = self.store();
        Ok(RestoreDone {
            company: store.load_company()?.name,
            records: store.record_counts()?.values().map(|count| u64::from(*count)).sum(),
            reports: store.reports()?.len(),
            secrets,
            config,
            previous,
        })
    }

    fn keep_secret(&self, source_id: &str, secret: &Secret) -> Result<(), ApiError> {
        let store = self.store();
        match store.key_mode() {
            KeyMode::Passphrase => Ok(store.set_source_secret(source_id, secret)?),
            KeyMode::Keychain => {
                OsKeychain.set(&keychain_account(self.data_dir(), source_id), secret).map_err(|error| {
                    ApiError::invalid(format!(
                        "the OS keychain did not take the credentials for {source_id} ({error:?}): enter them again \
                     with `sightline-cli secret set {source_id}`"
                    ))
                })
            }
        }
    }
}

impl Sightline {
    pub(crate) fn backup_reminder_days(&self) -> Result<u32, ApiError> {
        Ok(self
            .store()
            .meta("backup_reminder_days")?
            .and_then(|text| text.parse().ok())
            .unwrap_or(DEFAULT_BACKUP_REMINDER_DAYS))
    }

    /// When the data was last backed up, and whether a reminder is due.
    pub fn backup_status(&self) -> Result<BackupStatus, ApiError> {
        let last = self
            .store()
            .meta("last_backup_at")?
            .and_then(|text| chrono::DateTime::parse_from_rfc3339(&text).ok())
            .map(|at| at.with_timezone(&chrono::Utc));
        let remind_after = i64::from(self.backup_reminder_days()?);
        let automatic = sightline_store::automatic_backups(self.data_dir()).len() as u32;
        let (text, due) = match last {
            None => (
                "Never backed up: a backup is the only way to bring back your notes, contract settings and \
                      report archive on a new computer."
                    .to_string(),
                true,
            ),
            Some(at) => {
                let days = (self.now() - at).num_days().max(0);
                let ago = match days {
                    0 => "today".to_string(),
                    1 => "yesterday".to_string(),
                    days => format!("{days} days ago"),
                };
                let due = days >= remind_after;
                let text = if due {
                    format!("Last backed up on {} ({ago}): time for a new backup.", long_date(at))
                } else {
                    format!("Last backed up on {} ({ago}).", long_date(at))
                };
                (text, due)
            }
        };
        Ok(BackupStatus { text, due, automatic })
    }

    /// Backs up to the file `choose` picks (the desktop's save dialog);
    /// none when nothing was picked.
    pub fn backup_to_chosen(
        &self,
        passphrase: &Secret,
        choose: impl FnOnce() -> Option<PathBuf>,
    ) -> Result<Option<BackupOutcome>, ApiError> {
        check_passphrase(passphrase)?;
        let Some(path) = choose() else { return Ok(None) };
        let done = self.backup(&path, passphrase)?;
        Ok(Some(BackupOutcome {
            summary: format!(
                "Backed up to {} ({} KB). Keep the passphrase somewhere safe: without it the backup cannot be read.",
                done.path.display(),
                done.bytes.div_ceil(1024)
            ),
        }))
    }

    /// Restores the backup `choose` picks (the desktop's open dialog) over
    /// what the app holds, which is first kept as an automatic backup; none
    /// when nothing was picked.
    pub fn restore_chosen(
        &self,
        passphrase: &Secret,
        choose: impl FnOnce() -> Option<PathBuf>,
    ) -> Result<Option<BackupOutcome>, ApiError> {
        let Some(path) = choose() else { return Ok(None) };
        check_backup(&path, passphrase)?;
        let done = self.restore(&path, Some(passphrase), true)?;
        let kept = match done.previous.first() {
            Some(previous) => format!(" What was here before is kept in {}.", previous.display()),
            None => String::new(),
        };
        Ok(Some(BackupOutcome {
            summary: format!(
                "Restored \"{}\" from {}: {} records and {} archived report{}.{kept}",
                done.company,
                path.display(),
                done.records,
                done.reports,
                if done.reports == 1 { "" } else { "s" }
            ),
        }))
    }
}
