// Child processes of the benchmark: spawn, capture the last lines of output, detect crashes,
// stop cleanly (SIGTERM, then SIGKILL), and never leave one behind when the bench exits.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

const TAIL_LINES = 200;
const live = new Set();

/** A service process started by the bench. `crashed` is set when it exits without being asked. */
export class ManagedProcess {
  /**
   * @param {string} name label used in reports and messages
   * @param {string} command executable
   * @param {string[]} args arguments
   * @param {{ cwd: string, env: Record<string, string>, ipc?: boolean }} options
   */
  constructor(name, command, args, options) {
    this.name = name;
    this.tail = [];
    this.stopping = false;
    this.crashed = false;
    this.exitInfo = undefined;
    this.lineWaiters = [];
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    });
    this.pid = this.child.pid;
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        live.delete(this);
        this.exitInfo = { code, signal };
        if (!this.stopping) this.crashed = true;
        for (const waiter of this.lineWaiters) waiter.reject(this.#exitError());
        this.lineWaiters = [];
        resolve(this.exitInfo);
      });
    });
    this.child.once("error", (error) => {
      this.tail.push(`spawn error: ${error.message}`);
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => this.#onLine(line));
    }
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  #onLine(line) {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.lineWaiters = this.lineWaiters.filter((waiter) => {
      const match = waiter.pattern.exec(line);
      if (!match) return true;
      waiter.resolve(match);
      return false;
    });
  }

  #exitError() {
    const how = this.exitInfo?.signal ?? `code ${this.exitInfo?.code}`;
    return new Error(`${this.name} exited (${how})\n${this.describeTail()}`);
  }

  /** The last output lines, indented, for error messages. */
  describeTail(lines = 30) {
    const tail = this.tail.slice(-lines);
    return tail.length === 0 ? "  (no output)" : tail.map((line) => `  | ${line}`).join("\n");
  }

  /** Resolves with the match of the first output line (from now on) that matches `pattern`. */
  waitForLine(pattern, timeoutMs) {
    if (!this.running) return Promise.reject(this.#exitError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lineWaiters = this.lineWaiters.filter((waiter) => waiter.pattern !== pattern);
        reject(new Error(`${this.name}: no output matching ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.lineWaiters.push({
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** SIGTERM, then SIGKILL when it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 10_000) {
    this.stopping = true;
    if (!this.running) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (this.running) this.child.kill("SIGKILL");
    }, timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** Stops every live process started through ManagedProcess (in parallel). */
export async function stopAll(timeoutMs = 10_000) {
  await Promise.allSettled([...live].map((proc) => proc.stop(timeoutMs)));
}

/** Last resort when the bench itself exits: kill whatever is still running, synchronously. */
export function killAllNow() {
  for (const proc of live) {
    proc.stopping = true;
    try {
      proc.child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

process.on("exit", killAllNow);

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
