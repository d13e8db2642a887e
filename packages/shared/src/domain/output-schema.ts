/**
 * `output_schema` (contract §3.7): wrapper detection, normalisation, and the lowering of a
 * schema to what each provider's native structured-output mode accepts. Pure: the API uses it to
 * refuse a bad schema before anything is stored, the worker to plan the extraction. Whether the
 * schema compiles is checked with Ajv in `@meerkat/shared/json-schema` (`checkOutputSchema`).
 */
import type { ProviderId } from "./providers.js";
import type { SchemaWarning } from "./turns.js";

export type JsonSchemaObject = Record<string, unknown>;

export type OutputSchemaCompat = "lossy" | "strict";

export interface NormalizedOutputSchema {
  /** The normalised JSON Schema; its root is an object schema. Outputs are validated against it. */
  schema: JsonSchemaObject;
  name: string;
  /** Asks the provider's native mode to enforce the schema strictly (OpenAI `strict`). */
  strict: boolean;
  /** `lossy` drops what a provider cannot express (with warnings); `strict` refuses instead. */
  compat: OutputSchemaCompat;
  format: "meerkat_v1";
}

export interface LoweredOutputSchema {
  /**
   * Whether the provider takes the schema as a native response format; if not, only the prompt
   * carries it.
   */
  native: boolean;
  /** The schema to send as the response format (the input schema when nothing had to change). */
  schema: JsonSchemaObject;
  warnings: SchemaWarning[];
}

const WRAPPER_KEYS: ReadonlySet<string> = new Set(["schema", "name", "strict", "compat", "format"]);

function isPlainObject(value: unknown): value is JsonSchemaObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The §3.7 rule: a wrapper has `schema` and either says `format: "meerkat_v1"` or has only
 * wrapper keys.
 */
export function isOutputSchemaWrapper(raw: JsonSchemaObject): boolean {
  if (!("schema" in raw)) return false;
  return raw["format"] === "meerkat_v1" || Object.keys(raw).every((key) => WRAPPER_KEYS.has(key));
}

/**
 * Parses a request's `output_schema` (wrapper or raw JSON Schema) into its normalised form, or
 * describes every problem found. Wrapper fields that are null count as absent (serde `Option`).
 */
export function normalizeOutputSchema(raw: unknown): NormalizedOutputSchema | { error: string } {
  if (!isPlainObject(raw)) return { error: "output_schema: expected a JSON object" };
  if (!isOutputSchemaWrapper(raw)) {
    const schema = normalizeRoot(raw, "output_schema");
    return "error" in schema
      ? schema
      : {
          schema: schema.root,
          name: "output",
          strict: false,
          compat: "lossy",
          format: "meerkat_v1",
        };
  }
  const problems: string[] = [];
  const name = raw["name"] ?? "output";
  if (typeof name !== "string" || name.trim() === "")
    problems.push("output_schema.name: expected a non-empty string");
  const strict = raw["strict"] ?? false;
  if (typeof strict !== "boolean") problems.push("output_schema.strict: expected a boolean");
  const compat = raw["compat"] ?? "lossy";
  if (compat !== "lossy" && compat !== "strict")
    problems.push('output_schema.compat: expected "lossy" or "strict"');
  const format = raw["format"] ?? "meerkat_v1";
  if (format !== "meerkat_v1") problems.push('output_schema.format: expected "meerkat_v1"');
  const schema = normalizeRoot(raw["schema"], "output_schema.schema");
  if ("error" in schema) problems.push(schema.error);
  if (problems.length > 0 || "error" in schema) return { error: problems.join("; ") };
  return {
    schema: schema.root,
    name: name as string,
    strict: strict as boolean,
    compat: compat as OutputSchemaCompat,
    format: "meerkat_v1",
  };
}

// ---------------------------------------------------------------------------------------------
// Walking a schema

/** Keywords whose value is a map of subschemas. */
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
/** Keywords whose value is one subschema (draft-07 tuple `items` is a list). */
const SCHEMA_SINGLES = [
  "items",
  "additionalItems",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
];

function pointer(path: string, ...segments: (string | number)[]): string {
  return segments.reduce<string>(
    (acc, segment) => `${acc}/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`,
    path,
  );
}

type Visit = (child: unknown, path: string) => unknown;

