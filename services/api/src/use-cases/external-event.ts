import type { InputNotice } from "@meerkat/shared/db";
import { AppError } from "@meerkat/shared/errors";
import { checkIdempotencyKey } from "./admit-input.js";
import { readBlocks } from "./content-blocks.js";

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
 * The envelope's `source_event_id` (or its alias `event_id`): a string when given (null and ""
 * count as absent); any other type is refused rather than ignored, since the caller meant it
 * to deduplicate.
 */
function readSourceEventId(body: Record<string, unknown>): string | undefined {
  for (const field of ["source_event_id", "event_id"]) {
    const value = body[field];
    if (value === undefined || value === null || value === "") continue;
    if (typeof value !== "string") {
      throw new AppError("BAD_REQUEST", `${field} must be a string`);
    }
    return checkIdempotencyKey(value, field);
  }
  return undefined;
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
    return {
      eventType: eventType.trim(),
      payload: body["payload"],
      blocks: readBlocks(body["blocks"]),
      sourceEventId: readSourceEventId(body),
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
