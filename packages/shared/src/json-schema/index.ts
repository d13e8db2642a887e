/**
 * JSON Schema validation (draft 2020-12 and draft-07 keywords) with Ajv, shared by the API (to
 * refuse an invalid schema up front) and the worker (tool arguments, structured output).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

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
