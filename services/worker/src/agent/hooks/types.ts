/** The hook points of the contract (§3.8). */
export const HOOK_POINTS = [
  "run_started",
  "run_completed",
  "run_failed",
  "pre_llm_request",
  "post_llm_response",
  "pre_tool_execution",
  "post_tool_execution",
  "turn_boundary",
] as const;
export type HookPoint = (typeof HOOK_POINTS)[number];

export type HookPayload = Record<string, unknown>;

export type HookResult =
  /** Allowed; `payload` is the (possibly rewritten) payload to continue with. */
  | { denied: false; payload: HookPayload }
  | { denied: true; hookId: string; reasonCode: string; message: string; payload?: unknown };

/**
 * Runs the effective hooks of a point in priority order and folds their decisions. Emits the
 * hook_* events itself. Rewritable fields per point: run_started {prompt}, pre_llm_request
 * {system}, post_llm_response {text}, pre_tool_execution {args}, post_tool_execution
 * {content, is_error}; anything else a rewrite returns is ignored.
 */
export interface HookRunner {
  run(point: HookPoint, payload: HookPayload): Promise<HookResult>;
}

/** A denial ends the run: the turn fails with HOOK_DENIED (403). */
export class HookDeniedError extends Error {
  readonly hookId: string;
  readonly reasonCode: string;
  readonly point: HookPoint;
  readonly payload: unknown;

  constructor(point: HookPoint, denial: Extract<HookResult, { denied: true }>) {
    super(denial.message);
    this.name = "HookDeniedError";
    this.hookId = denial.hookId;
    this.reasonCode = denial.reasonCode;
    this.point = point;
    this.payload = denial.payload;
  }
}

/** Runs a point and throws on denial; returns the payload to continue with. */
export async function runHookOrThrow(
  hooks: HookRunner,
  point: HookPoint,
  payload: HookPayload,
): Promise<HookPayload> {
  const result = await hooks.run(point, payload);
  if (result.denied) throw new HookDeniedError(point, result);
  return result.payload;
}

/** No hooks configured. */
export const NO_HOOKS: HookRunner = {
  run: (_point, payload) => Promise.resolve({ denied: false, payload }),
};
