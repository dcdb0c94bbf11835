// Presentation rules for the Sources screen: how vendors, sources, sync
// progress and sync results are said in words, and how the add/edit forms
// turn what was typed into what the backend takes.
import type {
  SourceField,
  SourceInput,
  SourceKindChoice,
  SourceRow,
  SyncProgress,
  SyncSourceResult,
  SyncSummary,
  VendorInput,
  VendorKind,
} from "../../ipc/bindings";
import { formatValue, fullStop, MONTHS, plural, thousands, upperFirst } from "../../lib/format";

/** "1,234 records": counts are written the way the backend writes them. */
function counted(count: number, one: string, many: string): string {
  return plural(count, one, many, thousands);
}

/**
 * "synced 35 min ago" as "Synced 35 min ago". A first word that is a name
 * rather than an ordinary word (a host, an id, a path) keeps its spelling.
 */
export function capitalised(text: string): string {
  const trimmed = text.trim();
  const first = trimmed.split(/\s/, 1)[0];
  if (!/^[a-z]+[,:;]?$/.test(first)) return trimmed;
  return upperFirst(trimmed);
}

/** A backend phrase as a sentence: capital first letter (as `capitalised`), closing full stop. */
export function sentence(text: string): string {
  return fullStop(capitalised(text));
}

// ---- vendors ----

/** What each kind of vendor is called, in the order the form offers them. */
const vendorKindLabels: Record<VendorKind, string> = {
  msp: "Managed service provider",
  cloud: "Cloud service",
  security: "Security service",
  internal: "Internal IT team",
  other: "Other supplier",
};

export const vendorKinds: { kind: VendorKind; label: string }[] = Object.entries(vendorKindLabels).map(
  ([kind, label]) => ({ kind: kind as VendorKind, label }),
);

export function vendorKindLabel(kind: VendorKind): string {
  return vendorKindLabels[kind];
}

/** "4,200 a month", or "" when no cost is recorded. */
export function costText(monthlyCost: number | null): string {
  if (monthlyCost === null || !Number.isFinite(monthlyCost)) return "";
  // As the scorecard writes it (the one formatter): to the whole unit.
  return `${formatValue(monthlyCost, "money")} a month`;
}

/** "2026-03-14" as "14 March 2026"; anything else as it is. */
export function longDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const month = MONTHS[Number(match[2]) - 1];
  return month ? `${Number(match[3])} ${month} ${match[1]}` : day;
}

export function reviewText(lastReview: string | null): string {
  return lastReview ? `Last supplier review ${longDate(lastReview)}` : "No supplier review recorded";
}

/** What is wrong with an id, or null: ids are lowercase slugs, as sightline.toml wants. */
export function slugProblem(id: string, what: "vendor" | "source"): string | null {
  const text = id.trim();
  if (text === "") return `Give the ${what} a short id, such as ${what === "vendor" ? "bluepeak" : "bluepeak-psa"}.`;
  if (text.length > 64) return `The ${what} id is too long: use at most 64 characters.`;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(text)) {
    return `The ${what} id '${text}' may only hold lowercase letters, digits, - and _, and must start with a letter or digit.`;
  }
  return null;
}

