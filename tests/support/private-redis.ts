import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answers } from "./containers.js";
import { waitFor } from "./poll.js";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * A Redis server of the test's own (the machine's redis-server binary, no persistence), so a
 * test can stop and restart it without disturbing anything else.
 */
export class PrivateRedis {
  readonly port: number;
  readonly #dir: string;
  #process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
    this.#dir = mkdtempSync(join(tmpdir(), "meerkat-redis-"));
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.startServer();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async startServer(): Promise<void> {
    this.#process = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxmemory-policy",
        "noeviction",
        "--dir",
        this.#dir,
      ],
      { stdio: "ignore" },
    );
    await waitFor(async () => ((await answers("127.0.0.1", this.port, 200)) ? true : undefined), {
      what: "the private redis to answer",
    });
  }

  /** Kills the server (all its data is gone, as after a crash without persistence). */
  async stopServer(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async close(): Promise<void> {
    await this.stopServer();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