/** A shallow copy of `node` with every direct subschema replaced by `visit(child, path)`. */
function mapSubschemas(node: JsonSchemaObject, path: string, visit: Visit): JsonSchemaObject {
  const copy: JsonSchemaObject = { ...node };
  for (const key of SCHEMA_MAPS) {
    const map = copy[key];
    if (!isPlainObject(map)) continue;
    copy[key] = Object.fromEntries(
      Object.entries(map).map(([name, child]) => [name, visit(child, pointer(path, key, name))]),
    );
  }
  for (const key of SCHEMA_LISTS) {
    const list = copy[key];
    if (Array.isArray(list))
      copy[key] = list.map((child, i) => visit(child, pointer(path, key, i)));
  }
  for (const key of SCHEMA_SINGLES) {
    const child = copy[key];
    if (Array.isArray(child)) copy[key] = child.map((c, i) => visit(c, pointer(path, key, i)));
    else if (isPlainObject(child)) copy[key] = visit(child, pointer(path, key));
  }
  return copy;
}

function typesOf(node: JsonSchemaObject): string[] | undefined {
  const type = node["type"];
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return undefined;
}

/**
 * Declares or implies an object: `type` includes "object", or no `type` but keywords that
 * describe members. A bare `required` does not count: `anyOf: [{required: [..]}, …]` branches
 * only add constraints to the object around them.
 */
function isObjectNode(node: JsonSchemaObject): boolean {
  const types = typesOf(node);
  if (types) return types.includes("object");
  return ["properties", "additionalProperties", "patternProperties"].some((key) => key in node);
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/** Adds the `properties`/`required` an object node leaves out: providers want complete objects. */
function normalizeNode(node: unknown): unknown {
  if (!isPlainObject(node)) return node;
  const copy = mapSubschemas(node, "#", normalizeNode);
  if (isObjectNode(copy)) {
    copy["properties"] ??= {};
    copy["required"] ??= [];
  }
  return copy;
}

function normalizeRoot(
  raw: unknown,
  label: string,
): { root: JsonSchemaObject } | { error: string } {
  if (!isPlainObject(raw)) return { error: `${label}: expected a JSON object` };
  const types = typesOf(raw);
  const isObjectRoot = types ? types.length === 1 && types[0] === "object" : isObjectNode(raw);
  if (!isObjectRoot)
    return { error: `${label}: root must be a JSON object schema (type "object")` };
  // An object-like root without `type` gets it: native modes require it, and the output must be
  // an object anyway.
  const root = normalizeNode(raw) as JsonSchemaObject;
  return { root: { type: "object", ...root } };
}

// ---------------------------------------------------------------------------------------------
// Provider lowering

/**
 * What one provider's native structured-output mode accepts.
 * - `allowed`: keywords it accepts on a schema node; others are dropped (lossy) or refused
 *   (strict). Absent: everything passes through.
 * - `closeObjects`: every object must say `additionalProperties: false` and list every property
 *   in `required` (OpenAI strict mode).
 * - `singleType`: `type` must be one name; `["x", "null"]` becomes `type: x, nullable: true`.
 * - `formats`: the `format` values it accepts.
 */
interface LoweringRules {
  native: boolean;
  allowed?: ReadonlySet<string>;
  closeObjects?: boolean;
  singleType?: boolean;
  formats?: ReadonlySet<string>;
}

/**
 * Keywords that constrain nothing. Providers with a keyword list lose nothing when these are
 * dropped, so dropping them is silent and never refused.
 */
const ANNOTATIONS: ReadonlySet<string> = new Set([
  "$schema",
  "$id",
  "$comment",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

/**
 * OpenAI strict json_schema: the subset every structured-output model accepts. String, number
 * and array bounds (`pattern`, `format`, `minLength`, `minimum`, `maxItems`…) are refused by
 * some models, so they are dropped; the output is still validated against the original schema.
 */
const OPENAI_STRICT: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "$ref",
  "$defs",
  "definitions",
  "description",
  "title",
]);

/** Gemini's response schema (an OpenAPI 3.0 subset), as its OpenAI-compatible endpoint takes it. */
const GEMINI: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "items",
  "enum",
  "format",
  "nullable",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "anyOf",
  "propertyOrdering",
  "description",
  "title",
]);
const GEMINI_FORMATS: ReadonlySet<string> = new Set([
  "enum",
  "date-time",
  "float",
  "double",
  "int32",
  "int64",
]);

