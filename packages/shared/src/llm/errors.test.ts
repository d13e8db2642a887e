import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { classifyLlmError, isLlmError, LlmError, toLlmError } from "./errors.js";

/** An Anthropic SDK error exactly as the SDK builds it from an HTTP response. */
function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): Error {
  return Anthropic.APIError.generate(
    status,
    { type: "error", error: { type, message } },
    undefined,
    new Headers(headers),
  );
}

/** An OpenAI SDK error exactly as the SDK builds it from an HTTP response. */
function openAiError(
  status: number,
  message: string,
  code: string | null = null,
  headers: Record<string, string> = {},
): Error {
  return OpenAI.APIError.generate(
    status,
    { error: { message, type: "invalid_request_error", param: null, code } },
    undefined,
    new Headers(headers),
  );
}

describe("classifyLlmError: HTTP statuses", () => {
  it.each([
    [401, "auth", false],
    [403, "auth", false],
    [404, "not_found", false],
    [400, "invalid_request", false],
    [422, "invalid_request", false],
    [408, "timeout", true],
    [409, "rate_limit", true],
    [429, "rate_limit", true],
    [500, "server", true],
    [502, "server", true],
    [503, "overloaded", true],
    [529, "overloaded", true],
  ] as const)("status %i → %s (retryable %s)", (status, kind, retryable) => {
    for (const error of [anthropicError(status, "x", "failed"), openAiError(status, "failed")]) {
      expect(classifyLlmError(error)).toEqual({ kind, retryable, status });
    }
  });

  it("uses the SDKs' concrete error classes", () => {
    expect(anthropicError(429, "rate_limit_error", "slow down")).toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    expect(anthropicError(529, "overloaded_error", "busy")).toBeInstanceOf(
      Anthropic.OverloadedError,
    );
    expect(openAiError(401, "bad key")).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("reads retry headers", () => {
    expect(
      classifyLlmError(anthropicError(429, "rate_limit_error", "slow", { "retry-after": "12" })),
    ).toEqual({ kind: "rate_limit", retryable: true, status: 429, retryAfterMs: 12_000 });
    expect(
      classifyLlmError(
        openAiError(429, "slow", "rate_limit_exceeded", { "retry-after-ms": "300" }),
      ),
    ).toEqual({ kind: "rate_limit", retryable: true, status: 429, retryAfterMs: 300 });
  });

  it("recognises context-length errors among 400s", () => {
    expect(
      classifyLlmError(
        anthropicError(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000"),
      ).kind,
    ).toBe("context_length");
    expect(
      classifyLlmError(
        openAiError(
          400,
          "This model's maximum context length is 128000 tokens.",
          "context_length_exceeded",
        ),
      ),
    ).toEqual({ kind: "context_length", retryable: false, status: 400 });
    expect(classifyLlmError(openAiError(400, "bad", "context_length_exceeded")).kind).toBe(
      "context_length",
    );
  });

  it("does not retry an exhausted OpenAI quota", () => {
    expect(classifyLlmError(openAiError(429, "quota", "insufficient_quota"))).toEqual({
      kind: "auth",
      retryable: false,
      status: 429,
    });
  });
});

describe("classifyLlmError: transport errors", () => {
  it("maps user aborts", () => {
    expect(classifyLlmError(new Anthropic.APIUserAbortError())).toEqual({
      kind: "aborted",
      retryable: false,
    });
    expect(classifyLlmError(new OpenAI.APIUserAbortError())).toEqual({
      kind: "aborted",
      retryable: false,
    });
    expect(classifyLlmError(new DOMException("aborted", "AbortError")).kind).toBe("aborted");
  });

  it("maps connection timeouts", () => {
    expect(classifyLlmError(new Anthropic.APIConnectionTimeoutError())).toEqual({
      kind: "timeout",
      retryable: true,
    });
    expect(classifyLlmError(new OpenAI.APIConnectionTimeoutError()).kind).toBe("timeout");
    expect(classifyLlmError(new DOMException("timed out", "TimeoutError")).kind).toBe("timeout");
  });

  it("maps connection failures", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    expect(classifyLlmError(new Anthropic.APIConnectionError({ cause: refused }))).toEqual({
      kind: "network",
      retryable: true,
    });
    expect(classifyLlmError(new OpenAI.APIConnectionError({ cause: refused })).kind).toBe(
      "network",
    );
    // A body cut mid-stream surfaces from undici directly, not wrapped by the SDK.
    expect(classifyLlmError(new TypeError("terminated")).kind).toBe("network");
    expect(classifyLlmError(refused).kind).toBe("network");
  });

  it("maps errors reported inside a stream by their type", () => {
    const overloaded = new Anthropic.APIError(
      undefined,
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      undefined,
      new Headers(),
      "overloaded_error",
    );
    expect(classifyLlmError(overloaded)).toEqual({ kind: "overloaded", retryable: true });
    const openAiStreamError = new OpenAI.APIError(
      undefined,
      { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" },
      undefined,
      new Headers(),
    );
    expect(classifyLlmError(openAiStreamError)).toEqual({ kind: "rate_limit", retryable: true });
    const unknownType = new OpenAI.APIError(
      undefined,
      { message: "oops" },
      undefined,
      new Headers(),
    );
    expect(classifyLlmError(unknownType)).toEqual({ kind: "server", retryable: true });
  });

  it("leaves anything else unknown and not retryable", () => {
    expect(classifyLlmError(new Error("boom"))).toEqual({ kind: "unknown", retryable: false });
    expect(classifyLlmError("a string")).toEqual({ kind: "unknown", retryable: false });
    expect(classifyLlmError(undefined)).toEqual({ kind: "unknown", retryable: false });
  });
});

describe("LlmError", () => {
  it("is branded and exposes its classification", () => {
    const error = new LlmError("nope", {
      provider: "openai",
      classification: { kind: "rate_limit", retryable: true, retryAfterMs: 5 },
    });
    expect(isLlmError(error)).toBe(true);
    expect(isLlmError(new Error("x"))).toBe(false);
    expect(isLlmError({ [Symbol.for("meerkat.llm-error")]: true })).toBe(true);
    expect(error.kind).toBe("rate_limit");
    expect(error.retryable).toBe(true);
    expect(error.name).toBe("LlmError");
    expect(classifyLlmError(error)).toBe(error.classification);
  });

  it("wraps SDK errors with the original as cause", () => {
    const cause = anthropicError(401, "authentication_error", "invalid x-api-key");
    const error = toLlmError(cause, "anthropic");
    expect(error.cause).toBe(cause);
    expect(error.provider).toBe("anthropic");
    expect(error.classification).toEqual({ kind: "auth", retryable: false, status: 401 });
    expect(error.message).toContain("invalid x-api-key");
    expect(toLlmError(error, "anthropic")).toBe(error);
  });

  it("lets the adapter's own stop cause win over what the SDK threw", () => {
    const sdkError = new Anthropic.APIUserAbortError();
    expect(toLlmError(sdkError, "anthropic", "timeout").classification).toEqual({
      kind: "timeout",
      retryable: true,
    });
    expect(toLlmError(new TypeError("terminated"), "openai", "aborted").classification).toEqual({
      kind: "aborted",
      retryable: false,
    });
  });
});
