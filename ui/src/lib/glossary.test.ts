import { describe, expect, it } from "vitest";
import { explain, glossary } from "./glossary";

describe("glossary", () => {
  it.each([
    "P1",
    "P2",
    "SLA",
    "patch compliance",
    "patching",
    "restore test",
    "resilience test",
    "backlog",
    "critical vulnerability",
    "certificate",
    "MSP",
    "RMM",
    "PSA",
    "first response",
    "resolution",
    "satisfaction",
    "key person",
    "availability",
    "change success",
    "median",
    "90th percentile",
    "service credit",
  ])("explains %s", (term) => {
    expect(explain(term)).toBe(glossary[term.toLowerCase()]);
  });

  it("explains each term in one plain sentence", () => {
    for (const [term, sentence] of Object.entries(glossary)) {
      expect(sentence, term).toMatch(/^[A-Z].*\.$/);
      expect(sentence.length, term).toBeLessThan(130);
      expect(sentence.slice(0, -1), term).not.toMatch(/[.!?] /);
    }
  });

  it("accepts other spellings and names", () => {
    expect(explain(" p1 ")).toBe(glossary.p1);
    expect(explain("Patch  Compliance")).toBe(glossary["patch compliance"]);
    expect(explain("CSAT")).toBe(glossary.satisfaction);
    expect(explain("Satisfaction (CSAT)")).toBe(glossary.satisfaction);
    expect(explain("critical weakness")).toBe(glossary["critical vulnerability"]);
    expect(explain("P90")).toBe(glossary["90th percentile"]);
    // The topics of "Claimed vs measured".
    expect(explain("Service levels")).toBe(glossary.sla);
    expect(explain("Uptime")).toBe(glossary.availability);
    expect(explain("Certificates")).toBe(glossary.certificate);
    expect(explain("Service credits")).toBe(glossary["service credit"]);
    // The measure's own name, for the vendor page when the backend gives no explanation.
    expect(explain("Service credits the contract says are owed")).toBe(glossary["service credit"]);
  });

  it("says nothing about terms it does not know", () => {
    expect(explain("quantum")).toBeUndefined();
    expect(explain("")).toBeUndefined();
    expect(explain("constructor")).toBeUndefined();
  });
});
