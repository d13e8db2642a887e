import { wakeSession, type Db } from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import { turnJobId, type Producer } from "@meerkat/shared/queues";

/**
 * After a turn ends: when inputs arrived while it ran (and the realm wakes sessions on events),
 * the next turn takes them all, coalesced. One statement, cheap when the inbox is empty; the
 * one-active-turn index makes it race-free with an API replica admitting an input meanwhile.
 */
export async function wakeAfterTurn(
  db: Db,
  producer: Producer,
  sessionId: string,
): Promise<boolean> {
  const turnId = await wakeSession(db, { sessionId, turnId: newId(), respectRealmConfig: true });
  if (!turnId) return false;
  await producer.enqueue("agent-turn", { turnId }, turnJobId(turnId));
  return true;
}
