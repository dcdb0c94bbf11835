//! The desktop shell: Tauri glue only. It opens the company's cache through
//! `sightline-api` at start-up, hands every command to it, and relays sync
//! progress to the window as events.

mod commands;

use std::time::Duration;

use sightline_api::{ApiError, Desktop, SyncQuery, SyncSummary};
use tauri::{AppHandle, Emitter, Manager};

/// How often the open app syncs its sources by itself.
const SYNC_EVERY: Duration = Duration::from_secs(60 * 60);
/// How often it checks whether a scheduled sync is due.
const SCHEDULE_TICK: Duration = Duration::from_secs(60);

/// Syncs through `sightline-api`, sending each progress step to the window
/// as a `sync-progress` event.
pub(crate) fn sync_with_events(app: &AppHandle, query: &SyncQuery) -> Result<SyncSummary, ApiError> {
    let desktop = app.state::<Desktop>();
    let events = app.clone();
    let summary = desktop.api()?.sync(query, move |progress| {
        // A closed window cannot take the event; the sync goes on.
        let _ = events.emit("sync-progress", progress);
    })?;
    let _ = app.emit("sync-finished", &summary);
    Ok(summary)
}

/// Syncs on a schedule while the app is open, on a thread of its own.
fn start_scheduled_sync(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(SCHEDULE_TICK);
            let due = app.state::<Desktop>().api().and_then(|api| api.sync_due(SYNC_EVERY)).unwrap_or(false);
            if due {
                // The outcome is in the sync log and on each source.
                let _ = sync_with_events(&app, &SyncQuery::default());
            }
        }
    });
}

/// Builds and runs the desktop app.
pub fn run() {
    let desktop = Desktop::start();
    tauri::Builder::default()
        .manage(desktop)
        .setup(|app| {
            start_scheduled_sync(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::overview, commands::kpis, commands::sync_now])
        .run(tauri::generate_context!())
        .expect("the Sightline window could not be started");
}
