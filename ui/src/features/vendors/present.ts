// Presentation rules for the Vendors screen: the scorecard's words and the
// vendor page's lines, kept out of the markup so that they can be tested.
import type {
  ContractInput,
  DisputeRow,
  Disputes,
  DocumentInput,
  DocumentKind,
  DocumentRow,
  KpiRow,
  MetricChoice,
  MetricStatus,
  ReviewInput,
  ReviewRow,
  RiskRow,
  Scorecard,
  SlaTargetInput,
  SourceFreshness,
  TargetRow,
  VendorPage,
} from "../../ipc/bindings";
import { explain } from "../../lib/glossary";
import {
  dateTime,
  duration,
  formatValue,
  isDay,
  listWords,
  longDay,
  plural,
  thousands,
  upperFirst,
} from "../../lib/format";
import { href } from "../../lib/router";

/** The comparison chart's alt text, as the lead asked for it. */
export const comparisonAlt = "Vendors compared on requests answered on time";

/** What the trend image on a vendor page shows. */
export function trendAlt(page: VendorPage): string {
  return `Requests ${page.name} answered on time in each of the last twelve months, against the contracted target`;
}

/** "2 to act on now, 1 to watch", "1 to watch", or "None open". */
export function flagsText(red: number, amber: number): string {
  const parts: string[] = [];
  if (red > 0) parts.push(`${red} to act on now`);
  if (amber > 0) parts.push(`${amber} to watch`);
  return parts.length > 0 ? parts.join(", ") : "None open";
}

/** "Ranked 2 of 4"; "Ranked 2" when the count is unknown; empty without a rank. */
export function rankText(rank: number, total: number | null): string {
  if (rank <= 0) return "";
  return total && total >= rank ? `Ranked ${rank} of ${total}` : `Ranked ${rank}`;
}

/** "Managed service provider · 4,200 a month · Ranked 2 of 4", leaving out what is missing. */
export function vendorFacts(page: VendorPage, total: number | null): string {
  return [page.kind, page.cost_text, rankText(page.rank, total)].filter((part) => part !== "").join(" · ");
}

/** The header explanation for a scorecard column. */
export function columnExplanation(column: MetricChoice): string {
  return column.explanation || explain(column.name) || "";
}

/** The scorecard's columns, by metric key, to explain a vendor page's measures. */
export function explanations(scorecard: Scorecard | null): Map<string, string> {
  return new Map((scorecard?.columns ?? []).map((column) => [column.metric, columnExplanation(column)]));
}

/** What "P1", "P3" and the like mean, for the contract's targets table. */
export function priorityExplanation(priority: string): string {
  const known = explain(priority);
  if (known) return known;
  const level = /^p(\d+)$/i.exec(priority.trim());
  if (level) {
    return `Priority ${level[1]} tickets: the lower the number, the more urgent. P1 is the most urgent kind.`;
  }
  return `Tickets the contract ranks as "${priority}".`;
}

/** Where a figure came from: "From Bluepeak service desk; 412 records; fetched 22 Nov 2026, 07:50". */
export function provenance(kpi: KpiRow, sources: SourceFreshness[], timeZone?: string): string {
  const names = kpi.sources.map((id) => sources.find((source) => source.id === id)?.name ?? id);
  const parts = [
    names.length > 0 ? `From ${listWords(names)}` : "No source recorded",
    plural(kpi.records, "record", "records"),
  ];
  if (kpi.skipped > 0) parts.push(skippedText(kpi));
  parts.push(kpi.fetched_at ? `fetched ${dateTime(kpi.fetched_at, timeZone)}` : "not yet fetched");
  return parts.join("; ");
}

/**
 * "3 records left out: its first response is dated before it was opened (3)",
 * or "… left out as incomplete" when the backend gives no reasons.
 */
export function skippedText(kpi: KpiRow): string {
  const count = plural(kpi.skipped, "record", "records");
  const reasons = (kpi.skipped_reasons ?? []).filter((reason) => reason.count > 0 && reason.reason.trim() !== "");
  if (reasons.length === 0) return `${count} left out as incomplete`;
  const said = reasons.map((reason) => `${reason.reason.trim()} (${thousands(reason.count)})`);
  return `${count} left out: ${listWords(said)}`;
}

