import type { ExtractionError, ProviderId, SchemaWarning, Usage } from "@meerkat/shared/domain";
import type { LlmMessage, LlmProvider } from "@meerkat/shared/llm";
import type { RunContext } from "../run-context.js";

export interface ExtractionInput {
  run: RunContext;
  provider: LlmProvider;
  providerId: ProviderId;
  model: string;
  system: string | undefined;
  /** The main run's conversation, ending with its final assistant message. */
  conversation: LlmMessage[];
  /** The request's `output_schema`: a wrapper `{schema, name?, strict?, compat?, format?}` or a raw schema. */
  outputSchema: unknown;
  /** Extra attempts after the first (`structured_output_retries`). */
  retries: number;
  remainingMs: () => number;
}

export interface ExtractionResult {
  /** The validated JSON, or null when extraction failed. */
  structuredOutput: unknown;
  schemaWarnings: SchemaWarning[] | null;
  extractionError: ExtractionError | null;
  /** Model calls the extraction made (they count in the run's `turns`). */
  llmCalls: number;
  usage: Usage;
}

/** Runs the extraction phase after a completed main run; emits the extraction_* events. */
export type Extractor = (input: ExtractionInput) => Promise<ExtractionResult>;
