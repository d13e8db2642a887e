import { sessionRef, type RunResult } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "./deps.js";
import type { QueuedTurn } from "./create-session.js";

/**
 * Waits for a queued turn and returns its RunResult, or throws the contract error for its
 * failure. Failures after the session exists always carry its identity in `details`, so a
 * client can continue the session (it stays usable).
 */
export async function awaitRunResult(
  deps: ServiceDeps,
  queued: QueuedTurn,
  signal: AbortSignal,
  options: { created: boolean },
): Promise<RunResult> {
  const resolution = await deps.waiter.wait(queued.turnId, signal);
  if (resolution.status === "completed" && resolution.result) return resolution.result;
  const identity = {
    session_id: queued.sessionId,
    session_ref: sessionRef(deps.realm.realmId, queued.sessionId),
    turn_id: queued.turnId,
    ...(options.created ? { session_created: true } : {}),
    resumable: true,
  };
  if (resolution.status === "interrupted" || resolution.status === "cancelled") {
    throw new AppError(
      "REQUEST_CANCELLED",
      resolution.status === "interrupted" ? "turn interrupted" : "request cancelled",
      { details: { ...identity, turn_status: resolution.status } },
    );
  }
  const error = resolution.error ?? {
    code: "AGENT_ERROR" as const,
    message: "turn failed",
    error_class: "internal" as const,
  };
  throw new AppError(error.code, error.message, {
    details: { ...identity, error_class: error.error_class, ...error.details },
  });
}