/** "was 85.1% the period before", or empty when there is nothing to compare. */
export function previousText(kpi: KpiRow): string {
  return kpi.previous === null ? "" : `was ${formatValue(kpi.previous, kpi.unit)} the period before`;
}

export function targetText(kpi: KpiRow): string {
  return kpi.target === null ? "No target" : `target ${formatValue(kpi.target, kpi.unit)}`;
}

/** Measures off target first, then at risk, then the rest, keeping the given order within each. */
export function orderedMetrics(metrics: KpiRow[]): KpiRow[] {
  const rank: Record<MetricStatus, number> = { missed: 0, at_risk: 1, met: 2, no_target: 3 };
  return metrics
    .map((kpi, index) => ({ kpi, index }))
    .sort((a, b) => rank[a.kpi.status] - rank[b.kpi.status] || a.index - b.index)
    .map(({ kpi }) => kpi);
}

/** "Synced 35 min ago", "Never synced". */
export function syncedText(source: SourceFreshness): string {
  return source.age_text === "never" || source.last_success_at === null
    ? "Never synced"
    : `Synced ${source.age_text}`;
}

/** A scorecard cell in one sentence, for screen readers and the cell's label. */
export function cellWords(value: string, target: string, status: MetricStatus): string {
  const said = { met: "on target", at_risk: "at risk", missed: "off target", no_target: "no target" }[status];
  return [value === "—" ? "no data" : value, target, said].filter((part) => part !== "").join(", ");
}

// ---- the contract ----

/** When a target's clock runs, for the targets table: "In business hours", "Round the clock". */
export function clockWords(target: TargetRow): string {
  return upperFirst(target.clock_text.trim());
}

// ---- the route ----

export interface VendorRoute {
  vendor: string | null;
  /** The part of the page to bring into view. */
  section: "disputes" | null;
  /** `2026-10` or `2026-Q3`; null for the current month. */
  period: string | null;
}

/**
 * What `#vendors/<id>`, `#vendors/<id>/disputes` and
 * `#vendors/<id>/disputes/<period>` ask for; anything else after the id is ignored.
 */
export function vendorRoute(parts: readonly string[]): VendorRoute {
  const vendor = parts[0] || null;
  if (vendor === null || parts[1] !== "disputes") return { vendor, section: null, period: null };
  return { vendor, section: "disputes", period: parts[2] || null };
}

/** The link to a vendor's disputed tickets, for a period or the current month. */
export function disputesHref(vendor: string, period: string | null = null): string {
  return period ? href("vendors", vendor, "disputes", period) : href("vendors", vendor, "disputes");
}

