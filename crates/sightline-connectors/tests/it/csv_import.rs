//! CSV import: documented columns, each bad row reported by its line and
//! skipped, the rest imported.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sightline_connectors::{FetchErrorKind, FetchRequest, HttpOptions, SourceConfig, fetch};
use sightline_domain::{ChangeOutcome, Severity};

/// Id, contract priority, created at, resolved by.
type TicketSummary<'a> = (&'a str, Option<&'a str>, DateTime<Utc>, Option<&'a str>);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

async fn import(record: &str, text: &str) -> Result<sightline_connectors::Fetched, sightline_connectors::FetchError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    std::fs::write(&path, text).unwrap();
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "helpdesk", "kind": "csv", "vendor": "internal", "path": path, "record": record,
        "priority_map": {"Urgent": "P1"}
    }))
    .unwrap();
    let http = HttpOptions::default();
    fetch(
        FetchRequest { source: &source, secret: None, since: None, now: now(), http: &http, known_content: None },
        &|_| {},
    )
    .await
}

#[tokio::test]
async fn tickets_import_with_bad_rows_named_by_line() {
    let text = "\u{feff}ID,Created At,Priority,First Response At,Resolved At,Resolved By,Reopened\n\
                T1,2026-10-01T09:00:00Z,Urgent,2026-10-01 09:12,2026-10-01 11:00,amara,no\n\
                T2,2026-10-02,P3,,,,\n\
                T3,yesterday,P2,,,,\n\
                T4,2026-10-03 10:00,P2,,,,maybe\n\
                T1,2026-10-04 10:00,P2,,,,\n\
                T5,2026-10-05 10:00\n\
                \n\
                ,2026-10-06 10:00,High,,,,\n";
    let fetched = import("tickets", text).await.unwrap();
    let tickets: Vec<TicketSummary> = fetched
        .batch
        .tickets
        .iter()
        .map(|t| (t.provenance.record_id.as_str(), t.priority.as_deref(), t.created_at, t.resolved_by.as_deref()))
        .collect();
    assert_eq!(
        tickets,
        vec![
            ("T1", Some("P1"), Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap(), Some("amara")),
            ("T2", Some("P3"), Utc.with_ymd_and_hms(2026, 10, 2, 0, 0, 0).unwrap(), None),
            ("line-9", None, Utc.with_ymd_and_hms(2026, 10, 6, 10, 0, 0).unwrap(), None),
        ]
    );
    assert_eq!(fetched.batch.tickets[0].first_response_at, Some(Utc.with_ymd_and_hms(2026, 10, 1, 9, 12, 0).unwrap()));
    assert_eq!(fetched.batch.tickets[0].status, "Resolved");
    let file = fetched.warnings[0].split(" line").next().unwrap().to_string();
    assert_eq!(
        fetched.warnings,
        vec![
            format!("{file} line 4: `created_at` is 'yesterday', not a date; skipped"),
            format!("{file} line 5: `reopened` is 'maybe', not yes or no; skipped"),
            format!("{file} line 6: the id 'T1' was already used on line 2; skipped"),
            format!("{file} line 7: has 2 values where the header names 7 columns; skipped"),
            // A priority the contract does not know is named with its fix.
            "1 CSV ticket has the priority 'High', which matches no contract priority: it counts for volumes but not \
             for SLA compliance; add 'High' to priority_map for helpdesk"
                .to_string(),
        ]
    );
    assert!(fetched.full);
}

#[tokio::test]
async fn tickets_read_time_on_hold_and_exclusion_from_the_sla() {
    let text = "id,created_at,priority,resolved_at,On Hold Minutes,Exclude From SLA,in_sla\n\
                H1,2026-10-01 09:00,P2,2026-10-01 17:00,90,no,yes\n\
                H2,2026-10-02 09:00,P3,,0,yes,\n\
                H3,2026-10-03 09:00,P3,,,,\n\
                H4,2026-10-04 09:00,P3,,-15,,\n\
                H5,2026-10-05 09:00,P3,,1.5,,\n\
                H6,2026-10-06 09:00,P3,,30,maybe,\n";
    let fetched = import("tickets", text).await.unwrap();
    let tickets = &fetched.batch.tickets;
    let ids: Vec<&str> = tickets.iter().map(|t| t.provenance.record_id.as_str()).collect();
    assert_eq!(ids, ["H1", "H2", "H3"]);
    assert_eq!(tickets[0].paused_minutes, Some(90));
    assert!(!tickets[0].excluded_from_sla);
    assert_eq!(tickets[0].vendor_reported_in_sla, Some(true));
    assert_eq!(tickets[1].paused_minutes, Some(0));
    assert!(tickets[1].excluded_from_sla);
    // Both left empty: no time on hold recorded, and not excluded.
    assert_eq!(tickets[2].paused_minutes, None);
    assert!(!tickets[2].excluded_from_sla);
    let file = fetched.warnings[0].split(" line").next().unwrap().to_string();
    assert_eq!(
        fetched.warnings,
        vec![
            format!("{file} line 5: `on_hold_minutes` is '-15', not a whole number of minutes (0 or more); skipped"),
            format!("{file} line 6: `on_hold_minutes` is '1.5', not a whole number of minutes (0 or more); skipped"),
            format!("{file} line 7: `exclude_from_sla` is 'maybe', not yes or no; skipped"),
        ]
    );

    // A file without the two columns reads as before.
    let fetched = import("tickets", "id,created_at\nK1,2026-10-01\n").await.unwrap();
    assert_eq!((fetched.batch.tickets[0].paused_minutes, fetched.batch.tickets[0].excluded_from_sla), (None, false));
}

