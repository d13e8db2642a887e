/** Anthropic Messages API wire shapes: the SSE event sequence, the Message object, errors. */
import { splitInTwo, splitIntoChunks, type Turn } from "../turn.js";
import { namedFrame, type WireContext } from "./context.js";

const FAKE_SIGNATURE = "ZmFrZS1zaWduYXR1cmU=";

function startUsage(turn: Turn): Record<string, unknown> {
  return {
    input_tokens: turn.usage.inputTokens,
    cache_creation_input_tokens: turn.usage.cacheCreationTokens,
    cache_read_input_tokens: turn.usage.cacheReadTokens,
    output_tokens: 1,
  };
}

function messageShell(id: string, ctx: WireContext): Record<string, unknown> {
  return {
    id,
    type: "message",
    role: "assistant",
    model: ctx.model,
    container: null,
    stop_details: null,
    stop_sequence: null,
  };
}

function toolIds(turn: Turn, ctx: WireContext): string[] {
  return turn.toolCalls.map((call) => call.id ?? ctx.nextId("toolu"));
}

/** Whether the turn has a text block: any text, or nothing else to say. */
function hasTextBlock(turn: Turn): boolean {
  return turn.text !== "" || turn.toolCalls.length === 0;
}

export function anthropicStreamFrames(turn: Turn, ctx: WireContext): string[] {
  const frames: string[] = [];
  const ids = toolIds(turn, ctx);
  frames.push(
    namedFrame("message_start", {
      type: "message_start",
      message: {
        ...messageShell(ctx.nextId("msg"), ctx),
        content: [],
        stop_reason: null,
        usage: startUsage(turn),
      },
    }),
    namedFrame("ping", { type: "ping" }),
  );
  let index = 0;
  if (turn.reasoning !== undefined) {
    frames.push(
      namedFrame("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
    );
    for (const piece of splitIntoChunks(turn.reasoning)) {
      frames.push(
        namedFrame("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "thinking_delta", thinking: piece },
        }),
      );
    }
    frames.push(
      namedFrame("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "signature_delta", signature: FAKE_SIGNATURE },
      }),
      namedFrame("content_block_stop", { type: "content_block_stop", index }),
    );
    index++;
  }
  if (hasTextBlock(turn)) {
    frames.push(
      namedFrame("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "text", text: "", citations: null },
      }),
    );
    for (const chunk of turn.chunks) {
      frames.push(
        namedFrame("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "text_delta", text: chunk },
        }),
      );
    }
    frames.push(namedFrame("content_block_stop", { type: "content_block_stop", index }));
    index++;
  }
  turn.toolCalls.forEach((call, i) => {
    frames.push(
      namedFrame("content_block_start", {
        type: "content_block_start",
        index,
        content_block: {
          type: "tool_use",
          id: ids[i],
          name: call.name,
          input: {},
          caller: { type: "direct" },
        },
      }),
    );
    for (const piece of splitInTwo(call.arguments)) {
      frames.push(
        namedFrame("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        }),
      );
    }
    frames.push(namedFrame("content_block_stop", { type: "content_block_stop", index }));
    index++;
  });
  frames.push(
    namedFrame("message_delta", {
      type: "message_delta",
      delta: {
        stop_reason: turn.stopReason,
        stop_sequence: null,
        stop_details: null,
        container: null,
      },
      usage: { output_tokens: turn.usage.outputTokens },
    }),
    namedFrame("message_stop", { type: "message_stop" }),
  );
  return frames;
}

export function anthropicMessage(turn: Turn, ctx: WireContext): Record<string, unknown> {
  const ids = toolIds(turn, ctx);
  const content: Record<string, unknown>[] = [];
  if (turn.reasoning !== undefined) {
    content.push({ type: "thinking", thinking: turn.reasoning, signature: FAKE_SIGNATURE });
  }
  if (hasTextBlock(turn)) content.push({ type: "text", text: turn.text, citations: null });
  turn.toolCalls.forEach((call, i) => {
    content.push({
      type: "tool_use",
      id: ids[i],
      name: call.name,
      input: JSON.parse(call.arguments) as unknown,
      caller: { type: "direct" },
    });
  });
  return {
    ...messageShell(ctx.nextId("msg"), ctx),
    content,
    stop_reason: turn.stopReason,
    usage: { ...startUsage(turn), output_tokens: turn.usage.outputTokens },
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  408: "timeout_error",
  409: "conflict_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function anthropicErrorBody(
  status: number,
  requestId: string,
  type?: string,
  message?: string,
): Record<string, unknown> {
  const errorType =
    type ?? ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return {
    type: "error",
    error: { type: errorType, message: message ?? `Fake ${errorType} (status ${status})` },
    request_id: requestId,
  };
}

export function anthropicModelList(): Record<string, unknown> {
  const models = ["claude-fake-large", "claude-fake-small"].map((id) => ({
    type: "model",
    id,
    display_name: id,
    created_at: "2025-01-01T00:00:00Z",
  }));
  return {
    data: models,
    has_more: false,
    first_id: "claude-fake-large",
    last_id: "claude-fake-small",
  };
}
