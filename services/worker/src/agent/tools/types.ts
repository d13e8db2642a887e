import { isAppError } from "@meerkat/shared/errors";
import type { JsonObject } from "@meerkat/shared/llm";
import type { RunContext } from "../run-context.js";

export interface ToolOutput {
  /** What the model sees (text; JSON results are stringified). */
  content: string;
  isError?: boolean | undefined;
}

/** What a tool may use while it runs. `signal` aborts on timeout, interrupt or shutdown. */
export interface ToolCallContext {
  run: RunContext;
  signal: AbortSignal;
  callId: string;
}

export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (type "object"); arguments are validated before execute. */
  inputSchema: JsonObject;
  /** Overrides the config's default tool timeout (ms). */
  timeoutMs?: number | undefined;
  /**
   * A per-call timeout (ms) derived from the arguments (e.g. the shell's timeout_secs plus a
   * grace period), used instead of the config's when it is longer.
   */
  timeoutMsFor?:
    ((args: Record<string, unknown>, run: RunContext) => number | undefined) | undefined;
  execute(args: Record<string, unknown>, context: ToolCallContext): Promise<ToolOutput>;
}

/**
 * The extension point: a family of tools, switched on per session. Later features (schedules,
 * comms) add a source to `createToolSources()`; nothing else in the loop changes.
 */
export interface ToolSource {
  name: string;
  enabled(run: RunContext): boolean;
  tools(run: RunContext): Tool[] | Promise<Tool[]>;
}

/** A tool's error result, as the model sees it. */
export function toolError(message: string): ToolOutput {
  return { content: message, isError: true };
}

/** A JSON result, as the model sees it. */
export function toolJson(value: unknown): ToolOutput {
  return { content: JSON.stringify(value) };
}

/**
 * Runs a tool body that calls a service of the product: the service's refusals (an AppError:
 * invalid input, not found, a full inbox) are answers the model can act on, so they become an
 * error result; anything else fails the call through dispatch.
 */
export async function serviceResult(call: () => Promise<unknown>): Promise<ToolOutput> {
  try {
    return toolJson(await call());
  } catch (error) {
    if (isAppError(error)) return toolError(error.message);
    throw error;
  }
}
