import type { Db } from "../db/client.js";
import { findPeerRequestInteraction } from "../db/repositories/inputs.js";
import type { InputNotice } from "../db/schema/session-inputs.js";
import {
  findSession,
  findSessionByCommsName,
  listCommsSessions,
  type SessionRow,
} from "../db/repositories/sessions.js";
import { newId } from "../domain/ids.js";
import { AppError } from "../errors/index.js";
import { admitToInbox, type InboxPorts } from "./inbox.js";

export type HandlingMode = "queue" | "steer";
export type LifecycleKind = "mob.peer_added" | "mob.peer_retired" | "mob.peer_unwired";
export type PeerResponseStatus = "accepted" | "completed" | "failed";

interface Common {
  session_id: string;
  source?: string | null | undefined;
  handling_mode?: HandlingMode | null | undefined;
  allow_self_session?: boolean | null | undefined;
  blocks?: unknown[] | null | undefined;
}

/** A comms command (`POST /comms/send`, or a comms tool), tagged by `kind`. */
export type CommsCommand =
  | (Common & {
      kind: "input";
      body: string;
      stream?: "none" | "reserve_interaction" | null | undefined;
    })
  | (Common & { kind: "peer_message"; to: string; body: string })
  | (Common & {
      kind: "peer_lifecycle";
      to: string;
      lifecycle_kind: LifecycleKind;
      params?: Record<string, unknown> | null | undefined;
    })
  | (Common & {
      kind: "peer_request";
      to: string;
      intent: string;
      params?: Record<string, unknown> | null | undefined;
      stream?: "none" | "reserve_interaction" | null | undefined;
    })
  | (Common & {
      kind: "peer_response";
      to: string;
      in_reply_to: string;
      status: PeerResponseStatus;
      result?: Record<string, unknown> | null | undefined;
    });

export type CommsReceipt = { kind: string } & Record<string, unknown>;

/**
 * Ids a command takes. A caller that may repeat a command (a turn re-run after a crash) passes
 * the same ids again: the envelope id is the receiver's idempotency key, so the repeat is
 * acknowledged with the same receipt and admitted nowhere.
 */
export interface CommsIds {
  envelopeId?: string | undefined;
  interactionId?: string | undefined;
  requestId?: string | undefined;
}

const SENDABLE_KINDS = ["peer_message", "peer_lifecycle", "peer_request", "peer_response"];

function commsName(session: SessionRow): string | undefined {
  const name = session.settings.comms_name;
  return typeof name === "string" && name !== "" ? name : undefined;
}

async function commsSession(
  db: Db,
  realmId: string,
  sessionId: string,
): Promise<SessionRow & { name: string }> {
  const session = await findSession(db, realmId, sessionId);
  const name = session ? commsName(session) : undefined;
  if (!session || !name) {
    throw new AppError("SESSION_NOT_FOUND", `Session not found or comms not enabled: ${sessionId}`);
  }
  return { ...session, name };
}

async function peerSession(
  db: Db,
  realmId: string,
  sender: SessionRow & { name: string },
  to: string,
  allowSelf: boolean,
): Promise<SessionRow> {
  const peer = await findSessionByCommsName(db, realmId, to);
  if (!peer) {
    throw new AppError("NOT_FOUND", `peer not found or not trusted: ${to}`, {
      details: { reason: "peer_not_found_or_not_trusted", to },
    });
  }
  if (peer.id === sender.id && !allowSelf) {
    throw new AppError(
      "BAD_REQUEST",
      "a session cannot send to itself unless allow_self_session is true",
    );
  }
  return peer;
}

function textOf(blocks: unknown[] | null | undefined, body: string | undefined): string {
  const extra = (blocks ?? [])
    .map((block) =>
      block !== null &&
      typeof block === "object" &&
      typeof (block as { text?: unknown }).text === "string"
        ? (block as { text: string }).text
        : "",
    )
    .filter((text) => text !== "");
  return [body ?? "", ...extra].filter((part) => part !== "").join("\n");
}

/**
 * Sends a comms command: pushes it into the target session's inbox (the sender itself for
 * `input`, the named peer for the others), waking it, except `peer_lifecycle`, a one-way
 * topology notice that waits for the next turn.
 */
