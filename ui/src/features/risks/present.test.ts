import { describe, expect, it } from "vitest";
import type { ActionRow, RiskRow } from "../../ipc/bindings";
import {
  actionDraft,
  actionFromDraft,
  actionLine,
  actionStatuses,
  countLine,
  drawnGroups,
  filterCounts,
  filterRisks,
  gridLine,
  groupRisks,
  idPart,
  mixesMeasures,
  overdueDays,
  overdueText,
  parseFilter,
  reasonLine,
  recordsLine,
  replaceRisk,
  sinceLine,
  stateLabel,
} from "./present";

function risk(id: string, overrides: Partial<RiskRow> = {}): RiskRow {
  return {
    id,
    rule: id.split(":")[0],
    severity: "red",
    vendor: "bluepeak",
    vendor_name: "Bluepeak IT Services",
    headline: "Urgent requests are answered late",
    why: "Slow answers leave staff unable to work.",
    question: "What will you change so that urgent requests are answered within 30 minutes?",
    evidence: [
      {
        metric: "sla_response_compliance_pct",
        metric_name: "Answered on time",
        period: "2026-11",
        value: 78.4,
        target: 95,
        unit: "percent",
      },
    ],
    records: ["bluepeak-psa:T-1", "bluepeak-psa:T-2"],
    first_seen: "2026-10-03T08:00:00+00:00",
    last_seen: "2026-11-22T07:50:00+00:00",
    resolved_at: null,
    state: "ongoing",
    acknowledged: null,
    action: null,
    likelihood: "likely",
    impact: "high",
    ...overrides,
  };
}

const flags: RiskRow[] = [
  risk("sla:bluepeak", { severity: "red", state: "new" }),
  risk("patch:bluepeak", { severity: "amber", state: "ongoing", acknowledged: { note: "Agreed", at: "2026-11-22T09:00:00+00:00" } }),
  risk("backup:cloudly", { severity: "red", state: "returning" }),
  risk("review:cloudly", { severity: "amber", state: "resolved", resolved_at: "2026-11-01T00:00:00+00:00" }),
  risk("cert:web", { severity: "red", state: "resolved", resolved_at: "2026-11-02T00:00:00+00:00", acknowledged: { note: "Renewed", at: "2026-10-30T10:00:00+00:00" } }),
];