function rulesFor(provider: ProviderId, strict: boolean): LoweringRules {
  switch (provider) {
    // Anthropic has no native schema mode behind our port: the prompt carries the schema.
    case "anthropic":
      return { native: false };
    case "openai":
      // Without `strict` OpenAI treats the schema as guidance and accepts any keyword.
      return strict
        ? { native: true, allowed: OPENAI_STRICT, closeObjects: true }
        : { native: true };
    case "gemini":
      return { native: true, allowed: GEMINI, singleType: true, formats: GEMINI_FORMATS };
    // vLLM, llama.cpp, Ollama…: grammar-guided decoding takes full JSON Schema.
    case "self_hosted":
    case "other":
      return { native: true };
  }
}

interface Issue {
  path: string;
  message: string;
}

function lowerNode(node: unknown, path: string, rules: LoweringRules, issues: Issue[]): unknown {
  if (!isPlainObject(node)) return node;
  const kept: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (!rules.allowed || rules.allowed.has(key)) kept[key] = value;
    else if (!ANNOTATIONS.has(key))
      issues.push({ path, message: `dropped unsupported keyword '${key}'` });
  }
  const out = mapSubschemas(kept, path, (child, childPath) =>
    lowerNode(child, childPath, rules, issues),
  );
  if (rules.singleType) lowerTypeList(out, path, issues);
  if (rules.formats && typeof out["format"] === "string" && !rules.formats.has(out["format"])) {
    issues.push({ path, message: `dropped unsupported format '${out["format"]}'` });
    delete out["format"];
  }
  if (rules.closeObjects && isObjectNode(out)) closeObject(out, path, issues);
  return out;
}

function lowerTypeList(out: JsonSchemaObject, path: string, issues: Issue[]): void {
  if (!Array.isArray(out["type"])) return;
  const types = typesOf(out) ?? [];
  const nonNull = types.filter((type) => type !== "null");
  const [only] = nonNull;
  if (nonNull.length === 1 && only !== undefined) {
    out["type"] = only;
    if (types.includes("null")) out["nullable"] = true;
    return;
  }
  issues.push({ path, message: `dropped type list ${JSON.stringify(types)} (one type only)` });
  delete out["type"];
}

/**
 * Closes an object for OpenAI strict mode. Adding `additionalProperties: false` where the schema
 * says nothing only narrows what the model may produce, so it is silent; replacing an explicit
 * `true`/schema or forcing optional properties into `required` changes the contract: reported.
 */
function closeObject(out: JsonSchemaObject, path: string, issues: Issue[]): void {
  out["type"] ??= "object";
  const properties = isPlainObject(out["properties"]) ? Object.keys(out["properties"]) : [];
  out["properties"] ??= {};
  const required = Array.isArray(out["required"])
    ? out["required"].filter((key): key is string => typeof key === "string")
    : [];
  const optional = properties.filter((key) => !required.includes(key));
  if (optional.length > 0) {
    issues.push({ path, message: `optional properties made required: ${optional.join(", ")}` });
  }
  out["required"] = [...required, ...optional];
  const extra = out["additionalProperties"];
  if (extra !== undefined && extra !== false) {
    issues.push({ path, message: "additionalProperties replaced by false" });
  }
  out["additionalProperties"] = false;
}

/**
 * Lowers a normalised schema to what `provider`'s native structured-output mode accepts.
 * `lossy` returns the lowered schema with one warning per change that loses or alters a
 * constraint; `strict` refuses the schema with every such change listed. The extracted output is
 * always validated against the original schema, so a lossy lowering never admits invalid output.
 */
export function lowerForProvider(
  schema: JsonSchemaObject,
  provider: ProviderId,
  compat: OutputSchemaCompat,
  options: { strict?: boolean } = {},
): LoweredOutputSchema | { error: string } {
  const rules = rulesFor(provider, options.strict ?? false);
  if (!rules.native) return { native: false, schema, warnings: [] };
  const issues: Issue[] = [];
  const lowered = lowerNode(schema, "#", rules, issues) as JsonSchemaObject;
  if (compat === "strict" && issues.length > 0) {
    const details = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    const refusal = `output_schema: compat "strict" but ${provider} cannot take the schema as is`;
    return { error: `${refusal}: ${details}` };
  }
  return {
    native: true,
    schema: lowered,
    warnings: issues.map((issue) => ({ provider, ...issue })),
  };
}
