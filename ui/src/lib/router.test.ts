import { afterEach, describe, expect, it, vi } from "vitest";
import { href, navigate, onRouteChange, parseHash, screenLabels, screens, type RouteChange } from "./router";

describe("parseHash", () => {
  it.each([
    ["", { screen: "overview", param: null, parts: [] }],
    ["#", { screen: "overview", param: null, parts: [] }],
    ["#overview", { screen: "overview", param: null, parts: [] }],
    ["#risks", { screen: "risks", param: null, parts: [] }],
    ["#/risks", { screen: "risks", param: null, parts: [] }],
    ["#Settings", { screen: "settings", param: null, parts: [] }],
    ["#vendors/", { screen: "vendors", param: null, parts: [] }],
    ["#vendors/bluepeak", { screen: "vendors", param: "bluepeak", parts: ["bluepeak"] }],
    ["#claims", { screen: "claims", param: null, parts: [] }],
    ["#claims/2026-10", { screen: "claims", param: "2026-10", parts: ["2026-10"] }],
    [
      "#trends/sla_response_compliance_pct/all",
      { screen: "trends", param: "sla_response_compliance_pct/all", parts: ["sla_response_compliance_pct", "all"] },
    ],
    ["#vendors/blue%20peak", { screen: "vendors", param: "blue peak", parts: ["blue peak"] }],
    ["#vendors/100%", { screen: "vendors", param: "100%", parts: ["100%"] }],
    ["#nowhere/else", { screen: "overview", param: null, parts: [] }],
    ["#content", { screen: "overview", param: null, parts: [] }],
  ])("reads %j", (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });
});

describe("href", () => {
  it("builds links that parse back to the same route", () => {
    expect(href("risks")).toBe("#risks");
    expect(href("vendors", "bluepeak")).toBe("#vendors/bluepeak");
    expect(href("trends", "sla_response_compliance_pct", "all")).toBe("#trends/sla_response_compliance_pct/all");
    expect(parseHash(href("vendors", "a/b c"))).toEqual({ screen: "vendors", param: "a/b c", parts: ["a/b c"] });
  });

  it("has a label for every screen", () => {
    expect(screens.map((screen) => screenLabels[screen])).toEqual([
      "Overview",
      "Trends",
      "Vendors",
      "Claimed vs measured",
      "Risks",
      "Reports",
      "Sources",
      "Settings",
    ]);
  });
});

describe("navigate", () => {
  afterEach(() => vi.unstubAllGlobals());

  // Just enough of a browser window: a hash that fires hashchange when set.
  function fakeWindow(initial: string) {
    let hash = initial;
    const target = new EventTarget();
    const history = { state: null, entries: 1, replaceState: (_state: unknown, _title: string, url: string) => (hash = url) };
    const location = {
      get hash() {
        return hash;
      },
      set hash(value: string) {
        hash = value.startsWith("#") ? value : `#${value}`;
        history.entries += 1;
        target.dispatchEvent(new Event("hashchange"));
      },
    };
    const win = Object.assign(target, { location, history });
    vi.stubGlobal("window", win);
    return win;
  }

  it("adds a history entry and reports a change that moves focus", () => {
    const win = fakeWindow("#overview");
    const changes: RouteChange[] = [];
    const stop = onRouteChange((change) => changes.push(change));
    navigate("vendors", ["bluepeak"]);
    expect(win.location.hash).toBe("#vendors/bluepeak");
    expect(win.history.entries).toBe(2);
    expect(changes).toEqual([
      { route: { screen: "vendors", param: "bluepeak", parts: ["bluepeak"] }, replaced: false },
    ]);
    stop();
    navigate("risks");
    expect(changes).toHaveLength(1);
  });

  it("replaces the entry and says so, once", () => {
    const win = fakeWindow("#trends/a");
    const changes: RouteChange[] = [];
    const stop = onRouteChange((change) => changes.push(change));
    navigate("trends", ["b", "all"], { replace: true });
    navigate("trends", ["b", "all"], { replace: true });
    expect(win.location.hash).toBe("#trends/b/all");
    expect(win.history.entries).toBe(1);
    expect(changes).toEqual([{ route: { screen: "trends", param: "b/all", parts: ["b", "all"] }, replaced: true }]);
    stop();
  });
});
