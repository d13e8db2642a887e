import { invalidSchedule } from "./errors.js";
import type { AgentTargetBinding, TargetBinding } from "./wire.js";

/**
 * The agent-only shortcut (§7.6): `{target_kind:"session", type:"current_session", action}`
 * means "wake the session I am running in", stored as a resumable_session target with that
 * session's id. Outside a session (POST /schedule/call) there is no current session.
 */
export function resolveCurrentSession(
  target: AgentTargetBinding,
  currentSessionId: string | undefined,
): TargetBinding {
  if (target.type !== "current_session") return target;
  if (!currentSessionId) {
    throw invalidSchedule(
      "the current_session target is only available to an agent inside a session",
    );
  }
  return {
    target_kind: "session",
    type: "resumable_session",
    session_id: currentSessionId,
    action: target.action,
  };
}
