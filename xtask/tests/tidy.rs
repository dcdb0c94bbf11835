//! Tidy: the architecture's invariants (ARCHITECTURE.md, STYLE.md), checked
//! on every test run so that they stay true.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The names of every dependency (normal, dev and build) in a manifest.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let mut names = Vec::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = table.get(section).and_then(|value| value.as_table()) {
            names.extend(deps.keys().cloned());
        }
    }
    names
}

fn core_crates() -> Vec<(String, PathBuf)> {
    let mut crates: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").exists())
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), path))
        .collect();
    crates.sort();
    crates
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | "gen" | ".git" | "dist") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri", "xtask", "tests"] {
        rust_files(&root().join(dir), &mut files);
    }
    files
}

#[test]
fn core_crates_do_not_depend_on_tauri() {
    for (name, path) in core_crates() {
        let deps = dependencies(&path.join("Cargo.toml"));
        let tauri: Vec<_> = deps.iter().filter(|dep| dep.starts_with("tauri")).collect();
        assert!(tauri.is_empty(), "{name} depends on {tauri:?}: core crates never depend on Tauri");
    }
}

#[test]
fn domain_and_engine_do_no_io() {
    const IO_CRATES: &[&str] = &["rusqlite", "reqwest", "tokio", "plotters", "keyring", "hyper", "dirs", "tempfile"];
    for name in ["sightline-domain", "sightline-engine", "sightline-demo"] {
        let path = root().join("crates").join(name);
        for dep in dependencies(&path.join("Cargo.toml")) {
            assert!(!IO_CRATES.contains(&dep.as_str()), "{name} depends on the I/O crate {dep}");
        }
        let mut files = Vec::new();
        rust_files(&path.join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for forbidden in
                ["Utc::now", "SystemTime::now", "Local::now", "Instant::now", "std::fs", "std::net", "std::env"]
            {
                assert!(!text.contains(forbidden), "{} uses {forbidden}: pass it in instead", file.display());
            }
        }
    }
}

#[test]
fn only_the_store_opens_sqlite_and_only_the_api_defines_ipc_types() {
    for (name, path) in core_crates() {
        let deps = dependencies(&path.join("Cargo.toml"));
        let normal: Vec<String> = {
            let table: toml::Table = std::fs::read_to_string(path.join("Cargo.toml")).unwrap().parse().unwrap();
            table
                .get("dependencies")
                .and_then(|d| d.as_table())
                .map(|d| d.keys().cloned().collect())
                .unwrap_or_default()
        };
        if name != "sightline-store" {
            assert!(
                !normal.contains(&"rusqlite".to_string()),
                "{name} depends on rusqlite: only sightline-store opens SQLite"
            );
        }
        if name != "sightline-connectors" {
            assert!(
                !deps.contains(&"reqwest".to_string()),
                "{name} depends on reqwest: only sightline-connectors builds HTTP clients"
            );
        }
        if name != "sightline-api" {
            assert!(!deps.contains(&"ts-rs".to_string()), "{name} derives IPC types: only sightline-api defines them");
        }
    }
}

#[test]
fn the_cli_links_neither_tauri_nor_gtk() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "-p", "sightline-cli", "-e", "normal", "--prefix", "none"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or_default();
        assert!(
            !(name.starts_with("tauri") || name.starts_with("gtk") || name.starts_with("webkit2gtk") || name == "wry"),
            "sightline-cli pulls in {name}"
        );
    }
}

/// `#[tauri::command]`, or `#[tauri::command(async)]` for a sync function
/// that runs off the window's thread.
fn is_command_attribute(line: &str) -> bool {
    matches!(line.trim(), "#[tauri::command]" | "#[tauri::command(async)]")
}

