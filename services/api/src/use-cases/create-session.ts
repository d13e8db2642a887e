import { archiveSession, createSessionWithTurn } from "@meerkat/shared/db";
import { AppError } from "@meerkat/shared/errors";
import { assertSkillsResolvable } from "@meerkat/shared/skills";
import { assertHooksOverride } from "./hook-policy.js";
import { linkRequest, type TrackedRequest } from "./request-tracking.js";
import { stopActiveTurn } from "./stop-turn.js";
import { newId, type SessionSettings } from "@meerkat/shared/domain";
import type { CreateSessionBody } from "../http/routes/sessions.schemas.js";
import type { ServiceDeps } from "./deps.js";
import { enqueueTurn } from "./enqueue-turn.js";
import { assertProviderAvailable, resolveModel } from "./resolve-model.js";
import {
  assertAppContext,
  assertKeepAlive,
  assertLabels,
  assertShellNeedsBuiltins,
  assertOutputSchema,
} from "./validate-metadata.js";

export interface QueuedTurn {
  sessionId: string;
  turnId: string;
}

export interface QueueOptions {
  tracked?: TrackedRequest | undefined;
  /**
   * The request waits for the turn's result (no `Prefer: respond-async`). Nothing is then
   * acknowledged before the worker's synchronous commit of the outcome, which makes the queued
   * turn durable with it (Postgres flushes WAL in order), so queueing it need not wait for its
   * own WAL flush. A 202 answers as soon as the turn is queued: that queueing must be durable.
   */
  waitsForResult?: boolean | undefined;
}

/** The handle that queues a turn: relaxed only when the client waits for the outcome. */
export function queueingDb(deps: ServiceDeps, options: QueueOptions): ServiceDeps["db"] {
  return options.waitsForResult === true ? deps.relaxedDb : deps.db;
}

/**
 * Validates a create request, stores the session with its first turn (queued) in one
 * transaction, and enqueues the turn. Nothing is written when validation fails.
 */
export async function createSession(
  deps: ServiceDeps,
  body: CreateSessionBody,
  options: QueueOptions & { kind?: "prompt" | "help" } = {},
): Promise<QueuedTurn> {
  const { config } = await deps.realm.config();
  const resolved = resolveModel(body.model, body.provider, config);
  assertLabels(body.labels);
  assertLabels(body.peer_meta?.labels, "peer_meta.labels");
  assertAppContext(body.app_context);
  assertKeepAlive(body.keep_alive, body.comms_name);
  assertShellNeedsBuiltins(body.enable_shell, body.enable_builtins, config.tools.builtins_enabled);
  assertOutputSchema(body.output_schema, resolved.provider);
  assertHooksOverride(body.hooks_override, config.hooks.entries, deps.hookRuntimes);
  assertSkillsResolvable(body.preload_skills, body.skill_refs, config, body);
  assertProviderAvailable(resolved, deps.providers, config);

  const settings: SessionSettings = {
    system_prompt: body.system_prompt ?? config.agent.system_prompt ?? null,
    max_tokens: body.max_tokens ?? config.agent.max_tokens_per_turn,
    structured_output_retries:
      body.structured_output_retries ?? config.agent.structured_output_retries,
    output_schema: body.output_schema ?? null,
    keep_alive: body.keep_alive ?? false,
    comms_name: body.comms_name ?? null,
    peer_meta: body.peer_meta ?? null,
    provider_params: body.provider_params ?? null,
    hooks_override: body.hooks_override ?? null,
    enable_builtins: body.enable_builtins ?? null,
    enable_shell: body.enable_shell ?? null,
    enable_memory: body.enable_memory ?? null,
    enable_schedule: body.enable_schedule ?? null,
    enable_workgraph: body.enable_workgraph ?? null,
    enable_web_search: body.enable_web_search ?? null,
    budget_limits: body.budget_limits ?? null,
    preload_skills: body.preload_skills ?? null,
    additional_instructions: body.additional_instructions ?? null,
    app_context: body.app_context ?? null,
    shell_env: body.shell_env ?? null,
  };
  const sessionId = newId();
  const turnId = newId();
  await createSessionWithTurn(
    queueingDb(deps, options),
    {
      id: sessionId,
      realmId: deps.realm.realmId,
      instanceId: deps.realm.instanceId ?? null,
      model: resolved.model,
      provider: resolved.provider,
      settings,
      labels: body.labels ?? {},
    },
    {
      id: turnId,
      kind: options.kind ?? "prompt",
      input: {
        prompt: body.prompt,
        verbose: body.verbose,
        ...(body.skill_refs ? { skill_refs: body.skill_refs } : {}),
      },
      requestId: options.tracked?.requestId,
    },
  );
  if (!(await linkRequest(deps, options.tracked, { sessionId, turnId }))) {
    // Cancelled before the turn existed: nothing ran, so nothing is left behind.
    await stopActiveTurn(deps, { turnId }, "cancel");
    await archiveSession(deps.db, deps.realm.realmId, sessionId);
    throw new AppError("REQUEST_CANCELLED", "request cancelled");
  }
  await enqueueTurn(deps, turnId);
  return { sessionId, turnId };
}
