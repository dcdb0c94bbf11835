// Presentation rules for the Vendors screen: the scorecard's words and the
// vendor page's lines, kept out of the markup so that they can be tested.
import type {
  DisputeRow,
  Disputes,
  KpiRow,
  MetricChoice,
  MetricStatus,
  RiskRow,
  Scorecard,
  SourceFreshness,
  TargetRow,
  VendorPage,
} from "../../ipc/bindings";
import { explain } from "../../lib/glossary";
import { dateTime, duration, formatValue, listWords, plural, thousands, upperFirst } from "../../lib/format";
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
