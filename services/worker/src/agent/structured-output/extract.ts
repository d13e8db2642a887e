import { findCatalogModel } from "@meerkat/shared/domain";
/**
 * The extraction phase (§3.7): after a completed main run, ask the model for JSON matching the
 * session's `output_schema`, validate it against the original schema, and retry with the
 * problem quoted back. The run completes either way; a failure is reported, not thrown.
 */
import {
  addUsage,
  ZERO_USAGE,
  type ExtractionError,
  type JsonSchemaObject,
  type SchemaWarning,
  type Usage,
} from "@meerkat/shared/domain";
import { resolveOutputSchema, validateAgainst } from "@meerkat/shared/json-schema";
import { isLlmError, type LlmMessage, type LlmResponseFormat } from "@meerkat/shared/llm";
import { callModel, RetryExhaustedError, type ModelReply } from "../llm-call.js";
import { withoutToolBlocks } from "./conversation.js";
import { parseJsonReply } from "./parse-reply.js";
import {
  buildExtractionPrompt,
  buildRetryPrompt,
  describeProblem,
  type ReplyProblem,
} from "./prompt.js";
import type { ExtractionInput, ExtractionResult, Extractor } from "./types.js";

type Checked = { ok: true; value: unknown } | { ok: false; problem: ReplyProblem };

/** Parses a reply and validates it against the original normalised schema. */
export function checkReply(text: string, schema: JsonSchemaObject): Checked {
  const parsed = parseJsonReply(text);
  if (!parsed.ok) return { ok: false, problem: { kind: "parse", error: parsed.error } };
  const check = validateAgainst(schema, parsed.value);
  return check.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, problem: { kind: "schema", errors: check.errors } };
}

/** OpenAI requires response-format names of 1–64 characters from `[a-zA-Z0-9_-]`. */
export function responseFormatName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return safe === "" ? "output" : safe;
}

/** Provider failures end the extraction (reported); anything else is a bug and fails the run. */
function isProviderFailure(error: unknown): error is Error {
  return isLlmError(error) || error instanceof RetryExhaustedError;
}

interface Tally {
  llmCalls: number;
  usage: Usage;
}

export const extractStructuredOutput: Extractor = async (input) => {
  const { run } = input;
  const tally: Tally = { llmCalls: 0, usage: ZERO_USAGE };
  const resolved = resolveOutputSchema(input.outputSchema, input.providerId);
  if ("error" in resolved) {
    // Normally refused by the API up front; a schema stored before that check lands here.
    return failed(input, tally, null, { attempts: 0, last_output: null, reason: resolved.error });
  }
  const { output, lowered } = resolved;
  const warnings = lowered.warnings.length > 0 ? lowered.warnings : null;
  const responseFormat: LlmResponseFormat | undefined = lowered.native
    ? { name: responseFormatName(output.name), schema: lowered.schema, strict: output.strict }
    : undefined;
  const messages: LlmMessage[] = [
    ...withoutToolBlocks(input.conversation),
    {
      role: "user",
      content: buildExtractionPrompt({
        name: output.name,
        schema: output.schema,
        instruction: run.config.agent.extraction_prompt,
      }),
    },
  ];

  const maxAttempts = input.retries + 1;
  let lastOutput: string | null = null;
  let lastProblem: ReplyProblem | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    if (input.remainingMs() <= 0) {
      return failed(input, tally, warnings, {
        attempts: attempt - 1,
        last_output: lastOutput,
        reason: "time budget exhausted before the extraction could finish",
      });
    }
    let reply: ModelReply;
    try {
      reply = await callModel({
        provider: input.provider,
        // No provider_params: reasoning settings (Anthropic `thinking`) conflict with
        // temperature 0, and the extraction only reformats an answer already given.
        request: {
          model: input.model,
          system: input.system,
          messages,
          maxTokens: run.session.settings.max_tokens,
          // Models that refuse a temperature (reasoning models) get none.
          temperature:
            findCatalogModel(input.model)?.profile.supports_temperature === false ? undefined : 0,
          responseFormat,
        },
        signal: run.signal,
        config: run.config,
        emit: run.emit,
        streamEvents: false,
        remainingMs: input.remainingMs,
      });
    } catch (error) {
      if (run.signal.aborted || !isProviderFailure(error)) throw error;
      return failed(input, tally, warnings, {
        attempts: attempt,
        last_output: lastOutput,
        reason: `provider failed during extraction attempt ${attempt}: ${error.message}`,
      });
    }
    tally.llmCalls += 1;
    tally.usage = addUsage(tally.usage, reply.usage);
    lastOutput = reply.text;
    const checked = checkReply(reply.text, output.schema);
    if (checked.ok) return succeeded(input, tally, warnings, checked.value);
    lastProblem = checked.problem;
    messages.push(
      { role: "assistant", text: reply.text, toolCalls: [] },
      { role: "user", content: buildRetryPrompt(checked.problem, output.name) },
    );
  }
  const why = lastProblem ? `: ${describeProblem(lastProblem)}` : "";
  return failed(input, tally, warnings, {
    attempts: maxAttempts,
    last_output: lastOutput,
    reason: `no valid structured output after ${maxAttempts} attempts${why}`,
  });
};

function succeeded(
  input: ExtractionInput,
  tally: Tally,
  warnings: SchemaWarning[] | null,
  value: unknown,
): ExtractionResult {
  input.run.emit({
    type: "extraction_succeeded",
    session_id: input.run.session.id,
    structured_output: value,
    ...(warnings ? { schema_warnings: warnings } : {}),
  });
  return {
    structuredOutput: value,
    schemaWarnings: warnings,
    extractionError: null,
    llmCalls: tally.llmCalls,
    usage: tally.usage,
  };
}

function failed(
  input: ExtractionInput,
  tally: Tally,
  warnings: SchemaWarning[] | null,
  error: ExtractionError,
): ExtractionResult {
  input.run.logger.warn(
    { attempts: error.attempts, reason: error.reason },
    "structured output extraction failed",
  );
  input.run.emit({ type: "extraction_failed", session_id: input.run.session.id, ...error });
  return {
    structuredOutput: null,
    schemaWarnings: warnings,
    extractionError: error,
    llmCalls: tally.llmCalls,
    usage: tally.usage,
  };
}
