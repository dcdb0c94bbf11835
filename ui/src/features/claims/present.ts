// Presentation rules for "Claimed vs measured": what each provider's own
// tools report beside what Sightline measured itself. The order that puts
// disagreements first, the summary line, the verdicts in words, the records
// behind a row and the links to the months either side, kept out of the
// markup so that they can be tested.
import type { ClaimRow, ClaimVerdict, ClaimsView, MetricStatus, VendorClaims } from "../../ipc/bindings";
import { periodLabel, plural, thousands } from "../../lib/format";
import { href } from "../../lib/router";
import { disputesHref } from "../vendors/present";

/** The one-sentence explanation under the heading. */
export function leadLine(periodLabelText: string): string {
  return `What each provider's own tools report, beside what Sightline measured itself, for ${periodLabelText}.`;
}

// ---- verdicts ----

export interface VerdictLook {
  /** The badge's shape and colour (StatusBadge). */
  status: MetricStatus;
  /** The badge's words, always shown: the colour is never the only sign. */
  label: string;
}

/** A verdict as a badge: "Agree" green, "Disagree" red, "Nothing to compare" grey. */
export function verdictLook(verdict: ClaimVerdict): VerdictLook {
  switch (verdict) {
    case "agree":
      return { status: "met", label: "Agree" };
    case "disagree":
      return { status: "missed", label: "Disagree" };
    default:
      return { status: "no_target", label: "Nothing to compare" };
  }
}

const VERDICT_RANK: Record<ClaimVerdict, number> = { disagree: 0, agree: 1, no_comparison: 2 };

function rankOf(verdict: ClaimVerdict): number {
  return VERDICT_RANK[verdict] ?? 3;
}

/** A vendor's rows, disagreements first, then agreements, then those with nothing to compare; the given order within each. */
export function orderedRows(rows: readonly ClaimRow[]): ClaimRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => rankOf(a.row.verdict) - rankOf(b.row.verdict) || a.index - b.index)
    .map(({ row }) => row);
}

export function disagreements(vendor: VendorClaims): number {
  return vendor.rows.filter((row) => row.verdict === "disagree").length;
}

/** Vendors with a disagreement first, the given order otherwise; each vendor's rows ordered too. */
export function orderedVendors(vendors: readonly VendorClaims[]): VendorClaims[] {
  return vendors
    .map((vendor, index) => ({ vendor, index, disagrees: disagreements(vendor) > 0 }))
    .sort((a, b) => Number(b.disagrees) - Number(a.disagrees) || a.index - b.index)
    .map(({ vendor }) => ({ ...vendor, rows: orderedRows(vendor.rows) }));
}

/**
 * The summary line: "3 disagreements across 2 providers", "1 disagreement
 * with Bluepeak IT Services", "Every comparison agrees", or, when no provider
 * says anything that can be checked, that nothing could be compared.
 */
export function summaryLine(view: ClaimsView): string {
  const rows = view.vendors.flatMap((vendor) => vendor.rows);
  if (rows.length === 0) return "Nothing to compare yet.";
  const count = rows.filter((row) => row.verdict === "disagree").length;
  if (count > 0) {
    const providers = view.vendors.filter((vendor) => disagreements(vendor) > 0);
    const said = plural(count, "disagreement", "disagreements", thousands);
    return providers.length === 1
      ? `${said} with ${providers[0].vendor_name}.`
      : `${said} across ${providers.length} providers.`;
  }
  if (rows.some((row) => row.verdict === "agree")) return "Every comparison agrees.";
  return "Nothing could be compared: the providers' tools give no figures of their own to check.";
}

// ---- the records behind a row ----

/** The disclosure's words: "Show the 16 records", "Show the record". */
export function recordsToggle(row: ClaimRow): string {
  const count = Math.max(row.evidence_count, row.evidence.length);
  return count === 1 ? "Show the record" : `Show the ${thousands(count)} records`;
}

/** "… and 4 more" when the list is cut short, or null when it shows every record. */
export function moreRecords(row: ClaimRow): string | null {
  const more = row.evidence_count - row.evidence.length;
  return more > 0 ? `… and ${thousands(more)} more` : null;
}

/** Where the disputed tickets behind a service-level disagreement are listed, or null. */
export function rowDisputesHref(vendor: string, row: ClaimRow, period: string): string | null {
  return row.topic === "service_levels" && row.verdict === "disagree" ? disputesHref(vendor, period) : null;
}

// ---- periods and the route ----

/**
 * The period named in the address (`#claims/2026-10`, `#claims/2026-Q3`), or
 * null for the latest complete month; anything else is ignored.
 */
export function claimsPeriod(parts: readonly string[]): string | null {
  const wanted = (parts[0] ?? "").trim();
  const month = /^(\d{4})-(\d{2})$/.exec(wanted);
  if (month) {
    const number = Number(month[2]);
    return number >= 1 && number <= 12 ? wanted : null;
  }
  const quarter = /^(\d{4})-q([1-4])$/i.exec(wanted);
  return quarter ? `${quarter[1]}-Q${quarter[2]}` : null;
}

interface Parsed {
  year: number;
  /** 1..12 for a month, 1..4 for a quarter. */
  index: number;
  quarter: boolean;
}

function parse(period: string): Parsed | null {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
    return { year: Number(month[1]), index: Number(month[2]), quarter: false };
  }
  const quarter = /^(\d{4})-Q([1-4])$/i.exec(period);
  if (quarter) return { year: Number(quarter[1]), index: Number(quarter[2]), quarter: true };
  return null;
}

/** The month or quarter `by` steps away: shiftPeriod("2026-01", -1) is "2025-12"; null when not a period. */
export function shiftPeriod(period: string, by: number): string | null {
  const found = parse(period);
  if (!found) return null;
  const size = found.quarter ? 4 : 12;
  const steps = found.year * size + (found.index - 1) + by;
  const year = Math.floor(steps / size);
  const index = (steps % size) + 1;
  return found.quarter ? `${year}-Q${index}` : `${year}-${String(index).padStart(2, "0")}`;
}

/** The first month of a period, counted from year 0, to compare months with quarters. */
function firstMonth(period: string): number | null {
  const found = parse(period);
  if (!found) return null;
  return found.year * 12 + (found.quarter ? (found.index - 1) * 3 : found.index - 1);
}

export interface PeriodLink {
  period: string;
  /** "October 2026", "Q2 2026". */
  label: string;
  href: string;
}

export interface PeriodLinks {
  previous: PeriodLink | null;
  next: PeriodLink | null;
}

function link(period: string, latest: string | null): PeriodLink {
  // The latest month is the screen's own address, without a period.
  return { period, label: periodLabel(period), href: period === latest ? href("claims") : href("claims", period) };
}

/**
 * The periods either side of the one shown. `asked` is the period the
 * address names (null for the latest), `latest` the latest complete month
 * when known. No later period is offered from the latest, nor past it.
 */
export function periodLinks(shown: string, asked: string | null, latest: string | null): PeriodLinks {
  const before = shiftPeriod(shown, -1);
  const after = shiftPeriod(shown, 1);
  const end = latest === null ? null : firstMonth(latest);
  const afterStart = after === null ? null : firstMonth(after);
  const nextAllowed =
    asked !== null && after !== null && (end === null || (afterStart !== null && afterStart <= end));
  return {
    previous: before === null ? null : link(before, latest),
    next: nextAllowed && after !== null ? link(after, latest) : null,
  };
}
