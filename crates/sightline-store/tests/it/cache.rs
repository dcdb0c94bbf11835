//! The encrypted cache on a real file on disk: it is encrypted, it does not
//! open without its key, and a wrong key or a damaged file never changes a
//! byte of it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};
use sightline_domain::Secret;
use sightline_store::{CACHE_FILE, Company, KeyMode, Keychain, KeychainError, SALT_FILE, Store, StoreError, Unlock};

/// An in-memory keychain; `available: false` behaves like a machine with
/// no Secret Service.
struct FakeKeychain {
    available: bool,
    entries: Mutex<HashMap<String, String>>,
}

impl FakeKeychain {
    fn new() -> FakeKeychain {
        FakeKeychain { available: true, entries: Mutex::new(HashMap::new()) }
    }

    fn unavailable() -> FakeKeychain {
        FakeKeychain { available: false, entries: Mutex::new(HashMap::new()) }
    }

    fn check(&self) -> Result<(), KeychainError> {
        if self.available { Ok(()) } else { Err(KeychainError::Unavailable("no Secret Service on the bus".into())) }
    }
}

impl Keychain for FakeKeychain {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(account).map(|text| Secret::new(text.clone())))
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), KeychainError> {
        self.check()?;
        self.entries.lock().unwrap().insert(account.to_string(), secret.expose().to_string());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.check()?;
        self.entries.lock().unwrap().remove(account);
        Ok(())
    }
}

fn passphrase(text: &str) -> Unlock {
    Unlock { passphrase: Some(Secret::new(text)) }
}

fn no_passphrase() -> Unlock {
    Unlock { passphrase: None }
}

/// Fills a store with the demo company, as the app does on a first run.
fn fill_with_demo(store: &mut Store) {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
    let demo = sightline_demo::generate(now);
    store
        .replace_company(&Company {
            name: demo.name.clone(),
            demo: true,
            vendors: demo.vendors.clone(),
            contracts: demo.contracts.clone(),
            services: demo.services.clone(),
            sources: demo.sources.clone(),
        })
        .unwrap();
    for (source_id, batch) in &demo.batches {
        store.replace_source_records(source_id, batch, now).unwrap();
    }
}

fn fingerprint(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_file_on_disk_is_encrypted_and_names_no_vendor() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap();
    assert_eq!(store.key_mode(), KeyMode::Passphrase);
    fill_with_demo(&mut store);
    drop(store);

    let bytes = std::fs::read(dir.path().join(CACHE_FILE)).unwrap();
    assert!(bytes.len() > 1_000_000, "the demo cache holds megabytes, not {} bytes", bytes.len());
    assert!(!bytes.starts_with(b"SQLite format 3\0"), "the file starts with a plain SQLite header");
    let text = String::from_utf8_lossy(&bytes);
    for name in ["Bluepeak", "Stratus", "Sentinel Forge", "Harbor & Finch", "Internal IT", "harborfinch"] {
        assert!(!text.contains(name), "the cache contains '{name}' in clear");
    }
    // Closing the last connection checkpoints the write-ahead log away.
    assert_eq!(listing(dir.path()), [SALT_FILE, CACHE_FILE]);
}

#[test]
fn plain_sqlite_cannot_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap();
    fill_with_demo(&mut store);
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(CACHE_FILE)).unwrap();
    let error = conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).unwrap_err();
    assert_eq!(error.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase));
}

#[test]
fn it_does_not_open_without_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap());
    let error = Store::open(dir.path(), no_passphrase(), &FakeKeychain::new()).unwrap_err();
    assert!(matches!(error, StoreError::PassphraseNeeded { .. }), "{error:?}");
    assert!(error.to_string().contains("set SIGHTLINE_PASSPHRASE"), "{error}");
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap();
    fill_with_demo(&mut store);
    drop(store);
    let path = dir.path().join(CACHE_FILE);
    let (before, files) = (fingerprint(&path), listing(dir.path()));

    let error = Store::open(dir.path(), passphrase("battery staple"), &FakeKeychain::unavailable()).unwrap_err();
    assert!(matches!(error, StoreError::WrongKeyOrDamaged { .. }), "{error:?}");
    assert!(error.to_string().contains("the file was left untouched"), "{error}");
    assert_eq!(fingerprint(&path), before);
    assert_eq!(listing(dir.path()), files);

    // The right passphrase still opens it, with everything in place.
    let store = Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap();
    assert_eq!(store.load_company().unwrap().vendors.len(), 4);
}

