//! The Settings screen (thresholds and company-wide targets, time zone,
//! paper size, the idle lock) and unlocking the window after the lock.
//! Settings live in the encrypted cache; the time zone also in
//! `sightline.toml` where the company has one, so the two never disagree.

use std::collections::BTreeMap;

use sightline_engine::Settings;
use sightline_store::{KeyMode, OsKeychain, Store, Unlock};

use crate::dto::{LockInfo, SettingsInput, SettingsView, ThresholdRow, ThresholdUnit};
use crate::error::ErrorCode;
use crate::{ApiError, Secret, Sightline};

/// Minutes without use before the window locks, unless changed.
pub const DEFAULT_LOCK_MINUTES: u32 = 15;

/// The thresholds the Settings screen offers: key, name, what it does, unit.
const THRESHOLDS: &[(&str, &str, &str, ThresholdUnit)] = &[
    (
        "default_compliance_target_pct",
        "Requests answered and fixed in time",
        "The share of requests that must meet their contracted times, for vendors whose contract sets no share.",
        ThresholdUnit::Percent,
    ),
    (
        "sla_red_margin_points",
        "Red below the service-level target by",
        "How far below that share a vendor must fall before the flag turns red rather than amber.",
        ThresholdUnit::Points,
    ),
    (
        "patch_grace_days",
        "Days an urgent update may wait",
        "A computer missing a critical or security update for longer than this counts as behind.",
        ThresholdUnit::Days,
    ),
    (
        "patch_target_pct",
        "Computers up to date",
        "The share of managed computers that must be up to date.",
        ThresholdUnit::Percent,
    ),
    (
        "patch_red_pct",
        "Red below",
        "Below this share of computers up to date, the flag is red.",
        ThresholdUnit::Percent,
    ),
    (
        "vuln_critical_deadline_days",
        "Days to fix a critical weakness",
        "A critical security weakness open longer than this is overdue.",
        ThresholdUnit::Days,
    ),
    (
        "vuln_high_deadline_days",
        "Days to fix a high-risk weakness",
        "A high-risk security weakness open longer than this is overdue.",
        ThresholdUnit::Days,
    ),
    (
        "backup_target_pct",
        "Backups that succeed",
        "The share of backup runs that must complete without error.",
        ThresholdUnit::Percent,
    ),
    (
        "restore_test_amber_days",
        "Restore test due after",
        "Days after the last proof that a backup can be restored before it is flagged amber.",
        ThresholdUnit::Days,
    ),
    (
        "restore_test_red_days",
        "Restore test overdue after",
        "Days after the last proof that a backup can be restored before it is flagged red.",
        ThresholdUnit::Days,
    ),
    (
        "cert_amber_days",
        "Warn before a certificate expires",
        "Days before a website certificate expires that it is flagged amber.",
        ThresholdUnit::Days,
    ),
    (
        "cert_red_days",
        "Red before a certificate expires",
        "Days before expiry that the flag turns red.",
        ThresholdUnit::Days,
    ),
    (
        "coverage_target_pct",
        "Computers every security tool sees",
        "The share of computers that the management tool, endpoint protection and the scanner must all see.",
        ThresholdUnit::Percent,
    ),
    (
        "coverage_red_pct",
        "Red below",
        "Below this share of computers seen by every tool, the flag is red.",
        ThresholdUnit::Percent,
    ),
    (
        "mfa_target_pct",
        "Accounts with a second factor",
        "The share of enabled accounts in the company's directory that must have a second sign-in factor (MFA).",
        ThresholdUnit::Percent,
    ),
    (
        "mfa_red_pct",
        "Red below",
        "Below this share of accounts with a second factor, the flag is red.",
        ThresholdUnit::Percent,
    ),
    (
        "dormant_account_days",
        "An account is unused after",
        "Days without a sign-in after which an enabled account counts as dormant and is flagged.",
        ThresholdUnit::Days,
    ),
    (
        "csat_target_pct",
        "Satisfied staff",
        "The share of staff who must say they were satisfied.",
        ThresholdUnit::Percent,
    ),
    (
        "availability_target_pct",
        "Services up",
        "The share of time monitored services must be up.",
        ThresholdUnit::Percent,
    ),
    (
        "supplier_review_days",
        "Review each supplier every",
        "Days between supplier reviews before a vendor is flagged as overdue for one.",
        ThresholdUnit::Days,
    ),
    (
        "evidence_max_age_days",
        "A document with no expiry is out of date after",
        "Days after its date that a SOC 2 report or test with no expiry date no longer counts as current.",
        ThresholdUnit::Days,
    ),
    (
        "evidence_expiry_warning_days",
        "Warn before a document expires",
        "Days before a required document on file expires that it is flagged.",
        ThresholdUnit::Days,
    ),
    (
        "stale_amber_hours",
        "Warn when data is older than",
        "Hours since a source last synced before its figures are flagged as out of date.",
        ThresholdUnit::Hours,
    ),
];

