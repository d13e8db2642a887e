/** The platform guide: what this service is and how its REST surface fits together (POST /help preloads it). */
export const MEERKAT_PLATFORM = `# Meerkat platform

Meerkat is an agent runtime reached over HTTP (REST contract 0.6.6). A client creates a
**session** (a durable conversation with a model), sends it prompts, and gets back the agent's
answer after the model and any tools it used have finished. Agents can also be woken by webhooks
and schedules, and watched live over server-sent events. Models come from Anthropic, OpenAI,
Gemini, or any OpenAI-compatible self-hosted server.

## How it runs

- An **API** service (HTTP), **workers** that run agent turns, and a **scheduler** that fires
  schedules. Each scales on its own; Postgres is the system of record and Redis carries queues
  and live events, so a restart of any process loses nothing that was acknowledged.
- One deployment serves one **realm** (\`--realm\` or \`MEERKAT_REALM\`; without one, each start
  creates a fresh \`realm-<uuid>\`). Sessions, schedules and config are per realm. A session can
  be addressed by its id or by \`<realm_id>:<session_id>\` (the \`session_ref\`).
- Provider keys come from the environment: \`ANTHROPIC_API_KEY\`, \`OPENAI_API_KEY\`,
  \`GEMINI_API_KEY\` (or \`GOOGLE_API_KEY\`), \`SELF_HOSTED_BASE_URL\` for a self-hosted server. A
  missing key fails the request with 502 \`PROVIDER_ERROR\` naming the variable.
- With \`MEERKAT_API_KEYS\` set, every route except \`/health\`, \`/readyz\` and \`/livez\` needs
  \`Authorization: Bearer <key>\`.

## Sessions and turns

- \`POST /sessions\` with at least \`{"prompt": "…"}\` creates a session and runs its first turn.
  Useful fields: \`model\` and \`provider\` (inferred from the model when omitted), \`system_prompt\`,
  \`max_tokens\`, \`output_schema\` (structured JSON output, with \`structured_output_retries\`),
  \`labels\`, \`budget_limits\` (\`max_tokens\`, \`max_duration\`, \`max_tool_calls\`), tool switches
  (\`enable_builtins\`, \`enable_shell\`, \`enable_memory\`, \`enable_schedule\`, \`enable_workgraph\`,
  \`enable_web_search\`), \`preload_skills\`, \`skill_refs\`, \`additional_instructions\`,
  \`hooks_override\`, \`provider_params\`, \`app_context\`, \`shell_env\`.
- \`POST /sessions/{id}/messages\` with \`{"session_id": "…", "prompt": "…"}\` continues it.
  Omitted settings keep their stored values; settings you pass (model, system prompt, …) replace
  them for the rest of the session.
- Both wait for the whole turn and answer a run result: \`{session_id, session_ref, text, turns,
  tool_calls, usage, structured_output, schema_warnings, terminal_cause_kind?}\`. \`usage\` is this
  run's usage; \`terminal_cause_kind\` is set when the run stopped early but successfully (budget
  exhausted, turn limit reached).
- Add the header \`Prefer: respond-async\` to get \`202 {session_id, turn_id, status: "queued"}\`
  as soon as the turn is stored, then follow it over SSE or read the session later.
- One turn at a time per session: a second one while a turn is queued or running gets 409
  \`SESSION_BUSY\`.
- Reads: \`GET /sessions\` (\`limit\`, \`offset\`, repeatable \`label=key=value\`), \`GET /sessions/{id}\`,
  \`GET /sessions/{id}/status\`, \`GET /sessions/{id}/history\` (\`offset\`, \`limit\`; the complete
  transcript, also after compaction).
- \`POST /sessions/{id}/interrupt\` stops the running turn; \`DELETE /sessions/{id}\` archives the
  session (its history stays readable).
- \`POST /sessions/{id}/system_context\` stages extra system-prompt text for the next turn.

## Live events (SSE)

\`GET /sessions/{id}/events\` streams the session's events: \`run_started\`, \`turn_started\`,
\`text_delta\`, \`text_complete\`, \`tool_call_requested\`, \`tool_execution_started\`,
\`tool_execution_completed\`, \`turn_completed\`, \`run_completed\`, \`run_failed\`, and events of
retries, budgets, hooks, compaction and skills. The stream stays open across turns. Every frame
has \`id: <seq>\`; reconnect with \`Last-Event-ID\` (or \`?after=<seq>\`) to get every missed event
exactly once. Start the stream before sending a prompt with \`Prefer: respond-async\` to see a
turn from its first token.

## Webhooks

\`POST /sessions/{id}/external-events\` delivers an outside event to a session (202
\`{"queued": true}\`). When \`RKAT_WEBHOOK_SECRET\` is set, send it in \`X-Webhook-Secret\`. Events
queue in the session's inbox and reach the agent as notices; by default an idle session wakes and
runs a turn for them (\`inbox.wake_on_event\`). A full inbox answers 503.

## Schedules

\`/schedules\` (create, list, get, update with \`PATCH\`, \`DELETE\`, \`/pause\`, \`/resume\`,
\`/occurrences\`) defines triggers (\`once\`, \`interval\`, \`calendar\`, or \`cron\` with a time zone)
that deliver a prompt or an event to an existing session or to one created on first delivery,
with misfire, overlap and missing-target policies. Agents manage them with the
\`meerkat_schedule_*\` tools (see the schedule-workflow skill); \`GET /schedule/tools\` lists them and
\`POST /schedule/call\` calls one directly.

## Tools the agent can have

Switched per realm in config (\`tools.*\`) and per session with the \`enable_*\` fields:
builtins (task list and \`datetime\`), shell (needs builtins), memory (\`memory_search\` over
compacted history), schedules, work graph, and comms between agents; provider web search through
\`enable_web_search\`. Skills are documents injected into the system prompt: \`GET /skills\` lists
them; load them with \`preload_skills: [{source_uuid, skill_name}]\` on create or
\`skill_refs: [{kind: "structured", source_uuid, skill_name}]\` on one turn.

## Config and introspection

- \`GET /config\` returns \`{config, generation, realm_id, …}\`; \`PUT /config\` replaces it and
  \`PATCH /config\` merges a JSON merge patch. Pass \`expected_generation\` to avoid overwriting a
  concurrent change. Sections: \`agent\` (default model, system prompt, max turns, …), \`tools\`,
  \`budget\`, \`retry\`, \`shell\`, \`compaction\` (threshold and how many recent turns stay verbatim),
  \`hooks\`, \`skills\`, \`limits\`, \`self_hosted\`, \`provider_tools\`, \`inbox\`, \`events\`.
- \`GET /capabilities\` lists what this runtime can do and what config switched off;
  \`GET /models/catalog\` lists models with their limits; \`GET /runtime/host_info\`,
  \`/runtime/capabilities\`, \`/runtime/health\`, \`/health\` and \`/readyz\` serve operators.
- \`GET /openapi.json\` is the full machine-readable API (browsable at \`/docs\`).

## Errors

Every error is JSON \`{"error": "…", "code": "…", "details"?: {…}}\`. Common codes:
\`BAD_REQUEST\` 400, \`UNAUTHORIZED\` 401, \`HOOK_DENIED\` 403, \`SESSION_NOT_FOUND\` and
\`SKILL_NOT_FOUND\` 404, \`SESSION_BUSY\` 409, \`SKILL_RESOLUTION_FAILED\` 422, \`REQUEST_CANCELLED\` 499,
\`AGENT_ERROR\` 500, \`CAPABILITY_UNAVAILABLE\` 501, \`PROVIDER_ERROR\` 502. A turn that fails after its
session exists carries \`details.session_id\` and \`resumable: true\`: the session can be continued.

## Answering questions about Meerkat

Give concrete requests (method, path, a minimal JSON body) and say which config key or field
controls a behaviour. When something depends on this deployment (its realm, its config, which
providers have keys), say how to check it (\`GET /config\`, \`GET /capabilities\`) instead of
guessing.
`;
