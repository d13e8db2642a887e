import { findTurnOutcomes, type Db } from "@meerkat/shared/db";
import {
  isTerminalTurnStatus,
  type RunResult,
  type TerminalTurnStatus,
  type TurnError,
} from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import type { RealtimeHub } from "@meerkat/shared/realtime";
import { AppError } from "@meerkat/shared/errors";

export interface TurnResolution {
  turnId: string;
  status: TerminalTurnStatus;
  result: RunResult | null;
  error: TurnError | null;
}

interface Waiting {
  resolve: (resolution: TurnResolution) => void;
  reject: (reason: unknown) => void;
}

export interface TurnWaiterOptions {
  db: Db;
  hub: RealtimeHub;
  logger: Logger;
  pollMs: number;
}

/**
 * Lets synchronous requests wait for their turn's outcome. The fast path is the turns pub/sub
 * channel; one batched Postgres query per interval (and after every subscriber reconnect)
 * catches anything pub/sub lost, so a request never hangs on a lost message.
 */
export class TurnWaiter {
  readonly #options: TurnWaiterOptions;
  readonly #waiting = new Map<string, Set<Waiting>>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void)[] = [];
  #polling = false;

  constructor(options: TurnWaiterOptions) {
    this.#options = options;
  }

  start(): void {
    this.#unsubscribe = [
      this.#options.hub.onTurnOutcome((message) => {
        this.#settle({
          turnId: message.turn_id,
          status: message.status,
          result: message.result,
          error: message.error,
        });
      }),
      this.#options.hub.onResync(() => void this.poll()),
    ];
    this.#timer = setInterval(() => void this.poll(), this.#options.pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    const error = new Error("server shutting down");
    for (const waiters of this.#waiting.values())
      for (const waiter of waiters) waiter.reject(error);
    this.#waiting.clear();
  }

  get pending(): number {
    return this.#waiting.size;
  }

  /** Resolves with the turn's terminal outcome; rejects with `signal.reason` when aborted. */
  wait(turnId: string, signal?: AbortSignal): Promise<TurnResolution> {
    return new Promise<TurnResolution>((resolve, reject) => {
      let waiters = this.#waiting.get(turnId);
      if (!waiters) {
        waiters = new Set();
        this.#waiting.set(turnId, waiters);
      }
      const entry: Waiting = {
        resolve: (resolution) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(resolution);
        },
        reject,
      };
      const onAbort = () => {
        this.#waiting.get(turnId)?.delete(entry);
        if (this.#waiting.get(turnId)?.size === 0) this.#waiting.delete(turnId);
        reject(signal?.reason instanceof Error ? signal.reason : new Error("wait aborted"));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.add(entry);
    });
  }

  /** Checks Postgres for every awaited turn at once. */
  async poll(): Promise<void> {
    if (this.#polling || this.#waiting.size === 0) return;
    this.#polling = true;
    try {
      const awaited = [...this.#waiting.keys()];
      const rows = await findTurnOutcomes(this.#options.db, awaited);
      // A turn is queued before anyone waits for it, so one that is gone was lost: a turn
      // queued for a waiting request commits without waiting for the WAL flush, and a Postgres
      // crash can roll it back before its outcome commits. The caller was told nothing yet.
      const found = new Set(rows.map((row) => row.id));
      for (const turnId of awaited) {
        if (!found.has(turnId)) this.#fail(turnId, lostTurnError());
      }
      for (const row of rows) {
        if (isTerminalTurnStatus(row.status)) {
          this.#settle({
            turnId: row.id,
            status: row.status,
            result: row.result,
            error: row.error,
          });
        }
      }
    } catch (err) {
      this.#options.logger.warn({ err }, "turn poll failed");
    } finally {
      this.#polling = false;
    }
  }

  #fail(turnId: string, error: Error): void {
    const waiters = this.#waiting.get(turnId);
    if (!waiters) return;
    this.#waiting.delete(turnId);
    for (const waiter of waiters) waiter.reject(error);
  }

  #settle(resolution: TurnResolution): void {
    const waiters = this.#waiting.get(resolution.turnId);
    if (!waiters) return;
    this.#waiting.delete(resolution.turnId);
    for (const waiter of waiters) waiter.resolve(resolution);
  }
}

function lostTurnError(): AppError {
  return new AppError(
    "SERVICE_UNAVAILABLE",
    "the turn was lost before it ran (the database restarted); submit the request again",
    { details: { retry_after_seconds: 1 }, retryable: true },
  );
}
