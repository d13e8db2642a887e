import { describe, expect, it } from "vitest";
import { buildShellEnv } from "./env.js";

const inherited = {
  PATH: "/usr/bin:/bin",
  LANG: "en_US.UTF-8",
  HOME: "/root",
  DATABASE_URL: "postgres://secret",
  REDIS_URL: "redis://secret",
  ANTHROPIC_API_KEY: "sk-secret",
  OPENAI_API_KEY: "sk-secret",
  AWS_SECRET_ACCESS_KEY: "secret",
};

describe("buildShellEnv", () => {
  it("carries only what a shell needs, never the worker's secrets", () => {
    const env = buildShellEnv({ workDir: "/w/s", tmpDir: "/tmp", inherited });
    expect(env).toEqual({
      PATH: "/usr/bin:/bin",
      HOME: "/w/s",
      LANG: "en_US.UTF-8",
      TERM: "dumb",
      TMPDIR: "/tmp",
    });
  });

  it("adds the session's shell_env and skips malformed names", () => {
    const env = buildShellEnv({
      workDir: "/w/s",
      tmpDir: "/tmp",
      inherited: { LC_ALL: "C" },
      sessionEnv: { PROJECT: "alpha", "BAD=NAME": "x", "1X": "y", NUL: "a\0b" },
    });
    expect(env["PROJECT"]).toBe("alpha");
    expect(env["LC_ALL"]).toBe("C");
    expect(env["LANG"]).toBe("C.UTF-8");
    expect(env["PATH"]).toContain("/usr/bin");
    expect(Object.keys(env)).not.toContain("BAD=NAME");
    expect(Object.keys(env)).not.toContain("1X");
    expect(Object.keys(env)).not.toContain("NUL");
  });
});
