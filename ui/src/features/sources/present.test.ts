import { describe, expect, it } from "vitest";
import type { SourceField, SourceKindChoice, SourceRow, SyncSourceResult, VendorInput } from "../../ipc/bindings";
import {
  costText,
  isWideField,
  kindChoice,
  longDate,
  phaseLabel,
  phaseStep,
  removeVendorQuestion,
  resultLine,
  reviewText,
  secretHint,
  sentence,
  settledProgress,
  slugFor,
  slugProblem,
  sourceDraft,
  sourceFromDraft,
  sourceName,
  startingProgress,
  summaryLine,
  vendorDraft,
  vendorFromDraft,
  vendorKindLabel,
  visibleWarnings,
  withFieldKeys,
  withProgress,
} from "./present";

function field(key: string, label: string, input: SourceField["input"], overrides: Partial<SourceField> = {}): SourceField {
  return { key, label, hint: `The ${label.toLowerCase()}.`, required: true, input, choices: [], ...overrides };
}

const baseUrl = field("base_url", "Web address", "url");
const companyId = field("company_id", "Company ID", "text");
const clientId = field("client_id", "Client ID", "text", { required: false });
const hosts = field("hosts", "Websites to watch", "lines");
const path = field("path", "CSV file", "file");
const record = field("record", "What the file holds", "choice", {
  choices: [
    { id: "tickets", name: "Tickets (requests for help)" },
    { id: "devices", name: "Computers and their updates" },
  ],
});

const kinds: SourceKindChoice[] = [
  { kind: "connectwise", name: "ConnectWise PSA", fields: [baseUrl, companyId, clientId], secret_form: "PUBLIC_KEY:PRIVATE_KEY" },
  { kind: "tls", name: "Website certificates", fields: [hosts], secret_form: null },
  { kind: "csv", name: "CSV file", fields: [path, record], secret_form: null },
];

const bluepeak: VendorInput = { id: "bluepeak", name: "Bluepeak IT", kind: "msp", monthly_cost: 4200, last_review: "2026-03-14" };

function row(id: string, vendor: string, name: string | null = null): SourceRow {
  return {
    settings: {
      id,
      kind: "csv",
      vendor,
      name,
      settings: { path: "/Users/cfo/tickets.csv", record: "tickets" },
    },
    kind_name: "CSV file",
    vendor_name: vendor,
    secret_form: null,
    has_secret: false,
    last_sync_text: "never synced",
    last_error: null,
    records: 0,
  };
}

function result(overrides: Partial<SyncSourceResult> = {}): SyncSourceResult {
  return {
    source: "bluepeak-psa",
    ok: true,
    records: 1234,
    full: false,
    reason: "changes since the last sync",
    requests: 3,
    pages: 3,
    error: null,
    warnings: [],
    held: false,
    ...overrides,
  };
}

describe("words", () => {
  it("turns backend phrases into sentences", () => {
    expect(sentence("the address did not answer: check it")).toBe("The address did not answer: check it.");
    expect(sentence("Already a sentence.")).toBe("Already a sentence.");
    expect(sentence("  ")).toBe("");
    expect(sentence("www.acme.example did not answer")).toBe("www.acme.example did not answer.");
    expect(sentence("bluepeak-psa: no credentials")).toBe("bluepeak-psa: no credentials.");
  });

  it("says vendor facts plainly", () => {
    expect(vendorKindLabel("msp")).toBe("Managed service provider");
    expect(vendorKindLabel("internal")).toBe("Internal IT team");
    expect(costText(4200)).toBe("4,200 a month");
    expect(costText(99.5)).toBe("100 a month");
    expect(costText(1234.4)).toBe("1,234 a month");
    expect(costText(null)).toBe("");
    expect(longDate("2026-03-14")).toBe("14 March 2026");
    expect(longDate("yesterday")).toBe("yesterday");
    expect(reviewText("2026-11-02")).toBe("Last supplier review 2 November 2026");
    expect(reviewText(null)).toBe("No supplier review recorded");
  });

  it("finds a kind and lays its fields out", () => {
    expect(kindChoice(kinds, "csv")?.fields.map((f) => f.key)).toEqual(["path", "record"]);
    expect(kindChoice(kinds, "nope")).toBeUndefined();
    expect([baseUrl, companyId, hosts, path, record].map(isWideField)).toEqual([true, false, true, true, false]);
  });

  it("names a source by its display name, else its id", () => {
    expect(sourceName(row("a", "v", "Bluepeak desk"))).toBe("Bluepeak desk");
    expect(sourceName(row("a", "v", "  "))).toBe("a");
    expect(sourceName(row("a", "v"))).toBe("a");
  });

  it("hints at the credentials' form", () => {
    expect(secretHint("PUBLIC_KEY:PRIVATE_KEY")).toBe(
      "Enter as PUBLIC_KEY:PRIVATE_KEY. They go straight to your computer's keychain and are never shown again.",
    );
  });
});

