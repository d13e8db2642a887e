import { describe, expect, it } from "vitest";
import { DEFAULT_REALM_CONFIG } from "@meerkat/shared/domain";
import { isAppError } from "@meerkat/shared/errors";
import {
  describeIssues,
  readPatchConfigBody,
  readSetConfigBody,
  validateConfig,
} from "./config-body.js";

function rejection(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("readSetConfigBody / readPatchConfigBody", () => {
  it("unwraps the wrapped forms, recognised by their key", () => {
    expect(readSetConfigBody({ config: { max_tokens: 5 }, expected_generation: 3 })).toEqual({
      value: { max_tokens: 5 },
      expectedGeneration: 3,
    });
    expect(readPatchConfigBody({ patch: { tools: null }, expected_generation: null })).toEqual({
      value: { tools: null },
      expectedGeneration: undefined,
    });
  });

  it("takes any other body as the bare form", () => {
    expect(readSetConfigBody({ max_tokens: 5 })).toEqual({
      value: { max_tokens: 5 },
      expectedGeneration: undefined,
    });
    expect(readPatchConfigBody([1])).toEqual({ value: [1], expectedGeneration: undefined });
    expect(readSetConfigBody(null)).toEqual({ value: null, expectedGeneration: undefined });
  });

  it("rejects an expected_generation that is not a non-negative integer", () => {
    for (const bad of [-1, 1.5, "3"]) {
      expect(rejection(() => readSetConfigBody({ config: {}, expected_generation: bad }))).toEqual({
        code: "BAD_REQUEST",
        message: expect.stringMatching(/^Invalid request body: expected_generation: /) as unknown,
      });
    }
  });
});

describe("validateConfig", () => {
  it("fills defaults and drops unknown keys", () => {
    const config = validateConfig({ agent: { model: "gpt-5.5" }, nonsense: true });
    expect(config.agent.model).toBe("gpt-5.5");
    expect(config.retry).toEqual(DEFAULT_REALM_CONFIG.retry);
    expect(config).not.toHaveProperty("nonsense");
  });

  it("names every invalid field", () => {
    const { code, message } = rejection(() =>
      validateConfig({ agent: { max_tokens_per_turn: "lots" }, retry: { initial_delay: "soon" } }),
    );
    expect(code).toBe("BAD_REQUEST");
    expect(message).toMatch(
      /^Invalid config: agent\.max_tokens_per_turn: .*; retry\.initial_delay: /,
    );
  });

  it("names the root when the config is not an object", () => {
    expect(rejection(() => validateConfig([1, 2])).message).toMatch(
      /^Invalid config: config: .*expected object/,
    );
  });
});

describe("describeIssues", () => {
  it("lists five issues and counts the rest", () => {
    const issues = Array.from({ length: 7 }, (_, index) => ({
      path: ["a", index],
      message: "bad",
    }));
    expect(describeIssues(issues)).toBe(
      "a.0: bad; a.1: bad; a.2: bad; a.3: bad; a.4: bad (and 2 more)",
    );
  });
});
