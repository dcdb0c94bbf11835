// Presentation rules for the Vendors screen: the scorecard's words and the
// vendor page's lines, kept out of the markup so that they can be tested.
import type { KpiRow, MetricChoice, MetricStatus, Scorecard, SourceFreshness, VendorPage } from "../../ipc/bindings";
import { explain } from "../../lib/glossary";
import { dateTime, formatValue, listWords, plural } from "../../lib/format";

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
  if (kpi.skipped > 0) parts.push(`${plural(kpi.skipped, "record", "records")} left out as incomplete`);
  parts.push(kpi.fetched_at ? `fetched ${dateTime(kpi.fetched_at, timeZone)}` : "not yet fetched");
  return parts.join("; ");
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
