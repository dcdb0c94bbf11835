import { describe, expect, it } from "vitest";
import type { DrilldownRow, MetricChoice } from "../../ipc/bindings";
import {
  asGranularity,
  drillHint,
  drillLabel,
  groupMetrics,
  judgesRecords,
  metLook,
  recordNoun,
  routeChoice,
  routeKey,
  routeParts,
  shownLine,
} from "./present";

function metric(key: string, area: string, name = key): MetricChoice {
  return { metric: key, name, explanation: "", unit: "percent", area };
}

function row(met: boolean | null): DrilldownRow {
  return { id: "psa:1", cells: ["#1 Printer"], met };
}

describe("trends presentation", () => {
  it("groups measures by area in reading order, keeping the order within an area", () => {
    const groups = groupMetrics([
      metric("csat_pct", "Vendors"),
      metric("patch_compliance_pct", "Security hygiene"),
      metric("sla_response_compliance_pct", "Service levels"),
      metric("mystery", "Finance"),
      metric("backup_success_pct", "Resilience"),
      metric("tickets_opened", "Service levels"),
      metric("nameless", ""),
    ]);
    expect(groups.map((group) => group.area)).toEqual([
      "Service levels",
      "Security hygiene",
      "Resilience",
      "Vendors",
      "Finance",
      "Other",
    ]);
    expect(groups[0].metrics.map((m) => m.metric)).toEqual(["sla_response_compliance_pct", "tickets_opened"]);
  });

  it("names the records behind each kind of measure", () => {
    expect(recordNoun("sla_response_compliance_pct")).toBe("tickets");
    expect(recordNoun("backlog_aged_30d")).toBe("tickets");
    expect(recordNoun("key_person_share_pct")).toBe("tickets");
    // Service credits follow from the tickets timed against the contract.
    expect(recordNoun("service_credit_owed")).toBe("tickets");
    expect(recordNoun("patch_compliance_pct")).toBe("devices");
    expect(recordNoun("vulns_overdue")).toBe("security weaknesses");
    expect(recordNoun("cert_min_days_to_expiry")).toBe("certificates");
    expect(recordNoun("something_new")).toBe("records");
  });

  it("tells people to choose a row of the table, by month or quarter", () => {
    expect(drillHint("month", "sla_response_compliance_pct")).toBe(
      "Choose a month in the table to see the tickets behind its figure.",
    );
    expect(drillHint("quarter", "backup_success_pct")).toBe(
      "Choose a quarter in the table to see the backups behind its figure.",
    );
  });

  it("labels the drill-down button by how many records there are", () => {
    expect(drillLabel(412)).toBe("See the 412 records");
    expect(drillLabel(3120)).toBe("See the 3,120 records");
    expect(drillLabel(1)).toBe("See the record");
    expect(drillLabel(0)).toBeNull();
  });

  it("says whether a record met its target in words and a symbol", () => {
    expect(metLook(true)).toEqual({ symbol: "✓", words: "Met", tone: "good" });
    expect(metLook(false)).toEqual({ symbol: "✕", words: "Missed", tone: "bad" });
    expect(metLook(null)).toEqual({ symbol: "–", words: "Not judged", tone: "neutral" });
  });

  it("shows the Met target column only when the measure judges records", () => {
    expect(judgesRecords([row(null), row(null)])).toBe(false);
    expect(judgesRecords([row(null), row(false)])).toBe(true);
    expect(judgesRecords([])).toBe(false);
  });

  it("says when the list of records is cut short", () => {
    expect(shownLine(412, 412)).toBe("");
    expect(shownLine(500, 1234)).toBe(
      "Showing the first 500 of 1,234 records; the ones that missed come first.",
    );
  });

  it("reads and writes the choice in the route", () => {
    expect(routeChoice([])).toEqual({ metric: null, vendor: null });
    expect(routeChoice(["csat_pct"])).toEqual({ metric: "csat_pct", vendor: null });
    expect(routeChoice(["csat_pct", "bluepeak", "extra"])).toEqual({ metric: "csat_pct", vendor: "bluepeak" });
    expect(routeKey(["csat_pct", "all"])).toBe("csat_pct/all");
    expect(routeKey([])).toBe("/");
    expect(routeKey(routeParts("csat_pct", "all"))).toBe(routeKey(["csat_pct", "all", "ignored"]));
  });

  it("treats anything but quarter as months", () => {
    expect(asGranularity("quarter")).toBe("quarter");
    expect(asGranularity("month")).toBe("month");
    expect(asGranularity(null)).toBe("month");
    expect(asGranularity("week")).toBe("month");
  });
});
