// Presentation rules for the Risks screen: which flags a filter shows, how
// they are grouped, how their evidence and dates are said in words, and
// who owns the action on each and whether it is late.
import type { ActionInput, ActionRow, ActionStatus, RiskRow, RiskSeverity, RiskState } from "../../ipc/bindings";
import { daysBetween, isDay, listWords, longDay, plural, shortDate } from "../../lib/format";

export type RiskFilter = "open" | "new" | "acknowledged" | "resolved";

export const riskFilters: { id: RiskFilter; label: string }[] = [
  { id: "open", label: "All open" },
  { id: "new", label: "New" },
  { id: "acknowledged", label: "Acknowledged" },
  { id: "resolved", label: "Resolved" },
];

/** A filter named in the address (`#risks/new`), or null when it names none. */
export function parseFilter(param: string | null | undefined): RiskFilter | null {
  const wanted = (param ?? "").trim().toLowerCase();
  return riskFilters.some((filter) => filter.id === wanted) ? (wanted as RiskFilter) : null;
}

export function isResolved(risk: RiskRow): boolean {
  return risk.state === "resolved";
}

/**
 * Whether a flag belongs under a filter. "New" counts flags that came back
 * after being resolved too: both are news since the last look.
 */
export function matches(risk: RiskRow, filter: RiskFilter): boolean {
  switch (filter) {
    case "open":
      return !isResolved(risk);
    case "new":
      return risk.state === "new" || risk.state === "returning";
    case "acknowledged":
      return !isResolved(risk) && risk.acknowledged !== null;
    case "resolved":
      return isResolved(risk);
  }
}

export function filterRisks(risks: RiskRow[], filter: RiskFilter): RiskRow[] {
  return risks.filter((risk) => matches(risk, filter));
}

export function filterCounts(risks: RiskRow[]): Record<RiskFilter, number> {
  return {
    open: filterRisks(risks, "open").length,
    new: filterRisks(risks, "new").length,
    acknowledged: filterRisks(risks, "acknowledged").length,
    resolved: filterRisks(risks, "resolved").length,
  };
}

export type GroupId = RiskSeverity | "resolved";

export interface RiskGroup {
  id: GroupId;
  title: string;
  /** One line under the heading saying what the group means. */
  blurb: string;
  risks: RiskRow[];
}

const groupText: Record<GroupId, { title: string; blurb: string }> = {
  red: { title: "Act now", blurb: "Serious: raise these with the provider this week." },
  amber: { title: "Watch", blurb: "Not yet serious: ask about these at the next review." },
  resolved: { title: "No longer flagged", blurb: "These checks pass again; kept here with your notes." },
};

function groupOf(risk: RiskRow): GroupId {
  if (isResolved(risk)) return "resolved";
  return risk.severity === "red" ? "red" : "amber";
}

/** Flags grouped Act now, Watch, No longer flagged; empty groups left out; order within kept. */
export function groupRisks(risks: RiskRow[]): RiskGroup[] {
  const order: GroupId[] = ["red", "amber", "resolved"];
  return order
    .map((id) => ({ id, ...groupText[id], risks: risks.filter((risk) => groupOf(risk) === id) }))
    .filter((group) => group.risks.length > 0);
}

/** Flags drawn with the screen: more than a window's height. */
export const FIRST_FLAGS = 8;
/** The rest follow this many at a time, */
export const FLAGS_PER_WINDOW = 24;
/** each this long after the last: time for it to paint first. */
export const WINDOW_PAUSE_MS = 50;

/**
 * The groups as far as their first `drawn` flags, in order: a long list is
 * drawn a window at a time, so the screen paints with its first flags and
 * the rest follow frame by frame. A group none of whose flags is drawn yet
 * is left out; each keeps its whole count in `risks`.
 */
export function drawnGroups(groups: RiskGroup[], drawn: number): (RiskGroup & { drawn: RiskRow[] })[] {
  let left = drawn;
  const out: (RiskGroup & { drawn: RiskRow[] })[] = [];
  for (const group of groups) {
    if (left <= 0) break;
    const rows = group.risks.slice(0, left);
    left -= rows.length;
    out.push({ ...group, drawn: rows });
  }
  return out;
}

/** The line above the list: how many flags the filter shows and how serious. */
export function countLine(risks: RiskRow[], filter: RiskFilter): string {
  const shown = filterRisks(risks, filter);
  if (filter === "resolved") {
    return shown.length === 0
      ? "No flag has been resolved yet."
      : `${plural(shown.length, "flag is", "flags are")} no longer flagged.`;
  }
  const red = shown.filter((risk) => risk.severity === "red").length;
  const amber = shown.length - red;
  const what = { open: "open", new: "new", acknowledged: "acknowledged" }[filter];
  if (shown.length === 0) {
    return {
      open: "Nothing needs raising: every check passes.",
      new: "No new flags since they were last seen.",
      acknowledged: "You have not added a note to any open flag yet.",
    }[filter];
  }
  return `${plural(shown.length, `${what} flag`, `${what} flags`)}: ${red} to act on now, ${amber} to watch.`;
}

/** How a flag's state is said: "New", "Ongoing", "Back again", "No longer flagged". */
export function stateLabel(state: RiskState): string {
  switch (state) {
    case "new":
      return "New";
    case "ongoing":
      return "Ongoing";
    case "returning":
      return "Back again";
    case "resolved":
      return "No longer flagged";
  }
}

