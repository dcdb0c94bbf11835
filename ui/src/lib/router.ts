// Hash routes: `#<screen>` or `#<screen>/<part>/<part>…`, e.g.
// `#vendors/bluepeak` or `#trends/sla_response_compliance_pct/all`.
//
// The shell renders the screen and hands it `param` (everything after the
// screen, decoded, or null) and `parts` (the same split at "/"). Moving to
// another screen mounts it afresh; a new param on the same screen only
// updates the props, so a screen reads them with $derived or $effect.

export const screens = ["overview", "trends", "vendors", "claims", "risks", "reports", "sources", "settings"] as const;

export type Screen = (typeof screens)[number];

export const screenLabels: Record<Screen, string> = {
  overview: "Overview",
  trends: "Trends",
  vendors: "Vendors",
  claims: "Claimed vs measured",
  risks: "Risks",
  reports: "Reports",
  sources: "Sources",
  settings: "Settings",
};

export interface Route {
  screen: Screen;
  /** The parts after the screen joined with "/", or null when there are none. */
  param: string | null;
  parts: string[];
}

/** The props the shell gives every screen. */
export interface ScreenProps {
  param: string | null;
  parts: string[];
}

export function isScreen(name: string): name is Screen {
  return (screens as readonly string[]).includes(name);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Reads a location hash; anything unknown is the Overview. */
export function parseHash(hash: string): Route {
  const [first = "", ...rest] = hash.replace(/^#\/?/, "").split("/");
  const screen = decode(first).toLowerCase();
  if (!isScreen(screen)) return { screen: "overview", param: null, parts: [] };
  const parts = rest.filter((part) => part !== "").map(decode);
  return { screen, param: parts.length > 0 ? parts.join("/") : null, parts };
}

/** The link to a screen, e.g. href("vendors", "bluepeak") is "#vendors/bluepeak". */
export function href(screen: Screen, ...parts: string[]): string {
  return "#" + [screen, ...parts.map((part) => encodeURIComponent(part))].join("/");
}

export function currentRoute(): Route {
  return parseHash(window.location.hash);
}

export interface RouteChange {
  route: Route;
  /** True when the change came from navigate(…, { replace: true }). */
  replaced: boolean;
}

const replaceListeners = new Set<(change: RouteChange) => void>();

/**
 * Goes to a screen. `replace` swaps the current history entry instead of
 * adding one and leaves the keyboard focus where it is: use it when a screen
 * records a choice in the address (a filter, a selected row), not for moving
 * the person somewhere new.
 */
export function navigate(screen: Screen, parts: string[] = [], options: { replace?: boolean } = {}): void {
  const target = href(screen, ...parts);
  if (options.replace) {
    if (window.location.hash === target) return;
    // replaceState fires no hashchange, so tell the listeners here.
    window.history.replaceState(window.history.state, "", target);
    const change = { route: parseHash(target), replaced: true };
    for (const listener of replaceListeners) listener(change);
  } else {
    window.location.hash = target;
  }
}

/** Calls `listener` on every route change; returns the function that stops it. */
export function onRouteChange(listener: (change: RouteChange) => void): () => void {
  const onHashChange = () => listener({ route: currentRoute(), replaced: false });
  window.addEventListener("hashchange", onHashChange);
  replaceListeners.add(listener);
  return () => {
    window.removeEventListener("hashchange", onHashChange);
    replaceListeners.delete(listener);
  };
}
