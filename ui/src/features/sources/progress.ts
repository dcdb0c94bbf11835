// Sync progress from the desktop shell, which sends one `sync-progress`
// event per step of each source. Kept here, behind a swappable listener, so
// that tests can fake the shell.
import { listen } from "@tauri-apps/api/event";
import type { SyncProgress } from "../../ipc/bindings";

export type StopListening = () => void;

/** Starts hearing progress; resolves to the function that stops it. */
export type ProgressListener = (onProgress: (progress: SyncProgress) => void) => Promise<StopListening>;

const tauriListener: ProgressListener = (onProgress) =>
  listen<SyncProgress>("sync-progress", (event) => onProgress(event.payload));

let listener: ProgressListener = tauriListener;

/** Tests swap the listener for a fake; `null` puts the shell's back. */
export function setProgressListener(fake: ProgressListener | null): void {
  listener = fake ?? tauriListener;
}

/**
 * Hears sync progress until the returned function is called. It may be
 * called before the shell has confirmed the subscription (a screen left at
 * once); the subscription is then ended as soon as it exists. Without a
 * shell (a plain browser) nothing is heard and nothing fails.
 */
export function watchSyncProgress(onProgress: (progress: SyncProgress) => void): StopListening {
  let stopped = false;
  let stop: StopListening | null = null;
  let pending: Promise<StopListening>;
  try {
    pending = listener((progress) => {
      if (!stopped) onProgress(progress);
    });
  } catch {
    return () => {};
  }
  pending.then(
    (unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    },
    () => {},
  );
  return () => {
    if (stopped) return;
    stopped = true;
    stop?.();
    stop = null;
  };
}
