import { describe, expect, it } from "vitest";
import { labelsProblem, MAX_LABELS } from "./labels.js";

const labels = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, `value${i}`]));

describe("labelsProblem", () => {
  it("accepts no labels, and up to MAX_LABELS of them", () => {
    expect(labelsProblem(undefined, "labels")).toBeUndefined();
    expect(labelsProblem(null, "labels")).toBeUndefined();
    expect(labelsProblem({}, "labels")).toBeUndefined();
    expect(MAX_LABELS).toBe(64);
    expect(labelsProblem(labels(64), "labels")).toBeUndefined();
  });

  it("refuses more than MAX_LABELS, naming the field", () => {
    expect(labelsProblem(labels(65), "create.peer_meta.labels")).toBe(
      "create.peer_meta.labels: at most 64 labels are allowed (got 65)",
    );
  });

  it("refuses empty keys and the keys the runtime owns, in any case", () => {
    expect(labelsProblem({ " ": "x" }, "labels")).toBe("labels: label keys must not be empty");
    for (const key of ["mob_id", "Role", "MEERKAT_ID", "meerkat", "Meerkat.owner"]) {
      expect(labelsProblem({ team: "red", [key]: "x" }, "labels")).toBe(
        `metadata label key '${key}' is reserved for Meerkat-owned runtime facts`,
      );
    }
    expect(labelsProblem({ meerkats: "x", "my.meerkat": "y", roles: "z" }, "labels")).toBe(
      undefined,
    );
  });
});
