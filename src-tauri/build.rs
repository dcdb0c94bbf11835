//! Build script of the desktop shell: Tauri's code generation, with the
//! capabilities read from src-tauri/capabilities/.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(&["overview", "kpis", "sync_now"])),
    )
    .expect("tauri build step failed");
}
