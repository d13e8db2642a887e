import {
  findPeerRequestInteraction,
  findSession,
  findSessionByCommsName,
  listCommsSessions,
  type SessionRow,
} from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { CommsSendBody } from "../http/routes/comms.schemas.js";
import { admitToInbox } from "./admit-input.js";
import type { ServiceDeps } from "./deps.js";

const SENDABLE_KINDS = ["peer_message", "peer_lifecycle", "peer_request", "peer_response"];

function commsName(session: SessionRow): string | undefined {
  const name = session.settings.comms_name;
  return typeof name === "string" && name !== "" ? name : undefined;
}

async function commsSession(
  deps: ServiceDeps,
  sessionId: string,
): Promise<SessionRow & { name: string }> {
  const session = await findSession(deps.db, deps.realm.realmId, sessionId);
  const name = session ? commsName(session) : undefined;
  if (!session || !name) {
    throw new AppError("SESSION_NOT_FOUND", `Session not found or comms not enabled: ${sessionId}`);
  }
  return { ...session, name };
}

async function peerSession(
  deps: ServiceDeps,
  sender: SessionRow & { name: string },
  to: string,
  allowSelf: boolean,
) {
  const peer = await findSessionByCommsName(deps.db, deps.realm.realmId, to);
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
 * POST /comms/send: pushes a comms command into the target session's inbox (the sender itself
 * for `input`, the named peer for the others), waking it — except peer_lifecycle, a one-way
 * topology notice that waits for the next turn.
 */
export async function sendComms(
  deps: ServiceDeps,
  body: CommsSendBody,
): Promise<{ kind: string } & Record<string, unknown>> {
  const sender = await commsSession(deps, body.session_id);
  const envelopeId = newId();
  const from = sender.name;
  switch (body.kind) {
    case "input": {
      const interactionId = newId();
      const reserve = body.stream === "reserve_interaction";
      await admitToInbox(deps, {
        sessionId: sender.id,
        kind: "comms",
        source: `input:${body.source ?? "api"}`,
        handlingMode: body.handling_mode ?? "queue",
        notice: {
          body: textOf(body.blocks, body.body),
          blocks: [
            {
              type: "comms",
              kind: "input",
              interaction_id: interactionId,
              ...(reserve ? { reserve_interaction: true } : {}),
              body: body.body,
            },
          ],
        },
        wake: true,
      });
      return { kind: "input_accepted", interaction_id: interactionId, stream_reserved: reserve };
    }
    case "peer_message": {
      const peer = await peerSession(deps, sender, body.to, body.allow_self_session ?? false);
      await admitToInbox(deps, {
        sessionId: peer.id,
        kind: "comms",
        source: `comms:${from}`,
        handlingMode: body.handling_mode ?? "queue",
        idempotencyKey: `envelope:${envelopeId}`,
        notice: {
          body: `Message from peer ${from}:\n${textOf(body.blocks, body.body)}`,
          blocks: [
            {
              type: "comms",
              kind: "peer_message",
              from,
              from_session_id: sender.id,
              envelope_id: envelopeId,
              body: body.body,
            },
          ],
        },
        wake: true,
      });
      return { kind: "peer_message_sent", envelope_id: envelopeId, acked: true };
    }
    case "peer_lifecycle": {
      const peer = await peerSession(deps, sender, body.to, body.allow_self_session ?? false);
      await admitToInbox(deps, {
        sessionId: peer.id,
        kind: "comms",
        source: `comms:${from}`,
        handlingMode: "queue",
        idempotencyKey: `envelope:${envelopeId}`,
        notice: {
          body: `Peer ${from}: ${body.lifecycle_kind}`,
          blocks: [
            {
              type: "comms",
              kind: "peer_lifecycle",
              from,
              envelope_id: envelopeId,
              lifecycle_kind: body.lifecycle_kind,
              params: body.params ?? {},
            },
          ],
        },
        wake: false,
      });
      return { kind: "peer_lifecycle_sent", envelope_id: envelopeId };
    }
    case "peer_request": {
      const peer = await peerSession(deps, sender, body.to, body.allow_self_session ?? false);
      const requestId = newId();
      const interactionId = newId();
      await admitToInbox(deps, {
        sessionId: peer.id,
        kind: "comms",
        source: `comms:${from}`,
        handlingMode: body.handling_mode ?? "queue",
        idempotencyKey: `envelope:${envelopeId}`,
        notice: {
          body: `Request from peer ${from} (request_id ${requestId}, intent ${body.intent}):\n${JSON.stringify(body.params ?? {}, null, 2)}${textOf(body.blocks, undefined) ? `\n${textOf(body.blocks, undefined)}` : ""}\nReply with a peer_response whose in_reply_to is ${requestId}.`,
          blocks: [
            {
              type: "comms",
              kind: "peer_request",
              from,
              from_session_id: sender.id,
              envelope_id: envelopeId,
              request_id: requestId,
              interaction_id: interactionId,
              intent: body.intent,
              params: body.params ?? {},
            },
          ],
        },
        wake: true,
      });
      return {
        kind: "peer_request_sent",
        envelope_id: envelopeId,
        interaction_id: interactionId,
        request_id: requestId,
        stream_reserved: body.stream === "reserve_interaction",
      };
    }
    case "peer_response": {
      const peer = await peerSession(deps, sender, body.to, body.allow_self_session ?? false);
      // The requester learns which of its interactions this answers.
      const interactionId = await findPeerRequestInteraction(deps.db, sender.id, body.in_reply_to);
      await admitToInbox(deps, {
        sessionId: peer.id,
        kind: "comms",
        source: `comms:${from}`,
        handlingMode: body.handling_mode ?? "queue",
        idempotencyKey: `envelope:${envelopeId}`,
        notice: {
          body: `Response from peer ${from} to request ${body.in_reply_to} (${body.status}):\n${JSON.stringify(body.result ?? {}, null, 2)}`,
          blocks: [
            {
              type: "comms",
              kind: "peer_response",
              from,
              from_session_id: sender.id,
              envelope_id: envelopeId,
              in_reply_to: body.in_reply_to,
              ...(interactionId ? { interaction_id: interactionId } : {}),
              status: body.status,
              result: body.result ?? null,
            },
          ],
        },
        wake: true,
      });
      return { kind: "peer_response_sent", envelope_id: envelopeId, in_reply_to: body.in_reply_to };
    }
  }
}

/** GET /comms/peers: the other comms-enabled sessions of the realm. */
export async function listPeers(deps: ServiceDeps, sessionId: string) {
  const self = await commsSession(deps, sessionId);
  const sessions = await listCommsSessions(deps.db, deps.realm.realmId);
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
