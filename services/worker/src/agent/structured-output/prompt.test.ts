import { describe, expect, it } from "vitest";
import {
  buildExtractionPrompt,
  buildRetryPrompt,
  DEFAULT_EXTRACTION_INSTRUCTION,
  describeProblem,
} from "./prompt.js";

const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };

describe("buildExtractionPrompt", () => {
  it("asks for JSON only, about the previous answer, with the schema and its name", () => {
    const prompt = buildExtractionPrompt({ name: "facts", schema });
    expect(prompt.startsWith(DEFAULT_EXTRACTION_INSTRUCTION)).toBe(true);
    expect(DEFAULT_EXTRACTION_INSTRUCTION).toMatch(/previous answer/);
    expect(DEFAULT_EXTRACTION_INSTRUCTION).toMatch(/no markdown code fences/);
    expect(prompt).toContain('JSON Schema "facts":');
    expect(prompt).toContain(JSON.stringify(schema, null, 2));
  });

  it("takes the configured instruction instead of the default, keeping the schema", () => {
    const prompt = buildExtractionPrompt({ name: "facts", schema, instruction: " Only JSON! " });
    expect(prompt.startsWith("Only JSON!\n\n")).toBe(true);
    expect(prompt).not.toContain(DEFAULT_EXTRACTION_INSTRUCTION);
    expect(prompt).toContain(JSON.stringify(schema, null, 2));
  });

  it("falls back to the default for a blank configured instruction", () => {
    const prompt = buildExtractionPrompt({ name: "facts", schema, instruction: "  " });
    expect(prompt.startsWith(DEFAULT_EXTRACTION_INSTRUCTION)).toBe(true);
  });
});

describe("retry prompts", () => {
  it("quote a parse error", () => {
    const prompt = buildRetryPrompt({ kind: "parse", error: "Unexpected token" }, "facts");
    expect(prompt).toContain("it is not valid JSON (Unexpected token)");
    expect(prompt).toContain('the schema "facts"');
  });

  it("list validation errors, capped", () => {
    const errors = Array.from({ length: 12 }, (_, i) => `$.f${i}: must be string`);
    const text = describeProblem({ kind: "schema", errors });
    expect(text).toContain("it does not match the schema:\n- $.f0: must be string");
    expect(text).toContain("- $.f9: must be string");
    expect(text).not.toContain("$.f10");
    expect(text).toContain("- … and 2 more");
  });
});
