/**
 * Whether an error means Postgres could not be reached or dropped the connection (a restart, a
 * failover, a network cut), as opposed to a statement it refused. Such a failure says nothing
 * about the request: the caller may retry it, so the API answers 503, not 500.
 */

/** SQLSTATEs of a lost or refused connection: class 08, and the shutdown codes of class 57. */
const CONNECTION_SQLSTATES = new Set(["57P01", "57P02", "57P03"]);
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
const DRIVER_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
];

function isOwnConnectionError(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (code.startsWith("08") && code.length === 5) return true;
    if (CONNECTION_SQLSTATES.has(code) || SOCKET_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === "string" && DRIVER_MESSAGES.some((prefix) => message.startsWith(prefix))
  );
}

/** Follows `cause` (drizzle wraps the driver's error) and AggregateError members. */
export function isDatabaseConnectionError(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== "object" || depth > 5) return false;
  if (isOwnConnectionError(error)) return true;
  if (error instanceof AggregateError) {
    return error.errors.some((member) => isDatabaseConnectionError(member, depth + 1));
  }
  return isDatabaseConnectionError((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Whether an error came from the database layer: drizzle's query errors (they carry the SQL and
 * its parameters), the driver's server errors (a SQLSTATE and severity), or a lost connection.
 * Such messages belong in logs, not in answers to clients.
 */
export function isDatabaseError(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== "object" || depth > 5) return false;
  const fields = error as { query?: unknown; severity?: unknown; code?: unknown; cause?: unknown };
  if (typeof fields.query === "string") return true;
  if (typeof fields.severity === "string" && typeof fields.code === "string") return true;
  if (isDatabaseConnectionError(error)) return true;
  return isDatabaseError(fields.cause, depth + 1);
}