#[test]
fn a_damaged_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap();
    fill_with_demo(&mut store);
    drop(store);
    let path = dir.path().join(CACHE_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    for byte in &mut bytes[..4096] {
        *byte = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let before = fingerprint(&path);

    let error = Store::open(dir.path(), passphrase("correct horse"), &FakeKeychain::unavailable()).unwrap_err();
    assert!(matches!(error, StoreError::WrongKeyOrDamaged { .. }), "{error:?}");
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn with_a_keychain_the_key_is_random_and_kept_there() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = FakeKeychain::new();
    let mut store = Store::open(dir.path(), no_passphrase(), &keychain).unwrap();
    assert_eq!(store.key_mode(), KeyMode::Keychain);
    fill_with_demo(&mut store);
    drop(store);
    assert_eq!(listing(dir.path()), [CACHE_FILE], "no salt file in keychain mode");
    {
        let entries = keychain.entries.lock().unwrap();
        assert_eq!(entries.len(), 1);
        let (account, key) = entries.iter().next().unwrap();
        assert!(account.starts_with("cache-key:"), "{account}");
        assert_eq!(key.len(), 64, "a 256-bit key in hex");
    }

    let store = Store::open(dir.path(), no_passphrase(), &keychain).unwrap();
    assert_eq!(store.load_company().unwrap().name, "Harbor & Finch Logistics");
    drop(store);

    // Another machine's keychain has no entry: refused, file untouched.
    let path = dir.path().join(CACHE_FILE);
    let before = fingerprint(&path);
    let error = Store::open(dir.path(), no_passphrase(), &FakeKeychain::new()).unwrap_err();
    assert!(matches!(error, StoreError::KeyMissing { .. }), "{error:?}");
    let error = Store::open(dir.path(), no_passphrase(), &FakeKeychain::unavailable()).unwrap_err();
    assert!(matches!(error, StoreError::KeychainUnavailable { .. }), "{error:?}");
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn no_keychain_and_no_passphrase_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let error = Store::open(dir.path(), no_passphrase(), &FakeKeychain::unavailable()).unwrap_err();
    assert!(matches!(error, StoreError::NoKeychainNoPassphrase { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("SIGHTLINE_PASSPHRASE") && message.contains("SIGHTLINE_PASSPHRASE_FILE"), "{message}");
    assert!(!dir.path().join(CACHE_FILE).exists(), "no cache is made without a key");
}

#[test]
fn records_come_back_as_they_were_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("pw"), &FakeKeychain::unavailable()).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
    let demo = sightline_demo::generate(now);
    let company = Company {
        name: demo.name.clone(),
        demo: true,
        vendors: demo.vendors.clone(),
        contracts: demo.contracts.clone(),
        services: demo.services.clone(),
        sources: demo.sources.clone(),
    };
    store.replace_company(&company).unwrap();
    let (source_id, batch) = &demo.batches[2];
    assert_eq!(source_id, "stratus-ops");
    store.replace_source_records(source_id, batch, now).unwrap();

    let loaded = store.load_records().unwrap();
    assert_eq!(loaded.len(), batch.len());
    // The store returns records in time order; the generator writes them
    // per system.
    let mut backups = batch.backups.clone();
    backups.sort_by(|a, b| (a.started_at, &a.provenance.record_id).cmp(&(b.started_at, &b.provenance.record_id)));
    assert_eq!(loaded.backups, backups);
    let mut restore_tests = batch.restore_tests.clone();
    restore_tests.sort_by(|a, b| (a.tested_at, &a.provenance.record_id).cmp(&(b.tested_at, &b.provenance.record_id)));
    assert_eq!(loaded.restore_tests, restore_tests);
    let mut resilience_tests = batch.resilience_tests.clone();
    resilience_tests.sort_by_key(|test| test.tested_at);
    assert_eq!(loaded.resilience_tests, resilience_tests);
    let mut tickets = batch.tickets.clone();
    tickets.sort_by(|a, b| (a.created_at, &a.provenance.record_id).cmp(&(b.created_at, &b.provenance.record_id)));
    assert_eq!(loaded.tickets, tickets);

    let mut loaded_company = store.load_company().unwrap();
    let mut expected = company.clone();
    for source in expected.sources.iter_mut().filter(|source| &source.id == source_id) {
        source.last_success_at = Some(now);
        source.last_attempt_at = Some(now);
    }
    loaded_company.sources.sort_by(|a, b| a.id.cmp(&b.id));
    expected.sources.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(loaded_company.sources, expected.sources);
    assert_eq!(loaded_company.vendors, expected.vendors);
    assert_eq!(store.integrity_check().unwrap().problems, Vec::<String>::new());

    // A second run of the same source replaces, never duplicates.
    store.replace_source_records(source_id, batch, now).unwrap();
    assert_eq!(store.load_records().unwrap().len(), batch.len());
}

/// Reading one figure's kinds of one vendor through the indexes gives
/// exactly those records of a full read of the window, in the same order.
#[test]
fn a_narrow_read_is_the_full_read_narrowed() {
    use sightline_domain::RecordKind;
    use sightline_store::RecordWindow;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("pw"), &FakeKeychain::unavailable()).unwrap();
    fill_with_demo(&mut store);
    let window = RecordWindow {
        from: Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
    };
    let everything = store.load_records_in(window).unwrap();
    assert_eq!(everything.len(), 1_669);
    let mut read = 0;
    for kinds in [
        &[RecordKind::Ticket][..],
        &[RecordKind::Device, RecordKind::Patch],
        &[RecordKind::Backup, RecordKind::RestoreTest],
        &RecordKind::ALL,
        &[],
    ] {
        for vendor in [None, Some("bluepeak"), Some("stratus"), Some("no-such-vendor")] {
            let narrow = store.load_records_of(window, kinds, vendor).unwrap();
            assert_eq!(narrow, everything.only(kinds, vendor), "{kinds:?} of {vendor:?}");
            read += narrow.len();
        }
    }
    assert_eq!(read, 4_914);
}

