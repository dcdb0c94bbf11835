// The one list of the commands the desktop window may call: each one's
// name, arguments and answer. Three things are made from it, so they
// cannot disagree:
//
// - the shell's handler (`src-tauri/src/lib.rs`) and, through its build
//   script (which includes this file), one permission per command;
// - the UI's typed client, generated into `ui/src/ipc/bindings.ts`
//   (`commands(call)`), so no command name is written by hand in the UI;
// - the shell's test that its capabilities allow exactly these commands.
//
// `desktop_commands!(then)` calls the macro `then` with the whole list.
// Argument names are the shell's parameter names (the UI sends them in
// camelCase, as Tauri expects). `Vec<u8>` is the one answer sent as raw
// bytes (`tauri::ipc::Response`), which the UI receives as an
// `ArrayBuffer`. This file holds the list alone: the build script
// includes it, where none of the types exist.

/// Calls `$then! { ... }` with every command of the desktop window.
#[macro_export]
macro_rules! desktop_commands {
    ($then:ident) => {
        $then! {
            overview() -> Overview;
            kpis(query: KpiQuery) -> Vec<KpiRow>;
            lock_info() -> LockInfo;
            unlock(passphrase: Option<String>) -> ();
            /// Progress arrives as `sync-progress` events.
            sync_now(query: SyncQuery) -> SyncSummary;
            risks(all: bool) -> Vec<RiskRow>;
            acknowledge(id: String, note: String) -> RiskRow;
            /// Who owns the response to a flag, by when, and where it stands.
            set_action(id: String, action: ActionInput) -> RiskRow;
            /// Opens the system's file dialog and puts the chosen file on file; null when cancelled.
            add_document(document: DocumentInput) -> Option<DocumentRow>;
            /// Opens the system's save dialog and writes a copy of a document on file; null when cancelled.
            save_document_copy(id: i64) -> Option<String>;
            remove_document(id: i64) -> ();
            add_review(review: ReviewInput) -> ReviewRow;
            scorecard(period: Option<String>) -> Scorecard;
            vendor_page(id: String, period: Option<String>) -> VendorPage;
            trend(query: TrendQuery) -> TrendView;
            drilldown(query: DrilldownQuery) -> Drilldown;
            reports() -> Vec<ArchivedReport>;
            export_report(query: ReportQuery) -> ArchivedReport;
            /// The stored PDF's bytes, its fingerprint checked by the shell before they are sent.
            open_report(id: i64) -> Vec<u8>;
            compare_reports(from: i64, to: i64) -> ReportComparison;
            /// Shows the system's save dialog; the saved path, or null when cancelled.
            save_report_copy(id: i64) -> Option<String>;
            sources() -> SourcesView;
            set_up_company(company: String, timezone: String) -> ();
            save_vendor(vendor: VendorInput) -> ();
            /// Writes the vendor's contract into sightline.toml; the figures are recomputed against it.
            save_contract(vendor: String, contract: ContractInput) -> ();
            remove_vendor(id: String) -> ();
            save_source(source: SourceInput) -> ();
            remove_source(id: String) -> ();
            /// Credentials go straight to the keychain; nothing ever returns them.
            set_secret(source: String, secret: String) -> ();
            test_connection(id: String) -> ConnectionTest;
            settings() -> SettingsView;
            save_settings(settings: SettingsInput) -> SettingsView;
            /// Removes a source gone from sightline.toml, with its records (an automatic backup is made first).
            forget_source(id: String) -> u64;
            /// Shows the system's save dialog and writes the backup; null when cancelled.
            backup_now(passphrase: String) -> Option<BackupOutcome>;
            /// Shows the system's open dialog and restores the backup over what the app holds; null when cancelled.
            restore_backup(passphrase: String) -> Option<BackupOutcome>;
        }
    };
}
