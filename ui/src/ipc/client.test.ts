import { afterEach, describe, expect, it } from "vitest";
import { api, setTransport, toApiError } from "./client";

describe("ipc client", () => {
  afterEach(() => setTransport(async () => undefined));

  it("passes the query to the kpis command", async () => {
    const calls: unknown[] = [];
    setTransport(async (command, args) => {
      calls.push([command, args]);
      return [];
    });
    await api.kpis({ vendor: "bluepeak", period: "2026-10" });
    expect(calls).toEqual([["kpis", { query: { vendor: "bluepeak", period: "2026-10" } }]]);
  });

  it("keeps a structured error from the shell as it is", async () => {
    setTransport(async () => {
      throw { code: "passphrase_needed", message: "the cache is locked with a passphrase" };
    });
    await expect(api.overview()).rejects.toEqual({
      code: "passphrase_needed",
      message: "the cache is locked with a passphrase",
    });
  });

  it("turns anything else into a plain storage error", () => {
    expect(toApiError(new Error("boom"))).toEqual({ code: "storage", message: "Sightline could not answer: boom" });
    expect(toApiError({ code: "weird", message: 1 })).toEqual({
      code: "storage",
      message: "Sightline could not answer: [object Object]",
    });
  });
});
