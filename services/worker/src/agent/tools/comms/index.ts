/**
 * The comms tools inside a turn (`peers`, `send_message`, `send_request`, `send_response`).
 * Definitions and delivery come from @meerkat/shared/comms, which `POST /comms/send` uses too.
 * What the worker adds: the sending session, and envelope ids derived from the tool call, so a
 * turn re-run after a crash repeats a send as a duplicate the peer's inbox acknowledges once.
 */
import {
  commsToolCommand,
  commsToolDefinitions,
  listPeers,
  sendComms,
  type CommsToolDefinition,
} from "@meerkat/shared/comms";
import { toolEnabled, type RunContext } from "../../run-context.js";
import { callScopedUuid } from "../builtins/call-id.js";
import { serviceResult, type Tool, type ToolSource } from "../types.js";

async function runCommsTool(
  definition: CommsToolDefinition,
  args: Record<string, unknown>,
  run: RunContext,
  callId: string,
) {
  const { session, turn } = run;
  const command = commsToolCommand(definition.name, session.id, args);
  if (!command) return { peers: await listPeers(run.db, session.realmId, session.id) };
  return sendComms(
    {
      db: run.db,
      realmId: session.realmId,
      capacity: run.config.inbox.capacity,
      wake: run.wake,
    },
    command,
    {
      envelopeId: callScopedUuid("comms-envelope", turn.id, callId),
      interactionId: callScopedUuid("comms-interaction", turn.id, callId),
      requestId: callScopedUuid("comms-request", turn.id, callId),
    },
  );
}

function commsTool(definition: CommsToolDefinition): Tool {
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: definition.inputSchema,
    // An unknown peer, a full inbox, a send to itself: error results the model sees.
    execute: (args, ctx) =>
      serviceResult(() => runCommsTool(definition, args, ctx.run, ctx.callId)),
  };
}

/**
 * The comms tools, for a session with a `comms_name` (its identity as a sender) while comms
 * is on for it.
 */
export function createCommsSource(): ToolSource {
  const tools = commsToolDefinitions().map(commsTool);
  return {
    name: "comms",
    enabled: (run) =>
      typeof run.session.settings.comms_name === "string" &&
      run.session.settings.comms_name !== "" &&
      toolEnabled(run.session, run.config, "comms"),
    tools: () => tools,
  };
}