describe("ids", () => {
  it("accepts the lowercase slugs sightline.toml wants", () => {
    expect(slugProblem("bluepeak-psa_2", "source")).toBeNull();
    expect(slugProblem("", "vendor")).toBe("Give the vendor a short id, such as bluepeak.");
    expect(slugProblem("Bluepeak", "vendor")).toContain("may only hold lowercase letters");
    expect(slugProblem("-x", "source")).toContain("must start with a letter or digit");
    expect(slugProblem("a".repeat(65), "source")).toBe("The source id is too long: use at most 64 characters.");
  });

  it("suggests an id for a name", () => {
    expect(slugFor("Bluepeak IT Services")).toBe("bluepeak-it-services");
    expect(slugFor("  Café & Co.  ")).toBe("cafe-co");
  });
});

describe("vendor form", () => {
  it("round-trips a vendor through the draft", () => {
    const draft = vendorDraft(bluepeak);
    expect(draft).toEqual({ id: "bluepeak", name: "Bluepeak IT", kind: "msp", monthly_cost: "4200", last_review: "2026-03-14" });
    expect(vendorFromDraft(draft)).toEqual({ ok: true, value: bluepeak });
  });

  it("starts empty as a managed service provider", () => {
    expect(vendorDraft()).toEqual({ id: "", name: "", kind: "msp", monthly_cost: "", last_review: "" });
  });

  it("reads costs with thousands separators and leaves empty fields out", () => {
    const checked = vendorFromDraft({ id: " cloudco ", name: " CloudCo ", kind: "cloud", monthly_cost: "1,250.50", last_review: "" });
    expect(checked).toEqual({
      ok: true,
      value: { id: "cloudco", name: "CloudCo", kind: "cloud", monthly_cost: 1250.5, last_review: null },
    });
  });

  it("uses the id suggested from the name when none is typed", () => {
    const checked = vendorFromDraft({ ...vendorDraft(), name: "Bluepeak IT Services" });
    expect(checked.ok && checked.value.id).toBe("bluepeak-it-services");
    expect(vendorFromDraft(vendorDraft())).toEqual({ ok: false, problem: "Give the vendor a short id, such as bluepeak." });
  });

  it("says what is wrong, keeping the first problem", () => {
    const draft = vendorDraft(bluepeak);
    expect(vendorFromDraft({ ...draft, name: " " })).toEqual({
      ok: false,
      problem: "Give the vendor a name, as it appears on its invoices.",
    });
    expect(vendorFromDraft({ ...draft, monthly_cost: "lots" })).toEqual({
      ok: false,
      problem: "'lots' is not an amount: write the monthly cost as a number, such as 4200.",
    });
    expect(vendorFromDraft({ ...draft, monthly_cost: "-5" }).ok).toBe(false);
    expect(vendorFromDraft({ ...draft, last_review: "14/03/2026" })).toEqual({
      ok: false,
      problem: "'14/03/2026' is not a date: write the last review as 2026-03-14.",
    });
  });

  it("warns before removing a vendor that still has sources", () => {
    const sources = [row("bp-psa", "bluepeak", "Bluepeak desk"), row("bp-rmm", "bluepeak"), row("x", "other")];
    expect(removeVendorQuestion(bluepeak, sources)).toBe(
      "Remove Bluepeak IT? It still has 2 sources (Bluepeak desk, bp-rmm); remove them first, or Sightline will refuse.",
    );
    expect(removeVendorQuestion(bluepeak, [row("bp-psa", "bluepeak")])).toBe(
      "Remove Bluepeak IT? It still has 1 source (bp-psa); remove it first, or Sightline will refuse.",
    );
    expect(removeVendorQuestion(bluepeak, [])).toBe("Remove Bluepeak IT? Its figures will no longer be shown.");
  });
});

