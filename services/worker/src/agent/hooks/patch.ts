import { z } from "zod";
import type { HookPayload, HookPoint } from "./types.js";

/** A rewritable field: what a patch may put there, and how to say what was expected. */
interface FieldRule {
  accepts: (value: unknown) => boolean;
  expected: string;
}

const contentInput = z.union([
  z.string(),
  z
    .array(
      z.union([
        z.object({ type: z.literal("text"), text: z.string() }),
        z.object({
          type: z.literal("image"),
          media_type: z.string().min(1),
          source: z.literal("inline"),
          data: z.string().min(1),
        }),
        z.object({
          type: z.literal("image"),
          media_type: z.string().min(1),
          source: z.literal("blob"),
          blob_id: z.string().min(1),
        }),
      ]),
    )
    .min(1),
]);

const text: FieldRule = { accepts: (value) => typeof value === "string", expected: "a string" };

/** The fields each point lets a rewrite hook replace (see HookRunner); nothing else is applied. */
export const REWRITABLE_FIELDS: Readonly<Record<HookPoint, Readonly<Record<string, FieldRule>>>> = {
  run_started: {
    prompt: {
      accepts: (value) => contentInput.safeParse(value).success,
      expected: "a string or a non-empty array of content blocks",
    },
  },
  pre_llm_request: { system: text },
  post_llm_response: { text },
  pre_tool_execution: {
    args: {
      accepts: (value) => typeof value === "object" && value !== null && !Array.isArray(value),
      expected: "an object",
    },
  },
  post_tool_execution: {
    content: text,
    is_error: { accepts: (value) => typeof value === "boolean", expected: "a boolean" },
  },
  run_completed: {},
  run_failed: {},
  turn_boundary: {},
};

export interface PatchOutcome {
  payload: HookPayload;
  /** One line per field that was not applied. */
  ignored: string[];
}

/** Applies the well-typed rewritable fields of `patch` to `payload`; reports the rest. */
export function applyPatch(
  point: HookPoint,
  payload: HookPayload,
  patch: Readonly<Record<string, unknown>>,
): PatchOutcome {
  const rules = REWRITABLE_FIELDS[point];
  const next: HookPayload = { ...payload };
  const ignored: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const rule = Object.hasOwn(rules, field) ? rules[field] : undefined;
    if (!rule) ignored.push(`'${field}' is not rewritable at ${point}`);
    else if (!rule.accepts(value)) ignored.push(`'${field}' must be ${rule.expected}`);
    else next[field] = value;
  }
  return { payload: next, ignored };
}
