/**
 * Reads just enough of a request to script the default reply: the last user text, whether the
 * turn answers tool calls, and a character count for the input-token estimate.
 */
import type { FakeApi } from "./types.js";

export interface ConversationSummary {
  lastUserText: string;
  /** The conversation ends with tool results (the default reply is then `Done.`). */
  endsWithToolResults: boolean;
  /** Characters of the conversation's text, the basis of the default input-token count. */
  chars: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Keys whose values are identifiers, enums or binary payloads rather than conversation text. */
const NON_TEXT_KEYS = new Set([
  "type",
  "role",
  "id",
  "tool_use_id",
  "tool_call_id",
  "call_id",
  "name",
  "media_type",
  "status",
  "detail",
  "data",
  "url",
  "image_url",
  "signature",
  "cache_control",
]);

/** Sums the length of every text string in a JSON value, skipping non-text keys. */
export function countTextChars(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += countTextChars(item);
    return total;
  }
  if (isObject(value)) {
    let total = 0;
    for (const key in value) {
      if (!NON_TEXT_KEYS.has(key)) total += countTextChars(value[key]);
    }
    return total;
  }
  return 0;
}

/** Joins the text parts of a message content (a string or an array of typed parts). */
function contentText(content: unknown, textTypes: readonly string[]): string {
  if (typeof content === "string") return content;
  const texts: string[] = [];
  for (const part of asArray(content)) {
    if (isObject(part) && textTypes.includes(String(part["type"]))) {
      const text = part["text"];
      if (typeof text === "string") texts.push(text);
    }
  }
  return texts.join("\n");
}

function findLastUser(messages: unknown[]): Json | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isObject(message) && message["role"] === "user") return message;
  }
  return undefined;
}

function summarizeAnthropic(body: Json): ConversationSummary {
  const messages = asArray(body["messages"]);
  const last = messages.at(-1);
  const endsWithToolResults =
    isObject(last) &&
    last["role"] === "user" &&
    asArray(last["content"]).some((block) => isObject(block) && block["type"] === "tool_result");
  const lastUser = findLastUser(messages);
  return {
    lastUserText: lastUser ? contentText(lastUser["content"], ["text"]) : "",
    endsWithToolResults,
    chars: countTextChars(body["system"]) + countTextChars(messages),
  };
}

function summarizeChat(body: Json): ConversationSummary {
  const messages = asArray(body["messages"]);
  const last = messages.at(-1);
  const lastUser = findLastUser(messages);
  return {
    lastUserText: lastUser ? contentText(lastUser["content"], ["text"]) : "",
    endsWithToolResults: isObject(last) && last["role"] === "tool",
    chars: countTextChars(messages),
  };
}

function summarizeResponses(body: Json): ConversationSummary {
  const input = body["input"];
  const instructionsChars = countTextChars(body["instructions"]);
  if (typeof input === "string") {
    return {
      lastUserText: input,
      endsWithToolResults: false,
      chars: instructionsChars + input.length,
    };
  }
  const items = asArray(input);
  const last = items.at(-1);
  const lastUser = findLastUser(items);
  return {
    lastUserText: lastUser ? contentText(lastUser["content"], ["input_text", "text"]) : "",
    endsWithToolResults: isObject(last) && last["type"] === "function_call_output",
    chars: instructionsChars + countTextChars(items),
  };
}

export function summarizeConversation(api: FakeApi, body: Json): ConversationSummary {
  switch (api) {
    case "anthropic":
      return summarizeAnthropic(body);
    case "openai-chat":
      return summarizeChat(body);
    case "openai-responses":
      return summarizeResponses(body);
  }
}
