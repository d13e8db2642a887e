import {
  commitTurnOutcome,
  findRealm,
  getSessionById,
  loadTranscript,
  releaseTurnLease,
  type Db,
  type SessionRow,
  type TurnRow,
} from "@meerkat/shared/db";
import {
  addUsage,
  assistantText,
  newId,
  parseRealmConfig,
  sessionRef,
  toWireUsage,
  ZERO_USAGE,
  type AgentEvent,
  type AssistantBlock,
  type RealmConfig,
  type RunResult,
  type TerminalTurnStatus,
  type TranscriptMessage,
  type TurnError,
  type Usage,
} from "@meerkat/shared/domain";
import { describeError, isAppError } from "@meerkat/shared/errors";
import {
  isLlmError,
  type LlmMessage,
  type LlmRequest,
  type LlmStreamEvent,
  type ProviderRegistry,
} from "@meerkat/shared/llm";
import type { Logger } from "@meerkat/shared/observability";
import type { RealtimePublisher } from "@meerkat/shared/realtime";
import { withSpan } from "@meerkat/shared/observability";
import type { ActiveTurns } from "./active-turns.js";
import { TurnEventSink } from "./event-sink.js";
import { abortCauseOf, TurnAbort, TurnLease, type AbortCause } from "./turn-lease.js";
import { toLlmContent, transcriptToLlm } from "./transcript.js";

export interface TurnRunnerSettings {
  leaseMs: number;
  flushIntervalMs: number;
}

export interface TurnRunnerDeps {
  db: Db;
  publisher: RealtimePublisher;
  providers: ProviderRegistry;
  logger: Logger;
  activeTurns: ActiveTurns;
  settings: TurnRunnerSettings;
}

/** What an attempt produced, before it is committed. */
interface RunOutcome {
  status: TerminalTurnStatus;
  result: RunResult | null;
  error: TurnError | null;
  newMessages: TranscriptMessage[];
  usage: Usage;
  lastAssistantText: string | null;
  finalEvents: AgentEvent[];
}

/** Mutable progress of a run, so an abort can still commit what the user already saw. */
interface RunState {
  usage: Usage;
  llmCalls: number;
  toolCalls: number;
  newMessages: TranscriptMessage[];
  /** Text streamed in the current step, not yet part of a committed assistant message. */
  partialText: string;
}

/**
 * Runs one claimed attempt of a turn to its end and commits the outcome, fenced by the lease
 * epoch. An attempt that loses its lease, or is abandoned by a shutting-down worker, commits
 * nothing: the turn stays re-claimable and another worker finishes it.
 */
export async function runClaimedTurn(turn: TurnRow, deps: TurnRunnerDeps): Promise<void> {
  const logger = deps.logger.child({
    turnId: turn.id,
    sessionId: turn.sessionId,
    attempt: turn.attempt,
    epoch: turn.leaseEpoch,
  });
  const controller = new AbortController();
  const lease = new TurnLease({
    db: deps.db,
    logger,
    turnId: turn.id,
    epoch: turn.leaseEpoch,
    leaseMs: deps.settings.leaseMs,
    controller,
  });
  const sink = new TurnEventSink({
    db: deps.db,
    publisher: deps.publisher,
    logger,
    sessionId: turn.sessionId,
    realmId: turn.realmId,
    turnId: turn.id,
    epoch: turn.leaseEpoch,
    flushIntervalMs: deps.settings.flushIntervalMs,
    onFenced: () => {
      controller.abort(new TurnAbort("fenced"));
    },
  });
  deps.activeTurns.add(turn.id, controller);
  try {
    await withSpan(
      "agent.turn",
      {
        "meerkat.turn_id": turn.id,
        "meerkat.session_id": turn.sessionId,
        "meerkat.attempt": turn.attempt,
      },
      async () => {
        if (turn.stopReason === "interrupt" || turn.stopReason === "cancel") {
          controller.abort(new TurnAbort(turn.stopReason));
        }
        const session = await getSessionById(deps.db, turn.sessionId);
        const outcome =
          session && !session.archivedAt
            ? await executeRun(turn, session, controller.signal, sink, deps, logger)
            : failedOutcome(
                {
                  code: "SESSION_NOT_FOUND",
                  message: `Session not found: ${turn.sessionId}`,
                  error_class: "session_not_found",
                },
                freshState(),
                turn.sessionId,
              );
        const cause = abortCauseOf(controller.signal);
        if (cause === "fenced" || cause === "shutdown") {
          sink.discard();
          if (cause === "shutdown") await releaseForRedelivery(turn, deps, logger);
          logger.info({ cause }, "turn attempt abandoned without commit");
          return;
        }
        await commit(turn, session, outcome, sink, deps, logger);
      },
    );
  } finally {
    lease.stop();
    deps.activeTurns.delete(turn.id);
  }
}

