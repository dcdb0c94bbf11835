import { describe, expect, it } from "vitest";
import type { ClaimRow, ClaimsView, VendorClaims } from "../../ipc/bindings";
import {
  claimsPeriod,
  leadLine,
  moreRecords,
  orderedRows,
  orderedVendors,
  periodLinks,
  recordsToggle,
  rowDisputesHref,
  shiftPeriod,
  summaryLine,
  verdictLook,
} from "./present";

function row(topic: ClaimRow["topic"], verdict: ClaimRow["verdict"], overrides: Partial<ClaimRow> = {}): ClaimRow {
  return {
    topic,
    topic_name: { service_levels: "Service levels", uptime: "Uptime", patching: "Patching", certificates: "Certificates" }[
      topic
    ],
    claim: "Bluepeak IT Services marks 149 of 156 tickets within SLA",
    measured: "By the contract's clock, 133 of them were",
    verdict,
    why: "16 tickets marked within SLA were late by the contract.",
    evidence: [],
    evidence_count: 0,
    ...overrides,
  };
}

function vendor(id: string, name: string, rows: ClaimRow[]): VendorClaims {
  return { vendor: id, vendor_name: name, rows };
}

function view(vendors: VendorClaims[]): ClaimsView {
  return { period: "2026-11", period_label: "November 2026", vendors };
}

describe("the lead", () => {
  it("names the period", () => {
    expect(leadLine("November 2026")).toBe(
      "What each provider's own tools report, beside what Sightline measured itself, for November 2026.",
    );
  });
});

describe("verdicts", () => {
  it("are said in words as well as colour", () => {
    expect(verdictLook("agree")).toEqual({ status: "met", label: "Agree" });
    expect(verdictLook("disagree")).toEqual({ status: "missed", label: "Disagree" });
    expect(verdictLook("no_comparison")).toEqual({ status: "no_target", label: "Nothing to compare" });
  });
});

describe("ordering", () => {
  it("puts a vendor's disagreements first, then agreements, then nothing to compare, keeping the order within each", () => {
    const rows = [
      row("service_levels", "no_comparison"),
      row("uptime", "agree"),
      row("patching", "disagree"),
      row("certificates", "no_comparison"),
      row("service_levels", "disagree", { claim: "second disagreement" }),
    ];
    expect(orderedRows(rows).map((each) => [each.topic, each.verdict])).toEqual([
      ["patching", "disagree"],
      ["service_levels", "disagree"],
      ["uptime", "agree"],
      ["service_levels", "no_comparison"],
      ["certificates", "no_comparison"],
    ]);
    expect(orderedRows(rows)[1].claim).toBe("second disagreement");
    // The given list is left as it was.
    expect(rows[0].verdict).toBe("no_comparison");
  });

  it("puts vendors with a disagreement first, keeping the order otherwise, and orders their rows", () => {
    const vendors = [
      vendor("internal", "Internal IT", [row("service_levels", "no_comparison")]),
      vendor("stratus", "Stratus Cloud Hosting", [row("patching", "agree"), row("uptime", "disagree")]),
      vendor("sentinel", "Sentinel Forge Security", [row("service_levels", "agree")]),
      vendor("bluepeak", "Bluepeak IT Services", [row("service_levels", "disagree")]),
    ];
    const ordered = orderedVendors(vendors);
    expect(ordered.map((each) => each.vendor)).toEqual(["stratus", "bluepeak", "internal", "sentinel"]);
    expect(ordered[0].rows.map((each) => each.topic)).toEqual(["uptime", "patching"]);
    expect(vendors[1].rows.map((each) => each.topic)).toEqual(["patching", "uptime"]);
  });
});

describe("the summary line", () => {
  it("counts disagreements across providers", () => {
    const claims = view([
      vendor("bluepeak", "Bluepeak IT Services", [row("service_levels", "disagree"), row("patching", "disagree")]),
      vendor("internal", "Internal IT", [row("service_levels", "no_comparison")]),
      vendor("stratus", "Stratus Cloud Hosting", [row("uptime", "disagree"), row("patching", "agree")]),
    ]);
    expect(summaryLine(claims)).toBe("3 disagreements across 2 providers.");
  });

  it("names the one provider that disagrees", () => {
    expect(summaryLine(view([vendor("bluepeak", "Bluepeak IT Services", [row("uptime", "disagree")])]))).toBe(
      "1 disagreement with Bluepeak IT Services.",
    );
    expect(
      summaryLine(
        view([
          vendor("bluepeak", "Bluepeak IT Services", [row("uptime", "disagree"), row("patching", "disagree")]),
          vendor("internal", "Internal IT", [row("uptime", "agree")]),
        ]),
      ),
    ).toBe("2 disagreements with Bluepeak IT Services.");
  });

  it("says when every comparison agrees", () => {
    const claims = view([
      vendor("stratus", "Stratus Cloud Hosting", [row("patching", "agree"), row("service_levels", "no_comparison")]),
    ]);
    expect(summaryLine(claims)).toBe("Every comparison agrees.");
  });

  it("does not call it agreement when nothing could be compared", () => {
    const claims = view([vendor("internal", "Internal IT", [row("service_levels", "no_comparison")])]);
    expect(summaryLine(claims)).toBe(
      "Nothing could be compared: the providers' tools give no figures of their own to check.",
    );
    expect(summaryLine(view([]))).toBe("Nothing to compare yet.");
  });
});

