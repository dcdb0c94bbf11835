//! Tauri commands: each is a one-line delegation to `sightline-api`.
//! None runs on the window's thread: a command waits for the store while
//! another one, or the background refresh, uses it, and the window must
//! not freeze meanwhile. Those that need the app (dialogs, events) are
//! `async fn`; the rest are plain functions run off the window's thread
//! (`#[tauri::command(async)]`).

use sightline_api::{
    ActionInput, ApiError, ArchivedReport, BackupOutcome, ClaimsView, ConnectionTest, ContractInput, Desktop,
    DocumentInput, DocumentRow, Drilldown, DrilldownQuery, KpiQuery, KpiRow, LockInfo, Overview, ReportComparison,
    ReportQuery, ReviewInput, ReviewRow, RiskRow, Scorecard, Secret, SettingsInput, SettingsView, SourceInput,
    SourcesView, SyncQuery, SyncSummary, TrendQuery, TrendView, VendorInput, VendorPage,
};
use tauri::ipc::Response;
use tauri::{AppHandle, Manager, State};

#[tauri::command(async)]
pub fn overview(desktop: State<'_, Desktop>) -> Result<Overview, ApiError> {
    desktop.api()?.overview()
}

#[tauri::command(async)]
pub fn kpis(desktop: State<'_, Desktop>, query: KpiQuery) -> Result<Vec<KpiRow>, ApiError> {
    desktop.api()?.kpis(&query)
}

/// Progress arrives as `sync-progress` events.
#[tauri::command]
pub async fn sync_now(app: AppHandle, query: SyncQuery) -> Result<SyncSummary, ApiError> {
    app.state::<Desktop>().api()?.sync(&query, crate::progress_events(&app))
}

#[tauri::command(async)]
pub fn risks(desktop: State<'_, Desktop>, all: bool) -> Result<Vec<RiskRow>, ApiError> {
    desktop.api()?.risks(all)
}

#[tauri::command(async)]
pub fn acknowledge(desktop: State<'_, Desktop>, id: String, note: String) -> Result<RiskRow, ApiError> {
    desktop.api()?.acknowledge(&id, &note)
}

#[tauri::command(async)]
pub fn set_action(desktop: State<'_, Desktop>, id: String, action: ActionInput) -> Result<RiskRow, ApiError> {
    desktop.api()?.set_action(&id, &action)
}

/// Asks for the document's file (the system's open dialog) and puts it on
/// file inside the encrypted cache; none when the user cancels.
#[tauri::command]
pub async fn add_document(app: AppHandle, document: DocumentInput) -> Result<Option<DocumentRow>, ApiError> {
    app.state::<Desktop>().api()?.add_document_chosen(&document, || crate::choose_document_file(&app))
}

/// Asks where to save a copy of a document on file and writes it there.
#[tauri::command]
pub async fn save_document_copy(app: AppHandle, id: i64) -> Result<Option<String>, ApiError> {
    app.state::<Desktop>().api()?.save_document_chosen(id, |doc| crate::choose_document_path(&app, doc))
}

/// Takes a document off file; the window asks before calling it.
#[tauri::command(async)]
pub fn remove_document(desktop: State<'_, Desktop>, id: i64) -> Result<(), ApiError> {
    desktop.api()?.remove_document(id)
}

#[tauri::command(async)]
pub fn add_review(desktop: State<'_, Desktop>, review: ReviewInput) -> Result<ReviewRow, ApiError> {
    desktop.api()?.add_review(&review)
}

#[tauri::command(async)]
pub fn scorecard(desktop: State<'_, Desktop>, period: Option<String>) -> Result<Scorecard, ApiError> {
    desktop.api()?.scorecard(period.as_deref())
}

/// What each provider's tools report beside what Sightline measured (by default the last complete month).
#[tauri::command(async)]
pub fn claims(desktop: State<'_, Desktop>, period: Option<String>) -> Result<ClaimsView, ApiError> {
    desktop.api()?.claims(period.as_deref())
}

#[tauri::command(async)]
pub fn vendor_page(desktop: State<'_, Desktop>, id: String, period: Option<String>) -> Result<VendorPage, ApiError> {
    desktop.api()?.vendor_page(&id, period.as_deref())
}

#[tauri::command(async)]
pub fn trend(desktop: State<'_, Desktop>, query: TrendQuery) -> Result<TrendView, ApiError> {
    desktop.api()?.trend(&query)
}

#[tauri::command(async)]
pub fn drilldown(desktop: State<'_, Desktop>, query: DrilldownQuery) -> Result<Drilldown, ApiError> {
    desktop.api()?.drilldown(&query)
}

#[tauri::command(async)]
pub fn reports(desktop: State<'_, Desktop>) -> Result<Vec<ArchivedReport>, ApiError> {
    desktop.api()?.reports()
}

