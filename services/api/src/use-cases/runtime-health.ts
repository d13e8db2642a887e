export type HealthStatus = "ok" | "degraded" | "unhealthy";

export interface HealthProbes {
  postgres: () => Promise<unknown>;
  redis: () => Promise<unknown>;
}

export interface HealthReport {
  status: HealthStatus;
  /** "ok", or why the dependency failed. */
  checks: { postgres: string; redis: string };
}

/** Long enough for a busy dependency, short enough that a monitor never times out on us. */
export const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/**
 * Runs one check; "ok" or the failure as text. A hung dependency (a black-holed connection, an
 * exhausted pool) answers "timed out" after `timeoutMs` instead of holding the request.
 */
export async function runCheck(check: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      resolve(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
  });
  const outcome = (async () => {
    try {
      await check();
      return "ok";
    } catch (error) {
      return error instanceof Error && error.message !== "" ? error.message : String(error);
    }
  })();
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Postgres is the system of record: without it nothing can be served (unhealthy). Without
 * Redis, committed work still reads fine but new turns and live events wait (degraded).
 */
export function overallStatus(checks: HealthReport["checks"]): HealthStatus {
  if (checks.postgres !== "ok") return "unhealthy";
  if (checks.redis !== "ok") return "degraded";
  return "ok";
}

export async function checkHealth(
  probes: HealthProbes,
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    runCheck(probes.postgres, timeoutMs),
    runCheck(probes.redis, timeoutMs),
  ]);
  const checks = { postgres, redis };
  return { status: overallStatus(checks), checks };
}
