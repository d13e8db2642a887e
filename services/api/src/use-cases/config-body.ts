/**
 * Reading PUT and PATCH /config bodies. The routes accept any JSON, as the reference does, so
 * that every problem with a config is reported here the same way: 400 "Invalid config: …".
 */
import { z } from "zod";
import {
  checkMcpServers,
  checkSkillRepositories,
  isJsonObject,
  parseDurationMs,
  realmConfigSchema,
  type ConfigEntryIssue,
  type RealmConfig,
} from "@meerkat/shared/domain";
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

const DAY_MS = 86_400_000;
/**
 * Settings the runtime waits on with a timer. Node.js timers hold at most 2^31 - 1 ms (24.8
 * days) and fire at once beyond it, so a longer value would time every LLM call or tool out.
 */
const MAX_TIMER_MS = 24 * DAY_MS;
/** Beyond this, "now minus retention" is no longer a timestamp Postgres can hold. */
const MAX_RETENTION_MS = 36_500 * DAY_MS;

/**
 * What a write must also satisfy beyond the stored shape: values the runtime can honour and
 * settings that agree with each other (a first retry delay within the longest one, one entry
 * per self-hosted server id, MCP servers and skill repositories of the right shape with unique
 * names). Reading stays lenient (realmConfigSchema), so a stored config past these rules still
 * reads and can be repaired by a PATCH.
 */
const writableConfigSchema = realmConfigSchema.superRefine((config, ctx) => {
  const atMost = (
    path: PropertyKey[],
    value: number | string | undefined,
    maxMs: number,
    shown: string,
  ) => {
    const ms = value === undefined ? undefined : parseDurationMs(value);
    if (ms !== undefined && ms > maxMs) {
      ctx.addIssue({ code: "custom", path, message: `must be at most ${shown}` });
    }
  };
  const timer = "24d (a longer timer cannot be honoured)";
  atMost(["tools", "default_timeout"], config.tools.default_timeout, MAX_TIMER_MS, timer);
  for (const [name, timeout] of Object.entries(config.tools.tool_timeouts)) {
    atMost(["tools", "tool_timeouts", name], timeout, MAX_TIMER_MS, timer);
  }
  atMost(["retry", "initial_delay"], config.retry.initial_delay, MAX_TIMER_MS, timer);
  atMost(["retry", "max_delay"], config.retry.max_delay, MAX_TIMER_MS, timer);
  atMost(["retry", "call_timeout"], config.retry.call_timeout, MAX_TIMER_MS, timer);
  atMost(
    ["shell", "timeout_secs"],
    config.shell.timeout_secs * 1000,
    MAX_TIMER_MS,
    `${MAX_TIMER_MS / 1000} seconds (24 days; a longer timer cannot be honoured)`,
  );
  atMost(
    ["hooks", "default_timeout_ms"],
    config.hooks.default_timeout_ms,
    MAX_TIMER_MS,
    `${MAX_TIMER_MS} ms (24 days; a longer timer cannot be honoured)`,
  );
  atMost(["events", "retention"], config.events.retention, MAX_RETENTION_MS, "36500d");

  const initialDelay = parseDurationMs(config.retry.initial_delay);
  const maxDelay = parseDurationMs(config.retry.max_delay);
  if (initialDelay !== undefined && maxDelay !== undefined && initialDelay > maxDelay) {
    ctx.addIssue({
      code: "custom",
      path: ["retry", "initial_delay"],
      message: `must not exceed retry.max_delay (${initialDelay} ms > ${maxDelay} ms)`,
    });
  }

  const serverIds = new Map<string, number>();
  config.self_hosted.servers.forEach((server, index) => {
    const first = serverIds.get(server.id);
    if (first === undefined) serverIds.set(server.id, index);
    else {
      ctx.addIssue({
        code: "custom",
        path: ["self_hosted", "servers", index, "id"],
        message: `duplicate server id '${server.id}' (also servers.${first})`,
      });
    }
  });

  const entries = (path: PropertyKey[], issues: ConfigEntryIssue[]) => {
    for (const issue of issues) {
      ctx.addIssue({ code: "custom", path: [...path, ...issue.path], message: issue.message });
    }
  };
  entries(["tools", "mcp_servers"], checkMcpServers(config.tools.mcp_servers));
  entries(["skills", "repositories"], checkSkillRepositories(config.skills.repositories));
});

/**
 * Validates and normalises (defaults filled, unknown keys dropped) a config about to be
 * written; 400 naming each problem.
 */
export function validateConfig(value: unknown): RealmConfig {
  const parsed = writableConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  throw new AppError("BAD_REQUEST", `Invalid config: ${describeIssues(issues)}`, {
    details: { issues: issueDetails(issues) },
  });
}
