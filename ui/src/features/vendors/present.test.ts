import { describe, expect, it } from "vitest";
import type {
  ContractInput,
  DisputeRow,
  Disputes,
  DocumentRow,
  EvidenceRow,
  KpiRow,
  MetricChoice,
  ReviewRow,
  RiskRow,
  Scorecard,
  SourceFreshness,
  TargetRow,
  VendorPage,
} from "../../ipc/bindings";
import { parseHash } from "../../lib/router";
import {
  addedLine,
  documentDraft,
  documentFile,
  documentFromDraft,
  documentKind,
  documentLook,
  evidenceKinds,
  nextDueText,
  noFileChosen,
  removeDocumentQuestion,
  removedLine,
  reviewDraft,
  reviewFromDraft,
  reviewLoggedLine,
  cellWords,
  clockChoices,
  clockWords,
  contractDraft,
  contractFromDraft,
  demoContractNote,
  holidayList,
  hoursHint,
  isDay,
  minutesFrom,
  sourceTargetsNote,
  targetDraft,
  columnExplanation,
  disputeClock,
  disputeOnHold,
  disputeOpened,
  disputesCommand,
  disputesHref,
  DISPUTES_SHOWN,
  disputesTitle,
  disputeTarget,
  disputeTook,
  clockDuration,
  explanations,
  flagsText,
  moreDisputes,
  orderedMetrics,
  previousText,
  priorityExplanation,
  provenance,
  rankText,
  riskDisputesHref,
  shownDisputes,
  skippedText,
  syncedText,
  targetText,
  trendAlt,
  vendorFacts,
  vendorRoute,
  verdictLook,
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
    skipped_reasons: [],
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
    reviews: [],
    documents: [],
    targets: [],
    compliance_target_text: "95% of requests must meet these times.",
    rank: 2,
    vendor_count: 4,
    summary: "Bluepeak IT Services: off target on answered on time; otherwise on target.",
    metrics: [],
    measures: [],
    risks: [],
    disputes: disputes(),
    hours_text: "Business hours: Mon-Fri 08:00-18:00 (Europe/London); holidays 25 December 2026.",
    credits_text:
      "Service credits: 1% of the monthly cost of 18,400 for each point below the compliance target, at most 15% a month.",
    sources: [],
    trend_svg: "",
    trend_summary: "",
    contract: contract(),
    contract_editable: true,
    ...overrides,
  };
}

function contract(overrides: Partial<ContractInput> = {}): ContractInput {
  return {
    compliance_target_pct: 95,
    hours: "Mon-Fri 08:00-18:00",
    holidays: ["2026-12-25"],
    sla: [
      { priority: "P1", respond_minutes: 30, resolve_minutes: 240, clock: "24x7", effective_from: "" },
      { priority: "P1", respond_minutes: 15, resolve_minutes: null, clock: "", effective_from: "2027-01-01" },
      { priority: "P3", respond_minutes: 240, resolve_minutes: 1440, clock: "business", effective_from: "" },
    ],
    credit_percent_per_point: 1.5,
    credit_cap_percent: 15,
    ...overrides,
  };
}

function dispute(overrides: Partial<DisputeRow> = {}): DisputeRow {
  return {
    source: "bluepeak-psa",
    ticket: "T-1042",
    summary: "Printer on floor 2 offline",
    priority: "P2",
    created_at: "2026-10-06T08:15:00+00:00",
    first_response_at: "2026-10-06T10:25:00+00:00",
    resolved_at: null,
    clock: "business",
    target: "response",
    target_minutes: 60,
    elapsed_minutes: 130,
    paused_minutes: 0,
    vendor_says: "met",
    sightline_says: "missed",
    reason: "Bluepeak stopped the clock while the ticket waited on its own engineer.",
    ...overrides,
  };
}

function disputes(rows: DisputeRow[] = [], overrides: Partial<Disputes> = {}): Disputes {
  return {
    vendor: "bluepeak",
    vendor_name: "Bluepeak IT Services",
    period: "2026-10",
    summary: "On every ticket of October 2026 where Bluepeak IT Services gives its own SLA verdict, Sightline agrees.",
    rows,
    ...overrides,
  };
}