#[test]
fn tauri_commands_are_one_line_delegations() {
    let text = std::fs::read_to_string(root().join("src-tauri/src/commands.rs")).unwrap();
    let mut lines = text.lines().peekable();
    let mut commands = 0;
    while let Some(line) = lines.next() {
        if !is_command_attribute(line) {
            continue;
        }
        commands += 1;
        let signature = lines.next().unwrap();
        assert!(signature.trim_end().ends_with('{'), "write the command signature on one line: {signature}");
        let body = lines.next().unwrap();
        let close = lines.next().unwrap();
        assert_eq!(
            close.trim(),
            "}",
            "the command `{signature}` has more than one line: move the logic into sightline-api"
        );
        assert!(
            body.trim().contains("sightline_api") || body.contains(".api()"),
            "`{signature}` must delegate to sightline-api"
        );
    }
    assert!(commands > 0, "no commands found in src-tauri/src/commands.rs");
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    for file in all_rust_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//!"), "{} must open with a `//!` line saying what it is for", file.display());
    }
}

#[test]
fn no_mod_rs_and_no_skipped_tests() {
    for file in all_rust_files() {
        assert_ne!(file.file_name().unwrap(), "mod.rs", "{}: use foo.rs beside foo/", file.display());
        let text = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("tidy.rs") {
            continue;
        }
        for banned in ["#[ignore", "#[should_panic"] {
            assert!(!text.contains(banned), "{} uses {banned}", file.display());
        }
    }
}

