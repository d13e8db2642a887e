import { describe, expect, it } from "vitest";
import { checkMcpServers, checkSkillRepositories } from "./config-entries.js";

const paths = (issues: { path: (string | number)[] }[]) =>
  issues.map((issue) => issue.path.join("."));

describe("checkMcpServers", () => {
  it("accepts the contract's stdio and http servers", () => {
    expect(
      checkMcpServers([
        { name: "files", command: "mcp-files", args: ["--root", "/srv"], env: { A: "1" } },
        { name: "search", url: "https://mcp.example.com/mcp", headers: { "x-key": "k" } },
        { name: "legacy", url: "http://127.0.0.1:9000/sse", transport: "sse" },
        { name: "slow", command: "mcp-slow", connect_timeout_secs: 30 },
        { name: "plain", url: "https://mcp.example.com", transport: null },
      ]),
    ).toEqual([]);
    expect(checkMcpServers([])).toEqual([]);
  });

  it("refuses entries that are not servers, naming the entry", () => {
    const issues = checkMcpServers(["files", null, [1], { name: "neither" }]);
    expect(issues).toEqual([
      { path: [0], message: "expected an MCP server object" },
      { path: [1], message: "expected an MCP server object" },
      { path: [2], message: "expected an MCP server object" },
      { path: [3], message: "requires command (stdio transport) or url (http transport)" },
    ]);
  });

  it("requires a name and one transport", () => {
    expect(paths(checkMcpServers([{ command: "x" }, { name: " ", url: "https://a.b" }]))).toEqual([
      "0.name",
      "1.name",
    ]);
    expect(checkMcpServers([{ name: "both", command: "x", url: "https://a.b" }])).toEqual([
      {
        path: [0],
        message: "give either command (stdio transport) or url (http transport), not both",
      },
    ]);
    expect(paths(checkMcpServers([{ url: "https://a.b" }, {}]))).toEqual(["0.name", "1.name", "1"]);
  });

  it("checks each transport's fields, and refuses keys the contract does not have", () => {
    const issues = checkMcpServers([
      { name: "a", command: "" },
      { name: "b", command: "x", args: "--verbose" },
      { name: "c", command: "x", env: { A: 1 } },
      { name: "d", url: "ftp://files.example.com" },
      { name: "e", url: "not a url" },
      { name: "f", url: "https://a.b", transport: "websocket" },
      { name: "g", url: "https://a.b", headers: ["x"] },
      { name: "h", command: "x", connect_timeout_secs: -1 },
      { name: "i", command: "x", headers: {} },
      { name: "j", url: "https://a.b", enabled: true },
    ]);
    expect(paths(issues)).toEqual([
      "0.command",
      "1.args",
      "2.env.A",
      "3.url",
      "4.url",
      "5.transport",
      "6.headers",
      "7.connect_timeout_secs",
      "8",
      "9",
    ]);
    expect(issues[3]?.message).toBe("expected an http(s) URL");
    expect(issues[8]?.message).toMatch(/headers/);
    expect(issues[9]?.message).toMatch(/enabled/);
  });

  it("refuses a name used twice, saying which", () => {
    expect(
      checkMcpServers([
        { name: "files", command: "a" },
        { name: "web", url: "https://a.b" },
        { name: "files", url: "https://c.d" },
      ]),
    ).toEqual([{ path: [2, "name"], message: "duplicate MCP server name 'files' (also entry 0)" }]);
  });
});

describe("checkSkillRepositories", () => {
  it("accepts the reference's four repository types, keeping unknown keys", () => {
    expect(
      checkSkillRepositories([
        { name: "project", type: "filesystem", path: ".rkat/skills" },
        {
          name: "tools",
          type: "stdio",
          command: "skill-server",
          args: ["--serve"],
          cwd: null,
          env: { A: "1" },
          timeout_seconds: 15,
        },
        { name: "hub", type: "http", url: "https://skills.example.com", refresh_seconds: 300 },
        {
          name: "team",
          type: "git",
          url: "git@github.com:team/skills.git",
          git_ref: "v1.2.0",
          ref_type: "tag",
          depth: 1,
          source_uuid: "dc256086-0d2f-4f61-a307-320d4148107f",
          extra: { kept: true },
        },
      ]),
    ).toEqual([]);
  });

  it("refuses entries that are not repositories", () => {
    expect(checkSkillRepositories(["./skills", 7])).toEqual([
      { path: [0], message: "expected a repository object" },
      { path: [1], message: "expected a repository object" },
    ]);
    expect(checkSkillRepositories([{ name: "x", type: "ftp", url: "ftp://x" }])).toEqual([
      { path: [0, "type"], message: "expected one of filesystem, stdio, http, git" },
    ]);
    expect(paths(checkSkillRepositories([{ path: "./skills" }]))).toEqual(["0.name", "0.type"]);
  });

  it("requires each type's location and checks the fields it knows", () => {
    const issues = checkSkillRepositories([
      { name: "a", type: "filesystem" },
      { name: "b", type: "stdio", command: " " },
      { name: "c", type: "http", url: "skills.example.com" },
      { name: "d", type: "git" },
      { name: "e", type: "git", url: "https://g.example/x.git", ref_type: "sha" },
      { name: "f", type: "filesystem", path: "x", source_uuid: "not-a-uuid" },
      { name: "g", type: "http", url: "https://a.b", refresh_seconds: "5m" },
    ]);
    expect(paths(issues)).toEqual([
      "0.path",
      "1.command",
      "2.url",
      "3.url",
      "4.ref_type",
      "5.source_uuid",
      "6.refresh_seconds",
    ]);
  });

  it("refuses a name used twice, saying which", () => {
    expect(
      checkSkillRepositories([
        { name: "team", type: "filesystem", path: "a" },
        { name: "team ", type: "git", url: "https://g.example/x.git" },
      ]),
    ).toEqual([{ path: [1, "name"], message: "duplicate repository name 'team' (also entry 0)" }]);
  });
});
