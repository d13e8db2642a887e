// The naive baseline's API: POST /turns inserts a row, enqueues a BullMQ job with its id, waits
// for the worker's completion message on a Redis pub/sub channel and replies with it. The same
// fastify, bullmq, ioredis and pg packages as the product, and none of its logic.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import Fastify from "fastify";
import { Redis } from "ioredis";
import pg from "pg";
import { baselineEnv } from "./schema.mjs";

const settings = baselineEnv();
const pool = new pg.Pool({
  connectionString: settings.databaseUrl,
  max: settings.poolMax,
  application_name: "bench-baseline-api",
});
pool.on("error", () => undefined);
const commands = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
const subscriber = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
commands.on("error", () => undefined);
subscriber.on("error", () => undefined);
const queue = new Queue(settings.queueName, {
  connection: commands,
  prefix: settings.prefix,
  defaultJobOptions: {
    attempts: 5,
    backoff: { type: "exponential", delay: 500 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 86_400 },
  },
});
queue.on("error", () => undefined);

/** turn id → resolve of the request waiting for it */
const waiting = new Map();
subscriber.on("message", (_channel, raw) => {
  const message = JSON.parse(raw);
  const resolve = waiting.get(message.id);
  if (resolve) {
    waiting.delete(message.id);
    resolve(message);
  }
});
await subscriber.subscribe(settings.doneChannel);

const app = Fastify({ logger: false });
app.get("/health", async (_request, reply) => reply.type("text/plain").send("ok"));
app.post("/turns", async (request) => {
  const id = randomUUID();
  const prompt = String(request.body?.prompt ?? "");
  await pool.query("insert into bench_turns (id, status, prompt) values ($1, 'queued', $2)", [
    id,
    prompt,
  ]);
  // Registered before the enqueue, so a completion cannot arrive before anyone listens.
  const done = new Promise((resolve) => waiting.set(id, resolve));
  await queue.add("turn", { id }, { jobId: `turn-${id}` });
  const message = await done;
  return { turn_id: id, status: message.status, text: message.text };
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 8_000);
  force.unref();
  await app.close();
  subscriber.disconnect();
  await queue.close().catch(() => undefined);
  await commands.quit().catch(() => undefined);
  await pool.end().catch(() => undefined);
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

const address = await app.listen({ port: settings.port, host: settings.host });
process.stdout.write(`baseline api listening on ${address}\n`);
