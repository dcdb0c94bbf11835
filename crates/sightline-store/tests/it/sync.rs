//! Applying sync runs to a real encrypted cache: a full run replaces a
//! source's records, an incremental one merges them, a failure touches
//! nothing but the log, and configuring a company keeps what it should.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sightline_domain::{
    Patch, PatchClass, Provenance, RecordBatch, Secret, SlaTarget, SourceInfo, Ticket, Vendor, VendorKind,
};
use sightline_store::{Company, Dirty, OsKeychain, SourceRun, Store, Unlock};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

fn ticket(source: &str, id: &str, summary: &str) -> Ticket {
    Ticket {
        provenance: Provenance { source_id: source.into(), record_id: id.into(), fetched_at: now() },
        vendor_id: "acme".into(),
        summary: summary.into(),
        priority: Some("P2".into()),
        created_at: now() - Duration::days(1),
        first_response_at: None,
        resolved_at: None,
        assignee: None,
        resolved_by: None,
        status: "Open".into(),
        reopened: None,
        vendor_reported_in_sla: None,
        paused_minutes: None,
        excluded_from_sla: false,
    }
}

fn company(sources: &[&str]) -> Company {
    Company {
        name: "Acme Holdings".into(),
        demo: false,
        vendors: vec![Vendor {
            id: "acme".into(),
            name: "Acme IT".into(),
            kind: VendorKind::Msp,
            monthly_cost: None,
            last_review: None,
        }],
        contracts: vec![],
        services: vec![],
        sources: sources
            .iter()
            .map(|id| SourceInfo {
                id: (*id).into(),
                kind: "connectwise".into(),
                vendor_id: "acme".into(),
                name: "Acme PSA".into(),
                last_success_at: None,
                last_attempt_at: None,
                last_error: None,
                demo: false,
            })
            .collect(),
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Unlock { passphrase: Some(Secret::new("sync")) }, &OsKeychain).unwrap();
    (dir, store)
}

fn run<'a>(batch: &'a RecordBatch, full: bool, watermark: Option<DateTime<Utc>>) -> SourceRun<'a> {
    SourceRun {
        source_id: "acme-psa",
        batch,
        full,
        watermark,
        sla: None,
        sla_hours: None,
        settings: "abc",
        content: None,
        started_at: now(),
        finished_at: now(),
        requests: 2,
        warnings: &[],
        snapshot: false,
    }
}

fn summaries(store: &Store) -> Vec<(String, String)> {
    let mut rows: Vec<_> = store
        .load_records()
        .unwrap()
        .tickets
        .into_iter()
        .map(|ticket| (ticket.provenance.record_id, ticket.summary))
        .collect();
    rows.sort();
    rows
}

#[test]
fn full_runs_replace_and_incremental_runs_merge() {
    let (_dir, mut store) = open();
    store.configure_company(&company(&["acme-psa"])).unwrap();
    let first =
        RecordBatch { tickets: vec![ticket("acme-psa", "1", "a"), ticket("acme-psa", "2", "b")], ..Default::default() };
    store.apply_source_run(&run(&first, true, Some(now() - Duration::hours(2)))).unwrap();
    let changed = RecordBatch {
        tickets: vec![ticket("acme-psa", "2", "b2"), ticket("acme-psa", "3", "c")],
        ..Default::default()
    };
    store.apply_source_run(&run(&changed, false, Some(now() - Duration::hours(1)))).unwrap();
    assert_eq!(summaries(&store), vec![("1".into(), "a".into()), ("2".into(), "b2".into()), ("3".into(), "c".into())]);
    let state = &store.sync_states().unwrap()["acme-psa"];
    assert_eq!(state.watermark, Some(now() - Duration::hours(1)));
    assert_eq!(state.last_full_at, Some(now()));
    // An incremental run with nothing new keeps the watermark.
    store.apply_source_run(&run(&RecordBatch::default(), false, None)).unwrap();
    assert_eq!(store.sync_states().unwrap()["acme-psa"].watermark, Some(now() - Duration::hours(1)));
    // A full read drops what the source no longer has.
    let full = RecordBatch { tickets: vec![ticket("acme-psa", "3", "c")], ..Default::default() };
    store.apply_source_run(&run(&full, true, None)).unwrap();
    assert_eq!(summaries(&store), vec![("3".into(), "c".into())]);
    let log = store.sync_log(10).unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!((log[0].ok, log[0].records, log[0].full_read, log[0].requests), (true, 1, Some(true), Some(2)));
}

