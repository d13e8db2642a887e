import { inject } from "vitest";
import { startFakeProvider, type FakeProvider } from "@meerkat/fake-provider";
import { createTestDatabase, uniquePrefix, type TestDatabase } from "./db.js";
import {
  startApi,
  startScheduler,
  startWorker,
  type ApiProcess,
  type ServiceProcess,
} from "./processes.js";

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface StackOptions {
  apis?: number;
  workers?: number;
  scheduler?: boolean;
  /** Extra env for every service (overrides the defaults below). */
  env?: Record<string, string>;
  /** Start no provider keys at all (to test the missing-key paths). */
  withoutProviderKeys?: boolean;
}

/**
 * A complete deployment for one test file: its own database (cloned from the template), its
 * own Redis namespace, a fake provider, and api/worker/scheduler processes.
 */
export class Stack {
  readonly db: TestDatabase;
  readonly fake: FakeProvider;
  readonly realm: string;
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly apis: ApiProcess[] = [];
  readonly workers: ServiceProcess[] = [];
  readonly schedulers: ServiceProcess[] = [];

  constructor(
    db: TestDatabase,
    fake: FakeProvider,
    env: Record<string, string>,
    realm: string,
    prefix: string,
  ) {
    this.db = db;
    this.fake = fake;
    this.env = env;
    this.realm = realm;
    this.prefix = prefix;
  }

  get api(): ApiProcess {
    const api = this.apis[0];
    if (!api) throw new Error("no api process");
    return api;
  }

  async startApi(env: Record<string, string> = {}): Promise<ApiProcess> {
    const api = await startApi({ ...this.env, ...env });
    this.apis.push(api);
    return api;
  }

  async startWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const worker = await startWorker({ ...this.env, ...env });
    this.workers.push(worker);
    return worker;
  }

  async startScheduler(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const scheduler = await startScheduler({ ...this.env, ...env });
    this.schedulers.push(scheduler);
    return scheduler;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; api?: ApiProcess; rawBody?: string } = {},
  ): Promise<HttpResult<T>> {
    const base = (options.api ?? this.api).url;
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | undefined = options.rawBody;
    if (body !== undefined) {
      headers["content-type"] ??= "application/json";
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${base}${path}`, { method, headers, body: payload ?? null });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  async close(): Promise<void> {
    await Promise.allSettled(
      [...this.apis, ...this.workers, ...this.schedulers].map((service) => service.stop(10_000)),
    );
    await this.fake.close();
    await this.db.drop();
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const fake = await startFakeProvider();
  const prefix = uniquePrefix();
  const realm = `test-${prefix}`;
  const providerEnv: Record<string, string> = options.withoutProviderKeys
    ? {}
    : {
        ANTHROPIC_API_KEY: "test-anthropic-key",
        ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
        OPENAI_API_KEY: "test-openai-key",
        OPENAI_BASE_URL: fake.openaiBaseUrl,
        SELF_HOSTED_BASE_URL: fake.openaiBaseUrl,
      };
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    DATABASE_POOL_MAX: "5",
    REDIS_URL: inject("redisUrl"),
    QUEUE_PREFIX: prefix,
    MEERKAT_REALM: realm,
    SHUTDOWN_DEADLINE_MS: "8000",
    WORKER_TURN_LEASE_MS: "3000",
    WORKER_SWEEP_INTERVAL_MS: "500",
    WORKER_QUEUED_GRACE_MS: "3000",
    API_TURN_POLL_MS: "250",
    ...providerEnv,
    ...options.env,
  };
  const stack = new Stack(db, fake, env, realm, prefix);
  try {
    const apis = options.apis ?? 1;
    const workers = options.workers ?? 1;
    await Promise.all([
      ...Array.from({ length: apis }, () => stack.startApi()),
      ...Array.from({ length: workers }, () => stack.startWorker()),
      ...(options.scheduler ? [stack.startScheduler()] : []),
    ]);
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
