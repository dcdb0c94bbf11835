//! The desktop shell: Tauri glue only. It opens the company's cache through
//! `sightline-api` at start-up, hands every command to it, and relays sync
//! progress to the window as events.

mod commands;

use std::time::Duration;

use sightline_api::{Desktop, SyncProgress, SyncQuery};
use tauri::{AppHandle, Emitter, Manager};

/// How often the open app syncs its sources by itself.
const SYNC_EVERY: Duration = Duration::from_secs(60 * 60);
/// How often it checks whether a scheduled sync is due.
const SCHEDULE_TICK: Duration = Duration::from_secs(60);

/// Sends each sync progress step to the window as a `sync-progress` event.
pub(crate) fn progress_events(app: &AppHandle) -> impl Fn(SyncProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |progress| {
        // A closed window cannot take the event; the sync goes on.
        let _ = app.emit("sync-progress", progress);
    }
}

/// Syncs on a schedule while the app is open, on a thread of its own.
fn start_scheduled_sync(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(SCHEDULE_TICK);
            let desktop = app.state::<Desktop>();
            let Ok(api) = desktop.api() else { continue };
            if api.sync_due(SYNC_EVERY).unwrap_or(false) {
                // The outcome is in the sync log and on each source.
                let _ = api.sync(&SyncQuery::default(), progress_events(&app));
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