describe("source form", () => {
  it("starts a new source with the first kind, the only vendor and no settings", () => {
    expect(sourceDraft(null, kinds, [bluepeak])).toEqual({
      id: "",
      kind: "connectwise",
      vendor: "bluepeak",
      name: "",
      settings: {},
    });
    expect(sourceDraft(null, kinds, [bluepeak, { ...bluepeak, id: "other" }]).vendor).toBe("");
    expect(sourceDraft(null, [], []).kind).toBe("");
  });

  it("copies a source's settings as they are when editing", () => {
    const certs = {
      id: "certs",
      kind: "tls",
      vendor: "bluepeak",
      name: "Our websites",
      settings: { hosts: "www.acme.example\nportal.acme.example:8443" },
    };
    expect(sourceDraft(certs, kinds, [])).toEqual({
      id: "certs",
      kind: "tls",
      vendor: "bluepeak",
      name: "Our websites",
      settings: { hosts: "www.acme.example\nportal.acme.example:8443" },
    });
    expect(sourceDraft({ ...certs, name: null, settings: { hosts: undefined } }, kinds, []).settings).toEqual({});
  });

  it("gives every field of a kind a text to bind to, keeping what was typed", () => {
    expect(withFieldKeys({ path: "/tmp/a.csv", base_url: "https://x.example" }, [path, record])).toEqual({
      path: "/tmp/a.csv",
      record: "",
      base_url: "https://x.example",
    });
    expect(withFieldKeys({}, [])).toEqual({});
  });

  it("sends only the chosen kind's settings, trimmed", () => {
    const draft = {
      id: "bp-export",
      kind: "csv",
      vendor: " bluepeak ",
      name: " Bluepeak export ",
      settings: {
        base_url: "https://left.over.from.connectwise",
        company_id: "bluepeak",
        hosts: "a.com",
        path: " /Users/cfo/tickets.csv ",
        record: "devices",
      },
    };
    expect(sourceFromDraft(draft, kinds)).toEqual({
      ok: true,
      value: {
        id: "bp-export",
        kind: "csv",
        vendor: "bluepeak",
        name: "Bluepeak export",
        settings: { path: "/Users/cfo/tickets.csv", record: "devices" },
      },
    });
  });

  it("drops the old kind's settings when the kind is switched", () => {
    const csv = {
      id: "bp-psa",
      kind: "csv",
      vendor: "bluepeak",
      name: "",
      settings: { path: "/Users/cfo/tickets.csv", record: "tickets" },
    };
    const switched = {
      ...csv,
      kind: "connectwise",
      settings: { ...csv.settings, base_url: "https://na.myconnectwise.net", company_id: "bluepeak" },
    };
    expect(sourceFromDraft(switched, kinds)).toEqual({
      ok: true,
      value: {
        id: "bp-psa",
        kind: "connectwise",
        vendor: "bluepeak",
        name: null,
        settings: { base_url: "https://na.myconnectwise.net", company_id: "bluepeak", client_id: "" },
      },
    });
  });

  it("sends a lines setting as typed and empty settings as an empty text", () => {
    const draft = {
      ...sourceDraft(null, kinds, [bluepeak]),
      id: "certs",
      kind: "tls",
      settings: { hosts: "  www.a.com, b.com\n\nc.com:8443  b.com \n" },
    };
    const checked = sourceFromDraft(draft, kinds);
    expect(checked).toEqual({
      ok: true,
      value: {
        id: "certs",
        kind: "tls",
        vendor: "bluepeak",
        name: null,
        settings: { hosts: "www.a.com, b.com\n\nc.com:8443  b.com" },
      },
    });
    const empty = sourceFromDraft({ ...draft, settings: { hosts: "  \n " } }, kinds);
    expect(empty.ok && empty.value.settings).toEqual({ hosts: "" });
    const untouched = sourceFromDraft({ ...draft, kind: "csv", settings: {} }, kinds);
    expect(untouched.ok && untouched.value.settings).toEqual({ path: "", record: "" });
    const named = sourceFromDraft({ ...draft, id: " ", name: "Website certificates" }, kinds);
    expect(named.ok && named.value.id).toBe("website-certificates");
  });

  it("asks for an id, a kind and a vendor before the backend sees it", () => {
    const draft = sourceDraft(null, kinds, []);
    expect(sourceFromDraft(draft, kinds)).toEqual({ ok: false, problem: "Give the source a short id, such as bluepeak-psa." });
    expect(sourceFromDraft({ ...draft, id: "Bluepeak PSA" }, kinds)).toEqual({
      ok: false,
      problem: "The source id 'Bluepeak PSA' may only hold lowercase letters, digits, - and _, and must start with a letter or digit.",
    });
    expect(sourceFromDraft({ ...draft, id: "x", kind: "gone" }, kinds)).toEqual({
      ok: false,
      problem: "Choose what kind of system this source is.",
    });
    expect(sourceFromDraft({ ...draft, id: "x" }, kinds)).toEqual({
      ok: false,
      problem: "Choose the vendor whose work this source records.",
    });
    expect(sourceFromDraft({ ...draft, id: "x", vendor: "  " }, kinds)).toEqual({
      ok: false,
      problem: "Choose the vendor whose work this source records.",
    });
  });
});

