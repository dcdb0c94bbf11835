import { describe, expect, it } from "vitest";
import {
  dateTime,
  dayOf,
  daysBetween,
  decimal,
  duration,
  formatBeside,
  formatTarget,
  formatValue,
  fullStop,
  listWords,
  longDateTime,
  longDay,
  MONTHS,
  periodLabel,
  plural,
  sentence,
  shortDate,
  svgImage,
  thousands,
  upperFirst,
} from "./format";
// The one table of cases the backend's formatter is tested against too
// (crates/sightline-domain/tests/it/format.rs), so the two cannot drift.
import formatCasesJson from "../../../crates/sightline-domain/tests/it/format-cases.json";

interface FormatCase {
  value: number | null;
  unit: string;
  /** When given, the value is written beside this target. */
  target?: number;
  text: string;
}

function isFormatCase(item: unknown): item is FormatCase {
  if (typeof item !== "object" || item === null) return false;
  const { value, unit, target, text } = item as Record<string, unknown>;
  return (
    (value === null || typeof value === "number") &&
    typeof unit === "string" &&
    (target === undefined || typeof target === "number") &&
    typeof text === "string"
  );
}

const parsed: unknown = formatCasesJson;
if (!Array.isArray(parsed) || !parsed.every(isFormatCase)) {
  throw new Error("format-cases.json must be an array of {value: number | null, unit: string, text: string}");
}
const formatCases: FormatCase[] = parsed;

describe("words", () => {
  it("capitalises the first letter only", () => {
    expect(upperFirst("the note is empty")).toBe("The note is empty");
    expect(upperFirst("bluepeak-psa: no credentials")).toBe("Bluepeak-psa: no credentials");
    expect(upperFirst("")).toBe("");
  });

  it("closes a sentence once", () => {
    expect(fullStop("Done")).toBe("Done.");
    expect(fullStop("Done.")).toBe("Done.");
    expect(fullStop("Really?")).toBe("Really?");
    expect(fullStop("")).toBe("");
  });

  it("turns backend messages into sentences", () => {
    expect(sentence("the note is empty: say what was agreed or why the flag is accepted")).toBe(
      "The note is empty: say what was agreed or why the flag is accepted.",
    );
    expect(sentence("  wrong passphrase ")).toBe("Wrong passphrase.");
    expect(sentence("Done.")).toBe("Done.");
    expect(sentence("   ")).toBe("");
  });

  it("counts things in words", () => {
    expect(plural(1, "record", "records")).toBe("1 record");
    expect(plural(0, "record", "records")).toBe("0 records");
    expect(plural(1234, "record", "records")).toBe("1234 records");
    expect(plural(1234, "record", "records", thousands)).toBe("1,234 records");
    expect(plural(2.5, "day", "days", decimal)).toBe("2.5 days");
  });

  it("lists words with a final 'and'", () => {
    expect(listWords([])).toBe("");
    expect(listWords(["a"])).toBe("a");
    expect(listWords(["a", "b"])).toBe("a and b");
    expect(listWords(["a", "b", "c"])).toBe("a, b and c");
  });
});

describe("numbers", () => {
  it("writes whole numbers with thousands separators", () => {
    expect(thousands(0)).toBe("0");
    expect(thousands(999)).toBe("999");
    expect(thousands(1000)).toBe("1,000");
    expect(thousands(1234567)).toBe("1,234,567");
    expect(thousands(-4200)).toBe("-4,200");
    expect(thousands(1234.6)).toBe("1,235");
  });

  it("writes amounts with at most two decimals", () => {
    expect(decimal(4200)).toBe("4,200");
    expect(decimal(99.5)).toBe("99.5");
    expect(decimal(1250.456)).toBe("1,250.46");
  });

  it("writes every case of the shared table as the backend does", () => {
    expect(formatCases.length).toBeGreaterThan(0);
    for (const { value, unit, target, text } of formatCases) {
      const written = target === undefined ? formatValue(value, unit) : formatBeside(value, target, unit);
      expect(written, `${value} ${unit} beside ${target}`).toBe(text);
    }
  });

  it("covers every unit the backend knows in the shared table", () => {
    const units = new Set(formatCases.map((c) => c.unit));
    for (const unit of ["percent", "minutes", "hours", "days", "count", "money"]) {
      expect(units.has(unit), unit).toBe(true);
      expect(formatCases.some((c) => c.unit === unit && c.value === null), `${unit} missing`).toBe(true);
    }
  });

  it("says 'no data' for a figure that is not a number", () => {
    expect(formatValue(Number.NaN, "percent")).toBe("no data");
    expect(formatValue(Number.POSITIVE_INFINITY, "count")).toBe("no data");
    expect(formatValue(Number.NEGATIVE_INFINITY, "money")).toBe("no data");
  });

  it("writes a missing target as a dash", () => {
    expect(formatTarget(null, "count")).toBe("—");
    expect(formatTarget(30, "minutes")).toBe("30 min");
    expect(formatTarget(0, "money")).toBe("0");
    expect(formatTarget(95, "percent")).toBe("95.0%");
  });

  it("says lengths of time the way people do", () => {
    expect(duration(0)).toBe("0 min");
    expect(duration(45)).toBe("45 min");
    expect(duration(59.6)).toBe("1 h");
    expect(duration(130)).toBe("2 h 10 min");
    expect(duration(120)).toBe("2 h");
    expect(duration(1439)).toBe("23 h 59 min");
    expect(duration(1440)).toBe("1 day");
    expect(duration(3 * 1440 + 4 * 60 + 20)).toBe("3 days 4 h");
    expect(duration(2 * 1440 + 23 * 60 + 45)).toBe("3 days");
    expect(duration(-30)).toBe("-30 min");
    expect(duration(Number.NaN)).toBe("—");
  });
});

