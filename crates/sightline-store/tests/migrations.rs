//! Migrations from each earlier schema, with data in it: nothing a user
//! entered or synced is lost, and user data survives rebuilds.

use chrono::{DateTime, Utc};
use sightline_domain::{EvidencePoint, FlagSeverity, FlagState, MetricKey, RiskFlag, Secret, StoredFlag};
use sightline_store::{Keychain, KeychainError, SCHEMA_VERSION, Store, Unlock};

struct NoKeychain;

impl Keychain for NoKeychain {
    fn get(&self, _: &str) -> Result<Option<Secret>, KeychainError> {
        Err(KeychainError::Unavailable("none".into()))
    }
    fn set(&self, _: &str, _: &Secret) -> Result<(), KeychainError> {
        Err(KeychainError::Unavailable("none".into()))
    }
    fn delete(&self, _: &str) -> Result<(), KeychainError> {
        Err(KeychainError::Unavailable("none".into()))
    }
}

fn unlock() -> Unlock {
    Unlock { passphrase: Some(Secret::new("migrations")) }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[test]
fn schema_1_with_data_migrates_to_the_latest() {
    assert_eq!(SCHEMA_VERSION, 6);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_at_schema(dir.path(), unlock(), &NoKeychain, 1).unwrap();
    assert_eq!(store.schema_version().unwrap(), 1);
    store
        .connection_for_tests()
        .execute_batch(
            "INSERT INTO vendors (id, name, kind) VALUES ('acme', 'Acme IT', 'msp');
             INSERT INTO sources (id, kind, vendor_id, name, last_success_at) VALUES ('acme-psa', 'connectwise', 'acme', 'Acme PSA', 1795000000);
             INSERT INTO tickets (source_id, record_id, fetched_at, vendor_id, summary, priority, created_at, status)
                 VALUES ('acme-psa', '42', 1795000000, 'acme', 'Printer', 'P3', 1794000000, 'Open');
             INSERT INTO contracts (vendor_id, compliance_target_pct) VALUES ('acme', 90);
             INSERT INTO sla_targets (vendor_id, priority, respond_minutes) VALUES ('acme', 'P3', 60);
             INSERT INTO meta (key, value) VALUES ('company_name', 'Acme Holdings');",
        )
        .unwrap();
    drop(store);

    let store = Store::open(dir.path(), unlock(), &NoKeychain).unwrap();
    assert_eq!(store.schema_version().unwrap(), 6);
    let records = store.load_records().unwrap();
    assert_eq!(records.tickets.len(), 1);
    assert_eq!(records.tickets[0].provenance.record_id, "42");
    // Tickets from before contract clocks: no pause known, not excluded.
    assert_eq!((records.tickets[0].paused_minutes, records.tickets[0].excluded_from_sla), (None, false));
    assert!(records.availability.is_empty());
    let company = store.load_company().unwrap();
    assert_eq!(company.name, "Acme Holdings");
    // Contracts from before contract clocks run round the clock.
    assert_eq!(company.contracts[0].terms, sightline_domain::ContractTerms::default());
    assert_eq!(company.contracts[0].sla[0].clock, None);
    assert_eq!(company.sources[0].last_success_at, Some(at("2026-11-18T11:06:40Z")));
}

fn flag(id: &str) -> StoredFlag {
    StoredFlag {
        flag: RiskFlag {
            id: id.into(),
            rule: "certificate_expiring".into(),
            vendor: Some("acme".into()),
            severity: FlagSeverity::Amber,
            headline: "The certificate for www.acme.example expires in 12 days (4 December)".into(),
            why: "Browsers warn visitors away.".into(),
            question: "Who renews it?".into(),
            evidence: vec![EvidencePoint {
                metric: MetricKey::CertMinDaysToExpiry,
                period: "2026-11".parse().unwrap(),
                value: Some(12.0),
                target: Some(30.0),
            }],
            records: vec!["tls:www".into()],
        },
        state: FlagState::New,
        first_seen: at("2026-11-20T08:00:00Z"),
        last_seen: at("2026-11-20T08:00:00Z"),
        resolved_at: None,
        returned: false,
    }
}

#[test]
fn flags_round_trip_and_acknowledgements_survive_recomputation_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), unlock(), &NoKeychain).unwrap();
    let flags = vec![flag("certificate_expiring:www.acme.example")];
    store.replace_assessment(&[], &flags, at("2026-11-20T08:00:00Z")).unwrap();
    assert_eq!(store.load_flags().unwrap(), flags);

    store
        .acknowledge("certificate_expiring:www.acme.example", "Renewal booked for Monday", at("2026-11-20T09:00:00Z"))
        .unwrap();
    store.replace_assessment(&[], &[], at("2026-11-21T08:00:00Z")).unwrap();
    store.clear_all().unwrap();
    drop(store);

    let store = Store::open(dir.path(), unlock(), &NoKeychain).unwrap();
    assert!(store.load_flags().unwrap().is_empty());
    let acknowledgements = store.acknowledgements().unwrap();
    let ack = &acknowledgements["certificate_expiring:www.acme.example"];
    assert_eq!((ack.note.as_str(), ack.at), ("Renewal booked for Monday", at("2026-11-20T09:00:00Z")));
}

#[test]
fn schema_2_with_a_sync_log_migrates_to_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_at_schema(dir.path(), unlock(), &NoKeychain, 2).unwrap();
    store
        .connection_for_tests()
        .execute_batch(
            "INSERT INTO vendors (id, name, kind) VALUES ('acme', 'Acme IT', 'msp');
             INSERT INTO sources (id, kind, vendor_id, name, last_success_at) VALUES ('acme-psa', 'connectwise', 'acme', 'Acme PSA', 1795000000);
             INSERT INTO sync_log (source_id, started_at, finished_at, ok, records, message)
                 VALUES ('acme-psa', 1795000000, 1795000060, 0, 0, 'the service failed with HTTP 502');
             INSERT INTO acknowledgements (flag_id, note, acknowledged_at) VALUES ('stale_source:acme-psa', 'Known outage', 1795000000);",
        )
        .unwrap();
    drop(store);

    let store = Store::open(dir.path(), unlock(), &NoKeychain).unwrap();
    assert_eq!(store.schema_version().unwrap(), 6);
    // The upgrade kept the file as it was first.
    let kept = sightline_store::automatic_backups(dir.path());
    assert_eq!(kept.len(), 1);
    assert!(kept[0].to_string_lossy().ends_with("-before-schema-6.sightline"), "{kept:?}");
    let log = store.sync_log(10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].message.as_deref(), Some("the service failed with HTTP 502"));
    assert_eq!((log[0].full_read, log[0].requests, log[0].warnings.len()), (None, None, 0));
    assert!(store.sync_states().unwrap().is_empty());
    assert_eq!(store.acknowledgements().unwrap()["stale_source:acme-psa"].note, "Known outage");
}
