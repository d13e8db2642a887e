import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.js";
import { isAppError } from "../errors/index.js";
import { validateAgainst } from "../json-schema/index.js";
import { callScheduleTool, SCHEDULE_TOOL_NAMES, scheduleToolDefinitions } from "./tools.js";

// The failures below happen before any query: a database that throws on any use proves it.
const noDb = new Proxy(
  {},
  {
    get() {
      throw new Error("no database in unit tests");
    },
  },
) as unknown as Db;

async function refusal(name: string, args: unknown): Promise<{ code: string; message: string }> {
  try {
    await callScheduleTool(noDb, "realm-a", name, args, { now: new Date() });
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

const definition = (name: string) => {
  const found = scheduleToolDefinitions().find((entry) => entry.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};

const createArgs = {
  trigger: { type: "interval", start_at_utc: "2026-05-01T09:00:00Z", every_seconds: 3600 },
  target: {
    target_kind: "session",
    type: "current_session",
    action: { type: "prompt", prompt: "check" },
  },
  misfire_policy: { type: "skip" },
  overlap_policy: "skip_if_running",
  missing_target_policy: "mark_misfired",
};

describe("schedule tool definitions", () => {
  it("offers the eight tools with MCP-style camelCase input schemas", () => {
    expect(SCHEDULE_TOOL_NAMES).toEqual([
      "meerkat_schedule_create",
      "meerkat_schedule_get",
      "meerkat_schedule_list",
      "meerkat_schedule_update",
      "meerkat_schedule_pause",
      "meerkat_schedule_resume",
      "meerkat_schedule_delete",
      "meerkat_schedule_occurrences",
    ]);
    for (const tool of scheduleToolDefinitions()) {
      expect(tool.inputSchema).toMatchObject({ type: "object", additionalProperties: false });
      expect(tool.inputSchema).not.toHaveProperty("$schema");
      expect(tool.description.length).toBeGreaterThan(20);
    }
    expect(scheduleToolDefinitions()).toBe(scheduleToolDefinitions());
  });

  it("create requires the trigger, the target and every policy", () => {
    const schema = definition("meerkat_schedule_create").inputSchema;
    expect(schema["required"]).toEqual(
      expect.arrayContaining([
        "trigger",
        "target",
        "misfire_policy",
        "overlap_policy",
        "missing_target_policy",
      ]),
    );
    expect(validateAgainst(schema, createArgs).ok).toBe(true);
    const { overlap_policy: _dropped, ...withoutOverlap } = createArgs;
    expect(validateAgainst(schema, withoutOverlap).ok).toBe(false);
    expect(validateAgainst(schema, { ...createArgs, planning_horizon_days: 0 }).ok).toBe(false);
    expect(validateAgainst(schema, { ...createArgs, color: "red" }).ok).toBe(false);
  });

  it("list takes {} only; the id tools take exactly {schedule_id}", () => {
    expect(validateAgainst(definition("meerkat_schedule_list").inputSchema, {}).ok).toBe(true);
    expect(validateAgainst(definition("meerkat_schedule_list").inputSchema, { all: true }).ok).toBe(
      false,
    );
    const pause = definition("meerkat_schedule_pause").inputSchema;
    expect(validateAgainst(pause, { schedule_id: "x" }).ok).toBe(true);
    expect(validateAgainst(pause, {}).ok).toBe(false);
    const update = definition("meerkat_schedule_update").inputSchema;
    expect(validateAgainst(update, { schedule_id: "x", expected_revision: 2, name: "n" }).ok).toBe(
      true,
    );
  });
});

describe("calling schedule tools", () => {
  it("refuses an unknown tool", async () => {
    const error = await refusal("meerkat_schedule_explode", {});
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("Unknown schedule tool 'meerkat_schedule_explode'");
  });

  it("refuses arguments that do not fit, naming the field", async () => {
    const error = await refusal("meerkat_schedule_list", { all: true });
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/^Invalid arguments for meerkat_schedule_list: /);
    const missing = await refusal("meerkat_schedule_get", null);
    expect(missing.message).toContain("schedule_id");
  });

  it("refuses the current_session target outside a session", async () => {
    const error = await refusal("meerkat_schedule_create", createArgs);
    expect(error).toEqual({
      code: "BAD_REQUEST",
      message:
        "invalid schedule: the current_session target is only available to an agent inside a session",
    });
  });

  it("refuses a malformed schedule id", async () => {
    expect(await refusal("meerkat_schedule_get", { schedule_id: "nope" })).toEqual({
      code: "BAD_REQUEST",
      message: "Invalid schedule id 'nope': expected a UUID",
    });
  });
});