describe("risk filters", () => {
  it("reads a filter from the address and ignores anything else", () => {
    expect(parseFilter("new")).toBe("new");
    expect(parseFilter("Resolved")).toBe("resolved");
    expect(parseFilter("bluepeak")).toBeNull();
    expect(parseFilter(null)).toBeNull();
  });

  it("shows open, new, acknowledged and resolved flags", () => {
    expect(filterRisks(flags, "open").map((r) => r.id)).toEqual(["sla:bluepeak", "patch:bluepeak", "backup:cloudly"]);
    expect(filterRisks(flags, "new").map((r) => r.id)).toEqual(["sla:bluepeak", "backup:cloudly"]);
    expect(filterRisks(flags, "acknowledged").map((r) => r.id)).toEqual(["patch:bluepeak"]);
    expect(filterRisks(flags, "resolved").map((r) => r.id)).toEqual(["review:cloudly", "cert:web"]);
    expect(filterCounts(flags)).toEqual({ open: 3, new: 2, acknowledged: 1, resolved: 2 });
  });

  it("groups by severity, resolved flags apart, keeping the given order", () => {
    const groups = groupRisks(flags);
    expect(groups.map((g) => [g.title, g.risks.map((r) => r.id)])).toEqual([
      ["Act now", ["sla:bluepeak", "backup:cloudly"]],
      ["Watch", ["patch:bluepeak"]],
      ["No longer flagged", ["review:cloudly", "cert:web"]],
    ]);
    expect(groupRisks(filterRisks(flags, "acknowledged")).map((g) => g.id)).toEqual(["amber"]);
    expect(groupRisks([])).toEqual([]);
  });

  it("draws a long list a window at a time, groups in order, each with its whole count", () => {
    const groups = groupRisks(flags);
    const ids = (drawn: number) => drawnGroups(groups, drawn).map((g) => [g.id, g.risks.length, g.drawn.map((r) => r.id)]);
    expect(ids(1)).toEqual([["red", 2, ["sla:bluepeak"]]]);
    expect(ids(3)).toEqual([
      ["red", 2, ["sla:bluepeak", "backup:cloudly"]],
      ["amber", 1, ["patch:bluepeak"]],
    ]);
    expect(ids(4)).toEqual([
      ["red", 2, ["sla:bluepeak", "backup:cloudly"]],
      ["amber", 1, ["patch:bluepeak"]],
      ["resolved", 2, ["review:cloudly"]],
    ]);
    expect(ids(Infinity).map(([, , drawn]) => drawn)).toEqual([
      ["sla:bluepeak", "backup:cloudly"],
      ["patch:bluepeak"],
      ["review:cloudly", "cert:web"],
    ]);
    expect(ids(0)).toEqual([]);
    expect(drawnGroups([], 8)).toEqual([]);
  });

  it("counts what the filter shows in a sentence", () => {
    expect(countLine(flags, "open")).toBe("3 open flags: 2 to act on now, 1 to watch.");
    expect(countLine(flags, "acknowledged")).toBe("1 acknowledged flag: 0 to act on now, 1 to watch.");
    expect(countLine(flags, "resolved")).toBe("2 flags are no longer flagged.");
    expect(countLine([], "open")).toBe("Nothing needs raising: every check passes.");
    expect(countLine([], "resolved")).toBe("No flag has been resolved yet.");
  });

  it("replaces a saved flag in place", () => {
    const saved = { ...flags[0], acknowledged: { note: "Call booked", at: "2026-11-22T10:00:00+00:00" } };
    const next = replaceRisk(flags, saved);
    expect(next[0].acknowledged?.note).toBe("Call booked");
    expect(next.map((r) => r.id)).toEqual(flags.map((r) => r.id));
    expect(filterCounts(next).acknowledged).toBe(2);
  });
});

describe("risk wording", () => {
  it("names states and dates plainly", () => {
    expect(stateLabel("returning")).toBe("Back again");
    expect(stateLabel("resolved")).toBe("No longer flagged");
    expect(sinceLine(flags[0], "UTC")).toBe("Flagged since 3 Oct 2026");
    expect(sinceLine(flags[3], "UTC")).toBe("Flagged from 3 Oct 2026 until 1 Nov 2026");
  });

  it("says where a flag's records came from", () => {
    expect(recordsLine(["bluepeak-psa:T-1", "bluepeak-psa:T-2"])).toBe("Based on 2 records from bluepeak-psa");
    expect(recordsLine(["a:1", "b:2", "c:3"])).toBe("Based on 3 records from a, b and c");
    expect(recordsLine(["a:1"])).toBe("Based on 1 record from a");
    expect(recordsLine([])).toBe("");
  });

  it("adds a measure column only when the evidence mixes measures", () => {
    expect(mixesMeasures(flags[0])).toBe(false);
    const mixed = risk("x", {
      evidence: [...flags[0].evidence, { ...flags[0].evidence[0], metric: "backlog_open", metric_name: "Open tickets" }],
    });
    expect(mixesMeasures(mixed)).toBe(true);
    expect(idPart("sla_breach:bluepeak/p1")).toBe("sla_breach-bluepeak-p1");
  });
});

function action(overrides: Partial<ActionRow> = {}): ActionRow {
  return {
    owner: "Head of IT",
    due: "2026-12-02",
    status: "in_progress",
    status_text: "in progress",
    reason: null,
    recorded_at: "2026-11-20T09:00:00+00:00",
    ...overrides,
  };
}