/** The month before the one an RFC 3339 time falls in, as written: "2026-12-05T…" is "2026-11". */
function monthBefore(iso: string): string | null {
  const found = /^(\d{4})-(\d{2})-/.exec(iso);
  if (!found) return null;
  const year = Number(found[1]);
  const month = Number(found[2]);
  if (month < 1 || month > 12) return null;
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

/**
 * Where a flag's disputed tickets are listed, or null when the flag is not
 * about the provider's own SLA verdicts. The rule judges the last complete
 * month before the flag was last raised, so the link names that month (or
 * the period of the flag's evidence, when it has any) rather than opening
 * the current month, whose disputes may be none yet.
 */
export function riskDisputesHref(risk: RiskRow): string | null {
  if (risk.rule !== "reported_sla_mismatch" || !risk.vendor) return null;
  const period = risk.evidence.find((row) => row.period !== "")?.period ?? monthBefore(risk.last_seen);
  return disputesHref(risk.vendor, period);
}

// ---- disputes ----

/** The most disputed tickets the page lists; the CLI lists them all. */
export const DISPUTES_SHOWN = 100;

export function disputesTitle(vendorName: string): string {
  return `Where ${vendorName} and the contract disagree`;
}

/** The disputed tickets the page lists: the first DISPUTES_SHOWN. */
export function shownDisputes(disputes: Disputes): DisputeRow[] {
  return disputes.rows.slice(0, DISPUTES_SHOWN);
}

/** Writes a word for a shell, quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that lists every disputed ticket of the period. */
export function disputesCommand(disputes: Disputes): string {
  return `sightline-cli disputes --vendor ${shellWord(disputes.vendor)} --period ${shellWord(disputes.period)} --csv`;
}

/** How many disputed tickets the page leaves out (0 when it lists them all). */
export function moreDisputes(disputes: Disputes): number {
  return Math.max(0, disputes.rows.length - DISPUTES_SHOWN);
}

/**
 * Minutes on a dispute's clock: business time in hours and minutes ("45 h",
 * a business day is not 24 hours long), round-the-clock time as `duration`.
 * The same words as the reason sentence the backend writes.
 */
export function clockDuration(minutes: number, clock: string): string {
  if (clock !== "business" || !Number.isFinite(minutes)) return duration(minutes);
  const total = Math.round(Math.abs(minutes));
  if (total < 60) return `${total} min`;
  const rest = total % 60;
  return `${Math.floor(total / 60)} h${rest > 0 ? ` ${rest} min` : ""}`;
}

/** What a dispute's target is: "First answer within 30 min", "Fixed within 4 h". */
export function disputeTarget(row: DisputeRow): string {
  const within = clockDuration(row.target_minutes, row.clock);
  if (row.target === "response") return `First answer within ${within}`;
  if (row.target === "resolution") return `Fixed within ${within}`;
  return `Within ${within}`;
}

/** When the contract's clock runs for a dispute: "in business hours", "round the clock". */
export function disputeClock(row: DisputeRow): string {
  if (row.clock === "business") return "in business hours";
  if (row.clock === "24x7") return "round the clock";
  return row.clock;
}

/** How long the ticket took on the contract's clock, time on hold taken off: "2 h 10 min". */
export function disputeTook(row: DisputeRow): string {
  return clockDuration(row.elapsed_minutes, row.clock);
}

/** How long the ticket was on hold: "None", "3 days 4 h". */
export function disputeOnHold(row: DisputeRow): string {
  return row.paused_minutes > 0 ? clockDuration(row.paused_minutes, row.clock) : "None";
}

export function disputeOpened(row: DisputeRow, timeZone?: string): string {
  return dateTime(row.created_at, timeZone);
}

export interface VerdictLook {
  symbol: string;
  words: string;
  tone: "good" | "bad" | "neutral";
}

/** A verdict ("met" or "missed") in words and a symbol, never in colour alone. */
export function verdictLook(says: string): VerdictLook {
  if (says === "met") return { symbol: "✓", words: "Met", tone: "good" };
  if (says === "missed") return { symbol: "✕", words: "Missed", tone: "bad" };
  return { symbol: "–", words: upperFirst(says) || "Not judged", tone: "neutral" };
}

// ---- the contract form ----

/** What a form sends, or the first thing to change; `field` names the field it is about, where one is. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string; field?: string };

export const PRIORITIES = ["P1", "P2", "P3", "P4"];

/** The clocks a target can run on; "" is the contract's default. */
export const clockChoices: { value: string; label: string }[] = [
  { value: "", label: "Contract's default" },
  { value: "24x7", label: "Round the clock (24x7)" },
  { value: "business", label: "Business hours only" },
];

export const hoursHint = "e.g. Mon-Fri 08:00-18:00; leave empty for round the clock";

/** Said instead of the Edit button where the contract cannot be changed. */
export const demoContractNote =
  "This is the demo company's contract, shown as an example, so it cannot be changed here. Set up your own company in Sources to enter your contracts.";

/** One target row as typed: every field a string, so nothing typed is lost. */
export interface TargetDraft {
  /** Tells the rows apart while they are added and removed; never sent. */
  key: number;
  priority: string;
  respond: string;
  resolve: string;
  /** "", "24x7" or "business". */
  clock: string;
  /** `2026-07-01`, or "" for since the contract began. */
  effective_from: string;
}

/** The contract form as typed. */
export interface ContractDraft {
  targets: TargetDraft[];
  hours: string;
  /** Dates separated by commas or new lines. */
  holidays: string;
  compliance_target_pct: string;
  credit_percent_per_point: string;
  credit_cap_percent: string;
}

function numberDraft(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "" : String(value);
}

let lastKey = 0;

/** A row for a target, or an empty one for the first priority the others do not use yet. */
export function targetDraft(target: SlaTargetInput | null = null, others: TargetDraft[] = []): TargetDraft {
  lastKey += 1;
  const unused = PRIORITIES.find((priority) => !others.some((other) => other.priority === priority));
  return {
    key: lastKey,
    priority: target?.priority ?? unused ?? "P1",
    respond: numberDraft(target?.respond_minutes ?? null),
    resolve: numberDraft(target?.resolve_minutes ?? null),
    clock: target?.clock ?? "",
    effective_from: target?.effective_from ?? "",
  };
}

/** The form filled with the contract as it is. */
export function contractDraft(contract: ContractInput): ContractDraft {
  const targets: TargetDraft[] = [];
  for (const target of contract.sla) targets.push(targetDraft(target, targets));
  return {
    targets,
    hours: contract.hours,
    holidays: contract.holidays.join("\n"),
    compliance_target_pct: numberDraft(contract.compliance_target_pct),
    credit_percent_per_point: numberDraft(contract.credit_percent_per_point),
    credit_cap_percent: numberDraft(contract.credit_cap_percent),
  };
}

/** The dates in a list typed with commas, semicolons, spaces or new lines between them. */
export function holidayList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((day) => day.trim())
    .filter((day) => day !== "");
}

