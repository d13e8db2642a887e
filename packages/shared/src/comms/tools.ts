/**
 * The comms tools an agent with a `comms_name` gets: `peers`, `send_message`, `send_request`
 * and `send_response` (spec §10.2). They go through `sendComms`, like `POST /comms/send`, so a
 * peer sees the same inbox entry whichever way a message was sent.
 */
import type { JsonObject } from "../llm/types.js";
import type { CommsCommand } from "./send.js";

export interface CommsToolDefinition {
  name: "peers" | "send_message" | "send_request" | "send_response";
  description: string;
  inputSchema: JsonObject;
}

const to = { type: "string", minLength: 1, description: "The peer's comms name (see peers)." };
const handlingMode = {
  type: "string",
  enum: ["queue", "steer"],
  description:
    "queue (default): the peer reads it in its next turn; steer: inside its running turn, at " +
    "the next step.",
};

const DEFINITIONS: CommsToolDefinition[] = [
  {
    name: "peers",
    description:
      "List the agents you can talk to: their comms names, descriptions and what they accept.",
    inputSchema: { type: "object", properties: {}, additionalProperties: false },
  },
  {
    name: "send_message",
    description:
      "Send a message to a peer agent. It is delivered to the peer's inbox and wakes it; the " +
      "answer, if any, arrives later as a message in your own inbox.",
    inputSchema: {
      type: "object",
      properties: {
        to,
        body: { type: "string", minLength: 1, description: "The message." },
        handling_mode: handlingMode,
      },
      required: ["to", "body"],
      additionalProperties: false,
    },
  },
  {
    name: "send_request",
    description:
      "Ask a peer agent to do something. The peer receives a request_id; its send_response " +
      "arrives in your inbox later.",
    inputSchema: {
      type: "object",
      properties: {
        to,
        intent: { type: "string", minLength: 1, description: "What you ask for, in a few words." },
        params: { type: "object", description: "Details of the request." },
        handling_mode: handlingMode,
      },
      required: ["to", "intent"],
      additionalProperties: false,
    },
  },
  {
    name: "send_response",
    description: "Answer a request a peer sent you (in_reply_to is its request_id).",
    inputSchema: {
      type: "object",
      properties: {
        to,
        in_reply_to: { type: "string", minLength: 1, description: "The request's request_id." },
        status: { type: "string", enum: ["accepted", "completed", "failed"] },
        result: { type: "object", description: "What you found or did." },
        handling_mode: handlingMode,
      },
      required: ["to", "in_reply_to", "status"],
      additionalProperties: false,
    },
  },
];

export function commsToolDefinitions(): readonly CommsToolDefinition[] {
  return DEFINITIONS;
}

function text(args: Record<string, unknown>, key: string): string {
  const value = args[key];
  return typeof value === "string" ? value : "";
}

function object(args: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = args[key];
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function mode(args: Record<string, unknown>): "queue" | "steer" {
  return args["handling_mode"] === "steer" ? "steer" : "queue";
}

/**
 * The command a send tool's (schema-validated) arguments stand for, sent as `sessionId`;
 * undefined for `peers`, which sends nothing.
 */
export function commsToolCommand(
  name: CommsToolDefinition["name"],
  sessionId: string,
  args: Record<string, unknown>,
): CommsCommand | undefined {
  switch (name) {
    case "peers":
      return undefined;
    case "send_message":
      return {
        kind: "peer_message",
        session_id: sessionId,
        to: text(args, "to"),
        body: text(args, "body"),
        handling_mode: mode(args),
      };
    case "send_request":
      return {
        kind: "peer_request",
        session_id: sessionId,
        to: text(args, "to"),
        intent: text(args, "intent"),
        params: object(args, "params"),
        handling_mode: mode(args),
      };
    case "send_response": {
      const status = args["status"];
      return {
        kind: "peer_response",
        session_id: sessionId,
        to: text(args, "to"),
        in_reply_to: text(args, "in_reply_to"),
        status: status === "accepted" || status === "failed" ? status : "completed",
        result: object(args, "result"),
        handling_mode: mode(args),
      };
    }
  }
}
