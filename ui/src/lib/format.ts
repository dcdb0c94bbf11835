// How figures, dates and words are written on every screen, in one place so
// that the screens agree and read the same on every computer.

export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

// ---- words ----

/** "the note is empty" → "The note is empty". */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Adds a closing full stop unless the text already ends like a sentence; "" stays "". */
export function fullStop(text: string): string {
  if (text === "") return "";
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A backend message as a sentence: trimmed, capital first, full stop last. */
export function sentence(message: string): string {
  return fullStop(upperFirst(message.trim()));
}

/** "1 record", "12 records"; `show` writes the number (as it is by default). */
export function plural(count: number, one: string, many: string, show: (count: number) => string = String): string {
  return `${show(count)} ${count === 1 ? one : many}`;
}

/** ["a", "b", "c"] → "a, b and c"; one word as it is; none → "". */
export function listWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

// ---- numbers ----

/** 1234567 → "1,234,567", rounded to a whole number, the same on every computer. */
export function thousands(value: number): string {
  const sign = value < 0 ? "-" : "";
  const digits = String(Math.round(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 1234.567 → "1,234.57": thousands separators and at most two decimals. */
export function decimal(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

// ---- metric values ----
//
// The mirror of the backend's one formatter (`sightline_domain::value_text`
// and `Unit::text`), which the CLI, the charts and the board PDF use. Both
// are tested against the same table of cases,
// crates/sightline-domain/tests/it/format-cases.json: change a rule here, there
// and in that table together.

/**
 * `value` to `decimals` places, halves away from zero (as people round: 3.25
 * is "3.3"), never "-0"; the same arithmetic as the backend's `fixed`.
 */
function fixed(value: number, decimals: number): string {
  const power = 10 ** decimals;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * power)) / power;
  return (rounded === 0 ? 0 : rounded).toFixed(decimals);
}

/** Commas between the thousands of a written number: "-1234.5" → "-1,234.5". */
function grouped(number: string): string {
  const [whole, fraction] = number.split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? withCommas : `${withCommas}.${fraction}`;
}

/** "3.0" → "3", "2.50" → "2.5": no needless zeros after the point. */
function trimmed(number: string): string {
  return number.includes(".") ? number.replace(/0+$/, "").replace(/\.$/, "") : number;
}

/**
 * A metric's figure with its unit, the one way every screen, the CLI, the
 * charts and the board PDF write it: "78.4%", "41 min", "1 h 35 min", "2 h",
 * "1.5 h", "12 days", "1 day", "1,234", money "1,740" (whole units of the
 * company's own currency, no symbol); "no data" when missing. Halves round
 * away from zero; thousands are grouped with commas; never "-0". A unit it
 * does not know is written after the number: "2.5 points".
 */
export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return "no data";
  switch (unit) {
    case "percent":
      // A share short of 100 never reads "100.0%": 99.95 is "99.95%",
      // 99.999 "99.99%" (cut), as availability targets are written.
      if (value < 100 && fixed(value, 1) === "100.0") return `${(Math.floor(value * 100 + 1e-6) / 100).toFixed(2)}%`;
      return `${grouped(fixed(value, 1))}%`;
    case "minutes": {
      // Whole minutes first, then hours and minutes from 90 minutes up:
      // "89 min", "1 h 30 min", "2 h". Minutes stay in hours however long
      // (a contract's business day is not 24 hours).
      const minutes = Math.round(Math.abs(value));
      const sign = value < 0 && minutes > 0 ? "-" : "";
      if (minutes < 90) return `${sign}${minutes} min`;
      const hours = grouped(String(Math.floor(minutes / 60)));
      const rest = minutes % 60;
      return rest === 0 ? `${sign}${hours} h` : `${sign}${hours} h ${rest} min`;
    }
    case "hours":
      return `${grouped(fixed(value, 1))} h`;
    case "days": {
      const whole = fixed(value, 0);
      return whole === "1" || whole === "-1" ? `${whole} day` : `${grouped(whole)} days`;
    }
    case "count":
    case "money":
      return grouped(fixed(value, 0));
    default: {
      const number = grouped(trimmed(fixed(value, 1)));
      return unit === "" ? number : `${number} ${unit}`;
    }
  }
}

/**
 * A length of time given in minutes, as people say it: "45 min",
 * "2 h 10 min", "2 h", "3 days 4 h", "1 day"; from a day up, to the nearest
 * hour. "—" when it is not a number.
 */
export function duration(minutes: number): string {
  if (!Number.isFinite(minutes)) return "—";
  const sign = minutes < 0 ? "-" : "";
  const total = Math.round(Math.abs(minutes));
  if (total < 60) return `${sign}${total} min`;
  if (total < 24 * 60) {
    const rest = total % 60;
    return `${sign}${Math.floor(total / 60)} h${rest > 0 ? ` ${rest} min` : ""}`;
  }
  const hours = Math.round(total / 60);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${sign}${plural(days, "day", "days")}${rest > 0 ? ` ${rest} h` : ""}`;
}

/**
 * A figure written beside its target: as `formatValue`, with as many more
 * decimals as it takes (up to three) that a figure that missed or beat its
 * target never reads the same as the target: 94.96 beside 95 is "94.96%",
 * not "95.0%". The mirror of the backend's `Unit::text_beside`.
 */
export function formatBeside(value: number | null, target: number | null, unit: string): string {
  const text = formatValue(value, unit);
  if (value === null || target === null || value === target || !Number.isFinite(value) || !Number.isFinite(target)) {
    return text;
  }
  const suffix: Record<string, string> = { percent: "%", minutes: " min", hours: " h", days: " days", count: "", money: "" };
  if (!(unit in suffix) || text !== formatValue(target, unit)) return text;
  for (const decimals of [1, 2, 3]) {
    const number = fixed(value, decimals);
    if (number !== fixed(target, decimals)) return `${grouped(number)}${suffix[unit]}`;
  }
  return text;
}

/** A target in the same words, or a dash when there is none. */
export function formatTarget(target: number | null, unit: string): string {
  return target === null ? "—" : formatValue(target, unit);
}

// ---- periods and dates ----

/** "2026-10" is "October 2026", "2026-Q3" is "Q3 2026"; anything else as it is. */
export function periodLabel(period: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    const index = Number(month[2]) - 1;
    if (index >= 0 && index < 12) return `${MONTHS[index]} ${month[1]}`;
  }
  const quarter = /^(\d{4})-Q([1-4])$/i.exec(period);
  if (quarter) return `Q${quarter[2]} ${quarter[1]}`;
  return period;
}

interface DateParts {
  day: string;
  /** 1..12 */
  month: number;
  year: string;
  hour: string;
  minute: string;
}

/** An RFC 3339 time's parts in a time zone (default: this computer's), or null when it is not a time. */
function dateParts(iso: string, timeZone?: string): DateParts | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const parts = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "numeric",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    day: String(Number(part("day"))),
    month: Number(part("month")),
    year: part("year"),
    hour: part("hour"),
    minute: part("minute"),
  };
}

/** The day as "22 Nov 2026". */
function shortDay(parts: DateParts): string {
  return `${parts.day} ${MONTHS[parts.month - 1].slice(0, 3)} ${parts.year}`;
}

/** "22 Nov 2026" from an RFC 3339 time; anything else as it is. */
export function shortDate(iso: string, timeZone?: string): string {
  const parts = dateParts(iso, timeZone);
  return parts ? shortDay(parts) : iso;
}

/** "22 Nov 2026, 08:00" from an RFC 3339 time; anything else as it is. */
export function dateTime(iso: string, timeZone?: string): string {
  const parts = dateParts(iso, timeZone);
  return parts ? `${shortDay(parts)}, ${parts.hour}:${parts.minute}` : iso;
}

/** "22 November 2026 at 08:00", for sentences; anything else as it is. */
export function longDateTime(iso: string, timeZone?: string): string {
  const parts = dateParts(iso, timeZone);
  return parts ? `${parts.day} ${MONTHS[parts.month - 1]} ${parts.year} at ${parts.hour}:${parts.minute}` : iso;
}

/** A day written as `2026-12-02`, as numbers, or null when it is not a real day. */
function dayParts(day: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, date));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  return { year, month, day: date };
}

/** Whether `text` is a real day written as 2026-12-25. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && dayParts(text) !== null;
}

/** "2 December 2026" from a day written as `2026-12-02`; anything else as it is. */
export function longDay(day: string): string {
  const parts = dayParts(day);
  return parts ? `${parts.day} ${MONTHS[parts.month - 1]} ${parts.year}` : day;
}

/** The day a time falls on in a time zone (default: this computer's), as `2026-12-02`. */
export function dayOf(date: Date, timeZone?: string): string {
  const parts = dateParts(date.toISOString(), timeZone);
  if (!parts) return "";
  return `${parts.year}-${String(parts.month).padStart(2, "0")}-${parts.day.padStart(2, "0")}`;
}

/** Whole days from one `2026-12-02` day to another (negative when `to` comes first); null unless both are days. */
export function daysBetween(from: string, to: string): number | null {
  const a = dayParts(from);
  const b = dayParts(to);
  if (!a || !b) return null;
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

// ---- images ----

/** An SVG string as an image address (the CSP allows data: images, nothing inline); "" for none. */
export function svgImage(svg: string): string {
  return svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : "";
}
