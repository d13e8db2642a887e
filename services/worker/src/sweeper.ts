import { findUnwokenSessions, takeStrandedTurns, type Db } from "@meerkat/shared/db";
import type { Logger } from "@meerkat/shared/observability";
import { turnJobId, type Producer } from "@meerkat/shared/queues";

export interface SweeperOptions {
  db: Db;
  producer: Producer;
  logger: Logger;
  intervalMs: number;
  queuedGraceMs: number;
  /** Starts an inbox turn for a session with pending inputs. */
  wake: (sessionId: string) => Promise<boolean>;
}

/**
 * Finds turns that no job will ever run (their worker died, or Redis lost their job) and
 * enqueues them again under a fresh deterministic job id. Postgres decides what is stranded, so
 * a Redis restart delays work but never loses it.
 */
export class Sweeper {
  readonly #options: SweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(options: SweeperOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#inFlight = this.sweep();
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#inFlight;
  }

  async #jobPending(turn: { id: string; recovery: number }): Promise<boolean> {
    const { producer } = this.#options;
    // The first job, and the previous recovery's.
    const ids = [
      turnJobId(turn.id),
      ...(turn.recovery > 1 ? [turnJobId(turn.id, turn.recovery - 1)] : []),
    ];
    for (const id of ids) if (await producer.isPending("agent-turn", id)) return true;
    return false;
  }

  async sweep(): Promise<void> {
    const { db, producer, logger, queuedGraceMs } = this.#options;
    try {
      const stranded = await takeStrandedTurns(db, { queuedGraceMs, limit: 100 });
      for (const turn of stranded) {
        // A queued turn whose job is still in the queue is only waiting in a backlog.
        if (turn.status === "queued" && (await this.#jobPending(turn))) continue;
        await producer.enqueue(
          "agent-turn",
          { turnId: turn.id },
          turnJobId(turn.id, turn.recovery),
        );
        logger.info(
          { turnId: turn.id, status: turn.status, recovery: turn.recovery },
          "stranded turn re-enqueued",
        );
      }
      // Inputs whose wake was lost (e.g. Postgres failed between admission and the wake).
      for (const sessionId of await findUnwokenSessions(db, {
        graceMs: queuedGraceMs,
        limit: 100,
      })) {
        if (await this.#options.wake(sessionId)) {
          logger.info({ sessionId }, "session with pending inputs woken");
        }
      }
    } catch (err) {
      logger.warn({ err }, "sweep failed; will retry");
    }
  }
}
