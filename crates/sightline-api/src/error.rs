//! The error every use case returns: a closed code the UI can act on and a
//! message in plain words that says what failed and what to do.

use serde::Serialize;
use sightline_store::StoreError;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The cache needs a passphrase that was not given.
    PassphraseNeeded,
    /// No keychain and no passphrase, or the keychain is locked.
    KeychainUnavailable,
    /// The key does not open the cache, or the file is damaged.
    CannotOpenCache,
    /// The key is right but the cache file is empty or damaged: a backup
    /// brings it back (`restore --replace` sets it aside).
    CacheDamaged,
    /// The input (a period, a vendor id) is not valid.
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// Reading or writing the cache failed.
    Storage,
    /// `sightline.toml` is missing or has problems.
    Config,
    /// The OS keychain refused to store or read a source's credentials.
    Secret,
    /// A stored report's bytes no longer match the fingerprint recorded
    /// when it was made.
    ReportAltered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError { code: ErrorCode::InvalidInput, message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError { code: ErrorCode::NotFound, message: message.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        let code = match &error {
            StoreError::PassphraseNeeded { .. } | StoreError::PassphraseFile { .. } => ErrorCode::PassphraseNeeded,
            StoreError::NoKeychainNoPassphrase { .. }
            | StoreError::KeychainUnavailable { .. }
            | StoreError::KeyMissing { .. }
            | StoreError::Keychain { .. } => ErrorCode::KeychainUnavailable,
            StoreError::WrongKeyOrDamaged { .. }
            | StoreError::TooNew { .. }
            | StoreError::SaltMissing { .. }
            | StoreError::SaltDamaged { .. }
            | StoreError::BackupRefused { .. } => ErrorCode::CannotOpenCache,
            StoreError::EmptyFile { .. } | StoreError::Damaged { .. } => ErrorCode::CacheDamaged,
            StoreError::DataDir { .. }
            | StoreError::ReadOnly { .. }
            | StoreError::DiskFull
            | StoreError::Busy
            | StoreError::SyncRunning { .. }
            | StoreError::ArchiveMoved
            | StoreError::Sqlite(_) => ErrorCode::Storage,
        };
        ApiError { code, message: error.to_string() }
    }
}
