import { admitInput, wakeSession, type InputNotice } from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "./deps.js";
import { enqueueTurn } from "./enqueue-turn.js";

export interface InboxInput {
  sessionId: string;
  kind: "external_event" | "peer_response_terminal" | "comms";
  source: string;
  handlingMode: "queue" | "steer";
  idempotencyKey?: string | undefined;
  notice: InputNotice;
  /** Whether admission starts a turn on an idle session (subject to config inbox.wake_on_event). */
  wake: boolean;
}

export type Admission = "queued" | "duplicate";

/**
 * Admits an input into a session's inbox (durable before this returns), then wakes the session
 * when it is idle: a turn runs whose input is every pending event, coalesced. When a turn is
 * already running, the worker starts the next one right after it.
 */
export async function admitToInbox(deps: ServiceDeps, input: InboxInput): Promise<Admission> {
  const { config } = await deps.realm.config();
  const outcome = await admitInput(deps.db, {
    id: newId(),
    realmId: deps.realm.realmId,
    sessionId: input.sessionId,
    kind: input.kind,
    source: input.source,
    handlingMode: input.handlingMode,
    idempotencyKey: input.idempotencyKey,
    notice: input.notice,
    capacity: config.inbox.capacity,
  });
  if (outcome === "not_found") {
    throw new AppError("SESSION_NOT_FOUND", `Session not found: ${input.sessionId}`);
  }
  if (outcome === "full") {
    throw new AppError("SERVICE_UNAVAILABLE", "Event inbox is full — try again later", {
      details: {
        session_id: input.sessionId,
        capacity: config.inbox.capacity,
        retry_after_seconds: 1,
      },
    });
  }
  if (outcome === "duplicate") return "duplicate";
  if (input.wake && config.inbox.wake_on_event) {
    const turnId = await wakeSession(deps.db, { sessionId: input.sessionId, turnId: newId() });
    if (turnId) await enqueueTurn(deps, turnId);
  }
  return "queued";
}
