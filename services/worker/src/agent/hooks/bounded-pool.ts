/**
 * Runs fire-and-forget tasks with a concurrency limit and a bounded backlog. Background hooks
 * use one pool per worker: the realm's `hooks.background_max_concurrency` caps how many run at
 * once, and a full backlog drops new tasks instead of growing without bound.
 */
export class BoundedPool {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #maxWaiting: number;

  constructor(maxWaiting = 1_000) {
    this.#maxWaiting = maxWaiting;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Starts `task` now (synchronously) when fewer than `limit` run, else queues it; false = dropped. */
  submit(limit: number, task: () => Promise<void>): boolean {
    if (this.#active < Math.max(1, limit)) {
      this.#start(task);
      return true;
    }
    if (this.#waiting.length >= this.#maxWaiting) return false;
    this.#waiting.push(() => {
      this.#start(task);
    });
    return true;
  }

  #start(task: () => Promise<void>): void {
    this.#active += 1;
    const done = () => {
      this.#active -= 1;
      this.#waiting.shift()?.();
    };
    let running: Promise<void>;
    try {
      running = task();
    } catch {
      running = Promise.resolve();
    }
    void running.catch(() => undefined).finally(done);
  }
}
