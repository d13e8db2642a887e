/**
 * Agent events streamed over SSE. `payload.type` is the SSE `event:` name. Every event is stored
 * with a per-session `seq` before it is published, so a client can resume after any seq.
 */
import type { ContentInput, StopReason } from "./messages.js";
import type { WireUsage } from "./usage.js";

export type TerminalCauseKind =
  | "unknown"
  | "hook_denied"
  | "hook_failure"
  | "llm_failure"
  | "tool_failure"
  | "structured_output_validation_failed"
  | "budget_exhausted"
  | "time_budget_exceeded"
  | "retry_exhausted"
  | "turn_limit_reached"
  | "runtime_apply_failure"
  | "fatal_failure";

export type ErrorClass =
  | "llm"
  | "store"
  | "tool"
  | "session_not_found"
  | "budget"
  | "max_tokens"
  | "content_filtered"
  | "max_turns"
  | "cancelled"
  | "invalid_state"
  | "config"
  | "internal"
  | "auth"
  | "structured_output"
  | "invalid_output_schema"
  | "hook";

export type AgentEvent =
  | { type: "run_started"; session_id: string; prompt: ContentInput; attempt?: number }
  | { type: "turn_started"; turn_number: number }
  | { type: "text_delta"; delta: string }
  | { type: "text_complete"; content: string }
  | { type: "reasoning_delta"; delta: string }
  | { type: "reasoning_complete"; content: string }
  | { type: "tool_call_requested"; id: string; name: string; args: Record<string, unknown> }
  | { type: "tool_execution_started"; id: string; name: string }
  | {
      type: "tool_execution_completed";
      id: string;
      name: string;
      result: string;
      is_error: boolean;
      duration_ms: number;
    }
  | { type: "tool_result_received"; id: string; name: string; is_error: boolean }
  | { type: "tool_execution_timed_out"; id: string; name: string; timeout_ms: number }
  | { type: "turn_completed"; stop_reason: StopReason; usage: WireUsage }
  | {
      type: "run_completed";
      session_id: string;
      result: string;
      usage: WireUsage;
      structured_output?: unknown;
      extraction_required?: boolean;
      terminal_cause_kind?: TerminalCauseKind;
    }
  | {
      type: "run_failed";
      session_id: string;
      error: string;
      error_class: ErrorClass;
      error_report?: { class: string; reason?: string; message: string };
      terminal_cause_kind?: TerminalCauseKind;
    }
  | {
      type: "retrying";
      attempt: number;
      max_attempts: number;
      error: string;
      delay_ms: number;
    }
  | GenericAgentEvent;

/** Events of later features (hooks, budgets, compaction, skills, schedules, comms…). */
export interface GenericAgentEvent {
  type:
    | "extraction_succeeded"
    | "extraction_failed"
    | "budget_warning"
    | "hook_started"
    | "hook_completed"
    | "hook_failed"
    | "hook_denied"
    | "compaction_started"
    | "compaction_completed"
    | "compaction_failed"
    | "skills_resolved"
    | "skill_resolution_failed"
    | "interaction_complete"
    | "interaction_callback_pending"
    | "interaction_failed"
    | "run_interrupted"
    | "run_cancelled";
  [key: string]: unknown;
}

export type AgentEventType = AgentEvent["type"];

export interface EventSource {
  type: "session";
  session_id: string;
}

/** The SSE `data:` envelope. */
export interface EventEnvelope {
  event_id: string;
  source: EventSource;
  source_id: string;
  seq: number;
  timestamp_ms: number;
  payload: AgentEvent;
}

export function toEnvelope(
  sessionId: string,
  seq: number,
  eventId: string,
  timestampMs: number,
  payload: AgentEvent,
): EventEnvelope {
  return {
    event_id: eventId,
    source: { type: "session", session_id: sessionId },
    source_id: `session:${sessionId}`,
    seq,
    timestamp_ms: timestampMs,
    payload,
  };
}

/** Events that end a run: the turn's outcome is committed when one of these is written. */
export const RUN_TERMINAL_EVENTS: ReadonlySet<string> = new Set(["run_completed", "run_failed"]);
