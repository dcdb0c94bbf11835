// The one module that talks to the desktop shell. Every call goes through
// `call`, which turns any failure into an ApiError with a plain message.
import { invoke } from "@tauri-apps/api/core";
import { commands, ERROR_CODES } from "./bindings";
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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return (await transport(command, args)) as T;
  } catch (error) {
    throw toApiError(error);
  }
}

/** Every command of the desktop shell, typed from the one list in Rust. */
export const api = commands(call);
