// Helpers shared by the npm scripts (start, test, migrate, bench). Plain Node, no build needed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export function log(message) {
  process.stderr.write(`${message}\n`);
}

/** Loads `.env` from the repository root when present (real env vars win). */
export function loadDotEnv() {
  const file = join(ROOT, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

function unquote(value) {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1).replaceAll("'\\''", "'");
  }
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  return value;
}

/**
 * Makes sure Postgres and Redis answer (installing them on a bare Debian machine when run as
 * root) and sets DATABASE_URL / REDIS_URL in this process's env to what the script resolved.
 */
export function ensureServices() {
  const result = spawnSync("bash", [join(ROOT, "scripts/local-services.sh"), "ensure"], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: process.env,
  });
  if (result.status !== 0) {
    log("error: Postgres and Redis are needed (see the messages above).");
    process.exit(result.status ?? 1);
  }
  for (const line of result.stdout.split("\n")) {
    const match = /^(DATABASE_URL|REDIS_URL)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] = unquote(match[2]);
  }
}

/** Incremental TypeScript build of every package (fast when nothing changed). */
export function build() {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  if (!existsSync(tsc)) {
    log("error: dependencies are not installed; run `npm ci` first.");
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [tsc, "-b"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    log("error: the build failed.");
    process.exit(result.status ?? 1);
  }
}

/** Applies migrations to DATABASE_URL (creating the database when missing). */
export function migrate() {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "packages/shared/dist/db/migrate-cli.js")],
    { cwd: ROOT, stdio: "inherit", env: process.env },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Old-space cap (MB) for services started here, unless NODE_OPTIONS sets one. */
export const DEFAULT_HEAP_MB = 256;

/**
 * The command line that runs one service from its build output. V8 sizes its heap from the
 * machine's memory and collects lazily, so an uncapped worker under load holds ~300 MB of
 * garbage; with a cap it collects earlier and stays near 170 MB for the same throughput
 * (bench/README.md). NODE_OPTIONS=--max-old-space-size=<MB> overrides the default.
 */
export function serviceCommand(service, args = [], env = process.env) {
  const dir = join(ROOT, "services", service, "dist");
  const heap = /max-old-space-size/.test(env.NODE_OPTIONS ?? "")
    ? []
    : [`--max-old-space-size=${DEFAULT_HEAP_MB}`];
  return [
    process.execPath,
    [
      ...heap,
      "--enable-source-maps",
      "--import",
      join(dir, "instrumentation.js"),
      join(dir, "main.js"),
      ...args,
    ],
  ];
}

export function run(command, args, options = {}) {
  return spawn(command, args, { cwd: ROOT, stdio: "inherit", ...options });
}
