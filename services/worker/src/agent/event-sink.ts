import { appendEvents, type Db, type PendingEvent, type TurnFence } from "@meerkat/shared/db";
import { newId, type AgentEvent, type EventEnvelope } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import type { RealtimePublisher } from "@meerkat/shared/realtime";

export interface EventSinkOptions {
  db: Db;
  publisher: RealtimePublisher;
  logger: Logger;
  sessionId: string;
  realmId: string;
  /** The attempt's claim: every batch is written only while it holds. */
  fence: TurnFence;
  /** Buffered events are committed at least this often while a step streams. */
  flushIntervalMs: number;
  /** Called once when a write finds the lease gone (another worker owns the turn now). */
  onFenced: () => void;
}

/**
 * Buffers a turn's events and commits them in micro-batches (per step, and every
 * `flushIntervalMs` while tokens stream), fenced by the attempt's claim; each committed batch is
 * then published. Nothing is published before it is in Postgres, so whatever a client saw can
 * be replayed. Flushes are serialised to keep seq order.
 */
export class TurnEventSink {
  readonly #options: EventSinkOptions;
  #pending: PendingEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #fenced = false;

  constructor(options: EventSinkOptions) {
    this.#options = options;
  }

  get fenced(): boolean {
    return this.#fenced;
  }

  emit(payload: AgentEvent): void {
    if (this.#fenced) return;
    this.#pending.push({ eventId: newId(), payload, emittedAtMs: Date.now() });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.flushIntervalMs);
  }

  /** Commits what is buffered now (step boundaries call this). */
  flush(): Promise<void> {
    this.#clearTimer();
    // The batch is taken when its turn in the chain comes, so a failed write that puts its
    // events back is followed by them, in order, on the next flush.
    this.#chain = this.#chain.then(() => {
      const batch = this.#pending;
      this.#pending = [];
      return batch.length === 0 ? undefined : this.#write(batch);
    });
    return this.#chain;
  }

  /**
   * Waits for in-flight flushes and hands over the rest of the buffer, for the final commit
   * that writes them atomically with the turn's outcome.
   */
  async drainForCommit(): Promise<PendingEvent[]> {
    this.#clearTimer();
    await this.#chain;
    const rest = this.#pending;
    this.#pending = [];
    return coalesceDeltas(rest);
  }

  /** Discards everything buffered (the attempt lost its lease or is being abandoned). */
  discard(): void {
    this.#clearTimer();
    this.#pending = [];
  }

  async publishCommitted(envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    await this.#options.publisher
      .publish({
        session_id: this.#options.sessionId,
        turn_id: this.#options.fence.turnId,
        events: envelopes,
      })
      .catch((err: unknown) => {
        this.#options.logger.warn(
          { err },
          "event publish failed; subscribers will resync from Postgres",
        );
      });
  }

  async #write(batch: PendingEvent[]): Promise<void> {
    if (this.#fenced) return;
    const { db, sessionId, realmId, fence } = this.#options;
    try {
      const envelopes = await appendEvents(db, {
        sessionId,
        realmId,
        turnId: fence.turnId,
        events: coalesceDeltas(batch),
        fence,
      });
      if (envelopes === null) {
        this.#markFenced();
        return;
      }
      await this.publishCommitted(envelopes);
    } catch (err) {
      // A failed flush is retried with the final commit (the events go back in front).
      this.#options.logger.warn({ err }, "event flush failed; will retry with the next commit");
      this.#pending = [...batch, ...this.#pending];
    }
  }

  #markFenced(): void {
    if (this.#fenced) return;
    this.#fenced = true;
    this.discard();
    this.#options.onFenced();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Consecutive text (or reasoning) deltas of one batch become one event with their text joined:
 * a client that concatenates deltas sees the same text, and a fast stream writes a few rows
 * instead of one per token.
 */
export function coalesceDeltas(events: readonly PendingEvent[]): PendingEvent[] {
  const out: PendingEvent[] = [];
  for (const event of events) {
    const last = out.at(-1);
    const type = event.payload.type;
    if (
      last &&
      (type === "text_delta" || type === "reasoning_delta") &&
      last.payload.type === type
    ) {
      const joined = `${(last.payload as { delta: string }).delta}${(event.payload as { delta: string }).delta}`;
      out[out.length - 1] = { ...last, payload: { type, delta: joined } };
    } else {
      out.push(event);
    }
  }
  return out;
}
