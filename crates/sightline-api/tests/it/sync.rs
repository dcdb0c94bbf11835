//! The use cases around syncing: when a scheduled sync is due, and a
//! configured company replacing the demo one.

use std::time::Duration;

use sightline_api::{Clock, Secret, Sightline, SyncQuery, Unlock};

fn open(dir: &std::path::Path, now: &str) -> Sightline {
    let unlock = Unlock { passphrase: Some(Secret::new("api-sync")) };
    Sightline::open_with(dir, unlock, Clock::Fixed(now.parse().unwrap())).unwrap()
}

const CONFIG: &str = "[[vendor]]\nid = \"internal\"\nname = \"Internal IT\"\nkind = \"internal\"\n\n[[source]]\n\
                      id = \"helpdesk\"\nkind = \"csv\"\nvendor = \"internal\"\npath = \"tickets.csv\"\nrecord = \"tickets\"\n";

#[test]
fn a_scheduled_sync_is_due_when_a_source_has_not_been_tried_for_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let hour = Duration::from_secs(3600);
    let app = open(dir.path(), "2026-11-22T08:00:00Z");
    app.ensure_demo().unwrap();
    // The demo company has nothing to sync.
    assert!(!app.sync_due(hour).unwrap());

    std::fs::write(dir.path().join("sightline.toml"), CONFIG).unwrap();
    std::fs::write(dir.path().join("tickets.csv"), "id,created_at\nT1,2026-11-20 09:00\n").unwrap();
    app.apply_config().unwrap();
    assert!(!app.check(false).unwrap().demo);
    assert!(app.sync_due(hour).unwrap(), "never synced");
    let summary = app.sync(&SyncQuery::default(), |_| {}).unwrap();
    assert!(summary.sources[0].ok, "{summary:?}");
    assert_eq!(summary.sources[0].records, 1);
    assert!(!app.sync_due(hour).unwrap(), "just synced");
    drop(app);

    let later = open(dir.path(), "2026-11-22T09:00:00Z");
    assert!(later.sync_due(hour).unwrap(), "an hour later");
    // A failed attempt counts as an attempt: no retry storm every minute.
    std::fs::remove_file(dir.path().join("tickets.csv")).unwrap();
    let summary = later.sync(&SyncQuery::default(), |_| {}).unwrap();
    assert!(!summary.sources[0].ok);
    assert!(!later.sync_due(hour).unwrap());
    assert_eq!(later.check(false).unwrap().records, 1, "the failed sync kept the ticket");
}

#[test]
fn a_csv_file_read_again_unchanged_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tickets.csv");
    std::fs::write(dir.path().join("sightline.toml"), CONFIG).unwrap();
    std::fs::write(&csv, "id,created_at\nT1,2026-11-20 09:00\nT2,2026-11-21 10:00\n").unwrap();
    let app = open(dir.path(), "2026-11-22T08:00:00Z");
    app.apply_config().unwrap();
    let first = app.sync(&SyncQuery::default(), |_| {}).unwrap();
    assert_eq!(first.sources[0].records, 2);
    assert_eq!(first.sources[0].reason, "this kind of source is always read in full");
    drop(app);

    // The same bytes an hour later: nothing parsed, nothing written, the
    // source counted as synced.
    let later = open(dir.path(), "2026-11-22T09:00:00Z");
    let again = later.sync(&SyncQuery::default(), |_| {}).unwrap();
    assert!(again.sources[0].ok, "{again:?}");
    assert_eq!(again.sources[0].reason, "unchanged since the last sync, nothing written");
    assert_eq!(again.sources[0].records, 2);
    assert_eq!(again.sources[0].requests, 0);
    assert_eq!(later.check(false).unwrap().records, 2);
    assert_eq!(later.check(false).unwrap().sources[0].age_text, "just now");

    // One row more is read in full again.
    std::fs::write(&csv, "id,created_at\nT1,2026-11-20 09:00\nT2,2026-11-21 10:00\nT3,2026-11-22 08:30\n").unwrap();
    let changed = later.sync(&SyncQuery::default(), |_| {}).unwrap();
    assert_eq!(changed.sources[0].records, 3);
    assert_eq!(changed.sources[0].reason, "this kind of source is always read in full");

    // A full read asked for reads the same file again.
    let forced = later.sync(&SyncQuery { full: true, ..SyncQuery::default() }, |_| {}).unwrap();
    assert_eq!(forced.sources[0].records, 3);
    assert_eq!(forced.sources[0].reason, "this kind of source is always read in full");
    assert_eq!(later.check(false).unwrap().records, 3);
}