/** Whether `text` is a real day written as 2026-12-25 (one rule for every screen). */
export { isDay };

/**
 * Minutes as typed: "240", "240 min", "4 h", "4 hours", "1.5 h", "1 day";
 * null when empty, undefined when not a whole number of minutes above 0.
 */
export function minutesFrom(text: string): number | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "") return null;
  const match = /^(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)?$/.exec(trimmed);
  if (!match) return undefined;
  const unit = match[2] ?? "min";
  const per = unit.startsWith("h") ? 60 : unit.startsWith("d") ? 1440 : 1;
  const minutes = Number(match[1]) * per;
  if (!Number.isInteger(minutes) || minutes <= 0 || minutes > 4_294_967_295) return undefined;
  return minutes;
}

/** A percentage as typed ("95", "95%", "1.5"); null when empty, undefined when not a number. */
function percentFrom(text: string): number | null | undefined {
  const trimmed = text.trim().replace(/%$/, "").trim();
  if (trimmed === "") return null;
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/**
 * The form as the backend takes it, or the first thing to change in plain
 * words. The backend checks again (the hours' wording among other things).
 */
export function contractFromDraft(draft: ContractDraft): Checked<ContractInput> {
  const problem = (text: string): Checked<ContractInput> => ({ ok: false, problem: text });
  const hours = draft.hours.trim();

  const sla: SlaTargetInput[] = [];
  for (const target of draft.targets) {
    const priority = target.priority.trim().toUpperCase();
    if (!PRIORITIES.includes(priority)) {
      return problem(`'${target.priority.trim()}' is not a priority: use P1, P2, P3 or P4.`);
    }
    const respond = minutesFrom(target.respond);
    const resolve = minutesFrom(target.resolve);
    for (const [typed, read, what] of [
      [target.respond, respond, "first answer"],
      [target.resolve, resolve, "fix"],
    ] as const) {
      if (read === undefined) {
        return problem(
          `'${typed.trim()}' is not a time for the ${priority} ${what}: write minutes, such as 240 (4 h and 1 day work too).`,
        );
      }
    }
    if (respond === null && resolve === null) {
      return problem(`The ${priority} target has no times: give a first-answer time, a fix time or both, or remove it.`);
    }
    const from = target.effective_from.trim();
    if (from !== "" && !isDay(from)) {
      return problem(`'${from}' is not a date: write the day the ${priority} target applies from as 2026-07-01.`);
    }
    if (target.clock === "business" && hours === "") {
      return problem(
        `The ${priority} target runs in business hours, but no business hours are set: fill in the business hours, or let the target run round the clock (24x7).`,
      );
    }
    if (sla.some((other) => other.priority === priority && other.effective_from === from)) {
      return problem(
        from === ""
          ? `There are two ${priority} targets with no start date: keep one, or give the newer one the day it applies from.`
          : `There are two ${priority} targets from ${from}: keep one.`,
      );
    }
    sla.push({
      priority,
      respond_minutes: respond ?? null,
      resolve_minutes: resolve ?? null,
      clock: target.clock,
      effective_from: from,
    });
  }

  const holidays = holidayList(draft.holidays);
  const badDay = holidays.find((day) => !isDay(day));
  if (badDay !== undefined) return problem(`'${badDay}' is not a date: write holidays as 2026-12-25.`);
  if (holidays.length > 0 && hours === "") {
    return problem(
      "Holidays only stop the business clock, and no business hours are set: fill in the business hours, or remove the holidays.",
    );
  }

  const compliance = percentFrom(draft.compliance_target_pct);
  if (compliance === undefined || (compliance !== null && compliance > 100)) {
    return problem(
      `'${draft.compliance_target_pct.trim()}' is not a percentage: write the compliance target as a number from 0 to 100, such as 95, or leave it empty for the default.`,
    );
  }

  const perPoint = percentFrom(draft.credit_percent_per_point);
  const cap = percentFrom(draft.credit_cap_percent);
  if (perPoint === undefined) {
    return problem(
      `'${draft.credit_percent_per_point.trim()}' is not a percentage: write the credit per point as a number, such as 1.5.`,
    );
  }
  if (cap === undefined || (cap !== null && cap > 100)) {
    return problem(
      `'${draft.credit_cap_percent.trim()}' is not a percentage: write the cap as a number from 0 to 100, such as 15.`,
    );
  }
  if ((perPoint === null) !== (cap === null)) {
    return problem(
      "Service credits need both the credit per point and the cap: fill in both, or leave both empty for none.",
    );
  }

  return {
    ok: true,
    value: {
      compliance_target_pct: compliance,
      hours,
      holidays,
      sla,
      credit_percent_per_point: perPoint,
      credit_cap_percent: cap,
    },
  };
}

/**
 * Said above an empty list of targets when the page shows targets anyway:
 * those come from the vendor's service desk, not the contract.
 */
export function sourceTargetsNote(page: VendorPage, draft: ContractDraft): string | null {
  if (draft.targets.length > 0 || page.targets.length === 0) return null;
  return "The contract names no times of its own, so those the vendor's service desk defines are used. Add a target to set the contract's own.";
}

// ---- evidence on file ----

/** What each kind of document is called, in the order the form offers them. */
const evidenceKindLabels: Record<DocumentKind, string> = {
  soc2: "SOC 2 report",
  pentest: "Penetration test report",
  restore_test: "Restore test record",
  cyber_insurance: "Cyber insurance certificate",
  contract: "Contract",
};

/** The kinds of document that can be put on file, as the form offers them. */
export const evidenceKinds: { value: DocumentKind; label: string }[] = Object.entries(evidenceKindLabels).map(
  ([value, label]) => ({ value: value as DocumentKind, label }),
);

/** What kind of document it is, starting with a capital: "SOC 2 report", "Penetration test report". */
export function documentKind(doc: DocumentRow): string {
  const said = doc.kind_text.trim();
  if (said !== "") return upperFirst(said);
  return evidenceKindLabels[doc.kind];
}

export interface DocumentLook {
  /** The badge's shape and colour. */
  status: MetricStatus;
  /** The badge's words. */
  label: string;
}

/** A document's standing today as a badge: expired is missed, expiring or too old at risk, current met. */
export function documentLook(doc: DocumentRow): DocumentLook {
  switch (doc.state) {
    case "expired":
      return { status: "missed", label: "Expired" };
    case "expiring":
      return { status: "at_risk", label: "Expires soon" };
    case "old":
      return { status: "at_risk", label: "Too old" };
    case "current":
      return { status: "met", label: "Current" };
  }
}

/** The file behind a document: "bluepeak-soc2.pdf, 240 KB". */
export function documentFile(doc: DocumentRow): string {
  const size = `${thousands(Math.max(1, Math.round(doc.bytes / 1024)))} KB`;
  return doc.file_name.trim() === "" ? size : `${doc.file_name}, ${size}`;
}

/** How a document is named in a sentence: the SOC 2 report "Bluepeak SOC 2 Type II 2026". */
function documentName(doc: DocumentRow): string {
  const kind = documentKind(doc);
  const what = /^[A-Z]{2}/.test(kind) ? kind : kind.toLowerCase();
  return doc.title.trim() === "" ? `the ${what}` : `the ${what} "${doc.title.trim()}"`;
}

/** Said once a document is on file. */
export function addedLine(doc: DocumentRow): string {
  return `${upperFirst(documentName(doc))} is now on file.`;
}

/** The question before a document is removed. */
export function removeDocumentQuestion(doc: DocumentRow): string {
  const name = documentName(doc);
  return `Remove ${name} from file? Sightline deletes its own copy; any other copy you keep stays where it is.`;
}

/** Said once a document is removed. */
export function removedLine(doc: DocumentRow): string {
  return `${upperFirst(documentName(doc))} was removed from file.`;
}

/** Said when the file dialog was closed without a file. */
export const noFileChosen = "No file was chosen, so nothing was put on file.";

/** The form that puts a document on file, as typed. */
export interface DocumentDraft {
  kind: DocumentKind;
  /** `2026-09-30`, or "" while none is chosen. */
  issued: string;
  /** `2027-09-30`, or "" for no expiry date. */
  expires: string;
  title: string;
}

export function documentDraft(): DocumentDraft {
  return { kind: evidenceKinds[0].value, issued: "", expires: "", title: "" };
}

/** What "Choose the file…" sends, or the first thing to change. The backend checks again. */
export function documentFromDraft(vendor: string, draft: DocumentDraft): Checked<DocumentInput> {
  const issued = draft.issued.trim();
  const expires = draft.expires.trim();
  const title = draft.title.trim();
  if (issued === "") {
    return { ok: false, field: "issued", problem: "Enter the date on the document: the day it was issued or signed." };
  }
  if (!isDay(issued)) {
    return {
      ok: false,
      field: "issued",
      problem: `'${issued}' is not a date: write the document's date as 2026-09-30.`,
    };
  }
  if (expires !== "" && !isDay(expires)) {
    return {
      ok: false,
      field: "expires",
      problem: `'${expires}' is not a date: write the expiry date as 2027-09-30, or leave it empty.`,
    };
  }
  if (expires !== "" && expires < issued) {
    return {
      ok: false,
      field: "expires",
      problem: `The document would expire on ${longDay(expires)}, before its date of ${longDay(issued)}: check the two dates.`,
    };
  }
  return {
    ok: true,
    value: {
      vendor,
      kind: draft.kind,
      title: title === "" ? null : title,
      issued,
      expires: expires === "" ? null : expires,
    },
  };
}

// ---- supplier reviews ----

/** When the review after this one is due: "31 March 2027", or "Not set". */
export function nextDueText(review: ReviewRow): string {
  return review.next_due ? longDay(review.next_due) : "Not set";
}

/** The form that logs a supplier review, as typed. */
export interface ReviewDraft {
  /** `2026-09-30`, or "" while none is chosen. */
  reviewed_on: string;
  reviewer: string;
  outcome: string;
  /** `2027-03-31`, or "" for none. */
  next_due: string;
}

export function reviewDraft(): ReviewDraft {
  return { reviewed_on: "", reviewer: "", outcome: "", next_due: "" };
}

/** What "Log the review" sends, or the first thing to change. The backend checks again. */
export function reviewFromDraft(vendor: string, draft: ReviewDraft): Checked<ReviewInput> {
  const reviewedOn = draft.reviewed_on.trim();
  const reviewer = draft.reviewer.trim();
  const outcome = draft.outcome.trim();
  const nextDue = draft.next_due.trim();
  if (reviewedOn === "") return { ok: false, field: "reviewed_on", problem: "Enter the date of the review." };
  if (!isDay(reviewedOn)) {
    return {
      ok: false,
      field: "reviewed_on",
      problem: `'${reviewedOn}' is not a date: write the review's date as 2026-09-30.`,
    };
  }
  if (reviewer === "") {
    return { ok: false, field: "reviewer", problem: "Say who reviewed the supplier, such as the COO." };
  }
  if (outcome === "") {
    return { ok: false, field: "outcome", problem: "Say what came of the review, in a line or two." };
  }
  if (nextDue !== "" && !isDay(nextDue)) {
    return {
      ok: false,
      field: "next_due",
      problem: `'${nextDue}' is not a date: write when the next review is due as 2027-03-31, or leave it empty.`,
    };
  }
  if (nextDue !== "" && nextDue <= reviewedOn) {
    return {
      ok: false,
      field: "next_due",
      problem: "The next review must be due after this one: choose a later date, or leave it empty.",
    };
  }
  return {
    ok: true,
    value: { vendor, reviewed_on: reviewedOn, reviewer, outcome, next_due: nextDue === "" ? null : nextDue },
  };
}

/** Said once a review is logged. */
export function reviewLoggedLine(review: ReviewRow): string {
  const when = review.reviewed_on_text.trim() || longDay(review.reviewed_on);
  return `The review of ${when} was logged.`;
}
