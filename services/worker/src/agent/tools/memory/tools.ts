/**
 * memory_save / memory_search: long-term facts shared by the sessions of a realm, searched with
 * Postgres full-text search (the `memories.search` tsvector), so no external service is needed.
 */
import { insertMemory, searchMemories } from "@meerkat/shared/db";
import { callScopedUuid } from "../builtins/call-id.js";
import { strictObject, stringListProp, stringProp } from "../builtins/schema.js";
import { toolJson, type Tool } from "../types.js";

export const DEFAULT_SEARCH_LIMIT = 5;
export const MAX_SEARCH_LIMIT = 20;
/** Memories are facts, not documents; long content belongs in a file or a task. */
export const MAX_MEMORY_CHARS = 20_000;

export const memorySaveSchema = strictObject(
  {
    content: stringProp(
      "The fact to remember, self-contained (it will be read without this conversation).",
      { minLength: 1, maxLength: MAX_MEMORY_CHARS },
    ),
    tags: stringListProp("Short keywords to describe the memory.", { maxItems: 20 }),
  },
  ["content"],
);

export const memorySearchSchema = strictObject(
  {
    query: stringProp('Words to look for (web-search syntax: "quoted phrase", -excluded).', {
      minLength: 1,
    }),
    limit: {
      type: "integer",
      minimum: 1,
      maximum: MAX_SEARCH_LIMIT,
      description: `How many memories to return, best first (default ${DEFAULT_SEARCH_LIMIT}).`,
    },
  },
  ["query"],
);

const memorySave: Tool = {
  name: "memory_save",
  description:
    "Save a fact to long-term memory, shared with the other sessions of this realm: user " +
    "preferences, decisions, findings worth keeping beyond this conversation. Returns its id.",
  inputSchema: memorySaveSchema,
  async execute(raw, ctx) {
    const args = raw as { content: string; tags?: string[] };
    const id = callScopedUuid("memory", ctx.run.turn.id, ctx.callId);
    await insertMemory(ctx.run.db, {
      id,
      realmId: ctx.run.session.realmId,
      sessionId: ctx.run.session.id,
      turnId: ctx.run.turn.id,
      source: "agent",
      content: args.content,
      tags: [...new Set(args.tags ?? [])],
    });
    return toolJson({ id, saved: true });
  },
};

const memorySearch: Tool = {
  name: "memory_search",
  description:
    "Search long-term memory (facts saved by any session of this realm, and earlier " +
    "conversation that was compacted away) by keywords. Returns [{content, score, session_id, " +
    "turn, tags, source}], best match first. Use it before asking the user something they may " +
    "have told you before.",
  inputSchema: memorySearchSchema,
  async execute(raw, ctx) {
    const args = raw as { query: string; limit?: number };
    const hits = await searchMemories(ctx.run.db, {
      realmId: ctx.run.session.realmId,
      query: args.query,
      limit: args.limit ?? DEFAULT_SEARCH_LIMIT,
    });
    return toolJson(
      hits.map((hit) => ({
        content: hit.content,
        score: hit.score,
        session_id: hit.sessionId,
        turn: hit.turn,
        tags: hit.tags,
        source: hit.source,
      })),
    );
  },
};

export const MEMORY_TOOLS: readonly Tool[] = [memorySave, memorySearch];
