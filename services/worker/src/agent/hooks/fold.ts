import type { AgentEvent, HookEntryConfig, HookReasonCode } from "@meerkat/shared/domain";
import { attemptHook } from "./attempt.js";
import type { HookInvocation, HookInvoker } from "./invocation.js";
import { applyPatch } from "./patch.js";
import { fitPayload } from "./payload-limit.js";
import type { HookPayload, HookPoint, HookResult } from "./types.js";

export interface FoldInput {
  point: HookPoint;
  payload: HookPayload;
  /** The enabled foreground entries of this point, in list order. */
  entries: readonly HookEntryConfig[];
  invoke: HookInvoker;
  ids: { sessionId: string; turnId: string };
  limits: { defaultTimeoutMs: number; payloadMaxBytes: number };
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  now: () => number;
}

type Denial = Extract<HookResult, { denied: true }>;

/** What one hook contributed: nothing, a new payload, or a denial that ends the fold. */
type Step = { kind: "continue"; payload: HookPayload } | { kind: "deny"; denial: Denial };

/** Lower priority first; the sort is stable, so equal priorities keep list order. */
export function byPriority(entries: readonly HookEntryConfig[]): HookEntryConfig[] {
  return [...entries].sort((a, b) => a.priority - b.priority);
}

/**
 * Runs a point's foreground hooks one after the other and folds their answers: each rewrite
 * sees the payload the previous hook left, the first denial stops the rest. Observers' decisions
 * and patches are ignored, as are guardrails' patches. Pure apart from `invoke` and `emit`, so
 * the rules are unit-tested with fake runtimes.
 */
export async function foldHooks(input: FoldInput): Promise<HookResult> {
  let payload = input.payload;
  for (const entry of byPriority(input.entries)) {
    const step = await runOne(input, entry, payload);
    if (step.kind === "deny") {
      const { denial } = step;
      input.emit({
        type: "hook_denied",
        hook_id: denial.hookId,
        point: input.point,
        reason_code: denial.reasonCode,
        message: denial.message,
        ...(denial.payload === undefined ? {} : { payload: denial.payload }),
      });
      return denial;
    }
    payload = step.payload;
  }
  return { denied: false, payload };
}

async function runOne(
  input: FoldInput,
  entry: HookEntryConfig,
  payload: HookPayload,
): Promise<Step> {
  const { point, emit } = input;
  const hookId = entry.id;
  emit({ type: "hook_started", hook_id: hookId, point });
  const keep: Step = { kind: "continue", payload };

  const fitted = fitPayload(payload, input.limits.payloadMaxBytes, entry.capability === "observe");
  const attempt =
    fitted.kind === "too_large"
      ? {
          ok: false as const,
          timedOut: false,
          error: `payload of ${fitted.bytes} bytes exceeds hooks.payload_max_bytes (${input.limits.payloadMaxBytes})`,
        }
      : await attemptHook({
          entry,
          invocation: invocationFor(input, entry, fitted.payload, fitted.kind === "trimmed"),
          invoke: input.invoke,
          timeoutMs: entry.timeout_ms ?? input.limits.defaultTimeoutMs,
          signal: input.signal,
          now: input.now,
        });

  if (!attempt.ok) {
    emit({ type: "hook_failed", hook_id: hookId, point, error: attempt.error });
    if (entry.failure_policy !== "fail_closed" || entry.capability === "observe") return keep;
    const reasonCode: HookReasonCode = attempt.timedOut ? "timeout" : "runtime_error";
    return deny(hookId, reasonCode, `hook '${hookId}' failed (fail_closed): ${attempt.error}`);
  }
  emit({ type: "hook_completed", hook_id: hookId, point, duration_ms: attempt.durationMs });
  if (entry.capability === "observe") return keep;

  const { decision, patch } = attempt.response;
  if (decision?.decision === "deny") {
    return deny(
      hookId,
      decision.reason_code,
      decision.message ?? `denied by hook '${hookId}' at ${point}`,
      decision.payload,
    );
  }
  if (entry.capability !== "rewrite" || !patch) return keep;
  const patched = applyPatch(point, payload, patch);
  if (patched.ignored.length > 0) {
    emit({
      type: "hook_failed",
      hook_id: hookId,
      point,
      error: `patch partly ignored: ${patched.ignored.join("; ")}`,
    });
  }
  return { kind: "continue", payload: patched.payload };
}

function deny(
  hookId: string,
  reasonCode: HookReasonCode,
  message: string,
  payload?: unknown,
): Step {
  return {
    kind: "deny",
    denial: {
      denied: true,
      hookId,
      reasonCode,
      message,
      ...(payload === undefined ? {} : { payload }),
    },
  };
}

function invocationFor(
  input: FoldInput,
  entry: HookEntryConfig,
  payload: HookPayload,
  truncated: boolean,
): HookInvocation {
  return {
    hook_id: entry.id,
    point: input.point,
    session_id: input.ids.sessionId,
    turn_id: input.ids.turnId,
    payload,
    ...(truncated ? { payload_truncated: true as const } : {}),
  };
}
