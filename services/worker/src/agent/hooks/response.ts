import { hookReasonCodeSchema } from "@meerkat/shared/domain";
import { z } from "zod";

/**
 * A runtime's answer. `hook_id` in a deny is accepted and ignored: the entry's own id is what
 * events and errors report, so a hook cannot blame another one.
 */
const hookResponseSchema = z.object({
  decision: z
    .discriminatedUnion("decision", [
      z.object({ decision: z.literal("allow") }),
      z.object({
        decision: z.literal("deny"),
        reason_code: hookReasonCodeSchema,
        message: z.string().optional(),
        payload: z.unknown().optional(),
      }),
    ])
    .nullish(),
  patch: z.record(z.string(), z.unknown()).nullish(),
});
export type HookResponse = z.output<typeof hookResponseSchema>;

export type ParsedResponse = { ok: true; response: HookResponse } | { ok: false; error: string };

export function parseHookResponse(raw: unknown): ParsedResponse {
  const parsed = hookResponseSchema.safeParse(raw);
  if (parsed.success) return { ok: true, response: parsed.data };
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message,
  );
  return { ok: false, error: `invalid hook response: ${problems.join("; ")}` };
}
