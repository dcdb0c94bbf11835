// Sync progress from the desktop shell, which sends one `sync-progress`
// event per step of each source. Kept here, behind a swappable listener, so
// that tests can fake the shell.
import { listen } from "@tauri-apps/api/event";
import type { SyncProgress } from "../../ipc/bindings";
import { hear, type ShellListener, type StopListening } from "../../lib/events";

export type { StopListening };

/** Starts hearing progress; resolves to the function that stops it. */
export type ProgressListener = ShellListener<SyncProgress>;

const tauriListener: ProgressListener = (onProgress) =>
  listen<SyncProgress>("sync-progress", (event) => onProgress(event.payload));

let listener: ProgressListener = tauriListener;

/** Tests swap the listener for a fake; `null` puts the shell's back. */
export function setProgressListener(fake: ProgressListener | null): void {
  listener = fake ?? tauriListener;
}

/**
 * Hears sync progress until the returned function is called (see `hear`:
 * safe to stop at once, and silent without a shell).
 */
export function watchSyncProgress(onProgress: (progress: SyncProgress) => void): StopListening {
  return hear(listener, onProgress);
}
