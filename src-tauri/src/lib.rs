//! The desktop shell: Tauri glue only. It opens the company's cache through
//! `sightline-api` at start-up, hands every command to it, relays sync
//! progress to the window as events, refreshes old results in the
//! background, remembers the window's size and place,
//! and shows the system's save dialog for report copies.

mod commands;

use std::path::PathBuf;
use std::time::Duration;

use sightline_api::{ArchivedReport, Desktop, SyncProgress, SyncQuery};
use tauri::{AppHandle, Emitter, Manager, WindowEvent};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The handler of every command in the one list
/// (`crates/sightline-api/src/commands.in`), each in `commands.rs`.
macro_rules! handler {
    ($( $(#[doc = $doc:literal])* $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty; )*) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

/// How often the open app syncs its sources by itself.
const SYNC_EVERY: Duration = Duration::from_secs(60 * 60);
/// How often it checks whether a scheduled sync is due, and whether the
/// stored results need refreshing.
const SCHEDULE_TICK: Duration = Duration::from_secs(60);
/// When the first background refresh starts: after the first screen.
const FIRST_REFRESH_AFTER: Duration = Duration::from_secs(3);

/// Sends each sync progress step to the window as a `sync-progress` event.
pub(crate) fn progress_events(app: &AppHandle) -> impl Fn(SyncProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |progress| {
        // A closed window cannot take the event; the sync goes on.
        let _ = app.emit("sync-progress", progress);
    }
}

/// Where to save a copy of a report: the system's save dialog. The
/// end-to-end tests, which cannot drive a native dialog, name a folder in
/// `SIGHTLINE_SAVE_REPORTS_TO` instead.
pub(crate) fn choose_pdf_path(app: &AppHandle, report: &ArchivedReport) -> Option<PathBuf> {
    let name = format!("Sightline board report {}.pdf", report.period);
    if let Some(folder) = std::env::var_os("SIGHTLINE_SAVE_REPORTS_TO") {
        return Some(PathBuf::from(folder).join(name));
    }
    app.dialog()
        .file()
        .set_title("Save a copy of the board report")
        .set_file_name(&name)
        .add_filter("PDF document", &["pdf"])
        .blocking_save_file()
        .and_then(|path| path.into_path().ok())
}

/// Which file to put on file as evidence: the system's open dialog, or in
/// the end-to-end tests the file `SIGHTLINE_EVIDENCE_FROM`.
pub(crate) fn choose_document_file(app: &AppHandle) -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("SIGHTLINE_EVIDENCE_FROM") {
        return Some(PathBuf::from(file));
    }
    app.dialog()
        .file()
        .set_title("Choose the document to keep on file")
        .blocking_pick_file()
        .and_then(|path| path.into_path().ok())
}

/// Where to save a copy of a document on file: the system's save dialog,
/// or in the end-to-end tests the folder `SIGHTLINE_SAVE_REPORTS_TO`.
pub(crate) fn choose_document_path(app: &AppHandle, document: &sightline_api::DocumentRow) -> Option<PathBuf> {
    if let Some(folder) = std::env::var_os("SIGHTLINE_SAVE_REPORTS_TO") {
        return Some(PathBuf::from(folder).join(&document.file_name));
    }
    app.dialog()
        .file()
        .set_title("Save a copy of the document")
        .set_file_name(&document.file_name)
        .blocking_save_file()
        .and_then(|path| path.into_path().ok())
}

/// Where to save a backup: the system's save dialog, or in the end-to-end
/// tests the folder `SIGHTLINE_SAVE_BACKUPS_TO`.
pub(crate) fn choose_backup_path(app: &AppHandle) -> Option<PathBuf> {
    let name = "Sightline backup.sightline-backup";
    if let Some(folder) = std::env::var_os("SIGHTLINE_SAVE_BACKUPS_TO") {
        return Some(PathBuf::from(folder).join(name));
    }
    app.dialog()
        .file()
        .set_title("Save a backup of Sightline's data")
        .set_file_name(name)
        .add_filter("Sightline backup", &["sightline-backup"])
        .blocking_save_file()
        .and_then(|path| path.into_path().ok())
}

/// Which backup to restore: the system's open dialog, or in the end-to-end
/// tests the file `SIGHTLINE_RESTORE_FROM`.
pub(crate) fn choose_backup_file(app: &AppHandle) -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("SIGHTLINE_RESTORE_FROM") {
        return Some(PathBuf::from(file));
    }
    app.dialog()
        .file()
        .set_title("Choose a Sightline backup to restore")
        .add_filter("Sightline backup", &["sightline-backup"])
        .blocking_pick_file()
        .and_then(|path| path.into_path().ok())
}

/// Syncs on a schedule while the app is open, on a thread of its own.
fn start_scheduled_sync(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(SCHEDULE_TICK);
            let desktop = app.state::<Desktop>();
            let Ok(api) = desktop.api() else { continue };
            if api.sync_due(SYNC_EVERY).unwrap_or(false) {
                // The outcome is in the sync log and on each source; the
                // window reads its figures again.
                let _ = api.sync(&SyncQuery::default(), progress_events(&app));
                let _ = app.emit("results-refreshed", ());
            }
        }
    });
}

