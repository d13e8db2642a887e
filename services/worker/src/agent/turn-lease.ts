import { renewTurnLease, type Db, type TurnFence } from "@meerkat/shared/db";
import type { Logger } from "@meerkat/shared/observability";

export type AbortCause = "interrupt" | "cancel" | "fenced" | "shutdown";

/** The reason attached to a turn's AbortSignal. */
export class TurnAbort extends Error {
  readonly kind: AbortCause;
  constructor(kind: AbortCause) {
    super(`turn aborted: ${kind}`);
    this.name = "TurnAbort";
    this.kind = kind;
  }
}

export function abortCauseOf(signal: AbortSignal): AbortCause | undefined {
  const reason: unknown = signal.reason;
  return reason instanceof TurnAbort ? reason.kind : undefined;
}

export interface TurnLeaseOptions {
  db: Db;
  logger: Logger;
  fence: TurnFence;
  leaseMs: number;
  controller: AbortController;
}

/**
 * Renews the lease every third of its length while the attempt runs. A renewal that finds the
 * lease gone aborts the attempt as fenced (it must write nothing more); a stop request recorded
 * by the API aborts it as interrupted or cancelled (the fallback when the pub/sub stop message
 * was missed).
 */
export class TurnLease {
  readonly #options: TurnLeaseOptions;
  readonly #timer: NodeJS.Timeout;
  #renewing = false;

  constructor(options: TurnLeaseOptions) {
    this.#options = options;
    this.#timer = setInterval(
      () => void this.#renew(),
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #renew(): Promise<void> {
    if (this.#renewing || this.#options.controller.signal.aborted) return;
    this.#renewing = true;
    const { db, fence, leaseMs, controller, logger } = this.#options;
    try {
      const state = await renewTurnLease(db, { fence, leaseMs });
      if (!state.held) {
        logger.warn(
          { turnId: fence.turnId, epoch: fence.epoch },
          "turn lease lost; stopping without further writes",
        );
        controller.abort(new TurnAbort("fenced"));
      } else if (state.stopReason === "interrupt" || state.stopReason === "cancel") {
        controller.abort(new TurnAbort(state.stopReason));
      }
    } catch (err) {
      // Postgres unreachable: keep running; if the lease lapses meanwhile, the next successful
      // renewal (or the final commit) finds out and nothing stale is written.
      logger.warn({ err, turnId: fence.turnId }, "turn lease renewal failed");
    } finally {
      this.#renewing = false;
    }
  }
}
