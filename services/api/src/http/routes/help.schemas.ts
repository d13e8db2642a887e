/** Request schema of POST /help (the contract's HelpRequest); it answers a RunResult. */
import { z } from "zod";

export const HELP_PROVIDERS = ["anthropic", "openai", "gemini", "self_hosted"] as const;

export const helpBodySchema = z.object({
  question: z.string().refine((value) => value.trim() !== "", { message: "must not be empty" }),
  execution_mode: z
    .enum(["explain_only", "plan_execution"])
    .nullish()
    .describe("Advisory: plan_execution asks for a step-by-step plan; nothing is executed."),
  prompt: z.string().nullish().describe("Extra context for the question."),
  model: z.string().min(1).nullish(),
  provider: z.enum(HELP_PROVIDERS).nullish(),
  max_tokens: z.number().int().positive().max(10_000_000).nullish(),
});
export type HelpBody = z.output<typeof helpBodySchema>;
