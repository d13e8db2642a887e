/**
 * The hook engine (contract §3.8). A run's hooks are the realm's `hooks.entries` minus the
 * session's `hooks_override.disable`, plus `hooks_override.entries` (see resolveEffectiveHooks);
 * entries that do not parse are logged and left out. Each point's foreground hooks run in
 * priority order (fold.ts), background ones in a worker-wide pool (run-hooks.ts), and every
 * runtime gets the same invocation JSON (runtimes/).
 *
 * Deliberate difference from the reference, where `failure_policy` is accepted but inert: here a
 * guardrail or rewrite hook with `failure_policy: "fail_closed"` that fails or times out denies
 * the operation (reason_code `runtime_error` / `timeout`), as the name promises. fail_open, the
 * default, lets the run continue after a `hook_failed` event.
 */
import { resolveEffectiveHooks, type HookPointName } from "@meerkat/shared/domain";
import { providerFetch, type FetchFunction } from "@meerkat/shared/llm";
import type { RunContext } from "../run-context.js";
import { BoundedPool } from "./bounded-pool.js";
import type { HookInvoker } from "./invocation.js";
import { RunHooks } from "./run-hooks.js";
import { minimalEnv } from "./runtimes/command.js";
import { createInvoker } from "./runtimes/invoker.js";
import { NO_HOOKS, type HookPoint, type HookRunner } from "./types.js";

// The domain schema and the loop must name the same points; this stops compiling otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type _PointsAgree = Same<HookPoint, HookPointName> extends true ? true : never;
const _pointsAgree: _PointsAgree = true;

export interface HookEngineOptions {
  /** Replaces the runtimes (tests, embedding). */
  invoker?: (run: RunContext) => HookInvoker;
  /** The environment command hooks start from; defaults to this process's PATH, HOME, LANG. */
  baseEnv?: Record<string, string>;
  /**
   * The transport of http hooks; defaults to the provider calls' (`providerFetch`), so hooks go
   * through the same egress proxy, trusted CAs and idle timeout.
   */
  fetch?: FetchFunction;
  now?: () => number;
  /**
   * Hook runtimes this deployment allows (MEERKAT_HOOK_RUNTIMES). A command hook runs a program
   * on the worker and an http hook makes it call a URL, so both must be opted into; entries of
   * other runtimes are left out of the run (the API refuses them up front).
   */
  allowedRuntimes?: readonly string[];
}

/** Builds the hook runner of one run from the realm config and the session's hooks_override. */
export function createHookRunnerFactory(
  options: HookEngineOptions = {},
): (run: RunContext) => HookRunner {
  const pool = new BoundedPool();
  const baseEnv = options.baseEnv ?? minimalEnv(process.env);
  const transport = options.fetch ?? providerFetch;
  const invokerFor =
    options.invoker ??
    ((run: RunContext) => createInvoker({ baseEnv, fetch: transport, logger: run.logger }));
  const now = options.now ?? (() => performance.now());
  return (run) => {
    const { entries, issues } = resolveEffectiveHooks(
      run.config.hooks.entries,
      run.session.settings.hooks_override,
    );
    for (const issue of issues) {
      run.logger.warn({ hookIssue: issue }, "hook entry left out of the run");
    }
    const allowed = new Set(options.allowedRuntimes ?? ["in_process", "command", "http"]);
    const enabled = entries.filter((entry) => {
      if (!entry.enabled) return false;
      if (allowed.has(entry.runtime.type)) return true;
      run.logger.warn(
        { hookId: entry.id, runtime: entry.runtime.type },
        "hook left out: its runtime is not allowed in this deployment",
      );
      return false;
    });
    if (enabled.length === 0) return NO_HOOKS;
    return new RunHooks({ run, entries: enabled, invoke: invokerFor(run), pool, now });
  };
}
