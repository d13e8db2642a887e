// `npm run bench`: the turn benchmark. Measures, on this machine and with an instant fake
// provider, synchronous turns/s and latency at 1 and at 64 clients, asynchronous intake/s, and a
// naive baseline (fastify → BullMQ → worker → one Postgres transaction → Redis publish → reply)
// in the same run; records the peak RSS of every service; writes bench/results/*.json and prints
// the ratios to the targets. See bench/README.md for settings and how to read the output.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { build, ensureServices, loadDotEnv, log, migrate, ROOT, serviceCommand } from "./lib.mjs";
import { summarizeProfileFile } from "../bench/lib/cpuprofile.mjs";
import {
  backendCpu,
  connectRedis,
  databaseCounters,
  diffCounters,
  dropDatabase,
  flushPrefix,
  machineCpuSeconds,
  machineInfo,
  processCpuSeconds,
  recreateDatabase,
  redisCommandCalls,
  redisInfo,
  serverTimeline,
  tableCounters,
  withDatabase,
} from "../bench/lib/infra.mjs";
import { freePort, ManagedProcess, sleep, stopAll } from "../bench/lib/processes.mjs";
import { passLabel, table } from "../bench/lib/report.mjs";
import { readMemory, RssSampler } from "../bench/lib/rss.mjs";
import { ratio } from "../bench/lib/stats.mjs";
import { runScheduleWorkload } from "../bench/lib/schedules.mjs";
import { compareTransports } from "../bench/lib/transport.mjs";
import { BASELINE_SCHEMA } from "../bench/baseline/schema.mjs";
import pg from "pg";

const RSS_TARGET_MB = 300;
const THROUGHPUT_TARGET = 0.8;
const LATENCY_TARGET = 1.5;
const FIRE_LAG_P99_TARGET_MS = 1_000;
const PROMPT_BODY = JSON.stringify({
  prompt: "Benchmark prompt: say something short.",
  provider: "self_hosted",
  model: "bench-model",
});

// --- settings --------------------------------------------------------------------------------

function numberSetting(name, fallback, { min = 0 } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    log(`error: ${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

function flagSetting(name) {
  return ["1", "true", "yes"].includes((process.env[name] ?? "").trim().toLowerCase());
}

loadDotEnv();
const quick = flagSetting("BENCH_QUICK");
const settings = {
  quick,
  duration_s: numberSetting("BENCH_DURATION_S", quick ? 5 : 15, { min: 1 }),
  warmup_s: numberSetting("BENCH_WARMUP_S", quick ? 1 : 3),
  clients_high: numberSetting("BENCH_CLIENTS", 64, { min: 2 }),
  database: process.env.BENCH_DATABASE?.trim() || "meerkat_bench",
  queue_prefix: process.env.BENCH_QUEUE_PREFIX?.trim() || "meerkat_bench",
  baseline_prefix: `${process.env.BENCH_QUEUE_PREFIX?.trim() || "meerkat_bench"}_baseline`,
  worker_concurrency: numberSetting("WORKER_CONCURRENCY", 16, { min: 1 }),
  database_pool_max: numberSetting("DATABASE_POOL_MAX", 10, { min: 1 }),
  profile: flagSetting("BENCH_PROFILE"),
  census: flagSetting("BENCH_CENSUS"),
  keep_database: flagSetting("BENCH_KEEP_DB"),
  skip_build: flagSetting("BENCH_SKIP_BUILD"),
  node_options: process.env.BENCH_NODE_OPTIONS?.trim() || undefined,
  schedules: numberSetting("BENCH_SCHEDULES", 1_000, { min: 1 }),
  schedule_every_s: numberSetting("BENCH_SCHEDULE_EVERY_S", 10, { min: 1 }),
  schedule_window_s: numberSetting("BENCH_SCHEDULE_WINDOW_S", quick ? 20 : 60, { min: 1 }),
  schedule_lead_s: numberSetting("BENCH_SCHEDULE_LEAD_S", 20, { min: 1 }),
};
// The bench drops its database and deletes its Redis keys: never let it point at real data.
for (const [name, value] of [
  ["BENCH_DATABASE", settings.database],
  ["BENCH_QUEUE_PREFIX", settings.queue_prefix],
]) {
  if (!/bench/i.test(value) || !/^[A-Za-z0-9_-]+$/.test(value)) {
    log(`error: ${name} must contain "bench" (letters, digits, _ and - only), got '${value}'`);
    process.exit(2);
  }
}
const HIGH = settings.clients_high;
const ALL_PHASES = [
  "baseline_c1",
  `baseline_c${HIGH}`,
  "product_c1",
  `product_c${HIGH}`,
  `product_async_c${HIGH}`,
  "baseline_llm_c1",
  `baseline_llm_c${HIGH}`,
  "schedules",
  "schedules_aligned",
  "provider_transport",
];
const selected = (process.env.BENCH_PHASES ?? "")
  .split(",")
  .map((id) => id.trim())
  .filter(Boolean);
for (const id of selected) {
  if (!ALL_PHASES.includes(id)) {
    log(`error: unknown phase '${id}' in BENCH_PHASES (known: ${ALL_PHASES.join(", ")})`);
    process.exit(2);
  }
}
settings.phases =
  selected.length > 0 ? ALL_PHASES.filter((id) => selected.includes(id)) : ALL_PHASES;

const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
const RESULTS_DIR = join(ROOT, "bench/results");
const ARTIFACTS_DIR = join(RESULTS_DIR, "artifacts", stamp);

// --- lifecycle: cleanup on every exit path ---------------------------------------------------

let serverUrl;
let redisUrl;
let redis;
let monitor;
let cleaning;

function cleanup() {
  cleaning ??= (async () => {
    await stopAll(10_000);
    if (redis) {
      for (const prefix of [settings.queue_prefix, settings.baseline_prefix]) {
        await flushPrefix(redis, prefix).catch(() => undefined);
      }
      redis.disconnect();
    }
    await monitor?.end().catch(() => undefined);
    if (serverUrl && !settings.keep_database) {
      await dropDatabase(serverUrl, settings.database).catch(() => undefined);
    }
  })();
  return cleaning;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\nbench: ${signal}; stopping everything it started`);
    void cleanup().finally(() => process.exit(130));
  });
}

