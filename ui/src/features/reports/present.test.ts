import { describe, expect, it } from "vitest";
import type { ArchivedReport } from "../../ipc/bindings";
import {
  changeLists,
  compareDefaults,
  compareNeedsTwo,
  compareOption,
  comparePair,
  compareProblem,
  defaultReportPeriod,
  doneLine,
  existingFor,
  fingerprintChecked,
  fingerprintExplanation,
  firstDayOf,
  openFailureNote,
  newestFirst,
  pagesText,
  reportPeriods,
  saveCopyLabel,
  savedLine,
  shortFingerprint,
  signatureLook,
  sizeText,
  withReport,
} from "./present";

function report(id: number, period: string, created_at: string, overrides: Partial<ArchivedReport> = {}): ArchivedReport {
  return {
    id,
    period,
    title: `Northwind — IT report, ${period}`,
    created_at,
    paper: "a4",
    sha256: "ab".repeat(32),
    fingerprint: "0123456789abcdef".repeat(4),
    pages: 12,
    bytes: 250_000,
    signature: "checked",
    signature_text: "Signature checked: the PDF and its archive entry are as they were made.",
    ...overrides,
  };
}

describe("report periods", () => {
  it("offers the last four full quarters and the last three full months", () => {
    const choices = reportPeriods(new Date(2026, 10, 24)); // 24 November 2026
    expect(choices.map((choice) => choice.period)).toEqual([
      "2026-Q3",
      "2026-Q2",
      "2026-Q1",
      "2025-Q4",
      "2026-10",
      "2026-09",
      "2026-08",
    ]);
    expect(choices[0].label).toBe("Q3 2026 (July to September)");
    expect(choices[3].label).toBe("Q4 2025 (October to December)");
    expect(choices[4].label).toBe("October 2026");
    expect(defaultReportPeriod(choices)).toBe("2026-Q3");
  });

  it("crosses the year boundary early in the year", () => {
    const choices = reportPeriods(new Date(2027, 0, 3)); // 3 January 2027
    expect(choices.map((choice) => choice.period)).toEqual([
      "2026-Q4",
      "2026-Q3",
      "2026-Q2",
      "2026-Q1",
      "2026-12",
      "2026-11",
      "2026-10",
    ]);
  });

  it("leaves out the quarter that has just begun", () => {
    const choices = reportPeriods(new Date(2026, 3, 1)); // 1 April 2026
    expect(choices[0].period).toBe("2026-Q1");
    expect(choices[4].period).toBe("2026-03");
  });

  it("starts from the month the backend says it is", () => {
    expect(firstDayOf("2026-11")).toEqual(new Date(2026, 10, 1));
    expect(reportPeriods(firstDayOf("2026-11")!)[0].period).toBe("2026-Q3");
    expect(firstDayOf("2026-Q3")).toBeNull();
    expect(firstDayOf("2026-13")).toBeNull();
  });
});

describe("archived reports", () => {
  it("gives sizes in kilobytes and pages in words", () => {
    expect(sizeText(250_000)).toBe("244 KB");
    expect(sizeText(1_500_000)).toBe("1,465 KB");
    expect(sizeText(100)).toBe("1 KB");
    expect(pagesText(1)).toBe("1 page");
    expect(pagesText(14)).toBe("14 pages");
  });

  it("shortens the fingerprint and gives it in full with its explanation", () => {
    const fingerprint = "0123456789abcdef".repeat(4);
    expect(shortFingerprint(fingerprint)).toBe("0123456789ab");
    expect(fingerprintExplanation(fingerprint)).toBe(
      "A fingerprint of the data the report was made from; it is printed in the report's appendix, so a printed copy can be matched to this archive. In full: " +
        fingerprint,
    );
  });

  it("says what was made and what was checked", () => {
    const made = report(7, "2026-Q3", "2026-11-22T08:05:00Z", { title: "Northwind — IT report, Q3 2026", pages: 14 });
    expect(doneLine(made)).toBe("Saved in the archive: Northwind — IT report, Q3 2026, 14 pages");
    expect(fingerprintChecked(made, "UTC")).toBe(
      "Fingerprint checked: this is the report exactly as it was made on 22 November 2026 at 08:05.",
    );
  });

  it("keeps the archive newest first when a report is added", () => {
    const older = report(1, "2026-Q2", "2026-08-01T09:00:00Z");
    const newer = report(2, "2026-Q3", "2026-10-02T09:00:00Z");
    const sameTime = report(3, "2026-09", "2026-10-02T09:00:00Z");
    expect(newestFirst([older, newer, sameTime]).map((r) => Number(r.id))).toEqual([3, 2, 1]);
    const added = report(4, "2026-Q3", "2026-11-22T08:00:00Z");
    expect(withReport([newer, older], added).map((r) => Number(r.id))).toEqual([4, 2, 1]);
    // Adding one that is already listed does not list it twice.
    expect(withReport([added, newer, older], added).map((r) => Number(r.id))).toEqual([4, 2, 1]);
  });

  it("finds the newest report already made for a period", () => {
    const first = report(1, "2026-Q3", "2026-10-02T09:00:00Z");
    const second = report(2, "2026-Q3", "2026-11-22T08:00:00Z");
    expect(Number(existingFor("2026-Q3", [first, second])?.id)).toBe(2);
    expect(existingFor("2026-Q2", [first, second])).toBeUndefined();
  });
});

describe("opening reports", () => {
  it("warns plainly when a report failed its seal check, and only then", () => {
    expect(openFailureNote({ code: "report_altered", message: "report 3 has been altered since it was stored" })).toBe(
      "Do not use this report: it was changed after Sightline made it, so it is not shown. Make the report for this period again.",
    );
    expect(openFailureNote({ code: "not_found", message: "there is no report 9 in the archive" })).toBeNull();
  });
});

