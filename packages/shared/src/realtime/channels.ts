import type { EventEnvelope } from "../domain/events.js";
import type { RunResult, TerminalTurnStatus, TurnError } from "../domain/turns.js";

/** Channel names under a namespace from `channelNamespace(prefix, redisUrl)`. */
export function sessionChannel(namespace: string, sessionId: string): string {
  return `${namespace}:session:${sessionId}`;
}
export function turnsChannel(namespace: string): string {
  return `${namespace}:turns`;
}
export function controlChannel(namespace: string): string {
  return `${namespace}:control`;
}

/** A batch of committed events of one session, published after the commit. */
export interface SessionEventBatch {
  session_id: string;
  turn_id: string | null;
  events: EventEnvelope[];
}

/** Published on the turns channel when a turn reaches a terminal status (after the commit). */
export interface TurnOutcomeMessage {
  turn_id: string;
  session_id: string;
  status: TerminalTurnStatus;
  result: RunResult | null;
  error: TurnError | null;
}

/** Asks whichever worker runs a turn to stop it now. */
export interface ControlMessage {
  type: "stop";
  turn_id: string;
  reason: "interrupt" | "cancel";
}
