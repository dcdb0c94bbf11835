import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIdleTimer, DEFAULT_IDLE_MINUTES, idleMinutes, setIdleMinutes, watchIdle } from "./idle";

const minute = 60_000;

describe("idle timer", () => {
  let target: EventTarget;
  let idle: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    vi.useFakeTimers();
    target = new EventTarget();
    idle = vi.fn();
  });
  afterEach(() => {
    vi.useRealTimers();
    setIdleMinutes(DEFAULT_IDLE_MINUTES);
  });

  const touch = (type = "pointermove") => target.dispatchEvent(new Event(type));

  it("fires once after the minutes pass without activity", () => {
    createIdleTimer({ minutes: 15, onIdle: idle, target });
    vi.advanceTimersByTime(15 * minute - 1);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(idle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * minute);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it.each(["keydown", "pointerdown", "pointermove", "touchstart", "wheel"])("counts %s as activity", (type) => {
    createIdleTimer({ minutes: 15, onIdle: idle, target });
    vi.advanceTimersByTime(10 * minute);
    touch(type);
    vi.advanceTimersByTime(10 * minute);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5 * minute);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("ignores other events", () => {
    createIdleTimer({ minutes: 1, onIdle: idle, target });
    vi.advanceTimersByTime(30_000);
    touch("focus");
    vi.advanceTimersByTime(30_000);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("locks on the first touch after the computer slept through the limit", () => {
    createIdleTimer({ minutes: 15, onIdle: idle, target });
    // A sleeping computer moves the clock but runs no timers.
    vi.setSystemTime(Date.now() + 2 * 60 * minute);
    touch("keydown");
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("waits while paused and counts afresh after resume", () => {
    const timer = createIdleTimer({ minutes: 5, onIdle: idle, target });
    vi.advanceTimersByTime(4 * minute);
    timer.pause();
    vi.advanceTimersByTime(60 * minute);
    expect(idle).not.toHaveBeenCalled();
    timer.resume();
    vi.advanceTimersByTime(5 * minute - 1);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(idle).toHaveBeenCalledTimes(1);
    timer.resume();
    vi.advanceTimersByTime(5 * minute);
    expect(idle).toHaveBeenCalledTimes(2);
  });

  it("applies a new limit from the last activity", () => {
    const timer = createIdleTimer({ minutes: 15, onIdle: idle, target });
    vi.advanceTimersByTime(3 * minute);
    timer.setMinutes(5);
    vi.advanceTimersByTime(2 * minute - 1);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("locks at once when the new limit has already passed", () => {
    const timer = createIdleTimer({ minutes: 15, onIdle: idle, target });
    vi.advanceTimersByTime(10 * minute);
    timer.setMinutes(5);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("never fires with 0 minutes", () => {
    const timer = createIdleTimer({ minutes: 0, onIdle: idle, target });
    vi.advanceTimersByTime(24 * 60 * minute);
    touch();
    timer.setMinutes(-3);
    vi.advanceTimersByTime(24 * 60 * minute);
    expect(idle).not.toHaveBeenCalled();
  });

  it("stops listening when disposed", () => {
    const timer = createIdleTimer({ minutes: 1, onIdle: idle, target });
    timer.dispose();
    vi.advanceTimersByTime(10 * minute);
    touch();
    expect(idle).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("follows the app setting", () => {
    expect(idleMinutes()).toBe(DEFAULT_IDLE_MINUTES);
    const timer = watchIdle(idle, target);
    vi.advanceTimersByTime(2 * minute);
    setIdleMinutes(3);
    expect(idleMinutes()).toBe(3);
    vi.advanceTimersByTime(1 * minute);
    expect(idle).toHaveBeenCalledTimes(1);
    timer.dispose();
    timer.resume();
    setIdleMinutes(1);
    vi.advanceTimersByTime(10 * minute);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("treats a nonsense setting as off", () => {
    setIdleMinutes(Number.NaN);
    expect(idleMinutes()).toBe(0);
  });
});