describe("the records behind a row", () => {
  const records = ["bluepeak-psa:BP-103379", "bluepeak-psa:BP-103378"];

  it("counts them on the disclosure", () => {
    expect(recordsToggle(row("service_levels", "disagree", { evidence: records, evidence_count: 16 }))).toBe(
      "Show the 16 records",
    );
    expect(recordsToggle(row("uptime", "disagree", { evidence: ["tls-probe:CERT-115484"], evidence_count: 1 }))).toBe(
      "Show the record",
    );
    expect(recordsToggle(row("patching", "disagree", { evidence: records, evidence_count: 1200 }))).toBe(
      "Show the 1,200 records",
    );
  });

  it("says how many the list leaves out", () => {
    expect(moreRecords(row("service_levels", "disagree", { evidence: records, evidence_count: 16 }))).toBe(
      "… and 14 more",
    );
    expect(moreRecords(row("service_levels", "disagree", { evidence: records, evidence_count: 2 }))).toBeNull();
  });

  it("links a service-level disagreement to the disputed tickets", () => {
    expect(rowDisputesHref("bluepeak", row("service_levels", "disagree"), "2026-11")).toBe(
      "#vendors/bluepeak/disputes/2026-11",
    );
    expect(rowDisputesHref("bluepeak", row("service_levels", "no_comparison"), "2026-11")).toBeNull();
    expect(rowDisputesHref("bluepeak", row("patching", "disagree"), "2026-11")).toBeNull();
  });
});

describe("periods", () => {
  it("reads the period in the address, ignoring anything else", () => {
    expect(claimsPeriod([])).toBeNull();
    expect(claimsPeriod(["2026-10"])).toBe("2026-10");
    expect(claimsPeriod(["2026-q3"])).toBe("2026-Q3");
    expect(claimsPeriod(["2026-13"])).toBeNull();
    expect(claimsPeriod(["2026-00"])).toBeNull();
    expect(claimsPeriod(["latest"])).toBeNull();
  });

  it("steps across years", () => {
    expect(shiftPeriod("2026-01", -1)).toBe("2025-12");
    expect(shiftPeriod("2026-12", 1)).toBe("2027-01");
    expect(shiftPeriod("2026-10", 1)).toBe("2026-11");
    expect(shiftPeriod("2026-Q1", -1)).toBe("2025-Q4");
    expect(shiftPeriod("2026-Q4", 1)).toBe("2027-Q1");
    expect(shiftPeriod("nonsense", 1)).toBeNull();
  });

  it("offers only the month before from the latest month", () => {
    expect(periodLinks("2026-11", null, "2026-11")).toEqual({
      previous: { period: "2026-10", label: "October 2026", href: "#claims/2026-10" },
      next: null,
    });
    expect(periodLinks("2026-11", "2026-11", "2026-11").next).toBeNull();
  });

  it("offers the month after an earlier one, the latest as the screen's own address", () => {
    expect(periodLinks("2026-10", "2026-10", "2026-11")).toEqual({
      previous: { period: "2026-09", label: "September 2026", href: "#claims/2026-09" },
      next: { period: "2026-11", label: "November 2026", href: "#claims" },
    });
    expect(periodLinks("2026-09", "2026-09", "2026-11").next).toEqual({
      period: "2026-10",
      label: "October 2026",
      href: "#claims/2026-10",
    });
  });

  it("offers the period after when the latest is not known yet", () => {
    expect(periodLinks("2026-10", "2026-10", null).next?.href).toBe("#claims/2026-11");
  });

  it("steps by quarter from a quarter", () => {
    expect(periodLinks("2026-Q3", "2026-Q3", "2026-11")).toEqual({
      previous: { period: "2026-Q2", label: "Q2 2026", href: "#claims/2026-Q2" },
      next: { period: "2026-Q4", label: "Q4 2026", href: "#claims/2026-Q4" },
    });
    expect(periodLinks("2026-Q4", "2026-Q4", "2026-11").next).toBeNull();
  });
});
