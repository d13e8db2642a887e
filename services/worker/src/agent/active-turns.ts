import { TurnAbort, type AbortCause } from "./turn-lease.js";

/** The turns this worker process is running, so a stop message or shutdown can abort them. */
export class ActiveTurns {
  readonly #controllers = new Map<string, AbortController>();

  add(turnId: string, controller: AbortController): void {
    this.#controllers.set(turnId, controller);
  }

  delete(turnId: string): void {
    this.#controllers.delete(turnId);
  }

  get size(): number {
    return this.#controllers.size;
  }

  /** Aborts one turn if it runs here; returns whether it did. */
  stop(turnId: string, cause: AbortCause): boolean {
    const controller = this.#controllers.get(turnId);
    if (!controller) return false;
    if (!controller.signal.aborted) controller.abort(new TurnAbort(cause));
    return true;
  }

  stopAll(cause: AbortCause): number {
    for (const controller of this.#controllers.values()) {
      if (!controller.signal.aborted) controller.abort(new TurnAbort(cause));
    }
    return this.#controllers.size;
  }

  /** Resolves when no turn is running or the timeout passes. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#controllers.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.#controllers.size === 0;
  }
}
