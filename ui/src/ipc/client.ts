// The one module that talks to the desktop shell. Every call goes through
// `call`, which turns any failure into an ApiError with a plain message.
import { invoke } from "@tauri-apps/api/core";
import { commands, ERROR_CODES, READ_COMMANDS } from "./bindings";
import type { ApiError, ErrorCode } from "./bindings";

export type { LockInfo } from "./bindings";

export type Invoke = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

let transport: Invoke = (command, args) => invoke(command, args);

/** Tests swap the transport for a fake. */
export function setTransport(fake: Invoke): void {
  transport = fake;
}

export function toApiError(error: unknown): ApiError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    const { code, message } = error as { code: unknown; message: unknown };
    if (ERROR_CODES.includes(code as ErrorCode) && typeof message === "string") {
      return { code: code as ErrorCode, message };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "storage", message: `Sightline could not answer: ${message}` };
}

/** How long an answer asked for ahead stays good: older data is read again. */
export const READ_AHEAD_KEEP_MS = 60_000;

/** Answers asked for ahead, by command and arguments, each handed out once. */
const ahead = new Map<string, { answer: Promise<unknown>; at: number }>();

function key(command: string, args?: Record<string, unknown>): string {
  return `${command} ${JSON.stringify(args ?? null)}`;
}

/** Drops every answer asked for ahead; the screens read afresh. */
export function forgetReadsAhead(): void {
  ahead.clear();
}

const askAhead = commands(<T>(command: string, args?: Record<string, unknown>) => {
  const answer = transport(command, args);
  answer.catch(() => {}); // the screen that takes it reads again
  ahead.set(key(command, args), { answer, at: Date.now() });
  return answer as Promise<T>;
});

/**
 * Asks for each screen's first read, as the screen asks for it, so that the
 * first visit finds its data at hand: called once the first screen is shown.
 * One at a time, so that the shell serves a click between two of them.
 * An answer is handed out once, within `READ_AHEAD_KEEP_MS`. Any command
 * not marked `read` in the shell's list (a change made in the window), and
 * figures worked out again in the background, drop them all.
 */
export async function readAhead(stopped: () => boolean = () => false): Promise<void> {
  const reads = [
    () => askAhead.overview(),
    () => askAhead.trend({ metric: null, vendor: null, granularity: "month" }),
    () => askAhead.scorecard(null),
    () => askAhead.claims(null),
    () => askAhead.risks(true),
    () => askAhead.reports(),
    () => askAhead.sources(),
    () => askAhead.settings(),
  ];
  for (const read of reads) {
    if (stopped()) break;
    await read().catch(() => {});
  }
}

/** While screens are drawn unseen (`lib/warm.ts`): whether they still are. */
let sharing: (() => boolean) | null = null;

/**
 * Runs `during` with the answers read ahead handed out without being used
 * up, until `stopped()`: screens drawn unseen leave them for the user's own
 * first visit, and once the user moves the user's own reads use them up.
 */
export async function sharingReadsAhead<T>(during: () => Promise<T>, stopped: () => boolean): Promise<T> {
  sharing = () => !stopped();
  try {
    return await during();
  } finally {
    sharing = null;
  }
}

async function early(command: string, args?: Record<string, unknown>): Promise<{ answer: unknown } | null> {
  const asked = key(command, args);
  const kept = ahead.get(asked);
  if (!sharing?.() || !kept) ahead.delete(asked);
  if (!kept || Date.now() - kept.at >= READ_AHEAD_KEEP_MS) return null;
  try {
    return { answer: await kept.answer };
  } catch {
    return null; // asked again below, so that the error shown is the latest
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    const kept = await early(command, args);
    if (kept) return kept.answer as T;
    const changes = !READ_COMMANDS.has(command);
    if (changes) forgetReadsAhead();
    try {
      return (await transport(command, args)) as T;
    } finally {
      if (changes) forgetReadsAhead();
    }
  } catch (error) {
    throw toApiError(error);
  }
}

/** Every command of the desktop shell, typed from the one list in Rust. */
export const api = commands(call);
