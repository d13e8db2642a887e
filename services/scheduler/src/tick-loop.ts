import type { Logger } from "@meerkat/shared/observability";

export type Tick = (signal: AbortSignal) => Promise<void>;

/**
 * Runs `tick` every `intervalMs` (with up to 10% jitter so replicas drift apart), never two at a
 * time. `stop()` prevents new ticks and waits for the one in flight.
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

  #schedule(): void {
    if (this.#controller.signal.aborted) return;
    const jitter = Math.floor(Math.random() * this.#intervalMs * 0.1);
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#run().finally(() => {
        this.#schedule();
      });
    }, this.#intervalMs + jitter);
  }

  async #run(): Promise<void> {
    this.#ticks += 1;
    try {
      await this.#tick(this.#controller.signal);
    } catch (err) {
      this.#logger.error({ err }, "scheduler tick failed");
    }
  }
}
