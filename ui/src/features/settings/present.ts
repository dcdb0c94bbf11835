// Presentation rules for the Settings screen: thresholds grouped the way the
// Overview groups its areas, values said with their units, and the form's
// draft checked and turned into what the backend takes.
import type { SettingsInput, SettingsView, ThresholdRow, ThresholdUnit } from "../../ipc/bindings";
import { decimal, plural } from "../../lib/format";

export interface ThresholdGroup {
  title: string;
  rows: ThresholdRow[];
}

/** Which area each threshold belongs to, in the order the Overview shows the areas. */
const areas: { title: string; keys: string[] }[] = [
  { title: "Service levels", keys: ["default_compliance_target_pct", "sla_red_margin_points"] },
  {
    title: "Security hygiene",
    keys: [
      "patch_grace_days",
      "patch_target_pct",
      "patch_red_pct",
      "vuln_critical_deadline_days",
      "vuln_high_deadline_days",
      "cert_amber_days",
      "cert_red_days",
      "coverage_target_pct",
      "coverage_red_pct",
    ],
  },
  { title: "Identity and access", keys: ["mfa_target_pct", "mfa_red_pct", "dormant_account_days"] },
  {
    title: "Resilience",
    keys: ["backup_target_pct", "restore_test_amber_days", "restore_test_red_days", "availability_target_pct"],
  },
  { title: "Vendors and data", keys: ["csat_target_pct", "supplier_review_days", "stale_amber_hours"] },
];

/**
 * The thresholds in groups, each group's rows in the order the backend
 * gave them; any the screen does not know yet go last, under "Other".
 */
export function groupThresholds(rows: ThresholdRow[]): ThresholdGroup[] {
  const groups: ThresholdGroup[] = areas.map((area) => ({
    title: area.title,
    rows: rows.filter((row) => area.keys.includes(row.key)),
  }));
  const known = new Set(areas.flatMap((area) => area.keys));
  groups.push({ title: "Other", rows: rows.filter((row) => !known.has(row.key)) });
  return groups.filter((group) => group.rows.length > 0);
}

/** The unit beside a threshold's input. */
export function unitLabel(unit: ThresholdUnit): string {
  switch (unit) {
    case "percent":
      return "%";
    case "points":
      return "percentage points";
    case "days":
    case "hours":
    case "weeks":
      return unit;
  }
}

/** A threshold's value with its unit: "95%", "5 points", "1 day", "14 days". */
export function valueText(value: number, unit: ThresholdUnit): string {
  switch (unit) {
    case "percent":
      return `${decimal(value)}%`;
    case "points":
      return plural(value, "point", "points", decimal);
    case "days":
      return plural(value, "day", "days", decimal);
    case "hours":
      return plural(value, "hour", "hours", decimal);
    case "weeks":
      return plural(value, "week", "weeks", decimal);
  }
}

/** How finely a threshold may be set: whole days, hours and weeks; tenths of a percent. */
export function inputStep(unit: ThresholdUnit): string {
  return unit === "percent" || unit === "points" ? "0.1" : "1";
}

/** The most a threshold may be, when there is a limit. */
export function inputMax(unit: ThresholdUnit): number | undefined {
  return unit === "percent" || unit === "points" ? 100 : undefined;
}

/** How the data on this computer is protected, in words. */
export function protectionText(keyMode: string): string {
  const mode = keyMode.toLowerCase();
  if (mode.includes("passphrase")) return "Encrypted with your passphrase";
  if (mode.includes("keychain")) return "Encrypted; the key is in your computer's keychain";
  return `Encrypted (${keyMode})`;
}

/** What the idle lock does, in one sentence. */
export function lockText(minutes: number): string {
  if (!(minutes > 0)) return "Sightline never locks by itself; use Lock now or Ctrl+L.";
  return `Sightline locks after ${plural(minutes, "minute", "minutes", decimal)} without use.`;
}

