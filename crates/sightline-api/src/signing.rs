//! The signed, chained report archive. Each archived report's PDF is
//! signed with an Ed25519 key in the minisign format, so that anyone with a
//! copy checks it with the standard `minisign` tool and the public key
//! printed in the report; each archive entry records the hash of the entry
//! before it and is signed too, so that an entry altered, removed, inserted
//! or reordered in the database is found by `reports verify`.
//!
//! The secret key is made on first use and kept in the OS keychain, or
//! inside the encrypted cache in passphrase mode; it travels in backups.

use std::io::Cursor;
use std::path::Path;

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};
use sightline_domain::Secret;
use sightline_store::{KeyMode, Keychain, OsKeychain, entry_text, sha256_hex};

use crate::error::ErrorCode;
use crate::{ApiError, Sightline};

const SECRET_META: &str = "signing_key";
const PUBLIC_META: &str = "signing_public_key";

fn signing_error(message: impl Into<String>) -> ApiError {
    ApiError { code: ErrorCode::Storage, message: message.into() }
}

fn keychain_account(data_dir: &Path) -> String {
    sightline_store::keychain_account(data_dir, "signing-key")
}

/// Where a file's minisign signature sits: beside it, as `FILE.minisig`.
pub(crate) fn signature_path(file: &Path) -> std::path::PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".minisig");
    name.into()
}

/// A minisign key id as minisign prints it.
fn key_id(public: &PublicKey) -> String {
    let text = public.to_box().map(|boxed| boxed.into_string()).unwrap_or_default();
    text.lines().next().and_then(|line| line.rsplit(' ').next()).unwrap_or_default().to_string()
}

/// Reads a public key given as a `.pub` file or as the key itself.
fn parse_public_key(text: &str) -> Result<PublicKey, ApiError> {
    let text = text.trim();
    let parsed = if text.starts_with("untrusted comment:") {
        PublicKeyBox::from_string(text).and_then(PublicKeyBox::into_public_key)
    } else {
        PublicKey::from_base64(text)
    };
    parsed.map_err(|_| ApiError::invalid("that is not a minisign public key (a line starting RW, or a .pub file)"))
}

/// What `verify` found, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub summary: String,
    /// The archive entry the file is, if it is one.
    pub report: Option<i64>,
}

/// What `reports verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub entries: usize,
    pub signed: usize,
    /// One sentence per problem, naming the entry.
    pub problems: Vec<String>,
    /// The problems found with each entry, by report id (none: checked).
    pub by_entry: std::collections::BTreeMap<i64, Vec<String>>,
    /// Reports archived before reports were signed.
    pub unsigned: Vec<i64>,
    /// The archive's newest entry is not the last one archived: one was
    /// removed from the end.
    pub head_problem: Option<String>,
}

impl Sightline {
    /// The signing key if one has been made, without making one.
    fn stored_signing_key(&self) -> Result<Option<(SecretKey, PublicKey)>, ApiError> {
        let mode = self.store().key_mode();
        let stored = match mode {
            KeyMode::Passphrase => self.store().meta(SECRET_META)?,
            KeyMode::Keychain => OsKeychain
                .get(&keychain_account(self.data_dir()))
                .map_err(|error| {
                    signing_error(format!("the OS keychain could not be read for the signing key ({error:?})"))
                })?
                .map(|secret| secret.expose().to_string()),
        };
        let Some(text) = stored.filter(|text| !text.is_empty()) else { return Ok(None) };
        let secret = SecretKeyBox::from_string(&text)
            .and_then(SecretKeyBox::into_unencrypted_secret_key)
            .map_err(|error| signing_error(format!("the stored signing key cannot be read ({error})")))?;
        let public = PublicKey::from_secret_key(&secret)
            .map_err(|error| signing_error(format!("the stored signing key cannot be read ({error})")))?;
        Ok(Some((secret, public)))
    }

    /// The signing key, made on first use. The public key shown in Settings
    /// is kept in step with it.
    pub(crate) fn signing_key(&self) -> Result<(SecretKey, PublicKey), ApiError> {
        if let Some((secret, public)) = self.stored_signing_key()? {
            let text = public.to_box().map(|boxed| boxed.into_string()).unwrap_or_default();
            if self.store().meta(PUBLIC_META)?.as_deref() != Some(text.as_str()) {
                self.store().set_meta(PUBLIC_META, &text)?;
            }
            return Ok((secret, public));
        }
        let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair()
            .map_err(|error| signing_error(format!("could not make a signing key ({error})")))?;
        let text = sk
            .to_box(Some("Sightline report signing key"))
            .map_err(|error| signing_error(format!("could not keep the signing key ({error})")))?
            .to_string();
        self.keep_signing_key(&text)?;
        Ok((sk, pk))
    }