#[test]
fn a_failure_is_logged_and_keeps_the_data() {
    let (_dir, mut store) = open();
    store.configure_company(&company(&["acme-psa"])).unwrap();
    let first = RecordBatch { tickets: vec![ticket("acme-psa", "1", "a")], ..Default::default() };
    store.apply_source_run(&run(&first, true, None)).unwrap();
    let version = store.data_version().unwrap();
    store
        .record_sync_failure("acme-psa", "the service failed with HTTP 502", now(), now() + Duration::minutes(1))
        .unwrap();
    assert_eq!(summaries(&store), vec![("1".into(), "a".into())]);
    assert_eq!(store.data_version().unwrap(), version);
    let source = store.load_company().unwrap().sources.remove(0);
    assert_eq!(source.last_success_at, Some(now()));
    assert_eq!(source.last_attempt_at, Some(now() + Duration::minutes(1)));
    assert_eq!(source.last_error.as_deref(), Some("the service failed with HTTP 502"));
    // The next success clears the error.
    store.apply_source_run(&run(&first, true, None)).unwrap();
    assert_eq!(store.load_company().unwrap().sources[0].last_error, None);
}

#[test]
fn configuring_keeps_removed_sources_until_they_are_forgotten() {
    let (_dir, mut store) = open();
    store.configure_company(&company(&["acme-psa", "old-psa"])).unwrap();
    let batch = RecordBatch { tickets: vec![ticket("acme-psa", "1", "a")], ..Default::default() };
    store.apply_source_run(&run(&batch, true, Some(now()))).unwrap();
    let old = RecordBatch { tickets: vec![ticket("old-psa", "9", "z")], ..Default::default() };
    store.apply_source_run(&SourceRun { source_id: "old-psa", ..run(&old, true, None) }).unwrap();
    let sla = [SlaTarget {
        priority: "P1".into(),
        respond_minutes: Some(15),
        resolve_minutes: Some(240),
        effective_from: None,
        clock: None,
    }];
    store.apply_source_run(&SourceRun { sla: Some(&sla), ..run(&batch, true, Some(now())) }).unwrap();

    // Gone from the configuration: its records, and the source, stay.
    store.configure_company(&company(&["acme-psa"])).unwrap();
    assert_eq!(summaries(&store), vec![("1".into(), "a".into()), ("9".into(), "z".into())]);
    let loaded = store.load_company().unwrap();
    let ids: Vec<&str> = loaded.sources.iter().map(|source| source.id.as_str()).collect();
    assert_eq!(ids, ["acme-psa", "old-psa"]);
    assert_eq!(loaded.sources[0].last_success_at, Some(now()));
    assert_eq!(store.source_record_count("old-psa").unwrap(), 1);

    // Forgotten on purpose: gone, with its sync state.
    let version = store.data_version().unwrap();
    assert_eq!(store.forget_source("old-psa").unwrap(), 1);
    assert_eq!(summaries(&store), vec![("1".into(), "a".into())]);
    assert_eq!(store.load_company().unwrap().sources.len(), 1);
    assert!(store.data_version().unwrap() > version);
    assert_eq!(store.sync_states().unwrap().keys().collect::<Vec<_>>(), vec!["acme-psa"]);
    assert_eq!(store.source_sla().unwrap()["acme-psa"], sla.to_vec());
}

