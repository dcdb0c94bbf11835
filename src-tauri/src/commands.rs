//! Tauri commands: each is a one-line delegation to `sightline-api`.

use sightline_api::{ApiError, Desktop, KpiQuery, KpiRow, Overview};
use tauri::State;

#[tauri::command]
pub fn overview(desktop: State<'_, Desktop>) -> Result<Overview, ApiError> {
    desktop.api()?.overview()
}

#[tauri::command]
pub fn kpis(desktop: State<'_, Desktop>, query: KpiQuery) -> Result<Vec<KpiRow>, ApiError> {
    desktop.api()?.kpis(&query)
}
