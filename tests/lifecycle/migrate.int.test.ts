import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withDatabase } from "../support/env.js";

const MIGRATOR = fileURLToPath(
  new URL("../../packages/shared/dist/db/migrate-cli.js", import.meta.url),
);

interface Run {
  code: number | null;
  lines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

/** Runs the built migrator (as `npm run db:migrate` and the image do) with only `env`. */
async function migrate(env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [MIGRATOR], {
    env: { PATH: process.env["PATH"] ?? "", NODE_ENV: "test", LOG_PRETTY: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code] = (await once(child, "close")) as [number | null];
  const lines = stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stdout, stderr };
}

describe("the migrator", () => {
  const server = inject("databaseServerUrl");
  // Named like the test databases, so the run's teardown drops it whatever happens here.
  const name = `meerkat_t_${inject("runId")}_mig${randomBytes(4).toString("hex")}`;

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: withDatabase(server, "postgres") });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    } finally {
      await admin.end();
    }
  });

  it("creates a missing database and migrates it, logging at LOG_LEVEL", async () => {
    const url = withDatabase(server, name);
    const first = await migrate({ DATABASE_URL: url, LOG_LEVEL: "info", SERVICE_VERSION: "9.8.7" });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.lines.map((line) => [line["level"], line["msg"]])).toEqual([
      ["info", "database created"],
      ["info", "migrations applied"],
    ]);
    expect(first.lines[1]).toMatchObject({ service: "migrate", version: "9.8.7" });

    // Up to date now; at warn, a successful run says nothing.
    const second = await migrate({ DATABASE_URL: url, LOG_LEVEL: "warn" });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe("");
    expect(second.stderr).toBe("");
  });

  it("refuses an invalid setting before connecting", async () => {
    const run = await migrate({
      DATABASE_URL: withDatabase(server, name),
      DATABASE_CONNECT_TIMEOUT_MS: "soon",
      LOG_LEVEL: "loud",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_CONNECT_TIMEOUT_MS: expected an integer, got "soon"');
    expect(run.stderr).toContain("LOG_LEVEL");
  });

  describe("against a server that accepts connections and never answers", () => {
    let silent: Server;
    let port: number;
    // How long each connection stayed open, as the server saw it.
    const lifetimes: Promise<number>[] = [];

    beforeAll(async () => {
      silent = createServer((socket: Socket) => {
        const opened = performance.now();
        socket.on("error", () => undefined);
        // Read (and ignore) the startup message, so the client's close is seen.
        socket.resume();
        lifetimes.push(once(socket, "close").then(() => Math.round(performance.now() - opened)));
      });
      silent.listen(0, "127.0.0.1");
      await once(silent, "listening");
      port = (silent.address() as AddressInfo).port;
    });

    afterAll(async () => {
      await new Promise((resolve) => silent.close(resolve));
    });

    it("gives up after DATABASE_CONNECT_TIMEOUT_MS, once, with an error", async () => {
      const run = await migrate({
        DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/meerkat`,
        DATABASE_CONNECT_TIMEOUT_MS: "300",
        LOG_LEVEL: "info",
      });
      expect(run.code).toBe(1);
      expect(run.lines).toHaveLength(1);
      expect(run.lines[0]).toMatchObject({
        level: "error",
        msg: "migration failed",
        database: `postgres://postgres:[redacted]@127.0.0.1:${port}/meerkat`,
        err: { message: expect.stringContaining("timeout") as unknown },
      });
      expect(run.stdout).not.toContain("hunter2");
      // One connection attempt, cut at the configured timeout (the default is 5 s).
      expect(lifetimes).toHaveLength(1);
      const lifetime = await lifetimes[0];
      expect(lifetime).toBeGreaterThanOrEqual(250);
      expect(lifetime).toBeLessThan(3_000);
    });
  });
});
