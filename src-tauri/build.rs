//! Build script of the desktop shell: Tauri's code generation, with the
//! capabilities read from src-tauri/capabilities/ and one permission for
//! each command of the one list (`crates/sightline-api/src/commands.in`).

include!("../crates/sightline-api/src/commands.in");

/// The commands' names, from the list.
macro_rules! names {
    ($( $(#[doc = $doc:literal])* $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty; )*) => {
        &[$(stringify!($name)),*]
    };
}

fn main() {
    println!("cargo::rerun-if-changed=crates/sightline-api/src/commands.in");
    let commands: &[&str] = desktop_commands!(names);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build step failed");
}
