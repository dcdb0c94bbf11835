// Presentation rules for Reports: which periods a board report can be made
// for, how an archived report is described (period, date, size,
// fingerprint, signature), and which two reports are compared by default.
import type { ApiError, ArchivedReport, MetricStatus } from "../../ipc/bindings";
import { dateTime, longDateTime, MONTHS, periodLabel, plural, sentence, thousands } from "../../lib/format";

export interface PeriodChoice {
  /** `2026-Q3` or `2026-10`. */
  period: string;
  /** "Q3 2026 (July to September)" or "October 2026". */
  label: string;
  kind: "quarter" | "month";
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function quarterChoice(year: number, quarter: number): PeriodChoice {
  const first = MONTHS[(quarter - 1) * 3];
  const last = MONTHS[(quarter - 1) * 3 + 2];
  return { period: `${year}-Q${quarter}`, label: `Q${quarter} ${year} (${first} to ${last})`, kind: "quarter" };
}

function monthChoice(year: number, month: number): PeriodChoice {
  return { period: `${year}-${pad(month)}`, label: `${MONTHS[month - 1]} ${year}`, kind: "month" };
}

/**
 * The periods a board report can be made for on `today`: the last four
 * full quarters, then the last three full months, newest first. The
 * current quarter and month are left out because they are not over yet.
 */
export function reportPeriods(today: Date): PeriodChoice[] {
  const year = today.getFullYear();
  const month = today.getMonth() + 1; // 1..12
  const choices: PeriodChoice[] = [];
  // Counting quarters from year 0 keeps the arithmetic free of special cases.
  const currentQuarter = year * 4 + Math.floor((month - 1) / 3);
  for (let back = 1; back <= 4; back++) {
    const index = currentQuarter - back;
    choices.push(quarterChoice(Math.floor(index / 4), (index % 4) + 1));
  }
  const currentMonth = year * 12 + (month - 1);
  for (let back = 1; back <= 3; back++) {
    const index = currentMonth - back;
    choices.push(monthChoice(Math.floor(index / 12), (index % 12) + 1));
  }
  return choices;
}

/** The day a `2026-11` month period begins, as a local date: for a computer whose clock the backend overrides. */
export function firstDayOf(period: string): Date | null {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return new Date(Number(match[1]), month - 1, 1);
}

/** The default: the last full quarter. */
export function defaultReportPeriod(choices: PeriodChoice[]): string {
  return (choices.find((choice) => choice.kind === "quarter") ?? choices[0])?.period ?? "";
}

/** The file size in whole kilobytes with thousands separators: "1,234 KB". */
export function sizeText(bytes: number): string {
  const kilobytes = Math.max(1, Math.round(bytes / 1024));
  return `${thousands(kilobytes)} KB`;
}

export function pagesText(pages: number): string {
  return plural(pages, "page", "pages");
}

/** The first twelve hex characters: enough to match a printed copy by eye. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}

export const FINGERPRINT_EXPLANATION =
  "A fingerprint of the data the report was made from; it is printed in the report's appendix, so a printed copy can be matched to this archive.";

/** What the fingerprint's explanation says on hover and focus, the whole fingerprint included. */
export function fingerprintExplanation(fingerprint: string): string {
  return `${FINGERPRINT_EXPLANATION} In full: ${fingerprint}`;
}

/** The line under an opened report. */
export function fingerprintChecked(report: ArchivedReport, timeZone?: string): string {
  return `Fingerprint checked: this is the report exactly as it was made on ${longDateTime(report.created_at, timeZone)}.`;
}

/** The line after a report is made. */
export function doneLine(report: ArchivedReport): string {
  return `Saved in the archive: ${report.title}, ${pagesText(report.pages)}`;
}

/** An archive id as the text a <select> and a data attribute hold (ids are numbers on the wire). */
export function idText(report: ArchivedReport): string {
  return String(report.id);
}

/** Newest first: by when it was made, then by id. */
export function newestFirst(reports: ArchivedReport[]): ArchivedReport[] {
  return [...reports].sort((a, b) => {
    const byTime = Date.parse(b.created_at) - Date.parse(a.created_at);
    return byTime !== 0 && !Number.isNaN(byTime) ? byTime : Number(b.id) - Number(a.id);
  });
}

/** The archive with `report` added (or replaced), newest first. */
export function withReport(reports: ArchivedReport[], report: ArchivedReport): ArchivedReport[] {
  return newestFirst([report, ...reports.filter((other) => idText(other) !== idText(report))]);
}

/** The newest report already in the archive for a period, if any. */
export function existingFor(period: string, reports: ArchivedReport[]): ArchivedReport | undefined {
  return newestFirst(reports).find((report) => report.period === period);
}

export interface ComparePair {
  from: string;
  to: string;
}

/** The two newest reports, the older as "from"; null with fewer than two. */
export function compareDefaults(reports: ArchivedReport[]): ComparePair | null {
  const sorted = newestFirst(reports);
  if (sorted.length < 2) return null;
  return { from: idText(sorted[1]), to: idText(sorted[0]) };
}

/** The pair the pickers show: each end as chosen, else the default for that end. */
export function comparePair(reports: ArchivedReport[], chosen: { from: string | null; to: string | null }): ComparePair {
  const defaults = compareDefaults(reports);
  return { from: chosen.from ?? defaults?.from ?? "", to: chosen.to ?? defaults?.to ?? "" };
}

/** What the compare section says while the archive holds fewer than two reports. */
export function compareNeedsTwo(count: number): string {
  const next =
    count === 1
      ? "There is one so far: make another (for example for the next quarter) to see what got better and what got worse."
      : "Make two reports (for example for two quarters) to see what got better and what got worse.";
  return `Comparing needs two reports in the archive. ${next}`;
}

/** How a report is named in the compare pickers: "Q3 2026, made 22 Nov 2026, 08:00". */
export function compareOption(report: ArchivedReport, timeZone?: string): string {
  return `${periodLabel(report.period)}, made ${dateTime(report.created_at, timeZone)}`;
}

/** Why the chosen pair cannot be compared, or null when it can. */
export function compareProblem(from: string, to: string): string | null {
  if (from === "" || to === "") return "Choose two reports to compare.";
  if (from === to) return "Choose two different reports: a report compared with itself shows no change.";
  return null;
}

export interface ChangeList {
  key: "better" | "worse" | "new_risks" | "resolved_risks";
  title: string;
  items: string[];
}

/** The four lists of a comparison, in the order they are read. */
export function changeLists(comparison: {
  better: string[];
  worse: string[];
  new_risks: string[];
  resolved_risks: string[];
}): ChangeList[] {
  return [
    { key: "better", title: "Got better", items: comparison.better },
    { key: "worse", title: "Got worse", items: comparison.worse },
    { key: "new_risks", title: "New risks", items: comparison.new_risks },
    { key: "resolved_risks", title: "No longer flagged", items: comparison.resolved_risks },
  ];
}

/** The plain warning over a report that failed its seal check. */
export function openFailureNote(error: ApiError): string | null {
  if (error.code !== "report_altered") return null;
  return "Do not use this report: it was changed after Sightline made it, so it is not shown. Make the report for this period again.";
}

// ---- signatures ----

export interface SignatureLook {
  /** The badge's shape and colour: met, missed or no target. */
  status: MetricStatus;
  /** The badge's words. */
  label: string;
  /** What it means, in a sentence. */
  explanation: string;
}

/** A report's signature as a badge and a sentence, never by colour alone. */
export function signatureLook(report: ArchivedReport): SignatureLook {
  const said = sentence(report.signature_text);
  switch (report.signature) {
    case "checked":
      return {
        status: "met",
        label: "Signature checked",
        explanation: said || "The PDF and its archive entry are exactly as they were made.",
      };
    case "unsigned":
      return {
        status: "no_target",
        label: "Made before reports were signed",
        explanation: said || "This report has no signature; its fingerprint is still checked whenever it is opened.",
      };
    case "failed":
      return {
        status: "missed",
        label: "Signature does not match",
        explanation: said || "The report or its archive entry changed after Sightline made it: do not rely on it.",
      };
    default:
      return {
        status: "no_target",
        label: "Signature not checked yet",
        explanation: said || "Sightline checks the signature whenever it lists the archive.",
      };
  }
}

/** Whether saving a copy also writes a signature file: every report made since reports were signed. */
export function hasSignatureFile(report: ArchivedReport): boolean {
  return report.signature !== "unsigned";
}

/** The save button's words. */
export function saveCopyLabel(report: ArchivedReport): string {
  return hasSignatureFile(report) ? "Save PDF and signature…" : "Save a copy…";
}

/** The line after a copy is saved, naming every file written. */
export function savedLine(report: ArchivedReport, path: string): string {
  return hasSignatureFile(report)
    ? `Saved to ${path}, with its signature beside it in ${path}.minisig`
    : `Saved to ${path}. It was made before reports were signed, so there is no signature file.`;
}

/** How saving a copy went: the line naming the files written, or what failed. */
export type CopyOutcome = { saved: string } | { failed: ApiError };
