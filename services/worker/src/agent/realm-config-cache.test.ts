import { describe, expect, it } from "vitest";
import { createLogger } from "@meerkat/shared/observability";
import { RealmConfigCache } from "./realm-config-cache.js";

const logger = createLogger({ service: "test", version: "0", level: "silent" });

describe("RealmConfigCache", () => {
  it("parses once per realm generation and sees a new generation at once", () => {
    const cache = new RealmConfigCache();
    const first = cache.get("r1", 3, { agent: { system_prompt: "one" } }, logger);
    // Same generation: the cached parse, whatever object the row arrived as.
    expect(cache.get("r1", 3, { agent: { system_prompt: "one" } }, logger)).toBe(first);
    expect(first.agent.system_prompt).toBe("one");
    const second = cache.get("r1", 4, { agent: { system_prompt: "two" } }, logger);
    expect(second.agent.system_prompt).toBe("two");
    // Another realm at the same generation is its own entry.
    expect(cache.get("r2", 3, {}, logger).agent.system_prompt).toBeUndefined();
  });

  it("freezes shared entries and evicts the oldest beyond capacity", () => {
    const cache = new RealmConfigCache(2);
    const a = cache.get("r", 1, {}, logger);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.agent)).toBe(true);
    cache.get("r", 2, {}, logger);
    cache.get("r", 3, {}, logger);
    expect(cache.get("r", 1, {}, logger)).not.toBe(a);
  });

  it("falls back to defaults for an invalid stored config, and never caches without a generation", () => {
    const cache = new RealmConfigCache();
    const invalid = cache.get("r", 1, { agent: { system_prompt: 42 } }, logger);
    expect(invalid.agent.system_prompt).toBeUndefined();
    const a = cache.get("r", undefined, {}, logger);
    expect(cache.get("r", undefined, {}, logger)).not.toBe(a);
  });
});
