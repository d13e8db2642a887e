import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export type ServiceName = "api" | "worker" | "scheduler";

interface LogLine {
  msg?: string;
  level?: string;
  [key: string]: unknown;
}

/**
 * One service running as a real child process from its build output (`dist/`), exactly as
 * `npm start` runs it. Logs are captured as parsed JSON lines for assertions and debugging.
 */
export class ServiceProcess {
  readonly name: ServiceName;
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: { pattern: RegExp; resolve: (line: LogLine) => void }[] = [];

  constructor(name: ServiceName, env: Record<string, string>, args: string[] = []) {
    this.name = name;
    const dist = join(ROOT, "services", name, "dist");
    this.child = spawn(
      process.execPath,
      [
        "--enable-source-maps",
        "--import",
        join(dist, "instrumentation.js"),
        join(dist, "main.js"),
        ...args,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: process.env["HOME"] ?? "/tmp",
          NODE_ENV: "test",
          LOG_PRETTY: "false",
          LOG_LEVEL: "info",
          OTEL_SDK_DISABLED: "true",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        resolve({ code, signal });
      });
    });
    if (this.child.stdout) {
      createInterface({ input: this.child.stdout }).on("line", (raw) => {
        let line: LogLine;
        try {
          line = JSON.parse(raw) as LogLine;
        } catch {
          line = { msg: raw };
        }
        this.lines.push(line);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (waiter.pattern.test(line.msg ?? "")) {
            waiter.resolve(line);
            return false;
          }
          return true;
        });
      });
    }
    if (this.child.stderr) {
      createInterface({ input: this.child.stderr }).on("line", (raw) => this.stderr.push(raw));
    }
  }

  /** Resolves with the first log line whose `msg` matches (past or future). */
  waitForLog(pattern: RegExp, timeoutMs = 20_000): Promise<LogLine> {
    const seen = this.lines.find((line) => pattern.test(line.msg ?? ""));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `${this.name}: no log matching ${pattern} within ${timeoutMs} ms\n` +
              `stdout: ${this.lines.map((line) => JSON.stringify(line)).join("\n")}\nstderr: ${this.stderr.join("\n")}`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        pattern,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      this.#waiters.push(waiter);
      void this.exited.then(({ code, signal }) => {
        if (this.#waiters.includes(waiter)) {
          clearTimeout(timer);
          reject(
            new Error(
              `${this.name} exited (${signal ?? code}) before logging ${pattern}\nstderr: ${this.stderr.join("\n")}\nstdout: ${this.lines.map((line) => JSON.stringify(line)).join("\n")}`,
            ),
          );
        }
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL when it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}

export interface ApiProcess extends ServiceProcess {
  url: string;
}

export async function startApi(
  env: Record<string, string>,
  args: string[] = [],
): Promise<ApiProcess> {
  const service = new ServiceProcess("api", { PORT: "0", HOST: "127.0.0.1", ...env }, args);
  const line = await service.waitForLog(/^api listening$/);
  return Object.assign(service, { url: String(line["address"]) });
}

export async function startWorker(env: Record<string, string>): Promise<ServiceProcess> {
  const service = new ServiceProcess("worker", env);
  await service.waitForLog(/^worker started$/);
  return service;
}

export async function startScheduler(env: Record<string, string>): Promise<ServiceProcess> {
  const service = new ServiceProcess("scheduler", env);
  await service.waitForLog(/^scheduler started$/);
  return service;
}
