//! The desktop shell: Tauri glue only. It opens the company's cache through
//! `sightline-api` at start-up and hands every command to it.

mod commands;

use sightline_api::Desktop;

/// Builds and runs the desktop app.
pub fn run() {
    let desktop = Desktop::start();
    tauri::Builder::default()
        .manage(desktop)
        .invoke_handler(tauri::generate_handler![commands::overview, commands::kpis])
        .run(tauri::generate_context!())
        .expect("the Sightline window could not be started");
}