fn settings_error(message: String) -> ApiError {
    ApiError { code: ErrorCode::Storage, message }
}

/// The stored threshold changes, by key.
fn overrides(store: &Store) -> Result<BTreeMap<String, f64>, ApiError> {
    Ok(store.meta("settings")?.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default())
}

fn number_of(settings: &Settings, key: &str) -> Option<f64> {
    serde_json::to_value(settings).ok()?.get(key)?.as_f64()
}

impl Sightline {
    /// The engine's settings: the defaults, the company's time zone and the
    /// thresholds changed on the Settings screen.
    pub(crate) fn settings(store: &Store) -> Result<Settings, ApiError> {
        let timezone = store.meta("timezone")?.unwrap_or_else(|| "UTC".to_string());
        let mut value = serde_json::to_value(Settings { timezone, ..Settings::default() })
            .map_err(|error| settings_error(error.to_string()))?;
        for (key, number) in overrides(store)? {
            if let Some(slot) = value.get_mut(&key) {
                // Whole-number settings (days) stay whole numbers.
                *slot = if slot.is_i64() || slot.is_u64() {
                    serde_json::Value::from(number.round() as i64)
                } else {
                    serde_json::Value::from(number)
                };
            }
        }
        if let Some(kinds) =
            store.meta("required_evidence")?.and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        {
            value["required_evidence"] = serde_json::Value::from(kinds);
        }
        serde_json::from_value(value)
            .map_err(|error| settings_error(format!("the stored settings cannot be read: {error}")))
    }

    /// The paper size reports use unless told otherwise.
    pub(crate) fn paper(&self) -> Result<String, ApiError> {
        Ok(self.store().meta("paper")?.unwrap_or_else(|| "a4".into()))
    }

    fn lock_minutes(&self) -> Result<u32, ApiError> {
        Ok(self.store().meta("lock_minutes")?.and_then(|text| text.parse().ok()).unwrap_or(DEFAULT_LOCK_MINUTES))
    }

    /// The Settings screen.
    pub fn settings_view(&self) -> Result<SettingsView, ApiError> {
        let (settings, key_mode, cache_file) = {
            let store = self.store();
            (Sightline::settings(&store)?, store.key_mode(), store.path().display().to_string())
        };
        let defaults = Settings::default();
        Ok(SettingsView {
            timezone: settings.timezone.clone(),
            paper: self.paper()?,
            lock_minutes: self.lock_minutes()?,
            data_dir: self.data_dir().display().to_string(),
            cache_file,
            key_mode: key_mode.as_str().into(),
            thresholds: THRESHOLDS
                .iter()
                .map(|(key, name, explanation, unit)| ThresholdRow {
                    key: (*key).into(),
                    name: (*name).into(),
                    explanation: (*explanation).into(),
                    value: number_of(&settings, key).unwrap_or_default(),
                    default: number_of(&defaults, key).unwrap_or_default(),
                    unit: *unit,
                })
                .collect(),
            backup_reminder_days: self.backup_reminder_days()?,
            backup: self.backup_status()?,
            signing_key: self.public_key()?,
            required_evidence: settings.required_evidence.clone(),
            evidence_kinds: sightline_domain::EvidenceKind::ALL
                .iter()
                .map(|kind| crate::dto::Choice { id: kind.as_str().into(), name: kind.plain_name().into() })
                .collect(),
        })
    }

