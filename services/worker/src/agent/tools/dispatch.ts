import { saveToolCallResult, type ToolCallRecord } from "@meerkat/shared/db";
import { parseDurationMs } from "@meerkat/shared/domain";
import { describeError } from "@meerkat/shared/errors";
import { validateAgainst } from "@meerkat/shared/json-schema";
import type { LlmToolCall, LlmToolResult } from "@meerkat/shared/llm";
import { runHookOrThrow, type HookRunner } from "../hooks/types.js";
import type { RunContext } from "../run-context.js";
import { TurnAbort } from "../turn-lease.js";
import type { ToolSet } from "./registry.js";
import type { ToolOutput } from "./types.js";
import { storableText } from "../storable.js";

const MAX_RESULT_CHARS = 100_000;

export interface DispatchInput {
  run: RunContext;
  tools: ToolSet;
  hooks: HookRunner;
  step: number;
  calls: readonly LlmToolCall[];
  /** Results an earlier attempt of this turn already recorded, by call id. */
  recorded: ReadonlyMap<string, ToolCallRecord>;
}

export interface DispatchResult {
  results: LlmToolResult[];
  /** Calls actually executed now (recorded ones are reused, not counted again). */
  executed: number;
}

class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = Math.max(1, size);
  }
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return () => {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    };
  }
}

function truncate(content: string): string {
  return content.length <= MAX_RESULT_CHARS
    ? content
    : `${content.slice(0, MAX_RESULT_CHARS)}\n[output truncated: ${content.length - MAX_RESULT_CHARS} more characters]`;
}

function timeoutFor(run: RunContext, name: string, own: number | undefined): number {
  const perTool = run.config.tools.tool_timeouts[name];
  const configured = perTool === undefined ? undefined : parseDurationMs(perTool);
  return configured ?? own ?? parseDurationMs(run.config.tools.default_timeout) ?? 600_000;
}

/**
 * Runs one step's tool calls in parallel (bounded by tools.max_concurrent) and returns their
 * results in call order. A failing, unknown or timed-out tool becomes an error result the
 * model sees; only a hook denial or an abort ends the run. Each result is recorded (fenced)
 * as soon as it exists, so a re-run after a crash reuses it instead of running the tool again.
 */
export async function dispatchToolCalls(input: DispatchInput): Promise<DispatchResult> {
  const { run, calls } = input;
  const semaphore = new Semaphore(run.config.tools.max_concurrent);
  for (const call of calls)
    run.emit({ type: "tool_call_requested", id: call.id, name: call.name, args: call.args });

  let executed = 0;
  const outputs = await Promise.all(
    calls.map(async (call) => {
      const recorded = input.recorded.get(call.id);
      if (recorded)
        return {
          call,
          output: { content: recorded.content, isError: recorded.isError },
          durationMs: recorded.durationMs,
        };
      const release = await semaphore.acquire();
      try {
        run.signal.throwIfAborted();
        const started = Date.now();
        run.emit({ type: "tool_execution_started", id: call.id, name: call.name });
        const output = await executeOne(input, call);
        const durationMs = Date.now() - started;
        executed += 1;
        const held = await saveToolCallResult(
          run.db,
          { ...run.fence, realmId: run.session.realmId },
          {
            callId: call.id,
            step: input.step,
            name: call.name,
            args: call.args,
            content: output.content,
            isError: output.isError ?? false,
            durationMs,
          },
        );
        if (!held) throw new TurnAbort("fenced");
        return { call, output, durationMs };
      } finally {
        release();
      }
    }),
  );

  // Completion events in call order, as the contract describes.
  for (const { call, output, durationMs } of outputs) {
    const isError = output.isError ?? false;
    run.emit({
      type: "tool_execution_completed",
      id: call.id,
      name: call.name,
      result: output.content,
      is_error: isError,
      duration_ms: durationMs,
    });
    run.emit({ type: "tool_result_received", id: call.id, name: call.name, is_error: isError });
  }
  return {
    executed,
    results: outputs.map(({ call, output }) => ({
      toolCallId: call.id,
      name: call.name,
      content: output.content,
      isError: output.isError ?? false,
    })),
  };
}

async function executeOne(input: DispatchInput, call: LlmToolCall): Promise<ToolOutput> {
  const { run, tools, hooks } = input;
  const tool = tools.get(call.name);
  if (!tool) {
    return {
      content: `Unknown tool '${call.name}'. Available tools: ${tools.names().join(", ") || "none"}.`,
      isError: true,
    };
  }
  const pre = await runHookOrThrow(hooks, "pre_tool_execution", {
    tool: call.name,
    call_id: call.id,
    args: call.args,
  });
  const args = (pre["args"] as Record<string, unknown> | undefined) ?? call.args;
  const check = validateAgainst(tool.inputSchema, args);
  if (!check.ok) {
    return {
      content: `Invalid arguments for ${call.name}: ${check.errors.join("; ")}`,
      isError: true,
    };
  }

  // An operator's per-tool timeout wins; then the call's own (e.g. the shell's timeout_secs).
  const timeoutMs = timeoutFor(run, call.name, tool.timeoutMsFor?.(args, run) ?? tool.timeoutMs);
  const controller = new AbortController();
  const onAbort = () => {
    controller.abort(run.signal.reason);
  };
  run.signal.addEventListener("abort", onAbort, { once: true });
  const timing = { timedOut: false };
  const timer = setTimeout(() => {
    timing.timedOut = true;
    controller.abort(new Error(`tool timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  let output: ToolOutput;
  try {
    const running = tool.execute(args, { run, signal: controller.signal, callId: call.id });
    // A tool that ignores its signal may settle after the race is decided; never let that
    // become an unhandled rejection.
    running.catch(() => undefined);
    output = await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        controller.signal.addEventListener(
          "abort",
          () => {
            reject(
              controller.signal.reason instanceof Error
                ? controller.signal.reason
                : new Error("aborted"),
            );
          },
          { once: true },
        );
      }),
    ]);
  } catch (error) {
    if (run.signal.aborted) throw run.signal.reason instanceof Error ? run.signal.reason : error;
    if (timing.timedOut) {
      run.emit({
        type: "tool_execution_timed_out",
        id: call.id,
        name: call.name,
        timeout_ms: timeoutMs,
      });
      output = { content: `Tool ${call.name} timed out after ${timeoutMs} ms`, isError: true };
    } else {
      output = { content: `Tool ${call.name} failed: ${describeError(error)}`, isError: true };
    }
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener("abort", onAbort);
  }
  const post = await runHookOrThrow(hooks, "post_tool_execution", {
    tool: call.name,
    call_id: call.id,
    content: output.content,
    is_error: output.isError ?? false,
  });
  return {
    content: storableText(
      truncate(typeof post["content"] === "string" ? post["content"] : output.content),
    ),
    isError: typeof post["is_error"] === "boolean" ? post["is_error"] : (output.isError ?? false),
  };
}
