import { describe, expect, it } from "vitest";
import { AppError, isAppError } from "./app-error.js";
import { httpStatusOf, isErrorCode } from "./codes.js";

describe("error codes", () => {
  it("maps the documented codes to their statuses", () => {
    expect(httpStatusOf("BAD_REQUEST")).toBe(400);
    expect(httpStatusOf("HOOK_DENIED")).toBe(403);
    expect(httpStatusOf("SESSION_NOT_FOUND")).toBe(404);
    expect(httpStatusOf("SCHEDULE_NOT_FOUND")).toBe(404);
    expect(httpStatusOf("SESSION_BUSY")).toBe(409);
    expect(httpStatusOf("DUPLICATE_REQUEST_ID")).toBe(409);
    expect(httpStatusOf("SKILL_RESOLUTION_FAILED")).toBe(422);
    expect(httpStatusOf("BUDGET_EXHAUSTED")).toBe(429);
    expect(httpStatusOf("REQUEST_CANCELLED")).toBe(499);
    expect(httpStatusOf("CAPABILITY_UNAVAILABLE")).toBe(501);
    expect(httpStatusOf("PROVIDER_ERROR")).toBe(502);
  });

  it("recognises codes and app errors across copies (brand, not instanceof)", () => {
    expect(isErrorCode("SESSION_BUSY")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    const error = new AppError("SESSION_BUSY", "busy", { details: { session_id: "x" } });
    expect(isAppError(error)).toBe(true);
    expect(isAppError({ [Symbol.for("meerkat.app-error")]: true, code: "SESSION_BUSY" })).toBe(
      true,
    );
    expect(isAppError(new Error("plain"))).toBe(false);
    expect(error.details).toEqual({ session_id: "x" });
  });
});
