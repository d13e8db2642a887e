import { describe, expect, it } from "vitest";
import { isAppError } from "@meerkat/shared/errors";
import { parseExternalEventBody } from "./external-event.js";

function refusal(body: unknown): { code: string; message: string } {
  try {
    parseExternalEventBody(body);
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

const envelope = (extra: Record<string, unknown>) => ({
  kind: "generic_json",
  event_type: "deploy",
  payload: { ok: true },
  ...extra,
});

describe("parseExternalEventBody: blocks", () => {
  it("accepts the contract's content blocks, and no blocks at all", () => {
    const blocks = [
      { type: "text", text: "" },
      { type: "image", media_type: "image/png", source: "inline", data: "iVBORw0KGgo=" },
      { type: "image", media_type: "image/jpeg", source: "blob", blob_id: "blob-1" },
      {
        type: "video",
        media_type: "video/mp4",
        source: "inline",
        data: "AAAA",
        duration_ms: 1500,
      },
    ];
    expect(parseExternalEventBody(envelope({ blocks })).blocks).toEqual(blocks);
    expect(parseExternalEventBody(envelope({})).blocks).toBeUndefined();
    expect(parseExternalEventBody(envelope({ blocks: null })).blocks).toBeUndefined();
    expect(parseExternalEventBody(envelope({ blocks: [] })).blocks).toEqual([]);
  });

  it.each([
    [{ blocks: "text" }, "blocks must be an array of content blocks"],
    [{ blocks: ["hello"] }, "blocks[0]: expected a content block object"],
    [{ blocks: [{ type: "text", text: "a" }, null] }, "blocks[1]: expected a content block object"],
    [{ blocks: [{ text: "no type" }] }, 'blocks[0].type: expected "text", "image" or "video"'],
    [{ blocks: [{ type: "audio" }] }, 'blocks[0].type: expected "text", "image" or "video"'],
    [{ blocks: [{ type: "text", text: 42 }] }, "blocks[0].text: expected a string"],
    [{ blocks: [{ type: "text" }] }, "blocks[0].text: expected a string"],
    [
      { blocks: [{ type: "image", media_type: "image/png", data: "x" }] },
      'blocks[0].source: expected "inline" or "blob"',
    ],
    [
      { blocks: [{ type: "image", media_type: "image/png", source: "inline" }] },
      "blocks[0].data: expected a non-empty string",
    ],
    [
      { blocks: [{ type: "image", source: "blob", blob_id: "b" }] },
      "blocks[0].media_type: expected a non-empty string",
    ],
    [
      { blocks: [{ type: "image", media_type: "image/png", source: "blob", blob_id: "" }] },
      "blocks[0].blob_id: expected a non-empty string",
    ],
    [
      { blocks: [{ type: "video", media_type: "video/mp4", source: "blob", blob_id: "b" }] },
      'blocks[0].source: expected "inline" (a video is sent inline)',
    ],
    [
      {
        blocks: [
          { type: "video", media_type: "video/mp4", source: "inline", data: "x", duration_ms: -1 },
        ],
      },
      "blocks[0].duration_ms: expected a non-negative integer (milliseconds)",
    ],
    [
      { blocks: [{ type: "video", media_type: "video/mp4", source: "inline", data: "x" }] },
      "blocks[0].duration_ms: expected a non-negative integer (milliseconds)",
    ],
  ])("refuses %j: %s", (extra, message) => {
    expect(refusal(envelope(extra))).toEqual({ code: "BAD_REQUEST", message });
  });
});

describe("parseExternalEventBody: source_event_id", () => {
  it("takes a string id (or its alias event_id) for deduplication", () => {
    expect(parseExternalEventBody(envelope({ source_event_id: "e-1" })).sourceEventId).toBe("e-1");
    expect(parseExternalEventBody(envelope({ event_id: "e-2" })).sourceEventId).toBe("e-2");
    expect(
      parseExternalEventBody(envelope({ source_event_id: "e-3", event_id: "e-4" })).sourceEventId,
    ).toBe("e-3");
    for (const absent of [undefined, null, ""]) {
      expect(
        parseExternalEventBody(envelope({ source_event_id: absent })).sourceEventId,
      ).toBeUndefined();
    }
  });

  it.each([42, true, { id: "e-1" }, ["e-1"]])("refuses a source_event_id of %j", (value) => {
    expect(refusal(envelope({ source_event_id: value }))).toEqual({
      code: "BAD_REQUEST",
      message: "source_event_id must be a string",
    });
    expect(refusal(envelope({ event_id: value }))).toEqual({
      code: "BAD_REQUEST",
      message: "event_id must be a string",
    });
  });

  it("leaves the fields alone in a body that is not the envelope (a webhook payload)", () => {
    const body = { source_event_id: 42, blocks: "anything" };
    expect(parseExternalEventBody(body)).toEqual({
      eventType: "webhook",
      payload: body,
      blocks: undefined,
      sourceEventId: undefined,
    });
  });
});
