import type { AgentEvent, HookEntryConfig } from "@meerkat/shared/domain";
import type { RunContext } from "../run-context.js";
import type { BoundedPool } from "./bounded-pool.js";
import { foldHooks, type FoldInput } from "./fold.js";
import type { HookInvoker } from "./invocation.js";
import type { HookPayload, HookPoint, HookResult, HookRunner } from "./types.js";

export interface RunHooksDeps {
  run: RunContext;
  /** The run's enabled effective entries. */
  entries: readonly HookEntryConfig[];
  invoke: HookInvoker;
  /** Shared by every run of the worker. */
  pool: BoundedPool;
  now: () => number;
}

/**
 * The hooks of one run. Foreground hooks are folded in priority order and the run waits for
 * them; background hooks are handed to the worker's pool and only observe, seeing the payload
 * the run goes on with.
 */
export class RunHooks implements HookRunner {
  readonly #deps: RunHooksDeps;
  /**
   * Whether a background hook may still emit. Once the run's last point has passed, its events
   * could no longer be committed with the turn (the fenced write would be refused), so a
   * background hook that finishes later is only logged.
   */
  #open = true;

  constructor(deps: RunHooksDeps) {
    this.#deps = deps;
  }

  async run(point: HookPoint, payload: HookPayload): Promise<HookResult> {
    const here = this.#deps.entries.filter((entry) => entry.point === point);
    if (here.length === 0) return { denied: false, payload };
    const foreground = here.filter((entry) => entry.mode === "foreground");
    const result: HookResult =
      foreground.length === 0
        ? { denied: false, payload }
        : await foldHooks(this.#foldInput(point, payload, foreground, this.#deps.run.emit));
    const observed = result.denied ? payload : result.payload;
    for (const entry of here) {
      if (entry.mode === "background") this.#launch(entry, point, observed);
    }
    if (point === "run_failed" || (point === "run_completed" && !result.denied)) {
      this.#open = false;
    }
    return result;
  }

  #foldInput(
    point: HookPoint,
    payload: HookPayload,
    entries: readonly HookEntryConfig[],
    emit: (event: AgentEvent) => void,
  ): FoldInput {
    const { run, invoke, now } = this.#deps;
    return {
      point,
      payload,
      entries,
      invoke,
      ids: { sessionId: run.session.id, turnId: run.turn.id },
      limits: {
        defaultTimeoutMs: run.config.hooks.default_timeout_ms,
        payloadMaxBytes: run.config.hooks.payload_max_bytes,
      },
      signal: run.signal,
      emit,
      now,
    };
  }

  #launch(entry: HookEntryConfig, point: HookPoint, payload: HookPayload): void {
    const { run, pool } = this.#deps;
    if (run.signal.aborted) return;
    const emit = (event: AgentEvent) => {
      if (this.#open && !run.signal.aborted) run.emit(event);
      else run.logger.info({ hookEvent: event }, "background hook event after the run ended");
    };
    // Nothing waits for a background hook's decision, so it is folded as an observer.
    const observer: HookEntryConfig = { ...entry, capability: "observe" };
    const accepted = pool.submit(run.config.hooks.background_max_concurrency, async () => {
      await foldHooks(this.#foldInput(point, payload, [observer], emit)).catch((error: unknown) => {
        run.logger.debug({ err: error, hookId: entry.id }, "background hook stopped by abort");
      });
    });
    if (!accepted) {
      emit({
        type: "hook_failed",
        hook_id: entry.id,
        point,
        error: "background hook dropped: too many background hooks waiting",
      });
    }
  }
}