// --- service processes -----------------------------------------------------------------------

const NODE_FLAGS_FOR = (name) => {
  const flags = [];
  if (settings.profile) {
    const dir = join(ARTIFACTS_DIR, "profiles", name);
    mkdirSync(dir, { recursive: true });
    flags.push("--cpu-prof", `--cpu-prof-dir=${dir}`);
  }
  if (settings.census) {
    flags.push("--import", join(ROOT, "bench/lib/census-hook.mjs"));
  }
  return flags;
};

function serviceEnv(extra) {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    LOG_PRETTY: "false",
    REDIS_URL: redisUrl,
    DATABASE_URL: withDatabase(serverUrl, settings.database),
    WORKER_CONCURRENCY: String(settings.worker_concurrency),
    DATABASE_POOL_MAX: String(settings.database_pool_max),
    ...(settings.node_options ? { NODE_OPTIONS: settings.node_options } : {}),
    // Scheduler tuning (SCHEDULER_CLAIM_BATCH, SCHEDULER_DELIVERY_CONCURRENCY, …) passes through.
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name.startsWith("SCHEDULER_")),
    ),
    ...extra,
  };
  return env;
}

/** Starts `node [bench flags] <args>` as a managed process named `name`. */
function startNode(name, args, env) {
  const flags = NODE_FLAGS_FOR(name);
  let childEnv = env;
  if (settings.census) {
    mkdirSync(join(ARTIFACTS_DIR, "census"), { recursive: true });
    childEnv = { ...env, BENCH_CENSUS_FILE: join(ARTIFACTS_DIR, "census", `${name}.json`) };
    if (process.env.BENCH_CENSUS_TRACE)
      childEnv.BENCH_CENSUS_TRACE = process.env.BENCH_CENSUS_TRACE;
  }
  return new ManagedProcess(name, process.execPath, [...flags, ...args], {
    cwd: ROOT,
    env: childEnv,
  });
}

/** The instant fake provider as its own process; resolves once it listens, with its /v1 URL. */
async function startFakeProvider() {
  const fake = startNode("fake_provider", [join(ROOT, "packages/fake-provider/dist/main.js")], {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production",
    FAKE_PROVIDER_HOST: "127.0.0.1",
    FAKE_PROVIDER_PORT: "0",
    FAKE_PROVIDER_LOG_LIMIT: "100",
  });
  const match = await fake.waitForLine(/SELF_HOSTED_BASE_URL=(\S+?)\)/, 20_000);
  return { fake, selfHostedUrl: match[1] };
}

/** A product service, with `npm start`'s command line (scripts/lib.mjs) after the bench flags. */
function startService(service, env) {
  const [, args] = serviceCommand(service, [], env);
  return startNode(service, args, env);
}

