#!/usr/bin/env node
/**
 * Runs the fake provider as a process: FAKE_PROVIDER_HOST (127.0.0.1), FAKE_PROVIDER_PORT (8099),
 * optional FAKE_PROVIDER_API_KEY, FAKE_PROVIDER_CHUNK_DELAY_MS and FAKE_PROVIDER_LOG_LIMIT.
 */
import { startFakeProvider } from "./server.js";

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

async function main(): Promise<void> {
  const apiKey = process.env["FAKE_PROVIDER_API_KEY"];
  const provider = await startFakeProvider({
    host: process.env["FAKE_PROVIDER_HOST"] ?? "127.0.0.1",
    port: numberFromEnv("FAKE_PROVIDER_PORT", 8099),
    defaultChunkDelayMs: numberFromEnv("FAKE_PROVIDER_CHUNK_DELAY_MS", 0),
    requestLogLimit: numberFromEnv("FAKE_PROVIDER_LOG_LIMIT", 10_000),
    ...(apiKey ? { requireApiKey: apiKey } : {}),
  });
  console.log(
    `fake provider listening on ${provider.url} ` +
      `(ANTHROPIC_BASE_URL=${provider.anthropicBaseUrl} OPENAI_BASE_URL=${provider.openaiBaseUrl} ` +
      `SELF_HOSTED_BASE_URL=${provider.openaiBaseUrl})`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    provider.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("fake provider failed to close", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("fake provider failed to start", error);
  process.exit(1);
});
