import type { HookEntryConfig } from "@meerkat/shared/domain";
import type { HookPayload, HookPoint } from "./types.js";

/** What every runtime receives: the JSON on a command's stdin, the body of an http hook. */
export interface HookInvocation {
  hook_id: string;
  point: HookPoint;
  session_id: string;
  turn_id: string;
  payload: HookPayload;
  /** Set when long strings were cut to fit `hooks.payload_max_bytes` (observers only). */
  payload_truncated?: true;
}

/**
 * Runs one hook and resolves with its raw answer, which the caller validates. Implementations
 * must stop (kill the process, abort the request) when `signal` aborts.
 */
export type HookInvoker = (
  entry: HookEntryConfig,
  invocation: HookInvocation,
  signal: AbortSignal,
) => Promise<unknown>;
