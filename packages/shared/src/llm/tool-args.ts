/** Tool-call argument (de)serialization shared by the adapters. */
import type { JsonObject } from "./types.js";

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses streamed argument JSON; anything that is not a JSON object is kept as `{ _raw }`. */
export function parseToolArgs(raw: string): JsonObject {
  if (raw.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (isJsonObject(value)) return value;
  } catch {
    // Fall through: the model produced invalid JSON; the caller sees it verbatim.
  }
  return { _raw: raw };
}

/** The inverse of `parseToolArgs`: unparseable arguments go back to the model as they came. */
export function serializeToolArgs(args: JsonObject): string {
  const raw = args["_raw"];
  if (typeof raw === "string" && Object.keys(args).length === 1) return raw;
  return JSON.stringify(args);
}