async function commit(
  turn: TurnRow,
  session: SessionRow | undefined,
  outcome: RunOutcome,
  sink: TurnEventSink,
  deps: TurnRunnerDeps,
  logger: Logger,
): Promise<void> {
  const pending = await sink.drainForCommit();
  const now = Date.now();
  const envelopes = await commitTurnOutcome(deps.db, {
    turnId: turn.id,
    epoch: turn.leaseEpoch,
    sessionId: turn.sessionId,
    realmId: turn.realmId,
    status: outcome.status,
    result: outcome.result,
    error: outcome.error,
    newMessages: outcome.newMessages,
    systemPrompt: session?.settings.system_prompt,
    usage: outcome.usage,
    lastAssistantText: outcome.lastAssistantText,
    events: [
      ...pending,
      ...outcome.finalEvents.map((payload) => ({ eventId: newId(), payload, emittedAtMs: now })),
    ],
  });
  if (envelopes === null) {
    logger.warn("turn lease lost before commit; outcome discarded");
    return;
  }
  logger.info(
    {
      status: outcome.status,
      inputTokens: outcome.usage.inputTokens,
      outputTokens: outcome.usage.outputTokens,
    },
    "turn committed",
  );
  await deps.publisher
    .publish(
      { session_id: turn.sessionId, turn_id: turn.id, events: envelopes },
      {
        turn_id: turn.id,
        session_id: turn.sessionId,
        status: outcome.status,
        result: outcome.result,
        error: outcome.error,
      },
    )
    .catch((err: unknown) => {
      logger.warn({ err }, "outcome publish failed; waiters fall back to Postgres");
    });
}

/** Lets another worker take the turn at once instead of waiting for the lease to lapse. */
async function releaseForRedelivery(
  turn: TurnRow,
  deps: TurnRunnerDeps,
  logger: Logger,
): Promise<void> {
  await releaseTurnLease(deps.db, { turnId: turn.id, epoch: turn.leaseEpoch }).catch(
    (err: unknown) => {
      logger.warn({ err }, "could not release the turn lease; it will lapse on its own");
    },
  );
}

function freshState(): RunState {
  return { usage: ZERO_USAGE, llmCalls: 0, toolCalls: 0, newMessages: [], partialText: "" };
}

