import { describe, expect, it } from "vitest";
import type { Overview, Tile } from "../../ipc/bindings";
import { orderedTiles, statusLook, tileSummary, trendLook } from "./present";

function tile(area: Tile["area"], overrides: Partial<Tile> = {}): Tile {
  return {
    area,
    title: "Service levels",
    measure: "Tickets answered within the contracted time",
    metric: "sla_response_compliance_pct",
    value: 80,
    value_text: "80.0%",
    target: 95,
    target_text: "target 95.0% or more",
    status: "missed",
    trend: "worse",
    trend_text: "from 84.2% in October 2026",
    detail: "",
    explanation: "",
    freshness_text: "as of 35 min ago",
    sparkline_svg: "",
    provenance_text: "From Bluepeak service desk; 120 records",
    fetched_at: null,
    ...overrides,
  };
}

describe("overview presentation", () => {
  it("says every status in words and a symbol, not colour alone", () => {
    expect(statusLook("met")).toEqual({ label: "On target", symbol: "✓", tone: "good" });
    expect(statusLook("at_risk")).toEqual({ label: "At risk", symbol: "!", tone: "warn" });
    expect(statusLook("missed")).toEqual({ label: "Off target", symbol: "✕", tone: "bad" });
    expect(statusLook("no_target").label).toBe("No target");
  });

  it("says which way a figure moved", () => {
    expect(trendLook("better").words).toBe("Better");
    expect(trendLook("worse")).toEqual({ symbol: "▼", words: "Worse", tone: "bad" });
    expect(trendLook("unknown").words).toBe("No comparison");
  });

  it("orders tiles as an executive reads them", () => {
    const overview = {
      tiles: [tile("vendors"), tile("resilience"), tile("service_levels"), tile("security_hygiene")],
    } as Overview;
    expect(orderedTiles(overview).map((t) => t.area)).toEqual([
      "service_levels",
      "security_hygiene",
      "resilience",
      "vendors",
    ]);
  });

  it("summarises a tile in one sentence for screen readers", () => {
    expect(tileSummary(tile("service_levels"))).toBe(
      "Service levels: Tickets answered within the contracted time, 80.0%, target 95.0% or more, off target, from 84.2% in October 2026.",
    );
  });
});
