/**
 * Reads the JSON out of an extraction reply. Models asked for "JSON only" still wrap it in
 * markdown fences or add a sentence around it; both are tolerated rather than spending a retry.
 */

export type ParsedReply = { ok: true; value: unknown } | { ok: false; error: string };

/** At most this many `{` positions are tried when the JSON sits inside prose. */
const MAX_EMBEDDED_STARTS = 20;

const FENCE = /```[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)```/g;

/** The body of the first fenced block (a `json`-labelled one first), or of an unclosed fence. */
export function fencedBody(text: string): string | undefined {
  const blocks = [...text.matchAll(FENCE)].map((match) => ({
    label: (match[1] ?? "").toLowerCase(),
    body: match[2] ?? "",
  }));
  const chosen = blocks.find((block) => block.label === "json") ?? blocks[0];
  if (chosen) return chosen.body.trim();
  // A reply cut off (or never closed) after its opening fence.
  const open = /^```[^\n]*\n([\s\S]*)$/.exec(text.trim());
  return open?.[1]?.trim();
}

/** Where the JSON value opened at `start` ends, honouring strings; -1 if it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Candidate JSON objects embedded in prose, in order of appearance. Only objects: an output
 * schema's root is always an object, and prose is full of `[1]`-like brackets.
 */
function* embeddedObjects(text: string): Generator<string> {
  let tried = 0;
  for (let i = 0; i < text.length && tried < MAX_EMBEDDED_STARTS; i += 1) {
    if (text[i] !== "{") continue;
    tried += 1;
    const end = balancedEnd(text, i);
    if (end > i) yield text.slice(i, end + 1);
  }
}

function tryParse(candidate: string): ParsedReply {
  try {
    return { ok: true, value: JSON.parse(candidate) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Parses a reply: trimmed, fences stripped; failing that, the first JSON object found in the
 * text. The error is the parser's message for the reply itself (what the model is told).
 */
export function parseJsonReply(text: string): ParsedReply {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: "the reply was empty" };
  const primary = fencedBody(trimmed) ?? trimmed;
  const first = tryParse(primary);
  if (first.ok) return first;
  for (const span of embeddedObjects(primary)) {
    const parsed = tryParse(span);
    if (parsed.ok) return parsed;
  }
  return first;
}