describe("comparing reports", () => {
  it("compares the two newest by default, the older as from", () => {
    const reports = [
      report(1, "2026-Q1", "2026-04-02T09:00:00Z"),
      report(3, "2026-Q3", "2026-10-02T09:00:00Z"),
      report(2, "2026-Q2", "2026-07-02T09:00:00Z"),
    ];
    expect(compareDefaults(reports)).toEqual({ from: "2", to: "3" });
    expect(compareDefaults(reports.slice(0, 1))).toBeNull();
    expect(compareDefaults([])).toBeNull();
  });

  it("keeps each end as chosen and fills the other from the defaults", () => {
    const reports = [
      report(1, "2026-Q1", "2026-04-02T09:00:00Z"),
      report(3, "2026-Q3", "2026-10-02T09:00:00Z"),
      report(2, "2026-Q2", "2026-07-02T09:00:00Z"),
    ];
    expect(comparePair(reports, { from: null, to: null })).toEqual({ from: "2", to: "3" });
    expect(comparePair(reports, { from: "1", to: null })).toEqual({ from: "1", to: "3" });
    expect(comparePair(reports, { from: null, to: "1" })).toEqual({ from: "2", to: "1" });
    expect(comparePair(reports, { from: "3", to: "2" })).toEqual({ from: "3", to: "2" });
    expect(comparePair([report(1, "2026-Q1", "2026-04-02T09:00:00Z")], { from: null, to: null })).toEqual({
      from: "",
      to: "",
    });
  });

  it("says how many more reports comparing needs", () => {
    expect(compareNeedsTwo(0)).toBe(
      "Comparing needs two reports in the archive. Make two reports (for example for two quarters) to see what got better and what got worse.",
    );
    expect(compareNeedsTwo(1)).toBe(
      "Comparing needs two reports in the archive. There is one so far: make another (for example for the next quarter) to see what got better and what got worse.",
    );
  });

  it("names reports in the pickers by period and date", () => {
    expect(compareOption(report(1, "2026-Q3", "2026-10-02T09:00:00Z"), "UTC")).toBe("Q3 2026, made 2 Oct 2026, 09:00");
  });

  it("refuses to compare a report with itself", () => {
    expect(compareProblem("2", "3")).toBeNull();
    expect(compareProblem("3", "3")).toBe(
      "Choose two different reports: a report compared with itself shows no change.",
    );
    expect(compareProblem("", "3")).toBe("Choose two reports to compare.");
  });

  it("lists the changes in reading order", () => {
    const lists = changeLists({
      better: ["Bluepeak: tickets answered on time went from 80.0% to 91.0%"],
      worse: [],
      new_risks: ["Backups failing at the warehouse"],
      resolved_risks: [],
    });
    expect(lists.map((list) => [list.title, list.items.length])).toEqual([
      ["Got better", 1],
      ["Got worse", 0],
      ["New risks", 1],
      ["No longer flagged", 0],
    ]);
  });
});

describe("signatures", () => {
  it("says a report's signature in a badge's words and a sentence", () => {
    expect(signatureLook(report(1, "2026-Q3", "2026-10-02T08:00:00+00:00"))).toEqual({
      status: "met",
      label: "Signature checked",
      explanation: "Signature checked: the PDF and its archive entry are as they were made.",
    });
    expect(
      signatureLook(
        report(2, "2026-Q2", "2026-07-02T08:00:00+00:00", {
          signature: "unsigned",
          signature_text: "Made before reports were signed: its SHA-256 is checked when opened.",
        }),
      ),
    ).toEqual({
      status: "no_target",
      label: "Made before reports were signed",
      explanation: "Made before reports were signed: its SHA-256 is checked when opened.",
    });
    expect(
      signatureLook(
        report(3, "2026-Q1", "2026-04-02T08:00:00+00:00", {
          signature: "failed",
          signature_text: "the PDF does not match its signature; the archive entry was changed",
        }),
      ),
    ).toEqual({
      status: "missed",
      label: "Signature does not match",
      explanation: "The PDF does not match its signature; the archive entry was changed.",
    });
  });

  it("explains a signature the backend said nothing about", () => {
    const made = "2026-04-02T08:00:00+00:00";
    expect(signatureLook(report(4, "2026-Q1", made, { signature: "unchecked", signature_text: "" }))).toEqual({
      status: "no_target",
      label: "Signature not checked yet",
      explanation: "Sightline checks the signature whenever it lists the archive.",
    });
    expect(signatureLook(report(5, "2026-Q1", made, { signature: "failed", signature_text: " " })).explanation).toBe(
      "The report or its archive entry changed after Sightline made it: do not rely on it.",
    );
  });

  it("names both files a saved copy writes", () => {
    const signed = report(1, "2026-Q3", "2026-10-02T08:00:00+00:00");
    expect(saveCopyLabel(signed)).toBe("Save PDF and signature…");
    expect(savedLine(signed, "/home/cfo/Board Q3.pdf")).toBe(
      "Saved to /home/cfo/Board Q3.pdf, with its signature beside it in /home/cfo/Board Q3.pdf.minisig",
    );
    const unsigned = report(2, "2026-Q2", "2026-07-02T08:00:00+00:00", { signature: "unsigned" });
    expect(saveCopyLabel(unsigned)).toBe("Save a copy…");
    expect(savedLine(unsigned, "C:\\Board\\Q2.pdf")).toBe(
      "Saved to C:\\Board\\Q2.pdf. It was made before reports were signed, so there is no signature file.",
    );
  });
});
