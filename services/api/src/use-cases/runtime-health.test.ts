import { describe, expect, it } from "vitest";
import { checkHealth, overallStatus, runCheck } from "./runtime-health.js";

const ok = () => Promise.resolve("PONG");
const down = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
const hang = () => new Promise<never>(() => undefined);

describe("checkHealth", () => {
  it("is ok when both dependencies answer", async () => {
    await expect(checkHealth({ postgres: ok, redis: ok })).resolves.toEqual({
      status: "ok",
      checks: { postgres: "ok", redis: "ok" },
    });
  });

  it("is degraded without Redis and unhealthy without Postgres", async () => {
    await expect(checkHealth({ postgres: ok, redis: down })).resolves.toEqual({
      status: "degraded",
      checks: { postgres: "ok", redis: "connect ECONNREFUSED 127.0.0.1:6379" },
    });
    const report = await checkHealth({ postgres: down, redis: ok });
    expect(report.status).toBe("unhealthy");
  });

  it("answers within the timeout when a dependency hangs", async () => {
    const started = Date.now();
    const report = await checkHealth({ postgres: hang, redis: hang }, 50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report).toEqual({
      status: "unhealthy",
      checks: { postgres: "timed out after 50 ms", redis: "timed out after 50 ms" },
    });
  });
});

describe("runCheck", () => {
  it("describes a rejection that is not an Error", async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    await expect(runCheck(() => Promise.reject("nope"), 50)).resolves.toBe("nope");
  });
});

describe("overallStatus", () => {
  it("ranks Postgres above Redis", () => {
    expect(overallStatus({ postgres: "down", redis: "down" })).toBe("unhealthy");
  });
});
