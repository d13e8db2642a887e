import { z } from "zod";
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

const text = z.string({ error: "expected a string" });
const nonEmpty = z.string({ error: "expected a non-empty string" }).min(1, {
  error: "expected a non-empty string",
});
const inline = { source: z.literal("inline"), data: nonEmpty };

/**
 * The contract's ContentBlock, one schema per kind: text, an image (inline base64 or a stored
 * blob) and an inline video. Other keys are kept as given.
 */
const BLOCK_SCHEMAS = {
  text: z.looseObject({ type: z.literal("text"), text }),
  image: z.looseObject({ type: z.literal("image"), media_type: nonEmpty, ...inline }),
  imageBlob: z.looseObject({
    type: z.literal("image"),
    media_type: nonEmpty,
    source: z.literal("blob"),
    blob_id: nonEmpty,
  }),
  video: z.looseObject({
    type: z.literal("video"),
    media_type: nonEmpty,
    duration_ms: z
      .number({ error: "expected a non-negative integer (milliseconds)" })
      .int({ error: "expected a non-negative integer (milliseconds)" })
      .min(0, { error: "expected a non-negative integer (milliseconds)" }),
    ...inline,
  }),
} as const;

interface BlockProblem {
  /** The block's field at fault; none when the block as a whole is. */
  field?: string;
  message: string;
}

/** What is wrong with one element of `blocks`, or undefined when it is a content block. */
function blockProblem(block: unknown): BlockProblem | undefined {
  if (!isObject(block)) return { message: "expected a content block object" };
  const source = block["source"];
  let schema: z.ZodType;
  switch (block["type"]) {
    case "text":
      schema = BLOCK_SCHEMAS.text;
      break;
    case "image":
      if (source !== "inline" && source !== "blob") {
        return { field: "source", message: 'expected "inline" or "blob"' };
      }
      schema = source === "blob" ? BLOCK_SCHEMAS.imageBlob : BLOCK_SCHEMAS.image;
      break;
    case "video":
      if (source !== "inline") {
        return { field: "source", message: 'expected "inline" (a video is sent inline)' };
      }
      schema = BLOCK_SCHEMAS.video;
      break;
    default:
      return { field: "type", message: 'expected "text", "image" or "video"' };
  }
  const issue = schema.safeParse(block).error?.issues[0];
  return issue && { field: issue.path.map(String).join("."), message: issue.message };
}

/** `blocks`, when given: an array of the contract's content blocks (400 naming the element). */
function readBlocks(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new AppError("BAD_REQUEST", "blocks must be an array of content blocks");
  }
  const blocks: unknown[] = value;
  blocks.forEach((block, index) => {
    const problem = blockProblem(block);
    if (problem === undefined) return;
    const at = problem.field ? `blocks[${index}].${problem.field}` : `blocks[${index}]`;
    throw new AppError("BAD_REQUEST", `${at}: ${problem.message}`);
  });
  return blocks;
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
