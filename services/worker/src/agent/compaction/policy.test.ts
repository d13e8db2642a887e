import { describe, expect, it } from "vitest";
import { parseRealmConfig } from "@meerkat/shared/domain";
import { compactionThreshold, shouldCompact, type CompactionCheck } from "./policy.js";

const settings = parseRealmConfig({
  compaction: { auto_compact_threshold: 1_000, min_turns_between_compactions: 2 },
}).compaction;

const base: CompactionCheck = {
  settings,
  contextWindow: 200_000,
  historyTokens: 1_000,
  userTurns: 5,
  turnsSinceLast: undefined,
};

describe("compaction policy", () => {
  it("uses the configured threshold or 80% of a smaller context window", () => {
    expect(compactionThreshold(settings, 200_000)).toBe(1_000);
    expect(compactionThreshold(settings, 1_000)).toBe(800);
  });

  it("compacts at or over the threshold only", () => {
    expect(shouldCompact(base)).toBe(true);
    expect(shouldCompact({ ...base, historyTokens: 999 })).toBe(false);
    expect(shouldCompact({ ...base, historyTokens: 800, contextWindow: 1_000 })).toBe(true);
  });

  it("never compacts a session with fewer than two user turns", () => {
    expect(shouldCompact({ ...base, userTurns: 1, historyTokens: 1_000_000 })).toBe(false);
  });

  it("waits min_turns_between_compactions user turns after the last one", () => {
    expect(shouldCompact({ ...base, turnsSinceLast: 1 })).toBe(false);
    expect(shouldCompact({ ...base, turnsSinceLast: 2 })).toBe(true);
  });

  it("does nothing when disabled", () => {
    expect(shouldCompact({ ...base, settings: { ...settings, enabled: false } })).toBe(false);
  });
});
