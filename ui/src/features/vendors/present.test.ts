import { describe, expect, it } from "vitest";
import type { KpiRow, MetricChoice, Scorecard, SourceFreshness, VendorPage } from "../../ipc/bindings";
import {
  cellWords,
  columnExplanation,
  explanations,
  flagsText,
  orderedMetrics,
  previousText,
  priorityExplanation,
  provenance,
  rankText,
  syncedText,
  targetText,
  trendAlt,
  vendorFacts,
} from "./present";

function kpi(metric: string, overrides: Partial<KpiRow> = {}): KpiRow {
  return {
    vendor: "bluepeak",
    vendor_name: "Bluepeak IT Services",
    metric,
    metric_name: "Answered on time",
    period: "2026-11",
    value: 78.4,
    unit: "percent",
    target: 95,
    status: "missed",
    previous: 85.1,
    sources: ["bluepeak-psa"],
    records: 412,
    skipped: 0,
    fetched_at: "2026-11-22T07:50:00+00:00",
    ...overrides,
  };
}

function source(id: string, overrides: Partial<SourceFreshness> = {}): SourceFreshness {
  return {
    id,
    name: "Bluepeak service desk",
    vendor: "bluepeak",
    last_success_at: "2026-11-22T07:50:00+00:00",
    age_text: "35 min ago",
    staleness_hours: 0.6,
    stale: false,
    last_error: null,
    ...overrides,
  };
}

function page(overrides: Partial<VendorPage> = {}): VendorPage {
  return {
    id: "bluepeak",
    name: "Bluepeak IT Services",
    kind: "Managed service provider",
    period: "2026-11",
    period_label: "November 2026 (to date)",
    cost_text: "4,200 a month",
    review_text: "Last supplier review 14 March 2026 (255 days ago; overdue: reviews are due every 120 days).",
    review_overdue: true,
    targets: [],
    compliance_target_text: "95% of requests must meet these times.",
    rank: 2,
    vendor_count: 4,
    summary: "Bluepeak IT Services: off target on answered on time; otherwise on target.",
    metrics: [],
    measures: [],
    risks: [],
    sources: [],
    trend_svg: "",
    trend_summary: "",
    ...overrides,
  };
}

const column: MetricChoice = {
  metric: "sla_response_compliance_pct",
  name: "Answered on time",
  explanation: "The share of requests that got a first answer within the contracted time.",
  unit: "percent",
  area: "Service levels",
};

describe("scorecard wording", () => {
  it("counts open flags in words", () => {
    expect(flagsText(2, 1)).toBe("2 to act on now, 1 to watch");
    expect(flagsText(0, 3)).toBe("3 to watch");
    expect(flagsText(0, 0)).toBe("None open");
  });

  it("says a cell's figure, target and status in one phrase", () => {
    expect(cellWords("78.4%", "target 95.0%", "missed")).toBe("78.4%, target 95.0%, off target");
    expect(cellWords("—", "", "no_target")).toBe("no data, no target");
  });

  it("explains a column from the backend, else from the glossary", () => {
    expect(columnExplanation(column)).toBe(column.explanation);
    expect(columnExplanation({ ...column, name: "Satisfaction", explanation: "" })).toMatch(/^How your staff rated/);
    const card = { columns: [column] } as Scorecard;
    expect(explanations(card).get("sla_response_compliance_pct")).toBe(column.explanation);
    expect(explanations(null).size).toBe(0);
  });
});

describe("vendor page wording", () => {
  it("puts kind, cost and rank on one line, leaving out what is missing", () => {
    expect(vendorFacts(page(), 4)).toBe("Managed service provider · 4,200 a month · Ranked 2 of 4");
    expect(vendorFacts(page({ cost_text: "", rank: 0 }), 4)).toBe("Managed service provider");
    expect(rankText(2, null)).toBe("Ranked 2");
    expect(rankText(3, 2)).toBe("Ranked 3");
  });

  it("explains priorities, known or not", () => {
    expect(priorityExplanation("P1")).toMatch(/^The most urgent kind of ticket/);
    expect(priorityExplanation("P3")).toBe(
      "Priority 3 tickets: the lower the number, the more urgent. P1 is the most urgent kind.",
    );
    expect(priorityExplanation("Critical")).toBe('Tickets the contract ranks as "Critical".');
  });

  it("says where a figure came from, naming sources", () => {
    const sources = [source("bluepeak-psa"), source("internal-desk", { name: "Internal help desk" })];
    expect(provenance(kpi("a"), sources, "UTC")).toBe(
      "From Bluepeak service desk; 412 records; fetched 22 Nov 2026, 07:50",
    );
    expect(
      provenance(kpi("a", { sources: ["bluepeak-psa", "internal-desk", "csv-1"], records: 1, skipped: 2 }), sources, "UTC"),
    ).toBe(
      "From Bluepeak service desk, Internal help desk and csv-1; 1 record; 2 records left out as incomplete; fetched 22 Nov 2026, 07:50",
    );
    expect(provenance(kpi("a", { sources: [], fetched_at: null }), [], "UTC")).toBe(
      "No source recorded; 412 records; not yet fetched",
    );
  });

  it("words previous values and targets with their unit", () => {
    expect(previousText(kpi("a"))).toBe("was 85.1% the period before");
    expect(previousText(kpi("a", { previous: null }))).toBe("");
    expect(targetText(kpi("a", { unit: "minutes", target: 30 }))).toBe("target 30 min");
    expect(targetText(kpi("a", { target: null }))).toBe("No target");
  });

  it("lists measures off target first, keeping the order within each status", () => {
    const metrics = [
      kpi("a", { status: "met" }),
      kpi("b", { status: "no_target" }),
      kpi("c", { status: "missed" }),
      kpi("d", { status: "at_risk" }),
      kpi("e", { status: "missed" }),
    ];
    expect(orderedMetrics(metrics).map((m) => m.metric)).toEqual(["c", "e", "d", "a", "b"]);
  });

  it("says how fresh a source is", () => {
    expect(syncedText(source("x"))).toBe("Synced 35 min ago");
    expect(syncedText(source("x", { age_text: "never", last_success_at: null }))).toBe("Never synced");
  });

  it("describes the trend chart for people who cannot see it", () => {
    expect(trendAlt(page())).toBe(
      "Requests Bluepeak IT Services answered on time in each of the last twelve months, against the contracted target",
    );
  });
});
