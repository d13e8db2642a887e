// Lines up the census traces of every service (BENCH_CENSUS=1 BENCH_CENSUS_TRACE=<n>) into
// per-request timelines: each of the API's last requests with every traced operation of any
// service that ran inside it (Postgres queries, Redis commands, outgoing and incoming HTTP),
// in ms from the request's arrival. Best with one client (phase product_c1), where the
// operations inside a request's window are that request's own.
// Usage: node bench/lib/trace-timeline.mjs <census dir> [requests to print, default 3]
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const [dir, countArg] = process.argv.slice(2);
if (!dir) {
  process.stderr.write("usage: node bench/lib/trace-timeline.mjs <census dir> [requests]\n");
  process.exit(2);
}
const operations = [];
for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
  const census = JSON.parse(readFileSync(join(dir, file), "utf8"));
  const service = basename(file, ".json");
  for (const [kind, name, start, end] of census.trace ?? []) {
    operations.push({ service, kind, name: name.slice(0, 48), start, end });
  }
}
operations.sort((a, b) => a.start - b.start);
const requests = operations.filter(
  (op) => op.service === "api" && op.kind === "http-in" && op.name.startsWith("POST /sessions"),
);
if (requests.length === 0) {
  process.stderr.write("no traced API requests (run with BENCH_CENSUS=1 BENCH_CENSUS_TRACE=200)\n");
  process.exit(1);
}
// The last request may be cut off by the trace's end; the ones before it are whole.
const shown = requests.slice(-1 - Number(countArg ?? 3), -1);
for (const request of shown) {
  process.stdout.write(`\n--- ${request.name}: ${(request.end - request.start).toFixed(2)} ms\n`);
  for (const op of operations) {
    if (op === request || op.start < request.start || op.end > request.end) continue;
    const from = (op.start - request.start).toFixed(2).padStart(7);
    const to = (op.end - request.start).toFixed(2).padStart(7);
    process.stdout.write(
      `${from} → ${to}  ${op.service.padEnd(14)} ${op.kind.padEnd(16)} ${op.name}\n`,
    );
  }
}
const durations = requests
  .slice(0, -1)
  .map((op) => op.end - op.start)
  .sort((a, b) => a - b);
const median = durations[Math.floor(durations.length / 2)];
process.stdout.write(
  `\n${durations.length} whole requests traced, median ${median.toFixed(2)} ms\n`,
);
