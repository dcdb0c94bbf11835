import { describe, expect, it } from "vitest";
import type { SettingsView, ThresholdRow, ThresholdUnit } from "../../ipc/bindings";
import {
  groupThresholds,
  hasChanges,
  inputMax,
  inputStep,
  lockText,
  protectionText,
  requiredEvidenceToSend,
  settingsDraft,
  settingsFromDraft,
  unitLabel,
  valueText,
} from "./present";

function threshold(key: string, value: number, unit: ThresholdUnit = "percent", fallback = value): ThresholdRow {
  return { key, name: key.replace(/_/g, " "), explanation: "", value, default: fallback, unit };
}

const view: SettingsView = {
  timezone: "Europe/London",
  paper: "a4",
  lock_minutes: 15,
  data_dir: "/home/cfo/.local/share/sightline",
  cache_file: "/home/cfo/.local/share/sightline/cache.db",
  key_mode: "OS keychain",
  backup_reminder_days: 30,
  backup: { text: "Never backed up.", due: true, automatic: 0 },
  signing_key: null,
  required_evidence: ["soc2", "cyber_insurance"],
  evidence_kinds: [
    { id: "soc2", name: "SOC 2 report" },
    { id: "pentest", name: "Penetration test report" },
    { id: "restore_test", name: "Restore test record" },
    { id: "cyber_insurance", name: "Cyber insurance certificate" },
    { id: "contract", name: "Contract" },
  ],
  thresholds: [
    threshold("default_compliance_target_pct", 95),
    threshold("patch_grace_days", 14, "days"),
    threshold("stale_amber_hours", 24, "hours"),
    threshold("backup_target_pct", 98, "percent", 99),
    threshold("new_thing_weeks", 2, "weeks"),
    threshold("sla_red_margin_points", 5, "points"),
  ],
};

describe("threshold groups", () => {
  it("groups thresholds by area, in the Overview's order, unknown ones last", () => {
    const groups = groupThresholds(view.thresholds);
    expect(groups.map((group) => group.title)).toEqual([
      "Service levels",
      "Security hygiene",
      "Resilience",
      "Vendors and data",
      "Other",
    ]);
    expect(groups[0].rows.map((row) => row.key)).toEqual(["default_compliance_target_pct", "sla_red_margin_points"]);
    expect(groups[4].rows.map((row) => row.key)).toEqual(["new_thing_weeks"]);
  });

  it("leaves out empty groups", () => {
    expect(groupThresholds([threshold("cert_red_days", 7, "days")]).map((group) => group.title)).toEqual([
      "Security hygiene",
    ]);
    expect(groupThresholds([])).toEqual([]);
  });
});

describe("units and words", () => {
  it("says values with their units", () => {
    expect(valueText(95, "percent")).toBe("95%");
    expect(valueText(99.5, "percent")).toBe("99.5%");
    expect(valueText(1, "points")).toBe("1 point");
    expect(valueText(5, "points")).toBe("5 points");
    expect(valueText(1, "days")).toBe("1 day");
    expect(valueText(120, "days")).toBe("120 days");
    expect(valueText(24, "hours")).toBe("24 hours");
    expect(valueText(2, "weeks")).toBe("2 weeks");
    expect(unitLabel("percent")).toBe("%");
    expect(unitLabel("points")).toBe("percentage points");
    expect(unitLabel("days")).toBe("days");
  });

  it("lets percentages take tenths and caps them at 100", () => {
    expect(inputStep("percent")).toBe("0.1");
    expect(inputStep("days")).toBe("1");
    expect(inputMax("percent")).toBe(100);
    expect(inputMax("hours")).toBeUndefined();
  });

  it("says how the data is protected", () => {
    expect(protectionText("OS keychain")).toBe("Encrypted; the key is in your computer's keychain");
    expect(protectionText("keychain")).toBe("Encrypted; the key is in your computer's keychain");
    expect(protectionText("passphrase (Argon2id)")).toBe("Encrypted with your passphrase");
    expect(protectionText("passphrase")).toBe("Encrypted with your passphrase");
    expect(protectionText("hardware key")).toBe("Encrypted (hardware key)");
  });

  it("says what the idle lock does", () => {
    expect(lockText(15)).toBe("Sightline locks after 15 minutes without use.");
    expect(lockText(1)).toBe("Sightline locks after 1 minute without use.");
    expect(lockText(0)).toBe("Sightline never locks by itself; use Lock now or Ctrl+L.");
  });
});

