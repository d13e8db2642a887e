import { describe, expect, it } from "vitest";
import { validateAgainst } from "@meerkat/shared/json-schema";
import { memorySaveSchema, memorySearchSchema } from "../memory/tools.js";
import { shellJobStatusSchema, shellSchema } from "../shell/schemas.js";
import { datetimeTool } from "./datetime.js";
import { taskCreateSchema, taskListSchema, taskUpdateSchema } from "./task-schemas.js";

const ok = (schema: unknown, args: unknown) => validateAgainst(schema, args).ok;

describe("tool input schemas", () => {
  it("task_create requires subject and description and knows its enums", () => {
    expect(ok(taskCreateSchema, { subject: "s", description: "d" })).toBe(true);
    expect(
      ok(taskCreateSchema, {
        subject: "s",
        description: "d",
        priority: "high",
        labels: ["x"],
        blocks: [],
        blocked_by: ["y"],
        owner: "ana",
        metadata: { any: { nested: true } },
      }),
    ).toBe(true);
    expect(ok(taskCreateSchema, { subject: "s" })).toBe(false);
    expect(ok(taskCreateSchema, { subject: "s", description: "d", priority: "urgent" })).toBe(
      false,
    );
    expect(ok(taskCreateSchema, { subject: "s", description: "d", title: "typo" })).toBe(false);
  });

  it("task_update requires an id; owner may be null; status is an enum", () => {
    expect(ok(taskUpdateSchema, { id: "x", owner: null, metadata: { k: null } })).toBe(true);
    expect(ok(taskUpdateSchema, { status: "completed" })).toBe(false);
    expect(ok(taskUpdateSchema, { id: "x", status: "done" })).toBe(false);
    expect(ok(taskUpdateSchema, { id: "x", add_blocks: "y" })).toBe(false);
  });

  it("task_list takes optional filters only", () => {
    expect(ok(taskListSchema, {})).toBe(true);
    expect(ok(taskListSchema, { status: "pending", labels: ["a"] })).toBe(true);
    expect(ok(taskListSchema, { owner: "ana" })).toBe(false);
  });

  it("datetime takes an optional timezone", () => {
    expect(ok(datetimeTool.inputSchema, {})).toBe(true);
    expect(ok(datetimeTool.inputSchema, { timezone: "Europe/Paris" })).toBe(true);
    expect(ok(datetimeTool.inputSchema, { tz: "UTC" })).toBe(false);
  });

  it("shell requires a command and bounds its timeout", () => {
    expect(ok(shellSchema, { command: "ls" })).toBe(true);
    expect(
      ok(shellSchema, { command: "ls", working_dir: "src", timeout_secs: 5, background: true }),
    ).toBe(true);
    expect(ok(shellSchema, { command: "" })).toBe(false);
    expect(ok(shellSchema, { command: "ls", timeout_secs: 0 })).toBe(false);
    expect(ok(shellSchema, { command: "ls", timeout_secs: 1.5 })).toBe(false);
    expect(ok(shellSchema, { command: "ls", env: {} })).toBe(false);
    expect(ok(shellJobStatusSchema, {})).toBe(false);
  });

  it("memory tools bound their inputs", () => {
    expect(ok(memorySaveSchema, { content: "x", tags: ["a"] })).toBe(true);
    expect(ok(memorySaveSchema, { content: "" })).toBe(false);
    expect(ok(memorySearchSchema, { query: "x", limit: 20 })).toBe(true);
    expect(ok(memorySearchSchema, { query: "x", limit: 21 })).toBe(false);
    expect(ok(memorySearchSchema, { limit: 3 })).toBe(false);
  });
});
