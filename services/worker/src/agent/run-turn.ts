import { join } from "node:path";
import {
  commitTurnOutcome,
  fenceOf,
  isDatabaseError,
  loadRunHistory,
  loadTurnCheckpoint,
  releaseTurnLease,
  type Db,
  type SessionRow,
  type TurnCheckpoint,
  type TurnFence,
  type TurnRow,
  type ClaimedTurnContext,
} from "@meerkat/shared/db";
import {
  newId,
  sessionRef,
  toWireUsage,
  ZERO_USAGE,
  addUsage,
  contentText,
  type AgentEvent,
  type ContentInput,
  type ErrorClass,
  type ProviderId,
  type RealmConfig,
  type RunResult,
  type TerminalCauseKind,
  type TerminalTurnStatus,
  type TranscriptMessage,
  type TurnError,
  type Usage,
} from "@meerkat/shared/domain";
import { describeError, isAppError } from "@meerkat/shared/errors";
import { isLlmError, type ProviderRegistry } from "@meerkat/shared/llm";
import type { Logger } from "@meerkat/shared/observability";
import { withSpan } from "@meerkat/shared/observability";
import type { RealtimePublisher } from "@meerkat/shared/realtime";
import type { ActiveTurns } from "./active-turns.js";
import { BudgetTracker, parseBudgetLimits } from "./budget.js";
import { TurnEventSink } from "./event-sink.js";
import { HookDeniedError, runHookOrThrow, type HookRunner } from "./hooks/types.js";
import { RunInbox } from "./inbox.js";
import { RetryExhaustedError } from "./llm-call.js";
import { runAgentLoop, sealUnanswered, type RunState } from "./loop.js";
import { RealmConfigCache } from "./realm-config-cache.js";
import type { RunContext } from "./run-context.js";
import type { AgentServices } from "./services.js";
import { resolveTools, ToolSet } from "./tools/registry.js";
import { transcriptToLlm } from "./transcript.js";
import { abortCauseOf, TurnAbort, TurnLease } from "./turn-lease.js";

export interface TurnRunnerSettings {
  leaseMs: number;
  flushIntervalMs: number;
  /** Root of the per-session scratch directories (shell tool). */
  workRoot: string;
}

export interface TurnRunnerDeps {
  db: Db;
  publisher: RealtimePublisher;
  providers: ProviderRegistry;
  logger: Logger;
  activeTurns: ActiveTurns;
  settings: TurnRunnerSettings;
  services: AgentServices;
  /** Starts the next inbox turn of a session when inputs arrived during this one. */
  wake: (sessionId: string) => Promise<unknown>;
}

const realmConfigs = new RealmConfigCache();

/** What an attempt produced, before it is committed. */
interface RunOutcome {
  status: TerminalTurnStatus;
  result: RunResult | null;
  error: TurnError | null;
  newMessages: TranscriptMessage[];
  usage: Usage;
  lastAssistantText: string | null;
  finalEvents: AgentEvent[];
  consumeInputIds?: string[] | undefined;
  applySystemContextIds?: string[] | undefined;
}

/**
 * Runs one claimed attempt of a turn to its end and commits the outcome, fenced by the
 * attempt's claim. An attempt that loses its lease, or is abandoned by a shutting-down worker, commits
 * nothing: the turn stays re-claimable and another worker resumes it from its checkpoints.
 */
