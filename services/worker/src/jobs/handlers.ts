import type { QueueName, QueuePayload } from "@meerkat/shared/queues";
import { processAgentTurn, type AgentTurnJobDeps } from "./agent-turn.js";

export type Handler<Q extends QueueName> = (payload: QueuePayload<Q>) => Promise<unknown>;

/** One handler per catalog queue: a queue without a handler does not compile. */
export type HandlerTable = { [Q in QueueName]: Handler<Q> };

export function createHandlers(deps: AgentTurnJobDeps): HandlerTable {
  return {
    "agent-turn": (payload) => processAgentTurn(payload, deps),
  };
}