describe("the action on a flag", () => {
  it("says who owns it, by when and where it stands", () => {
    expect(actionLine(action())).toBe("Head of IT, due 2 December 2026 — in progress");
    const accepted = action({ owner: "CFO", due: "2027-01-31", status: "accepted", status_text: "accepted risk" });
    expect(actionLine(accepted)).toBe("CFO, due 31 January 2027 — accepted risk");
    expect(actionLine(action({ status: "done", status_text: "" }))).toBe("Head of IT, due 2 December 2026 — done");
    expect(actionLine(action({ status: "in_progress", status_text: "" }))).toBe(
      "Head of IT, due 2 December 2026 — in progress",
    );
  });

  it("marks an open or in-progress action late only after its due day", () => {
    expect(overdueText(action(), "2026-12-02")).toBeNull();
    expect(overdueText(action(), "2026-12-03")).toBe("Overdue by 1 day");
    expect(overdueText(action({ status: "open", status_text: "open" }), "2026-12-06")).toBe("Overdue by 4 days");
    expect(overdueText(action(), "2026-11-30")).toBeNull();
    expect(overdueDays(action({ status: "done", status_text: "done" }), "2027-03-01")).toBe(0);
    expect(overdueDays(action({ status: "accepted", status_text: "accepted risk" }), "2027-03-01")).toBe(0);
    expect(overdueDays(action(), "")).toBe(0);
  });

  it("gives an accepted risk's reason, and any other note, in words", () => {
    expect(
      reasonLine(action({ status: "accepted", status_text: "accepted risk", reason: "The contract ends in March." })),
    ).toBe("Why it is accepted: The contract ends in March.");
    expect(reasonLine(action({ reason: "Quote requested" }))).toBe("Note: Quote requested");
    expect(reasonLine(action({ reason: "  " }))).toBeNull();
    expect(reasonLine(action())).toBeNull();
  });

  it("says where the flag sits on the board's grid", () => {
    expect(gridLine(risk("x"))).toBe("Likelihood: likely · Impact: high");
    expect(gridLine(risk("x", { likelihood: "almost certain", impact: "low" }))).toBe(
      "Likelihood: almost certain · Impact: low",
    );
    expect(gridLine(risk("x", { likelihood: "", impact: "medium" }))).toBe("Impact: medium");
  });
});

describe("the action form", () => {
  it("offers the four statuses in words", () => {
    expect(actionStatuses.map((choice) => choice.label)).toEqual(["Open", "In progress", "Done", "Accepted risk"]);
    expect(actionStatuses.map((choice) => choice.value)).toEqual(["open", "in_progress", "done", "accepted"]);
  });

  it("starts empty and open for a first action, and from the action as it stands otherwise", () => {
    expect(actionDraft(null)).toEqual({ owner: "", due: "", status: "open", reason: "" });
    expect(actionDraft(action({ reason: "Quote requested" }))).toEqual({
      owner: "Head of IT",
      due: "2026-12-02",
      status: "in_progress",
      reason: "Quote requested",
    });
  });

  it("sends what was typed, trimmed, with no empty reason", () => {
    expect(actionFromDraft({ owner: " Head of IT ", due: "2026-12-02", status: "in_progress", reason: " " })).toEqual({
      ok: true,
      value: { owner: "Head of IT", due: "2026-12-02", status: "in_progress", reason: null },
    });
    expect(
      actionFromDraft({ owner: "CFO", due: "2027-01-31", status: "accepted", reason: "The contract ends in March." }),
    ).toEqual({
      ok: true,
      value: { owner: "CFO", due: "2027-01-31", status: "accepted", reason: "The contract ends in March." },
    });
  });

  it("asks for an owner, a due date, and a reason to accept a risk", () => {
    expect(actionFromDraft({ owner: " ", due: "2026-12-02", status: "open", reason: "" })).toEqual({
      ok: false,
      field: "owner",
      problem: "Say who owns the action, such as Head of IT or the CFO.",
    });
    expect(actionFromDraft({ owner: "CFO", due: "", status: "open", reason: "" })).toEqual({
      ok: false,
      field: "due",
      problem: "Choose the date the action is due by.",
    });
    expect(actionFromDraft({ owner: "CFO", due: "2026-02-30", status: "open", reason: "" })).toEqual({
      ok: false,
      field: "due",
      problem: "'2026-02-30' is not a date: choose the day the action is due by.",
    });
    expect(actionFromDraft({ owner: "CFO", due: "2027-01-31", status: "accepted", reason: "" })).toEqual({
      ok: false,
      field: "reason",
      problem: "Say why the risk is accepted: the board reads this reason in its report.",
    });
  });
});