/** "Flagged since 3 Oct 2026", or when it stopped being flagged. */
export function sinceLine(risk: RiskRow, timeZone?: string): string {
  if (isResolved(risk) && risk.resolved_at) {
    return `Flagged from ${shortDate(risk.first_seen, timeZone)} until ${shortDate(risk.resolved_at, timeZone)}`;
  }
  return `Flagged since ${shortDate(risk.first_seen, timeZone)}`;
}

/** "Based on 12 records from bluepeak-psa and internal-desk", from `source:record` ids. */
export function recordsLine(records: string[]): string {
  if (records.length === 0) return "";
  const sources = [...new Set(records.map((record) => record.split(":")[0]).filter((source) => source !== ""))];
  const count = plural(records.length, "record", "records");
  if (sources.length === 0) return `Based on ${count}`;
  return `Based on ${count} from ${listWords(sources)}`;
}

/** Puts a saved flag in place of the one with the same id. */
export function replaceRisk(risks: RiskRow[], saved: RiskRow): RiskRow[] {
  return risks.map((risk) => (risk.id === saved.id ? saved : risk));
}

/** Whether the evidence table needs a Measure column: only when it mixes measures. */
export function mixesMeasures(risk: RiskRow): boolean {
  return new Set(risk.evidence.map((row) => row.metric)).size > 1;
}

/** A string safe inside an element id: "sla_breach:bluepeak" is "sla_breach-bluepeak". */
export function idPart(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, "-");
}

/** Where a flag sits on the board's grid: "Likelihood: likely · Impact: high"; empty when unknown. */
export function gridLine(risk: RiskRow): string {
  const parts: string[] = [];
  if (risk.likelihood.trim() !== "") parts.push(`Likelihood: ${risk.likelihood.trim()}`);
  if (risk.impact.trim() !== "") parts.push(`Impact: ${risk.impact.trim()}`);
  return parts.join(" · ");
}

// ---- the action on a flag ----

/** What each status is called, in the order the form offers them. */
const actionStatusLabels: Record<ActionStatus, string> = {
  open: "Open",
  in_progress: "In progress",
  done: "Done",
  accepted: "Accepted risk",
};

/** The statuses an action can have, as the form offers them. */
export const actionStatuses: { value: ActionStatus; label: string }[] = Object.entries(actionStatusLabels).map(
  ([value, label]) => ({ value: value as ActionStatus, label }),
);

/** An action's status in words: "in progress", "accepted risk". */
export function actionStatusWords(action: ActionRow): string {
  const said = action.status_text.trim();
  if (said !== "") return said;
  return actionStatusLabels[action.status].toLowerCase();
}

/** "Head of IT, due 2 December 2026 — in progress". */
export function actionLine(action: ActionRow): string {
  return `${action.owner}, due ${longDay(action.due)} — ${actionStatusWords(action)}`;
}

/**
 * Days an action is past its due date on `today` (`2026-12-02`): only an
 * open or in-progress action can be late; done and accepted ones never are.
 * Zero when it is not late.
 */
export function overdueDays(action: ActionRow, today: string): number {
  if (action.status !== "open" && action.status !== "in_progress") return 0;
  const late = daysBetween(action.due, today);
  return late !== null && late > 0 ? late : 0;
}

/** "Overdue by 4 days", or null when the action is not late. */
export function overdueText(action: ActionRow, today: string): string | null {
  const late = overdueDays(action, today);
  return late > 0 ? `Overdue by ${plural(late, "day", "days")}` : null;
}

/** The reason under an action: why an accepted risk is accepted, or any note; null without one. */
export function reasonLine(action: ActionRow): string | null {
  const reason = (action.reason ?? "").trim();
  if (reason === "") return null;
  return action.status === "accepted" ? `Why it is accepted: ${reason}` : `Note: ${reason}`;
}

/** The action form as typed. */
export interface ActionDraft {
  owner: string;
  /** `2027-01-31`, or "" while none is chosen. */
  due: string;
  status: ActionStatus;
  reason: string;
}

/** The form filled with the action as it stands, or empty (and open) for a first action. */
export function actionDraft(action: ActionRow | null): ActionDraft {
  return {
    owner: action?.owner ?? "",
    due: action?.due ?? "",
    status: action?.status ?? "open",
    reason: action?.reason ?? "",
  };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string; field: keyof ActionDraft };

/**
 * What Save sends, or the first thing to change in plain words. The
 * backend checks again and says so when something is still wrong.
 */
export function actionFromDraft(draft: ActionDraft): Checked<ActionInput> {
  const owner = draft.owner.trim();
  const due = draft.due.trim();
  const reason = draft.reason.trim();
  if (owner === "") {
    return { ok: false, field: "owner", problem: "Say who owns the action, such as Head of IT or the CFO." };
  }
  if (due === "") return { ok: false, field: "due", problem: "Choose the date the action is due by." };
  if (!isDay(due)) {
    return { ok: false, field: "due", problem: `'${due}' is not a date: choose the day the action is due by.` };
  }
  if (draft.status === "accepted" && reason === "") {
    return {
      ok: false,
      field: "reason",
      problem: "Say why the risk is accepted: the board reads this reason in its report.",
    };
  }
  return { ok: true, value: { owner, due, status: draft.status, reason: reason === "" ? null : reason } };
}