describe("periods and dates", () => {
  it("names periods in words", () => {
    expect(periodLabel("2026-10")).toBe("October 2026");
    expect(periodLabel("2026-Q3")).toBe("Q3 2026");
    expect(periodLabel("2026-q4")).toBe("Q4 2026");
    expect(periodLabel("2026-00")).toBe("2026-00");
    expect(periodLabel("2026-13")).toBe("2026-13");
    expect(periodLabel("last year")).toBe("last year");
  });

  it("names the months", () => {
    expect(MONTHS).toHaveLength(12);
    expect(MONTHS[0]).toBe("January");
    expect(MONTHS[11]).toBe("December");
  });

  it("writes dates in a given time zone", () => {
    expect(shortDate("2026-11-22T09:00:00+00:00", "UTC")).toBe("22 Nov 2026");
    expect(shortDate("2026-11-22T23:30:00+00:00", "Asia/Tokyo")).toBe("23 Nov 2026");
    expect(shortDate("2026-09-03T08:00:00Z", "UTC")).toBe("3 Sep 2026");
    expect(dateTime("2026-11-22T08:05:00Z", "UTC")).toBe("22 Nov 2026, 08:05");
    expect(dateTime("2026-11-22T23:30:00Z", "Europe/Berlin")).toBe("23 Nov 2026, 00:30");
    expect(dateTime("2026-11-22T07:05:00+00:00", "Europe/London")).toBe("22 Nov 2026, 07:05");
    expect(longDateTime("2026-11-22T08:05:00Z", "UTC")).toBe("22 November 2026 at 08:05");
  });

  it("leaves what is not a time as it is", () => {
    expect(shortDate("soon")).toBe("soon");
    expect(dateTime("not a date")).toBe("not a date");
    expect(longDateTime("")).toBe("");
  });
});

describe("days", () => {
  it("writes a day in words and leaves anything else as it is", () => {
    expect(longDay("2026-12-02")).toBe("2 December 2026");
    expect(longDay("2027-01-31")).toBe("31 January 2027");
    expect(longDay("2026-02-30")).toBe("2026-02-30");
    expect(longDay("soon")).toBe("soon");
  });

  it("names the day a time falls on in a time zone", () => {
    expect(dayOf(new Date("2026-12-01T23:30:00Z"), "UTC")).toBe("2026-12-01");
    expect(dayOf(new Date("2026-12-01T23:30:00Z"), "Europe/Berlin")).toBe("2026-12-02");
    expect(dayOf(new Date("2026-03-05T12:00:00Z"), "America/New_York")).toBe("2026-03-05");
  });

  it("counts whole days between two days", () => {
    expect(daysBetween("2026-11-28", "2026-12-02")).toBe(4);
    expect(daysBetween("2026-12-02", "2026-11-28")).toBe(-4);
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
    expect(daysBetween("2026-12-02", "2026-12-02")).toBe(0);
    expect(daysBetween("2026-12-02", "")).toBeNull();
  });
});

describe("images", () => {
  it("turns an SVG into an image address and nothing into nothing", () => {
    expect(svgImage("<svg a='1'/>")).toBe("data:image/svg+xml;charset=utf-8,%3Csvg%20a%3D'1'%2F%3E");
    expect(svgImage("")).toBe("");
  });
});
