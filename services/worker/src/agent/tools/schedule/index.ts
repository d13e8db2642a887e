/**
 * The `meerkat_schedule_*` tools inside a turn. Definitions and behaviour come from
 * @meerkat/shared/schedules (GET /schedule/tools and POST /schedule/call use the same), so an
 * agent and an API client see one contract. What the worker adds: the running session (for
 * the `current_session` target) and an id for created schedules derived from the tool call.
 */
import {
  callScheduleTool,
  scheduleToolDefinitions,
  type ScheduleToolDefinition,
} from "@meerkat/shared/schedules";
import { toolEnabled } from "../../run-context.js";
import { callScopedUuid } from "../builtins/call-id.js";
import { serviceResult, type Tool, type ToolSource } from "../types.js";

function scheduleTool(definition: ScheduleToolDefinition): Tool {
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: definition.inputSchema,
    execute: (args, ctx) =>
      serviceResult(() =>
        callScheduleTool(ctx.run.db, ctx.run.session.realmId, definition.name, args, {
          now: new Date(),
          currentSessionId: ctx.run.session.id,
          // A turn re-run after a crash repeats the call with the same id: the schedule it
          // already created is returned instead of a second one.
          createId: callScopedUuid("schedule", ctx.run.turn.id, ctx.callId),
        }),
      ),
  };
}

/** The schedule tools, on with `enable_schedule` / `tools.schedule_enabled` (default on). */
export function createScheduleSource(): ToolSource {
  const tools = scheduleToolDefinitions().map(scheduleTool);
  return {
    name: "schedule",
    enabled: (run) => toolEnabled(run.session, run.config, "schedule"),
    tools: () => tools,
  };
}
