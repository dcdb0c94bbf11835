// Notices when nobody has touched the keyboard, mouse, touch screen or wheel
// for a while, so the shell can lock.
//
// It compares clock times rather than trusting one long timeout: timers stop
// while a laptop sleeps and slow down in a background window, and the first
// touch after such a gap must lock rather than count as fresh activity.

export const DEFAULT_IDLE_MINUTES = 15;

export const activityEvents = ["keydown", "pointerdown", "pointermove", "touchstart", "wheel"] as const;

export interface IdleTimerOptions {
  /** Minutes without activity before `onIdle`; 0 or less never calls it. */
  minutes: number;
  onIdle: () => void;
  /** Where activity is heard; the window by default. */
  target?: EventTarget;
}

export interface IdleTimer {
  /** Changes the limit, still counting from the last activity. */
  setMinutes(minutes: number): void;
  /** Stops counting, e.g. while locked. `onIdle` is paused this way too once it has been called. */
  pause(): void;
  /** Starts counting again from now, e.g. after unlocking. */
  resume(): void;
  /** Stops listening for good. */
  dispose(): void;
}

export function createIdleTimer({ minutes, onIdle, target = window }: IdleTimerOptions): IdleTimer {
  let limitMs = toMs(minutes);
  let lastActivity = Date.now();
  let running = true;
  let disposed = false;
  let timeout: ReturnType<typeof setTimeout> | undefined;

  function schedule() {
    clearTimeout(timeout);
    timeout = undefined;
    if (!running || limitMs <= 0) return;
    const left = lastActivity + limitMs - Date.now();
    if (left <= 0) {
      running = false;
      onIdle();
    } else {
      timeout = setTimeout(schedule, left);
    }
  }

  function onActivity() {
    if (!running) return;
    if (limitMs > 0 && Date.now() - lastActivity >= limitMs) {
      schedule();
      return;
    }
    // Only moves a time stamp: pointermove fires far too often to reset a timer each time.
    lastActivity = Date.now();
  }

  const listenerOptions = { capture: true, passive: true };
  for (const type of activityEvents) target.addEventListener(type, onActivity, listenerOptions);
  schedule();

  return {
    setMinutes(next) {
      limitMs = toMs(next);
      schedule();
    },
    pause() {
      running = false;
      schedule();
    },
    resume() {
      if (disposed) return;
      running = true;
      lastActivity = Date.now();
      schedule();
    },
    dispose() {
      disposed = true;
      running = false;
      schedule();
      for (const type of activityEvents) target.removeEventListener(type, onActivity, listenerOptions);
    },
  };
}

function toMs(minutes: number): number {
  return Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : 0;
}

// The app's own setting, shared by the shell's timer and the Settings screen.

let appMinutes = DEFAULT_IDLE_MINUTES;
const appTimers = new Set<IdleTimer>();

/** Sets how many idle minutes lock Sightline (0 turns locking off); applies at once. */
export function setIdleMinutes(minutes: number): void {
  appMinutes = Number.isFinite(minutes) && minutes > 0 ? minutes : 0;
  for (const timer of appTimers) timer.setMinutes(appMinutes);
}

export function idleMinutes(): number {
  return appMinutes;
}

/** An idle timer that follows setIdleMinutes. */
export function watchIdle(onIdle: () => void, target?: EventTarget): IdleTimer {
  const timer = createIdleTimer({ minutes: appMinutes, onIdle, target });
  appTimers.add(timer);
  return {
    ...timer,
    dispose() {
      appTimers.delete(timer);
      timer.dispose();
    },
  };
}

const lockHandlers = new Set<() => void>();

/** Locks now, as the idle timer would: for "Lock now" buttons outside the shell. */
export function requestLock(): void {
  for (const handler of lockHandlers) handler();
}

/** The shell registers how it locks; returns the way to stop. */
export function onLockRequest(handler: () => void): () => void {
  lockHandlers.add(handler);
  return () => lockHandlers.delete(handler);
}
