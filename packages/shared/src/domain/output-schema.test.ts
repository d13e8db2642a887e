import { describe, expect, it } from "vitest";
import {
  isOutputSchemaWrapper,
  lowerForProvider,
  normalizeOutputSchema,
  type JsonSchemaObject,
  type LoweredOutputSchema,
  type NormalizedOutputSchema,
} from "./output-schema.js";

const capital = {
  type: "object",
  properties: { country: { type: "string" }, capital: { type: "string" } },
  required: ["country", "capital"],
};

function normalized(raw: unknown): NormalizedOutputSchema {
  const result = normalizeOutputSchema(raw);
  if ("error" in result) throw new Error(result.error);
  return result;
}

function lowered(result: LoweredOutputSchema | { error: string }): LoweredOutputSchema {
  if ("error" in result) throw new Error(result.error);
  return result;
}

describe("isOutputSchemaWrapper", () => {
  it("needs a schema key", () => {
    expect(isOutputSchemaWrapper({ name: "x", strict: true })).toBe(false);
    expect(isOutputSchemaWrapper(capital)).toBe(false);
  });

  it("accepts only wrapper keys", () => {
    expect(isOutputSchemaWrapper({ schema: capital })).toBe(true);
    expect(
      isOutputSchemaWrapper({
        schema: capital,
        name: "n",
        strict: true,
        compat: "strict",
        format: "meerkat_v1",
      }),
    ).toBe(true);
  });

  it('accepts any extra keys when format is "meerkat_v1"', () => {
    expect(isOutputSchemaWrapper({ schema: capital, format: "meerkat_v1", extra: 1 })).toBe(true);
  });

  it("treats schema next to other keys as a raw schema with a `schema` property", () => {
    expect(isOutputSchemaWrapper({ schema: capital, type: "object" })).toBe(false);
    expect(isOutputSchemaWrapper({ schema: capital, format: "other", extra: 1 })).toBe(false);
  });
});

describe("normalizeOutputSchema", () => {
  it("reads a raw schema with the wrapper defaults", () => {
    expect(normalized(capital)).toEqual({
      schema: capital,
      name: "output",
      strict: false,
      compat: "lossy",
      format: "meerkat_v1",
    });
  });

  it("reads a wrapper's fields; nulls count as absent", () => {
    expect(
      normalized({ schema: capital, name: "capital_extraction", strict: true, compat: "strict" }),
    ).toMatchObject({ name: "capital_extraction", strict: true, compat: "strict" });
    expect(
      normalized({ schema: capital, name: null, strict: null, compat: null, format: null }),
    ).toMatchObject({ name: "output", strict: false, compat: "lossy", format: "meerkat_v1" });
  });

  it("does not modify its input", () => {
    const raw = { type: "object", properties: { a: { type: "object" } } };
    const copy = structuredClone(raw);
    normalized(raw);
    expect(raw).toEqual(copy);
  });

  it("adds missing properties and required on object nodes, recursively", () => {
    const result = normalized({
      type: "object",
      properties: {
        inner: { type: "object" },
        list: { type: "array", items: { type: ["object", "null"] } },
        choice: { anyOf: [{ type: "object" }, { type: "string" }] },
        text: { type: "string" },
      },
      $defs: { node: { type: "object", properties: { id: { type: "string" } } } },
    });
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        inner: { type: "object", properties: {}, required: [] },
        list: { type: "array", items: { type: ["object", "null"], properties: {}, required: [] } },
        choice: { anyOf: [{ type: "object", properties: {}, required: [] }, { type: "string" }] },
        text: { type: "string" },
      },
      required: [],
      $defs: { node: { type: "object", properties: { id: { type: "string" } }, required: [] } },
    });
  });

  it('gives an object-like root its type "object"', () => {
    expect(normalized({ properties: { a: { type: "string" } } }).schema).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      required: [],
    });
  });

  it("refuses a root that is not an object schema", () => {
    expect(normalizeOutputSchema({ type: "array", items: {} })).toEqual({
      error: 'output_schema: root must be a JSON object schema (type "object")',
    });
    expect(normalizeOutputSchema({ schema: { type: "string" } })).toEqual({
      error: 'output_schema.schema: root must be a JSON object schema (type "object")',
    });
    expect(normalizeOutputSchema({ type: ["object", "null"] })).toHaveProperty("error");
    expect(normalizeOutputSchema({})).toHaveProperty("error");
  });

  it("refuses what is not a JSON object", () => {
    for (const raw of [null, "x", 3, [capital]]) {
      expect(normalizeOutputSchema(raw)).toEqual({
        error: "output_schema: expected a JSON object",
      });
    }
    expect(normalizeOutputSchema({ schema: "x" })).toEqual({
      error: "output_schema.schema: expected a JSON object",
    });
  });

  it("names every bad wrapper field", () => {
    const result = normalizeOutputSchema({
      schema: { type: "string" },
      name: "",
      strict: "yes",
      compat: "loose",
      format: "meerkat_v2",
    });
    expect(result).toEqual({
      error: [
        "output_schema.name: expected a non-empty string",
        "output_schema.strict: expected a boolean",
        'output_schema.compat: expected "lossy" or "strict"',
        'output_schema.format: expected "meerkat_v1"',
        'output_schema.schema: root must be a JSON object schema (type "object")',
      ].join("; "),
    });
  });
});

