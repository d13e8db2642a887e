/** OpenAI Responses API wire shapes: the typed event stream and the Response object. */
import { splitInTwo, splitIntoChunks, type Turn } from "../turn.js";
import { namedFrame, nowSeconds, type WireContext } from "./context.js";

type Item = Record<string, unknown>;

function usageObject(turn: Turn): Record<string, unknown> {
  return {
    input_tokens: turn.usage.inputTokens,
    input_tokens_details: {
      cached_tokens: turn.usage.cacheReadTokens,
      cache_write_tokens: turn.usage.cacheCreationTokens,
    },
    output_tokens: turn.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: turn.usage.inputTokens + turn.usage.outputTokens,
  };
}

function isIncomplete(turn: Turn): boolean {
  return turn.stopReason === "max_tokens";
}

function responseObject(
  ctx: WireContext,
  id: string,
  createdAt: number,
  status: "in_progress" | "completed" | "incomplete",
  output: Item[],
  usage: Record<string, unknown> | null,
): Record<string, unknown> {
  const body = ctx.body;
  return {
    id,
    object: "response",
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body["instructions"] ?? null,
    max_output_tokens: body["max_output_tokens"] ?? null,
    metadata: body["metadata"] ?? {},
    model: ctx.model,
    output,
    parallel_tool_calls: body["parallel_tool_calls"] ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body["store"] ?? true,
    temperature: body["temperature"] ?? 1,
    text: body["text"] ?? { format: { type: "text" } },
    tool_choice: body["tool_choice"] ?? "auto",
    tools: body["tools"] ?? [],
    top_p: body["top_p"] ?? 1,
    truncation: "disabled",
    usage,
    user: null,
  };
}

interface PlannedOutput {
  reasoning: Item | undefined;
  message: Item | undefined;
  calls: Item[];
}

/** The completed output items, with ids fixed up front so the stream and the result agree. */
function planOutput(turn: Turn, ctx: WireContext): PlannedOutput {
  const itemStatus = isIncomplete(turn) ? "incomplete" : "completed";
  return {
    reasoning:
      turn.reasoning === undefined
        ? undefined
        : {
            id: ctx.nextId("rs"),
            type: "reasoning",
            summary: [{ type: "summary_text", text: turn.reasoning }],
          },
    message:
      turn.text === "" && turn.toolCalls.length > 0
        ? undefined
        : {
            id: ctx.nextId("msg"),
            type: "message",
            status: itemStatus,
            role: "assistant",
            content: [{ type: "output_text", annotations: [], logprobs: [], text: turn.text }],
          },
    calls: turn.toolCalls.map((call) => ({
      id: ctx.nextId("fc"),
      type: "function_call",
      status: "completed",
      arguments: call.arguments,
      call_id: call.id ?? ctx.nextId("call"),
      name: call.name,
    })),
  };
}

function outputList(planned: PlannedOutput): Item[] {
  const items: Item[] = [];
  if (planned.reasoning) items.push(planned.reasoning);
  if (planned.message) items.push(planned.message);
  items.push(...planned.calls);
  return items;
}

export function responsesStreamFrames(turn: Turn, ctx: WireContext): string[] {
  const id = ctx.nextId("resp");
  const createdAt = nowSeconds();
  const planned = planOutput(turn, ctx);
  const frames: string[] = [];
  let sequence = 0;
  const emit = (type: string, fields: Record<string, unknown>): void => {
    frames.push(namedFrame(type, { type, sequence_number: sequence++, ...fields }));
  };

  const initial = responseObject(ctx, id, createdAt, "in_progress", [], null);
  emit("response.created", { response: initial });
  emit("response.in_progress", { response: initial });

  let outputIndex = 0;
  if (planned.reasoning && turn.reasoning !== undefined) {
    const itemId = planned.reasoning["id"];
    const base = { item_id: itemId, output_index: outputIndex, summary_index: 0 };
    emit("response.output_item.added", {
      output_index: outputIndex,
      item: { id: itemId, type: "reasoning", summary: [] },
    });
    emit("response.reasoning_summary_part.added", {
      ...base,
      part: { type: "summary_text", text: "" },
    });
    for (const piece of splitIntoChunks(turn.reasoning)) {
      emit("response.reasoning_summary_text.delta", { ...base, delta: piece });
    }
    emit("response.reasoning_summary_text.done", { ...base, text: turn.reasoning });
    emit("response.reasoning_summary_part.done", {
      ...base,
      part: { type: "summary_text", text: turn.reasoning },
    });
    emit("response.output_item.done", { output_index: outputIndex, item: planned.reasoning });
    outputIndex++;
  }
  if (planned.message) {
    const itemId = planned.message["id"];
    const base = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    emit("response.output_item.added", {
      output_index: outputIndex,
      item: { ...planned.message, status: "in_progress", content: [] },
    });
    emit("response.content_part.added", {
      ...base,
      part: { type: "output_text", annotations: [], logprobs: [], text: "" },
    });
    for (const chunk of turn.chunks) {
      emit("response.output_text.delta", { ...base, delta: chunk, logprobs: [] });
    }
    emit("response.output_text.done", { ...base, text: turn.text, logprobs: [] });
    emit("response.content_part.done", {
      ...base,
      part: { type: "output_text", annotations: [], logprobs: [], text: turn.text },
    });
    emit("response.output_item.done", { output_index: outputIndex, item: planned.message });
    outputIndex++;
  }
  for (const call of planned.calls) {
    const itemId = call["id"];
    const args = String(call["arguments"]);
    emit("response.output_item.added", {
      output_index: outputIndex,
      item: { ...call, status: "in_progress", arguments: "" },
    });
    for (const piece of splitInTwo(args)) {
      emit("response.function_call_arguments.delta", {
        item_id: itemId,
        output_index: outputIndex,
        delta: piece,
      });
    }
    emit("response.function_call_arguments.done", {
      item_id: itemId,
      output_index: outputIndex,
      name: call["name"],
      arguments: args,
    });
    emit("response.output_item.done", { output_index: outputIndex, item: call });
    outputIndex++;
  }
  const status = isIncomplete(turn) ? "incomplete" : "completed";
  emit(`response.${status}`, {
    response: responseObject(ctx, id, createdAt, status, outputList(planned), usageObject(turn)),
  });
  return frames;
}

export function responsesResult(turn: Turn, ctx: WireContext): Record<string, unknown> {
  const id = ctx.nextId("resp");
  const planned = planOutput(turn, ctx);
  const status = isIncomplete(turn) ? "incomplete" : "completed";
  return responseObject(ctx, id, nowSeconds(), status, outputList(planned), usageObject(turn));
}
