import type { BuiltinHookName, builtinHookConfigSchemas } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import type { z } from "zod";
import type { HookInvocation } from "./invocation.js";
import type { HookResponse } from "./response.js";
import type { HookPoint } from "./types.js";

type ConfigOf<N extends BuiltinHookName> = z.output<(typeof builtinHookConfigSchemas)[N]>;

type Builtin<N extends BuiltinHookName> = (
  config: ConfigOf<N>,
  invocation: HookInvocation,
  logger: Logger,
) => HookResponse;

/** The string field redact_text rewrites at each point (where there is one). */
const TEXT_FIELD: Partial<Record<HookPoint, string>> = {
  run_started: "prompt",
  pre_llm_request: "system",
  post_llm_response: "text",
  post_tool_execution: "content",
};

function redactIn(value: unknown, pattern: RegExp, replacement: string): unknown {
  if (typeof value === "string") return value.replace(pattern, () => replacement);
  // A prompt may be content blocks: redact the text ones, keep images as they are.
  if (Array.isArray(value)) {
    return value.map((block: unknown) =>
      typeof block === "object" &&
      block !== null &&
      "text" in block &&
      typeof block.text === "string"
        ? { ...block, text: block.text.replace(pattern, () => replacement) }
        : block,
    );
  }
  return value;
}

/**
 * The in-process hooks operators can use without writing a program. Each is a pure function of
 * its validated config and the invocation (log writes a line), so they are cheap and testable.
 */
export const BUILTIN_HOOKS: { [N in BuiltinHookName]: Builtin<N> } = {
  deny_all: (config, invocation) => ({
    decision: {
      decision: "deny",
      reason_code: config.reason_code,
      message: config.message ?? `hook '${invocation.hook_id}' denies ${invocation.point}`,
    },
  }),

  deny_tools: (config, invocation) => {
    const { tool, args } = invocation.payload;
    if (typeof tool !== "string") return {};
    if (config.tools && !config.tools.includes(tool)) return {};
    if (config.args_pattern !== undefined) {
      const pattern = new RegExp(config.args_pattern, config.ignore_case ? "iu" : "u");
      if (!pattern.test(JSON.stringify(args ?? {}))) return {};
    }
    return {
      decision: {
        decision: "deny",
        reason_code: config.reason_code,
        message: config.message ?? `tool '${tool}' is not allowed here`,
      },
    };
  },

  redact_text: (config, invocation) => {
    const field = TEXT_FIELD[invocation.point];
    if (field === undefined) return {};
    const before = invocation.payload[field];
    const source = config.patterns.map((pattern) => `(?:${pattern})`).join("|");
    const pattern = new RegExp(source, config.ignore_case ? "giu" : "gu");
    const after = redactIn(before, pattern, config.replacement);
    return JSON.stringify(after) === JSON.stringify(before) ? {} : { patch: { [field]: after } };
  },

  log: (config, invocation, logger) => {
    logger[config.level](
      {
        hookId: invocation.hook_id,
        point: invocation.point,
        sessionId: invocation.session_id,
        turnId: invocation.turn_id,
        payloadKeys: Object.keys(invocation.payload),
      },
      "hook invoked",
    );
    return {};
  },
};
