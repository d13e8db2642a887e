import {
  listPeers as peersOf,
  sendComms as send,
  type CommsReceipt,
  type PeerEntry,
} from "@meerkat/shared/comms";
import type { CommsSendBody } from "../http/routes/comms.schemas.js";
import { inboxPorts } from "./admit-input.js";
import { readBlocks } from "./content-blocks.js";
import type { ServiceDeps } from "./deps.js";

/**
 * POST /comms/send: the command goes to the target's inbox, as from a comms tool. Its `blocks`
 * must be the contract's content blocks, as on external events (400 naming the element).
 */
export async function sendComms(deps: ServiceDeps, body: CommsSendBody): Promise<CommsReceipt> {
  if ("blocks" in body) readBlocks(body.blocks);
  return send(await inboxPorts(deps), body);
}

/** GET /comms/peers: the other comms-enabled sessions of the realm. */
export async function listPeers(deps: ServiceDeps, sessionId: string): Promise<PeerEntry[]> {
  return peersOf(deps.db, deps.realm.realmId, sessionId);
}