async function executeRun(
  turn: TurnRow,
  session: SessionRow,
  signal: AbortSignal,
  sink: TurnEventSink,
  deps: TurnRunnerDeps,
  logger: Logger,
): Promise<RunOutcome> {
  const state = freshState();
  try {
    signal.throwIfAborted();
    const realm = await findRealm(deps.db, session.realmId);
    const config = safeConfig(realm?.config, logger);
    const prompt = turn.input.prompt;
    sink.emit({ type: "run_started", session_id: session.id, prompt });
    state.newMessages.push({ role: "user", content: prompt });

    const history = transcriptToLlm(await loadTranscript(deps.db, session.id));
    const conversation: LlmMessage[] = [
      ...history,
      { role: "user", content: toLlmContent(prompt) },
    ];
    const provider = deps.providers.get(session.provider as Parameters<ProviderRegistry["get"]>[0]);
    const system = systemPromptFor(session, config, turn.input.additional_instructions);
    const maxSteps = config.agent.max_turns;

    for (let step = 0; ; step += 1) {
      signal.throwIfAborted();
      if (step >= maxSteps) {
        return completedOutcome(session, state, "turn_limit_reached");
      }
      sink.emit({ type: "turn_started", turn_number: step });
      const request: LlmRequest = {
        model: session.model,
        system,
        messages: conversation,
        maxTokens: session.settings.max_tokens,
        temperature: config.agent.temperature,
        providerParams: session.settings.provider_params ?? config.agent.provider_params,
      };
      const done = await streamStep(provider.stream(request, { signal }), sink, state);
      state.llmCalls += 1;
      state.usage = addUsage(state.usage, done.usage);
      const blocks: AssistantBlock[] = [];
      if (done.text !== "") blocks.push({ block_type: "text", data: { text: done.text } });
      for (const call of done.toolCalls) {
        blocks.push({
          block_type: "tool_use",
          data: { id: call.id, name: call.name, args: call.args },
        });
      }
      state.newMessages.push({ role: "block_assistant", blocks, stop_reason: done.stopReason });
      state.partialText = "";
      conversation.push({ role: "assistant", text: done.text, toolCalls: done.toolCalls });
      if (done.text !== "") sink.emit({ type: "text_complete", content: done.text });

      if (done.toolCalls.length > 0 && done.stopReason === "tool_use") {
        // No tools are offered yet: any call is answered with an error result the model sees.
        const results = done.toolCalls.map((call) => ({
          toolCallId: call.id,
          name: call.name,
          content: `Unknown tool: ${call.name}`,
          isError: true,
        }));
        state.newMessages.push({
          role: "tool_results",
          results: results.map((result) => ({
            tool_use_id: result.toolCallId,
            content: result.content,
            is_error: true,
          })),
        });
        conversation.push({ role: "tool_results", results });
        await sink.flush();
        continue;
      }
      sink.emit({
        type: "turn_completed",
        stop_reason: done.stopReason,
        usage: toWireUsage(done.usage),
      });
      return completedOutcome(session, state, null);
    }
  } catch (error) {
    return outcomeForError(error, signal, session.id, state, logger);
  }
}

async function streamStep(
  stream: AsyncIterable<LlmStreamEvent>,
  sink: TurnEventSink,
  state: RunState,
): Promise<Extract<LlmStreamEvent, { type: "done" }>> {
  for await (const event of stream) {
    switch (event.type) {
      case "text_delta":
        state.partialText += event.delta;
        sink.emit({ type: "text_delta", delta: event.delta });
        break;
      case "reasoning_delta":
        sink.emit({ type: "reasoning_delta", delta: event.delta });
        break;
      case "tool_call":
        break;
      case "done":
        return event;
    }
  }
  throw new Error("provider stream ended without a final event");
}

