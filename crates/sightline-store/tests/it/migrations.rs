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
    assert_eq!(SCHEMA_VERSION, 13);
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
             INSERT INTO services (id, name, critical) VALUES ('email', 'E-mail', 1);
             INSERT INTO meta (key, value) VALUES ('company_name', 'Acme Holdings');",
        )
        .unwrap();
    drop(store);

    let store = Store::open(dir.path(), unlock(), &NoKeychain).unwrap();
    assert_eq!(store.schema_version().unwrap(), 13);
    let records = store.load_records().unwrap();
    assert_eq!(records.tickets.len(), 1);
    assert_eq!(records.tickets[0].provenance.record_id, "42");
    // Tickets from before contract clocks: no pause known, not excluded.
    assert_eq!((records.tickets[0].paused_minutes, records.tickets[0].excluded_from_sla), (None, false));
    assert!(records.availability.is_empty());
    // Counts are kept from the upgrade on.
    assert_eq!(store.record_counts().unwrap()["acme-psa"], 1);
    let company = store.load_company().unwrap();
    // Services from before uptime targets: none set, nothing watching.
    assert_eq!(company.services[0].id, "email");
    assert_eq!((company.services[0].uptime_target_pct, company.services[0].monitor_sources.len()), (None, 0));
    assert_eq!(company.name, "Acme Holdings");
    // The board pack's tables start empty and take rows.
    assert!(store.actions_at(None).unwrap().is_empty());
    assert!(store.evidence().unwrap().is_empty());
    assert!(store.reviews().unwrap().is_empty());
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
    assert_eq!(store.schema_version().unwrap(), 13);
    // The upgrade kept the file as it was first.
    let kept = sightline_store::automatic_backups(dir.path());
    assert_eq!(kept.len(), 1);
    assert!(kept[0].to_string_lossy().ends_with("-before-schema-13.sightline"), "{kept:?}");
    let log = store.sync_log(10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].message.as_deref(), Some("the service failed with HTTP 502"));
    assert_eq!((log[0].full_read, log[0].requests, log[0].warnings.len()), (None, None, 0));
    assert!(store.sync_states().unwrap().is_empty());
    assert_eq!(store.acknowledgements().unwrap()["stale_source:acme-psa"].note, "Known outage");
}

/// Schema 6 with an archived report and a note migrates to 7 with both
/// kept, and the new tables hold what is put in them.
#[test]
fn schema_6_migrates_to_7_keeping_notes_and_taking_actions_and_documents() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_at_schema(dir.path(), unlock(), &NoKeychain, 6).unwrap();
    store
        .connection_for_tests()
        .execute_batch(
            "INSERT INTO vendors (id, name, kind) VALUES ('acme', 'Acme IT', 'msp');
             INSERT INTO acknowledgements (flag_id, note, acknowledged_at) VALUES ('key_person:acme', 'Hiring', 1795000000);",
        )
        .unwrap();
    drop(store);
    let store = Store::open(dir.path(), unlock(), &NoKeychain).unwrap();
    assert_eq!(store.schema_version().unwrap(), 13);
    assert_eq!(store.acknowledgements().unwrap()["key_person:acme"].note, "Hiring");
    let action = sightline_domain::Action {
        flag_id: "key_person:acme".into(),
        owner: "COO".into(),
        due: "2027-01-31".parse().unwrap(),
        status: sightline_domain::ActionStatus::InProgress,
        reason: None,
        recorded_at: at("2026-11-20T09:00:00Z"),
    };
    store.record_action(&action, false).unwrap();
    assert_eq!(store.actions_at(None).unwrap()["key_person:acme"], action);
    assert!(store.actions_at(Some(at("2026-11-20T08:59:59Z"))).unwrap().is_empty(), "not yet recorded then");
    let id = store
        .add_evidence(
            &sightline_store::NewEvidence {
                vendor_id: "acme",
                kind: sightline_domain::EvidenceKind::Soc2,
                title: "Acme SOC 2",
                issued: "2026-09-30".parse().unwrap(),
                expires: None,
                file_name: "acme-soc2.pdf",
                content: b"%PDF-1.7 acme",
                added_at: at("2026-11-20T09:00:00Z"),
            },
            false,
        )
        .unwrap();
    let (doc, content) = store.evidence_content(id).unwrap().unwrap();
    assert_eq!((doc.bytes, content.as_slice()), (13, b"%PDF-1.7 acme".as_slice()));
    assert_eq!(doc.sha256, sightline_store::sha256_hex(b"%PDF-1.7 acme"));
}