export async function sendComms(
  ports: InboxPorts,
  command: CommsCommand,
  ids: CommsIds = {},
): Promise<CommsReceipt> {
  const { db, realmId } = ports;
  const sender = await commsSession(db, realmId, command.session_id);
  const envelopeId = ids.envelopeId ?? newId();
  const interactionId = ids.interactionId ?? newId();
  const from = sender.name;
  const idempotencyKey = `envelope:${envelopeId}`;
  /** Into the named peer's inbox, under this envelope's idempotency key. */
  const deliver = async (
    to: string,
    handlingMode: HandlingMode | null | undefined,
    wake: boolean,
    notice: InputNotice,
  ) => {
    const target = await peerSession(db, realmId, sender, to, command.allow_self_session ?? false);
    await admitToInbox(ports, {
      sessionId: target.id,
      kind: "comms",
      source: `comms:${from}`,
      handlingMode: handlingMode ?? "queue",
      idempotencyKey,
      notice,
      wake,
    });
  };
  switch (command.kind) {
    case "input": {
      const reserve = command.stream === "reserve_interaction";
      await admitToInbox(ports, {
        sessionId: sender.id,
        kind: "comms",
        source: `input:${command.source ?? "api"}`,
        handlingMode: command.handling_mode ?? "queue",
        idempotencyKey,
        notice: {
          body: textOf(command.blocks, command.body),
          blocks: [
            {
              type: "comms",
              kind: "input",
              interaction_id: interactionId,
              ...(reserve ? { reserve_interaction: true } : {}),
              body: command.body,
            },
          ],
        },
        wake: true,
      });
      return { kind: "input_accepted", interaction_id: interactionId, stream_reserved: reserve };
    }
    case "peer_message": {
      await deliver(command.to, command.handling_mode, true, {
        body: `Message from peer ${from}:\n${textOf(command.blocks, command.body)}`,
        blocks: [
          {
            type: "comms",
            kind: "peer_message",
            from,
            from_session_id: sender.id,
            envelope_id: envelopeId,
            body: command.body,
          },
        ],
      });
      return { kind: "peer_message_sent", envelope_id: envelopeId, acked: true };
    }
    case "peer_lifecycle": {
      await deliver(command.to, "queue", false, {
        body: `Peer ${from}: ${command.lifecycle_kind}`,
        blocks: [
          {
            type: "comms",
            kind: "peer_lifecycle",
            from,
            envelope_id: envelopeId,
            lifecycle_kind: command.lifecycle_kind,
            params: command.params ?? {},
          },
        ],
      });
      return { kind: "peer_lifecycle_sent", envelope_id: envelopeId };
    }
    case "peer_request": {
      const requestId = ids.requestId ?? newId();
      const extra = textOf(command.blocks, undefined);
      await deliver(command.to, command.handling_mode, true, {
        body:
          `Request from peer ${from} (request_id ${requestId}, intent ${command.intent}):\n` +
          JSON.stringify(command.params ?? {}, null, 2) +
          (extra ? `\n${extra}` : "") +
          `\nReply with a peer_response whose in_reply_to is ${requestId}.`,
        blocks: [
          {
            type: "comms",
            kind: "peer_request",
            from,
            from_session_id: sender.id,
            envelope_id: envelopeId,
            request_id: requestId,
            interaction_id: interactionId,
            intent: command.intent,
            params: command.params ?? {},
          },
        ],
      });
      return {
        kind: "peer_request_sent",
        envelope_id: envelopeId,
        interaction_id: interactionId,
        request_id: requestId,
        stream_reserved: command.stream === "reserve_interaction",
      };
    }
    case "peer_response": {
      // The requester learns which of its interactions this answers.
      const answered = await findPeerRequestInteraction(db, sender.id, command.in_reply_to);
      await deliver(command.to, command.handling_mode, true, {
        body: `Response from peer ${from} to request ${command.in_reply_to} (${command.status}):\n${JSON.stringify(command.result ?? {}, null, 2)}`,
        blocks: [
          {
            type: "comms",
            kind: "peer_response",
            from,
            from_session_id: sender.id,
            envelope_id: envelopeId,
            in_reply_to: command.in_reply_to,
            ...(answered ? { interaction_id: answered } : {}),
            status: command.status,
            result: command.result ?? null,
          },
        ],
      });
      return {
        kind: "peer_response_sent",
        envelope_id: envelopeId,
        in_reply_to: command.in_reply_to,
      };
    }
  }
}

/** A peer as `GET /comms/peers` and the `peers` tool show it. */
export interface PeerEntry {
  peer_id: string;
  name: string;
  address: { transport: string; endpoint: string };
  source: string;
  sendable_kinds: string[];
  capabilities: { version: number; extensions: string[] };
  meta: { description?: string; labels?: Record<string, string> };
  reachability: string;
}

/** The other comms-enabled sessions of the realm. */
export async function listPeers(db: Db, realmId: string, sessionId: string): Promise<PeerEntry[]> {
  const self = await commsSession(db, realmId, sessionId);
  const sessions = await listCommsSessions(db, realmId);
  return sessions
    .filter((session) => session.id !== self.id)
    .map((session) => {
      const meta = session.settings.peer_meta ?? {};
      return {
        peer_id: session.id,
        name: commsName(session) ?? "",
        address: { transport: "inproc", endpoint: `session:${session.id}` },
        source: "realm",
        sendable_kinds: SENDABLE_KINDS,
        capabilities: { version: 1, extensions: [] },
        meta: {
          ...(meta.description ? { description: meta.description } : {}),
          ...(meta.labels ? { labels: meta.labels } : {}),
        },
        reachability: "reachable",
      };
    });
}
