import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, uniquePrefix, type TestDatabase } from "../support/db.js";
import { ServiceProcess, type ServiceName } from "../support/processes.js";

const SERVICES: ServiceName[] = ["api", "worker", "scheduler"];

describe("service start-up and shutdown", () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: uniquePrefix(),
      MEERKAT_REALM: "lifecycle",
      DATABASE_CONNECT_TIMEOUT_MS: "2000",
      SHUTDOWN_DEADLINE_MS: "5000",
      PORT: "0",
    };
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each(SERVICES)(
    "%s exits non-zero with a clear message when Postgres is unreachable",
    async (name) => {
      const service = new ServiceProcess(name, {
        ...env,
        DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
      });
      const started = Date.now();
      const { code } = await service.exited;
      expect(code).toBe(1);
      expect(service.stderr.join("\n")).toContain(
        "cannot reach Postgres at postgres://postgres@127.0.0.1:1/none",
      );
      expect(Date.now() - started).toBeLessThan(15_000);
    },
  );

  it.each(SERVICES)(
    "%s exits non-zero with a clear message when Redis is unreachable",
    async (name) => {
      const service = new ServiceProcess(name, { ...env, REDIS_URL: "redis://127.0.0.1:1/0" });
      const { code } = await service.exited;
      expect(code).toBe(1);
      expect(service.stderr.join("\n")).toContain("cannot reach Redis at redis://127.0.0.1:1/0");
    },
  );

  it("lists every configuration problem at once and exits 1, without secrets", async () => {
    const service = new ServiceProcess("api", {
      ...env,
      PORT: "eighty",
      LOG_LEVEL: "loud",
      REDIS_URL: "http://not-redis",
      ANTHROPIC_API_KEY: "sk-secret-value",
      ANTHROPIC_BASE_URL: "not a url",
    });
    const { code } = await service.exited;
    expect(code).toBe(1);
    const stderr = service.stderr.join("\n");
    expect(stderr).toContain("PORT");
    expect(stderr).toContain("LOG_LEVEL");
    expect(stderr).toContain("REDIS_URL");
    expect(stderr).toContain("ANTHROPIC_BASE_URL");
    expect(stderr).not.toContain("sk-secret-value");
  });

  it("refuses an invalid realm id", async () => {
    const service = new ServiceProcess("api", { ...env }, ["--realm", "bad realm!"]);
    const { code } = await service.exited;
    expect(code).toBe(1);
    expect(service.stderr.join("\n")).toContain("Invalid realm id");
  });

  it.each(SERVICES)("%s starts, then shuts down in order on SIGTERM with exit 0", async (name) => {
    const service = new ServiceProcess(name, env);
    await service.waitForLog(name === "api" ? /^api listening$/ : new RegExp(`^${name} started$`));
    const { code, signal } = await service.stop();
    expect(signal).toBeNull();
    expect(code).toBe(0);
    const messages = service.lines.map((line) => line.msg);
    expect(messages).toContain("shutdown started");
    expect(messages).toContain("shutdown complete");
    expect(service.lines.filter((line) => line.level === "error")).toEqual([]);
  });

  it("the api takes its realm from --realm and reports it", async () => {
    const service = new ServiceProcess("api", env, ["--realm", "team-alpha", "--instance", "i-1"]);
    const line = await service.waitForLog(/^api listening$/);
    expect(line["realm"]).toBe("team-alpha");
    expect(line["instance"]).toBe("i-1");
    await service.stop();
  });

  it("the api without a realm serves a fresh isolated realm-<uuid>", async () => {
    const withoutRealm = { ...env };
    delete withoutRealm["MEERKAT_REALM"];
    const service = new ServiceProcess("api", withoutRealm);
    const line = await service.waitForLog(/^api listening$/);
    expect(String(line["realm"])).toMatch(/^realm-[0-9a-f-]{36}$/);
    await service.stop();
  });
});
