import {
  hookEntryShapeSchema,
  type AgentEvent,
  type HookEntryConfig,
} from "@meerkat/shared/domain";
import { describe, expect, it } from "vitest";
import { foldHooks, type FoldInput } from "./fold.js";
import type { HookInvocation, HookInvoker } from "./invocation.js";
import type { HookPayload, HookPoint } from "./types.js";

/** A fake runtime: each hook id maps to what it answers (or how it fails). */
type Script = (invocation: HookInvocation, signal: AbortSignal) => unknown;

function entry(id: string, fields: Record<string, unknown> = {}): HookEntryConfig {
  return hookEntryShapeSchema.parse({ id, runtime: { type: "in_process", name: id }, ...fields });
}

function fold(
  point: HookPoint,
  payload: HookPayload,
  entries: HookEntryConfig[],
  scripts: Record<string, Script>,
  overrides: Partial<FoldInput> = {},
) {
  const events: AgentEvent[] = [];
  const calls: HookInvocation[] = [];
  const invoke: HookInvoker = async (hook, invocation, signal) => {
    calls.push(structuredClone(invocation));
    const script = scripts[hook.id];
    if (!script) throw new Error(`no script for ${hook.id}`);
    return await Promise.resolve(script(invocation, signal));
  };
  const result = foldHooks({
    point,
    payload,
    entries,
    invoke,
    ids: { sessionId: "s1", turnId: "t1" },
    limits: { defaultTimeoutMs: 1_000, payloadMaxBytes: 10_000 },
    signal: new AbortController().signal,
    emit: (event) => events.push(event),
    now: () => 0,
    ...overrides,
  });
  return { result, events, calls };
}

/** The `error` of a hook_failed event (the generic event type has no named fields). */
function errorOf(event: AgentEvent | undefined): string {
  return String((event as Record<string, unknown> | undefined)?.["error"]);
}

const allow: Script = () => ({ decision: { decision: "allow" } });
const never: Script = (_invocation, signal) =>
  new Promise((_, reject) => {
    signal.addEventListener("abort", () => {
      reject(new Error("stopped"));
    });
  });

