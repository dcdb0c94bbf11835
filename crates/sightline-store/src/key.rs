//! Where the cache key comes from. The key is 32 random bytes kept in the OS
//! keychain; where there is no keychain, it is derived with Argon2id from a
//! passphrase, with the salt kept beside the cache. The key is never written
//! to disk in the clear.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sightline_domain::Secret;
use zeroize::Zeroizing;

use crate::StoreError;

/// The keychain service name every Sightline entry lives under.
pub const KEYCHAIN_SERVICE: &str = "sightline";

/// A raw 256-bit cache key.
pub(crate) type CacheKey = Zeroizing<[u8; 32]>;

/// Why the keychain could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeychainError {
    /// No keychain on this machine (no Secret Service, no D-Bus session), or
    /// it is locked and cannot prompt.
    Unavailable(String),
    /// The keychain answered with an error.
    Failed(String),
}

/// The OS keychain, behind a trait so that the key logic is tested without
/// one; [`OsKeychain`] is the real thing.
pub trait Keychain {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError>;
    fn set(&self, account: &str, secret: &Secret) -> Result<(), KeychainError>;
    fn delete(&self, account: &str) -> Result<(), KeychainError>;
}

/// The platform keychain through the `keyring` crate: Secret Service on
/// Linux, Keychain on macOS, Credential Manager on Windows.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeychain;

fn keychain_error(error: keyring::Error) -> KeychainError {
    match error {
        keyring::Error::PlatformFailure(inner) => KeychainError::Unavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => KeychainError::Unavailable(inner.to_string()),
        other => KeychainError::Failed(other.to_string()),
    }
}

impl Keychain for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        let entry = keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(keychain_error)?;
        match entry.get_password() {
            Ok(password) => Ok(Some(Secret::new(password))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keychain_error(error)),
        }
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), KeychainError> {
        let entry = keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(keychain_error)?;
        entry.set_password(secret.expose()).map_err(keychain_error)
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        let entry = keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(keychain_error)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(error)),
        }
    }
}

/// How to unlock the cache, as the user gave it.
#[derive(Debug, Default)]
pub struct Unlock {
    /// A passphrase from `SIGHTLINE_PASSPHRASE` or `SIGHTLINE_PASSPHRASE_FILE`.
    pub passphrase: Option<Secret>,
}

impl Unlock {
    /// Reads the passphrase the way restic does: the variable
    /// `SIGHTLINE_PASSPHRASE`, or the first line of the file named by
    /// `SIGHTLINE_PASSPHRASE_FILE`.
    pub fn from_env() -> Result<Unlock, StoreError> {
        if let Some(text) = std::env::var_os("SIGHTLINE_PASSPHRASE") {
            let text = text.to_string_lossy().into_owned();
            return Ok(Unlock { passphrase: non_empty(text) });
        }
        if let Some(path) = std::env::var_os("SIGHTLINE_PASSPHRASE_FILE") {
            let path = PathBuf::from(path);
            let text = std::fs::read_to_string(&path)
                .map_err(|error| StoreError::PassphraseFile { path: path.clone(), reason: error.to_string() })?;
            let first_line = text.lines().next().unwrap_or_default().to_string();
            return Ok(Unlock { passphrase: non_empty(first_line) });
        }
        Ok(Unlock { passphrase: None })
    }
}

fn non_empty(text: String) -> Option<Secret> {
    if text.is_empty() { None } else { Some(Secret::new(text)) }
}

/// Argon2id with 64 MiB of memory and 3 passes: about 0.3 s on a laptop,
/// paid once per process.
pub(crate) fn derive_key(passphrase: &Secret, salt: &[u8]) -> CacheKey {
    let params = Params::new(64 * 1024, 3, 1, Some(32)).expect("argon2 parameters are valid");
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.expose().as_bytes(), salt, key.as_mut())
        .expect("salt and output lengths are valid");
    key
}

pub(crate) fn random_bytes<const N: usize>() -> Zeroizing<[u8; N]> {
    let mut bytes = Zeroizing::new([0u8; N]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    bytes
}

pub(crate) fn encode_key(key: &CacheKey) -> Secret {
    Secret::new(hex::encode(key.as_ref()))
}

pub(crate) fn decode_key(secret: &Secret) -> Option<CacheKey> {
    let mut key = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(secret.expose(), key.as_mut()).ok()?;
    Some(key)
}

/// The keychain account of one secret of a data directory (`cache-key`,
/// `signing-key`, `source:<id>`): named after the folder's absolute path,
/// so that two data directories never share a secret.
pub fn keychain_account(data_dir: &Path, what: &str) -> String {
    let absolute = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    format!("{what}:{}", absolute.display())
}
