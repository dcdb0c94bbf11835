import { describe, expect, it } from "vitest";
import { commonTimeZones, localTimeZone, timeZoneChoices } from "./timezones";

describe("time zone choices", () => {
  it("offers the zones the computer knows, sorted, with the saved one and UTC", () => {
    const intl = { supportedValuesOf: () => ["Europe/Paris", "America/New_York"] };
    expect(timeZoneChoices("Etc/GMT+5", intl)).toEqual(["America/New_York", "Etc/GMT+5", "Europe/Paris", "UTC"]);
  });

  it("falls back to common zones when the computer cannot list them", () => {
    expect(timeZoneChoices(null, {})).toHaveLength(commonTimeZones.length);
    const failing = {
      supportedValuesOf: () => {
        throw new RangeError("unsupported");
      },
    };
    expect(timeZoneChoices("Europe/London", failing)).toContain("Pacific/Auckland");
  });

  it("does not repeat the saved zone", () => {
    const zones = timeZoneChoices("Europe/London", { supportedValuesOf: () => ["Europe/London", "UTC"] });
    expect(zones).toEqual(["Europe/London", "UTC"]);
  });

  it("knows this computer's zone", () => {
    expect(localTimeZone()).toMatch(/\S/);
  });
});
