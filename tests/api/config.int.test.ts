import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiProcess } from "../support/processes.js";
import { startStack, type Stack } from "../support/stack.js";

interface Envelope {
  config: {
    agent: { model: string; system_prompt?: string; max_tokens_per_turn: number };
    max_tokens: number;
    tools: {
      shell_enabled: boolean;
      builtins_enabled: boolean;
      schedule_enabled: boolean;
      tool_timeouts: Record<string, string | number>;
    };
    retry: { initial_delay: string | number; max_retries: number };
    [section: string]: unknown;
  };
  generation: number;
  realm_id: string;
  instance_id: string | null;
  backend: string;
  resolved_paths: { database_url: string; redis_url: string } | null;
}

interface ErrorBody {
  error: string;
  code: string;
}

describe("realm config across two API replicas", () => {
  let stack: Stack;
  let second: ApiProcess;

  beforeAll(async () => {
    stack = await startStack({ apis: 2, workers: 0 });
    second = stack.apis[1] as ApiProcess;
  });
  afterAll(async () => {
    await stack.close();
  });

  async function current(api?: ApiProcess): Promise<Envelope> {
    const response = await stack.request<Envelope>("GET", "/config", undefined, api ? { api } : {});
    expect(response.status).toBe(200);
    return response.body;
  }

  async function expectRejected(
    method: "PUT" | "PATCH",
    body: unknown,
    expected: { status?: number; code?: string; message: RegExp | string },
  ): Promise<void> {
    const before = await current();
    const response = await stack.request<ErrorBody>(method, "/config", body);
    expect(response.status).toBe(expected.status ?? 400);
    expect(response.body.code).toBe(expected.code ?? "BAD_REQUEST");
    if (typeof expected.message === "string") expect(response.body.error).toBe(expected.message);
    else expect(response.body.error).toMatch(expected.message);
    // Nothing changed, as seen by either replica.
    expect(await current()).toEqual(before);
    expect(await current(second)).toEqual(before);
  }

  it("starts at generation 0 with every default filled in", async () => {
    const envelope = await current();
    expect(envelope).toMatchObject({
      generation: 0,
      realm_id: stack.realm,
      instance_id: null,
      backend: "postgres",
      resolved_paths: null,
    });
    expect(envelope.config.agent).toMatchObject({
      model: "claude-opus-4-7",
      max_tokens_per_turn: 16_384,
    });
    expect(envelope.config.max_tokens).toBe(8_192);
    expect(envelope.config.tools).toMatchObject({
      builtins_enabled: false,
      shell_enabled: false,
      schedule_enabled: true,
    });
    expect(envelope.config.retry).toMatchObject({ initial_delay: "500ms", max_retries: 3 });
  });

  it("shows a PUT through one replica on the other immediately, with the same generation", async () => {
    const before = await current();
    const put = await stack.request<Envelope>("PUT", "/config", {
      config: { agent: { model: "gpt-5.5", system_prompt: "Be brief." }, bogus: true },
      expected_generation: before.generation,
    });
    expect(put.status).toBe(200);
    expect(put.body.generation).toBe(before.generation + 1);
    expect(put.body.config.agent).toMatchObject({ model: "gpt-5.5", system_prompt: "Be brief." });
    expect(put.body.config).not.toHaveProperty("bogus");
    expect(put.body.config.max_tokens).toBe(8_192);

    const seen = await current(second);
    expect(seen).toEqual(put.body);
  });

  it("replaces the whole config on PUT of a bare object (omitted sections take defaults)", async () => {
    const before = await current();
    expect(before.config.agent.model).toBe("gpt-5.5");
    const put = await stack.request<Envelope>("PUT", "/config", { max_tokens: 4_096 });
    expect(put.status).toBe(200);
    expect(put.body.generation).toBe(before.generation + 1);
    expect(put.body.config.max_tokens).toBe(4_096);
    expect(put.body.config.agent.model).toBe("claude-opus-4-7");
    expect(put.body.config.agent.system_prompt).toBeUndefined();
  });

  it("merges a PATCH into nested objects and keeps the rest", async () => {
    const before = await current();
    const patched = await stack.request<Envelope>(
      "PATCH",
      "/config",
      { tools: { shell_enabled: true, tool_timeouts: { shell: "45s" } } },
      { api: second },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.generation).toBe(before.generation + 1);
    expect(patched.body.config.tools).toMatchObject({
      shell_enabled: true,
      builtins_enabled: false,
      schedule_enabled: true,
      tool_timeouts: { shell: "45s" },
    });
    expect(patched.body.config.max_tokens).toBe(before.config.max_tokens);
    expect(await current()).toEqual(patched.body);
  });

  it("deletes with null in a PATCH, so the default comes back", async () => {
    const set = await stack.request<Envelope>("PATCH", "/config", {
      agent: { model: "gemini-3-flash-preview", system_prompt: "x" },
      max_tokens: 1_000,
    });
    expect(set.status).toBe(200);
    const cleared = await stack.request<Envelope>("PATCH", "/config", {
      patch: { agent: { model: null, system_prompt: null }, max_tokens: null },
      expected_generation: set.body.generation,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.generation).toBe(set.body.generation + 1);
    expect(cleared.body.config.agent.model).toBe("claude-opus-4-7");
    expect(cleared.body.config.agent).not.toHaveProperty("system_prompt");
    expect(cleared.body.config.max_tokens).toBe(8_192);
    // The rest of the earlier patch is untouched.
    expect(cleared.body.config.tools.shell_enabled).toBe(true);
  });

  it("refuses a PUT with a stale expected_generation and changes nothing", async () => {
    const { generation } = await current();
    await expectRejected(
      "PUT",
      { config: { max_tokens: 77 }, expected_generation: generation - 1 },
      { message: `Generation conflict: expected ${generation - 1}, current ${generation}` },
    );
  });

  it("refuses a PATCH with a stale expected_generation and changes nothing", async () => {
    const { generation } = await current();
    await expectRejected(
      "PATCH",
      { patch: { max_tokens: 77 }, expected_generation: generation + 5 },
      { message: `Generation conflict: expected ${generation + 5}, current ${generation}` },
    );
  });

  it("lands concurrent PATCHes without expected_generation on both replicas, losing none", async () => {
    const before = await current();
    const keys = ["alpha", "beta", "gamma", "delta"];
    const responses = await Promise.all(
      keys.map((key, index) =>
        stack.request<Envelope>(
          "PATCH",
          "/config",
          { tools: { tool_timeouts: { [key]: `${index + 1}s` } } },
          { api: stack.apis[index % 2] as ApiProcess },
        ),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(responses.map((response) => response.body.generation)).size).toBe(4);
    const after = await current(second);
    expect(after.generation).toBe(before.generation + keys.length);
    expect(after.config.tools.tool_timeouts).toMatchObject({
      ...before.config.tools.tool_timeouts,
      alpha: "1s",
      beta: "2s",
      gamma: "3s",
      delta: "4s",
    });
  });

  it.each([
    {
      what: "a string where a number belongs (PUT)",
      method: "PUT" as const,
      body: { agent: { max_tokens_per_turn: "lots" } },
      message: /^Invalid config: agent\.max_tokens_per_turn: /,
    },
    {
      what: "a duration that does not parse (PATCH)",
      method: "PATCH" as const,
      body: { retry: { initial_delay: "soon" } },
      message: /^Invalid config: retry\.initial_delay: expected milliseconds or a duration/,
    },
    {
      what: "a wrapped PUT whose config is invalid",
      method: "PUT" as const,
      body: { config: { tools: { shell_enabled: "yes" } }, expected_generation: null },
      message: /^Invalid config: tools\.shell_enabled: /,
    },
    {
      what: "a non-object PUT body",
      method: "PUT" as const,
      body: [1, 2],
      message: /^Invalid config: config: .*expected object/,
    },
    {
      what: "a null PUT body",
      method: "PUT" as const,
      body: null,
      message: /^Invalid config: config: .*expected object/,
    },
    {
      what: "a non-object merge patch (replaces the whole document)",
      method: "PATCH" as const,
      body: { patch: "everything" },
      message: /^Invalid config: config: .*expected object/,
    },
    {
      what: "a PATCH adding an invalid nested value",
      method: "PATCH" as const,
      body: { self_hosted: { servers: [{ id: "gpu", base_url: "not a url" }] } },
      message: /^Invalid config: self_hosted\.servers\.0\.base_url: /,
    },
    {
      what: "a first retry delay past the longest (PATCH)",
      method: "PATCH" as const,
      body: { retry: { initial_delay: "1m", max_delay: "30s" } },
      message:
        "Invalid config: retry.initial_delay: must not exceed retry.max_delay (60000 ms > 30000 ms)",
    },
    {
      what: "a first retry delay past the longest (PUT)",
      method: "PUT" as const,
      body: { config: { retry: { initial_delay: 45_000 } } },
      message:
        "Invalid config: retry.initial_delay: must not exceed retry.max_delay (45000 ms > 30000 ms)",
    },
    {
      what: "a self-hosted server id given twice (PUT)",
      method: "PUT" as const,
      body: {
        self_hosted: {
          servers: [
            { id: "gpu", base_url: "http://a.local/v1" },
            { id: "gpu", base_url: "http://b.local/v1" },
          ],
        },
      },
      message:
        "Invalid config: self_hosted.servers.1.id: duplicate server id 'gpu' (also servers.0)",
    },
    {
      what: "a self-hosted server id given twice (PATCH)",
      method: "PATCH" as const,
      body: {
        patch: {
          self_hosted: {
            servers: [
              { id: "cpu", base_url: "http://a.local/v1" },
              { id: "cpu", base_url: "http://b.local/v1", models: ["m"] },
            ],
          },
        },
      },
      message:
        "Invalid config: self_hosted.servers.1.id: duplicate server id 'cpu' (also servers.0)",
    },
    {
      what: "mcp_servers that is not a list (PUT)",
      method: "PUT" as const,
      body: { tools: { mcp_servers: { files: { command: "mcp-files" } } } },
      message: /^Invalid config: tools\.mcp_servers: .*expected array/,
    },
    {
      what: "an MCP server without a name (PATCH)",
      method: "PATCH" as const,
      body: { tools: { mcp_servers: [{ command: "mcp-files" }] } },
      message: "Invalid config: tools.mcp_servers.0.name: expected a non-empty string",
    },
    {
      what: "an MCP server with both transports (PUT)",
      method: "PUT" as const,
      body: {
        tools: { mcp_servers: [{ name: "x", command: "mcp-x", url: "https://mcp.example.com" }] },
      },
      message:
        "Invalid config: tools.mcp_servers.0: give either command (stdio transport) or url (http transport), not both",
    },
    {
      what: "two MCP servers of one name (PATCH)",
      method: "PATCH" as const,
      body: {
        tools: {
          mcp_servers: [
            { name: "files", command: "mcp-files" },
            { name: "files", url: "https://mcp.example.com" },
          ],
        },
      },
      message:
        "Invalid config: tools.mcp_servers.1.name: duplicate MCP server name 'files' (also entry 0)",
    },
    {
      what: "a skill repository that is not an object (PUT)",
      method: "PUT" as const,
      body: { skills: { repositories: ["./skills"] } },
      message: "Invalid config: skills.repositories.0: expected a repository object",
    },
    {
      what: "a skill repository of an unknown type (PATCH)",
      method: "PATCH" as const,
      body: { skills: { repositories: [{ name: "x", type: "ftp", url: "ftp://x" }] } },
      message:
        "Invalid config: skills.repositories.0.type: expected one of filesystem, stdio, http, git",
    },
    {
      what: "two skill repositories of one name (PATCH)",
      method: "PATCH" as const,
      body: {
        skills: {
          repositories: [
            { name: "team", type: "filesystem", path: "a" },
            { name: "team", type: "git", url: "https://git.example.com/skills.git" },
          ],
        },
      },
      message:
        "Invalid config: skills.repositories.1.name: duplicate repository name 'team' (also entry 0)",
    },
    {
      what: "an expected_generation that is not a generation",
      method: "PATCH" as const,
      body: { patch: {}, expected_generation: "latest" },
      message: /^Invalid request body: expected_generation: /,
    },
  ])(
    "rejects $what with 400 naming the field, changing nothing",
    async ({ method, body, message }) => {
      await expectRejected(method, body, { message });
    },
  );

  it("stores MCP servers and skill repositories of the right shape as they were given", async () => {
    const servers = [
      { name: "files", command: "mcp-files", args: ["--root", "/srv"], env: { A: "1" } },
      { name: "search", url: "https://mcp.example.com/mcp", transport: "sse" },
    ];
    const repositories = [
      { name: "project", type: "filesystem", path: ".rkat/skills" },
      { name: "team", type: "git", url: "git@github.com:team/skills.git", ref_type: "tag" },
    ];
    const patched = await stack.request<Envelope>("PATCH", "/config", {
      tools: { mcp_servers: servers },
      skills: { repositories },
      retry: { initial_delay: "30s", max_delay: "30s" },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const seen = await current(second);
    expect(seen.config.tools).toMatchObject({ mcp_servers: servers });
    expect(seen.config["skills"]).toMatchObject({ repositories });
    expect(seen.config.retry).toMatchObject({ initial_delay: "30s" });
  });

  it("reports the redacted connection URLs only with --expose-paths", async () => {
    const exposing = await startApi({ ...stack.env }, ["--expose-paths"]);
    try {
      const response = await stack.request<Envelope>("GET", "/config", undefined, {
        api: exposing,
      });
      expect(response.status).toBe(200);
      const paths = response.body.resolved_paths;
      expect(paths).not.toBeNull();
      const database = new URL(stack.env["DATABASE_URL"] ?? "");
      expect(paths?.database_url).toContain(database.host);
      expect(paths?.database_url).toContain(database.pathname);
      if (database.password !== "") {
        expect(paths?.database_url).not.toContain(`:${database.password}@`);
      }
      expect(paths?.redis_url).toMatch(/^redis/);
      expect(response.body.generation).toBe((await current()).generation);
    } finally {
      await exposing.stop();
    }
  });
});