function systemPromptFor(
  session: SessionRow,
  config: RealmConfig,
  turnInstructions: readonly string[] | undefined,
): string | undefined {
  const base = session.settings.system_prompt ?? config.agent.system_prompt;
  const sections = [
    ...(session.settings.additional_instructions ?? []),
    ...(turnInstructions ?? []),
  ];
  const parts = [base, ...sections].filter((part): part is string => Boolean(part?.trim()));
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

function safeConfig(raw: unknown, logger: Logger): RealmConfig {
  try {
    return parseRealmConfig(raw);
  } catch (err) {
    logger.error({ err }, "stored realm config is invalid; using defaults");
    return parseRealmConfig({});
  }
}

function completedOutcome(
  session: SessionRow,
  state: RunState,
  terminalCause: RunResult["terminal_cause_kind"],
): RunOutcome {
  const lastAssistant = [...state.newMessages]
    .reverse()
    .find((message) => message.role === "block_assistant");
  const text = lastAssistant?.role === "block_assistant" ? assistantText(lastAssistant.blocks) : "";
  const usage = toWireUsage(state.usage);
  const result: RunResult = {
    session_id: session.id,
    session_ref: sessionRef(session.realmId, session.id),
    text,
    turns: state.llmCalls,
    tool_calls: state.toolCalls,
    usage,
    structured_output: null,
    schema_warnings: null,
    ...(terminalCause ? { terminal_cause_kind: terminalCause } : {}),
  };
  return {
    status: "completed",
    result,
    error: null,
    newMessages: state.newMessages,
    usage: state.usage,
    lastAssistantText: text,
    finalEvents: [
      {
        type: "run_completed",
        session_id: session.id,
        result: text,
        usage,
        ...(terminalCause ? { terminal_cause_kind: terminalCause } : {}),
      },
    ],
  };
}

function failedOutcome(error: TurnError, state: RunState, sessionId: string): RunOutcome {
  return {
    status: "failed",
    result: null,
    error,
    // A failed run leaves the transcript as it was: the session is usable and unchanged.
    newMessages: [],
    usage: state.usage,
    lastAssistantText: null,
    finalEvents: [
      {
        type: "run_failed",
        session_id: sessionId,
        error: error.message,
        error_class: error.error_class,
        error_report: { class: error.error_class, message: error.message },
      },
    ],
  };
}

function stoppedOutcome(
  cause: "interrupt" | "cancel",
  state: RunState,
  sessionId: string,
): RunOutcome {
  const messages = [...state.newMessages];
  if (state.partialText !== "") {
    messages.push({
      role: "block_assistant",
      blocks: [{ block_type: "text", data: { text: state.partialText } }],
      stop_reason: "cancelled",
    });
  }
  const message = cause === "interrupt" ? "turn interrupted" : "request cancelled";
  return {
    status: cause === "interrupt" ? "interrupted" : "cancelled",
    result: null,
    error: { code: "REQUEST_CANCELLED", message, error_class: "cancelled" },
    // What the user already saw stays in the transcript, marked as cancelled.
    newMessages: messages.length > 1 ? messages : [],
    usage: state.usage,
    lastAssistantText: null,
    finalEvents: [
      { type: "run_failed", session_id: sessionId, error: message, error_class: "cancelled" },
    ],
  };
}

function outcomeForError(
  error: unknown,
  signal: AbortSignal,
  sessionId: string,
  state: RunState,
  logger: Logger,
): RunOutcome {
  const cause: AbortCause | undefined = abortCauseOf(signal);
  if (cause === "interrupt" || cause === "cancel") return stoppedOutcome(cause, state, sessionId);
  if (cause === "fenced" || cause === "shutdown") {
    // Never committed; the caller discards it.
    return failedOutcome(
      { code: "INTERNAL_ERROR", message: cause, error_class: "internal" },
      state,
      sessionId,
    );
  }
  if (isLlmError(error)) {
    const { kind, status } = error.classification;
    const isAuth = kind === "auth";
    const detail = status ? ` (HTTP ${status})` : "";
    logger.warn({ kind, status }, "provider call failed");
    return failedOutcome(
      {
        code: isAuth ? "PROVIDER_ERROR" : "AGENT_ERROR",
        message: `provider ${error.provider} failed${detail}: ${error.message}`,
        error_class: isAuth ? "auth" : "llm",
        details: { provider_error_kind: kind, ...(status ? { provider_status: status } : {}) },
      },
      state,
      sessionId,
    );
  }
  if (isAppError(error)) {
    return failedOutcome(
      {
        code: error.code,
        message: error.message,
        error_class: error.code === "PROVIDER_ERROR" ? "auth" : "internal",
        ...(error.details ? { details: error.details } : {}),
      },
      state,
      sessionId,
    );
  }
  logger.error({ err: error }, "turn failed unexpectedly");
  return failedOutcome(
    {
      code: "AGENT_ERROR",
      message: `agent error: ${describeError(error)}`,
      error_class: "internal",
    },
    state,
    sessionId,
  );
}
