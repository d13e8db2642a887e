/**
 * JSON Schema validation (draft 2020-12 and draft-07 keywords) with Ajv, shared by the API (to
 * refuse an invalid schema up front) and the worker (tool arguments, structured output).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import {
  isOutputSchemaWrapper,
  lowerForProvider,
  normalizeOutputSchema,
  type LoweredOutputSchema,
  type NormalizedOutputSchema,
} from "../domain/output-schema.js";
import type { ProviderId } from "../domain/providers.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const shared = createAjv();
const cache = new WeakMap<object, ValidateFunction>();

export interface SchemaCheck {
  ok: boolean;
  /** "$.path: message" lines, empty when ok. */
  errors: string[];
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const path = error.instancePath === "" ? "$" : `$${error.instancePath.replaceAll("/", ".")}`;
    const extra =
      error.keyword === "additionalProperties"
        ? ` '${String((error.params as { additionalProperty?: string }).additionalProperty)}'`
        : "";
    return `${path}: ${error.message ?? "is invalid"}${extra}`;
  });
}

/** Compiles a schema; returns the problems when it is not a valid JSON Schema. */
export function compileSchema(schema: unknown): { validate?: ValidateFunction; errors: string[] } {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    return { errors: ["schema must be a JSON object"] };
  }
  const cached = cache.get(schema);
  if (cached) return { validate: cached, errors: [] };
  try {
    // A fresh instance per schema keeps `$id`s of different schemas from colliding.
    const validate = ("$id" in schema ? createAjv() : shared).compile(schema);
    cache.set(schema, validate);
    return { validate, errors: [] };
  } catch (error) {
    return { errors: [error instanceof Error ? error.message : String(error)] };
  }
}

/** Validates `value` against `schema` (a schema that does not compile fails with its errors). */
export function validateAgainst(schema: unknown, value: unknown): SchemaCheck {
  const compiled = compileSchema(schema);
  if (!compiled.validate) return { ok: false, errors: compiled.errors };
  const ok = compiled.validate(value);
  return { ok, errors: ok ? [] : describe(compiled.validate.errors) };
}

/** A request's `output_schema`, normalised, known to compile, and lowered for its provider. */
export interface ResolvedOutputSchema {
  output: NormalizedOutputSchema;
  /** Null when no provider was named. */
  lowered: LoweredOutputSchema | null;
}

/**
 * Normalises `output_schema` (§3.7), checks that Ajv compiles it and, when the provider is
 * known, lowers it for that provider (a `compat: "strict"` schema the provider cannot take as is
 * is refused here).
 */
export function resolveOutputSchema(
  raw: unknown,
  provider: ProviderId,
): (ResolvedOutputSchema & { lowered: LoweredOutputSchema }) | { error: string };
export function resolveOutputSchema(
  raw: unknown,
  provider?: ProviderId,
): ResolvedOutputSchema | { error: string };
export function resolveOutputSchema(
  raw: unknown,
  provider?: ProviderId,
): ResolvedOutputSchema | { error: string } {
  const output = normalizeOutputSchema(raw);
  if ("error" in output) return output;
  const compiled = compileSchema(output.schema);
  if (!compiled.validate) {
    // Normalisation succeeded, so `raw` is a JSON object.
    const label = isOutputSchemaWrapper(raw as Record<string, unknown>)
      ? "output_schema.schema"
      : "output_schema";
    return { error: `${label}: not a valid JSON Schema: ${compiled.errors.join("; ")}` };
  }
  if (provider === undefined) return { output, lowered: null };
  const lowered = lowerForProvider(output.schema, provider, output.compat, {
    strict: output.strict,
  });
  return "error" in lowered ? lowered : { output, lowered };
}

/** The problems of a request's `output_schema` (empty when usable), for a 400 before storing. */
export function checkOutputSchema(raw: unknown, provider?: ProviderId): string[] {
  const resolved = resolveOutputSchema(raw, provider);
  return "error" in resolved ? [resolved.error] : [];
}