function risk(overrides: Partial<RiskRow> = {}): RiskRow {
  return {
    id: "reported_sla_mismatch:bluepeak",
    rule: "reported_sla_mismatch",
    severity: "amber",
    vendor: "bluepeak",
    vendor_name: "Bluepeak IT Services",
    headline: "Bluepeak IT Services says 97.0% of October 2026 tickets met the SLA; by the contract 81.0% did (12 disputed)",
    why: "",
    question: "",
    evidence: [],
    records: [],
    first_seen: "2026-11-02T07:00:00+00:00",
    last_seen: "2026-12-05T07:00:00+00:00",
    resolved_at: null,
    state: "ongoing",
    acknowledged: null,
    action: null,
    likelihood: "possible",
    impact: "medium",
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

  it("names why records were left out, when the backend says", () => {
    const reasons = [
      { reason: "its first response is dated before it was opened", count: 3 },
      { reason: "it has no priority", count: 1 },
    ];
    expect(skippedText(kpi("a", { skipped: 4, skipped_reasons: reasons }))).toBe(
      "4 records left out: its first response is dated before it was opened (3) and it has no priority (1)",
    );
    expect(skippedText(kpi("a", { skipped: 1 }))).toBe("1 record left out as incomplete");
    expect(provenance(kpi("a", { skipped: 3, skipped_reasons: [reasons[0]] }), [source("bluepeak-psa")], "UTC")).toBe(
      "From Bluepeak service desk; 412 records; 3 records left out: its first response is dated before it was opened (3); fetched 22 Nov 2026, 07:50",
    );
  });

  it("says when a contract's clock runs", () => {
    const target: TargetRow = {
      priority: "P1",
      respond_text: "first answer within 30 min",
      resolve_text: "fixed within 4 h",
      since_text: "since the contract began",
      clock_text: "in business hours",
    };
    expect(clockWords(target)).toBe("In business hours");
    expect(clockWords({ ...target, clock_text: "round the clock" })).toBe("Round the clock");
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

describe("vendor page route", () => {
  it("reads the vendor, the disputes section and a period from the route", () => {
    expect(vendorRoute([])).toEqual({ vendor: null, section: null, period: null });
    expect(vendorRoute(["bluepeak"])).toEqual({ vendor: "bluepeak", section: null, period: null });
    expect(vendorRoute(["bluepeak", "disputes"])).toEqual({ vendor: "bluepeak", section: "disputes", period: null });
    expect(vendorRoute(["bluepeak", "disputes", "2026-10"])).toEqual({
      vendor: "bluepeak",
      section: "disputes",
      period: "2026-10",
    });
    expect(vendorRoute(["bluepeak", "elsewhere"])).toEqual({ vendor: "bluepeak", section: null, period: null });
  });

  it("links to the disputes in a way the route reads back", () => {
    expect(disputesHref("bluepeak")).toBe("#vendors/bluepeak/disputes");
    expect(disputesHref("bluepeak", "2026-10")).toBe("#vendors/bluepeak/disputes/2026-10");
    expect(vendorRoute(parseHash(disputesHref("blue peak/x", "2026-Q3")).parts)).toEqual({
      vendor: "blue peak/x",
      section: "disputes",
      period: "2026-Q3",
    });
  });

  it("links a flag about the provider's own SLA verdicts to the month it judged", () => {
    expect(riskDisputesHref(risk())).toBe("#vendors/bluepeak/disputes/2026-11");
    expect(riskDisputesHref(risk({ last_seen: "2027-01-03T07:00:00+00:00" }))).toBe(
      "#vendors/bluepeak/disputes/2026-12",
    );
    const evidence: EvidenceRow[] = [
      { metric: "sla_response_compliance_pct", metric_name: "", period: "2026-09", value: 81, target: 95, unit: "percent" },
    ];
    expect(riskDisputesHref(risk({ evidence }))).toBe("#vendors/bluepeak/disputes/2026-09");
    expect(riskDisputesHref(risk({ last_seen: "yesterday" }))).toBe("#vendors/bluepeak/disputes");
  });

  it("links no other flag, nor one without a vendor", () => {
    expect(riskDisputesHref(risk({ rule: "sla_missed" }))).toBeNull();
    expect(riskDisputesHref(risk({ vendor: null }))).toBeNull();
  });
});

describe("disputes", () => {
  it("names the section after the vendor", () => {
    expect(disputesTitle("Bluepeak IT Services")).toBe("Where Bluepeak IT Services and the contract disagree");
  });

  it("says a ticket's target, clock, time taken and time on hold as people say them", () => {
    const row = dispute();
    expect(disputeTarget(row)).toBe("First answer within 1 h");
    expect(disputeTarget(dispute({ target: "resolution", target_minutes: 480 }))).toBe("Fixed within 8 h");
    expect(disputeClock(row)).toBe("in business hours");
    expect(disputeClock(dispute({ clock: "24x7" }))).toBe("round the clock");
    expect(disputeTook(row)).toBe("2 h 10 min");
    expect(disputeTook(dispute({ elapsed_minutes: 44.6 }))).toBe("45 min");
    expect(disputeTook(dispute({ elapsed_minutes: 4560 }))).toBe("76 h");
    expect(disputeTook(dispute({ elapsed_minutes: 4560, clock: "24x7" }))).toBe("3 days 4 h");
    expect(disputeOnHold(row)).toBe("None");
    expect(disputeOnHold(dispute({ paused_minutes: 95 }))).toBe("1 h 35 min");
    expect(disputeOpened(row, "UTC")).toBe("6 Oct 2026, 08:15");
  });

  it("says each side's verdict in words and a symbol", () => {
    expect(verdictLook("met")).toEqual({ symbol: "✓", words: "Met", tone: "good" });
    expect(verdictLook("missed")).toEqual({ symbol: "✕", words: "Missed", tone: "bad" });
    expect(verdictLook("")).toEqual({ symbol: "–", words: "Not judged", tone: "neutral" });
  });

  it("lists at most a hundred tickets and names the command that lists them all", () => {
    const few = disputes([dispute(), dispute({ ticket: "T-1043" })]);
    expect(shownDisputes(few)).toHaveLength(2);
    expect(moreDisputes(few)).toBe(0);
    const many = disputes(Array.from({ length: 123 }, (_, index) => dispute({ ticket: `T-${index}` })));
    expect(DISPUTES_SHOWN).toBe(100);
    expect(shownDisputes(many)).toHaveLength(100);
    expect(shownDisputes(many)[99].ticket).toBe("T-99");
    expect(moreDisputes(many)).toBe(23);
    expect(disputesCommand(many)).toBe("sightline-cli disputes --vendor bluepeak --period 2026-10 --csv");
    expect(disputesCommand(disputes([], { vendor: "o'neil it", period: "2026-Q3" }))).toBe(
      "sightline-cli disputes --vendor 'o'\\''neil it' --period 2026-Q3 --csv",
    );
    expect(moreDisputes(disputes())).toBe(0);
  });
});

describe("durations on a dispute's clock", () => {
  it("writes business time in hours, as the reason sentence does", () => {
    expect(clockDuration(2700, "business")).toBe("45 h");
    expect(clockDuration(5267, "business")).toBe("87 h 47 min");
    expect(clockDuration(45, "business")).toBe("45 min");
    expect(clockDuration(2700, "24x7")).toBe("1 day 21 h");
  });
});

describe("the contract form", () => {
  it("is filled with the contract as it is, and gives it back unchanged", () => {
    const draft = contractDraft(contract());
    expect(draft.hours).toBe("Mon-Fri 08:00-18:00");
    expect(draft.holidays).toBe("2026-12-25");
    expect(draft.compliance_target_pct).toBe("95");
    expect(draft.credit_percent_per_point).toBe("1.5");
    expect(draft.targets.map((row) => [row.priority, row.respond, row.resolve, row.clock, row.effective_from])).toEqual([
      ["P1", "30", "240", "24x7", ""],
      ["P1", "15", "", "", "2027-01-01"],
      ["P3", "240", "1440", "business", ""],
    ]);
    expect(new Set(draft.targets.map((row) => row.key)).size).toBe(3);
    expect(contractFromDraft(draft)).toEqual({ ok: true, value: contract() });
  });

  it("turns an empty form into no contract terms", () => {
    const empty: ContractInput = {
      compliance_target_pct: null,
      hours: "",
      holidays: [],
      sla: [],
      credit_percent_per_point: null,
      credit_cap_percent: null,
    };
    expect(contractFromDraft(contractDraft(empty))).toEqual({ ok: true, value: empty });
  });

  it("reads what people type: trimmed text, percent signs, hours and days, dates in a list", () => {
    const draft = contractDraft(contract());
    draft.hours = "  Mon-Fri 09:00-17:00 ";
    draft.holidays = "2026-12-25, 2026-12-28\n2027-01-01;";
    draft.compliance_target_pct = "90 %";
    draft.targets[0].respond = "1 h";
    draft.targets[0].resolve = "1 day";
    draft.targets[2].priority = " p3 ";
    const checked = contractFromDraft(draft);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.hours).toBe("Mon-Fri 09:00-17:00");
    expect(checked.value.holidays).toEqual(["2026-12-25", "2026-12-28", "2027-01-01"]);
    expect(checked.value.compliance_target_pct).toBe(90);
    expect(checked.value.sla[0]).toEqual({
      priority: "P1",
      respond_minutes: 60,
      resolve_minutes: 1440,
      clock: "24x7",
      effective_from: "",
    });
    expect(checked.value.sla[2].priority).toBe("P3");
  });

  it("says what to change, in plain words, before anything is sent", () => {
    const problem = (change: (draft: ReturnType<typeof contractDraft>) => void) => {
      const draft = contractDraft(contract());
      change(draft);
      const checked = contractFromDraft(draft);
      return checked.ok ? null : checked.problem;
    };
    expect(problem((d) => (d.holidays = "2026-13-01"))).toBe("'2026-13-01' is not a date: write holidays as 2026-12-25.");
    expect(problem((d) => (d.holidays = "25/12/2026"))).toBe("'25/12/2026' is not a date: write holidays as 2026-12-25.");
    expect(problem((d) => (d.hours = ""))).toBe(
      "The P3 target runs in business hours, but no business hours are set: fill in the business hours, or let the target run round the clock (24x7).",
    );
    expect(
      problem((d) => {
        d.hours = "";
        d.targets = d.targets.slice(0, 2);
      }),
    ).toBe(
      "Holidays only stop the business clock, and no business hours are set: fill in the business hours, or remove the holidays.",
    );
    expect(problem((d) => (d.targets[0].respond = "soon"))).toBe(
      "'soon' is not a time for the P1 first answer: write minutes, such as 240 (4 h and 1 day work too).",
    );
    expect(problem((d) => (d.targets[0].resolve = "0"))).toBe(
      "'0' is not a time for the P1 fix: write minutes, such as 240 (4 h and 1 day work too).",
    );
    expect(
      problem((d) => {
        d.targets[1].respond = "";
        d.targets[1].resolve = "";
      }),
    ).toBe("The P1 target has no times: give a first-answer time, a fix time or both, or remove it.");
    expect(problem((d) => (d.targets[1].effective_from = ""))).toBe(
      "There are two P1 targets with no start date: keep one, or give the newer one the day it applies from.",
    );
    expect(problem((d) => (d.targets[1].effective_from = "2027-02-30"))).toBe(
      "'2027-02-30' is not a date: write the day the P1 target applies from as 2026-07-01.",
    );
    expect(problem((d) => (d.compliance_target_pct = "120"))).toBe(
      "'120' is not a percentage: write the compliance target as a number from 0 to 100, such as 95, or leave it empty for the default.",
    );
    expect(problem((d) => (d.credit_cap_percent = ""))).toBe(
      "Service credits need both the credit per point and the cap: fill in both, or leave both empty for none.",
    );
    expect(problem((d) => (d.credit_percent_per_point = "-1"))).toBe(
      "'-1' is not a percentage: write the credit per point as a number, such as 1.5.",
    );
  });

  it("adds a row for the first priority not yet used", () => {
    const draft = contractDraft(contract());
    const row = targetDraft(null, draft.targets);
    expect(row).toMatchObject({ priority: "P2", respond: "", resolve: "", clock: "", effective_from: "" });
    expect(draft.targets.some((other) => other.key === row.key)).toBe(false);
    const full = ["P1", "P2", "P3", "P4"].map((priority) => ({ ...row, priority }));
    expect(targetDraft(null, full).priority).toBe("P1");
  });

  it("reads minutes, hours and days, and dates that exist", () => {
    expect(minutesFrom("")).toBeNull();
    expect(minutesFrom("240")).toBe(240);
    expect(minutesFrom("30 min")).toBe(30);
    expect(minutesFrom("4 h")).toBe(240);
    expect(minutesFrom("1.5 hours")).toBe(90);
    expect(minutesFrom("2 days")).toBe(2880);
    expect(minutesFrom("0.5 min")).toBeUndefined();
    expect(minutesFrom("-5")).toBeUndefined();
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2027-02-29")).toBe(false);
    expect(isDay("2026-1-5")).toBe(false);
    expect(holidayList(" 2026-12-25 ,\n\n2026-12-26 ")).toEqual(["2026-12-25", "2026-12-26"]);
  });

  it("explains the clocks, the hours, the demo and targets that come from a service desk", () => {
    expect(clockChoices.map((choice) => choice.value)).toEqual(["", "24x7", "business"]);
    expect(hoursHint).toBe("e.g. Mon-Fri 08:00-18:00; leave empty for round the clock");
    expect(demoContractNote).toContain("demo company's contract");
    const fromDesk = page({
      targets: [
        {
          priority: "P1",
          respond_text: "first answer within 30 min",
          resolve_text: "fixed within 4 hours",
          since_text: "since the contract began",
          clock_text: "round the clock",
        },
      ],
    });
    const empty = contractDraft(contract({ sla: [] }));
    expect(sourceTargetsNote(fromDesk, empty)).toContain("service desk");
    expect(sourceTargetsNote(page(), empty)).toBeNull();
    expect(sourceTargetsNote(fromDesk, contractDraft(contract()))).toBeNull();
  });
});

function documentRow(overrides: Partial<DocumentRow> = {}): DocumentRow {
  return {
    id: 7,
    vendor: "bluepeak",
    vendor_name: "Bluepeak IT Services",
    kind: "soc2",
    kind_text: "SOC 2 report",
    title: "Bluepeak SOC 2 Type II 2026",
    issued: "2026-03-03",
    expires: "2027-03-03",
    file_name: "bluepeak-soc2.pdf",
    bytes: 245_760,
    sha256: "ab".repeat(32),
    state: "current",
    state_text: "valid until 3 March 2027",
    added_at: "2026-11-20T09:00:00+00:00",
    ...overrides,
  };
}

function reviewRow(overrides: Partial<ReviewRow> = {}): ReviewRow {
  return {
    id: 3,
    vendor: "bluepeak",
    vendor_name: "Bluepeak IT Services",
    reviewed_on: "2026-09-30",
    reviewed_on_text: "30 September 2026",
    reviewer: "COO",
    outcome: "Service credits agreed for October.",
    next_due: "2027-03-31",
    ...overrides,
  };
}

describe("evidence on file", () => {
  it("offers the five kinds of document", () => {
    expect(evidenceKinds.map((kind) => [kind.value, kind.label])).toEqual([
      ["soc2", "SOC 2 report"],
      ["pentest", "Penetration test report"],
      ["restore_test", "Restore test record"],
      ["cyber_insurance", "Cyber insurance certificate"],
      ["contract", "Contract"],
    ]);
  });

  it("names a document's kind with a capital", () => {
    expect(documentKind(documentRow())).toBe("SOC 2 report");
    expect(documentKind(documentRow({ kind: "pentest", kind_text: "penetration test report" }))).toBe(
      "Penetration test report",
    );
    expect(documentKind(documentRow({ kind: "restore_test", kind_text: "" }))).toBe("Restore test record");
    expect(documentKind(documentRow({ kind: "cyber_insurance", kind_text: "" }))).toBe("Cyber insurance certificate");
  });

  it("says a document's standing as a badge: expired missed, expiring or old at risk, current met", () => {
    expect(documentLook(documentRow({ state: "expired" }))).toEqual({ status: "missed", label: "Expired" });
    expect(documentLook(documentRow({ state: "expiring" }))).toEqual({ status: "at_risk", label: "Expires soon" });
    expect(documentLook(documentRow({ state: "old" }))).toEqual({ status: "at_risk", label: "Too old" });
    expect(documentLook(documentRow({ state: "current" }))).toEqual({ status: "met", label: "Current" });
  });

  it("names the file behind a document with its size", () => {
    expect(documentFile(documentRow())).toBe("bluepeak-soc2.pdf, 240 KB");
    expect(documentFile(documentRow({ bytes: 3_500_000 }))).toBe("bluepeak-soc2.pdf, 3,418 KB");
    expect(documentFile(documentRow({ file_name: "", bytes: 10 }))).toBe("1 KB");
  });

  it("says what was put on file and removed, and asks before removing", () => {
    expect(addedLine(documentRow())).toBe('The SOC 2 report "Bluepeak SOC 2 Type II 2026" is now on file.');
    expect(addedLine(documentRow({ kind: "pentest", kind_text: "penetration test report", title: "" }))).toBe(
      "The penetration test report is now on file.",
    );
    expect(removeDocumentQuestion(documentRow())).toBe(
      'Remove the SOC 2 report "Bluepeak SOC 2 Type II 2026" from file? Sightline deletes its own copy; any other copy you keep stays where it is.',
    );
    const contract = documentRow({ kind: "contract", kind_text: "contract", title: "Master services agreement" });
    expect(removedLine(contract)).toBe('The contract "Master services agreement" was removed from file.');
    expect(noFileChosen).toBe("No file was chosen, so nothing was put on file.");
  });

  it("sends the document's details, with no empty title or expiry", () => {
    const draft = { ...documentDraft(), issued: "2026-03-03", title: "  " };
    expect(documentDraft().kind).toBe("soc2");
    expect(documentFromDraft("bluepeak", draft)).toEqual({
      ok: true,
      value: { vendor: "bluepeak", kind: "soc2", title: null, issued: "2026-03-03", expires: null },
    });
    expect(
      documentFromDraft("bluepeak", {
        kind: "cyber_insurance",
        issued: "2026-03-03",
        expires: "2027-03-02",
        title: " Policy 2026 ",
      }),
    ).toEqual({
      ok: true,
      value: {
        vendor: "bluepeak",
        kind: "cyber_insurance",
        title: "Policy 2026",
        issued: "2026-03-03",
        expires: "2027-03-02",
      },
    });
  });

  it("asks for the document's date and an expiry after it", () => {
    expect(documentFromDraft("bluepeak", documentDraft())).toEqual({
      ok: false,
      field: "issued",
      problem: "Enter the date on the document: the day it was issued or signed.",
    });
    expect(documentFromDraft("bluepeak", { ...documentDraft(), issued: "2026-02-30" })).toEqual({
      ok: false,
      field: "issued",
      problem: "'2026-02-30' is not a date: write the document's date as 2026-09-30.",
    });
    expect(documentFromDraft("bluepeak", { ...documentDraft(), issued: "2026-03-03", expires: "2026-03-02" })).toEqual({
      ok: false,
      field: "expires",
      problem: "The document would expire on 2 March 2026, before its date of 3 March 2026: check the two dates.",
    });
  });
});

describe("supplier reviews", () => {
  it("says when the next review is due", () => {
    expect(nextDueText(reviewRow())).toBe("31 March 2027");
    expect(nextDueText(reviewRow({ next_due: null }))).toBe("Not set");
    expect(reviewLoggedLine(reviewRow())).toBe("The review of 30 September 2026 was logged.");
    expect(reviewLoggedLine(reviewRow({ reviewed_on_text: "" }))).toBe("The review of 30 September 2026 was logged.");
  });

  it("sends the review as typed, trimmed, with no empty next date", () => {
    const draft = { reviewed_on: "2026-09-30", reviewer: " COO ", outcome: " Credits agreed. ", next_due: "" };
    expect(reviewDraft()).toEqual({ reviewed_on: "", reviewer: "", outcome: "", next_due: "" });
    expect(reviewFromDraft("bluepeak", draft)).toEqual({
      ok: true,
      value: {
        vendor: "bluepeak",
        reviewed_on: "2026-09-30",
        reviewer: "COO",
        outcome: "Credits agreed.",
        next_due: null,
      },
    });
    expect(reviewFromDraft("bluepeak", { ...draft, next_due: "2027-03-31" })).toMatchObject({
      ok: true,
      value: { next_due: "2027-03-31" },
    });
  });

  it("asks for the date, who reviewed and what came of it, and a later next date", () => {
    const draft = { reviewed_on: "2026-09-30", reviewer: "COO", outcome: "Credits agreed.", next_due: "" };
    expect(reviewFromDraft("bluepeak", { ...draft, reviewed_on: "" })).toEqual({
      ok: false,
      field: "reviewed_on",
      problem: "Enter the date of the review.",
    });
    expect(reviewFromDraft("bluepeak", { ...draft, reviewer: " " })).toEqual({
      ok: false,
      field: "reviewer",
      problem: "Say who reviewed the supplier, such as the COO.",
    });
    expect(reviewFromDraft("bluepeak", { ...draft, outcome: "" })).toEqual({
      ok: false,
      field: "outcome",
      problem: "Say what came of the review, in a line or two.",
    });
    expect(reviewFromDraft("bluepeak", { ...draft, next_due: "2026-09-30" })).toEqual({
      ok: false,
      field: "next_due",
      problem: "The next review must be due after this one: choose a later date, or leave it empty.",
    });
  });
});
