import { afterEach, describe, expect, it } from "vitest";
import type { SyncProgress } from "../../ipc/bindings";
import { setProgressListener, watchSyncProgress, type ProgressListener } from "./progress";

/** A fake shell: hands out subscriptions when told to, and can send events. */
function fakeShell() {
  let send: ((progress: SyncProgress) => void) | null = null;
  let confirm: (() => void) | null = null;
  const state = { subscribed: 0, unsubscribed: 0 };
  const listener: ProgressListener = (onProgress) =>
    new Promise((resolve) => {
      state.subscribed += 1;
      send = onProgress;
      confirm = () => resolve(() => (state.unsubscribed += 1));
    });
  return {
    listener,
    state,
    send: (progress: SyncProgress) => send?.(progress),
    confirm: async () => {
      confirm?.();
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

const event: SyncProgress = { source: "bluepeak-psa", phase: "fetching", records: 100, pages: 1 };

describe("sync progress events", () => {
  afterEach(() => setProgressListener(null));

  it("passes events on until stopped, then unsubscribes", async () => {
    const shell = fakeShell();
    setProgressListener(shell.listener);
    const heard: SyncProgress[] = [];
    const stop = watchSyncProgress((progress) => heard.push(progress));
    await shell.confirm();
    shell.send(event);
    expect(heard).toEqual([event]);
    stop();
    expect(shell.state.unsubscribed).toBe(1);
    shell.send(event);
    expect(heard).toHaveLength(1);
    stop();
    expect(shell.state.unsubscribed).toBe(1);
  });

  it("unsubscribes once the shell confirms when stopped before that", async () => {
    const shell = fakeShell();
    setProgressListener(shell.listener);
    const heard: SyncProgress[] = [];
    const stop = watchSyncProgress((progress) => heard.push(progress));
    stop();
    expect(shell.state.unsubscribed).toBe(0);
    await shell.confirm();
    expect(shell.state.unsubscribed).toBe(1);
    shell.send(event);
    expect(heard).toEqual([]);
  });

  it("hears nothing and fails nothing without a shell", async () => {
    setProgressListener(() => {
      throw new Error("no shell");
    });
    const stop = watchSyncProgress(() => {});
    expect(stop).not.toThrow();
    setProgressListener(() => Promise.reject(new Error("no shell")));
    const stopAgain = watchSyncProgress(() => {});
    await Promise.resolve();
    expect(stopAgain).not.toThrow();
  });
});
