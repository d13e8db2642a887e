import { describe, expect, it } from "vitest";
import { checkOutputSchema, resolveOutputSchema } from "./index.js";

const schema = {
  type: "object",
  properties: { code: { type: "string", pattern: "^[A-Z]{2}$" } },
  required: ["code"],
};

describe("checkOutputSchema", () => {
  it("accepts a usable schema, raw or wrapped", () => {
    expect(checkOutputSchema(schema)).toEqual([]);
    expect(checkOutputSchema({ schema, name: "codes" })).toEqual([]);
  });

  it("reports normalisation problems", () => {
    expect(checkOutputSchema({ schema, compat: "loose" })).toEqual([
      'output_schema.compat: expected "lossy" or "strict"',
    ]);
    expect(checkOutputSchema({ type: "string" })).toEqual([
      'output_schema: root must be a JSON object schema (type "object")',
    ]);
  });

  it("reports a schema Ajv does not compile", () => {
    const problems = checkOutputSchema({
      type: "object",
      properties: { a: { type: "text" } },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^output_schema: not a valid JSON Schema: .*type/);
    expect(checkOutputSchema({ schema: { type: "object", required: "a" } })).toEqual([
      "output_schema.schema: not a valid JSON Schema: schema is invalid: data/required must be array",
    ]);
  });

  it("refuses a strict-compat schema the named provider cannot take as is", () => {
    const wrapped = { schema, strict: true, compat: "strict" };
    expect(checkOutputSchema(wrapped)).toEqual([]);
    expect(checkOutputSchema(wrapped, "anthropic")).toEqual([]);
    expect(checkOutputSchema(wrapped, "openai")[0]).toContain(
      "#/properties/code: dropped unsupported keyword 'pattern'",
    );
    expect(checkOutputSchema({ ...wrapped, compat: "lossy" }, "openai")).toEqual([]);
  });
});

describe("resolveOutputSchema", () => {
  it("returns the normalised schema and, for a provider, its lowering", () => {
    const bare = resolveOutputSchema({ schema });
    expect(bare).toMatchObject({ output: { name: "output" }, lowered: null });
    const forOpenAi = resolveOutputSchema({ schema, strict: true }, "openai");
    if ("error" in forOpenAi) throw new Error(forOpenAi.error);
    expect(forOpenAi.lowered.native).toBe(true);
    expect(forOpenAi.lowered.warnings).toHaveLength(1);
  });
});