/// On two cores linking is most of a test build: a crate's integration
/// tests are modules of one binary (`tests/it/main.rs`). Targets declared
/// in a manifest (`[[test]]`) are not counted; none of the crates has one.
#[test]
fn each_crate_links_at_most_one_integration_test_binary() {
    for (name, path) in core_crates() {
        let Ok(entries) = std::fs::read_dir(path.join("tests")) else { continue };
        let binaries: Vec<String> = entries
            .map(|entry| entry.unwrap().path())
            .filter(|file| file.extension().is_some_and(|ext| ext == "rs") || file.join("main.rs").exists())
            .map(|file| file.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(binaries.len() <= 1, "{name} has test binaries {binaries:?}: make them modules of tests/it/main.rs");
    }
}

#[test]
fn generated_bindings_are_committed_where_the_ui_imports_them() {
    let bindings = std::fs::read_to_string(root().join("ui/src/ipc/bindings.ts")).unwrap();
    assert!(bindings.starts_with("// Generated by `cargo xtask codegen`"));
    let client = std::fs::read_to_string(root().join("ui/src/ipc/client.ts")).unwrap();
    assert!(client.contains("from \"./bindings\""), "the IPC client must use the generated types");
}

/// A command as `name(argument:Type,...) -> Answer`, spaces removed, from
/// a function signature (`name(app: AppHandle, id: i64) ->
/// Result<Response, ApiError> {`) or an entry of the list (`name(id: i64)
/// -> Vec<u8>`): what Tauri supplies is left out, and the raw answer
/// (`Response`) is the list's `Vec<u8>`.
fn command_shape(text: &str) -> String {
    let (name, rest) = text.split_once('(').unwrap();
    let (arguments, answer) = rest.split_once(") ->").unwrap();
    let mut depth = 0;
    let mut parts = vec![String::new()];
    for character in arguments.chars() {
        match character {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().unwrap().push(character);
    }
    let arguments: Vec<String> = parts
        .iter()
        .map(|part| part.split_whitespace().collect::<String>())
        .filter(|part| !part.is_empty() && !part.starts_with("desktop:State<") && part != "app:AppHandle")
        .collect();
    let answer = answer.trim().trim_end_matches('{').trim();
    let answer = answer.strip_prefix("Result<").and_then(|inner| inner.strip_suffix(", ApiError>")).unwrap_or(answer);
    let answer = if answer == "Response" { "Vec<u8>" } else { answer };
    format!("{}({}) -> {}", name.trim(), arguments.join(","), answer.split_whitespace().collect::<String>())
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

/// A command is written once, in the list in
/// `crates/sightline-api/src/commands.in`, beside its function in
/// `src-tauri/src/commands.rs` with the same arguments and answer. The
/// handler and the build script's permissions are made from the list, and
/// so is the UI's client (generated into bindings.ts); the window's
/// capability is the one other place that names it. Missing one fails only
/// at run time, in the window; here it fails at once, naming the place.
#[test]
fn every_command_is_listed_registered_permitted_and_called_alike() {
    let read = |path: &str| std::fs::read_to_string(root().join(path)).unwrap();
    // Each command function as `name(arguments) -> answer`, leaving out
    // what Tauri supplies (the app, its state) and the `ApiError`.
    let commands_rs = read("src-tauri/src/commands.rs");
    let mut functions = Vec::new();
    let mut lines = commands_rs.lines();
    while let Some(line) = lines.next() {
        if is_command_attribute(line) {
            let mut signature = String::new();
            for line in lines.by_ref() {
                signature.push_str(line.trim());
                signature.push(' ');
                if line.contains('{') {
                    break;
                }
            }
            functions.push(command_shape(signature.split("fn ").nth(1).unwrap()));
        }
    }
    let functions = sorted(functions);
    assert!(functions.len() > 10, "{functions:?}");

    // `name(arguments) -> answer;`, one per line inside the macro.
    let list = read("crates/sightline-api/src/commands.in");
    let entries = sorted(
        list.lines()
            .map(str::trim)
            .filter(|line| !line.starts_with("//") && line.ends_with(';') && line.contains(") -> "))
            .map(|line| {
                let (kind, command) = line.split_once(' ').unwrap();
                assert!(["read", "change"].contains(&kind), "`{line}` in commands.in: mark it `read` or `change`");
                command_shape(command.trim_end_matches(';'))
            })
            .collect(),
    );
    assert_eq!(
        entries, functions,
        "crates/sightline-api/src/commands.in and src-tauri/src/commands.rs disagree (names, arguments or answers)"
    );
    let listed: Vec<String> = entries.iter().map(|entry| entry.split('(').next().unwrap().to_string()).collect();

    let lib = read("src-tauri/src/lib.rs");
    assert!(lib.contains(".invoke_handler(sightline_api::desktop_commands!(handler))"), "the handler is the list's");
    assert!(!lib.contains("generate_handler![commands::"), "no command list written by hand in src-tauri/src/lib.rs");
    let build = read("src-tauri/build.rs");
    assert!(build.contains("desktop_commands!(names)"), "the build script's permissions are the list's");
    assert!(!build.contains(".commands(&["), "no command list written by hand in src-tauri/build.rs");

    let capability: serde_json::Value = serde_json::from_str(&read("src-tauri/capabilities/default.json")).unwrap();
    let allowed = sorted(
        capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|permission| permission.as_str()?.strip_prefix("allow-"))
            .map(|name| name.replace('-', "_"))
            .collect(),
    );
    assert_eq!(allowed, listed, "src-tauri/capabilities/default.json and the command list disagree");

    // `call<Type>("name", ...)`; the definition `call<T>(command: ...)` has no name.
    let called = |text: &str| {
        sorted(
            text.split("call<")
                .skip(1)
                .filter_map(|rest| {
                    let (head, _) = rest.split_once('(')?;
                    let name = rest[head.len() + 1..].strip_prefix('"')?.split('"').next()?;
                    head.ends_with('>').then(|| name.to_string())
                })
                .collect(),
        )
    };
    let bindings = read("ui/src/ipc/bindings.ts");
    assert_eq!(called(&bindings), listed, "the generated client in ui/src/ipc/bindings.ts is out of date");
    let client = read("ui/src/ipc/client.ts");
    assert!(client.contains("export const api = commands(call);"), "the UI's client is the generated one");
    assert_eq!(called(&client), Vec::<String>::new(), "ui/src/ipc/client.ts names a command by hand");
}
