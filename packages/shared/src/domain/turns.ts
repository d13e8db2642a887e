import type { ErrorCode } from "../errors/codes.js";
import type { ErrorClass, TerminalCauseKind } from "./events.js";
import type { ContentInput } from "./messages.js";
import type { WireUsage } from "./usage.js";

export const TURN_STATUSES = [
  "queued",
  "running",
  "completed",
  "failed",
  "interrupted",
  "cancelled",
] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

export const ACTIVE_TURN_STATUSES = ["queued", "running"] as const satisfies readonly TurnStatus[];
export const TERMINAL_TURN_STATUSES = [
  "completed",
  "failed",
  "interrupted",
  "cancelled",
] as const satisfies readonly TurnStatus[];
export type TerminalTurnStatus = (typeof TERMINAL_TURN_STATUSES)[number];

export function isTerminalTurnStatus(status: string): status is TerminalTurnStatus {
  return (TERMINAL_TURN_STATUSES as readonly string[]).includes(status);
}

/** What started a turn. */
export const TURN_KINDS = ["prompt", "inbox", "schedule", "help"] as const;
export type TurnKind = (typeof TURN_KINDS)[number];

/** Why a running turn was asked to stop. */
export type StopReasonRequest = "interrupt" | "cancel";

/** The per-turn input stored on the turn row (never in a queue payload). */
export interface TurnInput {
  /** The user's prompt; absent on inbox turns, whose input is the pending inbox. */
  prompt?: ContentInput | undefined;
  /** Extra system-prompt sections for this turn only. */
  additional_instructions?: string[] | undefined;
  /** Skills injected into this turn only (`{kind:"structured", source_uuid, skill_name}`). */
  skill_refs?: unknown[] | undefined;
  /** Narrows the tools of this turn. */
  flow_tool_overlay?:
    { allowed_tools?: string[] | undefined; blocked_tools?: string[] | undefined } | undefined;
  verbose?: boolean | undefined;
}

export interface SchemaWarning {
  provider: string;
  path: string;
  message: string;
}

export interface ExtractionError {
  attempts: number;
  last_output: string | null;
  reason: string;
}

/** `WireRunResult`: the response of create/continue and the stored outcome of a completed turn. */
export interface RunResult {
  session_id: string;
  session_ref: string;
  text: string;
  turns: number;
  tool_calls: number;
  usage: WireUsage;
  structured_output: unknown;
  schema_warnings: SchemaWarning[] | null;
  extraction_error?: ExtractionError | null;
  terminal_cause_kind?: TerminalCauseKind | null;
}

/** The stored failure of a turn. */
export interface TurnError {
  code: ErrorCode;
  message: string;
  error_class: ErrorClass;
  details?: Record<string, unknown> | undefined;
}
