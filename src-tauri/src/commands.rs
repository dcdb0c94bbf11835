//! Tauri commands: each is a one-line delegation to `sightline-api`.

use sightline_api::{ApiError, Desktop, KpiQuery, KpiRow, Overview, SyncQuery, SyncSummary};
use tauri::{AppHandle, Manager, State};

#[tauri::command]
pub fn overview(desktop: State<'_, Desktop>) -> Result<Overview, ApiError> {
    desktop.api()?.overview()
}

#[tauri::command]
pub fn kpis(desktop: State<'_, Desktop>, query: KpiQuery) -> Result<Vec<KpiRow>, ApiError> {
    desktop.api()?.kpis(&query)
}

/// Runs on a worker thread (async), so the window stays responsive while
/// sources sync; progress arrives as `sync-progress` events.
#[tauri::command]
pub async fn sync_now(app: AppHandle, query: SyncQuery) -> Result<SyncSummary, ApiError> {
    app.state::<Desktop>().api()?.sync(&query, crate::progress_events(&app))
}
