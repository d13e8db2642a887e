import { admitToInbox as admit, type Admission, type InboxInput } from "@meerkat/shared/comms";
import { wakeSession } from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "./deps.js";
import { enqueueTurn } from "./enqueue-turn.js";

export type { Admission, InboxInput } from "@meerkat/shared/comms";

/**
 * Longest idempotency key taken (an Idempotency-Key header, an envelope's source_event_id, a
 * system-context key). Keys sit in a unique btree index, whose entries must stay small: a key of
 * a few kilobytes would fail the insert with a 500 rather than a 400.
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/** The key as given, or a 400 naming `field` when it is too long to be one. */
export function checkIdempotencyKey(key: string | undefined, field: string): string | undefined {
  if (key !== undefined && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new AppError(
      "BAD_REQUEST",
      `${field} must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${key.length})`,
    );
  }
  return key;
}

/** The inbox as this API replica reaches it: the realm's bound, and its wake policy. */
export async function inboxPorts(deps: ServiceDeps) {
  const { config } = await deps.realm.config();
  return {
    db: deps.db,
    realmId: deps.realm.realmId,
    capacity: config.inbox.capacity,
    wake: async (sessionId: string) => {
      if (!config.inbox.wake_on_event) return;
      const turnId = await wakeSession(deps.db, { sessionId, turnId: newId() });
      if (turnId) await enqueueTurn(deps, turnId);
    },
  };
}

/**
 * Admits an input into a session's inbox (durable before this returns), then wakes the session
 * when it is idle: a turn runs whose input is every pending event, coalesced. When a turn is
 * already running, the worker starts the next one right after it.
 */
export async function admitToInbox(deps: ServiceDeps, input: InboxInput): Promise<Admission> {
  return admit(await inboxPorts(deps), input);
}
