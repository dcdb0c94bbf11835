// The screens drawn once, unseen, while the user reads the first one. A
// screen's first visit in a web view costs far more than its second: its
// code is compiled, its styles matched and its layout done for the first
// time. Drawing each screen once off screen pays that while nobody waits.
//
// They are drawn inside a closed shadow root, with the page's own style
// sheets, off the screen, inert and hidden from assistive technology, so
// nothing outside (a query, a screen reader, the keyboard) ever meets them.
import { mount, tick, unmount, type Component } from "svelte";

/** How long one screen may take to say its data is shown before it is left. */
export const WARM_SCREEN_MS = 2_000;

/** Painted with its data: a long list's first window is enough to warm it. */
function ready(root: ParentNode): boolean {
  return root.querySelector("[data-ready=true], [data-shown=true]") !== null;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Draws each screen in turn, unseen, until its data is shown, and removes
 * it again. Stops early when `stopped()` says so (the user started moving
 * around, or the app was locked). Never throws: a screen that fails to
 * draw here only misses its warm-up.
 */
export async function warmUp<P extends Record<string, unknown>>(
  views: ReadonlyArray<Component<P>>,
  props: P,
  stopped: () => boolean,
): Promise<void> {
  if (stopped()) return;
  const host = document.createElement("div");
  host.inert = true;
  host.setAttribute("aria-hidden", "true");
  host.className = "warm-up"; // off the screen: app.css
  const root = host.attachShadow({ mode: "closed" });
  for (const sheet of document.querySelectorAll('link[rel="stylesheet"], style')) root.append(sheet.cloneNode(true));
  const target = document.createElement("main");
  target.className = "screen-area"; // laid out as the real one: app.css
  root.append(target);
  document.body.append(host);
  // The style sheet copied in loads like any other: screens drawn before it
  // applies would be laid out unstyled.
  await Promise.all(
    [...root.querySelectorAll("link")].map(
      (link) =>
        new Promise<void>((resolve) => {
          link.addEventListener("load", () => resolve(), { once: true });
          link.addEventListener("error", () => resolve(), { once: true });
          setTimeout(resolve, WARM_SCREEN_MS);
        }),
    ),
  );
  try {
    for (const view of views) {
      if (stopped()) break;
      let instance: Record<string, unknown> | null = null;
      try {
        instance = mount(view, { target, props });
        const started = performance.now();
        while (!ready(root) && performance.now() - started < WARM_SCREEN_MS && !stopped()) await pause(25);
        await tick();
        void target.offsetHeight; // laid out once, as on show
      } catch {
        // this screen is simply not warmed
      } finally {
        try {
          if (instance) await unmount(instance);
        } catch {
          // left as it is; the host goes below
        }
        target.replaceChildren();
      }
      await pause(50); // room for a click between two screens
    }
  } finally {
    host.remove();
  }
}
