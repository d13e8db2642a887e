// Query census, preloaded into a service with `node --import bench/lib/census-hook.mjs` when the
// bench runs with BENCH_CENSUS=1. It counts, without changing behaviour, every Postgres query
// (by statement text, with the time until its result arrived) and every Redis command (BullMQ
// Lua scripts by name, pipelines as one round trip each), and writes them as JSON to
// BENCH_CENSUS_FILE when the process exits. With BENCH_CENSUS_TRACE=<n> it also keeps the last n
// timed operations (queries, Redis commands, outgoing fetch requests, incoming HTTP requests) to
// rebuild what one turn waits on.
import { createHash } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const outFile = process.env.BENCH_CENSUS_FILE;
const require = createRequire(join(process.cwd(), "package.json"));
const pgStats = new Map();
const redisStats = new Map();
const scriptNames = new Map();
let pipelines = 0;
let pipelinedCommands = 0;
const traceLimit = Number(process.env.BENCH_CENSUS_TRACE ?? 0) || 0;
const trace = [];

function traced(kind, name, started) {
  if (traceLimit === 0) return;
  // Wall-clock ms (time origin + monotonic offset): traces of different processes line up.
  const origin = performance.timeOrigin;
  trace.push([
    kind,
    name.slice(0, 80),
    round3(origin + started),
    round3(origin + performance.now()),
  ]);
  if (trace.length > traceLimit * 1.5) trace.splice(0, trace.length - traceLimit);
}

function round3(value) {
  return Math.round(value * 1000) / 1000;
}

function normalize(text) {
  return String(text ?? "?")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 220);
}

function recordQuery(key, ms) {
  let entry = pgStats.get(key);
  if (!entry) {
    entry = { calls: 0, total_ms: 0 };
    pgStats.set(key, entry);
  }
  entry.calls += 1;
  entry.total_ms += ms;
}

const poolWait = { checkouts: 0, total_ms: 0, max_ms: 0 };

function patchPg() {
  const pg = require("pg");
  // Time spent waiting for a pooled connection (pool.query and drizzle transactions check out).
  const originalConnect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function connect(...args) {
    const started = performance.now();
    const done = () => {
      const waited = performance.now() - started;
      poolWait.checkouts += 1;
      poolWait.total_ms += waited;
      poolWait.max_ms = Math.max(poolWait.max_ms, waited);
    };
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      args[last] = function wrapped(...results) {
        done();
        return callback.apply(this, results);
      };
      return originalConnect.apply(this, args);
    }
    const result = originalConnect.apply(this, args);
    if (result && typeof result.then === "function") result.then(done, done);
    return result;
  };
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(...args) {
    const [config] = args;
    const key = normalize(typeof config === "string" ? config : config?.text);
    const started = performance.now();
    const done = () => {
      recordQuery(key, performance.now() - started);
      traced("pg", key, started);
    };
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      args[last] = function wrapped(...results) {
        done();
        return callback.apply(this, results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof result.then === "function") result.then(done, done);
    else done();
    return result;
  };
}

function patchIoredis() {
  const { Redis, Pipeline } = require("ioredis");
  const originalDefine = Redis.prototype.defineCommand;
  Redis.prototype.defineCommand = function defineCommand(name, definition) {
    if (definition?.lua) {
      scriptNames.set(createHash("sha1").update(definition.lua).digest("hex"), name);
    }
    return originalDefine.call(this, name, definition);
  };
  const originalSend = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function sendCommand(command, ...rest) {
    let name = command?.name ?? "?";
    if (name === "evalsha" || name === "eval") {
      const first = command.args?.[0];
      const sha =
        name === "eval" ? createHash("sha1").update(String(first)).digest("hex") : String(first);
      name = `script:${scriptNames.get(sha) ?? sha.slice(0, 8)}`;
    }
    redisStats.set(name, (redisStats.get(name) ?? 0) + 1);
    if (traceLimit > 0 && command?.promise) {
      const started = performance.now();
      const done = () => traced("redis", name, started);
      command.promise.then(done, done);
    }
    return originalSend.call(this, command, ...rest);
  };
  const originalExec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function exec(...args) {
    pipelines += 1;
    pipelinedCommands += this._queue?.length ?? 0;
    return originalExec.apply(this, args);
  };
}

function traceHttp() {
  if (traceLimit === 0) return;
  const fetches = new WeakMap();
  subscribe("undici:request:create", ({ request }) => {
    fetches.set(request, performance.now());
  });
  subscribe("undici:request:headers", ({ request }) => {
    const started = fetches.get(request);
    if (started !== undefined)
      traced("fetch-headers", `${request.method} ${request.path}`, started);
  });
  subscribe("undici:request:trailers", ({ request }) => {
    const started = fetches.get(request);
    if (started !== undefined) traced("fetch", `${request.method} ${request.path}`, started);
  });
  const outgoing = new WeakMap();
  subscribe("http.client.request.start", ({ request }) => {
    outgoing.set(request, performance.now());
  });
  subscribe("http.client.response.finish", ({ request }) => {
    const started = outgoing.get(request);
    if (started !== undefined)
      traced("http-out-headers", `${request.method} ${request.path}`, started);
  });
  const requests = new WeakMap();
  subscribe("http.server.request.start", ({ request }) => {
    requests.set(request, performance.now());
  });
  subscribe("http.server.response.finish", ({ request }) => {
    const started = requests.get(request);
    if (started !== undefined) traced("http-in", `${request.method} ${request.url}`, started);
  });
}

patchPg();
patchIoredis();
traceHttp();

process.on("exit", () => {
  if (!outFile) return;
  const round = (value) => Math.round(value * 100) / 100;
  const postgres = [...pgStats]
    .map(([query, entry]) => ({ query, calls: entry.calls, total_ms: round(entry.total_ms) }))
    .sort((a, b) => b.calls - a.calls);
  const redis = Object.fromEntries([...redisStats].sort((a, b) => b[1] - a[1]));
  const report = {
    pid: process.pid,
    argv: process.argv.slice(1),
    postgres,
    postgres_pool_wait: {
      checkouts: poolWait.checkouts,
      total_ms: Math.round(poolWait.total_ms),
      mean_ms: poolWait.checkouts
        ? Math.round((poolWait.total_ms / poolWait.checkouts) * 100) / 100
        : 0,
      max_ms: Math.round(poolWait.max_ms),
    },
    redis,
    redis_pipelines: { exec_calls: pipelines, commands: pipelinedCommands },
    ...(traceLimit > 0 ? { trace_columns: ["kind", "name", "start_ms", "end_ms"], trace } : {}),
  };
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
});
