// Presentation rules for Trends: how the measures are grouped in the picker,
// what the records behind a figure are called, how the route carries the
// choice, and how a record's verdict is said in words and a symbol.
import type { DrilldownRow, MetricChoice } from "../../ipc/bindings";
import { thousands } from "../../lib/format";

export type Granularity = "month" | "quarter";

export interface MetricGroup {
  area: string;
  metrics: MetricChoice[];
}

/** The areas in the order an executive reads them (the Overview's order). */
const AREA_ORDER = ["Service levels", "Security hygiene", "Identity and access", "Resilience", "Vendors"];

/**
 * The measures grouped by area for an <optgroup> each: known areas in
 * reading order, any other area after them in the order it first appears;
 * within an area the backend's order is kept.
 */
export function groupMetrics(metrics: MetricChoice[]): MetricGroup[] {
  const groups = new Map<string, MetricChoice[]>();
  for (const metric of metrics) {
    const area = metric.area.trim() === "" ? "Other" : metric.area;
    const group = groups.get(area);
    if (group) group.push(metric);
    else groups.set(area, [metric]);
  }
  const rank = (area: string) => {
    const index = AREA_ORDER.indexOf(area);
    return index === -1 ? AREA_ORDER.length : index;
  };
  return [...groups.entries()]
    .map(([area, list], index) => ({ area, metrics: list, index }))
    .sort((a, b) => rank(a.area) - rank(b.area) || a.index - b.index)
    .map(({ area, metrics: list }) => ({ area, metrics: list }));
}

/** What the records behind a measure are, in the plural: "tickets", "devices". */
export function recordNoun(metric: string): string {
  if (metric === "patch_compliance_pct") return "devices";
  if (metric === "critical_patch_max_age_days") return "missing updates";
  if (metric.startsWith("vulns_")) return "security weaknesses";
  if (metric === "backup_success_pct") return "backups";
  if (metric === "days_since_restore_test") return "restore tests";
  if (metric === "days_since_resilience_test") return "failover tests";
  if (metric === "cert_min_days_to_expiry") return "certificates";
  if (metric === "change_success_pct") return "changes";
  if (metric === "csat_pct") return "survey answers";
  if (metric === "availability_pct") return "monitor readings";
  if (metric === "source_staleness_hours") return "data sources";
  const ticketMeasures = [
    "tickets_",
    "first_response_",
    "resolution_",
    "sla_",
    "service_credit_",
    "backlog_",
    "reopened_",
    "key_person_",
  ];
  if (ticketMeasures.some((prefix) => metric.startsWith(prefix))) return "tickets";
  return "records";
}

export function periodWord(granularity: Granularity): string {
  return granularity === "quarter" ? "quarter" : "month";
}

/** The line that tells people the table rows, not the chart, open the records. */
export function drillHint(granularity: Granularity, metric: string): string {
  return `Choose a ${periodWord(granularity)} in the table to see the ${recordNoun(metric)} behind its figure.`;
}

/** The drill-down button's words, or null when there is nothing to see. */
export function drillLabel(records: number): string | null {
  if (records <= 0) return null;
  if (records === 1) return "See the record";
  return `See the ${thousands(records)} records`;
}

export interface MetLook {
  symbol: string;
  words: string;
  tone: "good" | "bad" | "neutral";
}

/** Whether one record met its target, in words and a symbol. */
export function metLook(met: boolean | null): MetLook {
  if (met === true) return { symbol: "✓", words: "Met", tone: "good" };
  if (met === false) return { symbol: "✕", words: "Missed", tone: "bad" };
  return { symbol: "–", words: "Not judged", tone: "neutral" };
}

/** Whether the measure judges records one by one (else the "Met target" column is left out). */
export function judgesRecords(rows: DrilldownRow[]): boolean {
  return rows.some((row) => row.met !== null);
}

/** Says when the list is cut short; empty when every record is listed. */
export function shownLine(listed: number, total: number): string {
  if (listed >= total) return "";
  return `Showing the first ${thousands(listed)} of ${thousands(total)} records; the ones that missed come first.`;
}

export interface TrendChoice {
  metric: string | null;
  vendor: string | null;
}

/** The measure and vendor a `#trends/<metric>/<vendor>` route asks for. */
export function routeChoice(parts: readonly string[]): TrendChoice {
  return { metric: parts[0] || null, vendor: parts[1] || null };
}

/** A key for the part of a route the screen acts on, to tell a real change from an echo. */
export function routeKey(parts: readonly string[]): string {
  const { metric, vendor } = routeChoice(parts);
  return `${metric ?? ""}/${vendor ?? ""}`;
}

/** The route parts for a choice: `[metric, vendor]`. */
export function routeParts(metric: string, vendor: string): string[] {
  return [metric, vendor];
}

export function asGranularity(text: string | null | undefined): Granularity {
  return text === "quarter" ? "quarter" : "month";
}
