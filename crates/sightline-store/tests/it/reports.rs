//! The report archive: stored bytes come back exactly, a stored report
//! cannot be updated, and one altered behind Sightline's back is detected.

use chrono::{TimeZone, Utc};
use sightline_domain::Secret;
use sightline_store::{EntrySeal, NewReport, OsKeychain, Store, Unlock, sha256_hex};

fn report<'a>(pdf: &'a [u8]) -> NewReport<'a> {
    NewReport {
        period: "2026-Q3",
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
        paper: "a4",
        title: "Acme Holdings — IT report, Q3 2026",
        fingerprint: "ab12",
        pages: 12,
        pdf,
        snapshot: "{}",
    }
}

#[test]
fn reports_are_sealed_and_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), Unlock { passphrase: Some(Secret::new("reports")) }, &OsKeychain).unwrap();
    let pdf = b"%PDF-1.7 pretend board report".to_vec();
    let head = store.chain_head().unwrap();
    assert_eq!((head.next_id, head.previous_entry.as_str()), (1, ""));
    let seal = EntrySeal { head: &head, entry_hash: "e1", signature: "sig", entry_signature: "entry-sig" };
    let id = store.archive_report(&report(&pdf), &seal).unwrap();
    assert_eq!(id, 1);
    // A seal made against a head that has moved on is refused.
    assert!(store.archive_report(&report(&pdf), &seal).is_err());
    let head = store.chain_head().unwrap();
    assert_eq!((head.next_id, head.previous_entry.as_str()), (2, "e1"));
    let listed = store.reports().unwrap();
    assert_eq!((listed[0].id, listed[0].pages, listed[0].bytes), (id, 12, pdf.len() as u64));
    assert_eq!(listed[0].sha256, sha256_hex(&pdf));
    let (_, bytes, snapshot) = store.open_report(id).unwrap().unwrap().unwrap();
    assert_eq!((bytes, snapshot.as_str()), (pdf.clone(), "{}"));
    assert!(store.open_report(id + 1).unwrap().is_none());

    // Sightline itself cannot change a stored report.
    let error = store.connection_for_tests().execute("UPDATE reports SET pdf = x'00' WHERE id = ?1", [id]).unwrap_err();
    assert!(error.to_string().contains("a stored report is never changed"), "{error}");

    let error = store.connection_for_tests().execute("DELETE FROM reports WHERE id = ?1", [id]).unwrap_err();
    assert!(error.to_string().contains("a stored report is never removed"), "{error}");

    // Someone with the key changes it anyway: opening it says so.
    let conn = store.connection_for_tests();
    conn.execute_batch("DROP TRIGGER reports_are_sealed").unwrap();
    conn.execute("UPDATE reports SET pdf = ?2 WHERE id = ?1", rusqlite_params(id)).unwrap();
    let tampered = store.open_report(id).unwrap().unwrap().unwrap_err();
    assert_eq!(tampered.expected, sha256_hex(&pdf));
    assert_eq!(tampered.found, sha256_hex(b"%PDF-1.7 pretend board report, edited"));
}

fn rusqlite_params(id: i64) -> (i64, Vec<u8>) {
    (id, b"%PDF-1.7 pretend board report, edited".to_vec())
}