/// Keeps the stored results current on a thread of its own: reads serve
/// results that are only old at once, and the window is told to read
/// again once they are refreshed. The first refresh waits until the first
/// screen has been served.
fn start_background_refresh(app: AppHandle) {
    if let Ok(api) = app.state::<Desktop>().api() {
        api.serve_old_results(true);
    }
    std::thread::spawn(move || {
        std::thread::sleep(FIRST_REFRESH_AFTER);
        loop {
            let desktop = app.state::<Desktop>();
            if let Ok(api) = desktop.api()
                && let Ok(true) = api.ensure_assessed()
            {
                let _ = app.emit("results-refreshed", ());
            }
            std::thread::sleep(SCHEDULE_TICK);
        }
    });
}

/// Where the machine has no GPU (no render node under `/dev/dri`: a virtual
/// machine, a remote desktop), WebKit's GPU compositing draws every layer
/// through a software rasteriser and holds a copy of each. Drawing without
/// it measured 261 MiB against 403 MiB for the app and its WebKit
/// processes, and about half the time from a click to the screen painted
/// (`cargo bench -p sightline-e2e --bench desktop`, see ARCHITECTURE.md).
#[cfg(target_os = "linux")]
fn draw_without_gpu_compositing_when_no_gpu(app: &tauri::App) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if has_gpu() {
        return;
    }
    for window in app.webview_windows().values() {
        // A window that cannot take the setting keeps WebKit's default.
        let _ = window.with_webview(|webview| {
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn draw_without_gpu_compositing_when_no_gpu(_app: &tauri::App) {}

/// A GPU WebKit can draw with: a DRM render node.
#[cfg(target_os = "linux")]
fn has_gpu() -> bool {
    std::fs::read_dir("/dev/dri")
        .is_ok_and(|entries| entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")))
}

/// Builds and runs the desktop app.
pub fn run() {
    let desktop = Desktop::start();
    tauri::Builder::default()
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(desktop)
        // Kept as it changes, not only on a clean exit, so a crash or a
        // forced quit still reopens the window where it was.
        .on_window_event(|window, event| {
            if matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
                let _ = window.app_handle().save_window_state(StateFlags::all());
            }
        })
        .setup(|app| {
            draw_without_gpu_compositing_when_no_gpu(app);
            start_scheduled_sync(app.handle().clone());
            start_background_refresh(app.handle().clone());
            Ok(())
        })
        .invoke_handler(sightline_api::desktop_commands!(handler))
        .run(tauri::generate_context!())
        .expect("the Sightline window could not be started");
}
