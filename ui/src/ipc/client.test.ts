import { afterEach, describe, expect, it, vi } from "vitest";
import {
  READ_AHEAD_KEEP_MS,
  api,
  forgetReadsAhead,
  readAhead,
  setTransport,
  sharingReadsAhead,
  toApiError,
} from "./client";

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

  describe("reads asked for ahead", () => {
    afterEach(() => {
      forgetReadsAhead();
      vi.useRealTimers();
    });

    function shell(answers: Record<string, unknown> = {}) {
      const calls: string[] = [];
      setTransport(async (command, args) => {
        calls.push(`${command} ${JSON.stringify(args ?? null)}`);
        const answer = answers[command];
        if (answer instanceof Error) throw answer;
        return answer ?? `${command} #${calls.length}`;
      });
      return calls;
    }

    it("asks for each screen's first read once, as the screen asks for it", async () => {
      const calls = shell();
      await readAhead();
      expect(calls).toEqual([
        "overview null",
        'trend {"query":{"metric":null,"vendor":null,"granularity":"month"}}',
        'scorecard {"period":null}',
        'claims {"period":null}',
        'risks {"all":true}',
        "reports null",
        "sources null",
        "settings null",
      ]);
      expect(await api.risks(true)).toBe("risks #5");
      expect(await api.scorecard(null)).toBe("scorecard #3");
      expect(calls).toHaveLength(8);
    });

    it("hands an answer out once: the next visit reads again", async () => {
      const calls = shell();
      await readAhead();
      expect(await api.sources()).toBe("sources #7");
      expect(await api.sources()).toBe("sources #9");
      expect(calls.at(-1)).toBe("sources null");
    });

    it("reads again what was asked with other arguments", async () => {
      shell();
      await readAhead();
      expect(await api.risks(false)).toBe("risks #9");
      expect(await api.scorecard("2026-10")).toBe("scorecard #10");
    });

    it("keeps them across other reads: another screen's, the lock's", async () => {
      const calls = shell();
      await readAhead();
      await api.trend({ metric: "first_response_sla", vendor: null, granularity: "month" });
      await api.lockInfo();
      expect(await api.claims(null)).toBe("claims #4");
      expect(calls).toHaveLength(10);
    });

    it("drops every answer read ahead once a change is asked for", async () => {
      const calls = shell();
      await readAhead();
      await api.saveVendor({ id: "bluepeak", name: "Bluepeak IT", kind: "msp" } as never);
      expect(await api.scorecard(null)).toBe("scorecard #10");
      expect(await api.settings()).toBe("settings #11");
      expect(calls.slice(8)).toEqual([expect.stringMatching(/^save_vendor /), 'scorecard {"period":null}', "settings null"]);
    });

    it("drops them when a change fails too", async () => {
      shell({ remove_vendor: new Error("no such vendor") });
      await readAhead();
      await expect(api.removeVendor("nobody")).rejects.toMatchObject({ code: "storage" });
      expect(await api.claims(null)).toBe("claims #10");
    });

    it("drops them when the figures were worked out again", async () => {
      shell();
      await readAhead();
      forgetReadsAhead();
      expect(await api.overview()).toBe("overview #9");
    });

    it("reads again when the read ahead failed, so that the error is the latest", async () => {
      const calls = shell({ reports: new Error("locked") });
      await readAhead();
      await expect(api.reports()).rejects.toMatchObject({ message: "Sightline could not answer: locked" });
      expect(calls.filter((call) => call === "reports null")).toHaveLength(2);
    });

    it("stops asking once told to", async () => {
      const calls = shell();
      let asked = 0;
      await readAhead(() => ++asked > 2);
      expect(calls).toEqual(["overview null", 'trend {"query":{"metric":null,"vendor":null,"granularity":"month"}}']);
    });

    it("lets screens drawn unseen share an answer until the user moves, then uses it up", async () => {
      shell();
      await readAhead();
      let moved = false;
      const seen: unknown[] = [];
      await sharingReadsAhead(async () => {
        seen.push(await api.risks(true), await api.risks(true));
        moved = true;
        seen.push(await api.risks(true));
      }, () => moved);
      seen.push(await api.risks(true));
      expect(seen).toEqual(["risks #5", "risks #5", "risks #5", "risks #9"]);
    });

    it("reads again what was read ahead too long ago", async () => {
      vi.useFakeTimers();
      shell();
      await readAhead();
      vi.advanceTimersByTime(READ_AHEAD_KEEP_MS);
      expect(await api.settings()).toBe("settings #9");
    });
  });
});