    /// Keeps a signing key (made here, or brought back by a restore).
    pub(crate) fn keep_signing_key(&self, text: &str) -> Result<(), ApiError> {
        let secret = SecretKeyBox::from_string(text)
            .and_then(SecretKeyBox::into_unencrypted_secret_key)
            .map_err(|error| signing_error(format!("the signing key cannot be read ({error})")))?;
        let public = PublicKey::from_secret_key(&secret)
            .and_then(|public| public.to_box())
            .map_err(|error| signing_error(format!("the signing key cannot be read ({error})")))?;
        let mode = self.store().key_mode();
        match mode {
            KeyMode::Passphrase => self.store().set_meta(SECRET_META, text)?,
            KeyMode::Keychain => OsKeychain
                .set(&keychain_account(self.data_dir()), &Secret::new(text))
                .map_err(|error| signing_error(format!("the OS keychain did not keep the signing key ({error:?})")))?,
        }
        self.store().set_meta(PUBLIC_META, &public.into_string())?;
        Ok(())
    }

    /// The signing key's text for a backup, in keychain mode (in passphrase
    /// mode it is inside the cache the backup copies).
    pub(crate) fn signing_key_for_backup(&self) -> Result<Option<String>, ApiError> {
        if self.store().key_mode() != KeyMode::Keychain {
            return Ok(None);
        }
        // A backup without the key could not sign again with it, and every
        // archived report would then look re-signed: say so, do not skip.
        let kept = OsKeychain.get(&keychain_account(self.data_dir())).map_err(|error| {
            signing_error(format!(
                "the OS keychain could not be read for the report signing key ({error:?}): unlock it and back up again; \
                 nothing was written"
            ))
        })?;
        Ok(kept.map(|secret| secret.expose().to_string()))
    }

    /// The public key (minisign's base64 line), once a report has been
    /// signed; none before.
    pub fn public_key(&self) -> Result<Option<String>, ApiError> {
        Ok(self.store().meta(PUBLIC_META)?.and_then(|text| text.lines().nth(1).map(str::to_string)))
    }

    /// The public key as a minisign `.pub` file's text (made if needed).
    pub fn public_key_file(&self) -> Result<String, ApiError> {
        let (_, public) = self.signing_key()?;
        public.to_box().map(|boxed| boxed.into_string()).map_err(|error| signing_error(error.to_string()))
    }

    pub(crate) fn sign(
        secret: &SecretKey,
        public: &PublicKey,
        bytes: &[u8],
        trusted: &str,
    ) -> Result<String, ApiError> {
        minisign::sign(Some(public), secret, Cursor::new(bytes), Some(trusted), Some("signature from Sightline"))
            .map(|signature| signature.into_string())
            .map_err(|error| signing_error(format!("could not sign the report ({error})")))
    }

    /// Checks a report file against its minisign signature and a public key
    /// (this archive's unless given), and says whether it is in this archive.
    pub fn verify_file(&self, file: &Path, signature: Option<&Path>, key: Option<&str>) -> Result<Verified, ApiError> {
        let bytes = std::fs::read(file)
            .map_err(|error| ApiError::invalid(format!("could not read {}: {error}", file.display())))?;
        let signature_path = signature.map(Path::to_path_buf).unwrap_or_else(|| signature_path(file));
        let signature_text = std::fs::read_to_string(&signature_path).map_err(|error| {
            ApiError::invalid(format!(
                "could not read the signature {}: {error}; give it with --sig",
                signature_path.display()
            ))
        })?;
        let signature = SignatureBox::from_string(&signature_text)
            .map_err(|_| ApiError::invalid(format!("{} is not a minisign signature", signature_path.display())))?;
        let public = match key {
            Some(text) => {
                let text = match std::fs::read_to_string(text) {
                    Ok(contents) => contents,
                    Err(_) => text.to_string(),
                };
                parse_public_key(&text)?
            }
            None => self.signing_key()?.1,
        };
        let id = key_id(&public);
        if let Err(error) = minisign::verify(&public, &signature, Cursor::new(&bytes), true, false, false) {
            let message = if error.to_string().contains("key id") {
                format!(
                    "{} was not signed with the key {id}: it was signed with another key, so it cannot be vouched \
                     for here",
                    file.display()
                )
            } else {
                format!(
                    "{} does not match its signature: it was changed after it was signed (or the signature belongs \
                     to another file); do not rely on it",
                    file.display()
                )
            };
            return Err(ApiError { code: ErrorCode::ReportAltered, message });
        }
        let sha = sha256_hex(&bytes);
        let archived = self.store().reports()?.into_iter().find(|report| report.sha256 == sha);
        let comment = signature.trusted_comment().unwrap_or_default();
        Ok(match archived {
            Some(report) => Verified {
                summary: format!(
                    "Valid: {} is report {} ({}) of this archive, unchanged since it was signed with key {id} ({comment}).",
                    file.display(),
                    report.id,
                    report.period
                ),
                report: Some(report.id),
            },
            None => Verified {
                summary: format!(
                    "The signature is valid (key {id}: {comment}), but {} is not in this archive.",
                    file.display()
                ),
                report: None,
            },
        })
    }

