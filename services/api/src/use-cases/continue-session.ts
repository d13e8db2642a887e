import { findSession, queueContinueTurn } from "@meerkat/shared/db";
import { newId, type ProviderId, type SessionSettings } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ContinueSessionBody } from "../http/routes/sessions.schemas.js";
import type { ServiceDeps } from "./deps.js";
import { enqueueTurn } from "./enqueue-turn.js";
import { assertSkillsResolvable } from "@meerkat/shared/skills";
import { assertHooksOverride } from "./hook-policy.js";
import { linkRequest } from "./request-tracking.js";
import { stopActiveTurn } from "./stop-turn.js";
import { queueingDb, type QueueOptions, type QueuedTurn } from "./create-session.js";
import { assertProviderAvailable, resolveModel } from "./resolve-model.js";
import { assertKeepAlive, assertLabels, assertOutputSchema } from "./validate-metadata.js";
import { assertSessionBudget } from "./session-budget.js";

/**
 * Queues the next turn of a session. Explicit fields override the persisted settings for the
 * rest of the session (model/provider included: a continue can switch providers). The
 * database refuses a second active turn (409 SESSION_BUSY).
 */
export async function continueSession(
  deps: ServiceDeps,
  sessionId: string,
  body: ContinueSessionBody,
  options: QueueOptions = {},
): Promise<QueuedTurn> {
  const session = await findSession(deps.db, deps.realm.realmId, sessionId);
  if (!session) throw new AppError("SESSION_NOT_FOUND", `Session not found: ${sessionId}`);
  const { config } = await deps.realm.config();

  const switching =
    body.model !== undefined && body.model !== null
      ? true
      : body.provider !== undefined && body.provider !== null;
  const resolved = switching
    ? resolveModel(body.model ?? session.model, body.provider, config, {
        model: session.model,
        provider: session.provider as ProviderId,
      })
    : { model: session.model, provider: session.provider as ProviderId };
  assertLabels(body.peer_meta?.labels, "peer_meta.labels");
  assertKeepAlive(
    body.keep_alive ?? session.settings.keep_alive,
    body.comms_name ?? session.settings.comms_name,
  );
  assertProviderAvailable(resolved, deps.providers, config);
  assertSessionBudget(session, config.limits.session_token_budget);
  assertOutputSchema(body.output_schema, resolved.provider);
  assertHooksOverride(body.hooks_override, config.hooks.entries, deps.hookRuntimes);
  assertSkillsResolvable(null, body.skill_refs, config, session.settings);

  const patch: Partial<SessionSettings> = {};
  if (body.system_prompt !== undefined && body.system_prompt !== null)
    patch.system_prompt = body.system_prompt;
  if (body.max_tokens !== undefined && body.max_tokens !== null) patch.max_tokens = body.max_tokens;
  if (body.output_schema !== undefined && body.output_schema !== null)
    patch.output_schema = body.output_schema;
  if (body.structured_output_retries !== undefined && body.structured_output_retries !== null) {
    patch.structured_output_retries = body.structured_output_retries;
  }
  if (body.keep_alive !== undefined && body.keep_alive !== null) patch.keep_alive = body.keep_alive;
  if (body.comms_name !== undefined && body.comms_name !== null) patch.comms_name = body.comms_name;
  if (body.peer_meta !== undefined && body.peer_meta !== null) patch.peer_meta = body.peer_meta;
  if (body.hooks_override !== undefined && body.hooks_override !== null)
    patch.hooks_override = body.hooks_override;
  if (body.provider_params !== undefined && body.provider_params !== null) {
    patch.provider_params = body.provider_params;
  }
  if (body.enable_web_search !== undefined && body.enable_web_search !== null) {
    patch.enable_web_search = body.enable_web_search;
  }

  const turnId = newId();
  const outcome = await queueContinueTurn(queueingDb(deps, options), {
    realmId: deps.realm.realmId,
    sessionId,
    turn: {
      id: turnId,
      kind: "prompt",
      input: {
        prompt: body.prompt,
        verbose: body.verbose,
        additional_instructions: body.additional_instructions ?? undefined,
        ...(body.skill_refs ? { skill_refs: body.skill_refs } : {}),
        ...(body.flow_tool_overlay ? { flow_tool_overlay: body.flow_tool_overlay } : {}),
      },
      requestId: options.tracked?.requestId,
    },
    settingsPatch: patch,
    model: resolved.model !== session.model ? resolved.model : undefined,
    provider: resolved.provider !== session.provider ? resolved.provider : undefined,
  });
  if (outcome === "not_found")
    throw new AppError("SESSION_NOT_FOUND", `Session not found: ${sessionId}`);
  if (outcome === "busy") {
    throw new AppError("SESSION_BUSY", `Session ${sessionId} has a turn in progress`, {
      details: { session_id: sessionId },
    });
  }
  if (!(await linkRequest(deps, options.tracked, { sessionId, turnId }))) {
    await stopActiveTurn(deps, { turnId }, "cancel");
    throw new AppError("REQUEST_CANCELLED", "request cancelled", {
      details: { session_id: sessionId },
    });
  }
  await enqueueTurn(deps, turnId);
  return { sessionId, turnId };
}
