import { saveTurnStep, type TurnCheckpoint } from "@meerkat/shared/db";
import {
  addUsage,
  toWireUsage,
  type AssistantBlock,
  type StopReason,
  type TerminalCauseKind,
  type TranscriptMessage,
  type Usage,
} from "@meerkat/shared/domain";
import type { LlmMessage, LlmProvider, LlmToolCall } from "@meerkat/shared/llm";
import type { BudgetTracker } from "./budget.js";
import type { BoundaryCompactor } from "./compaction/in-run.js";
import { runHookOrThrow, type HookRunner } from "./hooks/types.js";
import { callModel } from "./llm-call.js";
import type { RunContext } from "./run-context.js";
import { dispatchToolCalls } from "./tools/dispatch.js";
import type { ToolSet } from "./tools/registry.js";
import { TurnAbort } from "./turn-lease.js";

/** Progress of a run, kept outside the loop so an abort can still commit what was seen. */
export interface RunState {
  usage: Usage;
  llmCalls: number;
  toolCalls: number;
  newMessages: TranscriptMessage[];
  /** Text streamed by the current model call, not yet part of an assistant message. */
  partialText: string;
}

export interface LoopParams {
  run: RunContext;
  provider: LlmProvider;
  model: string;
  system: string | undefined;
  tools: ToolSet;
  hooks: HookRunner;
  history: LlmMessage[];
  /** What this run adds as user input: inbox notices and/or the prompt. */
  input: LlmMessage[];
  /** Steer-mode inputs that arrived since the last step, injected before the next model call. */
  takeSteering?: () => Promise<LlmMessage[]>;
  checkpoint: TurnCheckpoint;
  budget: BudgetTracker;
  state: RunState;
  /** Compacts the conversation at LLM boundaries when a long run outgrows the window. */
  compactor?: BoundaryCompactor | undefined;
}

export interface LoopResult {
  /** Set when the run ended early (turn limit, budget). */
  terminalCause: TerminalCauseKind | null;
  finalText: string;
  /** The whole conversation, ending with the final assistant message (for extraction). */
  conversation: LlmMessage[];
}

interface StepReply {
  text: string;
  toolCalls: LlmToolCall[];
  stopReason: StopReason;
  usage: Usage;
}

/**
 * The agent loop: model call → tool calls (in parallel) → model call … until the model answers
 * without tools, the turn limit or a budget is reached, or the run is aborted. Each completed
 * model call and tool result is checkpointed, so a re-claimed turn resumes after them.
 */
