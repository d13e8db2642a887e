import { parseRealmConfig, type AgentEvent } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import { describe, expect, it } from "vitest";
import type { RunContext } from "../run-context.js";
import { createHookRunnerFactory } from "./engine.js";
import type { HookInvoker } from "./invocation.js";
import { NO_HOOKS } from "./types.js";

interface Harness {
  run: RunContext;
  events: AgentEvent[];
  logged: { fields: unknown; msg: string }[];
  controller: AbortController;
}

/** Only what the engine reads of a run; no database, no provider. */
function harness(hooks: Record<string, unknown>, override: unknown = null): Harness {
  const events: AgentEvent[] = [];
  const logged: { fields: unknown; msg: string }[] = [];
  const log = (fields: unknown, msg: string) => logged.push({ fields, msg });
  const logger = { debug: log, info: log, warn: log, error: log } as unknown as Logger;
  const controller = new AbortController();
  const run = {
    logger,
    config: parseRealmConfig({ hooks }),
    session: { id: "s1", settings: { hooks_override: override } },
    turn: { id: "t1" },
    signal: controller.signal,
    emit: (event: AgentEvent) => events.push(event),
  } as unknown as RunContext;
  return { run, events, logged, controller };
}

const observer = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  point: "turn_boundary",
  runtime: { type: "command", command: `/hooks/${id}` },
  ...fields,
});

function recordingInvoker(
  calls: string[],
  answer: (id: string) => Promise<unknown> = () => Promise.resolve({}),
) {
  return (): HookInvoker => (entry) => {
    calls.push(entry.id);
    return answer(entry.id);
  };
}

describe("createHookRunnerFactory", () => {
  it("runs nothing when no hook is configured", () => {
    expect(createHookRunnerFactory()(harness({}).run)).toBe(NO_HOOKS);
  });

  it("runs the realm's entries minus the disabled ones plus the override's", async () => {
    const calls: string[] = [];
    const { run } = harness(
      { entries: [observer("a"), observer("b"), observer("off", { enabled: false })] },
      { disable: ["a"], entries: [observer("c", { priority: 1 })] },
    );
    const hooks = createHookRunnerFactory({ invoker: recordingInvoker(calls) })(run);
    await expect(hooks.run("turn_boundary", { step: 0 })).resolves.toEqual({
      denied: false,
      payload: { step: 0 },
    });
    expect(calls).toEqual(["c", "b"]);
    await hooks.run("run_started", { prompt: "x" });
    expect(calls).toHaveLength(2);
  });

  it("logs and leaves out stored entries that do not parse", async () => {
    const calls: string[] = [];
    const { run, logged } = harness({
      entries: [{ id: "bad", runtime: { type: "smoke" } }, observer("good")],
    });
    await createHookRunnerFactory({ invoker: recordingInvoker(calls) })(run).run(
      "turn_boundary",
      {},
    );
    expect(calls).toEqual(["good"]);
    expect(logged[0]?.msg).toBe("hook entry left out of the run");
  });

  it("reports an unknown builtin as a failed hook", async () => {
    const { run, events } = harness({
      entries: [
        {
          id: "ghost",
          point: "run_started",
          capability: "guardrail",
          runtime: { type: "in_process", name: "ghost" },
        },
      ],
    });
    const result = await createHookRunnerFactory()(run).run("run_started", { prompt: "p" });
    expect(result.denied).toBe(false);
    expect(events).toContainEqual({
      type: "hook_failed",
      hook_id: "ghost",
      point: "run_started",
      error: "unknown in_process hook 'ghost'",
    });
  });

  it("denies through a builtin guardrail", async () => {
    const { run, events } = harness(
      {},
      {
        entries: [
          {
            id: "stop",
            point: "run_started",
            capability: "guardrail",
            runtime: { type: "in_process", name: "deny_all" },
          },
        ],
      },
    );
    await expect(
      createHookRunnerFactory()(run).run("run_started", { prompt: "p" }),
    ).resolves.toMatchObject({
      denied: true,
      hookId: "stop",
      reasonCode: "policy_violation",
    });
    expect(events.map((event) => event.type)).toEqual([
      "hook_started",
      "hook_completed",
      "hook_denied",
    ]);
  });

  describe("background hooks", () => {
    it("do not hold the run, observe only, and are only logged once the run has ended", async () => {
      const calls: string[] = [];
      let release: (answer: unknown) => void = () => undefined;
      const pending = new Promise<unknown>((resolve) => {
        release = resolve;
      });
      const { run, events, logged } = harness({
        entries: [
          observer("bg", {
            point: "run_completed",
            mode: "background",
            capability: "guardrail",
          }),
        ],
      });
      const hooks = createHookRunnerFactory({ invoker: recordingInvoker(calls, () => pending) })(
        run,
      );
      await expect(hooks.run("run_completed", { session_id: "s1", text: "t" })).resolves.toEqual({
        denied: false,
        payload: { session_id: "s1", text: "t" },
      });
      expect(calls).toEqual(["bg"]);
      expect(events).toEqual([{ type: "hook_started", hook_id: "bg", point: "run_completed" }]);

      release({ decision: { decision: "deny", reason_code: "policy_violation", message: "late" } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toHaveLength(1);
      expect(logged.map((line) => line.msg)).toContain("background hook event after the run ended");
    });

    it("are bounded by hooks.background_max_concurrency", async () => {
      const calls: string[] = [];
      const { run, controller } = harness({
        background_max_concurrency: 1,
        entries: [observer("one", { mode: "background" }), observer("two", { mode: "background" })],
      });
      const hooks = createHookRunnerFactory({
        invoker: recordingInvoker(calls, () => new Promise(() => undefined)),
      })(run);
      await hooks.run("turn_boundary", { step: 0 });
      expect(calls).toEqual(["one"]);
      controller.abort();
    });
  });
});
