import { describe, expect, it } from "vitest";
import { DEFAULT_REALM_CONFIG } from "@meerkat/shared/domain";
import { isAppError } from "@meerkat/shared/errors";
import {
  describeIssues,
  readPatchConfigBody,
  readSetConfigBody,
  validateConfig,
} from "./config-body.js";

function rejection(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("readSetConfigBody / readPatchConfigBody", () => {
  it("unwraps the wrapped forms, recognised by their key", () => {
    expect(readSetConfigBody({ config: { max_tokens: 5 }, expected_generation: 3 })).toEqual({
      value: { max_tokens: 5 },
      expectedGeneration: 3,
    });
    expect(readPatchConfigBody({ patch: { tools: null }, expected_generation: null })).toEqual({
      value: { tools: null },
      expectedGeneration: undefined,
    });
  });

  it("takes any other body as the bare form", () => {
    expect(readSetConfigBody({ max_tokens: 5 })).toEqual({
      value: { max_tokens: 5 },
      expectedGeneration: undefined,
    });
    expect(readPatchConfigBody([1])).toEqual({ value: [1], expectedGeneration: undefined });
    expect(readSetConfigBody(null)).toEqual({ value: null, expectedGeneration: undefined });
  });

  it("rejects an expected_generation that is not a non-negative integer", () => {
    for (const bad of [-1, 1.5, "3"]) {
      expect(rejection(() => readSetConfigBody({ config: {}, expected_generation: bad }))).toEqual({
        code: "BAD_REQUEST",
        message: expect.stringMatching(/^Invalid request body: expected_generation: /) as unknown,
      });
    }
  });
});

describe("validateConfig", () => {
  it("fills defaults and drops unknown keys", () => {
    const config = validateConfig({ agent: { model: "gpt-5.5" }, nonsense: true });
    expect(config.agent.model).toBe("gpt-5.5");
    expect(config.retry).toEqual(DEFAULT_REALM_CONFIG.retry);
    expect(config).not.toHaveProperty("nonsense");
  });

  it("names every invalid field", () => {
    const { code, message } = rejection(() =>
      validateConfig({ agent: { max_tokens_per_turn: "lots" }, retry: { initial_delay: "soon" } }),
    );
    expect(code).toBe("BAD_REQUEST");
    expect(message).toMatch(
      /^Invalid config: agent\.max_tokens_per_turn: .*; retry\.initial_delay: /,
    );
  });

  it("refuses waits longer than a timer can hold, and retention past any timestamp", () => {
    const { code, message } = rejection(() =>
      validateConfig({
        retry: { call_timeout: "25d", max_delay: 2_073_600_001 },
        tools: { tool_timeouts: { shell: "30d" } },
        shell: { timeout_secs: 2_073_601 },
        events: { retention: "36501d" },
      }),
    );
    expect(code).toBe("BAD_REQUEST");
    expect(message).toMatch(
      /^Invalid config: tools\.tool_timeouts\.shell: must be at most 24d .*; retry\.max_delay: .*; retry\.call_timeout: .*; shell\.timeout_secs: must be at most 2073600 seconds .*; events\.retention: must be at most 36500d$/,
    );
    // The limits themselves are accepted.
    const config = validateConfig({
      retry: { call_timeout: "24d" },
      shell: { timeout_secs: 2_073_600 },
      hooks: { default_timeout_ms: 2_073_600_000 },
      events: { retention: "36500d" },
    });
    expect(config.retry.call_timeout).toBe("24d");
  });

  it("refuses a first retry delay longer than the longest one, in any units", () => {
    const { code, message } = rejection(() =>
      validateConfig({ retry: { initial_delay: "1m", max_delay: "30s" } }),
    );
    expect(code).toBe("BAD_REQUEST");
    expect(message).toBe(
      "Invalid config: retry.initial_delay: must not exceed retry.max_delay (60000 ms > 30000 ms)",
    );
    // Against the default max_delay (30s) too; equal delays are fine.
    expect(rejection(() => validateConfig({ retry: { initial_delay: 30_001 } })).message).toMatch(
      /^Invalid config: retry\.initial_delay: must not exceed retry\.max_delay/,
    );
    expect(
      validateConfig({ retry: { initial_delay: "2s", max_delay: 2_000 } }).retry,
    ).toMatchObject({ initial_delay: "2s", max_delay: 2_000 });
  });

  it("refuses a self-hosted server id given twice, naming it", () => {
    const server = (id: string) => ({ id, base_url: `http://${id}.local:8000/v1` });
    const { code, message } = rejection(() =>
      validateConfig({
        self_hosted: { servers: [server("gpu"), server("cpu"), server("gpu")] },
      }),
    );
    expect(code).toBe("BAD_REQUEST");
    expect(message).toBe(
      "Invalid config: self_hosted.servers.2.id: duplicate server id 'gpu' (also servers.0)",
    );
    expect(
      validateConfig({ self_hosted: { servers: [server("gpu"), server("cpu")] } }).self_hosted
        .servers,
    ).toHaveLength(2);
  });

  it("checks MCP servers and skill repositories, naming the entry and field", () => {
    const { code, message } = rejection(() =>
      validateConfig({
        tools: { mcp_servers: [{ name: "files", command: "mcp-files" }, { command: "x" }] },
        skills: { repositories: [{ name: "team", type: "git" }] },
      }),
    );
    expect(code).toBe("BAD_REQUEST");
    expect(message).toBe(
      "Invalid config: tools.mcp_servers.1.name: expected a non-empty string; " +
        "skills.repositories.0.url: Invalid input: expected string, received undefined",
    );
    expect(
      rejection(() => validateConfig({ tools: { mcp_servers: { files: { command: "x" } } } }))
        .message,
    ).toMatch(/^Invalid config: tools\.mcp_servers: .*expected array/);
    // Valid entries are stored as they were given.
    const servers = [{ name: "web", url: "https://mcp.example.com/mcp", transport: "sse" }];
    const repositories = [{ name: "local", type: "filesystem", path: "./skills", note: "kept" }];
    const config = validateConfig({ tools: { mcp_servers: servers }, skills: { repositories } });
    expect(config.tools.mcp_servers).toEqual(servers);
    expect(config.skills.repositories).toEqual(repositories);
  });

  it("reports shape errors alone when the config does not parse", () => {
    expect(
      rejection(() => validateConfig({ retry: { call_timeout: "25d" }, agent: { max_turns: "x" } }))
        .message,
    ).toMatch(/^Invalid config: agent\.max_turns: [^;]*$/);
  });

  it("names the root when the config is not an object", () => {
    expect(rejection(() => validateConfig([1, 2])).message).toMatch(
      /^Invalid config: config: .*expected object/,
    );
  });
});

describe("describeIssues", () => {
  it("lists five issues and counts the rest", () => {
    const issues = Array.from({ length: 7 }, (_, index) => ({
      path: ["a", index],
      message: "bad",
    }));
    expect(describeIssues(issues)).toBe(
      "a.0: bad; a.1: bad; a.2: bad; a.3: bad; a.4: bad (and 2 more)",
    );
  });
});