export async function runAgentLoop(params: LoopParams): Promise<LoopResult> {
  const { run, state, budget, tools, hooks, checkpoint } = params;
  const conversation: LlmMessage[] = [...params.history, ...params.input];
  let system = params.system;
  let finalText = "";
  let lastInputTokens = 0;

  for (let step = 0; ; step += 1) {
    run.signal.throwIfAborted();
    const resumed = checkpoint.steps.find((entry) => entry.step === step);
    let reply: StepReply;
    if (resumed) {
      reply = { ...resumed.assistant, usage: resumed.usage };
      state.llmCalls += 1;
      state.usage = addUsage(state.usage, reply.usage);
      budget.addTokens(reply.usage.inputTokens + reply.usage.outputTokens);
    } else {
      if (step >= run.config.agent.max_turns) return stop("turn_limit_reached");
      const exhausted = budget.exhausted();
      if (exhausted) return stop(exhausted);
      const compacted = await params.compactor?.atBoundary(step, conversation, lastInputTokens);
      if (compacted) conversation.splice(0, conversation.length, ...compacted);
      run.emit({ type: "turn_started", turn_number: step });
      const pre = await runHookOrThrow(hooks, "pre_llm_request", {
        step,
        model: params.model,
        system: system ?? null,
        message_count: conversation.length,
      });
      if (typeof pre["system"] === "string") system = pre["system"];
      const done = await callModel({
        provider: params.provider,
        request: {
          model: params.model,
          system,
          messages: conversation,
          tools: tools.size > 0 ? tools.definitions() : undefined,
          maxTokens: run.session.settings.max_tokens,
          temperature: run.config.agent.temperature,
          providerParams: run.session.settings.provider_params ?? run.config.agent.provider_params,
        },
        signal: run.signal,
        config: run.config,
        emit: run.emit,
        streamEvents: true,
        remainingMs: () => budget.remainingMs(),
        onText: (delta) => {
          state.partialText += delta;
        },
        onRetry: () => {
          state.partialText = "";
        },
      });
      state.llmCalls += 1;
      state.usage = addUsage(state.usage, done.usage);
      budget.addTokens(done.usage.inputTokens + done.usage.outputTokens);
      const post = await runHookOrThrow(hooks, "post_llm_response", {
        step,
        text: done.text,
        tool_calls: done.toolCalls,
        stop_reason: done.stopReason,
      });
      const text = typeof post["text"] === "string" ? post["text"] : done.text;
      reply = { text, toolCalls: done.toolCalls, stopReason: done.stopReason, usage: done.usage };
      // A step that calls tools is checkpointed before they run, so a re-run resumes after it.
      // A final step needs none: the turn's commit records it.
      if (reply.toolCalls.length > 0) {
        const held = await saveTurnStep(run.db, run.fence, {
          step,
          realmId: run.session.realmId,
          assistant: { text: reply.text, toolCalls: reply.toolCalls, stopReason: reply.stopReason },
          usage: reply.usage,
        });
        if (!held) throw new TurnAbort("fenced");
      }
      if (reply.text !== "") run.emit({ type: "text_complete", content: reply.text });
    }
    state.partialText = "";
    lastInputTokens = reply.usage.inputTokens;
    appendAssistant(reply);
    finalText = reply.text;

    if (reply.toolCalls.length > 0) {
      if (budget.toolCallsLeft() < reply.toolCalls.length) {
        budget.addToolCalls(reply.toolCalls.length);
        sealUnanswered(state.newMessages, "tool-call budget exhausted");
        return stop("budget_exhausted");
      }
      const dispatched = await dispatchToolCalls({
        run,
        tools,
        hooks,
        step,
        calls: reply.toolCalls,
        recorded: checkpoint.toolCalls,
      });
      state.toolCalls += reply.toolCalls.length;
      budget.addToolCalls(reply.toolCalls.length);
      state.newMessages.push({
        role: "tool_results",
        results: dispatched.results.map((result) => ({
          tool_use_id: result.toolCallId,
          content: result.content,
          is_error: result.isError,
        })),
      });
      conversation.push({ role: "tool_results", results: dispatched.results });
      if (params.takeSteering) conversation.push(...(await params.takeSteering()));
      await run.flush();
      continue;
    }

    await runHookOrThrow(hooks, "turn_boundary", { step });
    run.emit({
      type: "turn_completed",
      stop_reason: reply.stopReason,
      usage: toWireUsage(reply.usage),
    });
    return { terminalCause: null, finalText, conversation };
  }

  function appendAssistant(reply: StepReply): void {
    const blocks: AssistantBlock[] = [];
    if (reply.text !== "") blocks.push({ block_type: "text", data: { text: reply.text } });
    for (const call of reply.toolCalls) {
      blocks.push({
        block_type: "tool_use",
        data: { id: call.id, name: call.name, args: call.args },
      });
    }
    state.newMessages.push({ role: "block_assistant", blocks, stop_reason: reply.stopReason });
    conversation.push({ role: "assistant", text: reply.text, toolCalls: reply.toolCalls });
  }

  function stop(cause: TerminalCauseKind): LoopResult {
    return { terminalCause: cause, finalText, conversation };
  }
}

/**
 * A transcript must never end with tool calls that have no results (providers reject the next
 * request): unanswered calls get an error result saying why they did not run.
 */
export function sealUnanswered(messages: TranscriptMessage[], reason: string): void {
  const last = messages.at(-1);
  if (last?.role !== "block_assistant") return;
  const calls = last.blocks.filter((block) => block.block_type === "tool_use");
  if (calls.length === 0) return;
  messages.push({
    role: "tool_results",
    results: calls.map((block) => ({
      tool_use_id: (block.data as { id: string }).id,
      content: `Tool call not executed: ${reason}`,
      is_error: true,
    })),
  });
}