/// Makes and archives the board report; the window then offers to save a copy.
#[tauri::command]
pub async fn export_report(app: AppHandle, query: ReportQuery) -> Result<ArchivedReport, ApiError> {
    app.state::<Desktop>().api()?.export_report(&query, None).map(|(report, _)| report)
}

/// The stored PDF's bytes, its SHA-256 checked, for the in-app viewer.
#[tauri::command]
pub async fn open_report(app: AppHandle, id: i64) -> Result<Response, ApiError> {
    app.state::<Desktop>().api()?.open_report(id).map(|(_, pdf)| Response::new(pdf))
}

#[tauri::command(async)]
pub fn compare_reports(desktop: State<'_, Desktop>, from: i64, to: i64) -> Result<ReportComparison, ApiError> {
    desktop.api()?.compare_reports(from, to)
}

/// Asks where to save a copy of a stored report (the system's save dialog)
/// and writes it there; none when the user cancels.
#[tauri::command]
pub async fn save_report_copy(app: AppHandle, id: i64) -> Result<Option<String>, ApiError> {
    app.state::<Desktop>().api()?.save_report_copy(id, |report| crate::choose_pdf_path(&app, report))
}

#[tauri::command(async)]
pub fn sources(desktop: State<'_, Desktop>) -> Result<SourcesView, ApiError> {
    desktop.api()?.sources_view()
}

#[tauri::command(async)]
pub fn set_up_company(desktop: State<'_, Desktop>, company: String, timezone: String) -> Result<(), ApiError> {
    desktop.api()?.set_up_company(&company, &timezone)
}

#[tauri::command(async)]
pub fn save_vendor(desktop: State<'_, Desktop>, vendor: VendorInput) -> Result<(), ApiError> {
    desktop.api()?.save_vendor(&vendor)
}

/// Writes the contract into `sightline.toml`, then recomputes the figures against it.
#[tauri::command]
pub async fn save_contract(app: AppHandle, vendor: String, contract: ContractInput) -> Result<(), ApiError> {
    app.state::<Desktop>().api()?.save_contract(&vendor, &contract)
}

#[tauri::command(async)]
pub fn remove_vendor(desktop: State<'_, Desktop>, id: String) -> Result<(), ApiError> {
    desktop.api()?.remove_vendor(&id)
}

#[tauri::command(async)]
pub fn save_source(desktop: State<'_, Desktop>, source: SourceInput) -> Result<(), ApiError> {
    desktop.api()?.save_source(&source)
}

#[tauri::command(async)]
pub fn remove_source(desktop: State<'_, Desktop>, id: String) -> Result<(), ApiError> {
    desktop.api()?.remove_source(&id)
}

/// Credentials go from the form straight to the keychain; nothing returns them.
#[tauri::command(async)]
pub fn set_secret(desktop: State<'_, Desktop>, source: String, secret: String) -> Result<(), ApiError> {
    desktop.api()?.set_secret(&source, Secret::new(secret))
}

#[tauri::command]
pub async fn test_connection(app: AppHandle, id: String) -> Result<ConnectionTest, ApiError> {
    app.state::<Desktop>().api()?.test_connection(&id)
}

#[tauri::command(async)]
pub fn settings(desktop: State<'_, Desktop>) -> Result<SettingsView, ApiError> {
    desktop.api()?.settings_view()
}

#[tauri::command]
pub async fn save_settings(app: AppHandle, settings: SettingsInput) -> Result<SettingsView, ApiError> {
    app.state::<Desktop>().api()?.save_settings(&settings)
}

#[tauri::command(async)]
pub fn lock_info(desktop: State<'_, Desktop>) -> Result<LockInfo, ApiError> {
    desktop.api()?.lock_info()
}

#[tauri::command]
pub async fn unlock(app: AppHandle, passphrase: Option<String>) -> Result<(), ApiError> {
    app.state::<Desktop>().api()?.unlock(passphrase)
}

/// Removes a source gone from `sightline.toml`, with its records (an
/// automatic backup is made first); the window asks before calling it.
#[tauri::command]
pub async fn forget_source(app: AppHandle, id: String) -> Result<u64, ApiError> {
    app.state::<Desktop>().api()?.forget_source(&id)
}

/// Asks where to save a backup (the system's save dialog) and writes it
/// there, locked with `passphrase`; none when the user cancels.
#[tauri::command]
pub async fn backup_now(app: AppHandle, passphrase: String) -> Result<Option<BackupOutcome>, ApiError> {
    app.state::<Desktop>().api()?.backup_to_chosen(&Secret::new(passphrase), || crate::choose_backup_path(&app))
}

/// Asks for a backup file (the system's open dialog) and restores it over
/// what the app holds; the window asks before calling it.
#[tauri::command]
pub async fn restore_backup(app: AppHandle, passphrase: String) -> Result<Option<BackupOutcome>, ApiError> {
    app.state::<Desktop>().api()?.restore_chosen(&Secret::new(passphrase), || crate::choose_backup_file(&app))
}