async function httpRequest(url, { method = "GET", body, headers = {}, timeoutMs = 60_000 } = {}) {
  const response = await fetch(url, {
    method,
    headers: body ? { "content-type": "application/json", ...headers } : headers,
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}

async function waitForHealth(proc, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running)
      throw new Error(`${proc.name} exited during start-up\n${proc.describeTail()}`);
    try {
      const { status } = await httpRequest(url, { timeoutMs: 1_000 });
      if (status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${proc.name}: ${url} not healthy within ${timeoutMs} ms\n${proc.describeTail()}`,
      );
    }
    await sleep(100);
  }
}

/** One request that must succeed: proves the whole path (api, queue, worker, database). */
async function firstTurn(label, url, procs) {
  const started = Date.now();
  let result;
  try {
    result = await httpRequest(url, { method: "POST", body: PROMPT_BODY, timeoutMs: 60_000 });
  } catch (error) {
    throw new Error(`${label}: first turn failed: ${error.message}\n${tails(procs)}`, {
      cause: error,
    });
  }
  if (result.status !== 200) {
    throw new Error(
      `${label}: first turn answered ${result.status}: ${result.text}\n${tails(procs)}`,
    );
  }
  log(`${label}: ready (first turn in ${Date.now() - started} ms)`);
}

function tails(procs) {
  return procs.map((proc) => `${proc.name}:\n${proc.describeTail(20)}`).join("\n");
}

function assertAlive(procs) {
  const dead = procs.filter((proc) => proc.crashed || !proc.running);
  if (dead.length > 0) {
    throw new Error(`service crashed: ${dead.map((proc) => proc.name).join(", ")}\n${tails(dead)}`);
  }
}

// --- measurements ----------------------------------------------------------------------------

async function snapshot(procs) {
  const at = performance.now();
  const cpu = Object.fromEntries(procs.map((proc) => [proc.name, processCpuSeconds(proc.pid)]));
  const machineCpu = machineCpuSeconds();
  const wallMs = Date.now();
  // One monitor connection: its queries run one after the other.
  const backends = await backendCpu(monitor, settings.database);
  const db = await databaseCounters(monitor, settings.database);
  const tables = await tableCounters(monitor);
  const redisStats = await redisInfo(redis, "stats");
  const redisCpu = await redisInfo(redis, "cpu");
  const commands = settings.census ? await redisCommandCalls(redis) : undefined;
  return {
    at,
    wallMs,
    cpu,
    machineCpu,
    backends,
    db,
    tables,
    redisCommands: redisStats.total_commands_processed,
    redisCpu: (redisCpu.used_cpu_user ?? 0) + (redisCpu.used_cpu_sys ?? 0),
    commands,
  };
}

function cpuReport(before, after, procs, units) {
  const seconds = (after.at - before.at) / 1000;
  const perUnit = (value) => (units > 0 ? Math.round((value / units) * 1e6) / 1e3 : null);
  const row = (value) => ({
    cores: Math.round((value / seconds) * 100) / 100,
    ms_per_turn: perUnit(value),
  });
  const out = {};
  for (const proc of procs) {
    const a = after.cpu[proc.name];
    const b = before.cpu[proc.name];
    if (a !== undefined && b !== undefined) out[proc.name] = row(a - b);
  }
  let pgCpu = 0;
  for (const [pid, value] of after.backends) pgCpu += value - (before.backends.get(pid) ?? 0);
  out.postgres_backends = row(pgCpu);
  out.redis_server = row(after.redisCpu - before.redisCpu);
  if (after.machineCpu && before.machineCpu) {
    // Everything on the machine; "unattributed" is the rest: kernel network work done in
    // interrupts, and any process that is not the bench's (another job on the machine).
    const total = after.machineCpu.busy - before.machineCpu.busy;
    const attributed = Object.values(out).reduce((sum, value) => sum + value.cores * seconds, 0);
    out.machine_total = row(total);
    out.unattributed = row(Math.max(0, total - attributed));
  }
  return out;
}

function perTurn(delta, units) {
  const out = {};
  for (const [key, value] of Object.entries(delta)) {
    out[key] = units > 0 ? Math.round((value / units) * 100) / 100 : null;
  }
  return out;
}

/** Forks the load generator; `done` resolves with its result. */
function startLoadgen(
  { url, headers = {}, concurrency, expectStatus, warmupS, durationS = settings.duration_s },
  onMessage = () => undefined,
) {
  const loadgen = new ManagedProcess(
    "loadgen",
    process.execPath,
    [
      join(ROOT, "bench/lib/loadgen.mjs"),
      JSON.stringify({
        url,
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: PROMPT_BODY,
        concurrency,
        warmupS,
        durationS,
        expectStatus,
      }),
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
      ipc: true,
    },
  );
  const done = new Promise((resolve, reject) => {
    loadgen.child.on("message", (message) => {
      if (message.type === "result") resolve(message.result);
      else onMessage(message, loadgen);
    });
    void loadgen.exited.then(({ code, signal }) => {
      reject(
        new Error(
          `load generator exited (${signal ?? code}) without a result\n${loadgen.describeTail()}`,
        ),
      );
    });
  });
  return { loadgen, done };
}

/**
 * Warms a freshly started system (JIT, connection pools, Redis scripts) with a short unmeasured
 * burst at 8 clients, so the first measured phase does not pay for the start-up.
 */
async function warmUpSystem(label, url, procs) {
  if (settings.warmup_s <= 0) return;
  const { loadgen, done } = startLoadgen({
    url,
    concurrency: 8,
    expectStatus: [200],
    warmupS: 0,
    durationS: settings.warmup_s,
  });
  const result = await done;
  await loadgen.stop(5_000);
  assertAlive(procs);
  if (result.errors > 0) {
    throw new Error(
      `${label}: warm-up had ${result.errors} error(s); first: HTTP ${result.first_error.status} ` +
        `${result.first_error.body}`,
    );
  }
  log(`${label}: warmed up (${result.sent} turns at 8 clients)`);
}

/** Runs the load generator against `url` while sampling RSS, CPU and database counters. */
function tablesPerTurn(after, before, units) {
  const out = {};
  for (const [table, counters] of Object.entries(after)) {
    const delta = perTurn(diffCounters(counters, before[table] ?? {}), units);
    if (Object.values(delta).some((value) => value !== 0)) out[table] = delta;
  }
  return out;
}

async function runPhase(
  id,
  { system, url, headers = {}, concurrency, expectStatus, procs, afterLoad },
) {
  log(
    `\n== ${id}: ${concurrency} client(s), ${settings.warmup_s} s warm-up + ${settings.duration_s} s`,
  );
  const sampler = new RssSampler(200);
  sampler.start(Object.fromEntries(procs.map((proc) => [proc.name, proc])));
  let before;
  let after;
  const { loadgen, done } = startLoadgen(
    { url, headers, concurrency, expectStatus, warmupS: settings.warmup_s },
    (message, proc) => {
      if (message.type === "measure-start") {
        before = snapshot([...procs, proc]);
        before.catch(() => undefined);
      } else if (message.type === "measure-end") {
        after = snapshot([...procs, proc]);
        after.catch(() => undefined);
      }
    },
  );
  const result = await done;
  await loadgen.stop(5_000);
  const extra = afterLoad ? await afterLoad(result) : {};
  const rss = sampler.finish();
  assertAlive(procs);
  const [b, a] = await Promise.all([before, after]);
  const units = result.completed;
  const phase = {
    ...result,
    ...extra,
    rss_mb: rss,
    cpu: b && a ? cpuReport(b, a, [...procs, loadgen], units) : null,
    // Both reads lag by up to ~1 s (backends flush pg_stat_database about once a second).
    postgres_per_turn: b && a ? perTurn(diffCounters(a.db, b.db), units) : null,
    postgres_tables_per_turn: b && a ? tablesPerTurn(a.tables, b.tables, units) : null,
    server_timeline_ms: b && a ? await serverTimeline(monitor, system, b.wallMs, a.wallMs) : null,
    redis_commands_per_turn:
      b && a && units > 0
        ? Math.round(((a.redisCommands - b.redisCommands) / units) * 10) / 10
        : null,
    redis_command_calls_per_turn:
      b?.commands && a?.commands ? perTurn(diffCounters(a.commands, b.commands), units) : undefined,
  };
  const lat = result.latency_ms;
  log(
    `   ${result.throughput_per_s} /s  p50 ${lat.p50} ms  p90 ${lat.p90} ms  p99 ${lat.p99} ms  ` +
      `errors ${result.errors}`,
  );
  if (result.first_error) {
    log(`   first error (HTTP ${result.first_error.status}): ${result.first_error.body}`);
  }
  return phase;
}

async function activeTurns() {
  const { rows } = await monitor.query(
    "select count(*)::int as n from turns where status in ('queued', 'running')",
  );
  return rows[0].n;
}

async function waitForNoActiveTurns(timeoutMs, procs) {
  const started = performance.now();
  for (;;) {
    if ((await activeTurns()) === 0) return (performance.now() - started) / 1000;
    assertAlive(procs);
    if (performance.now() - started > timeoutMs) {
      throw new Error(`turns still queued or running after ${timeoutMs / 1000} s`);
    }
    await sleep(100);
  }
}

// --- the run ---------------------------------------------------------------------------------

/**
 * The naive baseline (`baseline_*`), or with `providerBody` the baseline plus one streamed
 * provider call per turn with the product's own request body (`baseline_llm_*`).
 */
async function runBaseline(phases, peaks, { providerBody } = {}) {
  const system = providerBody ? "baseline_llm" : "baseline";
  const wanted = settings.phases.filter((id) => id.replace(/_c\d+$/, "") === system);
  if (wanted.length === 0) return;
  const fake = providerBody ? await startFakeProvider() : null;
  const port = await freePort();
  const env = serviceEnv({
    QUEUE_PREFIX: settings.baseline_prefix,
    PORT: String(port),
    HOST: "127.0.0.1",
    ...(fake
      ? { BASELINE_PROVIDER_URL: fake.selfHostedUrl, BASELINE_PROVIDER_BODY: providerBody }
      : {}),
  });
  const worker = startNode("baseline_worker", [join(ROOT, "bench/baseline/worker.mjs")], env);
  const api = startNode("baseline_api", [join(ROOT, "bench/baseline/api.mjs")], env);
  const procs = fake ? [api, worker, fake.fake] : [api, worker];
  const base = `http://127.0.0.1:${port}`;
  await Promise.all([
    worker.waitForLine(/^baseline worker ready/, 30_000),
    waitForHealth(api, `${base}/health`),
  ]);
  await firstTurn(system, `${base}/turns`, procs);
  await warmUpSystem(system, `${base}/turns`, procs);
  for (const id of wanted) {
    const concurrency = id.endsWith("_c1") ? 1 : HIGH;
    phases[id] = await runPhase(id, {
      system: "baseline",
      url: `${base}/turns`,
      concurrency,
      expectStatus: [200],
      procs,
    });
    await sleep(500);
  }
  await stopAndRecord(procs, peaks);
}

/** The body of the fake provider's last Chat Completions request: what a product turn sends. */
async function lastProviderRequestBody(selfHostedUrl) {
  const { status, text } = await httpRequest(`${new URL(selfHostedUrl).origin}/_fake/requests`);
  if (status !== 200) throw new Error(`fake provider request log: HTTP ${status}`);
  const request = JSON.parse(text)
    .requests.filter((entry) => entry.path?.endsWith("/chat/completions"))
    .at(-1);
  if (!request?.body) throw new Error("the fake provider logged no Chat Completions request");
  return JSON.stringify(request.body);
}

/**
 * The product's phases. Returns the provider request body of a product turn when a
 * `baseline_llm_*` phase needs it (then the product starts for one turn even with no phase).
 */
async function runProduct(phases, peaks) {
  const wanted = settings.phases.filter((id) => id.startsWith("product_"));
  const needBody = settings.phases.some((id) => id.startsWith("baseline_llm_"));
  if (wanted.length === 0 && !needBody) return null;
  const { fake, selfHostedUrl } = await startFakeProvider();
  const port = await freePort();
  const env = serviceEnv({
    QUEUE_PREFIX: settings.queue_prefix,
    MEERKAT_REALM: "bench",
    SELF_HOSTED_BASE_URL: selfHostedUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
  });
  const worker = startService("worker", env);
  const api = startService("api", env);
  const procs = [api, worker, fake];
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(api, `${base}/health`);
  await firstTurn("product", `${base}/sessions`, procs);
  const providerBody = needBody ? await lastProviderRequestBody(selfHostedUrl) : null;
  if (providerBody) {
    const tools = JSON.parse(providerBody).tools?.length ?? 0;
    log(`product: provider request body ${providerBody.length} bytes, ${tools} tools`);
  }
  if (wanted.length > 0) await warmUpSystem("product", `${base}/sessions`, procs);

  for (const id of wanted) {
    await waitForNoActiveTurns(120_000, procs);
    if (id.startsWith("product_async_")) {
      const { rows } = await monitor.query("select now() as t");
      const phaseStart = rows[0].t;
      phases[id] = await runPhase(id, {
        system: "product",
        url: `${base}/sessions`,
        headers: { prefer: "respond-async" },
        concurrency: HIGH,
        expectStatus: [202],
        procs,
        afterLoad: async (result) => {
          log("   draining: waiting until no turn is queued or running");
          const drain = await waitForNoActiveTurns(600_000, procs);
          const statuses = await monitor.query(
            "select status, count(*)::int as n from turns where created_at >= $1 group by status",
            [phaseStart],
          );
          const byStatus = Object.fromEntries(statuses.rows.map((row) => [row.status, row.n]));
          const accepted = result.status_counts["202"] ?? 0;
          const completedPerS = accepted / (result.wall_s + drain);
          log(
            `   drained in ${drain.toFixed(2)} s; ${accepted} accepted turns completed at ` +
              `${completedPerS.toFixed(1)} /s including the drain (${JSON.stringify(byStatus)})`,
          );
          return {
            intake_per_s: result.throughput_per_s,
            accepted_total: accepted,
            drain_s: Math.round(drain * 100) / 100,
            completed_per_s_including_drain: Math.round(completedPerS * 10) / 10,
            turn_statuses: byStatus,
          };
        },
      });
    } else {
      const concurrency = id === "product_c1" ? 1 : HIGH;
      phases[id] = await runPhase(id, {
        system: "product",
        url: `${base}/sessions`,
        concurrency,
        expectStatus: [200],
        procs,
      });
    }
    await sleep(500);
  }
  await waitForNoActiveTurns(120_000, procs);
  await stopAndRecord(procs, peaks);
  return providerBody;
}

/**
 * The schedule benchmark: the whole product (api, worker, scheduler) against the instant fake;
 * N interval schedules fire into their own materialised sessions through a measured window.
 */
async function runSchedules(scheduleRuns, peaks) {
  const wanted = settings.phases.filter((id) => id.startsWith("schedules"));
  if (wanted.length === 0) return;
  const { fake, selfHostedUrl } = await startFakeProvider();
  const port = await freePort();
  const env = serviceEnv({
    QUEUE_PREFIX: settings.queue_prefix,
    MEERKAT_REALM: "bench",
    SELF_HOSTED_BASE_URL: selfHostedUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
  });
  const worker = startService("worker", env);
  const api = startService("api", env);
  const scheduler = startService("scheduler", env);
  const procs = [api, worker, scheduler, fake];
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(api, `${base}/health`);
  await firstTurn("schedules", `${base}/sessions`, procs);
  await warmUpSystem("schedules", `${base}/sessions`, procs);

  for (const id of wanted) {
    await waitForNoActiveTurns(120_000, procs);
    const layout = id === "schedules_aligned" ? "aligned" : "spread";
    log(
      `\n== ${id}: ${settings.schedules} schedules every ${settings.schedule_every_s} s, ${layout}`,
    );
    const sampler = new RssSampler(200);
    sampler.start(Object.fromEntries(procs.map((proc) => [proc.name, proc])));
    let before;
    let after;
    const result = await runScheduleWorkload({
      id,
      base,
      monitor,
      log,
      assertAlive: () => assertAlive(procs),
      count: settings.schedules,
      everySeconds: settings.schedule_every_s,
      windowSeconds: settings.schedule_window_s,
      leadSeconds: settings.schedule_lead_s,
      layout,
      onWindowOpen: () => {
        before = snapshot(procs);
        before.catch(() => undefined);
      },
      onWindowClose: () => {
        after = snapshot(procs);
        after.catch(() => undefined);
      },
    });
    const rss = sampler.finish();
    assertAlive(procs);
    const [b, a] = await Promise.all([before, after]);
    const lag = result.fire_lag_ms;
    scheduleRuns[id] = {
      ...result,
      fire_lag_p99_target_ms: FIRE_LAG_P99_TARGET_MS,
      pass:
        lag.p99 !== null &&
        lag.p99 <= FIRE_LAG_P99_TARGET_MS &&
        result.missed === 0 &&
        result.duplicated === 0,
      rss_mb: rss,
      // Per occurrence completed in the window (the window also carries the tail of earlier work).
      cpu: b && a ? cpuReport(b, a, procs, result.completed) : null,
    };
    log(
      `   fire lag p50 ${lag.p50} ms  p99 ${lag.p99} ms  max ${lag.max} ms  ` +
        `(turn start p99 ${result.turn_start_lag_ms.p99} ms)  ` +
        `expected ${result.expected_occurrences}  completed ${result.completed}  ` +
        `missed ${result.missed}  duplicated ${result.duplicated}`,
    );
  }
  await waitForNoActiveTurns(120_000, procs);
  await stopAndRecord(procs, peaks);
}

/**
 * The provider transport comparison: the OpenAI SDK's streamed call with Node's global fetch and
 * with the product's transport, against the fake provider, CPU per call (bench/lib/transport.mjs).
 */
async function runTransport() {
  if (!settings.phases.includes("provider_transport")) return null;
  const { fake, selfHostedUrl } = await startFakeProvider();
  try {
    log("\n== provider_transport: one SDK call, global fetch vs the product's transport");
    const result = await compareTransports(selfHostedUrl, settings.quick ? 1_000 : 3_000);
    log(
      `   cpu per call: global fetch ${result.global_fetch.cpu_us_per_call} µs, ` +
        `product transport ${result.product_transport.cpu_us_per_call} µs (ratio ${result.cpu_ratio})`,
    );
    return result;
  } finally {
    await fake.stop(15_000);
  }
}

/** Reads each process's VmHWM (peak RSS since it started), then stops them. */
async function stopAndRecord(procs, peaks) {
  for (const proc of procs) {
    const memory = readMemory(proc.pid);
    const hwm = memory?.hwmKb ? Math.round((memory.hwmKb / 1024) * 10) / 10 : null;
    const earlier = peaks[proc.name]?.hwm_mb ?? null;
    peaks[proc.name] = { hwm_mb: earlier === null ? hwm : Math.max(earlier, hwm ?? 0) };
  }
  const results = await Promise.all(procs.map(async (proc) => [proc, await proc.stop(15_000)]));
  for (const [proc, { code, signal }] of results) {
    if (code !== 0) log(`note: ${proc.name} exited with ${signal ?? `code ${code}`} on SIGTERM`);
  }
}

function memorySummary(phases, peaks, scheduleRuns) {
  const out = {};
  const runs = [...Object.values(phases), ...Object.values(scheduleRuns)];
  const names = new Set(Object.keys(peaks));
  for (const phase of runs) for (const name of Object.keys(phase.rss_mb ?? {})) names.add(name);
  for (const name of names) {
    let sampled = null;
    for (const phase of runs) {
      const value = phase.rss_mb?.[name]?.peak_rss_mb;
      if (typeof value === "number") sampled = Math.max(sampled ?? 0, value);
    }
    const hwm = peaks[name]?.hwm_mb ?? null;
    const targeted = name === "api" || name === "worker";
    const peak = Math.max(sampled ?? 0, hwm ?? 0) || null;
    out[name] = {
      peak_rss_sampled_mb: sampled,
      hwm_mb: hwm,
      ...(targeted
        ? { target_mb: RSS_TARGET_MB, pass: peak === null ? null : peak <= RSS_TARGET_MB }
        : {}),
    };
  }
  return out;
}

function readCensus(turnCounts) {
  const dir = join(ARTIFACTS_DIR, "census");
  const out = {};
  if (!existsSync(dir)) return out;
  const files = readdirSync(dir).filter((file) => file.endsWith(".json"));
  for (const file of files) {
    const name = file.replace(/\.json$/, "");
    const data = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const turns = name.startsWith("baseline") ? turnCounts.baseline : turnCounts.product;
    const per = (value) => (turns > 0 ? Math.round((value / turns) * 100) / 100 : null);
    out[name] = {
      turns,
      postgres_queries_per_turn: per(data.postgres.reduce((sum, row) => sum + row.calls, 0)),
      postgres: data.postgres.slice(0, 25).map((row) => ({
        calls_per_turn: per(row.calls),
        mean_ms: Math.round((row.total_ms / row.calls) * 100) / 100,
        query: row.query,
      })),
      postgres_pool_wait: data.postgres_pool_wait,
      redis_commands_per_turn: per(Object.values(data.redis).reduce((sum, n) => sum + n, 0)),
      redis: Object.fromEntries(
        Object.entries(data.redis)
          .slice(0, 20)
          .map(([k, v]) => [k, per(v)]),
      ),
      redis_pipelines_per_turn: per(data.redis_pipelines.exec_calls),
    };
  }
  return out;
}

function readProfiles() {
  const dir = join(ARTIFACTS_DIR, "profiles");
  const out = {};
  if (!existsSync(dir)) return out;
  for (const service of readdirSync(dir)) {
    const files = readdirSync(join(dir, service)).filter((file) => file.endsWith(".cpuprofile"));
    out[service] = files.map((file) => ({
      file: join("bench/results/artifacts", stamp, "profiles", service, file),
      ...summarizeProfileFile(join(dir, service, file), 15),
    }));
  }
  return out;
}

function gitInfo() {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    const status = execFileSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" });
    return { commit, dirty: status.trim() !== "" };
  } catch {
    return null;
  }
}

function printSummary(report) {
  const { phases } = report;
  const rows = [];
  for (const id of settings.phases) {
    const phase = phases[id];
    if (!phase) continue;
    const lat = phase.latency_ms;
    rows.push([
      id,
      phase.concurrency,
      phase.throughput_per_s,
      lat.p50,
      lat.p90,
      lat.p99,
      phase.errors,
      phase.drain_s ?? null,
      phase.completed_per_s_including_drain ?? null,
    ]);
  }
  const out = [];
  out.push("");
  out.push(
    table(
      [
        "phase",
        "clients",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "errors",
        "drain s",
        "done/s+drain",
      ],
      rows,
    ),
  );
  const serverRows = [];
  for (const id of settings.phases) {
    const phase = phases[id];
    const timeline = phase?.server_timeline_ms;
    if (!timeline) continue;
    serverRows.push([
      id,
      timeline.created_to_claimed?.p50 ?? null,
      timeline.claimed_to_finished?.p50 ?? null,
      timeline.created_to_finished?.p50 ?? null,
      phase.postgres_per_turn?.xact_commit ?? null,
      phase.postgres_per_turn?.tup_inserted ?? null,
      phase.postgres_per_turn?.tup_updated ?? null,
      phase.redis_commands_per_turn ?? null,
    ]);
  }
  if (serverRows.length > 0) {
    out.push("");
    out.push(
      table(
        [
          "server side (p50 ms, per req)",
          "created→claimed",
          "claimed→finished",
          "created→finished",
          "pg xacts",
          "rows ins",
          "rows upd",
          "redis cmds",
        ],
        serverRows,
      ),
    );
  }
  const cpuRows = [];
  for (const id of settings.phases) {
    const cpu = phases[id]?.cpu;
    if (!cpu) continue;
    for (const [name, value] of Object.entries(cpu)) {
      cpuRows.push([id, name, value.cores, value.ms_per_turn]);
    }
  }
  if (cpuRows.length > 0) {
    out.push("");
    out.push(table(["phase", "process", "cpu cores", "cpu ms/req"], cpuRows));
  }
  out.push("");
  out.push(
    table(
      ["process", "peak RSS MB (sampled)", "VmHWM MB", "target"],
      Object.entries(report.memory_mb).map(([name, value]) => [
        name,
        value.peak_rss_sampled_mb,
        value.hwm_mb,
        value.target_mb ? `≤ ${value.target_mb}: ${passLabel(value.pass)}` : "",
      ]),
    ),
  );
  const scheduleRows = Object.entries(report.schedules).map(([id, run]) => [
    id,
    run.schedules,
    run.expected_occurrences,
    run.completed,
    run.missed,
    run.duplicated,
    run.fire_lag_ms.p50,
    run.fire_lag_ms.p99,
    run.fire_lag_ms.max,
    run.turn_start_lag_ms.p99,
    `≤ ${FIRE_LAG_P99_TARGET_MS} ms, 0 missed/dup: ${passLabel(run.pass)}`,
  ]);
  if (scheduleRows.length > 0) {
    out.push("");
    out.push(
      table(
        [
          "schedules",
          "n",
          "expected",
          "completed",
          "missed",
          "dup",
          "lag p50 ms",
          "lag p99 ms",
          "lag max ms",
          "turn start p99 ms",
          "target",
        ],
        scheduleRows,
      ),
    );
  }
  out.push("");
  const t = report.ratios.product_c64_throughput_over_baseline;
  const l = report.ratios.product_c1_p50_over_baseline;
  out.push(
    `throughput ratio  product_c${HIGH} / baseline_c${HIGH} = ${t.value ?? "n/a"}  ` +
      `(target ≥ ${THROUGHPUT_TARGET}: ${passLabel(t.pass)})`,
  );
  out.push(
    `latency ratio     product_c1 p50 / baseline_c1 p50 = ${l.value ?? "n/a"}  ` +
      `(target ≤ ${LATENCY_TARGET}: ${passLabel(l.pass)})`,
  );
  const llmT = report.ratios.product_c64_throughput_over_baseline_llm;
  const llmL = report.ratios.product_c1_p50_over_baseline_llm;
  if (llmT !== undefined || llmL !== undefined) {
    out.push(
      `against baseline_llm (no target)  throughput ${llmT ?? "n/a"}, c1 p50 ${llmL ?? "n/a"}`,
    );
  }
  const transport = report.provider_transport;
  if (transport) {
    out.push(
      `provider transport  cpu per SDK call: global fetch ${transport.global_fetch.cpu_us_per_call} µs, ` +
        `product ${transport.product_transport.cpu_us_per_call} µs (ratio ${transport.cpu_ratio})`,
    );
  }
  out.push(`valid run: ${report.valid ? "yes" : `NO (${report.problems.join("; ")})`}`);
  for (const warning of report.warnings) out.push(`warning: ${warning}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

async function main() {
  ensureServices();
  serverUrl = process.env.DATABASE_URL;
  redisUrl = process.env.REDIS_URL;
  if (settings.skip_build) log("bench: BENCH_SKIP_BUILD set; using the dist/ folders as they are");
  else build();
  const benchUrl = withDatabase(serverUrl, settings.database);
  log(
    `bench: database ${settings.database}, Redis prefixes ${settings.queue_prefix}, ${settings.baseline_prefix}`,
  );
  await recreateDatabase(serverUrl, settings.database);
  process.env.DATABASE_URL = benchUrl;
  migrate();
  process.env.DATABASE_URL = serverUrl;
  monitor = new pg.Client({
    connectionString: benchUrl,
    application_name: "meerkat-bench-monitor",
  });
  await monitor.connect();
  await monitor.query(BASELINE_SCHEMA);
  redis = connectRedis(redisUrl);
  await redis.connect();
  for (const prefix of [settings.queue_prefix, settings.baseline_prefix])
    await flushPrefix(redis, prefix);
  const machine = await machineInfo(serverUrl, redis);
  const idleFrom = machineCpuSeconds();
  await sleep(2_000);
  const idleTo = machineCpuSeconds();
  if (idleFrom && idleTo) {
    machine.busy_cores_before_start = Math.round(((idleTo.busy - idleFrom.busy) / 2) * 100) / 100;
    if (machine.busy_cores_before_start > 0.3) {
      log(
        `warning: the machine was already busy (${machine.busy_cores_before_start} cores) before ` +
          "the bench started; the figures will be noisy",
      );
    }
  }

  const phases = {};
  const peaks = {};
  await runBaseline(phases, peaks);
  const providerBody = await runProduct(phases, peaks);
  if (providerBody) await runBaseline(phases, peaks, { providerBody });
  const scheduleRuns = {};
  await runSchedules(scheduleRuns, peaks);
  const transport = await runTransport();
  machine.loadavg_at_end = loadavg().map((value) => Math.round(value * 100) / 100);

  const counts = await monitor.query(
    `select (select count(*)::int from turns) as product,
            (select count(*)::int from turns where status <> 'completed') as product_not_completed,
            (select count(*)::int from bench_turns) as baseline`,
  );
  const turnCounts = counts.rows[0];
  const problems = [];
  const warnings = [];
  if ((machine.busy_cores_before_start ?? 0) > 0.3) {
    warnings.push(`machine busy before start: ${machine.busy_cores_before_start} cores`);
  }
  for (const [id, phase] of Object.entries(phases)) {
    const other = phase.cpu?.unattributed?.cores ?? 0;
    if (other > 0.5)
      warnings.push(`${id}: ${other} cores of CPU not used by the bench's processes`);
  }
  for (const [id, phase] of Object.entries(phases)) {
    if (phase.errors > 0) problems.push(`${id}: ${phase.errors} error(s)`);
    if (phase.completed === 0) problems.push(`${id}: nothing completed`);
  }
  if (turnCounts.product_not_completed > 0) {
    problems.push(`${turnCounts.product_not_completed} product turn(s) did not complete`);
  }

  const base1 = phases.baseline_c1?.latency_ms.p50;
  const prod1 = phases.product_c1?.latency_ms.p50;
  const baseHigh = phases[`baseline_c${HIGH}`]?.throughput_per_s;
  const prodHigh = phases[`product_c${HIGH}`]?.throughput_per_s;
  const throughputRatio = ratio(prodHigh, baseHigh);
  const latencyRatio = ratio(prod1, base1);
  const llmHigh = phases[`baseline_llm_c${HIGH}`]?.throughput_per_s;
  const llm1 = phases.baseline_llm_c1?.latency_ms.p50;
  for (const [id, run] of Object.entries(scheduleRuns)) {
    if (run.missed > 0) problems.push(`${id}: ${run.missed} occurrence(s) missed`);
    if (run.duplicated > 0) problems.push(`${id}: ${run.duplicated} duplicated deliveries`);
    if (run.transcript_prompts_missing > 0) {
      problems.push(
        `${id}: ${run.transcript_prompts_missing} delivered prompt(s) not in transcripts`,
      );
    }
    if (!run.created_before_window) warnings.push(`${id}: schedule creation ran into the window`);
  }
  const memory = memorySummary(phases, peaks, scheduleRuns);
  const report = {
    benchmark: "turns and schedules",
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    git: gitInfo(),
    machine,
    settings,
    phases,
    schedules: scheduleRuns,
    provider_transport: transport,
    memory_mb: memory,
    ratios: {
      product_c64_throughput_over_baseline: {
        value: throughputRatio,
        target: `>= ${THROUGHPUT_TARGET}`,
        pass: throughputRatio === null ? null : throughputRatio >= THROUGHPUT_TARGET,
      },
      product_c1_p50_over_baseline: {
        value: latencyRatio,
        target: `<= ${LATENCY_TARGET}`,
        pass: latencyRatio === null ? null : latencyRatio <= LATENCY_TARGET,
      },
      ...Object.fromEntries(
        Object.entries(scheduleRuns).map(([id, run]) => [
          `${id}_fire_lag_p99_ms`,
          {
            value: run.fire_lag_ms.p99,
            target: `<= ${FIRE_LAG_P99_TARGET_MS}, 0 missed, 0 duplicated`,
            pass: run.pass,
          },
        ]),
      ),
      // Informational (no target): against the baseline that also makes the provider call.
      product_c64_throughput_over_baseline_llm: ratio(prodHigh, llmHigh) ?? undefined,
      product_c1_p50_over_baseline_llm: ratio(prod1, llm1) ?? undefined,
      product_async_intake_over_sync_c64:
        ratio(phases[`product_async_c${HIGH}`]?.intake_per_s, prodHigh) ?? undefined,
    },
    turn_counts: turnCounts,
    valid: problems.length === 0,
    problems,
    warnings,
  };
  await cleanup();
  if (settings.census) report.census = readCensus(turnCounts);
  if (settings.profile) report.profiles = readProfiles();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `bench-${stamp}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(RESULTS_DIR, "latest.json"), text);
  printSummary(report);
  log(`\nwritten: ${file} (and bench/results/latest.json)`);
  return report.valid ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    if (interrupted) return; // the signal handler cleans up and exits
    log(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup().catch(() => undefined);
    process.exit(1);
  },
);
