import { describe, expect, it } from "vitest";
import { isDatabaseConnectionError, isDatabaseError } from "./connection-errors.js";

function pgError(code: string, message = "pg error"): Error {
  return Object.assign(new Error(message), { code });
}

describe("isDatabaseConnectionError", () => {
  it("recognises a lost or refused connection, also wrapped as a cause", () => {
    expect(isDatabaseConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(
      isDatabaseConnectionError(
        pgError("57P01", "terminating connection due to administrator command"),
      ),
    ).toBe(true);
    expect(isDatabaseConnectionError(pgError("08006"))).toBe(true);
    expect(isDatabaseConnectionError(pgError("ECONNREFUSED"))).toBe(true);
    const wrapped = new Error("Failed query: select 1", {
      cause: new Error("Connection terminated unexpectedly"),
    });
    expect(isDatabaseConnectionError(wrapped)).toBe(true);
    expect(isDatabaseConnectionError(new AggregateError([pgError("ECONNREFUSED")]))).toBe(true);
  });

  it("does not take a refused statement for a connection problem", () => {
    expect(isDatabaseConnectionError(pgError("23505", "duplicate key value"))).toBe(false);
    expect(isDatabaseConnectionError(pgError("40001", "could not serialize access"))).toBe(false);
    expect(isDatabaseConnectionError(pgError("0800"))).toBe(false);
    expect(isDatabaseConnectionError(new Error("Failed query", { cause: pgError("42P01") }))).toBe(
      false,
    );
    expect(isDatabaseConnectionError("Connection terminated")).toBe(false);
    expect(isDatabaseConnectionError(undefined)).toBe(false);
  });

  it("tells database errors, whose messages carry SQL and parameters, from the rest", () => {
    const drizzle = Object.assign(new Error("Failed query: insert …"), {
      query: "insert into t values ($1)",
      params: ["secret"],
    });
    expect(isDatabaseError(drizzle)).toBe(true);
    const server = Object.assign(new Error("duplicate key value"), {
      severity: "ERROR",
      code: "23505",
    });
    expect(isDatabaseError(new Error("wrapped", { cause: server }))).toBe(true);
    expect(isDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseError(new Error("provider stream ended without a final event"))).toBe(false);
    expect(isDatabaseError(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe(false);
  });
});