#[tokio::test]
async fn every_record_kind_reads_its_columns() {
    let backups = import(
        "backups",
        "system,date,succeeded,type\nfinance-db,2026-11-20 01:00,yes,\nfinance-db,2026-06-01,y,restore_test\nDR site,2026-03-01,true,resilience_test\n",
    )
    .await
    .unwrap();
    assert_eq!(
        (backups.batch.backups.len(), backups.batch.restore_tests.len(), backups.batch.resilience_tests.len()),
        (1, 1, 1)
    );
    let vulns = import(
        "vulnerabilities",
        "id,asset,title,severity,first_found,fixed_at\nV1,web-01,OpenSSL flaw,Critical,2026-10-08,\nV2,web-02,Old TLS,bogus,2026-10-08,\n",
    )
    .await
    .unwrap();
    assert_eq!(vulns.batch.vulnerabilities.len(), 1);
    assert_eq!(vulns.batch.vulnerabilities[0].severity, Severity::Critical);
    assert!(vulns.warnings[0].ends_with("line 3: `severity` is 'bogus', not low, medium, high or critical; skipped"));
    let changes =
        import("changes", "title,implemented_at,outcome,emergency\nFirewall rules,2026-11-02,rolled back,yes\n")
            .await
            .unwrap();
    assert_eq!(changes.batch.changes[0].outcome, ChangeOutcome::RolledBack);
    assert!(changes.batch.changes[0].emergency);
    let devices = import(
        "devices",
        "id,name,role,critical_patch_missing_since\nD1,hf-ws-01,workstation,2026-10-20\nD2,hf-srv-01,server,\n",
    )
    .await
    .unwrap();
    assert_eq!(devices.batch.devices.len(), 2);
    assert_eq!(devices.batch.patches.len(), 1);
    assert_eq!(devices.batch.patches[0].device_id, "D1");
    let surveys = import("surveys", "responded_at,satisfied\n2026-11-01,yes\n2026-11-02,no\n").await.unwrap();
    assert_eq!(surveys.batch.surveys.iter().filter(|s| s.satisfied).count(), 1);
}

#[tokio::test]
async fn a_file_none_of_whose_rows_can_be_read_is_an_error_not_an_empty_source() {
    let error = import("surveys", "responded_at,satisfied\n01/11/2026,yes\n02/11/2026,no\n").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    assert!(error.message.starts_with("no row of "), "{}", error.message);
    assert!(
        error
            .message
            .ends_with("line 2: `responded_at` is '01/11/2026', not a date; skipped); the previous data was kept"),
        "{}",
        error.message
    );
    // A device row that is skipped leaves nothing behind, its patch included.
    let devices =
        import("devices", "id,name,managed,critical_patch_missing_since\nD1,,yes,2026-10-20\nD2,hf-ws-02,yes,\n")
            .await
            .unwrap();
    assert_eq!((devices.batch.devices.len(), devices.batch.patches.len()), (1, 0));
}

#[tokio::test]
async fn a_file_without_the_required_columns_or_at_all_is_an_error() {
    let error = import("vulnerabilities", "asset,title\nweb-01,x\n").await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    assert!(
        error.message.ends_with(
            "has no column `severity`, `first_found`: its first line must name the columns (id, asset, title, severity, first_found, fixed_at)"
        ),
        "{}",
        error.message
    );
    let source: SourceConfig = serde_json::from_value(json!({
        "id": "helpdesk", "kind": "csv", "vendor": "internal", "path": "/nonexistent/tickets.csv", "record": "tickets"
    }))
    .unwrap();
    let http = HttpOptions::default();
    let error = fetch(
        FetchRequest { source: &source, secret: None, since: None, now: now(), http: &http, known_content: None },
        &|_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Io);
    assert_eq!(
        error.message,
        "could not read the CSV file /nonexistent/tickets.csv: No such file or directory (os error 2)"
    );
}

#[tokio::test]
async fn an_unclosed_quote_is_refused_with_the_line_where_it_began() {
    // Quoted values, with commas, a doubled quote and a line break inside,
    // are fine.
    let good = "id,created_at,summary\n\
                T1,2026-10-01 09:00,\"Printer, 2nd floor\"\n\
                T2,2026-10-02 09:00,\"Says \"\"urgent\"\"\"\n\
                T3,2026-10-03 09:00,\"Two\nlines\"\n";
    assert_eq!(import("tickets", good).await.unwrap().batch.tickets.len(), 3);

    let broken = "id,created_at,summary\n\
                  T1,2026-10-01 09:00,fine\n\
                  T2,2026-10-02 09:00,\"never closed\n\
                  T3,2026-10-03 09:00,lost\n\
                  T4,2026-10-04 09:00,lost\n";
    let error = import("tickets", broken).await.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::BadResponse);
    let file = error.message.split(" line").next().unwrap().to_string();
    assert_eq!(
        error.message,
        format!(
            "{file} line 3: a quote opens here and is never closed, so every row after it would be read as one value; \
             nothing was imported and the previous data was kept. Close the quote (or double a quote inside a value: \
             \"\") and sync again"
        )
    );
}
