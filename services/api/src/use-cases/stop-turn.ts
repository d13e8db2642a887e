import { endQueuedTurn, requestTurnStop } from "@meerkat/shared/db";
import { newId, type TurnError } from "@meerkat/shared/domain";
import type { ServiceDeps } from "./deps.js";

export interface StoppedTurn {
  turnId: string;
}

/**
 * Asks the session's active turn to stop, wherever it runs. A queued turn is ended here (no
 * worker has it); a running one is told through the control channel (the worker aborts the
 * provider call at once) and, as a fallback, sees the stop at its next lease renewal.
 */
export async function stopActiveTurn(
  deps: ServiceDeps,
  where: { sessionId: string } | { turnId: string },
  reason: "interrupt" | "cancel",
): Promise<StoppedTurn | undefined> {
  const target = await requestTurnStop(deps.db, where, reason);
  if (!target) return undefined;
  if (target.status === "queued") {
    const message = reason === "interrupt" ? "turn interrupted" : "request cancelled";
    const error: TurnError = { code: "REQUEST_CANCELLED", message, error_class: "cancelled" };
    const status = reason === "interrupt" ? "interrupted" : "cancelled";
    const envelopes = await endQueuedTurn(deps.db, {
      turnId: target.id,
      sessionId: target.sessionId,
      realmId: deps.realm.realmId,
      status,
      error,
      events: [
        {
          eventId: newId(),
          emittedAtMs: Date.now(),
          payload: {
            type: "run_failed",
            session_id: target.sessionId,
            error: message,
            error_class: "cancelled",
          },
        },
      ],
    });
    if (envelopes) {
      await deps.publisher
        .publish(
          { session_id: target.sessionId, turn_id: target.id, events: envelopes },
          { turn_id: target.id, session_id: target.sessionId, status, result: null, error },
        )
        .catch((err: unknown) => {
          deps.logger.warn({ err }, "stop publish failed; waiters fall back to Postgres");
        });
      return { turnId: target.id };
    }
    // A worker claimed it meanwhile: it will see the stop request right after its claim.
  }
  await deps.publisher
    .control({ type: "stop", turn_id: target.id, reason })
    .catch((err: unknown) => {
      deps.logger.warn(
        { err },
        "stop message not published; the worker sees it at its next lease renewal",
      );
    });
  return { turnId: target.id };
}

/** Waits up to `timeoutMs` for a turn to reach a terminal state (false when it did not). */
export async function waitForTurnEnd(
  deps: ServiceDeps,
  turnId: string,
  timeoutMs: number,
): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new Error("timeout"));
  }, timeoutMs);
  try {
    await deps.waiter.wait(turnId, controller.signal);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
