//! The one list of the commands the desktop window may call: each one's
//! name, arguments and answer. Three things are made from it, so they
//! cannot disagree:
//!
//! - the shell's handler (`src-tauri/src/lib.rs`) and, through its build
//!   script (which includes `commands.in`), one permission per command;
//! - the UI's typed client, generated into `ui/src/ipc/bindings.ts`
//!   (`commands(call)`), so no command name is written by hand in the UI;
//! - the tidy test that the window's capabilities allow exactly these
//!   commands and that the UI names none by hand.
//!
//! `desktop_commands!(then)` calls the macro `then` with the whole list.
//! Argument names are the shell's parameter names (the UI sends them in
//! camelCase, as Tauri expects). `Vec<u8>` is the one answer sent as raw
//! bytes (`tauri::ipc::Response`), which the UI receives as an
//! `ArrayBuffer`. The list is in `commands.in`, which the build
//! script includes, where none of the types exist.

include!("commands.in");
