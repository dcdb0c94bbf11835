// The one module that talks to the desktop shell. Every call goes through
// `call`, which turns any failure into an ApiError with a plain message.
import { invoke } from "@tauri-apps/api/core";
import type {
  ActionInput,
  ApiError,
  ArchivedReport,
  BackupOutcome,
  ConnectionTest,
  ContractInput,
  DocumentInput,
  DocumentRow,
  Drilldown,
  DrilldownQuery,
  ErrorCode,
  KpiQuery,
  KpiRow,
  LockInfo,
  Overview,
  ReviewInput,
  ReviewRow,
  ReportComparison,
  ReportQuery,
  RiskRow,
  Scorecard,
  SettingsInput,
  SettingsView,
  SourceInput,
  SourcesView,
  SyncQuery,
  SyncSummary,
  TrendQuery,
  TrendView,
  VendorInput,
  VendorPage,
} from "./bindings";

export type { LockInfo } from "./bindings";

export type Invoke = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

let transport: Invoke = (command, args) => invoke(command, args);

/** Tests swap the transport for a fake. */
export function setTransport(fake: Invoke): void {
  transport = fake;
}

const codes: ErrorCode[] = [
  "passphrase_needed",
  "keychain_unavailable",
  "cannot_open_cache",
  "cache_damaged",
  "invalid_input",
  "not_found",
  "storage",
  "config",
  "secret",
  "report_altered",
];

export function toApiError(error: unknown): ApiError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    const { code, message } = error as { code: unknown; message: unknown };
    if (codes.includes(code as ErrorCode) && typeof message === "string") {
      return { code: code as ErrorCode, message };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "storage", message: `Sightline could not answer: ${message}` };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return (await transport(command, args)) as T;
  } catch (error) {
    throw toApiError(error);
  }
}

export const api = {
  overview: () => call<Overview>("overview"),
  kpis: (query: KpiQuery) => call<KpiRow[]>("kpis", { query }),
  lockInfo: () => call<LockInfo>("lock_info"),
  unlock: (passphrase: string | null) => call<void>("unlock", { passphrase }),
  syncNow: (query: SyncQuery) => call<SyncSummary>("sync_now", { query }),
  risks: (all: boolean) => call<RiskRow[]>("risks", { all }),
  acknowledge: (id: string, note: string) => call<RiskRow>("acknowledge", { id, note }),
  /** Who owns the response to a flag, by when, and where it stands. */
  setAction: (id: string, action: ActionInput) => call<RiskRow>("set_action", { id, action }),
  /** Opens the system's file dialog and puts the chosen file on file; null when cancelled. */
  addDocument: (document: DocumentInput) => call<DocumentRow | null>("add_document", { document }),
  /** Opens the system's save dialog and writes a copy of a document on file; null when cancelled. */
  saveDocumentCopy: (id: number) => call<string | null>("save_document_copy", { id }),
  removeDocument: (id: number) => call<void>("remove_document", { id }),
  addReview: (review: ReviewInput) => call<ReviewRow>("add_review", { review }),
  scorecard: (period: string | null) => call<Scorecard>("scorecard", { period }),
  vendorPage: (id: string, period: string | null) => call<VendorPage>("vendor_page", { id, period }),
  trend: (query: TrendQuery) => call<TrendView>("trend", { query }),
  drilldown: (query: DrilldownQuery) => call<Drilldown>("drilldown", { query }),
  reports: () => call<ArchivedReport[]>("reports"),
  exportReport: (query: ReportQuery) => call<ArchivedReport>("export_report", { query }),
  /** The stored PDF's bytes, its fingerprint checked by the shell before they are sent. */
  openReport: (id: number) => call<ArrayBuffer>("open_report", { id }),
  compareReports: (from: number, to: number) => call<ReportComparison>("compare_reports", { from, to }),
  /** Shows the system's save dialog; the saved path, or null when cancelled. */
  saveReportCopy: (id: number) => call<string | null>("save_report_copy", { id }),
  sources: () => call<SourcesView>("sources"),
  setUpCompany: (company: string, timezone: string) => call<void>("set_up_company", { company, timezone }),
  saveVendor: (vendor: VendorInput) => call<void>("save_vendor", { vendor }),
  /** Writes the vendor's contract into sightline.toml; the figures are recomputed against it. */
  saveContract: (vendor: string, contract: ContractInput) => call<void>("save_contract", { vendor, contract }),
  removeVendor: (id: string) => call<void>("remove_vendor", { id }),
  saveSource: (source: SourceInput) => call<void>("save_source", { source }),
  removeSource: (id: string) => call<void>("remove_source", { id }),
  /** Credentials go straight to the keychain; nothing ever returns them. */
  setSecret: (source: string, secret: string) => call<void>("set_secret", { source, secret }),
  testConnection: (id: string) => call<ConnectionTest>("test_connection", { id }),
  settings: () => call<SettingsView>("settings"),
  saveSettings: (settings: SettingsInput) => call<SettingsView>("save_settings", { settings }),
  /** Removes a source gone from sightline.toml, with its records (an automatic backup is made first). */
  forgetSource: (id: string) => call<number>("forget_source", { id }),
  /** Shows the system's save dialog and writes the backup; null when cancelled. */
  backupNow: (passphrase: string) => call<BackupOutcome | null>("backup_now", { passphrase }),
  /** Shows the system's open dialog and restores the backup over what the app holds; null when cancelled. */
  restoreBackup: (passphrase: string) => call<BackupOutcome | null>("restore_backup", { passphrase }),
};