#[test]
fn configuring_replaces_the_demo_company_but_keeps_notes_and_credentials() {
    let (_dir, mut store) = open();
    let demo = sightline_demo::generate(now());
    store
        .replace_company(&Company {
            name: demo.name,
            demo: true,
            vendors: demo.vendors,
            contracts: demo.contracts,
            services: demo.services,
            sources: demo.sources,
        })
        .unwrap();
    for (source_id, batch) in &demo.batches {
        store.replace_source_records(source_id, batch, now()).unwrap();
    }
    store.acknowledge("key_person:bluepeak", "Discussed at the QBR", now()).unwrap();
    store.set_source_secret("acme-psa", &Secret::new("pub:priv")).unwrap();
    store.configure_company(&company(&["acme-psa"])).unwrap();
    let loaded = store.load_company().unwrap();
    assert!(!loaded.demo);
    assert_eq!(loaded.name, "Acme Holdings");
    assert!(store.load_records().unwrap().is_empty());
    assert_eq!(store.acknowledgements().unwrap()["key_person:bluepeak"].note, "Discussed at the QBR");
    assert_eq!(store.source_secret("acme-psa").unwrap().unwrap().expose(), "pub:priv");
    assert!(store.delete_source_secret("acme-psa").unwrap());
    assert!(store.source_secret("acme-psa").unwrap().is_none());
}

/// A full read that brings the same records again (only fetched later)
/// makes nothing but the current period out of date; one changed record
/// makes its own periods so, and a removed one its.
#[test]
fn a_full_read_marks_out_of_date_only_what_it_changed() {
    let (_dir, mut store) = open();
    store.configure_company(&company(&["acme-psa"])).unwrap();
    let settle = |store: &mut Store| {
        let version = store.data_version().unwrap();
        store.finish_assessment(&[], now(), version).unwrap();
        assert_eq!(store.dirty().unwrap(), None);
    };
    let old = |id: &str, days: i64, summary: &str| Ticket {
        created_at: now() - Duration::days(days),
        ..ticket("acme-psa", id, summary)
    };
    settle(&mut store);
    let first =
        RecordBatch { tickets: vec![old("1", 900, "a"), old("2", 40, "b"), old("3", 10, "c")], ..Default::default() };
    store.apply_source_run(&run(&first, true, None)).unwrap();
    assert_eq!(store.dirty().unwrap(), Some(Dirty::From(now() - Duration::days(900))));
    settle(&mut store);

    let mut again = first.clone();
    for ticket in &mut again.tickets {
        ticket.provenance.fetched_at = now() + Duration::hours(1);
    }
    store.apply_source_run(&SourceRun { finished_at: now() + Duration::hours(1), ..run(&again, true, None) }).unwrap();
    assert_eq!(store.dirty().unwrap(), Some(Dirty::From(now() + Duration::hours(1))), "only the source's freshness");
    settle(&mut store);

    let mut changed = again.clone();
    changed.tickets[1].summary = "b, reworded".into();
    store.apply_source_run(&run(&changed, true, None)).unwrap();
    assert_eq!(store.dirty().unwrap(), Some(Dirty::From(now() - Duration::days(40))));
    settle(&mut store);

    let removed =
        RecordBatch { tickets: vec![changed.tickets[0].clone(), changed.tickets[1].clone()], ..Default::default() };
    store.apply_source_run(&run(&removed, true, None)).unwrap();
    assert_eq!(store.dirty().unwrap(), Some(Dirty::From(now() - Duration::days(10))));
    assert_eq!(summaries(&store), vec![("1".into(), "a".into()), ("2".into(), "b, reworded".into())]);
}

fn patch(id: &str, missing_since: DateTime<Utc>) -> Patch {
    Patch {
        provenance: Provenance { source_id: "acme-psa".into(), record_id: id.into(), fetched_at: now() },
        vendor_id: "acme".into(),
        device_id: "pc-1".into(),
        title: "Approved updates not installed".into(),
        class: PatchClass::Security,
        missing_since,
        installed_at: None,
    }
}

