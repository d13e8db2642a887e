/**
 * Schemas of GET/PUT/PATCH /config. Request bodies are any JSON at the route (the use case tells
 * the wrapped and bare forms apart and reports every config problem as "Invalid config: …"), so
 * their documented shape is attached as metadata generated from the same zod schemas the use
 * case validates with.
 */
import { z } from "zod";
import { realmConfigSchema } from "@meerkat/shared/domain";
import { expectedGenerationSchema } from "../../use-cases/config-body.js";

/** JSON Schema of a request shape, to document an otherwise unchecked body. */
function documented(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
  });
  return json;
}

const setConfigWrappedSchema = z.object({
  config: realmConfigSchema,
  expected_generation: expectedGenerationSchema.describe(
    "Refuse the write (400) unless the stored generation is this one",
  ),
});

const patchConfigWrappedSchema = z.object({
  patch: z.unknown().describe("An RFC 7396 merge patch applied to the current config"),
  expected_generation: expectedGenerationSchema.describe(
    "Refuse the write (400) unless the stored generation is this one",
  ),
});

export const setConfigBodySchema = z.unknown().meta({
  description:
    "Either `{config, expected_generation?}` (recognised by its `config` key) or a bare Config; omitted fields take their defaults.",
  anyOf: [documented(setConfigWrappedSchema), documented(realmConfigSchema)],
});

export const patchConfigBodySchema = z.unknown().meta({
  description:
    "Either `{patch, expected_generation?}` (recognised by its `patch` key) or a bare merge patch: objects merge, null deletes a key (its default comes back), anything else replaces.",
  anyOf: [documented(patchConfigWrappedSchema), { type: "object" }],
});

export const configEnvelopeSchema = z.object({
  config: realmConfigSchema,
  generation: z.number().int().describe("Starts at 0; +1 per successful PUT or PATCH"),
  realm_id: z.string(),
  instance_id: z.string().nullable(),
  backend: z.string(),
  resolved_paths: z
    .object({ database_url: z.string(), redis_url: z.string() })
    .nullable()
    .describe("Only with --expose-paths; passwords redacted"),
});
