/** The extraction phase's user messages: the request for JSON, and the follow-up to a bad reply. */
import type { JsonSchemaObject } from "@meerkat/shared/domain";

/** Used unless the realm config sets `agent.extraction_prompt`. */
export const DEFAULT_EXTRACTION_INSTRUCTION =
  "Turn your previous answer into JSON. Reply with a single JSON object that conforms to the " +
  "JSON Schema below, and nothing else: no markdown code fences, no text before or after it.";

/** Validation errors quoted back to the model; the first ones are enough to correct a reply. */
const MAX_PROBLEM_LINES = 10;

export interface ExtractionPromptInput {
  name: string;
  /** The original (normalised) schema: it says more than a provider's lowered copy. */
  schema: JsonSchemaObject;
  /** `agent.extraction_prompt`; replaces the instruction, the schema is still appended. */
  instruction?: string | undefined;
}

export function buildExtractionPrompt(input: ExtractionPromptInput): string {
  const instruction = input.instruction?.trim() || DEFAULT_EXTRACTION_INSTRUCTION;
  return `${instruction}\n\nJSON Schema "${input.name}":\n${JSON.stringify(input.schema, null, 2)}`;
}

/** Why a reply was refused, in the words the follow-up prompt uses. */
export type ReplyProblem = { kind: "parse"; error: string } | { kind: "schema"; errors: string[] };

export function describeProblem(problem: ReplyProblem): string {
  if (problem.kind === "parse") return `it is not valid JSON (${problem.error})`;
  const shown = problem.errors.slice(0, MAX_PROBLEM_LINES);
  const more = problem.errors.length - shown.length;
  return [
    "it does not match the schema:",
    ...shown.map((line) => `- ${line}`),
    ...(more > 0 ? [`- … and ${more} more`] : []),
  ].join("\n");
}

export function buildRetryPrompt(problem: ReplyProblem, name: string): string {
  return (
    `Your reply cannot be used: ${describeProblem(problem)}\n\n` +
    `Reply again with only the corrected JSON object for the schema "${name}": ` +
    "no markdown code fences, no text before or after it."
  );
}