export async function runClaimedTurn(
  claimed: ClaimedTurnContext,
  deps: TurnRunnerDeps,
): Promise<void> {
  const { turn } = claimed;
  const fence = fenceOf(turn);
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
    fence,
    leaseMs: deps.settings.leaseMs,
    controller,
  });
  const sink = new TurnEventSink({
    db: deps.db,
    publisher: deps.publisher,
    logger,
    sessionId: turn.sessionId,
    realmId: turn.realmId,
    fence,
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
        const session = claimed.session;
        const state = freshState();
        const outcome =
          session && !session.archivedAt
            ? await executeRun(claimed, session, controller.signal, sink, deps, logger, state)
            : failedOutcome(
                {
                  code: "SESSION_NOT_FOUND",
                  message: `Session not found: ${turn.sessionId}`,
                  error_class: "session_not_found",
                },
                state,
                turn.sessionId,
              );
        const cause = abortCauseOf(controller.signal);
        if (cause === "fenced" || cause === "shutdown") {
          sink.discard();
          if (cause === "shutdown") await releaseForRedelivery(fence, deps, logger);
          logger.info({ cause }, "turn attempt abandoned without commit");
          return;
        }
        await commit(turn, fence, outcome, sink, deps, logger);
      },
    );
  } finally {
    lease.stop();
    deps.activeTurns.delete(turn.id);
  }
}

async function commit(
  turn: TurnRow,
  fence: TurnFence,
  outcome: RunOutcome,
  sink: TurnEventSink,
  deps: TurnRunnerDeps,
  logger: Logger,
): Promise<void> {
  const pending = await sink.drainForCommit();
  const now = Date.now();
  const toPending = (events: AgentEvent[]) =>
    events.map((payload) => ({ eventId: newId(), payload, emittedAtMs: now }));
  const write = (result: RunOutcome, events: AgentEvent[]) =>
    commitTurnOutcome(deps.db, {
      fence,
      sessionId: turn.sessionId,
      realmId: turn.realmId,
      status: result.status,
      result: result.result,
      error: result.error,
      newMessages: result.newMessages,
      usage: result.usage,
      lastAssistantText: result.lastAssistantText,
      events: [...pending, ...toPending(events)],
      consumeInputIds: result.consumeInputIds,
      applySystemContextIds: result.applySystemContextIds,
      hasRequest: turn.requestId !== null,
    });
  let final = outcome;
  let committed = await write(outcome, outcome.finalEvents);
  if (committed.kind === "request_cancelled") {
    // The caller cancelled before this success could commit: it ends cancelled instead.
    final = stoppedOutcome("cancel", freshState(), turn.sessionId);
    committed = await write(final, final.finalEvents);
  }
  if (committed.kind !== "committed") {
    logger.warn({ result: committed.kind }, "turn outcome not committed");
    return;
  }
  logger.info(
    {
      status: final.status,
      inputTokens: final.usage.inputTokens,
      outputTokens: final.usage.outputTokens,
    },
    "turn committed",
  );
  await deps.publisher
    .publish(
      { session_id: turn.sessionId, turn_id: turn.id, events: committed.envelopes },
      {
        turn_id: turn.id,
        session_id: turn.sessionId,
        status: final.status,
        result: final.result,
        error: final.error,
      },
    )
    .catch((err: unknown) => {
      logger.warn({ err }, "outcome publish failed; waiters fall back to Postgres");
    });
  // Inputs that arrived while this turn ran are waiting: the next turn takes them.
  if (committed.hasPendingInputs) {
    await deps.wake(turn.sessionId).catch((err: unknown) => {
      logger.warn({ err }, "could not wake the session for its pending inputs; the sweeper will");
    });
  }
}

/** Lets another worker take the turn at once instead of waiting for the lease to lapse. */
async function releaseForRedelivery(
  fence: TurnFence,
  deps: TurnRunnerDeps,
  logger: Logger,
): Promise<void> {
  await releaseTurnLease(deps.db, fence).catch((err: unknown) => {
    logger.warn({ err }, "could not release the turn lease; it will lapse on its own");
  });
}

function freshState(): RunState {
  return { usage: ZERO_USAGE, llmCalls: 0, toolCalls: 0, newMessages: [], partialText: "" };
}