describe("the settings form", () => {
  it("starts from what is saved and sends nothing changed", () => {
    const draft = settingsDraft(view);
    expect(draft.thresholds.patch_grace_days).toBe(14);
    expect(hasChanges(draft, view)).toBe(false);
    expect(settingsFromDraft(draft, view)).toEqual({
      ok: true,
      value: {
        timezone: "Europe/London",
        paper: "a4",
        lock_minutes: 15,
        thresholds: [],
        backup_reminder_days: 30,
        required_evidence: null,
      },
    });
  });

  it("sends only the thresholds that changed, including a reset to the default", () => {
    const draft = settingsDraft(view);
    draft.timezone = " America/New_York ";
    draft.paper = "us-letter";
    draft.lock_minutes = 0;
    draft.thresholds.patch_grace_days = 7;
    draft.thresholds.backup_target_pct = 99;
    expect(hasChanges(draft, view)).toBe(true);
    expect(settingsFromDraft(draft, view)).toEqual({
      ok: true,
      value: {
        timezone: "America/New_York",
        paper: "us-letter",
        lock_minutes: 0,
        thresholds: [
          { key: "patch_grace_days", value: 7 },
          { key: "backup_target_pct", value: 99 },
        ],
        backup_reminder_days: 30,
        required_evidence: null,
      },
    });
  });

  it("sends the required documents only when they changed, in the order they are offered", () => {
    const draft = settingsDraft(view);
    expect(draft.required_evidence).toEqual(["soc2", "cyber_insurance"]);
    draft.required_evidence = ["cyber_insurance", "soc2"];
    expect(hasChanges(draft, view)).toBe(false);
    expect(requiredEvidenceToSend(draft, view)).toBeNull();
    draft.required_evidence = ["contract", "soc2", "pentest"];
    expect(hasChanges(draft, view)).toBe(true);
    expect(requiredEvidenceToSend(draft, view)).toEqual(["soc2", "pentest", "contract"]);
    expect(settingsFromDraft(draft, view)).toMatchObject({
      ok: true,
      value: { required_evidence: ["soc2", "pentest", "contract"] },
    });
    draft.required_evidence = [];
    expect(requiredEvidenceToSend(draft, view)).toEqual([]);
    draft.required_evidence = ["soc2", "iso27001"];
    expect(requiredEvidenceToSend(draft, view)).toEqual(["soc2", "iso27001"]);
  });

  it("names the threshold that is empty or out of range", () => {
    const draft = settingsDraft(view);
    draft.thresholds.stale_amber_hours = null;
    expect(settingsFromDraft(draft, view)).toEqual({
      ok: false,
      key: "stale_amber_hours",
      problem: 'Enter a number for "stale amber hours" (the default is 24 hours).',
    });
    draft.thresholds.stale_amber_hours = 24;
    draft.thresholds.default_compliance_target_pct = 101;
    expect(settingsFromDraft(draft, view)).toEqual({
      ok: false,
      key: "default_compliance_target_pct",
      problem: '"default compliance target pct" must be between 0 and 100.',
    });
    draft.thresholds.default_compliance_target_pct = 95;
    draft.thresholds.patch_grace_days = -1;
    expect(settingsFromDraft(draft, view)).toMatchObject({ ok: false, problem: '"patch grace days" must be zero or more.' });
  });

  it("checks the time zone and the lock minutes", () => {
    const draft = settingsDraft(view);
    expect(settingsFromDraft({ ...draft, timezone: " " }, view)).toEqual({
      ok: false,
      problem: "Enter a time zone, such as Europe/London or America/New_York.",
    });
    expect(settingsFromDraft({ ...draft, lock_minutes: null }, view).ok).toBe(false);
    expect(settingsFromDraft({ ...draft, backup_reminder_days: 0 }, view)).toEqual({
      ok: false,
      problem: "Enter the days before a backup reminder as a whole number from 1 to 366.",
    });
    expect(settingsFromDraft({ ...draft, lock_minutes: 2.5 }, view).ok).toBe(false);
    expect(settingsFromDraft({ ...draft, lock_minutes: 1441 }, view)).toEqual({
      ok: false,
      problem: "Lock after at most 1,440 minutes (a day), or 0 never to lock.",
    });
  });

  it("reads an unknown paper size as A4", () => {
    expect(settingsDraft({ ...view, paper: "legal" }).paper).toBe("a4");
    expect(settingsDraft({ ...view, paper: "us-letter" }).paper).toBe("us-letter");
  });
});
