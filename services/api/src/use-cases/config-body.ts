/**
 * Reading PUT and PATCH /config bodies. The routes accept any JSON, as the reference does, so
 * that every problem with a config is reported here the same way: 400 "Invalid config: …".
 */
import { z } from "zod";
import { isJsonObject, realmConfigSchema, type RealmConfig } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";

/** The generation a writer last saw; null or absent means "whatever is current". */
export const expectedGenerationSchema = z.number().int().min(0).nullish();

export interface ConfigWrite<T> {
  value: T;
  expectedGeneration: number | undefined;
}

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

const MAX_LISTED_ISSUES = 5;

/** "agent.max_tokens_per_turn: Invalid input: …; retry.initial_delay: …" */
export function describeIssues(issues: readonly Issue[]): string {
  const parts = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path.length === 0 ? "config" : issue.path.map(String).join(".");
    return `${path}: ${issue.message}`;
  });
  const more =
    issues.length > MAX_LISTED_ISSUES ? ` (and ${issues.length - MAX_LISTED_ISSUES} more)` : "";
  return `${parts.join("; ")}${more}`;
}

function issueDetails(issues: readonly Issue[]) {
  return issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

function readExpectedGeneration(body: Record<string, unknown>): number | undefined {
  const parsed = expectedGenerationSchema.safeParse(body["expected_generation"]);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw new AppError("BAD_REQUEST", `Invalid request body: expected_generation: ${message}`);
  }
  return parsed.data ?? undefined;
}

/**
 * A config key (`wrapper`) marks the wrapped form `{<wrapper>: …, expected_generation?}`; any
 * other body is the bare form. No Config section is called `config` or `patch`, so the two
 * cannot be confused.
 */
function unwrap(body: unknown, wrapper: "config" | "patch"): ConfigWrite<unknown> {
  if (isJsonObject(body) && Object.hasOwn(body, wrapper)) {
    return { value: body[wrapper], expectedGeneration: readExpectedGeneration(body) };
  }
  return { value: body, expectedGeneration: undefined };
}

/** PUT /config: `{config, expected_generation?}` or a bare Config. */
export function readSetConfigBody(body: unknown): ConfigWrite<unknown> {
  return unwrap(body, "config");
}

/** PATCH /config: `{patch, expected_generation?}` or a bare merge patch. */
export function readPatchConfigBody(body: unknown): ConfigWrite<unknown> {
  return unwrap(body, "patch");
}

/** Validates and normalises (defaults filled, unknown keys dropped); 400 naming each problem. */
export function validateConfig(value: unknown): RealmConfig {
  const parsed = realmConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  throw new AppError("BAD_REQUEST", `Invalid config: ${describeIssues(issues)}`, {
    details: { issues: issueDetails(issues) },
  });
}
