import { expect } from "vitest";
import type { FakeRequestRecord } from "@meerkat/fake-provider";

/** A tool result as the model saw it in a later request (Anthropic wire). */
export interface SeenResult {
  content: string;
  is_error: boolean;
}

/** The tool results a model request carries, by tool_use id. */
export function toolResultsOf(request: FakeRequestRecord | undefined): Map<string, SeenResult> {
  const seen = new Map<string, SeenResult>();
  const messages = (request?.body["messages"] ?? []) as { content: unknown }[];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Record<string, unknown>[]) {
      if (block["type"] !== "tool_result") continue;
      seen.set(String(block["tool_use_id"]), {
        content: String(block["content"]),
        is_error: block["is_error"] === true,
      });
    }
  }
  return seen;
}

/** The parsed JSON result of a call that must have succeeded. */
export function jsonResult(seen: Map<string, SeenResult>, id: string): Record<string, unknown> {
  const result = seen.get(id);
  expect(result, `tool result ${id}`).toBeDefined();
  expect(result?.is_error, result?.content).toBe(false);
  return JSON.parse(result?.content ?? "null") as Record<string, unknown>;
}

/** The text of a call's error result (it must be one). */
export function errorResult(seen: Map<string, SeenResult>, id: string): string {
  const result = seen.get(id);
  expect(result?.is_error, result?.content).toBe(true);
  return result?.content ?? "";
}
