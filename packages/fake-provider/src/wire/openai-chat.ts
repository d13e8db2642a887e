/** OpenAI Chat Completions wire shapes: the chunk stream, the ChatCompletion object. */
import { splitInTwo, splitIntoChunks, type Turn } from "../turn.js";
import { dataFrame, nowSeconds, type WireContext } from "./context.js";

const FINISH_REASONS = {
  end_turn: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  stop_sequence: "stop",
} as const;

function usageObject(turn: Turn): Record<string, unknown> {
  return {
    prompt_tokens: turn.usage.inputTokens,
    completion_tokens: turn.usage.outputTokens,
    total_tokens: turn.usage.inputTokens + turn.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: turn.usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

function wantsUsage(body: Record<string, unknown>): boolean {
  const options = body["stream_options"];
  return typeof options === "object" && options !== null && "include_usage" in options
    ? options.include_usage === true
    : false;
}

export function chatStreamFrames(turn: Turn, ctx: WireContext): string[] {
  const id = ctx.nextId("chatcmpl");
  const created = nowSeconds();
  const includeUsage = wantsUsage(ctx.body);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    dataFrame({
      id,
      object: "chat.completion.chunk",
      created,
      model: ctx.model,
      system_fingerprint: "fp_fake",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });

  const frames = [chunk({ role: "assistant", content: "", refusal: null })];
  if (turn.reasoning !== undefined) {
    // The `reasoning_content` delta of OpenAI-compatible servers (vLLM, DeepSeek, llama.cpp).
    for (const piece of splitIntoChunks(turn.reasoning)) {
      frames.push(chunk({ reasoning_content: piece }));
    }
  }
  for (const piece of turn.chunks) frames.push(chunk({ content: piece }));
  turn.toolCalls.forEach((call, index) => {
    frames.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id ?? ctx.nextId("call"),
            type: "function",
            function: { name: call.name, arguments: "" },
          },
        ],
      }),
    );
    for (const piece of splitInTwo(call.arguments)) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  frames.push(chunk({}, FINISH_REASONS[turn.stopReason]));
  if (includeUsage) {
    frames.push(
      dataFrame({
        id,
        object: "chat.completion.chunk",
        created,
        model: ctx.model,
        system_fingerprint: "fp_fake",
        choices: [],
        usage: usageObject(turn),
      }),
    );
  }
  frames.push("data: [DONE]\n\n");
  return frames;
}

export function chatCompletion(turn: Turn, ctx: WireContext): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: turn.text === "" && turn.toolCalls.length > 0 ? null : turn.text,
    refusal: null,
    annotations: [],
  };
  if (turn.reasoning !== undefined) message["reasoning_content"] = turn.reasoning;
  if (turn.toolCalls.length > 0) {
    message["tool_calls"] = turn.toolCalls.map((call) => ({
      id: call.id ?? ctx.nextId("call"),
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: ctx.nextId("chatcmpl"),
    object: "chat.completion",
    created: nowSeconds(),
    model: ctx.model,
    system_fingerprint: "fp_fake",
    choices: [
      { index: 0, message, logprobs: null, finish_reason: FINISH_REASONS[turn.stopReason] },
    ],
    usage: usageObject(turn),
  };
}
