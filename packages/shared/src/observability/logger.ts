import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

export interface LoggerSettings {
  service: string;
  version: string;
  level: string;
  /** Pretty output for terminals (pino-pretty, a dev dependency); JSON otherwise. */
  pretty?: boolean | undefined;
  /** Extra base fields (e.g. instance id). */
  base?: Record<string, unknown> | undefined;
}

/** Paths whose values never reach a log line. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-webhook-secret"]',
  'req.headers["x-api-key"]',
  "*.apiKey",
  "*.password",
  "*.secret",
  "*.token",
];

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: {
      service: settings.service,
      version: settings.version,
      env: process.env["NODE_ENV"]?.trim() || "development",
      ...settings.base,
    },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (settings.pretty && isPrettyAvailable()) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: {
          colorize: true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname,env,version",
        },
      },
    });
  }
  return pino(options);
}

/** pino-pretty is a development dependency; production images log JSON even on a terminal. */
function isPrettyAvailable(): boolean {
  try {
    import.meta.resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}
