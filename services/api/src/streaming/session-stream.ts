import { eventBounds, listEventsAfter, type Db } from "@meerkat/shared/db";
import type { EventEnvelope } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import type { RealtimeHub, SessionEventBatch } from "@meerkat/shared/realtime";
import { controlFrame, eventFrame, HEARTBEAT_FRAME } from "./sse.js";

const PAGE = 500;
const SUBSCRIBE_WAIT_MS = 2_000;

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export interface SessionStreamOptions {
  db: Db;
  hub: RealtimeHub;
  logger: Logger;
  sessionId: string;
  messageCount: number;
  /** Resume after this seq (Last-Event-ID / ?after=); undefined: live events from now on. */
  after: number | undefined;
  heartbeatMs: number;
  /** Writes a frame; returns false when the client is too far behind (the stream then ends). */
  write: (frame: string) => boolean;
  end: () => void;
}

/**
 * One client's event stream of one session: every stored event after its cursor exactly once,
 * in seq order. It subscribes first, then replays from Postgres, then follows pub/sub; a seq gap
 * in the live feed, a subscriber reconnect (Redis restart) or a heartbeat triggers a catch-up
 * read from Postgres, so nothing published while Redis was away is lost. Work is serialised on
 * one queue, so replay and live delivery never interleave.
 */
export class SessionStream {
  readonly #options: SessionStreamOptions;
  #last = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #cleanups: (() => void)[] = [];

  constructor(options: SessionStreamOptions) {
    this.#options = options;
  }

  get lastSeq(): number {
    return this.#last;
  }

  async start(): Promise<void> {
    const { hub, sessionId, heartbeatMs } = this.#options;
    // The listener is registered at once; waiting (briefly) for Redis to confirm the
    // subscription means events committed after the replay below arrive live. If Redis is
    // away, the stream still serves from Postgres and catches up on every heartbeat.
    const subscribed = hub.subscribeSession(sessionId, (batch) => {
      this.#enqueue(() => this.#onLive(batch));
    });
    subscribed.then(
      (unsubscribe) => {
        if (this.#closed) unsubscribe();
        else this.#cleanups.push(unsubscribe);
      },
      (err: unknown) => {
        this.#options.logger.warn(
          { err, sessionId },
          "sse subscribe failed; serving from Postgres",
        );
      },
    );
    // Opening is the first task on the queue: live batches that arrive while it waits for the
    // subscription (and replays) queue up behind it and are then filtered by seq.
    this.#enqueue(async () => {
      await Promise.race([subscribed.catch(() => undefined), delay(SUBSCRIBE_WAIT_MS)]);
      await this.#open();
    });
    this.#cleanups.push(
      hub.onResync(() => {
        this.#enqueue(() => this.#catchUp());
      }),
    );
    const timer = setInterval(() => {
      if (!this.#send(HEARTBEAT_FRAME)) return;
      this.#enqueue(() => this.#catchUp());
    }, heartbeatMs);
    timer.unref();
    this.#cleanups.push(() => {
      clearInterval(timer);
    });
    await this.#queue;
  }

  /** Ends the stream from the server side (shutdown): a final `done`, then close. */
  finish(): void {
    if (this.#closed) return;
    this.#options.write(`retry: 1000\n${controlFrame("done", {})}`);
    this.close();
    this.#options.end();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cleanup of this.#cleanups) cleanup();
    this.#cleanups = [];
  }

  async #open(): Promise<void> {
    const { db, sessionId, after, messageCount } = this.#options;
    const bounds = (await eventBounds(db, sessionId)) ?? { lastSeq: 0, prunedThrough: 0 };
    this.#send(
      controlFrame("session_loaded", {
        session_id: sessionId,
        message_count: messageCount,
        last_seq: bounds.lastSeq,
      }),
    );
    if (after === undefined) {
      this.#last = bounds.lastSeq;
      return;
    }
    if (after < bounds.prunedThrough || after > bounds.lastSeq) {
      // The cursor is older than retention (or ahead of what exists): the client must reconcile
      // from history; the stream continues from the oldest event still stored.
      this.#send(
        controlFrame("resync_required", {
          session_id: sessionId,
          requested_after: after,
          earliest_available_seq: bounds.prunedThrough + 1,
          last_seq: bounds.lastSeq,
          reason: after > bounds.lastSeq ? "cursor_ahead" : "cursor_expired",
        }),
      );
      this.#last = after > bounds.lastSeq ? bounds.lastSeq : bounds.prunedThrough;
    } else {
      this.#last = after;
    }
    await this.#catchUp();
  }

  async #onLive(batch: SessionEventBatch): Promise<void> {
    for (const envelope of batch.events) {
      if (envelope.seq <= this.#last) continue;
      if (envelope.seq > this.#last + 1) {
        await this.#catchUp();
        if (envelope.seq <= this.#last) continue;
      }
      if (!this.#deliver(envelope)) return;
    }
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const page = await listEventsAfter(
        this.#options.db,
        this.#options.sessionId,
        this.#last,
        PAGE,
      );
      for (const envelope of page) if (!this.#deliver(envelope)) return;
      if (page.length < PAGE) return;
    }
  }

  #deliver(envelope: EventEnvelope): boolean {
    if (!this.#send(eventFrame(envelope))) return false;
    this.#last = envelope.seq;
    return true;
  }

  #send(frame: string): boolean {
    if (this.#closed) return false;
    if (this.#options.write(frame)) return true;
    this.#options.logger.info(
      { sessionId: this.#options.sessionId },
      "sse client too slow; closing stream",
    );
    this.close();
    this.#options.end();
    return false;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue
      .then(async () => {
        if (!this.#closed) await task();
      })
      .catch((err: unknown) => {
        // A failed read is retried on the next heartbeat or live event.
        this.#options.logger.warn(
          { err, sessionId: this.#options.sessionId },
          "sse catch-up failed",
        );
      });
  }
}