describe("sync progress", () => {
  it("labels each phase", () => {
    const at = (phase: string, records = 0) => phaseLabel({ source: "s", phase, records, pages: 1 });
    expect(at("connecting")).toBe("Connecting…");
    expect(at("fetching", 1200)).toBe("Reading — 1,200 records");
    expect(at("fetching", 1)).toBe("Reading — 1 record");
    expect(at("fetching")).toBe("Reading…");
    expect(at("applying", 1200)).toBe("Saving");
    expect(at("done", 1200)).toBe("Done");
    expect(at("failed")).toBe("Failed");
    expect(at("mystery")).toBe("Working…");
  });

  it("moves the bar by phase", () => {
    expect(phaseStep("connecting")).toEqual({ value: 1, max: 4 });
    expect(phaseStep("fetching")).toEqual({ value: 2, max: 4 });
    expect(phaseStep("applying")).toEqual({ value: 3, max: 4 });
    expect(phaseStep("failed")).toEqual({ value: 4, max: 4 });
  });

  it("keeps the latest event per source and never moves a finished source back", () => {
    let state = startingProgress(["a", "b"]);
    expect(state.a).toEqual({ source: "a", phase: "connecting", records: 0, pages: 0 });
    state = withProgress(state, { source: "a", phase: "fetching", records: 200, pages: 2 });
    state = withProgress(state, { source: "a", phase: "done", records: 250, pages: 3 });
    const finished = state;
    state = withProgress(state, { source: "a", phase: "fetching", records: 240, pages: 3 });
    expect(state).toBe(finished);
    expect(state.a.phase).toBe("done");
    expect(state.b.phase).toBe("connecting");
    state = withProgress(state, { source: "c", phase: "connecting", records: 0, pages: 0 });
    expect(Object.keys(state)).toEqual(["a", "b", "c"]);
  });

  it("settles the bars once the sync has answered", () => {
    const state = {
      ...startingProgress(["a", "b", "c"]),
      other: { source: "other", phase: "done", records: 5, pages: 1 },
    };
    const summary = {
      notices: [],
      kept_sources: [],
      sources: [result({ source: "a", records: 10, pages: 2 }), result({ source: "b", ok: false, records: 0, pages: 0 })],
    };
    const settled = settledProgress(state, ["a", "b", "c"], summary);
    expect(settled.a).toEqual({ source: "a", phase: "done", records: 10, pages: 2 });
    expect(settled.b.phase).toBe("failed");
    expect(settled.c).toBeUndefined();
    expect(settled.other.phase).toBe("done");
    expect(settledProgress(state, ["a"], null).a).toBeUndefined();
  });
});

describe("sync results", () => {
  it("says what was read and why it was read that way", () => {
    expect(resultLine(result())).toBe("Read 1,234 records (changes since the last sync).");
    expect(resultLine(result({ full: true, reason: "first sync", records: 1 }))).toBe("Read 1 record (a full read: first sync).");
    expect(resultLine(result({ reason: "" }))).toBe("Read 1,234 records.");
  });

  it("says why a source failed, in the backend's words", () => {
    expect(resultLine(result({ ok: false, error: "the server refused the credentials: enter them again" }))).toBe(
      "The server refused the credentials: enter them again.",
    );
    expect(resultLine(result({ ok: false, error: null }))).toBe("The sync failed without saying why: try again.");
  });

  it("adds what to know after the outcome", () => {
    expect(
      summaryLine({
        sources: [],
        notices: ["old-csv is no longer in sightline.toml, but its 12 records are kept and still counted"],
        kept_sources: ["old-csv"],
      }),
    ).toBe(
      "There was nothing to sync: add a source first. Note: old-csv is no longer in sightline.toml, but its 12 records are kept and still counted.",
    );
  });

  it("sums a whole sync up in one line", () => {
    expect(summaryLine({ sources: [], notices: [], kept_sources: [] })).toBe("There was nothing to sync: add a source first.");
    expect(summaryLine({ sources: [result()], notices: [], kept_sources: [] })).toBe("Sync finished: 1,234 records read.");
    expect(summaryLine({ sources: [result(), result({ source: "b", records: 6 })], notices: [], kept_sources: [] })).toBe(
      "Sync finished: all 2 sources read, 1,240 records in all.",
    );
    expect(summaryLine({ sources: [result(), result({ source: "b", ok: false })], notices: [], kept_sources: [] })).toBe(
      "Sync finished with problems: 1 of 2 sources failed and kept their earlier data; each says why below.",
    );
    expect(summaryLine({ sources: [result({ ok: false })], notices: [], kept_sources: [] })).toBe(
      "The sync failed: the source below says why. Its earlier data is kept.",
    );
  });

  it("lists at most ten warnings", () => {
    const warnings = Array.from({ length: 13 }, (_, index) => `row ${index + 2} has no date`);
    const visible = visibleWarnings(warnings);
    expect(visible.shown).toHaveLength(10);
    expect(visible.shown[0]).toBe("Row 2 has no date.");
    expect(visible.more).toBe(3);
    expect(visibleWarnings([])).toEqual({ shown: [], more: 0 });
  });
});
