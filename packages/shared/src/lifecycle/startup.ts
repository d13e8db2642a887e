import type { Logger } from "pino";
import { describeError } from "../errors/app-error.js";

/**
 * Runs a start-up dependency check; on failure prints one clear line naming the dependency and
 * exits non-zero (never hangs: each check has its own timeout).
 */
export async function requireDependency(
  logger: Logger,
  name: string,
  where: string,
  check: () => Promise<void>,
): Promise<void> {
  try {
    await check();
  } catch (error) {
    logger.fatal({ dependency: name, where, err: error }, `${name} is unreachable`);
    process.stderr.write(`error: cannot reach ${name} at ${where}: ${describeError(error)}\n`);
    process.exit(1);
  }
}

/** A URL with any password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "[redacted]";
    return parsed.toString();
  } catch {
    return "[invalid url]";
  }
}
