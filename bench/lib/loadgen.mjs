// Closed-loop HTTP load generator, run as its own process (forked with an IPC channel) so it
// never shares an event loop with a service. N clients each send one request, wait for the
// whole response, and send the next, over keep-alive connections, for warm-up + duration
// seconds. Completions inside the measured window are counted and their latencies recorded.
//
// Parent → child: nothing (the config is argv[2], JSON). Child → parent: {type:"measure-start"},
// {type:"measure-end"}, then {type:"result", result}. Also runnable by hand:
//   node bench/lib/loadgen.mjs '{"url":"http://127.0.0.1:8080/sessions","concurrency":4,...}'
import http from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "./stats.mjs";

const DEFAULTS = {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: "",
  concurrency: 1,
  warmupS: 3,
  durationS: 15,
  timeoutMs: 60_000,
  /** Statuses that count as success (anything else is an error). */
  expectStatus: [200],
};

function send(agent, target, config) {
  return new Promise((resolve) => {
    const body = config.body;
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: config.method,
        headers: { ...config.headers, "content-length": Buffer.byteLength(body) },
        agent,
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
        });
        response.on("error", (error) => resolve({ status: 0, body: String(error) }));
      },
    );
    request.setTimeout(config.timeoutMs, () => {
      request.destroy(new Error(`no response within ${config.timeoutMs} ms`));
    });
    request.on("error", (error) => resolve({ status: 0, body: `request error: ${error.message}` }));
    request.end(body);
  });
}

/** Runs the load and returns the figures (throughput, latency percentiles, errors). */
export async function runLoad(userConfig, notify = () => undefined) {
  const config = { ...DEFAULTS, ...userConfig };
  const target = new URL(config.url);
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: config.concurrency,
    maxFreeSockets: config.concurrency,
    scheduling: "fifo",
  });
  const expected = new Set(config.expectStatus);
  const nowMs = () => performance.now();
  const start = nowMs();
  const measureStart = start + config.warmupS * 1000;
  const measureEnd = measureStart + config.durationS * 1000;
  const latencies = [];
  const statusCounts = {};
  let sent = 0;
  let completedInWindow = 0;
  let errors = 0;
  let errorsInWindow = 0;
  let firstError;
  let sampleBody;
  let measuring = false;
  const cpuStart = process.cpuUsage();

  const startTimer = setTimeout(() => {
    measuring = true;
    notify({ type: "measure-start" });
  }, config.warmupS * 1000);
  const endTimer = setTimeout(
    () => {
      measuring = false;
      notify({ type: "measure-end" });
    },
    (config.warmupS + config.durationS) * 1000,
  );

  async function client() {
    while (nowMs() < measureEnd) {
      const t0 = nowMs();
      sent += 1;
      const { status, body } = await send(agent, target, config);
      const t1 = nowMs();
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      const inWindow = t1 >= measureStart && t1 <= measureEnd;
      if (expected.has(status)) {
        sampleBody ??= body.slice(0, 400);
        if (inWindow) {
          completedInWindow += 1;
          latencies.push(t1 - t0);
        }
      } else {
        errors += 1;
        if (inWindow) errorsInWindow += 1;
        firstError ??= { status, body: body.slice(0, 2000) };
      }
    }
  }

  await Promise.all(Array.from({ length: config.concurrency }, () => client()));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  if (measuring) notify({ type: "measure-end" });
  agent.destroy();
  const cpu = process.cpuUsage(cpuStart);
  return {
    concurrency: config.concurrency,
    warmup_s: config.warmupS,
    duration_s: config.durationS,
    sent,
    completed: completedInWindow,
    throughput_per_s: round(completedInWindow / config.durationS, 1),
    latency_ms: summarize(latencies),
    errors,
    errors_in_window: errorsInWindow,
    status_counts: statusCounts,
    first_error: firstError ?? null,
    sample_body: sampleBody ?? null,
    loadgen_cpu_s: round((cpu.user + cpu.system) / 1e6, 2),
    wall_s: round((nowMs() - start) / 1000, 2),
  };
}

function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const isMain =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const config = JSON.parse(process.argv[2] ?? "{}");
  const notify = (message) => process.send?.(message);
  runLoad(config, notify).then(
    (result) => {
      if (process.send) {
        process.send({ type: "result", result }, () => process.exit(0));
      } else {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      }
    },
    (error) => {
      process.stderr.write(`loadgen failed: ${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