const rich: JsonSchemaObject = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    code: { type: "string", pattern: "^[A-Z]{2}$", default: "FR" },
    founded: { type: "string", format: "date" },
    population: { type: ["integer", "null"], minimum: 0 },
    tags: { type: "array", items: { type: "string" }, uniqueItems: true },
    meta: { type: "object", properties: {}, required: [], additionalProperties: true },
  },
  required: ["code"],
};

describe("lowerForProvider", () => {
  it("anthropic has no native mode: the schema is untouched, nothing is reported", () => {
    expect(lowerForProvider(rich, "anthropic", "strict")).toEqual({
      native: false,
      schema: rich,
      warnings: [],
    });
  });

  it("self-hosted servers and non-strict openai take the schema as is", () => {
    for (const provider of ["self_hosted", "other", "openai"] as const) {
      expect(lowerForProvider(rich, provider, "strict")).toEqual({
        native: true,
        schema: rich,
        warnings: [],
      });
    }
  });

  it("openai strict closes objects and drops what strict mode refuses, with warnings", () => {
    const result = lowered(lowerForProvider(rich, "openai", "lossy", { strict: true }));
    expect(result.native).toBe(true);
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        code: { type: "string" },
        founded: { type: "string" },
        population: { type: ["integer", "null"] },
        tags: { type: "array", items: { type: "string" } },
        meta: { type: "object", properties: {}, required: [], additionalProperties: false },
      },
      required: ["code", "founded", "population", "tags", "meta"],
      additionalProperties: false,
    });
    expect(result.warnings).toEqual([
      {
        provider: "openai",
        path: "#/properties/code",
        message: "dropped unsupported keyword 'pattern'",
      },
      {
        provider: "openai",
        path: "#/properties/founded",
        message: "dropped unsupported keyword 'format'",
      },
      {
        provider: "openai",
        path: "#/properties/population",
        message: "dropped unsupported keyword 'minimum'",
      },
      {
        provider: "openai",
        path: "#/properties/tags",
        message: "dropped unsupported keyword 'uniqueItems'",
      },
      {
        provider: "openai",
        path: "#/properties/meta",
        message: "additionalProperties replaced by false",
      },
      {
        provider: "openai",
        path: "#",
        message: "optional properties made required: founded, population, tags, meta",
      },
    ]);
  });

  it("openai strict adds additionalProperties:false silently where the schema said nothing", () => {
    const result = lowered(
      lowerForProvider(
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        "openai",
        "lossy",
        { strict: true },
      ),
    );
    expect(result.schema["additionalProperties"]).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it("strict compat refuses instead, naming every change", () => {
    const result = lowerForProvider(rich, "openai", "strict", { strict: true });
    const error = "error" in result ? result.error : "";
    expect(error).toMatch(
      /^output_schema: compat "strict" but openai cannot take the schema as is: /,
    );
    expect(error).toContain("#/properties/code: dropped unsupported keyword 'pattern'; ");
    expect(error).toContain(
      "#: optional properties made required: founded, population, tags, meta",
    );
  });

  it("strict compat accepts a schema the provider takes as is", () => {
    const result = lowered(
      lowerForProvider(
        {
          $schema: "https://json-schema.org/draft/2020-12/schema",
          type: "object",
          properties: { a: { type: "string", description: "d" } },
          required: ["a"],
          additionalProperties: false,
        },
        "openai",
        "strict",
        { strict: true },
      ),
    );
    expect(result.warnings).toEqual([]);
    expect(result.schema).not.toHaveProperty("$schema");
  });

  it("gemini keeps its subset, turns nullable type lists into nullable, drops the rest", () => {
    const result = lowered(lowerForProvider(rich, "gemini", "lossy"));
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        code: { type: "string" },
        founded: { type: "string" },
        population: { type: "integer", nullable: true, minimum: 0 },
        tags: { type: "array", items: { type: "string" } },
        meta: { type: "object", properties: {}, required: [] },
      },
      required: ["code"],
    });
    expect(result.warnings.map((w) => `${w.path} ${w.message}`)).toEqual([
      "#/properties/code dropped unsupported keyword 'pattern'",
      "#/properties/founded dropped unsupported format 'date'",
      "#/properties/tags dropped unsupported keyword 'uniqueItems'",
      "#/properties/meta dropped unsupported keyword 'additionalProperties'",
    ]);
    expect(result.warnings.every((w) => w.provider === "gemini")).toBe(true);
  });

  it("gemini drops a type list with several non-null types", () => {
    const result = lowered(
      lowerForProvider(
        { type: "object", properties: { v: { type: ["string", "number"] } }, required: [] },
        "gemini",
        "lossy",
      ),
    );
    expect(result.schema["properties"]).toEqual({ v: {} });
    expect(result.warnings[0]?.message).toBe(
      'dropped type list ["string","number"] (one type only)',
    );
  });

  it("escapes property names in warning paths (JSON pointer)", () => {
    const result = lowered(
      lowerForProvider(
        { type: "object", properties: { "a/b~c": { type: "string", pattern: "x" } } },
        "gemini",
        "lossy",
      ),
    );
    expect(result.warnings[0]?.path).toBe("#/properties/a~1b~0c");
  });

  it("does not modify its input", () => {
    const copy = structuredClone(rich);
    lowerForProvider(rich, "openai", "lossy", { strict: true });
    lowerForProvider(rich, "gemini", "lossy");
    expect(rich).toEqual(copy);
  });
});
