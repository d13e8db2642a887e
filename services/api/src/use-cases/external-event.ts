import type { InputNotice } from "@meerkat/shared/db";
import { AppError } from "@meerkat/shared/errors";
import { checkIdempotencyKey } from "./admit-input.js";

export interface ParsedExternalEvent {
  eventType: string;
  payload: unknown;
  blocks: unknown[] | undefined;
  /** A source event id carried in the envelope (used for deduplication). */
  sourceEventId: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Both body forms of DECISIONS.md: the typed envelope `{kind:"generic_json", event_type,
 * payload, blocks?}`, or any other JSON, taken whole as the payload of a "webhook" event.
 */
export function parseExternalEventBody(body: unknown): ParsedExternalEvent {
  if (
    isObject(body) &&
    (body["kind"] === "generic_json" || body["kind"] === "peer_response_terminal")
  ) {
    if (body["kind"] === "peer_response_terminal") {
      throw new AppError(
        "BAD_REQUEST",
        "kind 'peer_response_terminal' is reserved: use POST /sessions/{id}/peer-response-terminal",
      );
    }
    const eventType = body["event_type"];
    if (typeof eventType !== "string" || eventType.trim() === "") {
      throw new AppError("BAD_REQUEST", "event_type must be a non-empty string");
    }
    if (!("payload" in body)) throw new AppError("BAD_REQUEST", "payload is required");
    const blocks = body["blocks"];
    if (blocks !== undefined && !Array.isArray(blocks)) {
      throw new AppError("BAD_REQUEST", "blocks must be an array of content blocks");
    }
    const sourceId = body["source_event_id"] ?? body["event_id"];
    return {
      eventType: eventType.trim(),
      payload: body["payload"],
      blocks,
      sourceEventId: checkIdempotencyKey(
        typeof sourceId === "string" && sourceId !== "" ? sourceId : undefined,
        "source_event_id",
      ),
    };
  }
  return { eventType: "webhook", payload: body, blocks: undefined, sourceEventId: undefined };
}

/** The transcript notice of an external event, and the text the model reads. */
export function externalEventNotice(event: ParsedExternalEvent): InputNotice {
  const source = `external:${event.eventType}`;
  const payloadBody =
    isObject(event.payload) &&
    typeof event.payload["body"] === "string" &&
    event.payload["body"].trim() !== ""
      ? event.payload["body"]
      : undefined;
  const summary = payloadBody ?? `External event via ${source}`;
  const content = JSON.stringify(event.payload, null, 2);
  return {
    body: `${summary}\n\nevent_type: ${event.eventType}\npayload:\n${content}`,
    blocks: [
      {
        type: "external_event",
        source,
        event_type: event.eventType,
        summary,
        ...(payloadBody ? { body: payloadBody } : {}),
        payload: event.payload,
        content,
        ...(event.blocks ? { blocks: event.blocks } : {}),
      },
    ],
  };
}