/** The form as edited: numbers may be empty (null) while someone types. */
export interface SettingsDraft {
  timezone: string;
  paper: string;
  lock_minutes: number | null;
  backup_reminder_days: number | null;
  thresholds: Record<string, number | null>;
  /** The kinds of document every outside provider must have on file. */
  required_evidence: string[];
}

export function settingsDraft(view: SettingsView): SettingsDraft {
  return {
    timezone: view.timezone,
    paper: view.paper === "us-letter" ? "us-letter" : "a4",
    lock_minutes: view.lock_minutes,
    backup_reminder_days: view.backup_reminder_days,
    thresholds: Object.fromEntries(view.thresholds.map((row) => [row.key, row.value])),
    required_evidence: [...view.required_evidence],
  };
}

/** Whether two lists of kinds hold the same kinds, in any order. */
function sameKinds(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((kind) => right.has(kind));
}

/**
 * The required documents to send: null when they are as saved (null keeps
 * them), else the chosen kinds in the order the choice lists them, any the
 * screen does not know kept at the end.
 */
export function requiredEvidenceToSend(draft: SettingsDraft, view: SettingsView): string[] | null {
  if (sameKinds(draft.required_evidence, view.required_evidence)) return null;
  const chosen = new Set(draft.required_evidence);
  const known = view.evidence_kinds.map((kind) => kind.id);
  return [
    ...known.filter((kind) => chosen.has(kind)),
    ...[...chosen].filter((kind) => !known.includes(kind)),
  ];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string; key?: string };

function isNumber(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * What Save sends, or the first problem in words. Only thresholds that
 * changed are sent, so that the others keep following Sightline's defaults.
 */
export function settingsFromDraft(draft: SettingsDraft, view: SettingsView): Checked<SettingsInput> {
  const timezone = draft.timezone.trim();
  if (timezone === "") return { ok: false, problem: "Enter a time zone, such as Europe/London or America/New_York." };
  const lock = draft.lock_minutes;
  if (!isNumber(lock) || lock < 0 || !Number.isInteger(lock)) {
    return { ok: false, problem: "Enter the minutes before Sightline locks as a whole number, or 0 never to lock." };
  }
  if (lock > 1440) return { ok: false, problem: "Lock after at most 1,440 minutes (a day), or 0 never to lock." };
  const remind = draft.backup_reminder_days;
  if (!isNumber(remind) || !Number.isInteger(remind) || remind < 1 || remind > 366) {
    return { ok: false, problem: "Enter the days before a backup reminder as a whole number from 1 to 366." };
  }
  const thresholds: SettingsInput["thresholds"] = [];
  for (const row of view.thresholds) {
    const value = draft.thresholds[row.key];
    if (!isNumber(value)) {
      return { ok: false, key: row.key, problem: `Enter a number for "${row.name}" (the default is ${valueText(row.default, row.unit)}).` };
    }
    if (value < 0 || (row.unit === "percent" && value > 100)) {
      const range = row.unit === "percent" ? "between 0 and 100" : "zero or more";
      return { ok: false, key: row.key, problem: `"${row.name}" must be ${range}.` };
    }
    if (value !== row.value) thresholds.push({ key: row.key, value });
  }
  return {
    ok: true,
    value: {
      timezone,
      paper: draft.paper,
      lock_minutes: lock,
      thresholds,
      backup_reminder_days: remind,
      required_evidence: requiredEvidenceToSend(draft, view),
    },
  };
}

/** Whether the form differs from what is saved. */
export function hasChanges(draft: SettingsDraft, view: SettingsView): boolean {
  if (
    draft.timezone.trim() !== view.timezone ||
    draft.paper !== view.paper ||
    draft.lock_minutes !== view.lock_minutes ||
    draft.backup_reminder_days !== view.backup_reminder_days ||
    !sameKinds(draft.required_evidence, view.required_evidence)
  ) {
    return true;
  }
  return view.thresholds.some((row) => draft.thresholds[row.key] !== row.value);
}
