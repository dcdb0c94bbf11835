// Time zone names for the pickers on the Settings and Sources screens: the
// ones this computer knows, or a short list of common ones when it cannot say.

/** Used when the browser engine cannot list its time zones. */
export const commonTimeZones = [
  "UTC",
  "Europe/London",
  "Europe/Dublin",
  "Europe/Lisbon",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Amsterdam",
  "Europe/Brussels",
  "Europe/Zurich",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Stockholm",
  "Europe/Warsaw",
  "Europe/Athens",
  "Europe/Helsinki",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Anchorage",
  "America/Toronto",
  "America/Vancouver",
  "America/Mexico_City",
  "America/Sao_Paulo",
  "Pacific/Honolulu",
  "Africa/Johannesburg",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Hong_Kong",
  "Asia/Tokyo",
  "Australia/Perth",
  "Australia/Sydney",
  "Pacific/Auckland",
];

type ListsTimeZones = { supportedValuesOf?: (key: "timeZone") => string[] };

/**
 * Every time zone name to offer, sorted, with `current` (what is saved now)
 * and UTC always among them.
 */
export function timeZoneChoices(current: string | null = null, intl: ListsTimeZones = Intl): string[] {
  let known: string[] = [];
  try {
    known = intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    known = [];
  }
  const names = new Set(known.length > 0 ? known : commonTimeZones);
  names.add("UTC");
  if (current && current.trim() !== "") names.add(current.trim());
  return [...names].sort((a, b) => a.localeCompare(b, "en"));
}

/** This computer's own time zone, or UTC when it cannot say. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
