import type { Logger } from "@meerkat/shared/observability";

/** A tick may answer how soon (ms) it wants to run again; never later than the interval. */
export type Tick = (signal: AbortSignal) => Promise<number | undefined>;

/**
 * Runs `tick` every `intervalMs` (with up to 10% jitter so replicas drift apart), or sooner when
 * the tick asks for it, never two at a time. `stop()` prevents new ticks and waits for the one
 * in flight.
 */
export class TickLoop {
  readonly #tick: Tick;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #ticks = 0;

  constructor(tick: Tick, intervalMs: number, logger: Logger) {
    this.#tick = tick;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  get ticks(): number {
    return this.#ticks;
  }

  start(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #schedule(soonerMs?: number): void {
    if (this.#controller.signal.aborted) return;
    const jitter = Math.floor(Math.random() * this.#intervalMs * 0.1);
    const delay =
      soonerMs !== undefined && soonerMs < this.#intervalMs
        ? Math.max(1, Math.ceil(soonerMs))
        : this.#intervalMs + jitter;
    this.#timer = setTimeout(() => {
      let next: number | undefined;
      this.#inFlight = this.#run()
        .then((value) => {
          next = value;
        })
        .finally(() => {
          this.#schedule(next);
        });
    }, delay);
  }

  async #run(): Promise<number | undefined> {
    this.#ticks += 1;
    try {
      const next = await this.#tick(this.#controller.signal);
      return typeof next === "number" && Number.isFinite(next) ? next : undefined;
    } catch (err) {
      this.#logger.error({ err }, "scheduler tick failed");
      return undefined;
    }
  }
}
