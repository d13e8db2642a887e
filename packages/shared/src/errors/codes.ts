/**
 * The one table of error codes: every code the service emits, with its HTTP status. Codes and
 * statuses follow the contract's documented names (see DECISIONS.md): where the reference
 * implementation emits a generic code (`NOT_FOUND`), the documented specific one wins.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  HOOK_DENIED: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  SKILL_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_HEADERS_TOO_LARGE: 431,
  CONFLICT: 409,
  SESSION_BUSY: 409,
  SESSION_NOT_RUNNING: 409,
  DUPLICATE_REQUEST_ID: 409,
  DUPLICATE_INPUT: 409,
  GONE: 410,
  SKILL_RESOLUTION_FAILED: 422,
  BUDGET_EXHAUSTED: 429,
  REQUEST_CANCELLED: 499,
  AGENT_ERROR: 500,
  INTERNAL_ERROR: 500,
  CONFIGURATION_ERROR: 500,
  CAPABILITY_UNAVAILABLE: 501,
  PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}
