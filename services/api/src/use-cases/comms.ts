import {
  listPeers as peersOf,
  sendComms as send,
  type CommsReceipt,
  type PeerEntry,
} from "@meerkat/shared/comms";
import type { CommsSendBody } from "../http/routes/comms.schemas.js";
import { inboxPorts } from "./admit-input.js";
import type { ServiceDeps } from "./deps.js";

/** POST /comms/send: the command goes to the target's inbox, as from a comms tool. */
export async function sendComms(deps: ServiceDeps, body: CommsSendBody): Promise<CommsReceipt> {
  return send(await inboxPorts(deps), body);
}

/** GET /comms/peers: the other comms-enabled sessions of the realm. */
export async function listPeers(deps: ServiceDeps, sessionId: string): Promise<PeerEntry[]> {
  return peersOf(deps.db, deps.realm.realmId, sessionId);
}
