import { describe, expect, it } from "vitest";
import type { TaskRow } from "@meerkat/shared/db";
import {
  editIdList,
  initialMetadata,
  mergeMetadata,
  taskChanges,
  toTaskJson,
} from "./task-model.js";

function row(overrides: Partial<TaskRow> = {}): TaskRow {
  return {
    id: "0193a000-0000-7000-8000-000000000001",
    realmId: "realm",
    subject: "Write docs",
    description: "",
    status: "pending",
    priority: "medium",
    labels: ["docs"],
    blocks: ["a"],
    blockedBy: [],
    owner: null,
    metadata: { estimate: 3, link: "x" },
    createdBySession: "0193a000-0000-7000-8000-00000000000a",
    updatedBySession: null,
    createdAt: new Date("2025-01-02T03:04:05.000Z"),
    updatedAt: new Date("2025-01-02T03:04:06.000Z"),
    ...overrides,
  };
}

describe("editIdList", () => {
  it("appends new ids once and keeps order", () => {
    expect(editIdList(["a", "b"], ["b", "c", "c"], undefined)).toEqual(["a", "b", "c"]);
  });
  it("removes ids, including ones added in the same call", () => {
    expect(editIdList(["a", "b"], ["c"], ["a", "c", "zzz"])).toEqual(["b"]);
  });
});

describe("mergeMetadata", () => {
  it("merges shallowly and deletes keys set to null", () => {
    expect(mergeMetadata({ a: 1, b: { x: 1 } }, { b: { y: 2 }, a: null, c: false })).toEqual({
      b: { y: 2 },
      c: false,
    });
  });
  it("initial metadata drops null values", () => {
    expect(initialMetadata({ a: null, b: 0 })).toEqual({ b: 0 });
    expect(initialMetadata(undefined)).toEqual({});
  });
});

describe("taskChanges", () => {
  it("changes only what the arguments name", () => {
    expect(taskChanges(row(), { id: "x", status: "in_progress" })).toEqual({
      status: "in_progress",
    });
  });
  it("edits dependency lists and merges metadata against the stored task", () => {
    expect(
      taskChanges(row(), {
        id: "x",
        add_blocks: ["b"],
        remove_blocks: ["a"],
        add_blocked_by: ["z"],
        metadata: { link: null, owner_note: "hi" },
        owner: null,
        labels: ["x", "x", "y"],
      }),
    ).toEqual({
      blocks: ["b"],
      blockedBy: ["z"],
      metadata: { estimate: 3, owner_note: "hi" },
      owner: null,
      labels: ["x", "y"],
    });
  });
});

describe("toTaskJson", () => {
  it("uses the contract's field names and omits unset optional fields", () => {
    expect(toTaskJson(row())).toEqual({
      id: "0193a000-0000-7000-8000-000000000001",
      subject: "Write docs",
      description: "",
      status: "pending",
      priority: "medium",
      labels: ["docs"],
      blocks: ["a"],
      blocked_by: [],
      created_at: "2025-01-02T03:04:05.000Z",
      updated_at: "2025-01-02T03:04:06.000Z",
      created_by_session: "0193a000-0000-7000-8000-00000000000a",
      metadata: { estimate: 3, link: "x" },
    });
    expect(toTaskJson(row({ owner: "ana" })).owner).toBe("ana");
  });
});
