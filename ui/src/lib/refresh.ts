// Figures worked out again in the background. The desktop shell sends one
// `results-refreshed` event (no payload) whenever it has recomputed the
// stored figures without being asked: after its hourly sync, or when the app
// opened after a while away served the old figures first. The shell hears
// it once (`watchResultsRefreshed`) and drops what was read ahead; the
// screen on show fetches its data again (`followRefreshes`, or `keepFresh`
// in fresh.svelte.ts), keeping what it shows until the new data arrives.
import { listen } from "@tauri-apps/api/event";
import { forgetReadsAhead } from "../ipc/client";
import { hear, type ShellListener, type StopListening } from "./events";

export const RESULTS_REFRESHED = "results-refreshed";

export type RefreshListener = ShellListener<null>;

const tauriListener: RefreshListener = (onRefresh) => listen<null>(RESULTS_REFRESHED, () => onRefresh(null));

let listener: RefreshListener = tauriListener;

/** Tests swap the listener for a fake; `null` puts the shell's back. */
export function setRefreshListener(fake: RefreshListener | null): void {
  listener = fake ?? tauriListener;
}

const followers = new Set<() => void>();

/**
 * The app shell hears the event, once, until the returned function is
 * called, and tells every screen following it. Without a shell (a plain
 * browser, the unit tests) nothing is heard and nothing fails.
 */
export function watchResultsRefreshed(): StopListening {
  return hear(listener, () => {
    forgetReadsAhead();
    for (const follower of [...followers]) follower();
  });
}

export interface Follower {
  /** Runs a refresh that waited for `busy` to end; nothing when none waits or it is still busy. */
  resume(): void;
  /** Stops following, e.g. when the screen is left. */
  stop(): void;
}

/**
 * Calls `reload` each time the figures were worked out again, until stopped.
 * A refresh heard while `reload` still runs is run once more after it, not
 * twice at once. While `busy()` (a form open, a save or sync under way) the
 * refresh waits, so that nothing being typed is lost; `resume()` runs it
 * once the screen is free again. A failed reload is the screen's to handle
 * (it should keep what it shows); here it only ends that refresh.
 */
export function followRefreshes(reload: () => unknown, busy: () => boolean = () => false): Follower {
  let stopped = false;
  let running = false;
  let due = false;

  function run() {
    if (stopped || running || !due || busy()) return;
    due = false;
    running = true;
    let done: Promise<unknown>;
    try {
      done = Promise.resolve(reload());
    } catch (error) {
      done = Promise.reject(error);
    }
    const settle = () => {
      running = false;
      run();
    };
    done.then(settle, settle);
  }

  function follower() {
    due = true;
    run();
  }

  followers.add(follower);
  return {
    resume: run,
    stop() {
      stopped = true;
      due = false;
      followers.delete(follower);
    },
  };
}