/** A suggested id for a name: "Bluepeak IT Services" is "bluepeak-it-services". */
export function slugFor(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** The vendor form as typed: every field a string, so nothing typed is lost. */
export interface VendorDraft {
  id: string;
  name: string;
  kind: VendorKind;
  monthly_cost: string;
  last_review: string;
}

export function vendorDraft(vendor?: VendorInput): VendorDraft {
  return {
    id: vendor?.id ?? "",
    name: vendor?.name ?? "",
    kind: vendor?.kind ?? "msp",
    monthly_cost: vendor?.monthly_cost === null || vendor?.monthly_cost === undefined ? "" : String(vendor.monthly_cost),
    last_review: vendor?.last_review ?? "",
  };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The id typed, or else the one suggested from the name (shown as the field's placeholder). */
export function idOrSuggestion(id: string, name: string): string {
  return id.trim() || slugFor(name);
}

export function vendorFromDraft(draft: VendorDraft): Checked<VendorInput> {
  const id = idOrSuggestion(draft.id, draft.name);
  const idProblem = slugProblem(id, "vendor");
  if (idProblem) return { ok: false, problem: idProblem };
  const name = draft.name.trim();
  if (name === "") return { ok: false, problem: "Give the vendor a name, as it appears on its invoices." };
  const costText = draft.monthly_cost.trim().replace(/,/g, "");
  let monthly_cost: number | null = null;
  if (costText !== "") {
    const cost = Number(costText);
    if (!Number.isFinite(cost) || cost < 0) {
      return { ok: false, problem: `'${draft.monthly_cost.trim()}' is not an amount: write the monthly cost as a number, such as 4200.` };
    }
    monthly_cost = cost;
  }
  const review = draft.last_review.trim();
  if (review !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(review)) {
    return { ok: false, problem: `'${review}' is not a date: write the last review as 2026-03-14.` };
  }
  return {
    ok: true,
    value: { id, name, kind: draft.kind, monthly_cost, last_review: review === "" ? null : review },
  };
}

export function sourcesOfVendor(sources: SourceRow[], vendorId: string): SourceRow[] {
  return sources.filter((source) => source.settings.vendor === vendorId);
}

/** The question asked before a vendor is removed. */
export function removeVendorQuestion(vendor: VendorInput, sources: SourceRow[]): string {
  const used = sourcesOfVendor(sources, vendor.id);
  if (used.length === 0) return `Remove ${vendor.name}? Its figures will no longer be shown.`;
  const names = used.map((source) => source.settings.name ?? source.settings.id).join(", ");
  return `Remove ${vendor.name}? It still has ${counted(used.length, "source", "sources")} (${names}); remove ${
    used.length === 1 ? "it" : "them"
  } first, or Sightline will refuse.`;
}

// ---- sources ----

/** The kind of source called `kind`, or undefined when there is none. */
export function kindChoice(kinds: SourceKindChoice[], kind: string): SourceKindChoice | undefined {
  return kinds.find((choice) => choice.kind === kind);
}

/** Whether a setting takes the whole width of the form: addresses, file paths and lists are long. */
export function isWideField(field: SourceField): boolean {
  return field.input === "url" || field.input === "file" || field.input === "lines";
}

/**
 * The source form as typed. The settings are the kind's form settings by
 * key, each one text as typed (a "lines" setting holds its entries one per
 * line); settings of another kind stay in the draft, so that switching the
 * kind back finds them as they were, but are never sent.
 */
export interface SourceDraft {
  id: string;
  kind: string;
  vendor: string;
  name: string;
  settings: Record<string, string>;
}

export function sourceDraft(source: SourceInput | null, kinds: SourceKindChoice[], vendors: VendorInput[]): SourceDraft {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(source?.settings ?? {})) {
    if (value !== undefined) settings[key] = value;
  }
  return {
    id: source?.id ?? "",
    kind: source?.kind ?? kinds[0]?.kind ?? "",
    vendor: source?.vendor ?? (vendors.length === 1 ? vendors[0].id : ""),
    name: source?.name ?? "",
    settings,
  };
}

/**
 * The settings with every one the fields ask for present, "" when nothing
 * was typed for it yet, so that the form can bind to each of them.
 */
export function withFieldKeys(settings: Record<string, string>, fields: SourceField[]): Record<string, string> {
  const filled = { ...settings };
  for (const field of fields) filled[field.key] ??= "";
  return filled;
}

function orNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/**
 * What the form saves. Only the chosen kind's settings are sent, each
 * trimmed and as typed otherwise (the backend splits a "lines" setting into
 * its entries). Every one of the kind's settings is sent, a setting left
 * empty as "", which tells the backend to leave it out of sightline.toml;
 * settings of other kinds are not sent at all, so that switching a source
 * from one kind to another leaves nothing of the old kind behind. Whether
 * the kind's settings are complete and right is for the backend to say.
 */
export function sourceFromDraft(draft: SourceDraft, kinds: SourceKindChoice[]): Checked<SourceInput> {
  const id = idOrSuggestion(draft.id, draft.name);
  const idProblem = slugProblem(id, "source");
  if (idProblem) return { ok: false, problem: idProblem };
  const kind = kindChoice(kinds, draft.kind);
  if (!kind) return { ok: false, problem: "Choose what kind of system this source is." };
  if (draft.vendor.trim() === "") return { ok: false, problem: "Choose the vendor whose work this source records." };
  const settings: Record<string, string> = {};
  for (const field of kind.fields) settings[field.key] = (draft.settings[field.key] ?? "").trim();
  return {
    ok: true,
    value: { id, kind: kind.kind, vendor: draft.vendor.trim(), name: orNull(draft.name), settings },
  };
}

export function sourceName(source: SourceRow): string {
  return source.settings.name?.trim() || source.settings.id;
}

/** The hint under the credentials field. */
export function secretHint(secretForm: string): string {
  return `Enter as ${secretForm}. They go straight to your computer's keychain and are never shown again.`;
}

// ---- syncing ----

export type Phase = "connecting" | "fetching" | "applying" | "done" | "failed";

const phases: Phase[] = ["connecting", "fetching", "applying", "done", "failed"];

export function isPhase(phase: string): phase is Phase {
  return (phases as string[]).includes(phase);
}

/** What the progress bar says: "Connecting…", "Reading — 1,200 records", "Saving", "Done", "Failed". */
export function phaseLabel(progress: SyncProgress): string {
  switch (progress.phase) {
    case "connecting":
      return "Connecting…";
    case "fetching":
      return progress.records > 0 ? `Reading — ${counted(progress.records, "record", "records")}` : "Reading…";
    case "applying":
      return "Saving";
    case "done":
      return "Done";
    case "failed":
      return "Failed";
    default:
      return "Working…";
  }
}

/**
 * How far along the bar is, in steps: how many records a source holds is not
 * known in advance, so the bar moves by phase (connect, read, save, finish).
 */
export function phaseStep(phase: string): { value: number; max: number } {
  const max = 4;
  switch (phase) {
    case "connecting":
      return { value: 1, max };
    case "fetching":
      return { value: 2, max };
    case "applying":
      return { value: 3, max };
    case "done":
    case "failed":
      return { value: 4, max };
    default:
      return { value: 0, max };
  }
}

/**
 * The latest progress of each source with one more event applied. A late
 * event from an earlier phase (events may cross) never moves a finished
 * source back.
 */
export function withProgress(
  state: Record<string, SyncProgress>,
  event: SyncProgress,
): Record<string, SyncProgress> {
  const before = state[event.source];
  if (before && (before.phase === "done" || before.phase === "failed") && isPhase(event.phase)) {
    if (phaseStep(event.phase).value < phaseStep(before.phase).value) return state;
  }
  return { ...state, [event.source]: event };
}

/** The first progress of the sources a sync is about to run: connecting, nothing read. */
export function startingProgress(sourceIds: string[]): Record<string, SyncProgress> {
  return Object.fromEntries(
    sourceIds.map((source) => [source, { source, phase: "connecting", records: 0, pages: 0 } satisfies SyncProgress]),
  );
}

/** One line per source after a sync: what was read, or why not. */
export function resultLine(result: SyncSourceResult): string {
  if (!result.ok) return sentence(result.error ?? "the sync failed without saying why: try again");
  const read = `Read ${counted(result.records, "record", "records")}`;
  const reason = result.reason.trim();
  if (result.full) return reason ? `${read} (a full read: ${reason}).` : `${read} (a full read).`;
  return reason ? `${read} (${reason}).` : `${read}.`;
}

export function resultsBySource(summary: SyncSummary): Record<string, SyncSourceResult> {
  return Object.fromEntries(summary.sources.map((result) => [result.source, result]));
}

/** The line at the top after a sync. */
export function summaryLine(summary: SyncSummary): string {
  const notes = summary.notices.map((notice) => ` Note: ${notice}.`).join("");
  return syncOutcome(summary) + notes;
}

function syncOutcome(summary: SyncSummary): string {
  const total = summary.sources.length;
  if (total === 0) return "There was nothing to sync: add a source first.";
  const failed = summary.sources.filter((result) => !result.ok).length;
  const records = summary.sources.reduce((sum, result) => sum + (result.ok ? result.records : 0), 0);
  const read = counted(records, "record", "records");
  if (failed === 0) {
    return total === 1 ? `Sync finished: ${read} read.` : `Sync finished: all ${total} sources read, ${read} in all.`;
  }
  if (failed === total) {
    return total === 1
      ? "The sync failed: the source below says why. Its earlier data is kept."
      : `The sync failed for all ${total} sources: each says why below. Their earlier data is kept.`;
  }
  return `Sync finished with problems: ${failed} of ${total} sources failed and kept their earlier data; each says why below.`;
}

/**
 * The progress after a sync has answered: each source it ran shows how it
 * ended (an event may never have arrived), and sources it did not run lose
 * the bar that was put up for them.
 */
export function settledProgress(
  state: Record<string, SyncProgress>,
  started: string[],
  summary: SyncSummary | null,
): Record<string, SyncProgress> {
  const next = { ...state };
  const results = summary ? resultsBySource(summary) : {};
  for (const source of started) {
    const result = results[source];
    if (result) {
      next[source] = {
        source,
        phase: result.ok ? "done" : "failed",
        records: result.records,
        pages: Math.max(result.pages, next[source]?.pages ?? 0),
      };
    } else {
      delete next[source];
    }
  }
  return next;
}

/** At most `limit` warnings to list, and how many more there are. */
export function visibleWarnings(warnings: string[], limit = 10): { shown: string[]; more: number } {
  return { shown: warnings.slice(0, limit).map(sentence), more: Math.max(0, warnings.length - limit) };
}
