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

  it("passes the passphrase to unlock, null when none is needed", async () => {
    const calls: unknown[] = [];
    setTransport(async (command, args) => {
      calls.push([command, args]);
      return command === "lock_info" ? { idle_minutes: 15, needs_passphrase: true } : undefined;
    });
    expect(await api.lockInfo()).toEqual({ idle_minutes: 15, needs_passphrase: true });
    await api.unlock("correct horse");
    await api.unlock(null);
    expect(calls).toEqual([
      ["lock_info", undefined],
      ["unlock", { passphrase: "correct horse" }],
      ["unlock", { passphrase: null }],
    ]);
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
