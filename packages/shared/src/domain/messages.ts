/**
 * The committed transcript, in the contract's wire shape (GET /sessions/{id}/history). Stored as
 * JSON per message; `created_at` is added from the row when read.
 */

export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; media_type: string; source: "inline"; data: string }
  | { type: "image"; media_type: string; source: "blob"; blob_id: string };

export type ContentInput = string | ContentBlock[];

export type StopReason =
  "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "content_filter" | "cancelled";

export type AssistantBlock =
  | { block_type: "text"; data: { text: string; meta?: unknown } }
  | { block_type: "reasoning"; data: { text: string; meta?: unknown } }
  | {
      block_type: "tool_use";
      data: { id: string; name: string; args: Record<string, unknown>; meta?: unknown };
    };

export interface ToolResultEntry {
  tool_use_id: string;
  content: string | ContentBlock[];
  is_error: boolean;
}

export interface SystemNoticeBlock {
  type: string;
  [key: string]: unknown;
}

export type TranscriptMessage =
  | { role: "system"; content: string }
  | { role: "system_notice"; kind: string; body?: string; blocks?: SystemNoticeBlock[] }
  | { role: "user"; content: ContentInput }
  | { role: "block_assistant"; blocks: AssistantBlock[]; stop_reason: StopReason }
  | { role: "tool_results"; results: ToolResultEntry[] };

export type TranscriptRole = TranscriptMessage["role"];

/** Plain text of a content input (images dropped), for events and summaries. */
export function contentText(content: ContentInput): string {
  if (typeof content === "string") return content;
  return content
    .filter((block): block is Extract<ContentBlock, { type: "text" }> => block.type === "text")
    .map((block) => block.text)
    .join("\n");
}

/** Text of an assistant message (text blocks joined). */
export function assistantText(blocks: readonly AssistantBlock[]): string {
  return blocks
    .filter((block) => block.block_type === "text")
    .map((block) => (block.data as { text: string }).text)
    .join("");
}