#[test]
fn outside_writes_moves_with_another_connections_commit_only() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = FakeKeychain::unavailable();
    let app = Store::open(dir.path(), passphrase("two at once"), &keychain).unwrap();
    let cli = Store::open(dir.path(), passphrase("two at once"), &keychain).unwrap();
    let before = app.outside_writes().unwrap();
    app.set_meta("written_here", "1").unwrap();
    assert_eq!(app.outside_writes().unwrap(), before, "its own write");
    cli.set_meta("written_there", "1").unwrap();
    let after = app.outside_writes().unwrap();
    assert_ne!(after, before, "another connection's commit");
    assert_eq!(app.outside_writes().unwrap(), after, "nothing since");
}

#[test]
fn a_restore_moves_the_data_version_forward_never_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), passphrase("forward"), &FakeKeychain::unavailable()).unwrap();
    store.bump_data_version().unwrap();
    let file = dir.path().join("saved.sightline-backup");
    let secret = Secret::new("backup passphrase");
    store.write_backup(&file, &secret, &[]).unwrap();
    let saved_at = store.data_version().unwrap();
    for _ in 0..5 {
        store.bump_data_version().unwrap();
    }
    let before = store.data_version().unwrap();
    assert_eq!(before, saved_at + 5);
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
    store.restore_from(&file, sightline_store::BackupKey::Passphrase(&secret), at).unwrap();
    // What was worked out from the data at `before` (or at the backup's
    // older number) cannot match the restored data.
    assert_eq!(store.data_version().unwrap(), before + 1);
}
