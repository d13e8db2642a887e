import type { Db } from "../db/client.js";
import { admitInput } from "../db/repositories/inputs.js";
import type { InputNotice } from "../db/schema/session-inputs.js";
import { newId } from "../domain/ids.js";
import { AppError } from "../errors/index.js";

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

/** What admission needs from the process it runs in (the API, or a worker running a tool). */
export interface InboxPorts {
  db: Db;
  realmId: string;
  /** The realm's inbox bound (config `inbox.capacity`). */
  capacity: number;
  /**
   * Starts a turn on the session when it is idle and has pending inputs, honouring the realm's
   * `inbox.wake_on_event`, and enqueues it.
   */
  wake: (sessionId: string) => Promise<unknown>;
}

/**
 * Admits an input into a session's inbox (durable before this returns), then wakes the session
 * when it is idle: a turn runs whose input is every pending input, coalesced. When a turn is
 * already running, the worker starts the next one right after it. An input whose idempotency
 * key was already admitted is acknowledged as a duplicate and queued nowhere.
 */
export async function admitToInbox(ports: InboxPorts, input: InboxInput): Promise<Admission> {
  const outcome = await admitInput(ports.db, {
    id: newId(),
    realmId: ports.realmId,
    sessionId: input.sessionId,
    kind: input.kind,
    source: input.source,
    handlingMode: input.handlingMode,
    idempotencyKey: input.idempotencyKey,
    notice: input.notice,
    capacity: ports.capacity,
  });
  if (outcome === "not_found") {
    throw new AppError("SESSION_NOT_FOUND", `Session not found: ${input.sessionId}`);
  }
  if (outcome === "full") {
    throw new AppError("SERVICE_UNAVAILABLE", "Event inbox is full — try again later", {
      details: {
        session_id: input.sessionId,
        capacity: ports.capacity,
        retry_after_seconds: 1,
      },
    });
  }
  if (outcome === "duplicate") return "duplicate";
  if (input.wake) await ports.wake(input.sessionId);
  return "queued";
}
