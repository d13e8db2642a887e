// The provider transport comparison (phase `provider_transport`): the same streamed Chat
// Completions call through the real OpenAI SDK against the fake provider, once with Node's
// global fetch and once with the product's transport (packages/shared/src/llm/http-fetch.ts),
// in alternating rounds, sequentially, in this one process. Reports CPU µs and wall ms per call.
// Usable alone: node bench/lib/transport.mjs <base url ending in /v1> [calls per round]
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import OpenAI from "openai";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

async function call(client) {
  const stream = await client.chat.completions.create({
    model: "bench-model",
    stream: true,
    messages: [{ role: "user", content: "Benchmark prompt: say something short." }],
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  if (text === "") throw new Error("empty reply");
}

export async function compareTransports(baseUrl, calls = 2_000, rounds = 3) {
  const { providerFetch } = await import(
    pathToFileURL(join(ROOT, "packages/shared/dist/llm/http-fetch.js")).href
  );
  const clients = {
    global_fetch: new OpenAI({ apiKey: "bench", baseURL: baseUrl, maxRetries: 0 }),
    product_transport: new OpenAI({
      apiKey: "bench",
      baseURL: baseUrl,
      maxRetries: 0,
      fetch: providerFetch,
    }),
  };
  const samples = { global_fetch: [], product_transport: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, client] of Object.entries(clients)) {
      for (let i = 0; i < Math.min(300, calls); i++) await call(client);
      const cpu = process.cpuUsage();
      const wall = performance.now();
      for (let i = 0; i < calls; i++) await call(client);
      const used = process.cpuUsage(cpu);
      samples[name].push({
        cpu_us_per_call: (used.user + used.system) / calls,
        wall_ms_per_call: (performance.now() - wall) / calls,
      });
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = {};
  for (const [name, runs] of Object.entries(samples)) {
    summary[name] = {
      cpu_us_per_call: Math.round(median(runs.map((r) => r.cpu_us_per_call))),
      wall_ms_per_call: Math.round(median(runs.map((r) => r.wall_ms_per_call)) * 1000) / 1000,
    };
  }
  summary.cpu_ratio =
    Math.round(
      (summary.product_transport.cpu_us_per_call / summary.global_fetch.cpu_us_per_call) * 1000,
    ) / 1000;
  return { calls_per_round: calls, rounds, ...summary };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [baseUrl, calls] = process.argv.slice(2);
  if (!baseUrl) {
    process.stderr.write("usage: node bench/lib/transport.mjs <base url ending in /v1> [calls]\n");
    process.exit(2);
  }
  const result = await compareTransports(baseUrl, calls ? Number(calls) : undefined);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