    /// Walks the archive's chain: every PDF's hash and signature, every
    /// snapshot's fingerprint, every entry's hash, link and signature.
    pub fn verify_archive(&self) -> Result<ChainCheck, ApiError> {
        let entries = self.store().chain_entries()?;
        let head = self.store().meta("archive_head")?;
        // Checked against the key that signs, not a copy of its public half
        // stored beside the entries, which whoever edits them could edit too.
        let public = self.stored_signing_key()?.map(|(_, public)| public);
        let mut problems = Vec::new();
        let mut by_entry = std::collections::BTreeMap::new();
        let mut unsigned = Vec::new();
        let mut previous: Option<String> = None;
        let mut signed = 0;
        for entry in &entries {
            let id = entry.id;
            let mut found = Vec::new();
            if sha256_hex(&entry.pdf) != entry.sha256 {
                found.push(format!("report {id} ({}): its PDF was changed after it was archived", entry.period));
            }
            // The charts' SVGs are not kept, so the fingerprint cannot be
            // computed again from the snapshot; the snapshot's own SHA-256
            // is in the entry hash instead, and its fingerprint must agree.
            match serde_json::from_str::<sightline_report::ReportSnapshot>(&entry.snapshot) {
                Ok(snapshot) if snapshot.fingerprint == entry.fingerprint => {}
                _ => found.push(format!(
                    "report {id} ({}): its data snapshot does not carry the fingerprint it was archived with",
                    entry.period
                )),
            }
            let Some(hash) = &entry.entry_hash else {
                unsigned.push(id);
                if previous.is_some() {
                    found.push(format!(
                        "report {id} ({}) carries no seal but follows sealed reports: it was inserted",
                        entry.period
                    ));
                }
                by_entry.insert(id, found.clone());
                problems.extend(found);
                continue;
            };
            signed += 1;
            let linked = entry.previous_entry.clone().unwrap_or_default();
            if linked != previous.clone().unwrap_or_default() {
                found.push(format!(
                    "report {id} ({}) does not follow the report before it in the archive: a report was removed, \
                     inserted or reordered before it",
                    entry.period
                ));
            }
            let text = entry_text(
                id,
                &entry.period,
                entry.created_at,
                &entry.sha256,
                &entry.snapshot,
                &entry.fingerprint,
                &linked,
            );
            if &sha256_hex(text.as_bytes()) != hash {
                found.push(format!(
                    "report {id} ({}): its archive entry (period, date, data snapshot or fingerprint) was changed",
                    entry.period
                ));
            }
            if public.is_none() {
                found.push(format!(
                    "report {id} ({}) is signed, but this Sightline holds no signing key to check it with: restore \
                     the backup that carries it",
                    entry.period
                ));
            }
            if let Some(public) = &public {
                let entry_signed =
                    entry.entry_signature.as_deref().and_then(|text| SignatureBox::from_string(text).ok());
                let entry_ok = entry_signed.is_some_and(|signature| {
                    minisign::verify(public, &signature, Cursor::new(hash.as_bytes()), true, false, false).is_ok()
                });
                if !entry_ok {
                    found.push(format!(
                        "report {id} ({}): its entry is not signed with this archive's key",
                        entry.period
                    ));
                }
                let pdf_signed = entry.signature.as_deref().and_then(|text| SignatureBox::from_string(text).ok());
                let pdf_ok = pdf_signed.is_some_and(|signature| {
                    minisign::verify(public, &signature, Cursor::new(&entry.pdf), true, false, false).is_ok()
                });
                if !pdf_ok {
                    found.push(format!("report {id} ({}): its PDF's signature does not match", entry.period));
                }
            }
            previous = Some(hash.clone());
            by_entry.insert(id, found.clone());
            problems.extend(found);
        }
        let mut head_problem = None;
        if head.is_some() && head != previous {
            let problem = "the newest report in the archive is not the last one that was archived: a report was \
                           removed from the end"
                .to_string();
            problems.push(problem.clone());
            head_problem = Some(problem);
        }
        Ok(ChainCheck { entries: entries.len(), signed, problems, by_entry, unsigned, head_problem })
    }
}
