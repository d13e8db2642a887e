/**
 * Small builders for the builtin tools' input schemas. Every schema is strict (no unknown
 * properties): dispatch validates arguments against it before a tool runs, so a model's typo
 * comes back as an error result naming the field instead of being silently ignored.
 */
import type { JsonObject } from "@meerkat/shared/llm";

export function strictObject(
  properties: Record<string, JsonObject>,
  required: readonly string[] = [],
): JsonObject {
  return {
    type: "object",
    properties,
    ...(required.length > 0 ? { required: [...required] } : {}),
    additionalProperties: false,
  };
}

export function stringProp(description: string, extra: JsonObject = {}): JsonObject {
  return { type: "string", description, ...extra };
}

export function stringListProp(description: string, extra: JsonObject = {}): JsonObject {
  return { type: "array", items: { type: "string" }, description, ...extra };
}

export function enumProp(values: readonly string[], description: string): JsonObject {
  return { type: "string", enum: [...values], description };
}
