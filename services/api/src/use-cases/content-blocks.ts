import { z } from "zod";
import { AppError } from "@meerkat/shared/errors";

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

/**
 * `blocks`, when given: an array of the contract's content blocks (400 naming the element).
 * External events and POST /comms/send take them alike.
 */
export function readBlocks(value: unknown): unknown[] | undefined {
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
