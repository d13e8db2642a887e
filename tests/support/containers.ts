import { execFileSync } from "node:child_process";
import net from "node:net";

/** True when something accepts TCP connections at host:port within the timeout. */
export function answers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once("connect", () => {
      done(true);
    });
    socket.once("error", () => {
      done(false);
    });
  });
}

function dockerAnswers(): boolean {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore", timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export interface ContainerServices {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/**
 * Only where no URL is given, nothing answers locally and a Docker engine does: starts Postgres
 * and Redis with testcontainers. On machines without Docker this returns undefined and the
 * normal URLs are used (and must answer).
 */
export async function startContainersIfNeeded(
  databaseUrl: string,
  redisUrl: string,
): Promise<ContainerServices | undefined> {
  if (process.env["DATABASE_URL"] || process.env["REDIS_URL"]) return undefined;
  const db = new URL(databaseUrl);
  const redis = new URL(redisUrl);
  const dbUp = await answers(db.hostname, Number(db.port || 5432));
  const redisUp = await answers(redis.hostname, Number(redis.port || 6379));
  if ((dbUp && redisUp) || !dockerAnswers()) return undefined;
  const { GenericContainer, Wait } = await import("testcontainers");
  const postgres = await new GenericContainer("postgres:15")
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "meerkat" })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
    .start();
  const redisContainer = await new GenericContainer("redis:7")
    .withCommand(["redis-server", "--maxmemory-policy", "noeviction", "--save", ""])
    .withExposedPorts(6379)
    .start();
  return {
    databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/meerkat`,
    redisUrl: `redis://${redisContainer.getHost()}:${redisContainer.getMappedPort(6379)}/0`,
    async stop() {
      await Promise.allSettled([postgres.stop(), redisContainer.stop()]);
    },
  };
}
