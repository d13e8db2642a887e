// `npm start`: ensure Postgres and Redis, build, migrate, then run api, worker and scheduler as
// child processes in the foreground with prefixed logs. Ctrl-C (or SIGTERM) stops all three.
import { createInterface } from "node:readline";
import { build, ensureServices, loadDotEnv, log, migrate, serviceCommand, run } from "./lib.mjs";

loadDotEnv();
ensureServices();
build();
migrate();

const SERVICES = ["api", "worker", "scheduler"];
const COLORS = { api: "\x1b[36m", worker: "\x1b[35m", scheduler: "\x1b[33m" };
const useColor = process.stdout.isTTY;
const children = new Map();
let stopping = false;
let exitCode = 0;

function prefix(name) {
  const label = name.padEnd(9);
  return useColor ? `${COLORS[name]}${label}\x1b[0m| ` : `${label}| `;
}

function pipe(stream, name, target) {
  createInterface({ input: stream }).on("line", (line) => target.write(`${prefix(name)}${line}\n`));
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill(signal);
}

for (const name of SERVICES) {
  const [command, args] = serviceCommand(name, name === "api" ? process.argv.slice(2) : []);
  const child = run(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    // A blank LOG_PRETTY is unset, as the services read it.
    env: {
      ...process.env,
      LOG_PRETTY: process.env.LOG_PRETTY?.trim() || (useColor ? "true" : "false"),
    },
  });
  children.set(name, child);
  pipe(child.stdout, name, process.stdout);
  pipe(child.stderr, name, process.stderr);
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (!stopping) {
      log(`${name} exited (${signal ?? `code ${code}`}); stopping the others`);
      exitCode = code || 1;
      stopAll("SIGTERM");
    }
    if (children.size === 0) process.exit(exitCode);
  });
}

process.on("SIGINT", () => stopAll("SIGTERM"));
process.on("SIGTERM", () => stopAll("SIGTERM"));
