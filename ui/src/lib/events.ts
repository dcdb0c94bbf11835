// Events from the desktop shell. Each kind is heard in its own module behind
// a swappable listener, so that tests can fake the shell; subscribing safely
// is the part they share.

export type StopListening = () => void;

/** Starts hearing one kind of event; resolves to the function that stops it. */
export type ShellListener<T> = (onEvent: (payload: T) => void) => Promise<StopListening>;

/**
 * Hears events until the returned function is called. It may be called
 * before the shell has confirmed the subscription (a screen left at once);
 * the subscription is then ended as soon as it exists. Without a shell (a
 * plain browser, the unit tests) nothing is heard and nothing fails.
 */
export function hear<T>(listener: ShellListener<T>, onEvent: (payload: T) => void): StopListening {
  let stopped = false;
  let stop: StopListening | null = null;
  let pending: Promise<StopListening>;
  try {
    pending = listener((payload) => {
      if (!stopped) onEvent(payload);
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
