import { afterEach, describe, expect, it, vi } from "vitest";
import {
  followRefreshes,
  RESULTS_REFRESHED,
  setRefreshListener,
  watchResultsRefreshed,
  type Follower,
  type RefreshListener,
} from "./refresh";
import { api, forgetReadsAhead, readAhead, setTransport } from "../ipc/client";

// The shell's own listener, recorded instead of subscribing through Tauri.
const listened = vi.hoisted(() => [] as string[]);
vi.mock("@tauri-apps/api/event", () => ({
  listen: async (event: string) => {
    listened.push(event);
    return () => {};
  },
}));

/** A fake shell: confirms subscriptions at once and can send the event. */
function fakeShell() {
  let send: ((payload: null) => void) | null = null;
  const state = { subscribed: 0, unsubscribed: 0 };
  const listener: RefreshListener = (onRefresh) => {
    state.subscribed += 1;
    send = onRefresh;
    return Promise.resolve(() => (state.unsubscribed += 1));
  };
  return { listener, state, send: () => send?.(null) };
}

/** Lets promise callbacks run. */
async function settle() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A reload that finishes when told to. */
function slowReload() {
  const finishers: (() => void)[] = [];
  const reload = vi.fn(() => new Promise<void>((resolve) => finishers.push(resolve)));
  return {
    reload,
    finish: async () => {
      finishers.shift()?.();
      await settle();
    },
  };
}

describe("results refreshed in the background", () => {
  const following: Follower[] = [];
  let stopShell: (() => void) | null = null;

  function follow(reload: () => unknown, busy?: () => boolean): Follower {
    const follower = followRefreshes(reload, busy);
    following.push(follower);
    return follower;
  }

  function startShell() {
    const shell = fakeShell();
    setRefreshListener(shell.listener);
    stopShell = watchResultsRefreshed();
    return shell;
  }

  afterEach(() => {
    for (const follower of following.splice(0)) follower.stop();
    stopShell?.();
    stopShell = null;
    setRefreshListener(null);
  });

  it("listens for the shell's results-refreshed event", async () => {
    listened.length = 0;
    setRefreshListener(null);
    stopShell = watchResultsRefreshed();
    await settle();
    expect(RESULTS_REFRESHED).toBe("results-refreshed");
    expect(listened).toEqual(["results-refreshed"]);
  });

  it("makes the screen on show load its data once per event", async () => {
    const shell = startShell();
    await settle();
    const reload = vi.fn(async () => {});
    follow(reload);
    expect(reload).not.toHaveBeenCalled();
    shell.send();
    expect(reload).toHaveBeenCalledTimes(1);
    await settle();
    shell.send();
    expect(reload).toHaveBeenCalledTimes(2);
    expect(shell.state.subscribed).toBe(1);
  });

  it("has the screen read afresh, not what was read ahead before the refresh", async () => {
    let asked = 0;
    setTransport(async () => ++asked);
    const shell = startShell();
    await settle();
    await readAhead();
    let shown: unknown = null;
    follow(async () => (shown = await api.scorecard(null)));
    shell.send();
    await settle();
    expect(shown).toBe(9);
    forgetReadsAhead();
    setTransport(async () => undefined);
  });

  it("runs once more after a reload under way, never two at once", async () => {
    const shell = startShell();
    await settle();
    const slow = slowReload();
    follow(slow.reload);
    shell.send();
    shell.send();
    shell.send();
    expect(slow.reload).toHaveBeenCalledTimes(1);
    await slow.finish();
    expect(slow.reload).toHaveBeenCalledTimes(2);
    await slow.finish();
    expect(slow.reload).toHaveBeenCalledTimes(2);
  });

  it("waits while a form is open, then reloads once when it closes", async () => {
    const shell = startShell();
    await settle();
    const reload = vi.fn(async () => {});
    let formOpen = true;
    const follower = follow(reload, () => formOpen);
    shell.send();
    shell.send();
    follower.resume();
    expect(reload).not.toHaveBeenCalled();
    formOpen = false;
    follower.resume();
    expect(reload).toHaveBeenCalledTimes(1);
    await settle();
    follower.resume();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("keeps following after a reload fails", async () => {
    const shell = startShell();
    await settle();
    const reload = vi.fn(async () => {
      throw new Error("the cache is busy");
    });
    follow(reload);
    shell.send();
    await settle();
    shell.send();
    expect(reload).toHaveBeenCalledTimes(2);
  });

  it("stops reloading a screen that was left, and unsubscribes the shell", async () => {
    const shell = startShell();
    await settle();
    const left = vi.fn(async () => {});
    const shown = vi.fn(async () => {});
    follow(left).stop();
    follow(shown);
    shell.send();
    expect(left).not.toHaveBeenCalled();
    expect(shown).toHaveBeenCalledTimes(1);
    stopShell?.();
    expect(shell.state.unsubscribed).toBe(1);
    shell.send();
    expect(shown).toHaveBeenCalledTimes(1);
  });

  it("hears nothing and fails nothing without a shell", async () => {
    setRefreshListener(() => {
      throw new Error("no shell");
    });
    const stop = watchResultsRefreshed();
    expect(stop).not.toThrow();
    setRefreshListener(() => Promise.reject(new Error("no shell")));
    const stopAgain = watchResultsRefreshed();
    await settle();
    expect(stopAgain).not.toThrow();
  });
});