function systemPromptFor(
  session: SessionRow,
  config: RealmConfig,
  sections: readonly string[],
): string | undefined {
  const base = session.settings.system_prompt ?? config.agent.system_prompt;
  const parts = [base, config.agent.tool_instructions, ...sections].filter((part): part is string =>
    Boolean(part?.trim()),
  );
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** Narrows the run's tools by the turn's flow_tool_overlay (allowed first, then blocked). */
function applyOverlay(tools: ToolSet, turn: TurnRow): ToolSet {
  const overlay = turn.input.flow_tool_overlay;
  if (!overlay) return tools;
  const allowed = overlay.allowed_tools ? new Set(overlay.allowed_tools) : undefined;
  const blocked = new Set(overlay.blocked_tools ?? []);
  return new ToolSet(
    tools
      .names()
      .filter((name) => (allowed ? allowed.has(name) : true) && !blocked.has(name))
      .flatMap((name) => {
        const tool = tools.get(name);
        return tool ? [tool] : [];
      }),
  );
}

async function executeRun(
  claimed: ClaimedTurnContext,
  session: SessionRow,
  signal: AbortSignal,
  sink: TurnEventSink,
  deps: TurnRunnerDeps,
  logger: Logger,
  state: RunState,
): Promise<RunOutcome> {
  const { turn } = claimed;
  let hooks: HookRunner | undefined;
  let inbox: RunInbox | undefined;
  try {
    signal.throwIfAborted();
    const config = realmConfigs.get(
      session.realmId,
      claimed.realmConfigGeneration,
      claimed.realmConfig,
      logger,
    );
    const workDir = join(deps.settings.workRoot, session.realmId, session.id);
    const run: RunContext = {
      db: deps.db,
      logger,
      providers: deps.providers,
      turn,
      session,
      config,
      signal,
      emit: (event) => {
        sink.emit(event);
      },
      flush: () => sink.flush(),
      fence: fenceOf(turn),
      workDir,
      wake: deps.wake,
    };
    hooks = deps.services.hooks(run);
    inbox = claimed.hasInbox
      ? await RunInbox.gather(deps.db, session.id)
      : RunInbox.empty(deps.db, session.id);
    const started = await runHookOrThrow(hooks, "run_started", {
      session_id: session.id,
      prompt: turn.input.prompt ?? null,
    });
    const prompt =
      (started["prompt"] as ContentInput | null | undefined) ?? turn.input.prompt ?? undefined;
    if (prompt === undefined && inbox.isEmpty) {
      // An inbox turn whose inputs another turn already took: nothing to answer.
      return completedOutcome(session, state, "", null, undefined, [], inbox);
    }
    sink.emit({
      type: "run_started",
      session_id: session.id,
      prompt:
        prompt ??
        inbox.notices
          .map((notice) =>
            notice.role === "system_notice"
              ? (notice.body ?? "")
              : notice.role === "user"
                ? contentText(notice.content)
                : "",
          )
          .join("\n\n"),
      ...(turn.attempt > 1 ? { attempt: turn.attempt } : {}),
    });
    state.newMessages.push(...inbox.notices);
    if (prompt !== undefined) state.newMessages.push({ role: "user", content: prompt });
    const input = transcriptToLlm(state.newMessages);

    const provider = deps.providers.forSession(
      { provider: session.provider as ProviderId, model: session.model },
      config.self_hosted.servers,
    );
    const skillSections = await deps.services.skills(run, {
      preload: session.settings.preload_skills,
      refs: [...(turn.input.skill_refs ?? []), ...inbox.skillRefs],
    });
    const system = systemPromptFor(session, config, [
      ...inbox.contextSections,
      ...skillSections,
      ...(session.settings.additional_instructions ?? []),
      ...(turn.input.additional_instructions ?? []),
      ...inbox.instructions,
    ]);
    const tools = applyOverlay(await resolveTools(deps.services.toolSources, run), turn);
    // The first turn of a session has no transcript (nor compaction) to read.
    const stored =
      session.messageCount > 0
        ? await loadRunHistory(deps.db, session.id)
        : { transcript: [], latestCompaction: undefined };
    const history = await deps.services.compact({
      run,
      provider,
      model: session.model,
      transcript: stored.transcript,
      latestCompaction: stored.latestCompaction,
      onUsage: (usage) => {
        state.usage = addUsage(state.usage, usage);
      },
    });
    const checkpoint: TurnCheckpoint =
      turn.attempt > 1
        ? await loadTurnCheckpoint(deps.db, turn.id)
        : { steps: [], toolCalls: new Map() };
    const budget = new BudgetTracker(
      parseBudgetLimits(session.settings.budget_limits, config.budget),
      config.agent.budget_warning_threshold,
      run.emit,
    );

    const loop = await runAgentLoop({
      run,
      provider,
      model: session.model,
      system,
      tools,
      hooks,
      history,
      input,
      compactor: deps.services.boundaryCompactor?.({
        run,
        provider,
        model: session.model,
        layout: { historyLength: history.length, inputLength: input.length },
        onUsage: (usage) => {
          state.usage = addUsage(state.usage, usage);
        },
      }),
      takeSteering: () => (inbox ? inbox.takeSteering(state.newMessages) : Promise.resolve([])),
      checkpoint,
      budget,
      state,
    });

    const outputSchema = session.settings.output_schema;
    const wantsExtraction =
      outputSchema !== null && outputSchema !== undefined && loop.terminalCause === null;
    const runCompleted: AgentEvent = {
      type: "run_completed",
      session_id: session.id,
      result: loop.finalText,
      usage: toWireUsage(state.usage),
      ...(wantsExtraction ? { extraction_required: true } : {}),
      ...(loop.terminalCause ? { terminal_cause_kind: loop.terminalCause } : {}),
    };
    // With extraction, run_completed goes out now and the extraction events follow; without,
    // it is written in the same transaction as the outcome.
    if (wantsExtraction) sink.emit(runCompleted);
    await runHookOrThrow(hooks, "run_completed", { session_id: session.id, text: loop.finalText });

    let extraction: Awaited<ReturnType<AgentServices["extract"]>> | undefined;
    if (wantsExtraction) {
      extraction = await deps.services.extract({
        run,
        provider,
        providerId: session.provider as ProviderId,
        model: session.model,
        system,
        conversation: loop.conversation,
        outputSchema,
        retries: session.settings.structured_output_retries,
        remainingMs: () => budget.remainingMs(),
      });
      state.llmCalls += extraction.llmCalls;
      state.usage = addUsage(state.usage, extraction.usage);
    }
    return completedOutcome(
      session,
      state,
      loop.finalText,
      loop.terminalCause,
      extraction,
      wantsExtraction ? [] : [runCompleted],
      inbox,
    );
  } catch (error) {
    const outcome = withInbox(outcomeForError(error, signal, session.id, state, logger), inbox);
    if (hooks && outcome.status === "failed") {
      await hooks
        .run("run_failed", { session_id: session.id, error: outcome.error?.message ?? "" })
        .catch(() => undefined);
    }
    return outcome;
  }
}

/**
 * Adds what the run took from the inbox: inputs are consumed (their notices stay in the
 * transcript, also when the run failed, so a failing provider cannot loop on them) except when
 * the request was cancelled, which leaves everything as if the run never happened.
 */
function withInbox(outcome: RunOutcome, inbox: RunInbox | undefined): RunOutcome {
  if (!inbox || outcome.status === "cancelled") return outcome;
  return {
    ...outcome,
    newMessages:
      outcome.status === "failed" || outcome.newMessages.length === 0
        ? [...inbox.notices]
        : outcome.newMessages,
    consumeInputIds: inbox.inputIds,
    applySystemContextIds: inbox.systemContextIds,
    finalEvents: [
      ...outcome.finalEvents,
      ...inbox.interactionEvents({
        completed: outcome.status === "completed",
        text: outcome.result?.text ?? "",
        error: outcome.error?.message,
      }),
    ],
  };
}

function completedOutcome(
  session: SessionRow,
  state: RunState,
  text: string,
  terminalCause: TerminalCauseKind | null,
  extraction: Awaited<ReturnType<AgentServices["extract"]>> | undefined,
  finalEvents: AgentEvent[],
  inbox: RunInbox | undefined,
): RunOutcome {
  sealUnanswered(state.newMessages, "the run ended");
  const result: RunResult = {
    session_id: session.id,
    session_ref: sessionRef(session.realmId, session.id),
    text,
    turns: state.llmCalls,
    tool_calls: state.toolCalls,
    usage: toWireUsage(state.usage),
    structured_output: extraction?.structuredOutput ?? null,
    schema_warnings: extraction?.schemaWarnings ?? null,
    ...(extraction?.extractionError ? { extraction_error: extraction.extractionError } : {}),
    ...(terminalCause ? { terminal_cause_kind: terminalCause } : {}),
  };
  return withInbox(
    {
      status: "completed",
      result,
      error: null,
      newMessages: state.newMessages,
      usage: state.usage,
      lastAssistantText: text,
      finalEvents,
    },
    inbox,
  );
}

function failedOutcome(
  error: TurnError,
  state: RunState,
  sessionId: string,
  terminalCause?: TerminalCauseKind,
): RunOutcome {
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
        ...(terminalCause ? { terminal_cause_kind: terminalCause } : {}),
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
  sealUnanswered(messages, cause === "interrupt" ? "interrupted" : "cancelled");
  const message = cause === "interrupt" ? "turn interrupted" : "request cancelled";
  return {
    status: cause === "interrupt" ? "interrupted" : "cancelled",
    result: null,
    error: { code: "REQUEST_CANCELLED", message, error_class: "cancelled" },
    // An interrupt keeps what the user already saw (marked cancelled); a cancelled request
    // leaves the transcript as if it never ran.
    newMessages:
      cause === "interrupt" && messages.some((m) => m.role === "block_assistant") ? messages : [],
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
  const cause = abortCauseOf(signal);
  if (cause === "interrupt" || cause === "cancel") return stoppedOutcome(cause, state, sessionId);
  if (cause === "fenced" || cause === "shutdown" || error instanceof TurnAbort) {
    // Never committed; the caller discards it.
    return failedOutcome(
      { code: "INTERNAL_ERROR", message: "attempt abandoned", error_class: "internal" },
      state,
      sessionId,
    );
  }
  if (error instanceof HookDeniedError) {
    return failedOutcome(
      {
        code: "HOOK_DENIED",
        message: error.message,
        error_class: "hook",
        details: {
          hook_id: error.hookId,
          reason_code: error.reasonCode,
          point: error.point,
          ...(error.payload === undefined ? {} : { payload: error.payload }),
        },
      },
      state,
      sessionId,
      "hook_denied",
    );
  }
  if (error instanceof RetryExhaustedError) {
    return failedOutcome(
      {
        code: "AGENT_ERROR",
        message: `provider failed after ${error.attempts} attempts: ${error.message}`,
        error_class: "llm",
        details: { attempts: error.attempts },
      },
      state,
      sessionId,
      "retry_exhausted",
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
      "llm_failure",
    );
  }
  if (isAppError(error)) {
    const errorClass: ErrorClass =
      error.code === "PROVIDER_ERROR"
        ? "auth"
        : error.code === "BUDGET_EXHAUSTED"
          ? "budget"
          : "internal";
    return failedOutcome(
      {
        code: error.code,
        message: error.message,
        error_class: errorClass,
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
      // A database error's message carries the SQL and its parameters: logged, not answered.
      message: isDatabaseError(error)
        ? "agent error: a database operation failed (the worker's log has the cause)"
        : `agent error: ${describeError(error)}`,
      error_class: "internal",
    },
    state,
    sessionId,
    "fatal_failure",
  );
}
