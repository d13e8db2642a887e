// The naive baseline's worker: a BullMQ Worker (same concurrency as the product's) that runs one
// Postgres transaction per job (complete the turn row, insert one message row), then publishes
// the completion on Redis. No provider call, no product logic.
//
// With BASELINE_PROVIDER_URL and BASELINE_PROVIDER_BODY (the `baseline_llm_*` phases), each job
// first makes one streamed Chat Completions call with that exact request body through the real
// OpenAI SDK over the product's transport, and stores the streamed text: the baseline plus the
// provider call every product turn must make, still with no product logic.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import OpenAI from "openai";
import pg from "pg";
import { providerFetch } from "../../packages/shared/dist/llm/http-fetch.js";
import { baselineEnv } from "./schema.mjs";

const settings = baselineEnv();
const pool = new pg.Pool({
  connectionString: settings.databaseUrl,
  max: settings.poolMax,
  application_name: "bench-baseline-worker",
});
pool.on("error", () => undefined);
const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
const publisher = new Redis(settings.redisUrl, { maxRetriesPerRequest: 2 });
connection.on("error", () => undefined);
publisher.on("error", () => undefined);

const providerBody = settings.providerUrl ? JSON.parse(settings.providerBody ?? "{}") : null;
const provider = settings.providerUrl
  ? new OpenAI({
      apiKey: "bench",
      baseURL: settings.providerUrl,
      maxRetries: 0,
      fetch: providerFetch,
    })
  : null;

/** The streamed reply's text, or null when this baseline makes no provider call. */
async function callProvider() {
  if (!provider) return null;
  const stream = await provider.chat.completions.create({ ...providerBody, stream: true });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  if (text === "") throw new Error("the provider streamed an empty reply");
  return text;
}

async function completeTurn(id, reply) {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const updated = await client.query(
      "update bench_turns set status = 'completed', result = $2, finished_at = now() " +
        "where id = $1 and status = 'queued' returning prompt",
      [id, JSON.stringify({ ok: true })],
    );
    const prompt = updated.rows[0]?.prompt ?? "";
    const text = reply ?? `Echo: ${prompt}`;
    await client.query("insert into bench_messages (turn_id, body) values ($1, $2)", [
      id,
      JSON.stringify({ role: "assistant", text }),
    ]);
    await client.query("commit");
    return text;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const worker = new Worker(
  settings.queueName,
  async (job) => {
    const text = await completeTurn(job.data.id, await callProvider());
    await publisher.publish(
      settings.doneChannel,
      JSON.stringify({ id: job.data.id, status: "completed", text }),
    );
  },
  {
    connection,
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    lockDuration: 60_000,
    maxStalledCount: 2,
  },
);
worker.on("error", (error) => process.stderr.write(`worker error: ${error.message}\n`));
worker.on("failed", (job, error) => {
  process.stderr.write(`job ${job?.id} failed: ${error.message}\n`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 8_000);
  force.unref();
  await worker.close().catch(() => undefined);
  await Promise.allSettled([connection.quit(), publisher.quit()]);
  await pool.end().catch(() => undefined);
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

await worker.waitUntilReady();
process.stdout.write(`baseline worker ready (concurrency ${settings.concurrency})\n`);