/// A snapshot says what is missing now, not since when: read again, a
/// missing update keeps the day it was first seen, not the day of the read;
/// no longer listed, it is closed at that read and kept, so past months
/// still show it missing. A source whose dates are its own (a file) keeps
/// the date it gives and forgets what it no longer lists.
#[test]
fn a_snapshot_keeps_the_first_sighting_and_closes_what_it_no_longer_lists() {
    let (_dir, mut store) = open();
    store.configure_company(&company(&["acme-psa"])).unwrap();
    let first_seen = now() - Duration::days(20);
    let snapshot = |at: DateTime<Utc>| RecordBatch { patches: vec![patch("pc-1:pending", at)], ..Default::default() };
    fn settled(batch: &RecordBatch, at: DateTime<Utc>) -> SourceRun<'_> {
        SourceRun { snapshot: true, finished_at: at, ..run(batch, true, None) }
    }
    let patches = |store: &Store| -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        store.load_records().unwrap().patches.iter().map(|p| (p.missing_since, p.installed_at)).collect()
    };

    store.apply_source_run(&settled(&snapshot(first_seen), first_seen)).unwrap();
    store.apply_source_run(&settled(&snapshot(now() - Duration::days(2)), now() - Duration::days(2))).unwrap();
    assert_eq!(patches(&store), [(first_seen, None)]);
    // Installed: the next read no longer lists it.
    let fixed_at = now() - Duration::days(1);
    store.apply_source_run(&settled(&RecordBatch::default(), fixed_at)).unwrap();
    assert_eq!(patches(&store), [(first_seen, Some(fixed_at))]);
    store.apply_source_run(&settled(&RecordBatch::default(), now())).unwrap();
    assert_eq!(patches(&store), [(first_seen, Some(fixed_at))], "closed once, at the first read without it");
    // Missing again later: a new sighting, the closed stretch kept beside it.
    store.apply_source_run(&settled(&snapshot(now()), now())).unwrap();
    let ids: Vec<String> =
        store.load_records().unwrap().patches.iter().map(|p| p.provenance.record_id.clone()).collect();
    assert_eq!(ids, [format!("pc-1:pending@{}", fixed_at.timestamp()), "pc-1:pending".to_string()]);
    let mut both = patches(&store);
    both.sort();
    assert_eq!(both, [(first_seen, Some(fixed_at)), (now(), None)]);

    store.apply_source_run(&run(&RecordBatch::default(), true, None)).unwrap();
    store.apply_source_run(&run(&snapshot(first_seen), true, None)).unwrap();
    store.apply_source_run(&run(&snapshot(now() - Duration::days(3)), true, None)).unwrap();
    assert_eq!(patches(&store), [(now() - Duration::days(3), None)], "a file's own date is kept");
    store.apply_source_run(&run(&RecordBatch::default(), true, None)).unwrap();
    assert_eq!(patches(&store), [], "a file forgets what it no longer lists");
}

/// A source read by changes may send records again as they were (Defender
/// lists every machine on each read): those mark nothing out of date; a
/// changed or new one marks from its own instant, and from the instant of
/// the version it replaces.
#[test]
fn a_merge_marks_out_of_date_only_what_it_changed() {
    let (_dir, mut store) = open();
    store.configure_company(&company(&["acme-psa"])).unwrap();
    let settle = |store: &mut Store| {
        let version = store.data_version().unwrap();
        store.finish_assessment(&[], now(), version).unwrap();
    };
    let old = |id: &str, days: i64, summary: &str| Ticket {
        created_at: now() - Duration::days(days),
        ..ticket("acme-psa", id, summary)
    };
    let first = RecordBatch { tickets: vec![old("1", 900, "a"), old("2", 40, "b")], ..Default::default() };
    store.apply_source_run(&run(&first, true, None)).unwrap();
    settle(&mut store);

    let later = now() + Duration::hours(1);
    let mut again = first.clone();
    for ticket in &mut again.tickets {
        ticket.provenance.fetched_at = later;
    }
    store.apply_source_run(&SourceRun { finished_at: later, ..run(&again, false, None) }).unwrap();
    assert_eq!(store.dirty().unwrap(), Some(Dirty::From(later)), "only the source's freshness");
    settle(&mut store);

    let mut changed = again.clone();
    changed.tickets[1].summary = "b, reworded".into();
    changed.tickets.push(old("3", 5, "c"));
    store.apply_source_run(&SourceRun { finished_at: later, ..run(&changed, false, None) }).unwrap();
    assert_eq!(store.dirty().unwrap(), Some(Dirty::From(now() - Duration::days(40))));
    assert_eq!(
        summaries(&store),
        vec![("1".into(), "a".into()), ("2".into(), "b, reworded".into()), ("3".into(), "c".into())]
    );
}
