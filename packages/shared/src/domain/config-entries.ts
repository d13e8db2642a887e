/**
 * The list entries of the realm config that the config schema stores as they are given:
 * `tools.mcp_servers` and `skills.repositories`. Checked when a config is written (PUT and
 * PATCH /config), so a stored list holds objects of the right kind; reading stays lenient.
 *
 * - An MCP server is the contract's `McpServerConfig`: `name` (unique) and
 *   `connect_timeout_secs?`, plus either the stdio transport (`command`, `args?`, `env?`) or the
 *   HTTP one (`url`, `headers?`, `transport?`). The transport objects forbid other keys, so an
 *   entry with both `command` and `url`, or an unknown key, is refused.
 * - The contract leaves a skill repository open; the reference's is `name` (unique), a `type`
 *   (`filesystem` | `stdio` | `http` | `git`) and that type's location (`path`, `command`, `url`,
 *   `url`). Those are required and the reference's other fields (`source_uuid`, `args`,
 *   `ref_type`, …) are type-checked; keys it does not know are kept.
 */
import { z } from "zod";

export interface ConfigEntryIssue {
  /** Relative to the list: `[2, "url"]`. */
  path: (string | number)[];
  message: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const stringMap = z.record(z.string(), z.string());
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });
const name = z
  .string({ error: "expected a non-empty string" })
  .trim()
  .min(1, { error: "expected a non-empty string" });
const seconds = z.number().int().min(0).max(4_294_967_295);

const mcpCommon = { name, connect_timeout_secs: seconds.nullish() };
const mcpStdioSchema = z.strictObject({
  ...mcpCommon,
  command: z.string().trim().min(1),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
});
const mcpHttpSchema = z.strictObject({
  ...mcpCommon,
  url: httpUrl,
  headers: stringMap.optional(),
  transport: z.enum(["streamable-http", "sse"]).nullish(),
});

const repositoryCommon = { name, source_uuid: z.uuid().nullish() };
const REPOSITORY_SCHEMAS = {
  filesystem: z.looseObject({
    ...repositoryCommon,
    type: z.literal("filesystem"),
    path: z.string().min(1),
  }),
  stdio: z.looseObject({
    ...repositoryCommon,
    type: z.literal("stdio"),
    command: z.string().trim().min(1),
    args: z.array(z.string()).optional(),
    cwd: z.string().nullish(),
    env: stringMap.optional(),
    timeout_seconds: seconds.optional(),
  }),
  http: z.looseObject({
    ...repositoryCommon,
    type: z.literal("http"),
    url: httpUrl,
    auth_header: z.string().nullish(),
    auth_token: z.string().nullish(),
    refresh_seconds: seconds.optional(),
    timeout_seconds: seconds.optional(),
  }),
  git: z.looseObject({
    ...repositoryCommon,
    type: z.literal("git"),
    url: z.string().trim().min(1),
    git_ref: z.string().min(1).optional(),
    ref_type: z.enum(["branch", "tag", "commit"]).optional(),
    skills_root: z.string().nullish(),
    auth_token: z.string().nullish(),
    ssh_key: z.string().nullish(),
    refresh_seconds: seconds.optional(),
    depth: z.number().int().min(1).nullish(),
  }),
} as const;
const REPOSITORY_TYPES = Object.keys(REPOSITORY_SCHEMAS) as (keyof typeof REPOSITORY_SCHEMAS)[];

function isRepositoryType(value: unknown): value is keyof typeof REPOSITORY_SCHEMAS {
  return typeof value === "string" && Object.hasOwn(REPOSITORY_SCHEMAS, value);
}

function issuesOf(index: number, schema: z.ZodType, entry: unknown): ConfigEntryIssue[] {
  const parsed = schema.safeParse(entry);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: [index, ...issue.path.map((key) => (typeof key === "number" ? key : String(key)))],
    message: issue.message,
  }));
}

/** A second entry with a name already used earlier in the list. */
function duplicateNames(entries: readonly unknown[], kind: string): ConfigEntryIssue[] {
  const seen = new Map<string, number>();
  const issues: ConfigEntryIssue[] = [];
  entries.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry["name"] !== "string") return;
    const key = entry["name"].trim();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      issues.push({
        path: [index, "name"],
        message: `duplicate ${kind} name '${key}' (also entry ${first})`,
      });
    }
  });
  return issues;
}

/** The problems of a `tools.mcp_servers` list (empty when every entry is a server). */
export function checkMcpServers(entries: readonly unknown[]): ConfigEntryIssue[] {
  const issues = entries.flatMap((entry, index): ConfigEntryIssue[] => {
    if (!isObject(entry)) return [{ path: [index], message: "expected an MCP server object" }];
    const stdio = Object.hasOwn(entry, "command");
    const http = Object.hasOwn(entry, "url");
    if (stdio && http) {
      return [
        {
          path: [index],
          message: "give either command (stdio transport) or url (http transport), not both",
        },
      ];
    }
    if (!stdio && !http) {
      return [
        ...issuesOf(index, z.object({ name }), entry),
        { path: [index], message: "requires command (stdio transport) or url (http transport)" },
      ];
    }
    return issuesOf(index, stdio ? mcpStdioSchema : mcpHttpSchema, entry);
  });
  return [...issues, ...duplicateNames(entries, "MCP server")];
}

/** The problems of a `skills.repositories` list (empty when every entry is a repository). */
export function checkSkillRepositories(entries: readonly unknown[]): ConfigEntryIssue[] {
  const issues = entries.flatMap((entry, index): ConfigEntryIssue[] => {
    if (!isObject(entry)) return [{ path: [index], message: "expected a repository object" }];
    const type = entry["type"];
    if (!isRepositoryType(type)) {
      return [
        ...issuesOf(index, z.object({ name }), entry),
        { path: [index, "type"], message: `expected one of ${REPOSITORY_TYPES.join(", ")}` },
      ];
    }
    return issuesOf(index, REPOSITORY_SCHEMAS[type], entry);
  });
  return [...issues, ...duplicateNames(entries, "repository")];
}
