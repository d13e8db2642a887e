import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/index.js";
import {
  assertBindingEcho,
  assertMaterializable,
  canonicalTrigger,
  keepBinding,
  sameJson,
  withoutNulls,
} from "./definition.js";
import type { TargetBinding } from "./wire.js";

function caught(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected an error");
}

describe("canonical triggers", () => {
  it("normalises timestamps and turns cron into calendar", () => {
    expect(canonicalTrigger({ type: "once", due_at_utc: "2026-05-01T11:00:00+02:00" })).toEqual({
      type: "once",
      due_at_utc: "2026-05-01T09:00:00.000Z",
    });
    expect(
      canonicalTrigger({ type: "cron", expression: "30 9 * * 1-5", timezone: "Europe/Paris" }),
    ).toMatchObject({
      type: "calendar",
      timezone: "Europe/Paris",
      minute: { kind: "values", values: [30] },
      hour: { kind: "values", values: [9] },
    });
  });

  it("drops nulls before normalising (null end_at_utc means none)", () => {
    expect(
      canonicalTrigger({
        type: "interval",
        start_at_utc: "2026-05-01T09:00:00Z",
        every_seconds: 60,
        end_at_utc: null,
      }),
    ).toEqual({ type: "interval", start_at_utc: "2026-05-01T09:00:00.000Z", every_seconds: 60 });
  });

  it("answers normalizeTrigger's messages as 400s", () => {
    expect(
      caught(() => canonicalTrigger({ type: "calendar", timezone: "Mars/Olympus_Mons" })),
    ).toEqual({
      code: "BAD_REQUEST",
      message: "invalid trigger: invalid IANA timezone: Mars/Olympus_Mons",
    });
    const zero = caught(() =>
      canonicalTrigger({
        type: "interval",
        start_at_utc: "2026-05-01T09:00:00Z",
        every_seconds: 0,
      }),
    );
    expect(zero.code).toBe("BAD_REQUEST");
    expect(zero.message).toMatch(/^invalid trigger: every_seconds/);
    expect(
      caught(() => canonicalTrigger({ type: "cron", expression: "61 * * * *", timezone: "UTC" }))
        .message,
    ).toMatch(/^invalid trigger: /);
  });
});

describe("json helpers", () => {
  it("compares JSON by value, ignoring key order and undefined keys", () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
  });

  it("drops null and undefined keys one level deep", () => {
    expect(withoutNulls({ a: 1, b: null, c: undefined, d: { e: null } })).toEqual({
      a: 1,
      d: { e: null },
    });
  });
});

describe("materialised-session binding on update", () => {
  const base = {
    target_kind: "session" as const,
    type: "materialize_on_demand_session" as const,
    create: { model: "claude-haiku-4-5" },
    action: { type: "prompt" as const, prompt: "hi" },
  };
  const bound: TargetBinding = { ...base, bound_session_id: "s-1" };

  it("keeps the binding when the same target is sent without it", () => {
    expect(keepBinding(bound, base)).toEqual(bound);
  });

  it("drops it when the target really changed", () => {
    const changed = { ...base, action: { type: "prompt" as const, prompt: "other" } };
    expect(keepBinding(bound, changed)).toEqual(changed);
  });
});

describe("materialize specs are checked as POST /sessions checks a create", () => {
  const codes = {
    type: "object",
    properties: { code: { type: "string", pattern: "^[A-Z]{2}$" } },
    required: ["code"],
  };

  it("accepts a usable output_schema, raw or wrapped", () => {
    expect(() => {
      assertMaterializable({ model: "claude-haiku-4-5", output_schema: codes });
    }).not.toThrow();
    expect(() => {
      assertMaterializable({ model: "gpt-5.4", output_schema: { schema: codes, name: "codes" } });
    }).not.toThrow();
  });

  it("refuses an output_schema that is not a usable JSON Schema, naming create.output_schema", () => {
    expect(
      caught(() => {
        assertMaterializable({ model: "claude-haiku-4-5", output_schema: { type: "string" } });
      }),
    ).toEqual({
      code: "BAD_REQUEST",
      message:
        'invalid schedule: create.output_schema: root must be a JSON object schema (type "object")',
    });
    expect(
      caught(() => {
        assertMaterializable({
          model: "claude-haiku-4-5",
          output_schema: { schema: { type: "string" }, compat: "loose" },
        });
      }).message,
    ).toBe(
      'invalid schedule: create.output_schema.compat: expected "lossy" or "strict"; ' +
        'create.output_schema.schema: root must be a JSON object schema (type "object")',
    );
  });

  it("judges a strict-compat schema against the provider the session will have", () => {
    const strict = { schema: codes, strict: true, compat: "strict" };
    expect(() => {
      assertMaterializable({ model: "claude-haiku-4-5", output_schema: strict });
    }).not.toThrow();
    // gpt-* goes to OpenAI, which cannot take `pattern` in strict mode.
    expect(
      caught(() => {
        assertMaterializable({ model: "gpt-5.4", output_schema: strict });
      }).message,
    ).toMatch(/^invalid schedule: create\.output_schema: compat "strict" but openai cannot/);
    expect(
      caught(() => {
        assertMaterializable({ model: "my-model", provider: "openai", output_schema: strict });
      }).message,
    ).toContain("dropped unsupported keyword 'pattern'");
  });
});

describe("bound_session_id belongs to the server", () => {
  const target: TargetBinding = {
    target_kind: "session",
    type: "materialize_on_demand_session",
    create: { model: "claude-haiku-4-5" },
    action: { type: "prompt", prompt: "hi" },
  };
  const bound: TargetBinding = { ...target, bound_session_id: "s-1" };

  it("is refused on a new schedule, and on one not bound yet", () => {
    for (const stored of [undefined, target]) {
      expect(
        caught(() => {
          assertBindingEcho("s-1", stored);
        }),
      ).toEqual({
        code: "BAD_REQUEST",
        message:
          "invalid schedule: target.bound_session_id is set by the server when the first delivery creates the session; omit it (use a resumable_session target to deliver to an existing session)",
      });
    }
  });

  it("may echo the binding the schedule has, and nothing else", () => {
    expect(() => {
      assertBindingEcho("s-1", bound);
    }).not.toThrow();
    expect(() => {
      assertBindingEcho(null, bound);
    }).not.toThrow();
    expect(() => {
      assertBindingEcho(undefined, undefined);
    }).not.toThrow();
    expect(
      caught(() => {
        assertBindingEcho("s-2", bound);
      }).message,
    ).toMatch(/^invalid schedule: target\.bound_session_id this schedule is bound to session s-1/);
  });
});
