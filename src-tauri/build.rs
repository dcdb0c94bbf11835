//! Build script of the desktop shell: Tauri's code generation, with the
//! capabilities read from src-tauri/capabilities/.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*").app_manifest(
            tauri_build::AppManifest::new().commands(&[
                "overview",
                "kpis",
                "sync_now",
                "risks",
                "acknowledge",
                "set_action",
                "add_document",
                "save_document_copy",
                "remove_document",
                "add_review",
                "scorecard",
                "vendor_page",
                "trend",
                "drilldown",
                "reports",
                "export_report",
                "open_report",
                "compare_reports",
                "save_report_copy",
                "sources",
                "set_up_company",
                "save_vendor",
                "save_contract",
                "remove_vendor",
                "save_source",
                "remove_source",
                "set_secret",
                "test_connection",
                "settings",
                "save_settings",
                "lock_info",
                "unlock",
                "forget_source",
                "backup_now",
                "restore_backup",
            ]),
        ),
    )
    .expect("tauri build step failed");
}