    /// Saves the Settings screen; the figures and flags are recomputed
    /// with the new thresholds.
    pub fn save_settings(&self, input: &SettingsInput) -> Result<SettingsView, ApiError> {
        let timezone = input.timezone.trim();
        if timezone.parse::<sightline_domain::Tz>().is_err() {
            return Err(ApiError::invalid(format!(
                "'{timezone}' is not a time zone: use a name like Europe/London or America/New_York"
            )));
        }
        if !matches!(input.paper.as_str(), "a4" | "us-letter") {
            return Err(ApiError::invalid(format!("'{}' is not a paper size: use a4 or us-letter", input.paper)));
        }
        if input.backup_reminder_days.is_some_and(|days| days == 0 || days > 366) {
            return Err(ApiError::invalid("remind about backups after 1 to 366 days"));
        }
        // Checked before anything is written, so that a bad kind saves nothing.
        for kind in input.required_evidence.iter().flatten() {
            crate::onfile::kind_of(kind)
                .map_err(|error| ApiError::invalid(format!("{}; nothing was saved", error.message)))?;
        }
        if input.lock_minutes > 24 * 60 {
            return Err(ApiError::invalid("lock after at most 1,440 minutes (a day), or 0 never to lock"));
        }
        let mut changed = {
            let store = self.store();
            overrides(&store)?
        };
        for threshold in &input.thresholds {
            let Some((_, name, _, unit)) = THRESHOLDS.iter().find(|(key, ..)| *key == threshold.key) else {
                return Err(ApiError::invalid(format!("'{}' is not a setting Sightline knows", threshold.key)));
            };
            let value = threshold.value;
            if !value.is_finite() || value < 0.0 || (*unit == ThresholdUnit::Percent && value > 100.0) {
                let range = if *unit == ThresholdUnit::Percent { "between 0 and 100" } else { "zero or more" };
                return Err(ApiError::invalid(format!("{name} must be {range}; {value} was not saved")));
            }
            changed.insert(threshold.key.clone(), value);
        }
        if self.config_path().exists() {
            sightline_sync::set_timezone(self.config_path(), timezone)
                .map_err(|error| ApiError { code: ErrorCode::Config, message: error.to_string() })?;
        }
        {
            let store = self.store();
            store.set_meta("timezone", timezone)?;
            store.set_meta("paper", &input.paper)?;
            store.set_meta("lock_minutes", &input.lock_minutes.to_string())?;
            if let Some(days) = input.backup_reminder_days {
                store.set_meta("backup_reminder_days", &days.to_string())?;
            }
            let json = serde_json::to_string(&changed).map_err(|error| settings_error(error.to_string()))?;
            store.set_meta("settings", &json)?;
            // Every stored figure, of every period, was judged by the old
            // settings: all of them are worked out again.
            store.bump_data_version()?;
        }
        if let Some(kinds) = &input.required_evidence {
            self.set_required_evidence(kinds)?;
        }
        self.ensure_assessed()?;
        self.settings_view()
    }

    /// What the lock screen needs.
    pub fn lock_info(&self) -> Result<LockInfo, ApiError> {
        Ok(LockInfo {
            idle_minutes: self.lock_minutes()?,
            needs_passphrase: self.store().key_mode() == KeyMode::Passphrase,
        })
    }

    /// Unlocks the window: the cache must open again with the OS keychain's
    /// key, or with the passphrase given.
    pub fn unlock(&self, passphrase: Option<String>) -> Result<(), ApiError> {
        let needs_passphrase = self.store().key_mode() == KeyMode::Passphrase;
        let passphrase = passphrase.filter(|text| !text.is_empty());
        if needs_passphrase && passphrase.is_none() {
            return Err(ApiError {
                code: ErrorCode::PassphraseNeeded,
                message: "enter the passphrase to unlock".into(),
            });
        }
        let unlock = Unlock { passphrase: if needs_passphrase { passphrase.map(Secret::new) } else { None } };
        match Store::open(self.data_dir(), unlock, &OsKeychain) {
            Ok(_) => Ok(()),
            Err(sightline_store::StoreError::WrongKeyOrDamaged { .. }) => Err(ApiError {
                code: ErrorCode::PassphraseNeeded,
                message: "that passphrase does not open this company's data: try again".into(),
            }),
            Err(error) => Err(error.into()),
        }
    }
}
