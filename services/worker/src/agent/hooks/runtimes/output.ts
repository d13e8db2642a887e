/** The most a runtime may answer; a hook answer is a decision and a few fields, never a file. */
export const MAX_ANSWER_BYTES = 1_048_576;

/** The answer's text as JSON; an empty answer means "no decision, no patch". */
export function parseAnswer(text: string, what: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    const snippet = trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
    throw new Error(`${what} is not JSON: ${snippet}`);
  }
}
