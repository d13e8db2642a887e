import type { ErrorCode } from "./codes.js";

const APP_ERROR = Symbol.for("meerkat.app-error");

export interface AppErrorOptions {
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
  /** Whether retrying the same operation may succeed (transient failure). */
  retryable?: boolean | undefined;
}

/**
 * The one error type that crosses layers. `message` is safe to show to clients for 4xx codes;
 * 5xx messages are replaced by a generic one at the HTTP edge unless `expose` is set.
 * Branded with a global symbol so `isAppError` works across package copies (never `instanceof`).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  readonly [APP_ERROR] = true;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

export function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && APP_ERROR in value;
}

/** A short description of any thrown value, for logs and stored error messages. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