describe("foldHooks", () => {
  it("runs hooks by priority, lower first, ties in list order, each with the invocation", async () => {
    const { result, calls, events } = fold(
      "turn_boundary",
      { step: 2 },
      [entry("c", { priority: 200 }), entry("a", { priority: -5 }), entry("b"), entry("b2")],
      { a: allow, b: allow, b2: allow, c: allow },
    );
    expect(await result).toEqual({ denied: false, payload: { step: 2 } });
    expect(calls.map((call) => call.hook_id)).toEqual(["a", "b", "b2", "c"]);
    expect(calls[0]).toEqual({
      hook_id: "a",
      point: "turn_boundary",
      session_id: "s1",
      turn_id: "t1",
      payload: { step: 2 },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: "hook_started", hook_id: "a", point: "turn_boundary" },
      { type: "hook_completed", hook_id: "a", point: "turn_boundary", duration_ms: 0 },
    ]);
  });

  it("a guardrail's deny short-circuits the rest and says who and why", async () => {
    const { result, calls, events } = fold(
      "run_started",
      { prompt: "hi" },
      [entry("guard", { capability: "guardrail", priority: 1 }), entry("later")],
      {
        guard: () => ({
          decision: {
            decision: "deny",
            reason_code: "safety_violation",
            message: "no",
            payload: { why: 1 },
            hook_id: "someone-else",
          },
        }),
        later: allow,
      },
    );
    expect(await result).toEqual({
      denied: true,
      hookId: "guard",
      reasonCode: "safety_violation",
      message: "no",
      payload: { why: 1 },
    });
    expect(calls.map((call) => call.hook_id)).toEqual(["guard"]);
    expect(events.at(-1)).toEqual({
      type: "hook_denied",
      hook_id: "guard",
      point: "run_started",
      reason_code: "safety_violation",
      message: "no",
      payload: { why: 1 },
    });
  });

  it("ignores an observer's decision and patch", async () => {
    const { result, calls } = fold(
      "post_llm_response",
      { text: "original" },
      [entry("watch"), entry("next")],
      {
        watch: () => ({
          decision: { decision: "deny", reason_code: "policy_violation", message: "x" },
          patch: { text: "changed" },
        }),
        next: allow,
      },
    );
    expect(await result).toEqual({ denied: false, payload: { text: "original" } });
    expect(calls).toHaveLength(2);
  });

  it("ignores a guardrail's patch", async () => {
    const { result } = fold(
      "post_llm_response",
      { text: "a" },
      [entry("g", { capability: "guardrail" })],
      {
        g: () => ({ patch: { text: "b" } }),
      },
    );
    expect(await result).toEqual({ denied: false, payload: { text: "a" } });
  });

  it("chains rewrites: each sees the previous one's output", async () => {
    const { result, calls } = fold(
      "post_llm_response",
      { step: 0, text: "hello", stop_reason: "end_turn" },
      [
        entry("second", { capability: "rewrite", priority: 2 }),
        entry("first", { capability: "rewrite", priority: 1 }),
      ],
      {
        first: (invocation) => ({ patch: { text: `${String(invocation.payload["text"])} world` } }),
        second: (invocation) => ({
          patch: { text: String(invocation.payload["text"]).toUpperCase() },
        }),
      },
    );
    expect(await result).toEqual({
      denied: false,
      payload: { step: 0, text: "HELLO WORLD", stop_reason: "end_turn" },
    });
    expect(calls[1]?.payload["text"]).toBe("hello world");
  });

  it("applies only well-typed rewritable fields and reports the rest with hook_failed", async () => {
    const { result, events } = fold(
      "pre_tool_execution",
      { tool: "t", call_id: "c", args: { a: 1 } },
      [entry("r", { capability: "rewrite" })],
      { r: () => ({ patch: { args: ["not", "an", "object"], tool: "other" } }) },
    );
    expect(await result).toEqual({
      denied: false,
      payload: { tool: "t", call_id: "c", args: { a: 1 } },
    });
    const failed = events.find((event) => event.type === "hook_failed");
    expect(errorOf(failed)).toContain("'args' must be an object");
    expect(errorOf(failed)).toContain("'tool' is not rewritable at pre_tool_execution");
  });

  it("rewrites tool args and post-tool results", async () => {
    const pre = fold(
      "pre_tool_execution",
      { tool: "t", args: { a: 1 } },
      [entry("r", { capability: "rewrite" })],
      {
        r: () => ({ patch: { args: { a: 2 } } }),
      },
    );
    expect(await pre.result).toEqual({ denied: false, payload: { tool: "t", args: { a: 2 } } });
    const post = fold(
      "post_tool_execution",
      { tool: "t", content: "secret", is_error: false },
      [entry("r", { capability: "rewrite" })],
      { r: () => ({ patch: { content: "[hidden]", is_error: true } }) },
    );
    expect(await post.result).toEqual({
      denied: false,
      payload: { tool: "t", content: "[hidden]", is_error: true },
    });
  });

  describe("failures", () => {
    const boom: Script = () => {
      throw new Error("boom");
    };

    it("fail_open (the default) continues after a hook_failed event", async () => {
      const { result, events, calls } = fold(
        "run_started",
        { prompt: "p" },
        [entry("broken", { capability: "guardrail", priority: 1 }), entry("next")],
        { broken: boom, next: allow },
      );
      expect(await result).toEqual({ denied: false, payload: { prompt: "p" } });
      expect(calls).toHaveLength(2);
      expect(events[1]).toEqual({
        type: "hook_failed",
        hook_id: "broken",
        point: "run_started",
        error: "boom",
      });
    });

    it("fail_closed on a guardrail denies with runtime_error", async () => {
      const { result, events } = fold(
        "run_started",
        { prompt: "p" },
        [entry("broken", { capability: "guardrail", failure_policy: "fail_closed" })],
        { broken: boom },
      );
      expect(await result).toMatchObject({
        denied: true,
        hookId: "broken",
        reasonCode: "runtime_error",
      });
      expect(events.map((event) => event.type)).toEqual([
        "hook_started",
        "hook_failed",
        "hook_denied",
      ]);
    });

    it("a timeout stops the hook; fail_closed denies with reason timeout", async () => {
      let aborted = false;
      const { result, events } = fold(
        "pre_llm_request",
        { system: null },
        [entry("slow", { capability: "rewrite", failure_policy: "fail_closed", timeout_ms: 20 })],
        {
          slow: (invocation, signal) => {
            signal.addEventListener("abort", () => {
              aborted = true;
            });
            return never(invocation, signal);
          },
        },
      );
      expect(await result).toMatchObject({ denied: true, reasonCode: "timeout" });
      expect(aborted).toBe(true);
      expect(events[1]).toMatchObject({ type: "hook_failed", error: "hook timed out after 20 ms" });
    });

    it("a timeout with fail_open continues", async () => {
      const { result } = fold(
        "pre_llm_request",
        { system: "s" },
        [entry("slow", { capability: "guardrail", timeout_ms: 20 })],
        { slow: never },
        { limits: { defaultTimeoutMs: 60_000, payloadMaxBytes: 10_000 } },
      );
      expect(await result).toEqual({ denied: false, payload: { system: "s" } });
    });

    it("uses the realm's default timeout when the entry sets none", async () => {
      const { result, events } = fold(
        "turn_boundary",
        {},
        [entry("slow")],
        { slow: never },
        {
          limits: { defaultTimeoutMs: 15, payloadMaxBytes: 10_000 },
        },
      );
      expect(await result).toEqual({ denied: false, payload: {} });
      expect(events[1]).toMatchObject({ type: "hook_failed", error: "hook timed out after 15 ms" });
    });

    it("fail_closed on an observer only reports", async () => {
      const { result } = fold(
        "turn_boundary",
        {},
        [entry("o", { failure_policy: "fail_closed" })],
        { o: boom },
      );
      expect(await result).toEqual({ denied: false, payload: {} });
    });

    it("an answer that is not a hook response is a failure", async () => {
      const { result, events } = fold(
        "run_started",
        { prompt: "p" },
        [entry("odd", { capability: "guardrail", failure_policy: "fail_closed" })],
        { odd: () => ({ decision: { decision: "deny", reason_code: "because" } }) },
      );
      expect(await result).toMatchObject({ denied: true, reasonCode: "runtime_error" });
      expect(errorOf(events[1])).toContain("invalid hook response");
    });
  });

  it("an abort of the run rejects and stops the hook", async () => {
    const controller = new AbortController();
    let hookSignal: AbortSignal | undefined;
    const { result, events } = fold(
      "turn_boundary",
      {},
      [entry("slow", { capability: "guardrail", failure_policy: "fail_closed" })],
      {
        slow: (invocation, signal) => {
          hookSignal = signal;
          return never(invocation, signal);
        },
      },
      { signal: controller.signal },
    );
    setTimeout(() => {
      controller.abort(new Error("interrupted"));
    }, 10);
    await expect(result).rejects.toThrow("interrupted");
    expect(hookSignal?.aborted).toBe(true);
    expect(events.map((event) => event.type)).toEqual(["hook_started"]);
  });

  describe("payload limit", () => {
    const big = { text: "x".repeat(5_000) };
    const limits = { defaultTimeoutMs: 1_000, payloadMaxBytes: 1_000 };

    it("observers get a trimmed payload, marked as such", async () => {
      const { result, calls } = fold(
        "post_llm_response",
        big,
        [entry("o")],
        { o: allow },
        { limits },
      );
      expect(await result).toEqual({ denied: false, payload: big });
      expect(calls[0]?.payload_truncated).toBe(true);
      expect(JSON.stringify(calls[0]?.payload).length).toBeLessThanOrEqual(1_000);
    });

    it("guardrails and rewrites are refused it: a failure, denied when fail_closed", async () => {
      const { result, calls, events } = fold(
        "post_llm_response",
        big,
        [entry("g", { capability: "guardrail", failure_policy: "fail_closed" })],
        { g: allow },
        { limits },
      );
      expect(await result).toMatchObject({ denied: true, reasonCode: "runtime_error" });
      expect(calls).toHaveLength(0);
      expect(errorOf(events[1])).toContain("exceeds hooks.payload_max_bytes (1000)");
    });
  });
});
